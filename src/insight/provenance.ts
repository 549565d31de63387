/**
 * Where a value came from: for a register or stack slot at one visit of the verifier's walk,
 * the instructions along that visit's path that produced its type and value, found backwards
 * through moves, ALU operations, loads, spills and fills (as bpfvv does for logs, here on the
 * verifier's own exact states). Stack addresses come from the recorded states (a store through
 * a stack pointer names its bytes by the pointer's offset), so a fill leads to the spill that
 * wrote the slot and on to the register spilled. An instruction that changes what the verifier
 * knows of a value without writing it (a NULL check, a packet range check) is a refinement.
 */
import { kernelInsnText } from '../asm';
import { HELPERS, type Insn } from '../isa';
import type { Place, ProvenanceStep, ProvenanceView } from '../protocol';
import type { RegView, StateView, VerifierAnalysis } from '../verifier';
import { trailOf } from './trail';

/** Bytes of the stack are named by their offset from fp (-512 .. -1). */
type Loc = { reg: number } | { stack: number; size: number };

/** What one instruction does to one place: writes it from sources, or leaves it uninitialised. */
interface Def {
  to: Loc;
  from: Loc[];
  kind: 'write' | 'clobber';
  /** where the value comes from when no register or stack byte does */
  origin?: string;
}

const CALLER_SAVED = [1, 2, 3, 4, 5];

/** The fp offset a register points at, if the verifier knows it as a stack pointer. */
function stackOff(state: StateView | null, reg: number): number | undefined {
  const r = state?.regs.find((x) => x.reg === reg);
  if (!r) return undefined;
  if (r.type === 'FRAME_PTR') return 0;
  if (r.type === 'PTR_TO_STACK') return Number(r.value);
  return undefined;
}

const regOf = (state: StateView | null, reg: number): RegView | undefined => state?.regs.find((x) => x.reg === reg);

const REGION_OF: Partial<Record<RegView['type'], string>> = {
  PTR_TO_CTX: 'the context',
  PTR_TO_PACKET: 'the packet',
  PTR_TO_MAP_VALUE: 'a map value',
};

/** The places an instruction writes, each with the places its value is computed from. */
function defsOf(insn: Insn, st: StateView | null): Def[] | null {
  const r = (reg: number): Loc => ({ reg });
  switch (insn.kind) {
    case 'alu': {
      const dst = r(insn.dst);
      if (insn.op === 'mov' || insn.op === 'movsx') return [{ to: dst, from: insn.useSrc ? [r(insn.src)] : [], kind: 'write', origin: insn.useSrc ? undefined : `the constant ${insn.imm}` }];
      if (insn.op === 'neg') return [{ to: dst, from: [dst], kind: 'write' }];
      return [{ to: dst, from: insn.useSrc ? [dst, r(insn.src)] : [dst], kind: 'write' }];
    }
    case 'end':
      return [{ to: r(insn.dst), from: [r(insn.dst)], kind: 'write' }];
    case 'ld_imm64':
      return [{ to: r(insn.dst), from: [], kind: 'write', origin: insn.src === 1 ? 'a map (ld_imm64 of a map fd)' : `the constant ${insn.imm64}` }];
    case 'ldx': {
      const base = stackOff(st, insn.src);
      if (base !== undefined) return [{ to: r(insn.dst), from: [{ stack: base + insn.off, size: insn.bytes }], kind: 'write' }];
      if (!st) return null;
      const region = REGION_OF[regOf(st, insn.src)?.type ?? 'NOT_INIT'] ?? 'memory';
      return [{ to: r(insn.dst), from: [], kind: 'write', origin: `${region} (loaded at r${insn.src}${insn.off < 0 ? '' : '+'}${insn.off})` }];
    }
    case 'st':
    case 'stx':
    case 'atomic': {
      const base = stackOff(st, insn.dst);
      if (base === undefined) return st ? [] : null;
      const to: Loc = { stack: base + insn.off, size: insn.bytes };
      if (insn.kind === 'st') return [{ to, from: [], kind: 'write', origin: `the constant ${insn.imm}` }];
      if (insn.kind === 'stx') return [{ to, from: [r(insn.src)], kind: 'write' }];
      const defs: Def[] = [{ to, from: [to, r(insn.src)], kind: 'write' }];
      if (insn.fetch || insn.aop === 'xchg') defs.push({ to: r(insn.src), from: [to], kind: 'write' });
      return defs;
    }
    case 'ld_abs':
    case 'ld_ind':
      return [
        { to: r(0), from: insn.kind === 'ld_ind' ? [r(insn.src)] : [], kind: 'write', origin: `the packet (${insn.kind === 'ld_abs' ? 'LD_ABS' : 'LD_IND'})` },
        ...CALLER_SAVED.map((x): Def => ({ to: r(x), from: [], kind: 'clobber' })),
      ];
    case 'call':
      return callDefs(insn.imm, st);
    default:
      return [];
  }
}

/** A helper call: r0 is its result, r1-r5 become unreadable, raw stack buffers are written. */
function callDefs(id: number, st: StateView | null): Def[] | null {
  const h = HELPERS[id];
  const name = h ? `bpf_${h.name}` : `helper ${id}`;
  const defs: Def[] = [];
  // a lookup's result type comes from its map argument
  defs.push({ to: { reg: 0 }, from: h?.ret === 'map_value_or_null' ? [{ reg: 1 }] : [], kind: 'write', origin: `the result of ${name}` });
  h?.args.forEach((kind, i) => {
    if (kind !== 'ptr_to_raw_stack') return;
    const base = stackOff(st, i + 1);
    const size = st?.regs.find((x) => x.reg === i + 2)?.value;
    if (base !== undefined && size !== undefined) defs.push({ to: { stack: base, size: Number(size) }, from: [], kind: 'write', origin: `what ${name} wrote` });
  });
  defs.push(...CALLER_SAVED.map((x): Def => ({ to: { reg: x }, from: [], kind: 'clobber' })));
  return st || !defs.some((d) => 'stack' in d.to) ? defs : null;
}



