/**
 * bpf_tail_call as 4.8's interpreter does it: the index is compared as a 64-bit number with
 * max_entries, then the chain counter (a tail call is refused once it is above
 * MAX_TAIL_CALL_CNT, so at most 33 programs run), which counts the attempt even when the slot
 * turns out to be empty. A refused call falls through to the next instruction; a successful one
 * continues at insn 0 of the target with the same context and stack.
 */
import { MapType, MAX_TAIL_CALL_CNT } from '../../isa';
import type { Effect } from '../types';
import { journal, ret, type HelperImpl } from './env';
import { mapArg } from './maps';

const fallThrough = (why: string): ReturnType<HelperImpl> => {
  const note: Effect = { kind: 'note', text: `tail call fell through: ${why}` };
  // 4.8 leaves r0 as it was; the verifier treats it as unreadable after the call
  return ret(0, [note]);
};

export const tailCall: HelperImpl = (env, _r1, r2, r3) => {
  const map = mapArg(env, r2);
  if (!map || map.mapType !== MapType.ProgArray) return fallThrough('not a prog array');
  const index = BigInt.asUintN(64, r3);
  if (index >= BigInt(map.maxEntries)) return fallThrough(`index ${index} >= max_entries ${map.maxEntries}`);
  const run = env.run;
  if (run.tailCalls > MAX_TAIL_CALL_CNT) return fallThrough(`more than ${MAX_TAIL_CALL_CNT} tail calls`);
  const count = run.tailCalls;
  run.tailCalls = count + 1;
  journal(env, () => {
    run.tailCalls = count;
  });
  const prog = env.kernel.progArrayGet(map, Number(index));
  if (!prog) return fallThrough(`slot ${index} is empty`);
  const from = run.prog;
  run.prog = prog;
  journal(env, () => {
    run.prog = from;
  });
  return { kind: 'tail_call', prog };
};
