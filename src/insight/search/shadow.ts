/**
 * The shadow of a concrete run: while the interpreter runs a candidate input step by step, this
 * follows each step event and keeps, for every register and memory byte whose value depends on
 * the input, the expression that computes it from the input (sym.ts). At each conditional jump
 * that tests such a value it records the path condition the run took; LD_ABS/LD_IND record that
 * they stayed in the packet. A value the model cannot derive exactly is left concrete, and
 * every derived value is checked against the run's own before it is trusted.
 */
import { bytesToHex, fieldNamed, ProgType, SK_BUFF, XDP_MD, type Insn, type JmpName } from '../../isa';
import type { StepEvent } from '../../vm';
import { byteOf, cat, evaluate, konst, leaf, type Sym, type Valuation } from './sym';

/** A path condition: `a op b` was `taken` (or, for LD_ABS/LD_IND, the access stayed in the packet). */
export interface Constraint {
  /** the step of the run (its index in the trail) and the instruction */
  step: number;
  pc: number;
  a: Sym;
  b: Sym;
  op: JmpName;
  jmp32: boolean;
  taken: boolean;
  kind: 'branch' | 'ld_abs';
}

/** What the shadow needs to know of the run's input and kernel. */
export interface RunModel {
  progType: number;
  /** skb->data - start of the frame (14 for socket filters) */
  dataOff: number;
  /** address of the frame's first byte (0n without a packet) */
  pktBase: bigint;
  /** where the context's first byte is in its region (a tracepoint's region has bytes below the record) */
  ctxOrigin: number;
  /** maps by kernel id */
  maps: ReadonlyMap<number, { name: string; hash: boolean; maxEntries: number; keySize: number; valueSize: number }>;
  /** the candidate input's values (checks derived expressions) */
  val: Valuation;
}

const SKB = {
  len: fieldNamed(SK_BUFF, 'len').offset,
  protocol: fieldNamed(SK_BUFF, 'protocol').offset,
  data: fieldNamed(SK_BUFF, 'data').offset,
  dataEnd: fieldNamed(SK_BUFF, 'data_end').offset,
};
/** ctx_in fields a test run may set: their bytes are inputs */
const SKB_INPUTS = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]'].map((n) => fieldNamed(SK_BUFF, n).offset);
const XDP = { data: fieldNamed(XDP_MD, 'data').offset, dataEnd: fieldNamed(XDP_MD, 'data_end').offset };

const addrKey = (addr: bigint): string => addr.toString(16);
const add = (a: Sym, b: Sym): Sym => ({ t: 'op', op: 'add', w: 64, a, b });
const sub = (a: Sym, b: Sym): Sym => ({ t: 'op', op: 'sub', w: 64, a, b });

export class Shadow {
  /** r0..r10: the expression of each input-dependent register */
  readonly regs: (Sym | null)[] = new Array(11).fill(null);
  /** input-dependent memory bytes by address */
  private readonly mem = new Map<string, Sym>();
  /** the values lookups returned: where each is, and which map and key it belongs to */
  private readonly values: { start: bigint; end: bigint; map: string; key: string }[] = [];
  readonly constraints: Constraint[] = [];
  /** derived expressions that disagreed with the run (left concrete) */
  misses = 0;

  constructor(private readonly model: RunModel) {}

  /** The expression of a register, or its concrete value as a constant. */
  value(reg: number, concrete: bigint): Sym {
    return this.regs[reg] ?? konst(concrete);
  }

  /** A derived expression if it agrees with the run's value, else null (concrete). */
  private checked(s: Sym, concrete: bigint): Sym | null {
    if (s.t === 'k') return null;
    if (evaluate(s, this.model.val) === concrete) return s;
    this.misses++;
    return null;
  }

  /** Follows one step: `before` are r0..r10 before it ran. */
  apply(ev: StepEvent, before: readonly bigint[], step: number): void {
    const insn = ev.insn;
    const after = (reg: number): bigint => ev.regs.find((w) => w.reg === reg)?.new ?? before[reg];
    switch (insn.kind) {
      case 'alu':
        this.alu(insn, before, after(insn.dst));
        break;
      case 'end':
        this.regs[insn.dst] = this.regs[insn.dst] ? this.checked({ t: 'end', order: insn.order === 'le' ? 'le' : 'be', bits: insn.bits, a: this.regs[insn.dst]! }, after(insn.dst)) : null;
        break;
      case 'ld_imm64':
        this.regs[insn.dst] = null;
        break;
      case 'ldx':
        this.regs[insn.dst] = ev.reads.length && !insn.signExtend ? this.load(ev.reads[0].kind, ev.reads[0].addr, ev.reads[0].offset, insn.bytes, after(insn.dst)) : null;
        break;
      case 'st':
      case 'stx':
      case 'atomic':
        this.store(insn, ev);
        break;
      case 'ld_abs':
      case 'ld_ind':
        this.ldAbs(insn, ev, before, step);
        break;
      case 'call':
        this.call(insn.imm, ev, before);
        break;
      case 'jcond':
        this.jump(insn, ev, before, step);
        break;
      default:
        break;
    }
  }

