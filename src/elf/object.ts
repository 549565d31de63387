/**
 * A clang-compiled BPF object as a 4.8-era loader (samples/bpf, tc, bcc) read it: every
 * executable section is a program, SEC("maps") holds `struct bpf_map_def`s named by symbols,
 * R_BPF_64_64 relocations on ld_imm64 turn into map references, and the `license` and
 * `version` sections become directives. The result is one `Program` per program section.
 *
 * Not here: BTF and `.maps` (later kernels), global data, bpf-to-bpf calls (4.16), CO-RE.
 */
import { escapeText, isSafeText } from '../asm';
import { Class, JmpOp, Mode, PROG_TYPE_NAMES, Pseudo, Size, type Insn } from '../isa';
import { programFromBytes, type MapDecl, type MapRef, type Program } from '../program';
import { progTypeOfSection } from './progtype';
import {
  definedIn,
  Malformed,
  malformed,
  readElfStructure,
  relocations,
  SHF_EXECINSTR,
  SHT,
  STT,
  type ElfFile,
  type ElfSection,
  type ElfSymbol,
} from './reader';

/** One program section of an object. */
export interface ObjectProgram {
  /** the section's name, e.g. "kprobe/sys_write" */
  section: string;
  /** the function defined at the section's start, else the section name */
  name: string;
  /** the program, with its referenced maps, labels and directives (progType when inferred) */
  program: Program;
  /** what a loader should hear before loading it: instructions beyond Linux 4.8, and how to avoid them */
  warning?: string;
}

/** What a BPF object holds. */
export interface BpfObject {
  programs: ObjectProgram[];
  /** every map of the `maps` section, in section order */
  maps: MapDecl[];
  /**
   * the `id` field of each map whose definition is long enough to be iproute2's struct
   * bpf_elf_map (type, size_key, size_value, max_elem, flags, id, pinning): what its `ID/KEY`
   * tail-call sections name, by map name
   */
  elfMapIds: Map<string, number>;
  license?: string;
  kernVersion?: number;
}

type ObjectResult = { ok: true; object: BpfObject } | { ok: false; error: string };

const R_BPF_64_64 = 1;
const R_BPF_64_32 = 10;
const BPF_LD_IMM64 = Class.LD | Mode.IMM | Size.DW;
const BPF_CALL = Class.JMP | JmpOp.CALL;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** bytes of the fields read from each definition: type, key_size, value_size, max_entries[, map_flags] */
const MAP_DEF_MIN = 16;
/** iproute2's struct bpf_elf_map has its `id` at bytes 20..23 */
const BPF_ELF_MAP_ID_END = 24;
/**
 * Instruction slots of all program sections together: 16 times the most Linux 4.8 loads in one
 * program (BPF_MAXINSNS 4096), as the request reader allows; a bigger program still loads as far
 * as the kernel's own EINVAL.
 */
export const MAX_OBJECT_SLOTS = 65536;
/** Map definitions in the maps section: 16 times what 4.8's loaders (samples/bpf, tc) took. */
export const MAX_MAPS = 1024;
/** Symbols looked at for a label at one slot (clang puts one; a hostile object may put millions). */
const LABEL_TRIES = 8;

interface MapAt {
  offset: number;
  decl: MapDecl;
  /** struct bpf_elf_map's id (iproute2), when the definition has one */
  elfId?: number;
}

/** The maps of the `maps` section, in offset order, and an index of them by offset. */
interface Maps {
  list: MapAt[];
  byOffset: Map<number, MapAt>;
  index: number;
}

/**
 * Symbol indices by the section they are defined in, for the sections asked for: one pass over
 * the symbol table, however many symbols it has.
 */
function symbolsIn(elf: ElfFile, sections: ReadonlySet<number>): Map<number, number[]> {
  const out = new Map<number, number[]>([...sections].map((i) => [i, []]));
  const t = elf.symbols;
  for (let i = 1; i < t.length; i++) out.get(t.shndx(i))?.push(i);
  return out;
}

