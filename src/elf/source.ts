/**
 * A program read from an object as editor text: its directives, its maps, then one instruction
 * a line in the LLVM or ubpf syntax (src/asm's disassembler), with a label line before every
 * jump target and jumps written to those labels. Assembling the text gives the program back.
 *
 * Not here: comments from the C source (objects built without -g carry none).
 */
import { disassemble, escapeText, isSafeText } from '../asm';
import { MAP_TYPE_NAMES, MapType, PROG_TYPE_NAMES, bytesToHex } from '../isa';
import type { MapDecl, Program } from '../program';

/** The assembler syntax of the text. */
export type SourceSyntax = 'llvm' | 'ubpf';

/** `4.8.0` for KERNEL_VERSION(4, 8, 0); hex when it does not look like one. */
function kernVersionText(v: number): string {
  return v >>> 24 === 0 ? `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}` : `0x${v.toString(16)}`;
}

function mapLines(m: MapDecl): string[] {
  // a type Linux 4.8 does not know (0 included) is written as its number, which the assembler takes
  const type = m.type !== MapType.Unspec && MAP_TYPE_NAMES[m.type] ? MAP_TYPE_NAMES[m.type] : String(m.type);
  const flags = m.flags ? ` flags=${m.flags}` : '';
  const out = [`.map ${m.name} ${type} key=${m.keySize} value=${m.valueSize} entries=${m.maxEntries}${flags}`];
  for (const e of m.entries ?? []) out.push(`.entry ${m.name} key=${bytesToHex(e.key)} value=${bytesToHex(e.value)}`);
  return out;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A `.name` argument: bare when an identifier, else quoted (escaped if it is not plain text). */
function nameText(name: string): string {
  if (IDENT.test(name)) return name;
  return `"${isSafeText(name) ? name.replace(/"/g, '\\x22') : escapeText(name).replace(/"/g, '\\x22')}"`;
}

function directiveLines(p: Program): string[] {
  const d = p.directives;
  const out: string[] = [];
  if (d.name !== undefined) out.push(`.name ${nameText(d.name)}`);
  if (d.progType !== undefined) out.push(`.type ${PROG_TYPE_NAMES[d.progType] ?? d.progType}`);
  if (d.license !== undefined) out.push(`.license "${d.license}"`);
  if (d.kernVersion !== undefined) out.push(`.kern_version ${kernVersionText(d.kernVersion)}`);
  return out;
}

/**
 * Slot -> label for every jump target: the program's own labels first, `L<slot>` otherwise. Only
 * slots a label line can stand before get one: the start of an instruction, or (for the
 * program's own labels) the end; a jump anywhere else keeps its offset.
 */
function jumpLabels(p: Program): Map<number, string> {
  const starts = new Set(p.pcs);
  const end = p.bytes.length >> 3;
  const bySlot = new Map<number, string>();
  for (const [name, slot] of [...p.labels].sort((a, b) => a[1] - b[1])) {
    if ((starts.has(slot) || slot === end) && !bySlot.has(slot)) bySlot.set(slot, name);
  }
  const taken = new Set(p.labels.keys());
  p.insns.forEach((insn, i) => {
    if ((insn.kind !== 'ja' || insn.long) && insn.kind !== 'jcond') return;
    const target = p.pcs[i] + 1 + insn.off;
    if (bySlot.has(target) || !starts.has(target)) return;
    let name = `L${target}`;
    while (taken.has(name)) name += '_';
    taken.add(name);
    bySlot.set(target, name);
  });
  return bySlot;
}

/** The program as text the editor opens and the assembler turns back into the same program. */
export function programSource(p: Program, syntax: SourceSyntax, header: readonly string[] = []): string {
  const labels = jumpLabels(p);
  const text = disassemble(p.bytes, syntax, { mapRefs: p.mapRefs, helperNames: syntax === 'llvm', labels });
  const lines = [...header.map((h) => `; ${escapeText(h)}`), ...directiveLines(p), ...p.maps.flatMap(mapLines), ''];
  text.forEach((t, i) => {
    const label = labels.get(p.pcs[i]);
    if (label !== undefined) lines.push(`${label}:`);
    lines.push(`    ${t}`);
  });
  const last = labels.get(p.bytes.length >> 3);
  if (last !== undefined) lines.push(`${last}:`);
  return `${lines.join('\n')}\n`;
}