  private alu(insn: Extract<Insn, { kind: 'alu' }>, before: readonly bigint[], result: bigint): void {
    const w = insn.alu64 ? 64 : 32;
    const src = insn.useSrc ? this.regs[insn.src] : null;
    const dst = this.regs[insn.dst];
    if (insn.op === 'mov') {
      this.regs[insn.dst] = src && w === 64 ? src : src ? this.checked({ t: 'op', op: 'mov', w, a: konst(0n), b: src }, result) : null;
      return;
    }
    if (!src && !dst) {
      this.regs[insn.dst] = null;
      return;
    }
    if (insn.op !== 'add' && insn.op !== 'sub' && insn.op !== 'mul' && insn.op !== 'div' && insn.op !== 'mod' && insn.op !== 'or' && insn.op !== 'and'
      && insn.op !== 'xor' && insn.op !== 'lsh' && insn.op !== 'rsh' && insn.op !== 'arsh' && insn.op !== 'neg') {
      this.regs[insn.dst] = null;
      return;
    }
    const imm = BigInt(insn.imm);
    const b = insn.useSrc ? this.value(insn.src, before[insn.src]) : konst(w === 64 ? imm : imm & 0xffffffffn);
    this.regs[insn.dst] = this.checked({ t: 'op', op: insn.op, w, a: this.value(insn.dst, before[insn.dst]), b }, result);
  }

  /** The expression of `size` bytes loaded from `addr` (offset `off` in a region of `kind`), `value` the run's result. */
  private load(kind: string, addr: bigint, off: number, size: number, value: bigint): Sym | null {
    if (kind === 'ctx') return this.ctxLoad(off, size, value);
    const parts: Sym[] = [];
    const mv = kind === 'map_value' ? this.values.find((v) => addr >= v.start && addr + BigInt(size) <= v.end) : undefined;
    for (let i = 0; i < size; i++) {
      const held = this.mem.get(addrKey(addr + BigInt(i)));
      if (held) parts.push(held);
      else if (kind === 'packet') parts.push(leaf(`p:${off + i}`));
      else if (mv) parts.push(leaf(`m:${mv.map}:${mv.key}:${Number(addr - mv.start) + i}`));
      else parts.push(konst((value >> BigInt(8 * i)) & 0xffn));
    }
    return this.checked(cat(parts), value);
  }

  /** A context field: the packet's length, protocol and pointers follow from the frame, ctx_in fields are inputs. */
  private ctxLoad(regionOff: number, size: number, value: bigint): Sym | null {
    const { progType, dataOff, pktBase, ctxOrigin } = this.model;
    const off = regionOff - ctxOrigin;
    const len = leaf('len');
    switch (progType) {
      case ProgType.SocketFilter:
      case ProgType.SchedCls:
      case ProgType.SchedAct:
        if (off === SKB.len) return this.checked(sub(len, konst(BigInt(dataOff))), value);
        if (off === SKB.protocol) return this.checked(cat([leaf('p:12'), leaf('p:13')]), value);
        if (off === SKB.data) return null;
        if (off === SKB.dataEnd) return this.checked(add(konst(pktBase), len), value);
        if (SKB_INPUTS.includes(off) && size === 4) return this.checked(cat([0, 1, 2, 3].map((i) => leaf(`c:${off + i}`))), value);
        return null;
      case ProgType.Xdp:
        return off === XDP.dataEnd ? this.checked(add(konst(pktBase), len), value) : null;
      case ProgType.Kprobe:
        return this.checked(cat(Array.from({ length: size }, (_, i) => leaf(`c:${off + i}`))), value);
      case ProgType.Tracepoint:
        // the first 8 bytes hold the kernel's pt_regs pointer, not the record's data
        return off >= 8 ? this.checked(cat(Array.from({ length: size }, (_, i) => leaf(`c:${off + i}`))), value) : null;
      default:
        return null;
    }
  }

