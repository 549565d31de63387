/**
 * How the lesson files write a lesson: the program text as written there (its explanation in
 * comments at the top), with the "try next" suggestions appended as comments so that the source
 * stands on its own in the editor or a file. Also small builders for inputs.
 */
import { PT_REGS, bytesToHex, fieldNamed } from '../isa';
import type { Lesson } from './types';

/** Wraps `text` into `; ` comment lines of at most `width` characters. */
function commentLines(text: string, width = 96): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** A lesson whose source is `body` (trimmed of the template's indentation) and its try-next list. */
export function lesson(l: Omit<Lesson, 'source'> & { body: string }): Lesson {
  const { body, ...rest } = l;
  const lines = body.replace(/^\n+|\s+$/g, '').split('\n');
  const indent = Math.min(...lines.filter((x) => x.trim()).map((x) => x.match(/^ */)![0].length));
  const text = lines.map((x) => x.slice(indent)).join('\n');
  const next = l.tryNext.flatMap((t) => commentLines(t).map((c, i) => `;${i ? '   ' : ' - '}${c}`));
  return { ...rest, source: `${text}\n\n; Try next:\n${next.join('\n')}\n` };
}

/** A `struct pt_regs` (x86-64) as ctx hex: the named registers set, the others 0. */
export function ptRegs(regs: Record<string, bigint>): string {
  const bytes = new Uint8Array(PT_REGS.size);
  for (const [name, v] of Object.entries(regs)) {
    const f = fieldNamed(PT_REGS, name);
    for (let i = 0; i < 8; i++) bytes[f.offset + i] = Number((BigInt.asUintN(64, v) >> BigInt(8 * i)) & 0xffn);
  }
  return bytesToHex(bytes);
}
