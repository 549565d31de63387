/**
 * The generator's building blocks: each emits a few instructions of one kind (moves, ALU work,
 * stack spills and fills, context loads and stores, map lookups with null checks, packet range
 * checks, LD_ABS/LD_IND, helper calls, forward branches, exits) and updates what the generator
 * believes the registers hold.
 */
import { MapType, ProgType } from '../../src/isa';
import * as B from './build';
import { FRESH, NONE, SCALAR, SKB_FIELDS, SKB_WRITABLE, type Gen } from './gen-core';

const { AluOp, JmpOp } = B;

function genMov(g: Gen): void {
  const d = g.dst();
  if (g.rng.chance(0.5)) {
    g.emit(B.mov64Imm(d, g.imm()));
    g.set(d, { k: 'known' });
  } else {
    // in diff mode no copy of a lookup result before its null check, and no `rX = rX` (4.8 makes
    // rX unknown: the destination is reset before the copy; modern kernels keep it)
    let s = g.reg((k) => k.k !== 'none' && !(g.diff && k.k === 'valnull'));
    if (g.diff && s === d) s = 10;
    g.emit(g.rng.chance(0.9) ? B.mov64Reg(d, s) : B.alu32Reg(AluOp.MOV, d, s));
    g.set(d, g.regs[s] ?? NONE);
  }
}

const ALU_OPS = [AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.OR, AluOp.AND, AluOp.LSH, AluOp.RSH, AluOp.MOD, AluOp.XOR, AluOp.ARSH];

function genAlu(g: Gen): void {
  const rng = g.rng;
  const d = g.scalarReg();
  const op = rng.pick(ALU_OPS);
  const alu64 = rng.chance(0.75);
  const shift = op === AluOp.LSH || op === AluOp.RSH || op === AluOp.ARSH;
  if (rng.chance(0.05)) {
    g.emit(B.raw(alu64 ? 0x87 : 0x84, d)); // neg
  } else if (rng.chance(0.5)) {
    let imm = g.imm();
    if (shift) imm = rng.chance(0.95) ? rng.int(alu64 ? 64 : 32) : imm;
    if ((op === AluOp.DIV || op === AluOp.MOD) && imm === 0 && rng.chance(0.9)) imm = 3;
    g.emit(alu64 ? B.alu64Imm(op, d, imm) : B.alu32Imm(op, d, imm));
  } else {
    g.emit(alu64 ? B.alu64Reg(op, d, g.scalarReg()) : B.alu32Reg(op, d, g.scalarReg()));
  }
  const was = g.regs[d];
  g.set(d, was.k === 'known' ? was : SCALAR);
}

/** fp + K, and (not in diff mode) arithmetic on other pointers */
function genPtrArith(g: Gen): void {
  const d = g.dst();
  if (g.diff || !g.oops(0.5)) {
    const off = g.oops(0.2) ? g.rng.pick([0, -4, -512, -520, 8]) : -8 * (1 + g.rng.int(8));
    g.emit(B.mov64Reg(d, 10), B.alu64Imm(AluOp.ADD, d, off));
    g.set(d, { k: 'stack', off });
    return;
  }
  const p = g.reg((k) => k.k === 'val' || k.k === 'stack' || k.k === 'ctx' || k.k === 'pkt');
  g.emit(B.alu64Imm(g.rng.pick([AluOp.ADD, AluOp.SUB]), p, g.rng.pick([1, 4, 8, -8])));
  g.set(p, SCALAR);
}

