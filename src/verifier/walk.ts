/**
 * The path walk (4.8's do_check): follows the program from slot 0, fall-through first, with
 * the taken side of each evaluated branch pushed for later (LIFO). Each visit counts towards
 * the 65536 limit, may be pruned at a pruning point when a remembered state covers it, is
 * printed, then checked and applied. A path ends at exit or when pruned; the next pushed branch
 * continues, announced by `from P to I:` and its state.
 */
import { kernelInsnText } from '../asm';
import { Class, Errno, JmpOp, Mode, Src, type RawInsn } from '../isa';
import { checkAlu } from './alu';
import { checkCall } from './call';
import { fail, type VerifierEnv } from './env';
import { checkCondJmp } from './jmp';
import { checkLdAbs, checkLdImm, checkLdx, checkSt, checkStx } from './ldst';
import { isPointerValue } from './mem';
import { stateLine } from './print';
import { IndexedStates, ScanStates, type ExploredStates } from './prune';
import { checkRegRead } from './regcheck';

/** 4.8's BPF_COMPLEXITY_LIMIT_INSNS */
const BPF_COMPLEXITY_LIMIT_INSNS = 65536;

/** What the walk did: the errno (0: accepted) and the number of visits. */
interface WalkResult {
  errno: number;
  processed: number;
}

/** Runs the walk over a program that passed the pre-scan and the CFG check. */
export function doCheck(env: VerifierEnv, pruningPoints: Uint8Array, pruning: 'index' | 'scan' = 'index'): WalkResult {
  const explored: (ExploredStates | null)[] = new Array(env.len);
  for (let i = 0; i < env.len; i++) explored[i] = pruningPoints[i] ? (pruning === 'scan' ? new ScanStates() : new IndexedStates()) : null;
  const log = env.log;
  const rec = env.rec;
  const next = { idx: 0 };
  // an instruction prints the same on every visit: its text once per slot
  const text: (string | undefined)[] = new Array(env.len);
  let idx = 0;
  let prev = 0;
  let processed = 0;
  let afterPop = false;
  for (;;) {
    env.pc = idx;
    if (idx >= env.len) return { errno: fail(env, Errno.EFAULT, 'insn_idx_invalid', idx, env.len), processed };
    if (++processed > BPF_COMPLEXITY_LIMIT_INSNS) {
      return { errno: fail(env, Errno.E2BIG, 'too_large', processed), processed };
    }
    const visit = rec ? rec.visit(idx, env.path, env.cur) : -1;
    let ended = false;
    const list = explored[idx];
    if (list) {
      const by = list.find(env.cur);
      if (by >= 0) {
        log.write(afterPop ? `\nfrom ${prev} to ${idx}: safe\n` : `${idx}: safe\n`);
        if (rec) {
          rec.prunedBy.set(visit, list.visitOf(by));
          rec.end(env.path, 'pruned');
        }
        ended = true;
      } else {
        list.add(env.cur, visit);
        rec?.remembered.add(visit);
      }
    }
    if (!ended) {
      if (log.writable) {
        if (afterPop) log.write(`\nfrom ${prev} to ${idx}:${stateLine(env.maps, env.cur)}\n`);
        else if (log.level === 2) log.write(`${idx}:${stateLine(env.maps, env.cur)}\n`);
        log.write(`${idx}: ${(text[idx] ??= kernelInsnText(env.insns[idx]))}\n`);
      }
      afterPop = false;
      const err = step(env, env.insns[idx], idx, next);
      if (err) {
        rec?.end(env.path, 'error');
        return { errno: err, processed };
      }
      if (next.idx >= 0) {
        idx = next.idx;
        continue;
      }
      rec?.end(env.path, 'exit');
    }
    const b = env.branches.pop();
    if (!b) break;
    env.cur = b.state;
    env.path = b.path;
    idx = b.insnIdx;
    prev = b.prevIdx;
    afterPop = true;
  }
  log.write(`processed ${processed} insns\n`);
  return { errno: 0, processed };
}

/**
 * Checks and applies one instruction. Sets `next.idx` to the slot to continue with, or -1 at
 * an exit; returns 0 or the errno (the message is already printed).
 */
function step(env: VerifierEnv, insn: RawInsn, idx: number, next: { idx: number }): number {
  const cls = insn.code & 0x07;
  next.idx = idx + 1;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return checkAlu(env, insn);
    case Class.LDX:
      return checkLdx(env, insn, idx);
    case Class.STX:
      return checkStx(env, insn, idx);
    case Class.ST:
      return checkSt(env, insn);
    case Class.LD: {
      const mode = insn.code & 0xe0;
      if (mode === Mode.ABS || mode === Mode.IND) return checkLdAbs(env, insn);
      if (mode === Mode.IMM) {
        next.idx = idx + 2;
        return checkLdImm(env, insn, idx);
      }
      return fail(env, Errno.EINVAL, 'ld_mode_invalid');
    }
    case Class.JMP:
      return checkJmp(env, insn, idx, next);
    default:
      return fail(env, Errno.EINVAL, 'insn_class_unknown', cls);
  }
}

function checkJmp(env: VerifierEnv, insn: RawInsn, idx: number, next: { idx: number }): number {
  const op = insn.code & 0xf0;
  const useX = (insn.code & Src.X) !== 0;
  if (op === JmpOp.CALL) {
    if (useX || insn.off !== 0 || insn.src !== 0 || insn.dst !== 0) return fail(env, Errno.EINVAL, 'call_reserved');
    return checkCall(env, insn.imm);
  }
  if (op === JmpOp.JA) {
    if (useX || insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0) return fail(env, Errno.EINVAL, 'ja_reserved');
    next.idx = idx + insn.off + 1;
    return 0;
  }
  if (op === JmpOp.EXIT) {
    if (useX || insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0) return fail(env, Errno.EINVAL, 'exit_reserved');
    const e = checkRegRead(env, 0);
    if (e) return e;
    if (isPointerValue(env, 0)) return fail(env, Errno.EACCES, 'leak_as_return');
    next.idx = -1;
    return 0;
  }
  const e = checkCondJmp(env, insn, idx, next);
  next.idx += 1;
  return e;
}
