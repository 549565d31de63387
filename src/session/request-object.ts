/**
 * The programs of a `run --json` request, wherever they come from: the request's own `insns` or
 * `source` and its `progs`, or a clang object (`"object": "prog.o"`, optional `"section"`), read
 * as the IDE's Open object reads it (src/elf). From an object, as a 4.8 loader does it: every map
 * of its `maps` section is created, the chosen section is the program, and any other program of
 * the object that a `value_prog` slot names (by section, `"socket/1"`, or function, `"parse_ip"`)
 * is loaded first so a prog_array can hold it. Used by bpflab's answer and by the host
 * kernel's, so both load the same bytes.
 */
import type { ObjectProgram } from '../elf';
import { readBpfObject } from '../elf';
import type { MapSpec, ProgSpec, Request } from './request-schema';
import { programOf, RequestError, type ReadyProg } from './request-setup';

/** Reads the file a request's `object` names: its bytes, or a sentence saying why not. */
export type ObjectReader = (path: string) => Uint8Array | string;

interface RequestPrograms {
  main: ReadyProg;
  /** programs loaded before the main one, by the name `value_prog` slots give: `progs`, the object's */
  extra: Map<string, ReadyProg>;
  /** maps the source or the object declares */
  declared: MapSpec[];
  /** the object's section the main program is */
  section?: string;
  /** what the object's reader says about the main program (instructions beyond Linux 4.8) */
  warning?: string;
}

/** The request's programs and declared maps; a RequestError for anything the request gets wrong. */
export function requestPrograms(req: Request, readObject?: ObjectReader): RequestPrograms {
  const declared: MapSpec[] = [];
  const fromSource = (p: ProgSpec, i: number) => programOf(p, `progs[${i}].source`, declared);
  if (req.object === undefined) {
    const main = programOf(req, 'source', declared);
    return { main, extra: new Map(req.progs.map((p, i) => [p.name!, fromSource(p, i)])), declared };
  }
  const programs = objectPrograms(req.object, readObject, declared);
  const chosen = req.section === undefined ? programs[0] : programs.find((p) => p.section === req.section);
  if (!chosen) {
    throw new RequestError(`section: the object has no program section ${JSON.stringify(req.section)} (it has ${programs.map((p) => JSON.stringify(p.section)).join(', ')})`);
  }
  const main = fromObject(chosen, req);
  const extra = new Map(req.progs.map((p, i) => [p.name!, fromSource(p, i)]));
  for (const m of req.maps) {
    for (const e of m.entries) {
      if (e.value instanceof Uint8Array || !('prog' in e.value) || extra.has(e.value.prog)) continue;
      const name = e.value.prog;
      const p = programs.find((x) => x.section === name) ?? programs.find((x) => x.name === name);
      if (p) extra.set(name, { ...fromObject(p, { fixups: [] }), where: `object: section ${p.section}` });
    }
  }
  return { main, extra, declared, section: chosen.section, ...(chosen.warning ? { warning: chosen.warning } : {}) };
}

/** The object's programs; its maps join `declared`. */
function objectPrograms(path: string, readObject: ObjectReader | undefined, declared: MapSpec[]): ObjectProgram[] {
  if (!readObject) throw new RequestError('object: this answerer reads no files (give "insns" or "source")');
  const bytes = readObject(path);
  if (typeof bytes === 'string') throw new RequestError(`object: ${bytes}`);
  const r = readBpfObject(bytes);
  if (!r.ok) throw new RequestError(`object: ${path}: ${r.error}`);
  if (!r.object.programs.length) throw new RequestError(`object: ${path} holds no program section`);
  for (const m of r.object.maps) {
    const where = `object: map ${m.name}`;
    declared.push({ where, name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, entries: (m.entries ?? []).map((e) => ({ ...e, flags: 0, where })) });
  }
  return r.object.programs;
}

/** An object's program ready for PROG_LOAD (its directives hold the object's license and version); the request's fields win. */
function fromObject(p: ObjectProgram, req: ProgSpec): ReadyProg {
  const prog = p.program;
  const d = prog.directives;
  return {
    where: req.where,
    name: req.name ?? p.name,
    bytes: prog.bytes.slice(),
    fixups: [...prog.mapRefs.map((ref) => ({ insn: ref.pc, map: ref.map })), ...req.fixups],
    sourceFixups: prog.mapRefs.length,
    progType: d.progType,
    license: req.license ?? d.license,
    kernVersion: req.kernVersion ?? d.kernVersion,
  };
}