function genStack(g: Gen): void {
  const rng = g.rng;
  const choice = rng.int(3);
  // the base: fp itself, or sometimes a stack pointer (fp + K), the instruction's off adjusted
  const ptrs = [];
  for (let r = 0; r < 10; r++) if (g.regs[r].k === 'stack') ptrs.push(r);
  const via = ptrs.length && rng.chance(0.3) ? rng.pick(ptrs) : 10;
  const delta = via === 10 ? 0 : (g.regs[via] as { off: number }).off;
  const at = (off: number) => off - delta;
  if (choice === 0) {
    const size = rng.pick([1, 2, 4, 8, 8, 8] as const);
    const off = g.stackOff(size);
    g.emit(B.st(size, via, at(off), g.imm()));
    g.writeStack(off, size);
  } else if (choice === 1) {
    const s = g.reg((k) => k.k !== 'none');
    const k = g.regs[s];
    const ptr = !['scalar', 'known', 'none', 'mixed'].includes(k.k);
    const size = ptr && !g.oops(0.1) ? 8 : rng.pick([1, 2, 4, 8, 8, 8] as const);
    const off = g.stackOff(size);
    g.emit(B.stx(size, via, s, at(off)));
    g.writeStack(off, size);
    if (ptr && size === 8) g.spills.set(off, k);
  } else {
    const spilled = [...g.spills.keys()];
    const written = [...g.stack].filter((o) => o % 8 === 0 && g.stack.has(o + 7));
    let from: number;
    let w: B.Width;
    if (spilled.length && rng.chance(0.5)) {
      from = rng.pick(spilled);
      w = g.oops(0.1) ? 4 : 8;
    } else if (written.length && !g.oops(0.2)) {
      from = rng.pick(written);
      w = g.spills.has(from) ? 8 : rng.pick([1, 2, 4, 8] as const);
    } else if (written.length === 0 && !g.oops(0.3)) {
      const off = g.stackOff(8);
      g.emit(B.st(8, 10, off, g.imm()));
      g.writeStack(off, 8);
      return;
    } else {
      w = rng.pick([1, 2, 4, 8] as const);
      from = g.stackOff(w);
    }
    const d = g.dst();
    g.emit(B.ldx(w, d, via, at(from)));
    // a modern kernel remembers constants stored on the stack: not fresh in diff mode
    g.set(d, g.spills.get(from) ?? (w === 8 && !g.diff ? FRESH : SCALAR));
  }
}

function genCtx(g: Gen): void {
  const rng = g.rng;
  const c = g.ctxReg();
  if (c < 0) return;
  const t = g.o.progType;
  if (g.skb) {
    const write = rng.chance(0.3);
    const fields = write ? SKB_WRITABLE[t] : SKB_FIELDS;
    let off = rng.pick(fields);
    let size: B.Width = 4;
    if (g.oops(0.08)) off = rng.int(g.diff ? 88 : 100) - 4;
    // (diff mode: no 8-byte accesses, which a modern kernel allows on cb[])
    if (g.oops(0.08)) size = rng.pick(g.diff ? ([1, 2] as const) : ([1, 2, 8] as const));
    if (write) g.emit(rng.chance(0.5) ? B.st(size, c, off, g.imm()) : B.stx(size, c, g.scalarReg(), off));
    else {
      const d = g.dst();
      g.emit(B.ldx(size, d, c, off));
      g.set(d, SCALAR);
    }
    return;
  }
  if (t === ProgType.Xdp) return;
  const size = rng.pick([1, 2, 4, 8, 8] as const);
  const base = t === ProgType.Kprobe ? 0 : 8;
  let off = base + size * rng.int(Math.floor((t === ProgType.Kprobe ? 168 : 64) / size));
  if (t === ProgType.Tracepoint && rng.chance(0.3)) {
    // 4.8 lets a tracepoint program read below its record: any negative multiple of the size,
    // right below it or as far as an instruction's offset reaches; now and then a misaligned one
    off = -size * (1 + (rng.chance(0.6) ? rng.int(8) : rng.int(32768 / size)));
    if (g.oops(0.1)) off += 1 + rng.int(size - 1 || 1);
  }
  const d = g.dst();
  g.emit(B.ldx(size, d, c, off));
  g.set(d, size === 8 ? FRESH : SCALAR);
}

