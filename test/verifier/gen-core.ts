/**
 * The program generator's state: the seeded PRNG, the options, what each register is believed
 * to hold, the stack bytes written so far, and the items (slot runs, forward jumps) emitted.
 */
import { ProgType, type RawInsn } from '../../src/isa';
import * as B from './build';

/** mulberry32: small, fast, seeded. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

export interface GenMap {
  fd: number;
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
}

export interface GenOptions {
  progType: number;
  privileged: boolean;
  maps: readonly GenMap[];
  mode: 'sound' | 'diff';
  /** rough number of building blocks (default 12) */
  size?: number;
}

export interface GenProgram {
  slots: RawInsn[];
  bytes: Uint8Array;
  /** slot index of each map ld_imm64 and the map's name (kernel-oracle's map_fixups) */
  fixups: { insn: number; map: string }[];
}

/** What the generator believes a register holds. */
type Kind =
  | { k: 'none' }
  | { k: 'scalar'; fresh: boolean }
  | { k: 'known' }
  | { k: 'ctx' }
  | { k: 'fp' }
  | { k: 'stack'; off: number }
  | { k: 'map'; m: GenMap }
  | { k: 'val'; m: GenMap }
  | { k: 'valnull'; m: GenMap }
  | { k: 'pkt'; range: number }
  | { k: 'pktend' }
  | { k: 'mixed' };

interface Item {
  slots: RawInsn[];
  /** a forward jump to the start of item `to` (its off is resolved at layout) */
  to?: number;
  map?: string;
}

export const NONE: Kind = { k: 'none' };
export const SCALAR: Kind = { k: 'scalar', fresh: false };
export const FRESH: Kind = { k: 'scalar', fresh: true };
const IMMS = [0, 1, 2, 3, 4, 7, 8, 14, 16, 31, 32, 63, 64, 255, 0x7fff, 0xffff, -1, -8, 0x7fffffff, -0x80000000];

export const SKB_FIELDS = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68];
export const SKB_WRITABLE: Record<number, readonly number[]> = {
  [ProgType.SocketFilter]: [48, 52, 56, 60, 64],
  [ProgType.SchedCls]: [8, 32, 44, 48, 52, 56, 60, 64, 72],
  [ProgType.SchedAct]: [8, 32, 44, 48, 52, 56, 60, 64, 72],
};

/** One program being generated. */
export class Gen {
  readonly items: Item[] = [];
  regs: Kind[] = [];
  /** stack bytes written on every path so far (offset -1..-512), and spilled pointer kinds by slot offset */
  stack = new Set<number>();
  spills = new Map<number, Kind>();

  /** 0 for a program meant to be clean, 1 for one that may break rules on purpose */
  readonly noise: number;

  constructor(
    readonly rng: Rng,
    readonly o: GenOptions,
  ) {
    this.noise = rng.chance(0.5) ? 0 : 1;
    this.regs = Array.from({ length: 11 }, () => NONE);
    this.regs[1] = { k: 'ctx' };
    this.regs[10] = { k: 'fp' };
  }

  /** a deliberate mistake with probability p (never in clean programs) */
  oops(p: number): boolean {
    return this.noise > 0 && this.rng.chance(p);
  }

  get diff(): boolean {
    return this.o.mode === 'diff';
  }
  get skb(): boolean {
    const t = this.o.progType;
    return t === ProgType.SocketFilter || t === ProgType.SchedCls || t === ProgType.SchedAct;
  }
  get tc(): boolean {
    return this.o.progType === ProgType.SchedCls || this.o.progType === ProgType.SchedAct;
  }

  emit(...parts: B.Slots[]): void {
    this.items.push({ slots: parts.flat() });
  }

  /** A register holding something matching `want`, or (sometimes, or if none) any register. */
  reg(want: (k: Kind) => boolean, randomRate = 0.05): number {
    const ok = [];
    for (let r = 0; r <= 10; r++) if (want(this.regs[r])) ok.push(r);
    if (ok.length === 0 || this.oops(randomRate)) return this.rng.int(11);
    return this.rng.pick(ok);
  }
  /** a register holding the context, saved into r6 from r1 first if need be; -1 if the context is lost */
  ctxReg(): number {
    const has = this.regs.some((k) => k.k === 'ctx');
    if (!has && !this.oops(0.3)) return -1;
    return this.reg((k) => k.k === 'ctx');
  }

  /** a register with a number in it, made by `mov` first if there is none */
  scalarReg(): number {
    const isNum = (k: Kind) => k.k === 'scalar' || k.k === 'known';
    if (!this.regs.some(isNum) && !this.oops(0.3)) {
      const d = this.freeReg();
      this.emit(B.mov64Imm(d, this.imm()));
      this.set(d, { k: 'known' });
      return d;
    }
    return this.reg(isNum);
  }
  /** a destination: r0-r9 (rarely r10), preferring registers that hold nothing of use */
  dst(): number {
    if (this.oops(0.02)) return 10;
    return this.rng.chance(0.7) ? this.freeReg() : this.rng.int(10);
  }
  freeReg(): number {
    const free = [];
    for (let r = 0; r < 10; r++) if (['none', 'scalar', 'known', 'mixed'].includes(this.regs[r].k)) free.push(r);
    return free.length ? this.rng.pick(free) : this.rng.int(10);
  }
  set(r: number, k: Kind): void {
    if (r <= 10) this.regs[r] = k;
  }
  clobber(): void {
    for (let r = 0; r <= 5; r++) this.regs[r] = NONE;
  }
  imm(): number {
    return this.rng.chance(0.7) ? this.rng.pick(IMMS) : this.rng.next() | 0;
  }
  stackOff(size: number): number {
    const slot = -8 * (1 + this.rng.int(8));
    const inner = size === 8 ? 0 : size * this.rng.int(8 / size);
    return this.oops(0.05) ? -this.rng.int(530) : slot + inner;
  }
  writeStack(off: number, size: number): void {
    for (let i = 0; i < size; i++) this.stack.add(off + i);
    this.spills.delete(off & ~7);
  }
}

