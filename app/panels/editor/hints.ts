/** The verifier's register types at a pc, as the editor shows them inline. */
import type { AnalysisView } from '../../store/deps';
import { typesOf } from '../../lib/pointers';
import { statesAt } from '../../../src/protocol';

/** Register types in the verifier's states at one pc as one inline hint: "R1=ctx R2=fp-8". */
export function registerHint(analysis: AnalysisView | undefined, pc: number): string {
  const states = statesAt(analysis, pc);
  if (!states?.length) return '';
  const parts: string[] = [];
  for (let r = 0; r <= 10; r++) {
    // live registers only: initialised on every path that reaches this pc
    if (!states.every((st) => st.regs.some((x) => x.reg === r))) continue;
    parts.push(`R${r}=${typesOf(states, r)}`);
  }
  return parts.join(' ');
}
