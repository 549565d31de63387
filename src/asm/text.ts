/**
 * Strings that come from bytes (an object's section names, a license) and land in editor text or
 * on screen: which ones are safe to show as they are, and an escaped spelling for the rest, so
 * that a control character never becomes a line of code and a bidi override never makes the
 * text read differently from what runs ("Trojan Source").
 */

/** C0 controls, DEL, C1 controls, line and paragraph separators, bidi embeddings/overrides/isolates and marks. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/;

/** Whether `s` can be shown (and put in a comment or a quoted directive) as it is. */
export const isSafeText = (s: string): boolean => !UNSAFE.test(s);

/** `s` with every character outside printable ASCII written as `\xNN` or `\u{N}` (and `\` as `\\`). */
export function escapeText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x100) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += `\\u{${c.toString(16)}}`;
  }
  return out;
}
