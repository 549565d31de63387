/**
 * The compiler from BPF to JavaScript. A program becomes one function per chunk of consecutive
 * blocks, as large as V8 still optimises: V8 leaves functions of more than 60 KB of bytecode to
 * its baseline tiers (about 50,000 characters of our code: a 2,020-instruction ALU program in one
 * function runs 300 times slower than in two), and every return to the dispatcher costs the
 * registers' loads and stores, so chunks are cut at CHUNK_SOURCE characters, about half the
 * limit. A chunk function keeps r0-r10 in locals as two int32 halves, loops over its basic blocks
 * with a switch (a block falling into the next one falls through its case), and leaves when
 * control goes to another chunk, a call switches frame or program, the run stops, or the next
 * block would pass the instruction limit. Each block adds its length to the count on entry, so the generated code knows the
 * exact count at every instruction: a stop in the middle of a block counts as the interpreter
 * counts, and the limit is never passed (the interpreter runs the last partial block).
 *
 * What a chunk function returns: 0 go on at cpu.pc (maybe in another program), 1 the run
 * stopped, 2 the next block does not fit under the limit (cpu.pc is its first slot).
 *
 * Compiled with `stops` (a Continue's breakpoints), each stop starts a block that control never
 * enters inside a chunk: going there leaves the chunk (0), and the dispatcher decides whether the
 * run pauses there. Other code is the same, so a run to a breakpoint goes compiled too.
 */
import { decodeCode, OP_BAD, OP_FELL_OFF, type Code } from '../code';
import type { Cpu } from '../cpu';
import { chunksOf, findBlocks, isJump, jumpTarget, type Block, type Chunk } from './blocks';
import { ALU, emitJump } from './emit-alu';
import { cannotRun, MEM } from './emit-mem';
import { rt, type Runtime } from './runtime';
import type { Site } from './site';

/** Characters of generated code per chunk function (see above). */
export const CHUNK_SOURCE = 24_000;
/** Instructions per chunk function at most. */
export const CHUNK_INSNS = 1_000;
/** What storing the registers back adds at each place that synchronises (estimated for sizing chunks). */
const SYNC_SIZE = 400;
/** A chunk function's own code: its declarations, its loop and switch, storing the registers back (a little more). */
const FRAME_SIZE = 1_000;
/** What a block adds to its instructions' code: its case, the limit check, the count (a little more, for sizing chunks). */
const BLOCK_SIZE = 80;

type ChunkFn = (cpu: Cpu, limit: number, block: number) => number;

/** A compiled program: which chunk and which of its blocks starts at each slot (-1: not a block start). */
export interface Compiled {
  readonly chunkOf: Int32Array;
  readonly blockOf: Int32Array;
  readonly fns: ChunkFn[];
  /** characters of each chunk function's generated source */
  readonly sourceSizes: number[];
}

/** The code of one instruction. */
function emitInsn(x: Site, code: Code): string {
  const op = x.op;
  if (op === OP_BAD || op === OP_FELL_OFF) return cannotRun(x);
  if (isJump(op)) return emitJump(x, jumpTarget(code, x.i));
  const e = ALU[op] ?? MEM[op];
  return e ? e(x) : cannotRun(x);
}

/**
 * The registers a chunk keeps in locals: every register its instructions name (dst, and src when
 * it is a register), r0 (results, stops) and r1-r5 around calls. Loading or storing one that
 * the chunk does not change costs a move and never changes a value, so this is kept simple.
 */
function registersOf(chunk: Chunk, code: Code): number[] {
  const regs = new Set<number>([0]);
  for (const b of chunk.blocks) {
    for (const i of b.slots) {
      const op = code.op[i];
      if (op === OP_BAD || op === OP_FELL_OFF) continue;
      if (code.dst[i] <= 10) regs.add(code.dst[i]);
      if (code.src[i] <= 10) regs.add(code.src[i]);
      if (op === 0x85 || op === 0x8d) for (let r = 1; r <= 5; r++) regs.add(r);
    }
  }
  return [...regs].sort((a, b) => a - b);
}

const SYNC_MARK = '\u0001SYNC\u0001';

/** What the emitters know of slot `i`, `left` instructions before its block's end. */
function siteAt(code: Code, i: number, modern: boolean, left: number, goto: (t: number) => string): Site {
  return {
    i,
    op: code.op[i],
    d: code.dst[i],
    s: code.src[i],
    off: code.off[i],
    imm: code.imm[i],
    imm2: code.imm2[i],
    why: code.why.get(i),
    modern,
    count: left === 0 ? 'n' : `(n-${left})`,
    stop: `${left === 0 ? '' : `n-=${left};`}pc_=${i};st=1;break out;`,
    sync: SYNC_MARK,
    goto,
  };
}

/** The characters an instruction's code takes (about: its jumps as if they left the chunk), for cutting chunks. */
function insnSize(code: Code, i: number, modern: boolean): number {
  const text = emitInsn(siteAt(code, i, modern, 99, (t) => `pc_=${t};st=0;break out;`), code);
  return text.length + (text.split(SYNC_MARK).length - 1) * (SYNC_SIZE - SYNC_MARK.length);
}

/**
 * The body of one block: the limit check, the count, its instructions, the fall-through (no code
 * when control falls into the next case of the switch: `fallsTo`).
 */
