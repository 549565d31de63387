/**
 * What the verifier's types in the panels mean when they are not one type: at an instruction
 * reached on several paths, the register (or stack byte) may hold a different type on each,
 * and the panels join them with "|".
 */

/** Words for one type alternative: "?" is nothing written on that path. */
const word = (t: string): string => (t === '?' ? 'nothing written (?)' : t);

/** The explanation of a joined type such as "imm1 | ?". */
export function mergedTypeNote(joined: string): string {
  const alts = joined.split(' | ');
  const list = alts.length === 2 ? `${word(alts[0])} on one, ${word(alts[1])} on another` : alts.map(word).join('; ');
  const unset = alts.includes('?')
    ? ' Reading a register that holds nothing on any of them is refused (R!read_ok), even if the run you are looking at wrote it.'
    : '';
  return `"${joined}": ${alts.length} paths of the verifier reach this instruction with different types (${list}). It checks the instruction once for each, so it must be valid with every one of them.${unset}`;
}