/** key (and value) on the stack, r2 (and r3) pointing at them, r1 the map */
function genMapOp(g: Gen, body: (g: Gen, depth: number) => void, depth: number): void {
  const rng = g.rng;
  // diff mode: hash maps only (a modern kernel knows an array lookup with an in-range constant
  // key never returns NULL, and would skip the null branch)
  const maps = g.o.maps.filter((m) => m.type !== MapType.ProgArray && (!g.diff || m.type === MapType.Hash || m.type === MapType.PercpuHash));
  if (maps.length === 0) return;
  const m = rng.pick(maps);
  const keyOff = -8 * (1 + rng.int(4)) - (m.keySize > 8 ? 8 : 0);
  const ks = m.keySize >= 8 ? 8 : 4;
  if (!g.oops(0.1)) {
    g.emit(B.st(ks as B.Width, 10, keyOff, rng.int(4)));
    if (m.keySize > 8) g.emit(B.st(8, 10, keyOff + 8, 0));
    g.writeStack(keyOff, m.keySize);
  }
  g.emit(B.mov64Reg(2, 10), B.alu64Imm(AluOp.ADD, 2, keyOff));
  const op = rng.int(10);
  if (op >= 2) {
    g.items.push({ slots: B.ldMapFd(1, m.fd), map: m.name });
    g.emit(B.call(1));
    g.clobber();
    g.set(0, { k: 'valnull', m });
    if (g.oops(0.15)) return; // no null check: the verifier must refuse any access
    if (!g.diff && g.oops(0.2)) {
      const copy = 6 + rng.int(4);
      g.emit(B.mov64Reg(copy, 0));
      g.set(copy, { k: 'valnull', m });
    }
    branch(g, B.jmpImm(JmpOp.JEQ, 0, 0, 0), () => {
      g.set(0, { k: 'val', m });
      genValueAccess(g);
      if (rng.chance(0.5)) body(g, depth + 1);
    });
    return;
  }
  const valOff = -8 * (5 + rng.int(3)) - ((m.valueSize + 7) & ~7);
  for (let o = 0; o < m.valueSize; o += 8) g.emit(B.st(Math.min(8, m.valueSize - o) >= 8 ? 8 : 4, 10, valOff + o, g.imm()));
  g.writeStack(valOff, m.valueSize);
  g.emit(B.mov64Reg(3, 10), B.alu64Imm(AluOp.ADD, 3, valOff), B.mov64Imm(4, rng.int(3)));
  g.items.push({ slots: B.ldMapFd(1, m.fd), map: m.name });
  g.emit(B.call(op === 0 ? 2 : 3));
  g.clobber();
  g.set(0, FRESH);
}

function genValueAccess(g: Gen): void {
  const rng = g.rng;
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const v = g.reg((k) => k.k === 'val', 0.03);
    const k = g.regs[v];
    const vs = k.k === 'val' ? k.m.valueSize : 8;
    const size = rng.pick([1, 2, 4, 8] as const);
    let off = size * rng.int(Math.max(1, Math.floor(vs / size)));
    if (g.oops(0.1)) off = rng.pick(g.diff ? [-size, (vs + size) & ~(size - 1), 2 * vs] : [-8, vs, vs - 4, 2 * vs]);
    const c = rng.int(4);
    if (c === 0) {
      const d = g.dst();
      g.emit(B.ldx(size, d, v, off));
      g.set(d, size === 8 ? FRESH : SCALAR);
    } else if (c === 1) g.emit(B.st(size, v, off, g.imm()));
    else if (c === 2) g.emit(B.stx(size, v, g.oops(0.2) ? g.reg((x) => x.k !== 'none') : g.scalarReg(), off));
    else {
      const xs = size >= 4 ? size : 8;
      g.emit(B.xadd(xs, v, g.scalarReg(), g.oops(0.1) && !g.diff ? off : xs * rng.int(Math.max(1, Math.floor(vs / xs)))));
    }
  }
}

