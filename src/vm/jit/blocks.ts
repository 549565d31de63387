/**
 * The compiler's view of a program: basic blocks (straight runs of instructions entered only at
 * their first slot) grouped into chunks of consecutive blocks, each chunk becoming one generated
 * function small enough for V8 to optimise.
 *
 * A block starts at a leader: slot 0, a jump or call target, the slot after a jump, call, exit or
 * an instruction that cannot run, and the pseudo-slot one past the end (falling off the program).
 * Instructions that may stop the run in the middle (loads, stores, divisions, LD_ABS) do not end
 * a block: the generated code knows each instruction's position, so it counts exactly.
 */
import { OP_BAD, OP_FELL_OFF, type Code } from '../code';

/** One basic block: slots [start, end), `count` instructions (an ld_imm64 is one in two slots). */
export interface Block {
  start: number;
  end: number;
  count: number;
  /** characters of its generated code (as the compiler estimates them) */
  size: number;
  /** the slot of each instruction, in order */
  slots: number[];
}

/** Consecutive blocks compiled into one function. */
export interface Chunk {
  blocks: Block[];
}

const isCall = (op: number): boolean => op === 0x85 || op === 0x8d;
const isExit = (op: number): boolean => op === 0x95;
const isBad = (op: number): boolean => op === OP_BAD || op === OP_FELL_OFF;

/** The jumps the interpreter runs: ja, ja32 and the conditional jumps of JMP and JMP32. */
const JUMPS = new Set<number>([0x05, 0x06]);
for (const hi of [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0]) {
  for (const lo of [0x05, 0x0d, 0x06, 0x0e]) JUMPS.add(hi | lo);
}

/** Whether `op` (a pre-decoded opcode) is a jump, conditional or not. */
export const isJump = (op: number): boolean => JUMPS.has(op);

/** The slot a jump at `i` goes to when taken. */
export function jumpTarget(code: Code, i: number): number {
  return code.op[i] === 0x06 ? i + 1 + code.imm[i] : i + 1 + code.off[i];
}

/** Whether control never falls from `op` into the next slot inside the same block. */
const endsBlock = (op: number): boolean => isJump(op) || isCall(op) || isExit(op) || isBad(op);

/** The slots where blocks start; `stops` (breakpoints) start blocks of their own too. */
function leaders(code: Code, stops?: ReadonlySet<number>): Uint8Array {
  const n = code.n;
  const lead = new Uint8Array(n + 1);
  lead[0] = 1;
  lead[n] = 1;
  const op = code.op;
  for (let i = 0; i < n; i++) {
    const o = op[i];
    if (isJump(o)) {
      lead[jumpTarget(code, i)] = 1;
      lead[i + 1] = 1;
    } else if (o === 0x85 && code.src[i] === 1) {
      lead[i + 1 + code.imm[i]] = 1;
      lead[i + 1] = 1;
    } else if (endsBlock(o)) {
      lead[i + 1] = 1;
    }
  }
  if (stops !== undefined) {
    // only where an instruction starts (never the second half of an ld_imm64)
    for (let i = 0; i < n; i += op[i] === 0x18 ? 2 : 1) if (stops.has(i)) lead[i] = 1;
  }
  return lead;
}

/**
 * Splits the program into blocks (a stop always starts one) of at most `max.count` instructions
 * and `max.size` characters of generated code, `sizeOf(slot)` an instruction's: a straight run
 * longer than that is cut into pieces, each a block (control falls from one into the next).
 */
export function findBlocks(code: Code, max: { count: number; size: number }, sizeOf: (slot: number) => number, stops?: ReadonlySet<number>): Block[] {
  const lead = leaders(code, stops);
  const n = code.n;
  const blocks: Block[] = [];
  for (let start = 0; start <= n; start++) {
    if (!lead[start]) continue;
    const slots: number[] = [];
    let size = 0;
    let p = start;
    for (;;) {
      slots.push(p);
      size += sizeOf(p);
      const o = code.op[p];
      const next = o === 0x18 ? p + 2 : p + 1;
      if (endsBlock(o) || next > n || lead[next] || slots.length >= max.count || size + sizeOf(next) > max.size) {
        blocks.push({ start, end: next, count: slots.length, size, slots });
        // a block cut for length continues in a new block: make its first slot a leader
        if (!endsBlock(o) && next <= n) lead[next] = 1;
        break;
      }
      p = next;
    }
  }
  return blocks;
}

/**
 * Groups blocks (in slot order) into chunks of at most `max.count` instructions and `max.size`
 * characters each, a block counting `b.size` and `blockSize` for its own code.
 */
export function chunksOf(blocks: Block[], max: { count: number; size: number }, blockSize: number): Chunk[] {
  const chunks: Chunk[] = [];
  let cur: Block[] = [];
  let count = 0;
  let size = 0;
  for (const b of blocks) {
    const bytes = b.size + blockSize;
    if (cur.length > 0 && (count + b.count > max.count || size + bytes > max.size)) {
      chunks.push({ blocks: cur });
      cur = [];
      count = 0;
      size = 0;
    }
    cur.push(b);
    count += b.count;
    size += bytes;
  }
  if (cur.length > 0) chunks.push({ blocks: cur });
  return chunks;
}
