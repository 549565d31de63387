/**
 * An object's programs as one tail-call set, wired as the loaders of Linux 4.8's day wired them
 * by section name:
 *
 * - iproute2 (tc): a section `ID/KEY` goes into slot KEY of the prog_array whose struct
 *   bpf_elf_map has `id` ID (`__section_tail(ID, KEY)`);
 * - samples/bpf's bpf_load.c: `socket/N`, `kprobe/N` and `kretprobe/N` go into slot N of the
 *   object's first map (its `map_fd[0]`), which must be a prog_array.
 *
 * The first program is the entry point the editor takes; the others load beside it with its type.
 */
import { escapeText } from '../asm';
import { programSource, type BpfObject, type ObjectProgram } from '../elf';
import { MapType, PROG_TYPE_NAMES } from '../isa';
import type { ObjectSetView } from '../protocol';

const IPROUTE2_TAIL = /^(\d+)\/(\d+)$/;
const BPF_LOAD_TAIL = /^(?:socket|kprobe|kretprobe)\/(\d+)$/;

/** The prog_array slot a section names, or null; a string says why the named map does not fit. */
function slotOf(o: BpfObject, section: string): { map: string; index: number } | string | null {
  const tc = IPROUTE2_TAIL.exec(section);
  if (tc) {
    const id = Number(tc[1]);
    const name = [...o.elfMapIds].find(([, v]) => v === id)?.[0];
    const m = o.maps.find((x) => x.name === name);
    if (!m) return `no map has bpf_elf_map id ${id}`;
    if (m.type !== MapType.ProgArray) return `map ${m.name} (id ${id}) is not a prog_array`;
    return { map: m.name, index: Number(tc[2]) };
  }
  const samples = BPF_LOAD_TAIL.exec(section);
  if (samples) {
    const first = o.maps[0];
    if (!first || first.type !== MapType.ProgArray) return `the object's first map is not a prog_array`;
    return { map: first.name, index: Number(samples[1]) };
  }
  return null;
}

/** A name for each program unique in the set: its function's, else its section's. */
function names(programs: readonly ObjectProgram[]): string[] {
  const seen = new Set<string>();
  return programs.map((p) => {
    const n = seen.has(p.name) ? p.section : p.name;
    seen.add(n);
    return escapeText(n);
  });
}

/** The object's tail-call set, or undefined when no section names a slot of another program. */
export function objectSet(o: BpfObject, syntax: 'llvm' | 'ubpf'): ObjectSetView | undefined {
  if (o.programs.length < 2) return undefined;
  const main = o.programs[0];
  const type = main.program.directives.progType;
  const named = names(o.programs);
  const notes: string[] = [];
  const progs: ObjectSetView['progs'] = [];
  const slots: ObjectSetView['slots'] = [];
  o.programs.forEach((p, i) => {
    const where = escapeText(p.section);
    const slot = slotOf(o, p.section);
    if (typeof slot === 'string') notes.push(`${where} is not wired: ${slot}`);
    if (i === 0) {
      if (slot && typeof slot !== 'string') notes.push(`slot ${slot.index} of ${slot.map} would hold the entry program itself; it stays empty`);
      return;
    }
    const t = p.program.directives.progType;
    if (t !== undefined && type !== undefined && t !== type) {
      notes.push(`${where} is a ${PROG_TYPE_NAMES[t]} program, and a set loads with the entry's type (${PROG_TYPE_NAMES[type]}): left out`);
      return;
    }
    progs.push({ name: named[i], text: programSource(p.program, syntax, [`section ${p.section} of a clang object`]) });
    if (slot && typeof slot !== 'string') slots.push({ ...slot, value: { prog: named[i] } });
  });
  if (!slots.length) return undefined;
  const header = [`section ${main.section} of a clang object, the entry of its tail-call set`];
  return { main: 0, source: programSource({ ...main.program, maps: o.maps }, syntax, header), progs, slots, notes };
}