/** data/data_end, a range check, accesses inside (tc reads, XDP reads and writes) */
function genPacket(g: Gen, body: (g: Gen, depth: number) => void, depth: number): void {
  const rng = g.rng;
  const c = g.ctxReg();
  if (c < 0) return;
  const [dataOff, endOff] = g.o.progType === ProgType.Xdp ? [0, 4] : [76, 80];
  const p = 2 + rng.int(3);
  const e = p === 4 ? 5 : 4;
  const t = p === 2 ? 3 : 2;
  g.emit(B.ldx(4, p, c, dataOff), B.ldx(4, e, c, endOff));
  g.set(p, { k: 'pkt', range: 0 });
  g.set(e, { k: 'pktend' });
  if (rng.chance(0.3)) {
    // a variable offset: a byte of the packet (after a check) masked and added
    g.emit(B.mov64Reg(t, p), B.alu64Imm(AluOp.ADD, t, 1));
    branch(g, B.jmpReg(JmpOp.JGT, t, e, 0), () => {
      g.emit(B.ldx(1, t, p, 0), B.alu64Imm(AluOp.AND, t, rng.pick([0x3f, 0xff, 0xfff])), B.alu64Reg(AluOp.ADD, p, t));
    });
    g.set(t, SCALAR);
  }
  const len = rng.pick([1, 2, 4, 8, 14, 20, 34, 60]);
  g.emit(B.mov64Reg(t, p), B.alu64Imm(AluOp.ADD, t, len));
  const op = g.oops(0.1) ? B.jmpReg(JmpOp.JGE, t, e, 0) : B.jmpReg(JmpOp.JGT, t, e, 0);
  branch(g, op, () => {
    g.set(p, { k: 'pkt', range: len });
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const size = rng.pick([1, 2, 4, 8] as const);
      const off = g.oops(0.1) ? rng.int(len + 4) : rng.int(Math.max(1, len - size + 1));
      const write = g.o.progType === ProgType.Xdp ? rng.chance(0.5) : g.oops(0.05);
      if (write) g.emit(rng.chance(0.5) ? B.st(size, p, off, g.imm()) : B.stx(size, p, g.scalarReg(), off));
      else {
        const d = rng.pick([0, 6, 7, 8, 9]);
        g.emit(B.ldx(size, d, p, off));
        g.set(d, SCALAR);
      }
    }
    if (rng.chance(0.3)) body(g, depth + 1);
  });
  g.set(p, { k: 'mixed' });
}

function genLdAbs(g: Gen): void {
  const rng = g.rng;
  if (g.regs[6].k !== 'ctx' && !g.oops(0.1)) {
    const c = g.ctxReg();
    if (c < 0) return;
    g.emit(B.mov64Reg(6, c));
    g.set(6, g.regs[c]);
  }
  const size = rng.pick([1, 2, 4] as const);
  const off = rng.chance(0.8) ? rng.int(64) : rng.pick([-0x100000, -0x200000 + 12, 1000, -1]);
  g.emit(rng.chance(0.7) ? B.ldAbs(size, off) : B.ldInd(size, g.scalarReg(), off));
  g.clobber();
  g.set(0, g.diff ? SCALAR : FRESH);
}

function genHelper(g: Gen): void {
  const rng = g.rng;
  const t = g.o.progType;
  const trace = t === ProgType.Kprobe || t === ProgType.Tracepoint;
  const ids = trace ? [5, 8, 14, 15, 35] : [5, 7, 8];
  const c = rng.int(6);
  if (c === 0 && !g.diff && g.oops(0.5)) {
    g.emit(B.call(rng.pick(trace ? [4, 16, 22] : g.tc ? [9, 13, 17, 23, 26, 28, 34] : [9, 14, 26])));
    g.clobber();
    g.set(0, FRESH);
    return;
  }
  if (c === 1 && (g.tc || trace)) {
    // a helper writing into a stack buffer: skb_load_bytes / probe_read / get_current_comm
    const size = rng.pick([1, 4, 8, 14, 16]);
    const off = -16 - 8 * rng.int(4);
    const ctx = g.ctxReg();
    if (ctx < 0) return;
    if (g.tc) {
      // (r1 = r1 would make r1 unknown in 4.8: the destination is reset before the copy)
      if (ctx !== 1) g.emit(B.mov64Reg(1, ctx));
      g.emit(B.mov64Imm(2, rng.int(40)), B.mov64Reg(3, 10), B.alu64Imm(AluOp.ADD, 3, off), B.mov64Imm(4, size), B.call(26));
    } else {
      g.emit(B.mov64Reg(3, ctx), B.mov64Reg(1, 10), B.alu64Imm(AluOp.ADD, 1, off), B.mov64Imm(2, size), B.call(rng.pick([4, 16])));
    }
    g.clobber();
    g.set(0, FRESH);
    if (off + size <= 0) g.writeStack(off, size);
    return;
  }
  if (c === 2) {
    const pa = g.o.maps.find((m) => m.type === MapType.ProgArray);
    if (pa) {
      const ctx = g.ctxReg();
      if (ctx < 0) return;
      if (ctx !== 1) g.emit(B.mov64Reg(1, ctx));
      g.items.push({ slots: B.ldMapFd(2, pa.fd), map: pa.name });
      g.emit(B.mov64Imm(3, rng.int(4)), B.call(12));
      g.clobber();
      return;
    }
  }
  const id = rng.pick(ids);
  g.emit(B.call(id));
  g.clobber();
  // a modern kernel bounds get_smp_processor_id's result by the CPU count
  g.set(0, g.diff && id === 8 ? SCALAR : FRESH);
}

