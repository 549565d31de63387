/**
 * The interpreter's state and its slow paths: checked memory access through the address space,
 * helper calls, tail calls, bpf-to-bpf call frames, LD_ABS/LD_IND, and faults. The hot loop
 * (core.ts) calls these; they allocate only when they must build a value for the outside (a
 * helper's bigint arguments, a fault, an undo record while recording).
 */
import { MAX_BPF_STACK, helperById, helperByName } from '../isa';
import type { Effect, RunHost } from '../kernel/types';
import { STACK_HI, type AddressSpace, type Journal, type MemFault, type PageSaver, type Region } from '../mem';
import { decodeCode, type Code } from './code';
import { setBig, u64 } from './alu';
import type { StopReason } from './types';

/** Linux's MAX_CALL_FRAMES: the main program and 7 nested bpf-to-bpf calls. */
export const MAX_CALL_FRAMES = 8;
/** no bytes: what the interpreter's last-region cache holds when empty */
const NO_BYTES = new Uint8Array(0);
/**
 * The stops of exits with r0 of 0-255 and of -1 (a socket filter's "keep all"), made once: most
 * runs end with one, and a run a packet should not allocate. Frozen, since every run that exits
 * with the value shares its stop.
 */
const SMALL_EXITS: readonly StopReason[] = Array.from({ length: 256 }, (_, v) => Object.freeze({ kind: 'exit' as const, r0: BigInt(v) }));
const EXIT_ALL_ONES: StopReason = Object.freeze({ kind: 'exit' as const, r0: 0xffff_ffff_ffff_ffffn });
const TAIL_CALL = helperByName('tail_call')!.id;
/** registers a bpf-to-bpf call saves and its exit restores: r6-r9 and the frame pointer */
const SAVED = 5;

export type Semantics = '4.8' | 'modern';

/** A copy of the Cpu's state (see Cpu.saveState): what a history checkpoint keeps besides the journal's mark. */
export interface CpuState {
  readonly L: Int32Array;
  readonly H: Int32Array;
  readonly pc: number;
  readonly code: Code;
  readonly executed: number;
  readonly stop: StopReason | null;
  readonly depth: number;
  readonly frameRet: Int32Array;
  readonly frameCode: readonly Code[];
  readonly frameSaved: Int32Array;
  readonly frameStacks: readonly (Region | undefined)[];
}

export class Cpu {
  /** low halves of r0..r10 (16 entries so that a stray register number cannot index past) */
  readonly L = new Int32Array(16);
  /** high halves */
  readonly H = new Int32Array(16);
  readonly mem: AddressSpace;
  code: Code;
  pc = 0;
  /** instructions executed since the start of the run */
  executed = 0;
  stop: StopReason | null = null;
  /** set while recording: frame changes push their undo here */
  journal: Journal | null = null;
  /** set while recording: stores save the pages they change (once per history segment) */
  cow: PageSaver | null = null;
  /** set by the interpreter when it stopped before a breakpoint (vm/code.ts OP_BREAK) */
  atBreakpoint = false;
  readonly modern: boolean;
  /** upper half of the last 8-byte load */
  vHi = 0;

  // call frames of bpf-to-bpf calls: return pc, program, and the saved r6-r10 of the caller
  depth = 0;
  readonly frameRet = new Int32Array(MAX_CALL_FRAMES);
  readonly frameCode: Code[] = [];
  readonly frameSaved = new Int32Array(MAX_CALL_FRAMES * SAVED * 2);
  private readonly frameStacks: (Region | undefined)[] = [];
  /** frame stacks this run mapped (dispose unmaps them) */
  private readonly mapped: Region[] = [];

  /** the 0-based step of the helper call in progress (or last made): what a helper's records name */
  callStep = 0;
  /** the last helper call, for step events */
  lastHelper = -1;
  lastRet = false;
  lastTail = false;
  lastEffects: Effect[] | undefined = undefined;

  private readonly codes = new Map<Uint8Array, Code>();

