/**
 * `npm run bench -- vm`: the VM's speed on three programs (long straight-line ALU code, a packet
 * parser over a mem buffer, a loop over the stack): the interpreter without recording, the
 * compiled code (vm/jit), a recorded run (the debugger's Continue: compiled, with checkpoints),
 * single steps with events, and what the history holds, next to the host kernel's duration for
 * the same program (tools/kernel-oracle.py: BPF_PROG_TEST_RUN with repeat) where the host answers.
 * Times are CPU time, best of several rounds: the machine is shared. Prints only.
 */
import { encodeProgram, MAX_BPF_STACK, slotsToHex, bytesToHex, type RawInsn } from '../src/isa';
import type { HelperOutcome, RunHost } from '../src/kernel/types';
import { AddressSpace } from '../src/mem';
import { hexBytes } from '../src/session/request-schema';
import { Machine, type Engine, type MachineInit } from '../src/vm';
import { kernelRun, measure, num, table } from './support';

type Slot = RawInsn & { slots?: number; next?: RawInsn };
const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): Slot => ({ code, dst, src, off, imm });

/** ~4000 instructions of 64- and 32-bit ALU work on r0-r9, no loads, no branches. */
function aluProgram(): Slot[] {
  const ops = [0x07, 0x0f, 0xaf, 0x67, 0x7f, 0x27, 0x04, 0x1f, 0x4f, 0x5f, 0xbf, 0xc7, 0x0c, 0xac, 0x17, 0x77, 0xa4, 0x2c, 0xb4, 0xcf];
  const out: Slot[] = [];
  for (let r = 0; r < 10; r++) out.push(I(0xb7, r, 0, 0, r * 0x1234567 + 1));
  for (let k = 0; out.length < 4000; k++) {
    const op = ops[k % ops.length];
    const shift = (op & 0xf0) === 0x60 || (op & 0xf0) === 0x70 || (op & 0xf0) === 0xc0;
    const imm = shift ? (k * 7) % ((op & 7) === 7 ? 64 : 32) : (k * 2654435761) | 0;
    out.push(op & 8 ? I(op, k % 10, (k * 3 + 1) % 10) : I(op, k % 10, 0, 0, imm));
  }
  out.push(I(0x95));
  return out;
}

/** An Ethernet/IPv4/TCP parser: bounds check, ethertype, IHL, protocol, addresses, port, flags. r1 = data, r2 = data_end. */
const PARSE_BODY: Slot[] = [
  I(0xbf, 3, 1), I(0x07, 3, 0, 0, 54), I(0x2d, 3, 2, 23), // if data + 54 > data_end goto drop
  I(0x69, 0, 1, 12), I(0x55, 0, 0, 19, 0x0008), // ethertype != IPv4 -> pass
  I(0x71, 4, 1, 14), I(0x57, 4, 0, 0, 0x0f), I(0x55, 4, 0, 16, 5), // IHL != 5 -> pass
  I(0x71, 5, 1, 23), I(0x55, 5, 0, 14, 6), // protocol != TCP -> pass
  I(0x61, 6, 1, 26), I(0x61, 7, 1, 30), I(0xaf, 6, 7), // saddr ^ daddr
  I(0x69, 8, 1, 36), I(0xdc, 8, 0, 0, 16), I(0x55, 8, 0, 6, 80), // dport != 80 -> other
  I(0x71, 9, 1, 47), I(0x57, 9, 0, 0, 0x12), I(0xbf, 0, 6), I(0x0f, 0, 9), I(0x57, 0, 0, 0, 3), I(0x95), // SYN/ACK mix
  I(0xb7, 0, 0, 0, 2), I(0x95), // other port
  I(0xb7, 0, 0, 0, 1), I(0x95), // pass
  I(0xb7, 0, 0, 0, 0), I(0x95), // drop
];
/** bpflab's convention: r1 = data, r2 = length. */
const parseProgram = (): Slot[] => [I(0x0f, 2, 1), ...PARSE_BODY];
/** XDP: data and data_end from struct xdp_md. */
const parseProgramXdp = (): Slot[] => [I(0x61, 2, 1, 4), I(0x61, 1, 1, 0), ...PARSE_BODY];

/** 10,000 rounds of a xorshift PRNG through a stack slot. */
const loopProgram = (): Slot[] => [
  I(0xb7, 0, 0, 0, 0), I(0xb7, 1, 0, 0, 10000), I(0xb7, 2, 0, 0, 0x12345678),
  I(0xbf, 3, 2), I(0x67, 3, 0, 0, 13), I(0xaf, 2, 3),
  I(0xbf, 3, 2), I(0x77, 3, 0, 0, 7), I(0xaf, 2, 3),
  I(0xbf, 3, 2), I(0x67, 3, 0, 0, 17), I(0xaf, 2, 3),
  I(0x7b, 10, 2, -8), I(0x79, 4, 10, -8), I(0x0f, 0, 4),
  I(0x17, 1, 0, 0, 1), I(0x55, 1, 0, -14, 0), I(0x95),
];

