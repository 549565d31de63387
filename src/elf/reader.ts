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

export const EM_BPF = 247;
export const ET_REL = 1;
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF_EXECINSTR = 0x4;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const SHN_UNDEF = 0;
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

export interface ElfRel {
  /** byte offset inside the target section */
  offset: number;
  sym: number;
  type: number;
  /** RELA only */
  addend?: number;
}

export interface ElfFile {
  sections: ElfSection[];
  /** the symbol table's entries (index 0 is the null symbol); empty when there is none */
  symbols: ElfSymbol[];
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
  b.check(shoff, shnum * 64, `the ${shnum} section headers`);
  return { shoff, shentsize, shnum, shstrndx };
}

/** A NUL-terminated name in a string table section. */
function strAt(table: Uint8Array, off: number, what: string): string {
  if (off >= table.length) malformed(`${what}: name offset ${off} is past its string table (${table.length} bytes)`);
  let end = off;
  while (end < table.length && table[end] !== 0) end++;
  if (end === table.length) malformed(`${what}: its name is not NUL-terminated`);
  return new TextDecoder('utf-8').decode(table.subarray(off, end));
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

function symbols(all: ElfSection[]): ElfSymbol[] {
  const tabs = all.filter((s) => s.type === SHT.SYMTAB);
  if (tabs.length === 0) return [];
  if (tabs.length > 1) malformed('the object has more than one symbol table');
  const tab = tabs[0];
  if (tab.entsize !== 24) malformed(`the symbol table's entries are ${tab.entsize} bytes; ELF64 symbols are 24`);
  if (tab.size % 24) malformed(`the symbol table's size ${tab.size} is not a whole number of symbols`);
  if (tab.link === 0 || tab.link >= all.length || all[tab.link].type !== SHT.STRTAB) {
    malformed(`the symbol table's string table (section ${tab.link}) is not a string table`);
  }
  const strtab = all[tab.link].data;
  const b = new Bytes(tab.data);
  const out: ElfSymbol[] = [];
  for (let i = 0; i < tab.size / 24; i++) {
    const o = i * 24;
    const info = b.u8(o + 4);
    out.push({
      index: i,
      name: strAt(strtab, b.u32(o), `symbol ${i}`),
      type: info & 0xf,
      bind: info >> 4,
      shndx: b.u16(o + 6),
      value: b.u64(o + 8, `symbol ${i}'s value`),
      size: b.u64(o + 16, `symbol ${i}'s size`),
    });
  }
  return out;
}

/** The REL or RELA entries of a relocation section. */
export function relocations(sec: ElfSection): ElfRel[] {
  const rela = sec.type === SHT.RELA;
  const size = rela ? 24 : 16;
  if (sec.entsize !== size) malformed(`${sec.name}: relocation entries are ${sec.entsize} bytes, not ${size}`);
  if (sec.size % size) malformed(`${sec.name}: its size ${sec.size} is not a whole number of relocations`);
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
export const definedIn = (sym: ElfSymbol, count: number): boolean =>
  sym.shndx !== SHN_UNDEF && sym.shndx < SHN_LORESERVE && sym.shndx < count;

/** Reads the structure of an ELF64 little-endian BPF relocatable object. */
export function readElfStructure(file: Uint8Array): ElfFile {
  if (file.length > MAX_OBJECT_BYTES) malformed(`the file is ${file.length} bytes; objects over ${MAX_OBJECT_BYTES} are not read`);
  const b = new Bytes(file);
  const all = sections(b, header(b));
  return { sections: all, symbols: symbols(all) };
}
