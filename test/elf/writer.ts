/**
 * A small ELF64 little-endian relocatable writer for tests, independent of src/elf: sections with
 * their bytes, a string table of section names, a symbol table and REL sections. It lays the file
 * out as clang does (header, section contents, section headers last), so tests can build objects
 * at the readers' limits without a compiler.
 */
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, REL: 9 } as const;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;

export interface SectionSpec {
  name: string;
  type: number;
  flags?: number;
  data: Uint8Array;
  link?: number;
  info?: number;
  entsize?: number;
}

export interface SymbolSpec {
  name: string;
  /** STT_* */
  type?: number;
  /** STB_* (1 global) */
  bind?: number;
  /** section index (1-based as in the file; 0 undefined) */
  shndx: number;
  value?: number;
  size?: number;
}

interface RelSpec {
  offset: number;
  sym: number;
  type?: number;
}

/** A string table and the offset of each string in it (index 0 is the empty string). */
function strtab(names: readonly string[]): { bytes: Uint8Array; offsets: Map<string, number> } {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [new Uint8Array(1)];
  const offsets = new Map<string, number>([['', 0]]);
  let off = 1;
  for (const n of names) {
    if (offsets.has(n)) continue;
    const b = enc.encode(n);
    offsets.set(n, off);
    parts.push(b, new Uint8Array(1));
    off += b.length + 1;
  }
  const bytes = new Uint8Array(off);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, offsets };
}

/** REL entries (16 bytes each: offset, info = sym << 32 | type). */
export function rels(list: readonly RelSpec[]): Uint8Array {
  const b = new Uint8Array(list.length * 16);
  const v = new DataView(b.buffer);
  list.forEach((r, i) => {
    v.setBigUint64(i * 16, BigInt(r.offset), true);
    v.setUint32(i * 16 + 8, r.type ?? 1, true);
    v.setUint32(i * 16 + 12, r.sym, true);
  });
  return b;
}

interface ObjectSpec {
  /** sections after the null section; `.strtab` (names and symbols) and `.symtab` are added last */
  sections: SectionSpec[];
  symbols?: SymbolSpec[];
}

/** The bytes of an ELF64 LE relocatable object for e_machine 247 (BPF). */
export function writeElf(spec: ObjectSpec): Uint8Array {
  const syms = spec.symbols ?? [];
  const names = strtab([...spec.sections.map((s) => s.name), '.strtab', '.symtab', ...syms.map((s) => s.name)]);
  const strIndex = spec.sections.length + 1;
  const symIndex = strIndex + 1;
  const symData = new Uint8Array((syms.length + 1) * 24);
  const sv = new DataView(symData.buffer);
  syms.forEach((s, i) => {
    const o = (i + 1) * 24;
    sv.setUint32(o, names.offsets.get(s.name)!, true);
    sv.setUint8(o + 4, ((s.bind ?? 0) << 4) | (s.type ?? 0));
    sv.setUint16(o + 6, s.shndx, true);
    sv.setBigUint64(o + 8, BigInt(s.value ?? 0), true);
    sv.setBigUint64(o + 16, BigInt(s.size ?? 0), true);
  });
  const all: SectionSpec[] = [
    ...spec.sections,
    { name: '.strtab', type: SHT.STRTAB, data: names.bytes },
    { name: '.symtab', type: SHT.SYMTAB, data: symData, link: strIndex, info: 1, entsize: 24 },
  ];
  let off = 64;
  const placed = all.map((s) => {
    off = Math.ceil(off / 8) * 8;
    const at = off;
    off += s.data.length;
    return at;
  });
  const shoff = Math.ceil(off / 8) * 8;
  const out = new Uint8Array(shoff + (all.length + 1) * 64);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(16, 1, true); // ET_REL
  v.setUint16(18, 247, true); // EM_BPF
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, all.length + 1, true);
  v.setUint16(62, strIndex, true);
  all.forEach((s, i) => {
    out.set(s.data, placed[i]);
    const h = shoff + (i + 1) * 64;
    v.setUint32(h, names.offsets.get(s.name)!, true);
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 8, BigInt(s.flags ?? (s.type === SHT.PROGBITS ? SHF_ALLOC : 0)), true);
    v.setBigUint64(h + 24, BigInt(placed[i]), true);
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setUint32(h + 40, s.link ?? 0, true);
    v.setUint32(h + 44, s.info ?? 0, true);
    v.setBigUint64(h + 48, 8n, true);
    v.setBigUint64(h + 56, BigInt(s.entsize ?? (s.type === SHT.REL ? 16 : 0)), true);
  });
  void symIndex;
  return out;
}

/** A program section's flags. */
export const EXEC = SHF_ALLOC | SHF_EXECINSTR;
