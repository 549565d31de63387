/**
 * The CFG check (4.8's check_cfg): an iterative depth-first search from slot 0 that refuses
 * jumps out of range, any back-edge (4.8 has no loops) and unreachable slots, in the order the
 * kernel's search meets them, and marks the pruning points: the target of every conditional
 * jump and the slot after every call and every ja.
 * Edges follow the opcode class only, as in 4.8: every non-JMP slot (both halves of an
 * ld_imm64, garbage, class 6) falls through; JMP ops other than ja/call/exit have two edges.
 */
import { Class, Errno, JmpOp, Src, type RawInsn } from '../isa';
import { refusal, type VerifierRefusal } from './messages';

interface CfgError {
  errno: number;
  /** the message of the table; ja_x_bit is 4.8's silent EINVAL */
  refusal: VerifierRefusal;
}

const DISCOVERED = 0x10;
const EXPLORED = 0x20;
const FALLTHROUGH = 1;
const BRANCH = 2;

/** Result of the search: the pruning points, or the first failure. */
type CfgResult = { ok: true; pruningPoints: Uint8Array } | ({ ok: false } & CfgError);

/** Runs the search. */
export function checkCfg(insns: readonly RawInsn[]): CfgResult {
  const n = insns.length;
  const state = new Uint8Array(n);
  const stack = new Int32Array(n);
  const mark = new Uint8Array(n);
  let sp = 0;
  let err: CfgError | null = null;

  /** push_insn: 1 = descended into w, 0 = edge done, -1 = error (in `err`) */
  const pushEdge = (t: number, w: number, e: number): number => {
    if (e === FALLTHROUGH && state[t] >= (DISCOVERED | FALLTHROUGH)) return 0;
    if (e === BRANCH && state[t] >= (DISCOVERED | BRANCH)) return 0;
    if (w < 0 || w >= n) {
      err = { errno: Errno.EINVAL, refusal: refusal('jump_out_of_range', [t, w], t) };
      return -1;
    }
    if (e === BRANCH) mark[w] = 1;
    if (state[w] === 0) {
      state[t] = DISCOVERED | e;
      state[w] = DISCOVERED;
      stack[sp++] = w;
      return 1;
    }
    if ((state[w] & 0xf0) === DISCOVERED) {
      err = { errno: Errno.EINVAL, refusal: refusal('back_edge', [t, w], t) };
      return -1;
    }
    state[t] = DISCOVERED | e; // forward or cross edge to an explored slot
    return 0;
  };

  state[0] = DISCOVERED;
  stack[sp++] = 0;
  while (sp > 0) {
    const t = stack[sp - 1];
    const insn = insns[t];
    let r = 0;
    if ((insn.code & 0x07) === Class.JMP) {
      const op = insn.code & 0xf0;
      if (op === JmpOp.EXIT) {
        r = 0;
      } else if (op === JmpOp.CALL || op === JmpOp.JA) {
        if (op === JmpOp.JA && (insn.code & Src.X) !== 0) return { ok: false, errno: Errno.EINVAL, refusal: refusal('ja_x_bit', [t], t) };
        r = pushEdge(t, op === JmpOp.JA ? t + insn.off + 1 : t + 1, FALLTHROUGH);
        // the slot after a call or a ja is where a path may be pruned
        if (r === 0 && t + 1 < n) mark[t + 1] = 1;
      } else {
        r = pushEdge(t, t + 1, FALLTHROUGH);
        if (r === 0) r = pushEdge(t, t + insn.off + 1, BRANCH);
      }
    } else {
      r = pushEdge(t, t + 1, FALLTHROUGH);
    }
    if (r < 0) return { ok: false, ...(err as unknown as CfgError) };
    if (r === 1) continue;
    state[t] = EXPLORED;
    sp--;
  }
  for (let i = 0; i < n; i++) {
    if (state[i] !== EXPLORED) return { ok: false, errno: Errno.EINVAL, refusal: refusal('unreachable_insn', [i], i) };
  }
  return { ok: true, pruningPoints: mark };
}