function mapDefs(elf: ElfFile, maps: ElfSection | undefined, symIdx: number[]): Maps {
  const empty: Maps = { list: [], byOffset: new Map(), index: maps?.index ?? -1 };
  if (!maps) return empty;
  const syms = symIdx.filter((i) => elf.symbols.type(i) !== STT.SECTION && elf.symbols.type(i) !== STT.FILE);
  if (syms.length === 0 && maps.size > 0) malformed('the maps section has no symbols naming its maps');
  if (syms.length > MAX_MAPS) malformed(`the maps section defines ${syms.length} maps; bpflab reads at most ${MAX_MAPS} (4.8's loaders took 64)`);
  const defs = syms.map((i) => elf.symbols.get(i)).sort((a, b) => a.value - b.value);
  const view = new DataView(maps.data.buffer, maps.data.byteOffset, maps.data.byteLength);
  const stride = defs.length ? Math.floor(maps.size / defs.length) : 0;
  const names = new Set<string>();
  for (const s of defs) {
    const size = s.size || stride;
    const what = `map ${JSON.stringify(escapeText(s.name))}`;
    if (!IDENT.test(s.name)) malformed(`${what}: its name is not an identifier`);
    if (size < MAP_DEF_MIN) malformed(`${what}: its definition is ${size} bytes, less than struct bpf_map_def`);
    if (maps.data.length !== maps.size) malformed(`${what}: the maps section has no contents in the file`);
    if (s.value < 0 || s.value + size > maps.size) malformed(`${what}: its definition at offset ${s.value} runs past the maps section`);
    if (empty.byOffset.has(s.value)) malformed(`${what}: two symbols name the map at offset ${s.value}`);
    if (names.has(s.name)) malformed(`${what}: two maps have this name`);
    names.add(s.name);
    const u32 = (i: number) => (i * 4 + 4 <= size ? view.getUint32(s.value + i * 4, true) : 0);
    const m: MapAt = { offset: s.value, decl: { name: s.name, type: u32(0), keySize: u32(1), valueSize: u32(2), maxEntries: u32(3), flags: u32(4) } };
    if (size >= BPF_ELF_MAP_ID_END) m.elfId = u32(5);
    empty.list.push(m);
    empty.byOffset.set(m.offset, m);
  }
  return empty;
}

/** Where a relocated ld_imm64 points: the map at (symbol value + addend) in the maps section. */
function relocTarget(elf: ElfFile, sec: ElfSection, sym: ElfSymbol, addend: number, maps: Maps): MapAt {
  const symName = sym.type === STT.SECTION && definedIn(sym, elf.sections.length) ? elf.sections[sym.shndx].name : sym.name;
  const where = `${sec.name}: the relocation against ${JSON.stringify(escapeText(symName) || `symbol ${sym.index}`)}`;
  if (!definedIn(sym, elf.sections.length)) {
    malformed(`${where} names an undefined symbol (a map from another object, which 4.8 loaders cannot link)`);
  }
  const target = elf.sections[sym.shndx];
  if (sym.shndx !== maps.index) {
    if (/^\.(rodata|data|bss)/.test(target.name)) {
      malformed(`${where} uses global data in ${target.name}, which Linux 4.8 does not have (keep constants on the stack)`);
    }
    malformed(`${where} points into section ${JSON.stringify(escapeText(target.name))}, not into the maps section`);
  }
  const offset = sym.value + addend;
  const m = maps.byOffset.get(offset);
  if (!m) malformed(`${where} points at offset ${offset} of the maps section, where no map starts`);
  return m;
}

/** Which slots start an instruction (not the second half of an ld_imm64), as the kernel walks them. */
function instructionStarts(bytes: Uint8Array): Uint8Array {
  const n = bytes.length >> 3;
  const starts = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = 1;
    if (bytes[i * 8] === BPF_LD_IMM64) i++;
  }
  return starts;
}

/**
 * The function a call relocation reaches: the FUNC symbol at (symbol value + (imm + 1) * 8) of
 * the symbol's section, as loaders resolve it (clang relocates calls of static functions against
 * the section symbol, `.text`, whose name is empty), else the section and offset. One scan of
 * the symbol table, on the way to refusing the object.
 */
