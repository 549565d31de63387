/**
 * A bounds-checked reader of relocatable ELF64 little-endian objects for BPF (e_machine 247):
 * the header, section headers and names, the symbol table and REL/RELA entries. Every offset
 * and size is checked against the file before it is used; a malformed file gives an error
 * value naming the part that is wrong.
 *
 * Not here: what the sections mean to a BPF loader (object.ts), program headers, dynamic
 * linking, big-endian or 32-bit ELF (clang -target bpf on x86 produces none of these).
 */

/** Largest object accepted, in bytes. */
export const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
/**
 * Longest section or symbol name read, in bytes (NAME_MAX; 4.8's kallsyms keeps 128). A name is
 * found with one bounded scan, so a hostile string table costs at most this much per lookup.
 */
export const MAX_NAME_BYTES = 255;
/** Most sections read: SHN_LORESERVE, the count e_shnum holds without extended numbering. */
export const MAX_SECTIONS = 0xff00;

const EM_BPF = 247;
const ET_REL = 1;
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF_EXECINSTR = 0x4;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  /** the section's bytes (empty for NOBITS) */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  /** STT_* */
  type: number;
  /** STB_* */
  bind: number;
  /** the section it is defined in (SHN_UNDEF 0 when undefined; >= 0xff00 for special ones) */
  shndx: number;
}

interface ElfRel {
  /** byte offset inside the target section */
  offset: number;
  sym: number;
  type: number;
  /** RELA only */
  addend?: number;
}

export interface ElfFile {
  sections: ElfSection[];
  /** the symbol table (index 0 is the null symbol); empty when there is none */
  symbols: SymbolTable;
}

/** A malformed part of the file; caught by readElf and turned into an error value. */
export class Malformed {
  constructor(readonly message: string) {}
}

export function malformed(message: string): never {
  throw new Malformed(message);
}

/** Little-endian views over the file with every access range-checked. */
class Bytes {
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  check(off: number, len: number, what: string): void {
    if (off < 0 || len < 0 || off + len > this.buf.length) {
      malformed(`${what} (bytes ${off}..${off + len}) lies outside the ${this.buf.length}-byte file`);
    }
  }
  u8 = (off: number): number => this.view.getUint8(off);
  u16 = (off: number): number => this.view.getUint16(off, true);
  u32 = (off: number): number => this.view.getUint32(off, true);
  /** a u64 that must fit a JS number safely (offsets, sizes, addresses) */
  u64(off: number, what: string): number {
    const v = this.view.getBigUint64(off, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) malformed(`${what} is 0x${v.toString(16)}, far larger than any object`);
    return Number(v);
  }
  i64(off: number): number {
    return Number(this.view.getBigInt64(off, true));
  }
}

