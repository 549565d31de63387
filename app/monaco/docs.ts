/**
 * What the editor's hovers say about the words of eBPF assembly in both syntaxes: registers,
 * ubpf mnemonics, the kernel syntax's keywords and operators, directives. Helper docs come from
 * src/isa's HELPERS (the header's text and 4.8's prototypes).
 */
import { MAP_TYPE_NAMES, PROG_TYPE_NAMES, type HelperProto } from '../../src/isa';
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

const alu = (op: string, what: string): [string, string][] => [
  [op, `64-bit ALU: dst ${what} src (register or 32-bit immediate, sign-extended).`],
  [`${op}32`, `32-bit ALU: the low halves, dst ${what} src; the result is zero-extended to 64 bits.`],
];

/** ubpf mnemonics (the conformance suites' syntax). */
export const MNEMONIC_DOCS: Record<string, string> = Object.fromEntries([
  ...alu('add', '+='), ...alu('sub', '-='), ...alu('mul', '*='), ...alu('div', '/= (unsigned; by a zero register: 4.8 ends with r0 = 0)'),
  ...alu('or', '|='), ...alu('and', '&='), ...alu('lsh', '<<='), ...alu('rsh', '>>= (logical)'), ...alu('mod', '%= (unsigned)'),
  ...alu('xor', '^='), ...alu('mov', '='), ...alu('arsh', '>>= (arithmetic, sign-filling)'),
  ['neg', 'dst = -dst (64-bit).'], ['neg32', 'dst = -dst on the low 32 bits, zero-extended.'],
  ['le16', 'Converts the low 16 bits from little-endian to host order (a no-op on x86, but it truncates).'],
  ['le32', 'Converts the low 32 bits from little-endian to host order (truncates).'], ['le64', 'Little-endian to host, 64 bits.'],
  ['be16', 'Byte-swaps the low 16 bits (network to host order on x86) and zero-extends.'],
  ['be32', 'Byte-swaps the low 32 bits and zero-extends.'], ['be64', 'Byte-swaps all 64 bits.'],
  ['lddw', 'Loads a 64-bit immediate (two instruction slots). With a map name, loads the map pointer.'],
  ['ldxb', 'Loads 1 byte from [src+off], zero-extended.'], ['ldxh', 'Loads 2 bytes from [src+off].'],
  ['ldxw', 'Loads 4 bytes from [src+off].'], ['ldxdw', 'Loads 8 bytes from [src+off].'],
  ['stb', 'Stores the immediate as 1 byte at [dst+off].'], ['sth', 'Stores 2 bytes of the immediate.'],
  ['stw', 'Stores 4 bytes of the immediate.'], ['stdw', 'Stores the sign-extended immediate as 8 bytes.'],
  ['stxb', 'Stores the low byte of src at [dst+off].'], ['stxh', 'Stores 2 bytes of src.'], ['stxw', 'Stores 4 bytes of src.'], ['stxdw', 'Stores 8 bytes of src.'],
  ['ldabsb', 'LD_ABS: r0 = packet byte at imm (needs the skb in r6). Out of bounds ends the program with r0 = 0.'],
  ['ldabsh', 'LD_ABS: r0 = big-endian 16 bits of the packet at imm.'], ['ldabsw', 'LD_ABS: r0 = big-endian 32 bits of the packet at imm.'],
  ['ldindb', 'LD_IND: r0 = packet byte at src + imm.'], ['ldindh', 'LD_IND: big-endian 16 bits at src + imm.'], ['ldindw', 'LD_IND: big-endian 32 bits at src + imm.'],
  ['ja', 'Jumps always: to pc + 1 + off, or a label.'],
  ['jeq', 'Jumps if dst == src.'], ['jne', 'Jumps if dst != src.'], ['jgt', 'Jumps if dst > src (unsigned).'], ['jge', 'Jumps if dst >= src (unsigned).'],
  ['jset', 'Jumps if dst & src is not zero.'], ['jsgt', 'Jumps if dst > src (signed).'], ['jsge', 'Jumps if dst >= src (signed).'],
  ['jlt', 'Jumps if dst < src (unsigned). Not in Linux 4.8 (4.14+).'], ['jle', 'Jumps if dst <= src (unsigned). Not in 4.8.'],
  ['jslt', 'Jumps if dst < src (signed). Not in 4.8.'], ['jsle', 'Jumps if dst <= src (signed). Not in 4.8.'],
  ['call', 'Calls a helper function by id or name: arguments in r1-r5, result in r0; r1-r5 are clobbered.'],
  ['exit', 'Ends the program; r0 is its return value.'],
  ['lock', 'An atomic operation on memory: `lock *(u64 *)(r1 +0) += r2` (XADD).'],
]);

/** Keywords of the kernel/LLVM syntax. */
export const KEYWORD_DOCS: Record<string, string> = {
  if: 'Conditional jump: `if r1 > 5 goto +2` or `goto LABEL`. Comparisons: == != > >= (unsigned) s> s>= (signed) & (jset).',
  goto: 'Jump: `goto +N` to pc + 1 + N, or to a label.',
  call: MNEMONIC_DOCS.call,
  exit: MNEMONIC_DOCS.exit,
  lock: MNEMONIC_DOCS.lock,
  ll: 'Marks a 64-bit immediate load (ld_imm64, two slots): `r1 = 0x1234567890 ll`, `r1 = map[NAME] ll`.',
  map: 'A map reference: `r1 = map[NAME] ll` loads the pointer of the map declared with `.map NAME ...`.',
  skb: 'LD_ABS/LD_IND: `r0 = *(u16 *)skb[12]` reads the packet of the skb in r6, big-endian.',
  u8: 'Access size: 1 byte.', u16: 'Access size: 2 bytes.', u32: 'Access size: 4 bytes.', u64: 'Access size: 8 bytes.',
  be16: MNEMONIC_DOCS.be16, be32: MNEMONIC_DOCS.be32, be64: MNEMONIC_DOCS.be64, le16: MNEMONIC_DOCS.le16, le32: MNEMONIC_DOCS.le32, le64: MNEMONIC_DOCS.le64,
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
