/**
 * What a refusal predicts: for each of 4.8's refusals that is about a value, what the refused
 * instruction would do if it ran (a NULL dereference, an access past the end of a map value, the
 * packet or the stack, a read of stack bytes nothing wrote, a kernel address leaked, ...), the
 * extra condition a run must meet for it to happen (the lookup returned NULL; the packet is
 * short enough), and the check of what the interpreter really did there.
 */
import { describeFault } from '../../mem';
import type { StepEvent, StopReason } from '../../vm';
import type { Shadow } from './shadow';
import { konst, type Sym } from './sym';
import type { Constraint } from './shadow';

type Expect = 'null' | 'bounds' | 'bad-pointer' | 'ctx' | 'uninit' | 'indirect-uninit' | 'leak' | 'misaligned';

export interface Prediction {
  expect: Expect;
  /** in words, for the result: "a NULL pointer dereference" */
  what: string;
  /** for `indirect-uninit` and `uninit`: the stack bytes the verifier found unwritten (fp offsets) */
  bytes?: { off: number; size: number };
  /** for an access outside a map value: the value's size and the access */
  value?: { size: number; off: number; access: number };
}

const RULES: { re: RegExp; p: (m: RegExpExecArray) => Prediction }[] = [
  { re: /^R\d+ invalid mem access 'map_value_or_null'$/, p: () => ({ expect: 'null', what: 'a NULL pointer dereference (the lookup found nothing)' }) },
  { re: /^R\d+ invalid mem access '(\w+)'$/, p: (m) => ({ expect: 'bad-pointer', what: `an access through a value that is not a pointer (${m[1]})` }) },
  { re: /^invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)$/, p: (m) => ({ expect: 'bounds', what: 'an access outside the map value', value: { size: Number(m[1]), off: Number(m[2]), access: Number(m[3]) } }) },
  { re: /^invalid access to packet, /, p: () => ({ expect: 'bounds', what: 'a read or write past the end of the packet' }) },
  { re: /^invalid stack off=/, p: () => ({ expect: 'bounds', what: 'an access outside the 512-byte stack' }) },
  { re: /^invalid read from stack off (-?\d+)\+(\d+) size (\d+)$/, p: (m) => ({ expect: 'uninit', what: 'a read of stack bytes nothing wrote', bytes: { off: Number(m[1]) + Number(m[2]), size: Number(m[3]) } }) },
  { re: /^invalid indirect read from stack off (-?\d+)\+(\d+) size (\d+)$/, p: (m) => ({ expect: 'indirect-uninit', what: 'a helper reading stack bytes nothing wrote', bytes: { off: Number(m[1]) + Number(m[2]), size: Number(m[3]) - Number(m[2]) } }) },
  { re: /^invalid bpf_context access off=/, p: () => ({ expect: 'ctx', what: 'an access to a context field the program type may not touch' }) },
  { re: /^R\d+ leaks addr /, p: () => ({ expect: 'leak', what: 'a kernel address handed to user space' }) },
  { re: /^misaligned (packet )?access /, p: () => ({ expect: 'misaligned', what: 'a misaligned access' }) },
];

/** What the refusal `message` predicts, or undefined when it is not about a value a run could show. */
export function predict(message: string): Prediction | undefined {
  for (const r of RULES) {
    const m = r.re.exec(message);
    if (m) return r.p(m);
  }
  return undefined;
}

/** Kernel addresses in bpflab's address space all have their upper half at 0xffff8800 or above. */
export const isKernelAddress = (v: bigint): boolean => BigInt.asUintN(64, v) >> 32n >= 0xffff8800n;

/**
 * The condition a run must meet at the refused instruction for the prediction to come true,
 * beyond reaching it: the base pointer is NULL, or the access ends past the packet.
 */
export function goal(p: Prediction, ev: StepEvent, before: readonly bigint[], shadow: Shadow, step: number, pktBase: bigint): Constraint | null {
  const insn = ev.insn;
  if (insn.kind !== 'ldx' && insn.kind !== 'st' && insn.kind !== 'stx' && insn.kind !== 'atomic') return null;
  const base = insn.kind === 'ldx' ? insn.src : insn.dst;
  const at = (a: Sym, b: Sym, op: Constraint['op']): Constraint => ({ step, pc: ev.pcBefore, a, b, op, jmp32: false, taken: true, kind: 'branch' });
  if (p.expect === 'null') return at(shadow.value(base, before[base]), konst(0n), 'jeq');
  if (p.expect === 'bounds' && pktBase !== 0n && before[base] >> 32n === pktBase >> 32n) {
    const end: Sym = { t: 'op', op: 'add', w: 64, a: shadow.value(base, before[base]), b: konst(BigInt(insn.off + insn.bytes)) };
    return at(end, { t: 'op', op: 'add', w: 64, a: konst(pktBase), b: { t: 'v', id: 'len' } }, 'jgt');
  }
  return null;
}