const PACKET = hexBytes('000000000001000000000002080045000028000140004006000c0a0000010a000002abcd005000000001000000005012ffff00000000000000000000', 'PACKET');

/** The smallest host: a stack and, for the parser, the packet as a mem buffer. */
function host(mem?: Uint8Array): { host: RunHost; init: MachineInit } {
  const space = new AddressSpace();
  const stack = space.map('stack', 'stack', new Uint8Array(MAX_BPF_STACK), true);
  const region = mem ? space.map('mem', 'mem', mem, true) : undefined;
  const h: RunHost = {
    mem: space,
    callHelper: (): HelperOutcome => ({ kind: 'ret', r0: 0n }),
    loadSkb: () => null,
    hasHelper: () => false,
  };
  return { host: h, init: { r1: region ? space.addr(region) : 0n, r2: BigInt(mem?.length ?? 0), r10: space.addr(stack, MAX_BPF_STACK) } };
}

interface VmCase {
  name: string;
  insns: Slot[];
  mem?: Uint8Array;
  kernel: { insns: Slot[]; type: string; repeat: number };
}

export const VM_CASES: VmCase[] = [
  { name: 'ALU straight line', insns: aluProgram(), kernel: { insns: aluProgram(), type: 'socket_filter', repeat: 100000 } },
  { name: 'packet parser (mem)', insns: parseProgram(), mem: PACKET, kernel: { insns: parseProgramXdp(), type: 'xdp', repeat: 1000000 } },
  { name: 'stack loop (10k rounds)', insns: loopProgram(), kernel: { insns: loopProgram(), type: 'socket_filter', repeat: 1000 } },
];

/** ns per run and instructions per run of a case with an engine, run after run (reset + run). */
export function vmRun(c: VmCase, engine: Engine): { ns: number; n: number; r0?: bigint } {
  const { host: h, init } = host(c.mem);
  const m = new Machine(h, { id: 1, bytes: encodeProgram(c.insns) }, init, { semantics: 'modern', engine });
  m.run();
  const stop = m.stopped;
  const n = m.stepCount;
  const ns = measure(() => {
    m.reset(init);
    m.run();
  });
  return { ns, n, r0: stop?.kind === 'exit' ? stop.r0 : undefined };
}

function row(c: VmCase): string[] {
  const interp = vmRun(c, 'interpreter');
  const comp = vmRun(c, 'compiled');
  const n = interp.n;
  const { host: h, init } = host(c.mem);
  const m = new Machine(h, { id: 1, bytes: encodeProgram(c.insns) }, init, { semantics: 'modern', engine: 'compiled' });
  const recorded = measure(() => {
    m.reset(init);
    m.runRecorded();
  }, 3);
  const perStep = n >= 1000 ? `${(m.historyBytes / m.historyLength).toFixed(2)}` : '- (short run)';
  const steps = Math.min(n, 20000);
  const stepped = measure(() => {
    m.reset(init);
    for (let i = 0; i < steps; i++) m.step();
  }, 3);
  const k = kernelRun({ prog_type: c.kernel.type, insns: slotsToHex(encodeProgram(c.kernel.insns)), log_level: 0, run: { data: bytesToHex(c.mem ?? new Uint8Array(64)), repeat: c.kernel.repeat } });
  const r0 = interp.r0;
  const same = k.retval === undefined || r0 === undefined ? '' : Number(r0 & 0xffffffffn) === k.retval ? ' (same r0)' : ` (r0 differs: ${k.retval})`;
  return [
    c.name,
    String(n),
    num((n / interp.ns) * 1000),
    num(interp.ns),
    num((n / comp.ns) * 1000),
    num(comp.ns),
    num((n / recorded) * 1000),
    ((steps / stepped) * 1000).toFixed(2),
    perStep,
    k.ns === undefined ? `not run: ${k.note}` : `${k.ns}${same}`,
    k.ns === undefined ? '' : `${(comp.ns / Math.max(k.ns, 1)).toFixed(1)}x`,
  ];
}

export default function main(): void {
  const head = ['program', 'insns/run', 'interp M/s', 'interp ns', 'compiled M/s', 'compiled ns', 'recorded M/s', 'step() M/s', 'history B/step', 'kernel ns/run', 'compiled/kernel'];
  table([head, ...VM_CASES.map(row)]);
  console.log('(interp: the interpreter without recording; compiled: vm/jit; recorded: the debugger\'s Continue, compiled with the history\'s checkpoints;');
  console.log(' kernel: BPF_PROG_TEST_RUN duration on this host, JIT-compiled where the kernel JITs; XDP for the parser)');
}