function emitBlock(b: Block, code: Code, modern: boolean, goto: (t: number) => string, fallsTo = -1): string {
  let out = `if(n>limit-${b.count}){pc_=${b.start};st=2;break out;}n+=${b.count};`;
  b.slots.forEach((i, k) => {
    out += emitInsn(siteAt(code, i, modern, b.count - 1 - k, goto), code);
  });
  const last = code.op[b.slots[b.slots.length - 1]];
  if (!isJump(last) && last !== 0x85 && last !== 0x8d && last !== 0x95 && last !== OP_BAD && last !== OP_FELL_OFF && b.end !== fallsTo) out += goto(b.end);
  return out;
}

/** The source of one chunk function (a factory taking the runtime). */
function chunkSource(chunk: Chunk, code: Code, modern: boolean, blockIndex: Map<number, number>, stops: ReadonlySet<number> | undefined): string {
  const local = new Map(chunk.blocks.map((b, k) => [b.start, k]));
  const goto = (t: number): string => {
    const k = stops?.has(t) ? undefined : local.get(t);
    return k !== undefined ? `b=${k};continue out;` : `pc_=${t};st=0;break out;`;
  };
  let body = '';
  chunk.blocks.forEach((b, k) => {
    // the next case starts where this block ends (and is no stop): fall into it
    const next = chunk.blocks[k + 1];
    const fallsTo = next !== undefined && next.start === b.end && !stops?.has(b.end) ? b.end : -1;
    body += `case ${k}:{${emitBlock(b, code, modern, goto, fallsTo)}}\n`;
    blockIndex.set(b.start, k);
  });
  const regs = registersOf(chunk, code);
  const sync = regs.map((r) => `L[${r}]=l${r};H[${r}]=h${r};`).join('');
  body = body.split(SYNC_MARK).join(sync);
  const decl = regs.map((r) => `l${r}=L[${r}],h${r}=H[${r}]`).join(',');
  const stack = body.includes('sv.') ? 'sr=rt.stackRegion(cpu,L[10],H[10]),sv=rt.view(sr),cw=cpu.cow' : 'sr=null,sv=null,cw=null';
  return (
    `"use strict";return function chunk(cpu,limit,b){const L=cpu.L,H=cpu.H,host=cpu.host;` +
    `let ${decl ? decl + ',' : ''}n=cpu.executed,t=0,v=0,pc_=0,st=0,${stack};\n` +
    `out:for(;;){switch(b){\n${body}default:throw new Error("compiled code entered at block "+b);}}\n` +
    `${sync}cpu.pc=pc_;cpu.executed=n;return st;}`
  );
}

/** Compiles a program's bytes for one division semantics (and a set of slots control leaves the chunks at). */
export function compile(bytes: Uint8Array, modern: boolean, stops?: ReadonlySet<number>): Compiled {
  const code = decodeCode(0, bytes);
  const sizes = new Int32Array(code.n + 2);
  for (let i = 0; i <= code.n; i++) sizes[i] = insnSize(code, i, modern);
  const max = { count: CHUNK_INSNS, size: CHUNK_SOURCE - FRAME_SIZE };
  const blocks = findBlocks(code, { count: CHUNK_INSNS, size: max.size - BLOCK_SIZE }, (i) => sizes[i], stops);
  const chunks = chunksOf(blocks, max, BLOCK_SIZE);
  const chunkOf = new Int32Array(code.n + 1).fill(-1);
  const blockOf = new Int32Array(code.n + 1).fill(-1);
  const fns: ChunkFn[] = [];
  const sourceSizes: number[] = [];
  chunks.forEach((chunk, c) => {
    const index = new Map<number, number>();
    const src = chunkSource(chunk, code, modern, index, stops);
    sourceSizes.push(src.length);
    for (const [start, k] of index) {
      chunkOf[start] = c;
      blockOf[start] = k;
    }
    const factory = new Function('rt', src) as (r: Runtime) => ChunkFn;
    fns.push(factory(rt));
  });
  return { chunkOf, blockOf, fns, sourceSizes };
}

interface Cached {
  v48?: Compiled;
  modern?: Compiled;
  /** compiled with stops, by semantics and stops ("m:3,17"), the latest few */
  stopped: Map<string, Compiled>;
}
const cache = new WeakMap<Uint8Array, Cached>();
/** sets of breakpoints kept compiled per program (a Continue after a Continue reuses its code) */
const STOPPED_KEPT = 4;

/** The cache key of a set of stops: the same for the same slots in any order. */
const stopsKey = (stops: ReadonlySet<number>): string => [...stops].sort((a, b) => a - b).join(',');

/**
 * The compiled form of a program's bytes (compiled on first use, kept while the bytes live); with
 * `stops`, the form that leaves its chunks at those slots (see compile).
 */
export function compiled(bytes: Uint8Array, modern: boolean, stops?: ReadonlySet<number>): Compiled {
  let e = cache.get(bytes);
  if (e === undefined) cache.set(bytes, (e = { stopped: new Map() }));
  if (stops !== undefined && stops.size > 0) {
    const key = `${modern ? 'm' : '4'}:${stopsKey(stops)}`;
    let c = e.stopped.get(key);
    if (c === undefined) {
      c = compile(bytes, modern, stops);
      if (e.stopped.size >= STOPPED_KEPT) e.stopped.delete(e.stopped.keys().next().value!);
    } else e.stopped.delete(key);
    e.stopped.set(key, c);
    return c;
  }
  if (modern) return (e.modern ??= compile(bytes, true));
  return (e.v48 ??= compile(bytes, false));
}
