/**
 * The seeded program generator of the interpreter's differential test (issue 3): socket
 * filters of the 4.8 instruction set that both verifiers accept: LD_ABS/LD_IND (in and out of
 * the packet, SKF_NET_OFF and SKF_LL_OFF too), ALU and ALU64 with immediates and registers, END,
 * NEG, stack stores and loads of every size, XADD, forward branches, and an array map lookup
 * that stores every register and the stack area. What 4.8 and the host compute differently is
 * left out: division by a zero register, 32-bit ARSH and ALU64 END (4.8's interpreter has
 * neither), negative 64-bit DIV/MOD immediates (4.8 divides by the u32 of the immediate).
 */
import { ALU, JMP, alu32i, alu32r, alu64i, alu64r, call, end, exit, jmpi, jmpr, ld64, ldabs, ldind, ldx, mov, movr, Prog, st, stx, xadd, type Size, type Slot } from './bpf';
import { hex } from '../support/kernel';
import { Rng } from '../verifier/gen-core';

/** gen-core's mulberry32, as numbers in [0, 1). */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next() / 4294967296;
}

const REGS = [0, 1, 2, 3, 4, 5, 7, 8, 9];
const STACK_AREA = 128; // fp-128 .. fp-1, initialized before the body
const SIZES: Size[] = [1, 2, 4, 8];
const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