interface Header {
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

function header(b: Bytes): Header {
  if (b.buf.length < 64) malformed(`the file is ${b.buf.length} bytes long, shorter than an ELF64 header (64)`);
  if (b.u32(0) !== 0x464c457f) malformed('this is not an ELF file (it does not start with \\x7fELF)');
  if (b.u8(4) !== 2) malformed(`this is a ${b.u8(4) === 1 ? '32-bit' : 'unknown-class'} ELF file; BPF objects are ELF64`);
  if (b.u8(5) !== 1) malformed('this ELF file is big-endian; only little-endian BPF objects are read');
  if (b.u8(6) !== 1) malformed(`ELF version ${b.u8(6)} is unknown`);
  const type = b.u16(16);
  const machine = b.u16(18);
  if (machine !== EM_BPF) malformed(`e_machine is ${machine}, not 247 (EM_BPF): this object is not for BPF`);
  if (type !== ET_REL) malformed(`e_type is ${type}; a BPF object from clang -c is relocatable (ET_REL, 1)`);
  const shoff = b.u64(40, 'e_shoff');
  const shentsize = b.u16(58);
  let shnum = b.u16(60);
  let shstrndx = b.u16(62);
  if (shoff === 0) return { shoff, shentsize, shnum: 0, shstrndx: 0 };
  if (shentsize !== 64) malformed(`e_shentsize is ${shentsize}; ELF64 section headers are 64 bytes`);
  b.check(shoff, 64, 'the first section header');
  // more than 0xff00 sections, or a name table past it: the real values are in section 0
  if (shnum === 0) shnum = b.u64(shoff + 32, 'the section count in section 0');
  if (shstrndx === SHN_XINDEX) shstrndx = b.u32(shoff + 40);
  if (shnum > b.buf.length / 64) malformed(`e_shnum is ${shnum}, more section headers than the file can hold`);
  if (shnum > MAX_SECTIONS) malformed(`the object has ${shnum} sections; bpflab reads at most ${MAX_SECTIONS} (SHN_LORESERVE)`);
  b.check(shoff, shnum * 64, `the ${shnum} section headers`);
  return { shoff, shentsize, shnum, shstrndx };
}

/** A NUL-terminated name in a string table section, of at most MAX_NAME_BYTES. */
function strAt(table: Uint8Array, off: number, what: string): string {
  if (off >= table.length) malformed(`${what}: name offset ${off} is past its string table (${table.length} bytes)`);
  const end = table.subarray(off, off + MAX_NAME_BYTES + 1).indexOf(0);
  if (end < 0) {
    if (off + MAX_NAME_BYTES + 1 > table.length) malformed(`${what}: its name is not NUL-terminated`);
    malformed(`${what}: its name is longer than ${MAX_NAME_BYTES} bytes`);
  }
  return new TextDecoder('utf-8').decode(table.subarray(off, off + end));
}

function sections(b: Bytes, h: Header): ElfSection[] {
  const raw = [];
  for (let i = 0; i < h.shnum; i++) {
    const o = h.shoff + i * 64;
    const what = `section ${i}`;
    const s = {
      index: i,
      nameOff: b.u32(o),
      type: b.u32(o + 4),
      flags: b.u32(o + 8),
      offset: b.u64(o + 24, `${what}'s offset`),
      size: b.u64(o + 32, `${what}'s size`),
      link: b.u32(o + 40),
      info: b.u32(o + 44),
      entsize: b.u64(o + 56, `${what}'s entry size`),
      data: new Uint8Array(0) as Uint8Array,
    };
    if (s.type !== SHT.NOBITS && s.type !== SHT.NULL) {
      b.check(s.offset, s.size, `${what}'s contents`);
      s.data = b.buf.subarray(s.offset, s.offset + s.size);
    }
    raw.push(s);
  }
  if (raw.length === 0) return [];
  if (h.shstrndx === 0 || h.shstrndx >= raw.length) {
    malformed(`e_shstrndx is ${h.shstrndx}, not a section (the file has ${raw.length})`);
  }
  const names = raw[h.shstrndx];
  if (names.type !== SHT.STRTAB) malformed(`section ${h.shstrndx}, the section-name table, is not a string table`);
  return raw.map(({ nameOff, ...s }) => ({ ...s, name: s.index === 0 ? '' : strAt(names.data, nameOff, `section ${s.index}`) }));
}

/**
 * The symbol table read in place: entries are decoded when asked for (an object may hold millions
 * of symbols; a loader needs the few in its program and map sections), and each name once.
 */
class SymbolTable {
  readonly length: number;
  private readonly view: DataView;
  private readonly names = new Map<number, string>();