  private store(insn: Extract<Insn, { kind: 'st' | 'stx' | 'atomic' }>, ev: StepEvent): void {
    for (const w of ev.writes) {
      const src = insn.kind === 'stx' ? this.regs[insn.src] : null;
      for (let i = 0; i < w.size; i++) {
        const key = addrKey(w.addr + BigInt(i));
        if (src && (w.kind === 'stack' || w.kind === 'packet' || w.kind === 'map_value')) this.mem.set(key, byteOf(src, i));
        else this.mem.delete(key);
      }
    }
    if (insn.kind === 'atomic') {
      if (insn.fetch || insn.aop === 'xchg' || insn.aop === 'cmpxchg') this.regs[insn.aop === 'cmpxchg' ? 0 : insn.src] = null;
    }
  }

  private ldAbs(insn: Extract<Insn, { kind: 'ld_abs' | 'ld_ind' }>, ev: StepEvent, before: readonly bigint[], step: number): void {
    const { dataOff } = this.model;
    const k = insn.imm;
    const size = insn.bytes;
    const idx = insn.kind === 'ld_ind' ? this.value(insn.src, before[insn.src]) : konst(0n);
    const out = ev.stop?.kind === 'exit' && ev.stop.cause === 'ld_abs';
    for (let r = 1; r <= 5; r++) this.regs[r] = null;
    if (k < 0) {
      this.regs[0] = null;
      return;
    }
    // the access stays in the packet: idx + k + size <= skb->len
    const end: Sym = { t: 'op', op: 'add', w: 32, a: idx, b: konst(BigInt(k + size)) };
    const room = sub(leaf('len'), konst(BigInt(dataOff)));
    this.constraints.push({ step, pc: ev.pcBefore, a: end, b: room, op: 'jle', jmp32: false, taken: !out, kind: 'ld_abs' });
    if (out || insn.kind === 'ld_ind') {
      this.regs[0] = null;
      return;
    }
    // big-endian: the first byte is the most significant
    const parts = Array.from({ length: size }, (_, i) => leaf(`p:${dataOff + k + size - 1 - i}`));
    const r0 = ev.regs.find((w) => w.reg === 0)?.new ?? before[0];
    this.regs[0] = this.checked(cat(parts), r0);
  }

  private call(id: number, ev: StepEvent, before: readonly bigint[]): void {
    const r0 = ev.regs.find((w) => w.reg === 0)?.new ?? before[0];
    const lookup = ev.effects.find((e) => e.kind === 'map_lookup');
    let result: Sym | null = null;
    if (id === 1 && lookup && lookup.kind === 'map_lookup') {
      const m = this.model.maps.get(lookup.mapId);
      if (m) {
        const keyAddr = before[2];
        const key = cat(Array.from(lookup.key, (b, i) => this.mem.get(addrKey(keyAddr + BigInt(i))) ?? konst(BigInt(b))));
        const keyHexNow = bytesToHex(lookup.key);
        if (lookup.found) this.values.push({ start: r0, end: r0 + BigInt(m.valueSize), map: m.name, key: keyHexNow });
        result = { t: 'lookup', map: m.name, hash: m.hash, maxEntries: m.maxEntries, key, keySize: m.keySize, ptr: lookup.found ? r0 : 0xffff_dead_0000_0000n };
        if (evaluate(result, this.model.val) !== r0) {
          this.misses++;
          result = null;
        }
      }
    }
    // bpf_skb_load_bytes copies packet bytes into the buffer
    const copied = id === 26 && r0 === 0n ? Number(BigInt.asIntN(32, before[2])) : null;
    for (const w of ev.writes) {
      for (let i = 0; i < w.size; i++) {
        const key = addrKey(w.addr + BigInt(i));
        if (copied !== null && copied >= 0 && w.kind === 'stack') this.mem.set(key, leaf(`p:${this.model.dataOff + copied + i}`));
        else this.mem.delete(key);
      }
    }
    this.regs[0] = result;
    for (let r = 1; r <= 5; r++) this.regs[r] = null;
  }

  private jump(insn: Extract<Insn, { kind: 'jcond' }>, ev: StepEvent, before: readonly bigint[], step: number): void {
    const a = this.regs[insn.dst];
    const bSym = insn.useSrc ? this.regs[insn.src] : null;
    if (!a && !bSym) return;
    const imm = BigInt(insn.imm);
    const b = insn.useSrc ? this.value(insn.src, before[insn.src]) : konst(insn.jmp32 ? imm & 0xffffffffn : imm);
    this.constraints.push({
      step,
      pc: ev.pcBefore,
      a: this.value(insn.dst, before[insn.dst]),
      b,
      op: insn.op,
      jmp32: insn.jmp32,
      taken: ev.pcAfter !== ev.pcBefore + 1,
      kind: 'branch',
    });
  }
}
