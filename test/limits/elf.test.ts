/**
 * The ELF reader at its limits: the most instructions and relocations it reads, millions of
 * symbols, the most sections, hostile string tables and relocation counts. Each finishes well under
 * a second (the reader was quadratic in relocations: 100k of them took 21.7 s), and whatever is
 * past a limit is refused before the work, with a message that names the limit.
 */
import { describe, expect, it } from 'vitest';
import { readBpfObject } from '../../src/elf';
import { MAX_MAPS, MAX_OBJECT_SLOTS } from '../../src/elf/object';
import { MAX_NAME_BYTES, MAX_SECTIONS } from '../../src/elf/reader';
import { objectView } from '../../src/session/io';
import { EXEC, rels, SHT, writeElf, type SectionSpec, type SymbolSpec } from '../elf/writer';
import { cpuMs, WELL_UNDER_A_SECOND } from './cpu';

const LD_MAP = [0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const EXIT = [0x95, 0, 0, 0, 0, 0, 0, 0];

/** A map definition section of `n` maps (20 bytes each) and their symbols in section `shndx`. */
function mapsSection(n: number, shndx: number): { sec: SectionSpec; syms: SymbolSpec[] } {
  const data = new Uint8Array(n * 20);
  const v = new DataView(data.buffer);
  for (let i = 0; i < n; i++) {
    v.setUint32(i * 20, 1, true);
    v.setUint32(i * 20 + 4, 4, true);
    v.setUint32(i * 20 + 8, 8, true);
    v.setUint32(i * 20 + 12, 16, true);
  }
  const syms = Array.from({ length: n }, (_, i) => ({ name: `m${i}`, type: 1, bind: 1, shndx, value: i * 20, size: 20 }));
  return { sec: { name: 'maps', type: SHT.PROGBITS, data }, syms };
}

/** A program of `slots` slots: ld_imm64 map loads, each relocated, and a final exit. */
function mapLoads(slots: number): { code: Uint8Array; relocs: { offset: number; sym: number }[] } {
  const loads = (slots - 1) >> 1;
  const code = new Uint8Array(slots * 8);
  const relocs = [];
  for (let i = 0; i < loads; i++) {
    code.set(LD_MAP, i * 16);
    relocs.push({ offset: i * 16, sym: 1 + (i % 64) });
  }
  code.set(EXIT, (slots - 1) * 8);
  return { code, relocs };
}

describe('ELF objects at the reader limits', () => {
  it(`${MAX_OBJECT_SLOTS} instructions with a relocated map load in every other slot read, and open as editor text, well under a second`, () => {
    const { code, relocs } = mapLoads(MAX_OBJECT_SLOTS - 1);
    const maps = mapsSection(64, 2);
    const obj = writeElf({
      sections: [
        { name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: code },
        maps.sec,
        { name: '.relsocket', type: SHT.REL, data: rels(relocs), info: 1, link: 5 },
      ],
      symbols: maps.syms,
    });
    const read = cpuMs(() => readBpfObject(obj));
    expect(read.value.ok).toBe(true);
    if (read.value.ok) expect(read.value.object.programs[0].program.mapRefs.length).toBe(relocs.length);
    expect(read.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    const view = cpuMs(() => objectView({ bytes: obj, syntax: 'llvm' }));
    expect(view.value.ok && view.value.programs[0].slots).toBe(MAX_OBJECT_SLOTS - 1);
    expect(view.ms).toBeLessThan(WELL_UNDER_A_SECOND);
  });

  it('one instruction more is refused, naming the limit', () => {
    const { code } = mapLoads(MAX_OBJECT_SLOTS + 1);
    const r = readBpfObject(writeElf({ sections: [{ name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: code }] }));
    expect(r.ok ? '' : r.error).toMatch(`hold ${MAX_OBJECT_SLOTS + 1} instructions; bpflab reads at most ${MAX_OBJECT_SLOTS}`);
  });

  it('2,000,000 symbols (48 MB of symbol table) read well under a second', () => {
    const n = 2_000_000;
    const symtab = new Uint8Array((n + 1) * 24);
    const v = new DataView(symtab.buffer);
    for (let i = 1; i <= n; i++) {
      v.setUint32(i * 24, 1, true); // all named "a" (offset 1 of the string table)
      v.setUint16(i * 24 + 6, 1, true); // in the program section: label candidates at slot 0
    }
    const obj = writeElf({ sections: [{ name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: Uint8Array.from([0xb7, 0, 0, 0, 0, 0, 0, 0, ...EXIT]) }] });
    // swap in the big symbol table: rebuild with it as the symtab's data
    const big = withSymtab(obj, symtab);
    const r = cpuMs(() => readBpfObject(big));
    expect(r.value.ok).toBe(true);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
  });

  it(`${MAX_SECTIONS} sections read well under a second; one more is refused`, () => {
    const sections: SectionSpec[] = [{ name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: Uint8Array.from(EXIT) }];
    for (let i = sections.length; i < MAX_SECTIONS - 3; i++) sections.push({ name: `.s${i}`, type: SHT.PROGBITS, data: new Uint8Array(0) });
    const obj = writeElf({ sections });
    const r = cpuMs(() => readBpfObject(obj));
    expect(r.value.ok).toBe(true);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    sections.push({ name: '.one_more', type: SHT.PROGBITS, data: new Uint8Array(0) });
    const over = readBpfObject(writeElf({ sections }));
    expect(over.ok ? '' : over.error).toMatch(`has ${MAX_SECTIONS + 1} sections; bpflab reads at most ${MAX_SECTIONS}`);
  });

  it('names without their NUL in a huge string table cost one bounded scan each', () => {
    // 200,000 section names all pointing into a 16 MB run of letters: each scan stops at MAX_NAME_BYTES
    const sections: SectionSpec[] = [{ name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: Uint8Array.from(EXIT) }];
    const obj = writeElf({ sections });
    const r = cpuMs(() => readBpfObject(withLongNames(obj)));
    expect(r.value.ok ? '' : r.value.error).toMatch(`longer than ${MAX_NAME_BYTES} bytes`);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
  });

  it('more relocations than the section has instructions are refused before any is read', () => {
    const many = new Uint8Array(16 * 3_000_000);
    const obj = writeElf({
      sections: [
        { name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: Uint8Array.from([...LD_MAP, ...EXIT]) },
        { name: '.relsocket', type: SHT.REL, data: many, info: 1, link: 3 },
      ],
    });
    const r = cpuMs(() => readBpfObject(obj));
    expect(r.value.ok ? '' : r.value.error).toMatch('3000000 relocations for a section of 3 instructions');
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
  });

  it(`${MAX_MAPS} maps read; one more is refused`, () => {
    for (const n of [MAX_MAPS, MAX_MAPS + 1]) {
      const maps = mapsSection(n, 2);
      const obj = writeElf({ sections: [{ name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: Uint8Array.from(EXIT) }, maps.sec], symbols: maps.syms });
      const r = cpuMs(() => readBpfObject(obj));
      if (n === MAX_MAPS) expect(r.value.ok && r.value.object.maps.length).toBe(MAX_MAPS);
      else expect(r.value.ok ? '' : r.value.error).toMatch(`defines ${n} maps; bpflab reads at most ${MAX_MAPS}`);
      expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    }
  });
});

/** `obj` with its symbol table's contents replaced (appended at the end, header patched). */
function withSymtab(obj: Uint8Array, symtab: Uint8Array): Uint8Array {
  const v = new DataView(obj.buffer, obj.byteOffset);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const out = new Uint8Array(obj.length + symtab.length);
  out.set(obj);
  out.set(symtab, obj.length);
  const o = new DataView(out.buffer);
  for (let i = 1; i < shnum; i++) {
    const h = shoff + i * 64;
    if (o.getUint32(h + 4, true) !== SHT.SYMTAB) continue;
    o.setBigUint64(h + 24, BigInt(obj.length), true);
    o.setBigUint64(h + 32, BigInt(symtab.length), true);
  }
  return out;
}

/** `obj` with 200,000 extra section headers whose names point into a 16 MB NUL-free string table. */
function withLongNames(obj: Uint8Array): Uint8Array {
  const v = new DataView(obj.buffer, obj.byteOffset);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const shstrndx = v.getUint16(62, true);
  const extra = 60_000;
  const letters = new Uint8Array(16 << 20).fill(0x61);
  letters[letters.length - 1] = 0;
  const headers = new Uint8Array((shnum + extra) * 64);
  headers.set(obj.subarray(shoff, shoff + shnum * 64));
  const out = new Uint8Array(obj.length + letters.length + headers.length);
  out.set(obj.subarray(0, shoff));
  const strAt = shoff;
  out.set(letters, strAt);
  const newShoff = strAt + letters.length;
  out.set(headers, newShoff);
  const o = new DataView(out.buffer);
  o.setBigUint64(40, BigInt(newShoff), true);
  o.setUint16(60, shnum + extra, true);
  // the section-name table is now the letters
  const nh = newShoff + shstrndx * 64;
  o.setBigUint64(nh + 24, BigInt(strAt), true);
  o.setBigUint64(nh + 32, BigInt(letters.length), true);
  for (let i = 0; i < extra; i++) {
    const h = newShoff + (shnum + i) * 64;
    o.setUint32(h, i * 97, true);
    o.setUint32(h + 4, SHT.PROGBITS, true);
  }
  return out;
}