  constructor(
    data: Uint8Array,
    private readonly strtab: Uint8Array,
  ) {
    this.length = data.length / 24;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  /** The section symbol `i` is defined in (SHN_UNDEF 0 when undefined; >= 0xff00 for special ones). */
  shndx(i: number): number {
    return this.view.getUint16(i * 24 + 6, true);
  }

  /** STT_* of symbol `i`. */
  type(i: number): number {
    return this.view.getUint8(i * 24 + 4) & 0xf;
  }

  /** The value of symbol `i` (an offset in its section), or -1 when it is no offset a file can hold. */
  value(i: number): number {
    const v = this.view.getBigUint64(i * 24 + 8, true);
    return v > BigInt(MAX_OBJECT_BYTES) ? -1 : Number(v);
  }

  /** Symbol `i` in full (its name read from the string table). */
  get(i: number): ElfSymbol {
    const o = i * 24;
    const info = this.view.getUint8(o + 4);
    const nameOff = this.view.getUint32(o, true);
    let name = this.names.get(nameOff);
    if (name === undefined) this.names.set(nameOff, (name = strAt(this.strtab, nameOff, `symbol ${i}`)));
    const size = this.view.getBigUint64(o + 16, true);
    return {
      index: i,
      name,
      type: info & 0xf,
      bind: info >> 4,
      shndx: this.shndx(i),
      value: this.value(i),
      size: size > BigInt(MAX_OBJECT_BYTES) ? -1 : Number(size),
    };
  }

  /** Whether symbol `i` has a name that is a C identifier, without decoding it. */
  isIdentifier(i: number): boolean {
    const t = this.strtab;
    let at = this.view.getUint32(i * 24, true);
    if (at >= t.length) return false;
    const first = t[at];
    if (!(first === 95 || (first | 32) >= 97 && (first | 32) <= 122)) return false;
    for (const end = Math.min(t.length, at + MAX_NAME_BYTES + 1); ++at < end; ) {
      const c = t[at];
      if (c === 0) return true;
      if (!(c === 95 || (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122))) return false;
    }
    return false;
  }
}

const NO_SYMBOLS = new SymbolTable(new Uint8Array(0), new Uint8Array(0));

function symbols(all: ElfSection[]): SymbolTable {
  const tabs = all.filter((s) => s.type === SHT.SYMTAB);
  if (tabs.length === 0) return NO_SYMBOLS;
  if (tabs.length > 1) malformed('the object has more than one symbol table');
  const tab = tabs[0];
  if (tab.entsize !== 24) malformed(`the symbol table's entries are ${tab.entsize} bytes; ELF64 symbols are 24`);
  if (tab.size % 24) malformed(`the symbol table's size ${tab.size} is not a whole number of symbols`);
  if (tab.link === 0 || tab.link >= all.length || all[tab.link].type !== SHT.STRTAB) {
    malformed(`the symbol table's string table (section ${tab.link}) is not a string table`);
  }
  return new SymbolTable(tab.data, all[tab.link].data);
}

/**
 * The REL or RELA entries of a relocation section whose target has `maxEntries` slots: each
 * entry relocates one instruction, so more entries than that is malformed (and is refused before
 * any is read).
 */
export function relocations(sec: ElfSection, maxEntries: number): ElfRel[] {
  const rela = sec.type === SHT.RELA;
  const size = rela ? 24 : 16;
  if (sec.entsize !== size) malformed(`${sec.name}: relocation entries are ${sec.entsize} bytes, not ${size}`);
  if (sec.size % size) malformed(`${sec.name}: its size ${sec.size} is not a whole number of relocations`);
  if (sec.size / size > maxEntries) malformed(`${sec.name}: ${sec.size / size} relocations for a section of ${maxEntries} instructions`);
  const b = new Bytes(sec.data);
  const out: ElfRel[] = [];
  for (let o = 0; o < sec.size; o += size) {
    const r: ElfRel = { offset: b.u64(o, `${sec.name}: a relocation offset`), sym: b.u32(o + 12), type: b.u32(o + 8) };
    if (rela) r.addend = b.i64(o + 16);
    out.push(r);
  }
  return out;
}

/** Whether a symbol's section index names a real section of this file. */
export const definedIn = (sym: { shndx: number }, count: number): boolean =>
  sym.shndx !== SHN_UNDEF && sym.shndx < SHN_LORESERVE && sym.shndx < count;

/** Reads the structure of an ELF64 little-endian BPF relocatable object. */
export function readElfStructure(file: Uint8Array): ElfFile {
  if (file.length > MAX_OBJECT_BYTES) malformed(`the file is ${file.length} bytes; objects over ${MAX_OBJECT_BYTES} are not read`);
  const b = new Bytes(file);
  const all = sections(b, header(b));
  return { sections: all, symbols: symbols(all) };
}