function calleeName(elf: ElfFile, sym: ElfSymbol, imm: number): string {
  if (!definedIn(sym, elf.sections.length)) return sym.name || `symbol ${sym.index}`;
  const offset = sym.value + (imm + 1) * 8;
  const t = elf.symbols;
  for (let i = 1; i < t.length; i++) {
    if (t.type(i) === STT.FUNC && t.shndx(i) === sym.shndx && t.value(i) === offset) {
      const name = t.get(i).name;
      if (name) return name;
    }
  }
  return `${elf.sections[sym.shndx].name}+0x${offset.toString(16)}`;
}

/** Map references of one program section: bytes with imm 0 at each, and the maps used. */
function applyRelocs(elf: ElfFile, sec: ElfSection, rels: ElfSection[], maps: Maps) {
  const bytes = sec.data.slice();
  const view = new DataView(bytes.buffer);
  const starts = instructionStarts(bytes);
  const refs: MapRef[] = [];
  const relocated = new Set<number>();
  for (const rs of rels) {
    for (const r of relocations(rs, sec.size / 8)) {
      const at = `${sec.name}+0x${r.offset.toString(16)}`;
      if (r.sym === 0 || r.sym >= elf.symbols.length) malformed(`${at}: the relocation names symbol ${r.sym}, which does not exist`);
      if (r.offset % 8 || r.offset + 8 > sec.size || !starts[r.offset / 8]) malformed(`${at}: the relocation is not at an instruction of the section`);
      const sym = elf.symbols.get(r.sym);
      if (r.type === R_BPF_64_32 && bytes[r.offset] === BPF_CALL) {
        const callee = calleeName(elf, sym, view.getInt32(r.offset + 4, true));
        malformed(`${at}: a call to the function ${JSON.stringify(escapeText(callee))}; bpf-to-bpf calls came in Linux 4.16, after 4.8 (make it static __always_inline)`);
      }
      if (r.type !== R_BPF_64_64) malformed(`${at}: relocation type ${r.type} is not R_BPF_64_64 (1), the only one 4.8 loaders knew`);
      if (bytes[r.offset] !== BPF_LD_IMM64 || r.offset + 16 > sec.size) malformed(`${at}: the relocated instruction is not an ld_imm64`);
      // a map load's text (`r1 = map[NAME] ll`) cannot carry reserved fields; 4.8 refuses them too
      const second = bytes.subarray(r.offset + 8, r.offset + 12);
      if ((bytes[r.offset + 1] & 0x0f) > 10 || view.getInt16(r.offset + 2, true) !== 0 || second.some((x) => x !== 0)) {
        malformed(`${at}: the relocated ld_imm64 has reserved fields set (Linux 4.8 refuses it: invalid bpf_ld_imm64 insn)`);
      }
      const addend = r.addend ?? (sym.type === STT.SECTION ? view.getInt32(r.offset + 4, true) : 0);
      const m = relocTarget(elf, sec, sym, addend, maps);
      if (relocated.has(r.offset)) malformed(`${at}: a second relocation on the same instruction`);
      relocated.add(r.offset);
      // as the assembler encodes `r1 = map[NAME] ll`: src_reg BPF_PSEUDO_MAP_FD, imm 0 until loaded
      bytes[r.offset + 1] = (bytes[r.offset + 1] & 0x0f) | (Pseudo.MAP_FD << 4);
      view.setInt32(r.offset + 4, 0, true);
      view.setInt32(r.offset + 12, 0, true);
      refs.push({ pc: r.offset / 8, map: m.decl.name });
    }
  }
  refs.sort((a, b) => a.pc - b.pc);
  return { bytes, refs };
}

/**
 * The labels of a program section: for each instruction slot, the first symbol there (in table
 * order) whose name is an identifier. Names are looked at only as far as needed, a few per slot.
 */
