/**
 * What one verification carries from pass to pass (4.8's bpf_verifier_env): the instructions,
 * the program's type and privilege, the maps the pre-scan resolved, the current state and
 * the log. Checks report a failure through `fail`, which prints the message as 4.8 does and
 * returns the errno; 0 means the check passed.
 */
import { Errno, type RawInsn } from '../isa';
import type { BpfMap } from '../kernel/types';
import type { VerifierLog } from './log';
import { refusal, type MessageArgs, type MessageId, type VerifierRefusal } from './messages';
import type { Recorder } from './record';
import { VState } from './state';

export interface VerifierEnv {
  /** the program's slots, map fds already replaced by map addresses */
  readonly insns: readonly RawInsn[];
  readonly len: number;
  readonly progType: number;
  /** CAP_SYS_ADMIN: 4.8's allow_ptr_leaks */
  readonly allowPtrLeaks: boolean;
  readonly gplCompatible: boolean;
  /** distinct maps in order of first reference */
  readonly maps: BpfMap[];
  /** for each slot holding a map ld_imm64, the index of its map in `maps`; -1 elsewhere */
  readonly mapOf: Int32Array;
  /**
   * The base register type first seen by each LDX (W) and STX slot, for the "same insn
   * cannot be used with different pointers" rule (4.8 keeps it in the insn's imm).
   */
  readonly auxPtrType: Int8Array;
  readonly log: VerifierLog;
  cur: VState;
  /** 4.8's env->id_gen: ids of packet pointers with a variable offset */
  idGen: number;
  /** the slot being checked, for error reports */
  pc: number;
  /** the first refusal printed */
  error: VerifierRefusal | null;
  /** branches pushed and not yet explored, the most recent last (4.8's env->head list) */
  readonly branches: Branch[];
  /** id of the path being explored (for the analysis): 0 first, then one per push */
  path: number;
  pathCount: number;
  readonly rec: Recorder | null;
}

/** An unexplored branch: the state to continue with at `insnIdx`, pushed by the jump at `prevIdx`. */
interface Branch {
  state: VState;
  insnIdx: number;
  prevIdx: number;
  path: number;
}

/** 4.8's BPF_COMPLEXITY_LIMIT_STACK: at most this many branches may wait. */
const BPF_COMPLEXITY_LIMIT_STACK = 1024;

/**
 * push_stack: saves a copy of the current state to be explored later from `insnIdx`, and
 * returns that copy (the caller refines it), or null after printing the too-complex error.
 */
export function pushBranch(env: VerifierEnv, insnIdx: number, prevIdx: number): VState | null {
  const state = env.cur.clone();
  const path = env.pathCount++;
  env.branches.push({ state, insnIdx, prevIdx, path });
  env.rec?.push(path, env.path, prevIdx, insnIdx);
  if (env.branches.length > BPF_COMPLEXITY_LIMIT_STACK) {
    fail(env, Errno.EFAULT, 'too_complex');
    return null;
  }
  return state;
}

/** Prints message `id` of the table with `args`, remembers it as the refusal; returns the errno. */
export function fail<K extends MessageId>(env: VerifierEnv, errno: number, id: K, ...args: MessageArgs<K>): number {
  const r = refusal(id, args, env.pc);
  env.log.write(r.message + '\n');
  if (!env.error) env.error = r;
  return errno;
}

/** A fresh environment for `insns`. */
export function makeEnv(
  init: Pick<VerifierEnv, 'insns' | 'progType' | 'allowPtrLeaks' | 'gplCompatible' | 'maps' | 'mapOf' | 'log' | 'rec'>,
): VerifierEnv {
  const len = init.insns.length;
  return {
    ...init,
    len,
    auxPtrType: new Int8Array(len),
    cur: VState.initial(),
    idGen: 0,
    pc: 0,
    error: null,
    branches: [],
    path: 0,
    pathCount: 1,
  };
}
