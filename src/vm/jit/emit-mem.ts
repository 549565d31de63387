/**
 * Code for the instructions that reach outside the registers: loads and stores (through the
 * Cpu's checked access, or straight into the current frame's stack when the address is r10 plus
 * a constant inside it), atomics, LD_ABS/LD_IND, helper and bpf-to-bpf calls, exit, and the
 * instructions that cannot run. Every stop leaves through `x.stop`, which counts the instruction.
 */
import { MAX_BPF_STACK } from '../../isa';
import { hi, lit, lo, type Site } from './site';
import type { Emit } from './emit-alu';

/** Whether r10 + off .. + size stays inside a 512-byte frame stack (decidable when compiling). */
const onStack = (off: number, size: number): boolean => off >= -MAX_BPF_STACK && off + size <= 0;

const SIZE: Record<number, number> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };
const sizeOf = (op: number): number => SIZE[op & 0x18];

/** The stack fast path's read of `size` bytes at frame offset `o`, into `v` (and `t` for the high half). */
function stackRead(o: number, size: number, signed: boolean): string {
  if (size === 8) return `v=sv.getInt32(${o},true);t=sv.getInt32(${o + 4},true);`;
  const get = size === 4 ? 'getInt32' : size === 2 ? (signed ? 'getInt16' : 'getUint16') : signed ? 'getInt8' : 'getUint8';
  return `v=sv.${get}(${o},true);`;
}

function load(x: Site, signed: boolean): string {
  const size = sizeOf(x.op);
  const d = x.d;
  const generic = `v=cpu.load(${lo(x.s)},${hi(x.s)},${x.off},${size});if(cpu.stop!==null){${x.stop}}`;
  let set: string;
  if (!signed) set = `${lo(d)}=v;${hi(d)}=cpu.vHi;`;
  else if (size === 4) set = `${lo(d)}=v;${hi(d)}=v>>31;`;
  else if (size === 2) set = `${lo(d)}=(v<<16)>>16;${hi(d)}=${lo(d)}>>31;`;
  else set = `${lo(d)}=(v<<24)>>24;${hi(d)}=${lo(d)}>>31;`;
  if (x.s !== 10 || !onStack(x.off, size)) return generic + set;
  // the stack: plain bytes, the high half is 0 below 8 bytes (or the sign, for signed loads)
  const o = MAX_BPF_STACK + x.off;
  let fast: string;
  if (size === 8) fast = `${lo(d)}=v;${hi(d)}=t;`;
  else if (signed) fast = `${lo(d)}=v;${hi(d)}=v>>31;`;
  else fast = `${lo(d)}=v;${hi(d)}=0;`;
  return `if(sv!==null){${stackRead(o, size, signed)}${fast}}else{${generic}${set}}`;
}

function store(x: Site, fromReg: boolean): string {
  const size = sizeOf(x.op);
  const vl = fromReg ? lo(x.s) : lit(x.imm);
  const vh = size !== 8 ? '0' : fromReg ? hi(x.s) : lit(x.imm >> 31);
  const generic = `cpu.store(${lo(x.d)},${hi(x.d)},${x.off},${size},${vl},${vh});if(cpu.stop!==null){${x.stop}}`;
  if (x.d !== 10 || !onStack(x.off, size)) return generic;
  const o = MAX_BPF_STACK + x.off;
  // recording: the page is saved before its first change in a history segment (mem/cow.ts)
  let fast = `if(cw!==null)cw.touch(sr,${o},${size});`;
  if (size === 8) fast += `sv.setInt32(${o},${vl},true);sv.setInt32(${o + 4},${vh},true);`;
  else fast += `sv.${size === 4 ? 'setInt32' : size === 2 ? 'setInt16' : 'setInt8'}(${o},${vl},true);`;
  return `if(sv!==null){${fast}}else{${generic}}`;
}

function atomic(x: Site): string {
  const size = x.op === 0xdb ? 8 : 4;
  return `${x.sync}if(!rt.atomic(cpu,${x.d},${x.s},${x.off},${x.imm},${size})){${x.stop}}l0=L[0];h0=H[0];${lo(x.s)}=L[${x.s}];${hi(x.s)}=H[${x.s}];`;
}

/** LD_ABS / LD_IND: a big-endian packet load through the host; out of the packet ends the run with r0 = 0. */
function ldSkb(x: Site, size: number, indirect: boolean): string {
  const offset = indirect ? `(${lit(x.imm)}+${lo(x.s)})|0` : lit(x.imm);
  return `v=host.loadSkb(${offset},${size});if(v===null){l0=0;h0=0;cpu.exit(${x.i},"ld_abs");${x.stop}}l0=v|0;h0=0;`;
}

/** A helper call: the registers go to the Cpu, the helper runs, r0 comes back (a tail call switches program). */
function helperCall(x: Site, id: string): string {
  return (
    `${x.sync}cpu.executed=${x.count};t=cpu.callHelper(${x.i},${id},0);` +
    `if(t<0){cpu.pc=${x.i};return 1;}if(cpu.lastTail){cpu.pc=0;return 0;}l0=L[0];h0=H[0];${x.goto(x.i + 1)}`
  );
}

function call(x: Site): string {
  if (x.s !== 1) return helperCall(x, String(x.imm));
  // bpf-to-bpf: the Cpu saves r6-r10 and moves r10 to a new frame; the chunk is left, r10 has changed
  return `${x.sync}cpu.executed=${x.count};t=cpu.callLocal(${x.i},${x.i + 1 + x.imm});if(t<0){cpu.pc=${x.i};return 1;}cpu.pc=t;return 0;`;
}

function exit(x: Site): string {
  return `${x.sync}cpu.executed=${x.count};if(cpu.depth===0){cpu.exit(${x.i});return 1;}cpu.pc=cpu.returnLocal();return 0;`;
}

/** An instruction that cannot run: the fault the interpreter gives. */
export const cannotRun = (x: Site): string => `cpu.fault(${x.i},${JSON.stringify(x.why ?? `cannot run opcode 0x${x.op.toString(16)}`)});${x.stop}`;

export const MEM: Record<number, Emit> = {
  0x18: (x) => `${lo(x.d)}=${lit(x.imm)};${hi(x.d)}=${lit(x.imm2)};`,
  0x20: (x) => ldSkb(x, 4, false),
  0x28: (x) => ldSkb(x, 2, false),
  0x30: (x) => ldSkb(x, 1, false),
  0x40: (x) => ldSkb(x, 4, true),
  0x48: (x) => ldSkb(x, 2, true),
  0x50: (x) => ldSkb(x, 1, true),
  0x61: (x) => load(x, false),
  0x69: (x) => load(x, false),
  0x71: (x) => load(x, false),
  0x79: (x) => load(x, false),
  0x81: (x) => load(x, true),
  0x89: (x) => load(x, true),
  0x91: (x) => load(x, true),
  0x62: (x) => store(x, false),
  0x6a: (x) => store(x, false),
  0x72: (x) => store(x, false),
  0x7a: (x) => store(x, false),
  0x63: (x) => store(x, true),
  0x6b: (x) => store(x, true),
  0x73: (x) => store(x, true),
  0x7b: (x) => store(x, true),
  0xc3: atomic,
  0xdb: atomic,
  0x85: call,
  0x8d: (x) => helperCall(x, lo(x.d)),
  0x95: exit,
};