function labelsOf(elf: ElfFile, sec: ElfSection, symIdx: number[]): Map<string, number> {
  const t = elf.symbols;
  const bySlot = new Map<number, string>();
  const tries = new Map<number, number>();
  for (const i of symIdx) {
    const v = t.value(i);
    if (t.type(i) !== STT.NOTYPE || v < 0 || v % 8 || v >= sec.size) continue;
    const slot = v / 8;
    if (bySlot.has(slot)) continue;
    const n = (tries.get(slot) ?? 0) + 1;
    if (n > LABEL_TRIES) continue;
    tries.set(slot, n);
    if (t.isIdentifier(i)) bySlot.set(slot, t.get(i).name);
  }
  const labels = new Map<string, number>();
  for (const [slot, name] of bySlot) if (!labels.has(name)) labels.set(name, slot);
  return labels;
}

function program(elf: ElfFile, sec: ElfSection, rels: ElfSection[], symIdx: number[], maps: Maps, dirs: Omit<BpfObject, 'programs' | 'maps' | 'elfMapIds'>) {
  if (sec.size % 8) malformed(`${sec.name}: its size ${sec.size} is not a whole number of 8-byte instructions`);
  const { bytes, refs } = applyRelocs(elf, sec, rels, maps);
  const p = programFromBytes(bytes);
  const fnIdx = symIdx.find((i) => elf.symbols.type(i) === STT.FUNC && elf.symbols.value(i) === 0);
  const fn = fnIdx === undefined ? undefined : elf.symbols.get(fnIdx);
  p.labels = labelsOf(elf, sec, symIdx);
  const used = new Set(refs.map((r) => r.map));
  p.maps = maps.list.filter((m) => used.has(m.decl.name)).map((m) => ({ ...m.decl }));
  p.mapRefs = refs;
  const name = fn && IDENT.test(fn.name) ? fn.name : directiveName(sec.name);
  const progType = progTypeOfSection(sec.name);
  p.directives = { name, ...(progType === undefined ? {} : { progType }), ...pick(dirs) };
  const warning = laterWarning(p.insns);
  return { section: sec.name, name, program: p, ...(warning ? { warning } : {}) };
}

/** The kinds of instruction beyond Linux 4.8 that a compiler's CPU version (-mcpu) brings, by what they are. */
function laterKind(i: Insn): { what: string; cpu: boolean } | null {
  if (!i.later) return null;
  switch (i.kind) {
    case 'jcond':
      return { what: i.jmp32 ? '32-bit jumps (JMP32, -mcpu=v3)' : 'jlt/jle/jslt/jsle (-mcpu=v2)', cpu: true };
    case 'ja':
      return { what: 'gotol (-mcpu=v4)', cpu: true };
    case 'ldx':
      return { what: 'sign-extending loads (-mcpu=v4)', cpu: true };
    case 'alu':
      return { what: i.op === 'movsx' ? 'sign-extending moves (-mcpu=v4)' : 'signed division (-mcpu=v4)', cpu: true };
    case 'end':
      return { what: 'byte swaps (bswap, -mcpu=v4)', cpu: true };
    case 'atomic':
      return { what: 'atomics other than xadd (-mcpu=v3)', cpu: true };
    case 'call':
      return { what: i.target === 'local' ? 'bpf-to-bpf calls' : 'kfunc calls', cpu: false };
    case 'callx':
      return { what: 'callx', cpu: false };
    default:
      return { what: `${i.kind} forms of later kernels`, cpu: false };
  }
}

/** Says which instructions Linux 4.8 will refuse, and how to build without them; undefined if none. */
function laterWarning(insns: readonly Insn[]): string | undefined {
  const kinds = new Map<string, boolean>();
  let n = 0;
  for (const i of insns) {
    const k = laterKind(i);
    if (!k) continue;
    n++;
    kinds.set(k.what, k.cpu);
  }
  if (n === 0) return undefined;
  const cpu = [...kinds.values()].some(Boolean);
  const advice = cpu
    ? 'clang 20 and later build for -mcpu=v3 by default: rebuild with -mcpu=v1 (clang -O2 -target bpf -mcpu=v1 -c ...)'
    : 'rewrite the code that needs them';
  return `${n} of its ${insns.length} instructions are beyond Linux 4.8 (${[...kinds.keys()].join(', ')}), so 4.8's verifier will refuse it; ${advice}`;
}

