/** The verifier's register types at a pc, as the editor shows them inline. */
import type { State } from '../../store/state';
import { typesOf } from '../../lib/pointers';
import { statesAt } from '../../../src/protocol';

/** Register types at pc as one inline hint: "R1=ctx R2=fp-8". */
export function registerHint(s: State, pc: number): string {
  const states = statesAt(s.load?.analysis, pc);
  if (!states?.length) return '';
  const parts: string[] = [];
  for (let r = 0; r <= 10; r++) {
    // live registers only: initialised on every path that reaches this pc
    if (!states.every((st) => st.regs.some((x) => x.reg === r))) continue;
    parts.push(`R${r}=${typesOf(states, r)}`);
  }
  return parts.join(' ');
}
