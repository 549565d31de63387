/**
 * An object's programs as one tail-call set, wired as the loaders of Linux 4.8's day wired them
 * by section name:
 *
 * - iproute2 (tc): a section `ID/KEY` goes into slot KEY of the prog_array whose struct
 *   bpf_elf_map has `id` ID (`__section_tail(ID, KEY)`);
 * - samples/bpf's bpf_load.c: `socket/N`, `kprobe/N` and `kretprobe/N` go into slot N of the
 *   object's first map (its `map_fd[0]`), which must be a prog_array.
 *
 * The first program is the entry point the editor takes; the others load beside it, each with the
 * type its section name gives it (`kprobe/…`, `socket…`, `tracepoint/…`), else the entry's (as
 * iproute2 loads its `ID/KEY` sections with the type of the one it attaches). A prog_array holds
 * programs of one type (4.8's bpf_prog_array_compatible): one of another type put in a slot gets
 * the kernel's EINVAL, which the load reports. The entry's own section fills its slot by
 * samples/bpf's rule (every `socket/N` program goes into slot N); by iproute2's it never does (tc
 * loads it first and skips it when it fills the prog_arrays): `entryNote` says so.
 */
import { escapeText } from '../asm';
import { programSource, type BpfObject, type ObjectProgram } from '../elf';
import { MapType } from '../isa';
import type { ObjectSetView } from '../protocol';

/**
 * sscanf's %i at the start of `s` (after blanks): a sign, then 0x hex, 0 octal or decimal; the
 * rest it leaves. As uint32_t, where iproute2 stores it.
 */
function scanInt(s: string): { value: number; rest: string } | null {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return null;
  const digits = m[2];
  const n = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
  return { value: (m[1] === '-' ? -n : n) >>> 0, rest: s.slice(m[0].length) };
}

/** iproute2's `sscanf(name, "%i/%i", &map_id, &key_id) == 2`. */
function iproute2Tail(section: string): { id: number; key: number } | null {
  const id = scanInt(section);
  if (!id || !id.rest.startsWith('/')) return null;
  const key = scanInt(id.rest.slice(1));
  return key ? { id: id.value, key: key.value } : null;
}

/** bpf_load.c: `socket/N`, `kprobe/N`, `kretprobe/N` with N starting with a digit, read by atoi. */
const BPF_LOAD_TAIL = /^(?:socket|kprobe|kretprobe)\/(\d+)/;

interface Wired {
  map: string;
  index: number;
  /** whose rule: tc's (the entry's own section is never put in) or samples/bpf's (every program is) */
  rule: 'iproute2' | 'samples';
}

/** The prog_array slot a section names, or null; a string says why the named map does not fit. */
function slotOf(o: BpfObject, section: string): Wired | string | null {
  const tc = iproute2Tail(section);
  if (tc) {
    const name = [...o.elfMapIds].find(([, v]) => v === tc.id)?.[0];
    const m = o.maps.find((x) => x.name === name);
    if (!m) return `no map has bpf_elf_map id ${tc.id}`;
    if (m.type !== MapType.ProgArray) return `map ${m.name} (id ${tc.id}) is not a prog_array`;
    return { map: m.name, index: tc.key, rule: 'iproute2' };
  }
  const samples = BPF_LOAD_TAIL.exec(section);
  if (samples) {
    const first = o.maps[0];
    if (!first || first.type !== MapType.ProgArray) return `the object's first map is not a prog_array`;
    return { map: first.name, index: Number(samples[1]) >>> 0, rule: 'samples' };
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

/** What the UI says when the entry program is in no slot, by the loaders' rules. */
function entryNote(name: string, section: string, wired: Wired | null): string | undefined {
  if (wired?.rule === 'iproute2') {
    return `${name}, the entry, is in no slot: its section ${section} names slot ${wired.index} of ${wired.map}, but tc loads the section it attaches first and iproute2 then skips it when it fills the prog_arrays, so that slot stays empty`;
  }
  if (!wired) return `${name}, the entry, is in no slot: its section ${section} names none (iproute2 fills slots from ID/KEY sections, samples/bpf's loader from socket/N, kprobe/N and kretprobe/N ones)`;
  return undefined;
}

/**
 * An object's programs as one set, or undefined when it has one program: the entry in the editor,
 * every other program beside it (each with the type its section gives it, else the entry's, as
 * iproute2 loads its tail sections), and the prog_array slots their section names wire.
 */
export function objectSet(o: BpfObject, syntax: 'llvm' | 'ubpf'): ObjectSetView | undefined {
  if (o.programs.length < 2) return undefined;
  const main = o.programs[0];
  const named = names(o.programs);
  const mainName = main.program.directives.name!;
  const notes: string[] = [];
  const progs: ObjectSetView['progs'] = [];
  const slots: ObjectSetView['slots'] = [];
  let note: string | undefined;
  o.programs.forEach((p, i) => {
    const where = escapeText(p.section);
    const slot = slotOf(o, p.section);
    if (typeof slot === 'string') notes.push(`${where} is not wired: ${slot}`);
    const wired = slot && typeof slot !== 'string' ? slot : null;
    if (i === 0) {
      // samples/bpf's loader puts every socket/N program in slot N, the one it attaches too
      if (wired?.rule === 'samples') slots.push({ map: wired.map, index: wired.index, value: { prog: mainName } });
      note = entryNote(escapeText(mainName), where, wired);
      return;
    }
    progs.push({ name: named[i], text: programSource(p.program, syntax, [`section ${p.section} of a clang object`]) });
    if (wired) slots.push({ map: wired.map, index: wired.index, value: { prog: named[i] } });
  });
  const header = [`section ${main.section} of a clang object, the entry of its ${slots.length ? 'tail-call set' : 'programs'}`];
  return { main: 0, source: programSource({ ...main.program, maps: o.maps }, syntax, header), progs, slots, notes, ...(note ? { entryNote: note } : {}) };
}