  constructor(
    public host: RunHost,
    main: { id: number; bytes: Uint8Array },
    semantics: Semantics,
  ) {
    this.mem = host.mem;
    this.modern = semantics === 'modern';
    this.code = this.codeOf(main.id, main.bytes);
  }

  codeOf(id: number, bytes: Uint8Array): Code {
    let c = this.codes.get(bytes);
    if (c === undefined || c.id !== id) {
      c = decodeCode(id, bytes);
      this.codes.set(bytes, c);
    }
    return c;
  }

  /** The register as an unsigned 64-bit bigint. */
  reg(n: number): bigint {
    return u64(this.H[n], this.L[n]);
  }

  /** Everything of the run's state the Cpu holds (memory and the kernel's are the journal's business). */
  saveState(): CpuState {
    return {
      L: this.L.slice(),
      H: this.H.slice(),
      pc: this.pc,
      code: this.code,
      executed: this.executed,
      stop: this.stop,
      depth: this.depth,
      frameRet: this.frameRet.slice(),
      frameCode: this.frameCode.slice(),
      frameSaved: this.frameSaved.slice(),
      frameStacks: this.frameStacks.slice(),
    };
  }

  /** Puts back a state `saveState()` took. */
  loadState(s: CpuState): void {
    this.L.set(s.L);
    this.H.set(s.H);
    this.pc = s.pc;
    this.code = s.code;
    this.executed = s.executed;
    this.stop = s.stop;
    this.depth = s.depth;
    this.frameRet.set(s.frameRet);
    this.frameCode.length = 0;
    this.frameCode.push(...s.frameCode);
    this.frameSaved.set(s.frameSaved);
    this.frameStacks.length = 0;
    this.frameStacks.push(...s.frameStacks);
  }

  // ---- stopping ----

  exit(pc: number, cause?: 'ld_abs' | 'div_by_zero'): void {
    if (cause !== undefined) {
      this.L[0] = 0;
      this.H[0] = 0;
    }
    this.pc = pc;
    if (cause !== undefined) this.stop = { kind: 'exit', r0: 0n, cause };
    else if (this.H[0] === 0 && this.L[0] >>> 0 < 256) this.stop = SMALL_EXITS[this.L[0]];
    else if (this.H[0] === -1 && this.L[0] === -1) this.stop = EXIT_ALL_ONES;
    else this.stop = { kind: 'exit', r0: this.reg(0) };
  }

  fault(pc: number, message: string, mem?: MemFault): void {
    this.pc = pc;
    this.stop = { kind: 'fault', message, pc, progId: this.code.id, ...(mem ? { mem } : {}) };
  }

  /**
   * A division or modulo by zero under 4.8 semantics: the program ends with r0 = 0, as 4.8's
   * interpreter's `if (SRC == 0) return 0;` does. Two cases are worse: a zero immediate (the
   * verifier refuses it) and a 32-bit division by a register whose low half is zero but whose
   * high half is not (4.8 tests all 64 bits first): 4.8 divides by zero there, which crashes the
   * kernel, so bpflab stops with a fault that says so.
   */
  divideByZero(pc: number, is64: boolean, bh: number, fromReg: boolean): void {
    if (!fromReg) {
      this.fault(pc, 'division by the constant 0: Linux 4.8 refuses it when verifying ("div by zero"); run unverified, its interpreter would crash the kernel');
    } else if (!is64 && bh !== 0) {
      this.fault(pc, 'division by zero: Linux 4.8 tests all 64 bits of the source register, finds them non-zero, then divides by the low 32 bits, which are 0: the kernel crashes here (fixed in 4.15)');
    } else {
      this.exit(pc, 'div_by_zero');
    }
  }

  private memFault(hi: number, lo: number, size: number, write: boolean, reason: MemFault['reason'], r?: Region): number {
    const f: MemFault = { fault: 'mem', addr: u64(hi, lo), size, write, reason, ...(r ? { region: r.name } : {}) };
    this.fault(this.pc, `${write ? 'store' : 'load'} fault`, f);
    return 0;
  }