class Gen {
  constructor(private readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  imm32(): number {
    const kind = this.int(0, 3);
    if (kind === 0) return this.int(-16, 16);
    if (kind === 1) return this.int(0, 0xffff);
    return (this.int(0, 0xffff) << 16) | this.int(0, 0xffff);
  }
  imm64(): bigint {
    return (BigInt(this.imm32() >>> 0) << 32n) | BigInt(this.imm32() >>> 0);
  }
  /** an aligned stack offset inside the initialized area */
  stackOff(size: Size): number {
    return -size * this.int(1, STACK_AREA / size);
  }
}

/** One ALU instruction (plus the guard that keeps it defined on both kernels). */
function aluInsn(g: Gen): Slot[] {
  const ops = Object.keys(ALU) as (keyof typeof ALU)[];
  const op = g.pick(ops.filter((o) => o !== 'neg'));
  const wide = g.chance(0.6);
  const dst = g.pick(REGS);
  if (op === 'arsh' && !wide) return [alu64i('arsh', dst, g.int(0, 63))];
  const useReg = g.chance(0.5);
  if (useReg) {
    const src = g.pick(REGS);
    const guard: Slot[] = [];
    if (op === 'div' || op === 'mod') guard.push(alu64i('or', src, 1));
    if (op === 'lsh' || op === 'rsh' || op === 'arsh') guard.push(alu64i('and', src, wide ? 63 : 31));
    return [...guard, wide ? alu64r(op, dst, src) : alu32r(op, dst, src)];
  }
  let imm = g.imm32();
  if (op === 'lsh' || op === 'rsh' || op === 'arsh') imm = g.int(0, wide ? 63 : 31);
  if (op === 'div' || op === 'mod') imm = wide ? g.int(1, 0x7fffffff) : imm || 7;
  return [wide ? alu64i(op, dst, imm) : alu32i(op, dst, imm)];
}

function bodyInsn(g: Gen): Slot[] {
  const dst = g.pick(REGS);
  switch (g.int(0, 9)) {
    case 0:
      return [g.chance(0.5) ? alu64i('neg', dst, 0) : alu32i('neg', dst, 0)];
    case 1:
      return [end(dst, g.pick([16, 32, 64] as const), g.chance(0.5))];
    case 2: {
      const size = g.pick(SIZES);
      return [stx(size, 10, g.pick(REGS), g.stackOff(size))];
    }
    case 3: {
      const size = g.pick(SIZES);
      return [st(size, 10, g.stackOff(size), g.imm32())];
    }
    case 4: {
      const size = g.pick(SIZES);
      return [ldx(size, dst, 10, g.stackOff(size))];
    }
    case 5: {
      const size = g.pick([4, 8] as const);
      return [xadd(size, 10, g.pick(REGS), g.stackOff(size))];
    }
    default:
      return aluInsn(g);
  }
}

/** A forward conditional jump over `span` instructions of the body. */
function branch(g: Gen, span: number): Slot {
  const op = g.pick(Object.keys(JMP) as (keyof typeof JMP)[]);
  return g.chance(0.5) ? jmpi(op, g.pick(REGS), g.imm32(), span) : jmpr(op, g.pick(REGS), g.pick(REGS), span);
}

/** LD_ABS/LD_IND into r7 (accumulated); offsets in the packet, past it, and relative to the headers. */
function packetLoads(g: Gen, p: Prog, len: number): void {
  p.emit(mov(7, 0), mov(8, g.int(0, Math.max(0, len - 8))));
  for (let n = g.int(0, 4); n > 0; n--) {
    const size = g.pick([1, 2, 4] as const);
    const kind = g.int(0, 9);
    let k = g.int(0, Math.max(0, len - size));
    if (kind === 0) k = g.int(len - 3, len + 8); // maybe out of the packet: the program ends with 0
    if (kind === 1) k = SKF_NET_OFF + g.int(0, len - size);
    if (kind === 2) k = SKF_LL_OFF + g.int(0, 14 + len - size);
    if (kind === 3) p.emit(ldind(size, 8, g.int(0, 4)));
    else p.emit(ldabs(size, k));
    p.emit(alu64r('add', 7, 0));
  }
}

/** A generated request: a socket filter, its packet, and the `out` map it fills. */
export function generate(seed: number): Record<string, unknown> {
  const g = new Gen(rng(seed));
  const packet = Uint8Array.from({ length: g.int(20, 90) }, () => g.int(0, 255));
  packet[12] = 0x88;
  packet[13] = 0xb5; // a local ethertype: no size rules
  const len = packet.length - 14;
  const p = new Prog().emit(movr(6, 1));
  packetLoads(g, p, len);
  for (const r of [0, 1, 2, 3, 4, 5, 8, 9]) p.emit(g.chance(0.3) ? ld64(r, g.imm64()) : mov(r, g.imm32()));
  for (let off = -8; off >= -STACK_AREA; off -= 8) p.emit(g.chance(0.5) ? st(8, 10, off, g.imm32()) : stx(8, 10, g.pick(REGS), off));
  const body: Slot[][] = [];
  for (let n = g.int(10, 50); n > 0; n--) body.push(bodyInsn(g));
  let branches = 0;
  for (let i = 0; i < body.length; i++) {
    if (branches < 6 && g.chance(0.12)) {
      // over whole items, so that no jump lands between a guard and the division it guards
      const over = body.slice(i, i + g.int(0, Math.min(4, body.length - i)));
      p.emit(branch(g, over.reduce((s, b) => s + b.length, 0)));
      branches++;
    }
    p.emit(...body[i]);
  }
  // every register (r6, the ctx pointer, as 0) and the stack area into out[0]
  const SPILL = -STACK_AREA - 8;
  REGS.forEach((r, i) => p.emit(stx(8, 10, r, SPILL - 8 * i)));
  p.emit(st(4, 10, SPILL - 8 * REGS.length, 0), movr(2, 10), alu64i('add', 2, SPILL - 8 * REGS.length)).map(1, 'out');
  const copies: Slot[] = [];
  REGS.forEach((r, i) => copies.push(ldx(8, 1, 10, SPILL - 8 * i), stx(8, 0, 1, 8 * r)));
  for (let i = 0; i < STACK_AREA / 8; i++) copies.push(ldx(8, 1, 10, -8 * (i + 1)), stx(8, 0, 1, 80 + 8 * i));
  p.emit(call(1), jmpi('jeq', 0, 0, copies.length), ...copies);
  p.emit(ldx(8, 0, 10, SPILL - 8 * g.int(0, REGS.length - 1)), exit());
  return {
    prog_type: 'socket_filter',
    insns: p.insns,
    map_fixups: p.fixups,
    maps: [{ name: 'out', type: 'array', key_size: 4, value_size: 80 + STACK_AREA, max_entries: 1 }],
    run: { data: hex(packet) },
  };
}
