/**
 * What the editor's hovers say about the words of eBPF assembly in both syntaxes: registers,
 * ubpf mnemonics (from the assembler's table), the kernel syntax's keywords and operators, directives. Helper docs come from
 * src/isa's HELPERS (the header's text and 4.8's prototypes).
 */
import { MAP_TYPE_NAMES, PROG_TYPE_NAMES, mnemonicDoc, type HelperProto } from '../../src/isa';
import type { ProgTypeInfo } from '../../src/protocol';

export const REGISTER_DOCS: string[] = [
  'r0: return value of helper calls and of the program (exit returns r0).',
  'r1: first argument of helper calls; holds the context pointer when the program starts. Clobbered by calls.',
  'r2: second argument of helper calls. Clobbered by calls.',
  'r3: third argument of helper calls. Clobbered by calls.',
  'r4: fourth argument of helper calls. Clobbered by calls.',
  'r5: fifth argument of helper calls. Clobbered by calls.',
  'r6: callee-saved: survives helper calls. LD_ABS/LD_IND expect the skb context here.',
  'r7: callee-saved: survives helper calls.',
  'r8: callee-saved: survives helper calls.',
  'r9: callee-saved: survives helper calls.',
  'r10: frame pointer, read-only: the top of the 512-byte stack (use r10 - 1 .. r10 - 512).',
];

/** The hover text of a ubpf mnemonic, from the assembler's own table (src/isa/mnemonics.ts). */
export function mnemonicMarkdown(name: string): string | undefined {
  const d = mnemonicDoc(name);
  if (!d) return undefined;
  const since = d.since ? ` *Not in Linux 4.8: ${d.since}.*` : '';
  return `**${name}** \`${d.operands}\` — ${d.text}${since}\n\nKernel syntax: \`${d.llvm}\``;
}

const CALL_DOC = 'Calls a helper function by id or name: arguments in r1-r5, result in r0; r1-r5 are clobbered.';
const EXIT_DOC = 'Ends the program; r0 is its return value.';
const LOCK_DOC = 'An atomic operation on memory: `lock *(u64 *)(r1 +0) += r2` (XADD), `lock add [r1+0], r2` in ubpf syntax.';

const byteOrder = (w: string) => `\`r0 = ${w} r0\`: ${mnemonicDoc(w)!.text}`;

/** Keywords of the kernel/LLVM syntax. */
export const KEYWORD_DOCS: Record<string, string> = {
  if: 'Conditional jump: `if r1 > 5 goto +2` or `goto LABEL`. Comparisons: == != > >= (unsigned) s> s>= (signed) & (jset).',
  goto: 'Jump: `goto +N` to pc + 1 + N, or to a label.',
  call: CALL_DOC,
  callx: 'Calls the function whose address is in a register (beyond Linux 4.8).',
  exit: EXIT_DOC,
  lock: LOCK_DOC,
  ll: 'Marks a 64-bit immediate load (ld_imm64, two slots): `r1 = 0x1234567890 ll`, `r1 = map[NAME] ll`.',
  map: 'A map reference: `r1 = map[NAME] ll` loads the pointer of the map declared with `.map NAME ...`.',
  skb: 'LD_ABS/LD_IND: `r0 = *(u16 *)skb[12]` reads the packet of the skb in r6, big-endian.',
  u8: 'Access size: 1 byte.', u16: 'Access size: 2 bytes.', u32: 'Access size: 4 bytes.', u64: 'Access size: 8 bytes.',
  s8: 'Signed access or extension: 1 byte (beyond Linux 4.8).', s16: 'Signed: 2 bytes (beyond Linux 4.8).', s32: 'Signed: 4 bytes (beyond Linux 4.8).',
  be16: byteOrder('be16'), be32: byteOrder('be32'), be64: byteOrder('be64'), le16: byteOrder('le16'), le32: byteOrder('le32'), le64: byteOrder('le64'),
  bswap16: byteOrder('bswap16'), bswap32: byteOrder('bswap32'), bswap64: byteOrder('bswap64'),
  gotol: 'Jump with a 32-bit offset: `gotol +N` (beyond Linux 4.8).',
};

export const DIRECTIVE_DOCS: Record<string, string> = {
  '.map': `Declares a map: \`.map NAME TYPE key=K value=V entries=N [flags=F]\`. Types: ${Object.values(MAP_TYPE_NAMES).slice(1).join(', ')}.`,
  '.type': `The program type: \`.type sched_cls\`. Types: ${Object.values(PROG_TYPE_NAMES).slice(1).join(', ')}.`,
  '.license': 'The license: `.license "GPL"`. GPL-only helpers need a GPL-compatible license.',
  '.kern_version': 'kern_version for kprobes: must be LINUX_VERSION_CODE, 264192 (0x040800) for 4.8.0.',
  '.name': "The program's name, as bpftool shows it.",
  '.entry': 'An initial map entry: `.entry NAME key=HEXBYTES value=HEXBYTES` (memory order, exactly the key and value sizes).',
  '.raw': 'Instruction slots verbatim: `.raw b700000001000000` (16 hex digits a slot, in memory order).',
};

/** Operators of the kernel syntax, longest first. */
export const OPERATOR_DOCS: [string, string][] = [
  ['s>>=', 'Arithmetic right shift (sign-filling).'],
  ['<<=', 'Left shift.'], ['>>=', 'Logical right shift.'],
  ['s>=', 'Signed >= (jsge).'], ['s>', 'Signed > (jsgt).'],
  ['+=', 'Add.'], ['-=', 'Subtract.'], ['*=', 'Multiply.'], ['/=', 'Unsigned divide (by a zero register: 4.8 ends with r0 = 0).'],
  ['%=', 'Unsigned modulo.'], ['|=', 'Or.'], ['&=', 'And.'], ['^=', 'Xor.'],
  ['==', 'Jump if equal (jeq).'], ['!=', 'Jump if not equal (jne).'], ['>=', 'Unsigned >= (jge).'], ['>', 'Unsigned > (jgt).'],
  ['&', 'Jump if the AND is not zero (jset).'], ['=', 'Move (mov), load or store.'],
];

/**
 * Markdown for a helper's hover and completion documentation; which program types offer it is
 * the kernel's word (`types`, from the engine's hello).
 */
export function helperMarkdown(h: HelperProto, types: readonly ProgTypeInfo[]): string {
  const offering = types.filter((t) => t.helpers.includes(h.id));
  const names = offering.map((t) => t.name).join(', ') || 'none';
  // types a loader without CAP_SYS_ADMIN may load, but which offer the helper only with it
  const privileged = offering.filter((t) => t.unprivilegedHelpers && !t.unprivilegedHelpers.includes(h.id)).map((t) => `${t.title}s`);
  const notes = [h.gplOnly ? 'GPL only' : '', privileged.length ? `${privileged.join(', ')} need CAP_SYS_ADMIN` : '', h.notInSeed ? 'not in the seed header' : '']
    .filter(Boolean)
    .join('; ');
  return [
    '```c\n' + h.signature + '\n```',
    h.doc,
    `**id** ${h.id} · **program types:** ${names}${notes ? ` · ${notes}` : ''}`,
  ].join('\n\n');
}