/** `if <cond> goto <after the sub-block>`; the sub-block's effects merge into "mixed" */
function branch(g: Gen, jump: B.Slots, inner: () => void): void {
  const before = g.regs.slice();
  const stack = new Set(g.stack);
  const spills = new Map(g.spills);
  const at = g.items.length;
  g.items.push({ slots: jump });
  inner();
  g.items[at].to = g.items.length;
  // a register set on one side only may be uninitialised on the other
  g.regs = g.regs.map((k, r) => {
    if (k.k === 'none' || before[r].k === 'none') return NONE;
    return JSON.stringify(k) === JSON.stringify(before[r]) ? k : { k: 'mixed' };
  });
  g.stack = new Set([...g.stack].filter((b) => stack.has(b)));
  g.spills = new Map([...spills].filter(([o, k]) => JSON.stringify(g.spills.get(o)) === JSON.stringify(k)));
}

function genBranch(g: Gen, depth: number): void {
  const rng = g.rng;
  const ops = [JmpOp.JEQ, JmpOp.JNE, JmpOp.JGT, JmpOp.JGE, JmpOp.JSGT, JmpOp.JSGE, JmpOp.JSET];
  const op = rng.pick(ops);
  // diff mode compares only fresh full-width unknowns, once: a modern kernel learns nothing decisive
  const src = g.diff ? g.reg((k) => k.k === 'scalar' && k.fresh, 0) : g.reg((k) => k.k !== 'none' && (g.o.privileged || k.k === 'scalar' || k.k === 'known' || g.oops(0.3)));
  if (g.diff && !(g.regs[src].k === 'scalar' && (g.regs[src] as { fresh: boolean }).fresh)) return;
  if (g.diff) g.set(src, SCALAR);
  const useReg = !g.diff && rng.chance(0.3);
  const other = g.o.privileged ? g.reg((k) => k.k !== 'none') : g.scalarReg();
  const jump = useReg ? B.jmpReg(op, src, other, 0) : B.jmpImm(op, src, g.imm(), 0);
  branch(g, jump, () => body(g, depth + 1));
}

export function genExit(g: Gen): void {
  if (g.rng.chance(0.9)) g.emit(B.mov64Imm(0, g.rng.int(3)));
  g.emit(B.exit());
}

/** A run of random building blocks. */
export function body(g: Gen, depth: number): void {
  const rng = g.rng;
  const n = depth === 0 ? (g.o.size ?? 12) : 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const c = rng.int(100);
    if (c < 12) genMov(g);
    else if (c < 24) genAlu(g);
    else if (c < 30) genPtrArith(g);
    else if (c < 44) genStack(g);
    else if (c < 54) genCtx(g);
    else if (c < 66 && depth < 3) genMapOp(g, body, depth);
    else if (c < 74 && depth < 3 && (g.tc || g.o.progType === ProgType.Xdp)) genPacket(g, body, depth);
    else if (c < 79 && g.skb) genLdAbs(g);
    else if (c < 86) genHelper(g);
    else if (c < 97 && depth < 4) genBranch(g, depth);
    else if (depth > 0) {
      genExit(g);
      return;
    }
  }
}