  // ---- memory ----

  /**
   * Loads `size` bytes at base + off, little-endian; the upper half of the value is left in `vHi`
   * (0 for plain loads narrower than 8 bytes; a hooked region such as the __sk_buff context may
   * give a 4-byte field a 64-bit value: data and data_end are rewritten into pointer loads). On a
   * bad access sets `stop` (the caller checks it) and returns 0. `pc` must be set.
   */
  load(bl: number, bh: number, off: number, size: number): number {
    const lo = (bl + off) | 0;
    const hi = (bh + (off >> 31) + ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    const o = (lo >>> 0) - this.plainLo;
    if (hi !== this.plainHi || o < 0 || o + size > this.plainSize) return this.loadSlow(hi, lo, size);
    const v = this.plainView;
    if (size === 8) {
      this.vHi = v.getInt32(o + 4, true);
      return v.getInt32(o, true);
    }
    this.vHi = 0;
    return size === 4 ? v.getInt32(o, true) : size === 2 ? v.getUint16(o, true) : v.getUint8(o);
  }

  /**
   * The region the last plain load went to (no hooks), so that the next load there skips the
   * lookup: its addresses' upper half (0: none), its first byte's lower half, the bytes a load
   * may read, and the bytes. It is forgotten wherever regions may change: at every call, return,
   * helper and hooked store (helpers replace a packet's bytes; frame stacks come and go),
   * and at the start of every slice of a run (forgetPlain), since the kernel or the debugger may
   * have changed memory between slices.
   */
  private plainHi = 0;
  private plainLo = 0;
  private plainSize = 0;
  private plainBytes: Uint8Array = NO_BYTES;
  private plainView: DataView = new DataView(NO_BYTES.buffer);

  /** Empties the cache: no load matches a size of 0, whatever its address (an address's upper half may be 0). */
  forgetPlain(): void {
    this.plainHi = 0;
    this.plainSize = 0;
  }

  /** load() past the last region: the lookup, its faults, and hooked regions. */
  private loadSlow(hi: number, lo: number, size: number): number {
    const r = this.mem.regionOfHi(hi);
    if (r === undefined) return this.memFault(hi, lo, size, false, 'no region');
    const o = (lo >>> 0) - r.lo;
    if (o < 0 || o + size > r.size) return this.memFault(hi, lo, size, false, 'out of bounds', r);
    if (r.hooks !== undefined) return this.hookLoad(r, o, size, hi, lo);
    const b = r.bytes;
    this.plainHi = hi;
    this.plainLo = r.lo;
    this.plainSize = Math.min(r.size, b.length);
    if (this.plainBytes !== b) {
      this.plainBytes = b;
      this.plainView = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    if (size !== 8) this.vHi = 0;
    switch (size) {
      case 1:
        return b[o];
      case 2:
        return b[o] | (b[o + 1] << 8);
      case 4:
        return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
      default:
        this.vHi = b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24);
        return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
    }
  }

  /** Stores the low `size` bytes of (vl, vh) at base + off; sets `stop` on a bad access. */
  store(bl: number, bh: number, off: number, size: number, vl: number, vh: number): void {
    const lo = (bl + off) | 0;
    const hi = (bh + (off >> 31) + ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    const r = this.mem.regionOfHi(hi);
    if (r === undefined) {
      this.memFault(hi, lo, size, true, 'no region');
      return;
    }
    const o = (lo >>> 0) - r.lo;
    if (o < 0 || o + size > r.size) {
      this.memFault(hi, lo, size, true, 'out of bounds', r);
      return;
    }
    if (!r.writable) {
      this.memFault(hi, lo, size, true, 'read-only', r);
      return;
    }
    if (r.hooks !== undefined) {
      this.hookStore(r, o, size, hi, lo, vl, vh);
      return;
    }
    if (this.cow !== null) this.cow.touch(r, o, size);
    const b = r.bytes;
    b[o] = vl;
    if (size === 1) return;
    b[o + 1] = vl >> 8;
    if (size === 2) return;
    b[o + 2] = vl >> 16;
    b[o + 3] = vl >> 24;
    if (size === 4) return;
    b[o + 4] = vh;
    b[o + 5] = vh >> 8;
    b[o + 6] = vh >> 16;
    b[o + 7] = vh >> 24;
  }

  private readonly halves = new Int32Array(2);

  private hookLoad(r: Region, o: number, size: number, hi: number, lo: number): number {
    const h = r.hooks!;
    if (h.loadHalves !== undefined) {
      const out = this.halves;
      if (!h.loadHalves(o, size, out)) return this.memFault(hi, lo, size, false, 'refused', r);
      this.vHi = out[1];
      return out[0];
    }
    const v = h.load(o, size);
    if (v === null) return this.memFault(hi, lo, size, false, 'refused', r);
    this.vHi = Number((v >> 32n) & 0xffffffffn) | 0;
    return Number(v & 0xffffffffn) | 0;
  }

  private hookStore(r: Region, o: number, size: number, hi: number, lo: number, vl: number, vh: number): void {
    this.forgetPlain(); // a hooked store may change what other regions hold
    const h = r.hooks!;
    if (h.storeHalves !== undefined) {
      // the low `size` bytes of (vh, vl), as the BigInt path's asUintN keeps them
      const l = size >= 4 ? vl : vl & ((1 << (size * 8)) - 1);
      if (!h.storeHalves(o, size, l, size === 8 ? vh : 0)) this.memFault(hi, lo, size, true, 'refused', r);
      return;
    }
    const v = BigInt.asUintN(size * 8, u64(vh, vl));
    if (!r.hooks!.store(o, size, v)) this.memFault(hi, lo, size, true, 'refused', r);
  }

  // ---- calls ----

  /**
   * A helper call at `pc`, the `ran`-th instruction of the current execute() slice; returns the
   * pc to continue at, or -1 when the run stopped.
   */
  callHelper(pc: number, id: number, ran: number): number {
    this.forgetPlain(); // helpers may replace a packet's bytes; calls and returns map and unmap frame stacks
    const L = this.L;
    const H = this.H;
    this.lastHelper = id;
    this.lastRet = false;
    this.lastTail = false;
    this.lastEffects = undefined;
    const executed = this.executed + ran;
    this.callStep = executed - 1;
    const host = this.host;
    // no step event is being built: the hottest helpers run without BigInt and without effects
    if (host.callFast !== undefined && this.mem.watcher === null && host.callFast(id, L, H, executed)) {
      this.lastRet = true;
      return pc + 1;
    }
    if (!host.hasHelper(id)) {
      this.fault(pc, `call to unknown helper function ${id}`);
      return -1;
    }
    const out = this.host.callHelper(id, u64(H[1], L[1]), u64(H[2], L[2]), u64(H[3], L[3]), u64(H[4], L[4]), u64(H[5], L[5]), pc, executed);
    switch (out.kind) {
      case 'ret':
        this.lastEffects = out.effects;
        // 4.8 runs a tail call that did not jump as "continue": every register stays as it was
        if (id !== TAIL_CALL) {
          setBig(L, H, 0, out.r0);
          this.lastRet = true;
        }
        return pc + 1;
      case 'tail_call':
        this.lastEffects = out.effects;
        this.lastTail = true;
        this.code = this.codeOf(out.prog.id, out.prog.bytes);
        return 0;
      default: {
        const f = out.fault;
        const name = helperById(id)?.name ?? `helper ${id}`;
        if (typeof f === 'string') this.fault(pc, `${name}: ${f}`);
        else this.fault(pc, `${name}: bad memory access`, f);
        return -1;
      }
    }
  }

  /** A bpf-to-bpf call at `pc` to `target`: a fresh frame whose stack is its own region. */
  callLocal(pc: number, target: number): number {
    this.forgetPlain(); // helpers may replace a packet's bytes; calls and returns map and unmap frame stacks
    const d = this.depth;
    if (d + 1 >= MAX_CALL_FRAMES) {
      this.fault(pc, `too many nested calls (at most ${MAX_CALL_FRAMES} frames)`);
      return -1;
    }
    const L = this.L;
    const H = this.H;
    const saved = this.frameSaved;
    const base = d * SAVED * 2;
    if (this.journal !== null) {
      const old = saved.slice(base, base + SAVED * 2);
      const oldRet = this.frameRet[d];
      const oldCode = this.frameCode[d];
      this.journal.push(() => {
        saved.set(old, base);
        this.frameRet[d] = oldRet;
        this.frameCode[d] = oldCode;
        this.depth = d;
      });
    }
    for (let i = 0; i < SAVED; i++) {
      saved[base + 2 * i] = L[6 + i];
      saved[base + 2 * i + 1] = H[6 + i];
    }
    this.frameRet[d] = pc + 1;
    this.frameCode[d] = this.code;
    this.depth = d + 1;
    const stack = this.frameStack(d + 1);
    L[10] = (stack.lo + MAX_BPF_STACK) | 0;
    H[10] = stack.hi | 0;
    return target;
  }

  /** EXIT inside a called function: back to the caller with its r6-r10. */
  returnLocal(): number {
    this.forgetPlain(); // helpers may replace a packet's bytes; calls and returns map and unmap frame stacks
    const d = this.depth - 1;
    const L = this.L;
    const H = this.H;
    const base = d * SAVED * 2;
    for (let i = 0; i < SAVED; i++) {
      L[6 + i] = this.frameSaved[base + 2 * i];
      H[6 + i] = this.frameSaved[base + 2 * i + 1];
    }
    if (this.journal !== null) this.journal.push(() => (this.depth = d + 1));
    this.depth = d;
    this.code = this.frameCode[d];
    return this.frameRet[d];
  }

  /**
   * The stack of call frame `k` (1..7): its own 512-byte region at a fixed upper half, so that
   * addresses are the same in every run. Mapped on first use (and unmapped again when that step
   * is undone); a region left by an earlier run in the same address space is taken over and
   * zeroed, so a run never sees another run's bytes.
   */
  private frameStack(k: number): Region {
    const mine = this.frameStacks[k];
    if (mine !== undefined) return mine;
    const hi = (STACK_HI + k) >>> 0;
    const j = this.journal;
    let r = this.mem.regionOfHi(hi);
    if (r === undefined) {
      const made = this.mem.map('stack', `stack (frame ${k})`, new Uint8Array(MAX_BPF_STACK), true, MAX_BPF_STACK, hi);
      this.mapped.push(made);
      if (j !== null) {
        j.push(() => {
          this.mem.unmap(made);
          this.mapped.splice(this.mapped.indexOf(made), 1);
        });
      }
      r = made;
    } else {
      const bytes = r.bytes;
      if (j !== null) {
        const old = bytes.slice();
        j.push(() => bytes.set(old));
      }
      bytes.fill(0);
    }
    this.frameStacks[k] = r;
    if (j !== null) j.push(() => (this.frameStacks[k] = undefined));
    return r;
  }

  /** Forgets which frame stacks this run uses: the next run zeroes them again on first use. */
  releaseFrames(): void {
    if (this.frameStacks.length !== 0) this.frameStacks.length = 0;
  }

  /** Unmaps the call-frame stacks this run mapped. */
  dispose(): void {
    for (const r of this.mapped) this.mem.unmap(r);
    this.mapped.length = 0;
    this.frameStacks.length = 0;
  }

  // ---- LD_ABS / LD_IND ----

  /** Loads a big-endian value of the skb into r0; false when out of bounds (the run has ended). */
  loadSkb(pc: number, offset: number, size: 1 | 2 | 4): boolean {
    const v = this.host.loadSkb(offset, size);
    if (v === null) {
      this.exit(pc, 'ld_abs');
      return false;
    }
    this.L[0] = v | 0;
    this.H[0] = 0;
    return true;
  }
}