/** Text of a register in a state, in the log's notation ('' when not initialised). */
const regText = (st: StateView | null, reg: number): string => regOf(st, reg)?.text ?? '';

/** The verifier's view of the 8-byte slot at `off`: the spilled register's type, or its byte kinds. */
function slotText(st: StateView | null, off: number): string {
  const slot = st?.stack.find((s) => s.off === Math.floor(off / 8) * 8);
  if (!slot) return '';
  return slot.spilled ? slot.spilled.text : slot.bytes;
}

/** An instruction as the log prints it, without the opcode in front: `r2 += -8`. */
export const plainText = (insn: Insn): string => kernelInsnText(insn).replace(/^\([0-9a-f]+\) /, '');

/** What the chain is after: registers and stack bytes. */
class Wanted {
  readonly regs = new Set<number>();
  readonly bytes = new Set<number>();

  add(l: Loc): void {
    if ('reg' in l) this.regs.add(l.reg);
    else for (let b = l.stack; b < l.stack + l.size; b++) if (b >= -512 && b < 0) this.bytes.add(b);
  }

  /** Removes what `l` covers; true if it covered anything wanted. */
  take(l: Loc): boolean {
    if ('reg' in l) return this.regs.delete(l.reg);
    let hit = false;
    for (let b = l.stack; b < l.stack + l.size; b++) hit = this.bytes.delete(b) || hit;
    return hit;
  }

  get empty(): boolean {
    return this.regs.size === 0 && this.bytes.size === 0;
  }
}

const toPlace = (l: Loc): Place => ('reg' in l ? { reg: l.reg } : { stack: l.stack });

/** Describes a write for the step list: the instruction and the value it left. */
function writeNote(text: string, to: Loc, after: StateView | null): string {
  if ('reg' in to) {
    const t = regText(after, to.reg);
    return t ? `${text}  ⇒ R${to.reg}=${t}` : text;
  }
  const t = slotText(after, to.stack);
  return t ? `${text}  ⇒ fp${Math.floor(to.stack / 8) * 8}=${t}` : text;
}

/**
 * The chain of instructions that produced `place` as the verifier saw it before visit `visit`,
 * along that visit's path, latest first. `textOf` names an instruction in the notes.
 */
export function provenance(a: VerifierAnalysis, slots: readonly Insn[], visit: number, place: Place, textOf: (pc: number) => string = (pc) => plainText(slots[pc])): ProvenanceView {
  const trail = trailOf(a, visit);
  const wanted = new Wanted();
  wanted.add('reg' in place ? { reg: place.reg } : { stack: place.stack, size: 8 });
  const steps: ProvenanceStep[] = [];
  const origins = new Set<string>();
  let complete = a.visits[visit].state !== null;
  const target = a.visits[visit].state;
  const type = 'reg' in place ? regText(target, place.reg) : slotText(target, place.stack);
  if (wanted.regs.delete(10)) origins.add('the frame pointer r10');
  for (let i = trail.length - 2; i >= 0 && !wanted.empty; i--) {
    const w = trail[i];
    const pc = a.visits[w].pc;
    const insn = slots[pc];
    const before = a.visits[w].state;
    const after = a.visits[trail[i + 1]].state;
    if (!before || !after) complete = false;
    const defs = insn ? defsOf(insn, before) : [];
    if (defs === null) complete = false;
    const written = new Set<number>();
    const wantedRegs = [...wanted.regs];
    const text = insn ? textOf(pc) : `insn ${pc}`;
    // an instruction reads its sources before it writes: they are wanted once all its writes are seen
    const sources: Loc[] = [];
    for (const d of defs ?? []) {
      if (!wanted.take(d.to)) continue;
      if ('reg' in d.to) written.add(d.to.reg);
      const note = d.kind === 'clobber' ? `${text}  ⇒ R${(d.to as { reg: number }).reg} is no longer readable` : writeNote(text, d.to, after);
      steps.push({ visit: w, pc, kind: d.kind, place: toPlace(d.to), note });
      sources.push(...d.from);
      if (d.origin && d.kind === 'write') origins.add(d.origin);
    }
    for (const f of sources) {
      if ('reg' in f && f.reg === 10) origins.add('the frame pointer r10');
      else wanted.add(f);
    }
    // a value the instruction did not write but the verifier now sees differently: a refinement
    for (const reg of wantedRegs) {
      if (written.has(reg) || !before || !after) continue;
      const was = regText(before, reg);
      const now = regText(after, reg);
      if (was !== now) steps.push({ visit: w, pc, kind: 'refine', place: { reg }, note: `${text}  ⇒ R${reg} ${was || 'uninitialised'} → ${now || 'uninitialised'}` });
    }
  }
  if (wanted.regs.has(1)) origins.add('the context (r1 at entry)');
  for (const reg of wanted.regs) if (reg !== 1) origins.add(`r${reg}, never written on this path`);
  if (wanted.bytes.size) origins.add(`stack bytes never written on this path (${[...wanted.bytes].sort((x, y) => x - y).map((b) => `fp${b}`).slice(0, 4).join(', ')}${wanted.bytes.size > 4 ? ', …' : ''})`);
  return {
    visit,
    place,
    type,
    steps,
    pcs: [...new Set(steps.map((s) => s.pc))],
    origins: [...origins],
    complete,
  };
}