/**
 * A section name as a `.name` directive can carry it: quoted as it is when it is printable and has
 * no double quote, else escaped (a newline in a name must never become a line of the program).
 */
const directiveName = (name: string): string => (isSafeText(name) && !/["\x80-\uffff]/.test(name) ? name : escapeText(name).replace(/"/g, '\\x22'));

const pick = (d: Omit<BpfObject, 'programs' | 'maps' | 'elfMapIds'>) => ({
  ...(d.license === undefined ? {} : { license: d.license }),
  ...(d.kernVersion === undefined ? {} : { kernVersion: d.kernVersion }),
});

function directives(elf: ElfFile): Omit<BpfObject, 'programs' | 'maps' | 'elfMapIds'> {
  const out: Omit<BpfObject, 'programs' | 'maps' | 'elfMapIds'> = {};
  const lic = elf.sections.find((s) => s.name === 'license');
  if (lic) {
    const end = lic.data.indexOf(0);
    if (end < 0) malformed('the license section is not a NUL-terminated string');
    const text = new TextDecoder('utf-8').decode(lic.data.subarray(0, end));
    if (!isSafeText(text)) malformed('the license section holds unprintable characters');
    if (text.includes('"')) malformed('the license holds a double quote, which a .license "..." directive cannot carry');
    out.license = text;
  }
  const ver = elf.sections.find((s) => s.name === 'version');
  if (ver) {
    if (ver.size !== 4 || ver.data.length !== 4) malformed(`the version section is ${ver.size} bytes; it holds one u32`);
    out.kernVersion = new DataView(ver.data.buffer, ver.data.byteOffset, 4).getUint32(0, true);
  }
  return out;
}

function readObject(file: Uint8Array): BpfObject {
  const elf = readElfStructure(file);
  if (elf.sections.some((s) => s.name === '.maps')) {
    malformed('the object defines BTF maps (.maps section), which came after Linux 4.8; use SEC("maps") struct bpf_map_def');
  }
  const mapsSec = elf.sections.find((s) => s.name === 'maps');
  const progSecs = elf.sections.filter((s) => s.type === SHT.PROGBITS && s.flags & SHF_EXECINSTR && s.size > 0);
  if (progSecs.length === 0) malformed('the object holds no program: no executable section has any instructions');
  const slots = progSecs.reduce((n, s) => n + Math.floor(s.size / 8), 0);
  if (slots > MAX_OBJECT_SLOTS) {
    malformed(`the object's programs hold ${slots} instructions; bpflab reads at most ${MAX_OBJECT_SLOTS} (Linux 4.8 loads at most 4095 a program)`);
  }
  const wanted = new Set([...progSecs.map((s) => s.index), ...(mapsSec ? [mapsSec.index] : [])]);
  const symIdx = symbolsIn(elf, wanted);
  const relsOf = new Map<number, ElfSection[]>();
  for (const s of elf.sections) {
    if ((s.type === SHT.REL || s.type === SHT.RELA) && wanted.has(s.info)) relsOf.set(s.info, [...(relsOf.get(s.info) ?? []), s]);
  }
  const maps = mapDefs(elf, mapsSec, mapsSec ? symIdx.get(mapsSec.index)! : []);
  const dirs = directives(elf);
  const programs = progSecs.map((s) => program(elf, s, relsOf.get(s.index) ?? [], symIdx.get(s.index)!, maps, dirs));
  const elfMapIds = new Map(maps.list.flatMap((m) => (m.elfId === undefined ? [] : [[m.decl.name, m.elfId] as const])));
  return { programs, maps: maps.list.map((m) => m.decl), elfMapIds, ...dirs };
}

/** Reads a BPF object compiled by clang (-target bpf -c); an error value for anything malformed. */
export function readBpfObject(file: Uint8Array): ObjectResult {
  try {
    return { ok: true, object: readObject(file) };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, error: e.message };
    throw e;
  }
}

/** "kprobe/sys_write (kprobe)": a section with its inferred program type, for pickers. */
export function describeProgram(p: ObjectProgram): string {
  const t = p.program.directives.progType;
  return `${p.section} (${t === undefined ? 'type unknown' : PROG_TYPE_NAMES[t]})`;
}