/** Where an access through a packet pointer ends, in bytes from the frame's start (undefined: not one). */
export function packetAccessEnd(ev: StepEvent, before: readonly bigint[], pktBase: bigint): number | undefined {
  const insn = ev.insn;
  if (insn.kind !== 'ldx' && insn.kind !== 'st' && insn.kind !== 'stx' && insn.kind !== 'atomic') return undefined;
  const base = before[insn.kind === 'ldx' ? insn.src : insn.dst];
  if (pktBase === 0n || base >> 32n !== pktBase >> 32n) return undefined;
  return Number(base - pktBase) + insn.off + insn.bytes;
}

/** Stack bytes (offsets from the frame pointer) the run's steps wrote. */
function writtenStack(events: readonly StepEvent[]): Set<number> {
  const out = new Set<number>();
  for (const e of events) for (const w of e.writes) if (w.kind === 'stack') for (let i = 0; i < w.size; i++) out.add(w.offset + i - 512);
  return out;
}

/** What the interpreter did at the refused instruction, and whether it is what the verifier prevented. */
export function outcome(p: Prediction, ev: StepEvent, before: readonly bigint[], earlier: readonly StepEvent[]): { ok: boolean; text: string } {
  const stop: StopReason | undefined = ev.stop;
  const fault = stop?.kind === 'fault' ? stop : undefined;
  const faultText = fault ? `the interpreter stopped: ${fault.mem ? describeFault(fault.mem) : fault.message}` : '';
  switch (p.expect) {
    case 'null':
      return { ok: !!fault?.mem && fault.mem.addr < 0x10000n, text: faultText || 'the access went through a valid pointer' };
    case 'bounds': {
      if (fault) return { ok: fault.mem?.reason === 'out of bounds' || fault.mem?.reason === 'no region', text: faultText };
      // a map's values lie side by side: past one value are the next one's bytes
      const a = ev.reads[0] ?? ev.writes[0];
      const v = p.value;
      if (!a || !v || a.kind !== 'map_value') return { ok: false, text: 'the access stayed inside its region' };
      return { ok: true, text: `the run ${ev.reads.length ? 'read' : 'wrote'} ${a.size} bytes at offset ${v.off} of a value of ${v.size} bytes, outside it: ${v.off >= v.size ? 'the bytes of whatever follows it in the map\'s memory (the next element)' : 'bytes before it'}` };
    }
    case 'bad-pointer':
      return { ok: !!fault?.mem, text: faultText || 'the access happened to land in memory' };
    case 'ctx':
      return { ok: !!fault?.mem, text: faultText || 'the context access went through' };
    case 'uninit':
    case 'indirect-uninit': {
      const written = writtenStack(earlier);
      const { off, size } = p.bytes!;
      const never = Array.from({ length: size }, (_, i) => off + i).filter((b) => !written.has(b));
      const ok = never.length > 0 && !fault;
      return { ok, text: ok ? `the run read fp${never[0]}${never.length > 1 ? ` and ${never.length - 1} more byte${never.length > 2 ? 's' : ''}` : ''} that nothing wrote in this run: in the kernel, whatever an earlier program left there` : faultText || 'every byte read was written first' };
    }
    case 'leak': {
      if (ev.insn.kind === 'exit') {
        const r0 = before[0];
        return { ok: isKernelAddress(r0), text: `the program returned 0x${r0.toString(16)}${isKernelAddress(r0) ? ', a kernel address' : ''}` };
      }
      const w = ev.writes[0];
      const v = w ? w.new.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n) : 0n;
      return { ok: !!w && w.size === 8 && isKernelAddress(v), text: w ? `the run stored 0x${v.toString(16)} into ${w.region}${isKernelAddress(v) ? ': a kernel address, readable from user space' : ''}` : faultText || 'nothing was stored' };
    }
    case 'misaligned': {
      if (fault?.mem) return { ok: true, text: faultText };
      const a = ev.reads[0] ?? ev.writes[0];
      return { ok: !!a && a.addr % BigInt(a.size) !== 0n, text: a ? `the run accessed ${a.size} bytes at 0x${a.addr.toString(16)}, not a multiple of ${a.size}` : faultText };
    }
  }
}
