import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBpfObject } from '../../src/elf';
import { fixture, readelf } from './listing';

/** A copy of a fixture with a DataView for patching. */
function edit(name: string, patch: (v: DataView, at: Layout) => void): Uint8Array {
  const b = fixture(name).slice();
  const v = new DataView(b.buffer);
  const { sections } = readelf(name);
  const shoff = Number(v.getBigUint64(40, true));
  const sec = (n: string) => {
    const i = [...sections].find(([, s]) => s === n)![0];
    return shoff + i * 64;
  };
  patch(v, { shoff, sec, index: (n) => [...sections].find(([, s]) => s === n)![0] });
  return b;
}
interface Layout {
  shoff: number;
  /** offset of the named section's header */
  sec(name: string): number;
  index(name: string): number;
}

const u64 = (v: DataView, off: number, x: bigint) => v.setBigUint64(off, x, true);
// section header fields
const [SH_TYPE, SH_FLAGS, SH_OFFSET, SH_SIZE, SH_LINK, SH_INFO, SH_ENTSIZE] = [4, 8, 24, 32, 40, 44, 56];

const HOSTILE: [string, () => Uint8Array, RegExp][] = [
  ['an empty file', () => new Uint8Array(0), /shorter than an ELF64 header/],
  ['a truncated header', () => fixture('socket_count').slice(0, 40), /shorter than an ELF64 header/],
  ['text, not ELF', () => new TextEncoder().encode('r0 = 0\nexit\n'.repeat(8)), /not an ELF file/],
  ['a 32-bit ELF', () => edit('socket_count', (v) => v.setUint8(4, 1)), /32-bit ELF/],
  ['a big-endian ELF', () => edit('socket_count', (v) => v.setUint8(5, 2)), /big-endian/],
  ['an x86-64 object', () => edit('socket_count', (v) => v.setUint16(18, 62, true)), /e_machine is 62, not 247/],
  ['an executable, not relocatable', () => edit('socket_count', (v) => v.setUint16(16, 2, true)), /e_type is 2/],
  ['section headers past the end', () => edit('socket_count', (v) => u64(v, 40, 0x100000n)), /section header.*outside/],
  ['a huge e_shoff', () => edit('socket_count', (v) => u64(v, 40, 0xffffffffffffff00n)), /e_shoff is 0x.*far larger/],
  ['a wrong e_shentsize', () => edit('socket_count', (v) => v.setUint16(58, 40, true)), /e_shentsize is 40/],
  ['too many sections', () => edit('socket_count', (v) => v.setUint16(60, 0xfff0, true)), /e_shnum is 65520/],
  ['a bad e_shstrndx', () => edit('socket_count', (v) => v.setUint16(62, 200, true)), /e_shstrndx is 200/],
  ['names in a non-string section', () => edit('socket_count', (v, at) => v.setUint16(62, at.index('maps'), true)), /not a string table/],
  ['a section past the end', () => edit('socket_count', (v, at) => u64(v, at.sec('socket1') + SH_OFFSET, 0xfffffn)), /section \d+'s contents.*outside/],
  ['a hostile section size', () => edit('socket_count', (v, at) => u64(v, at.sec('socket1') + SH_SIZE, 0xffffffffffffffffn)), /section \d+'s size is 0x/],
  ['a section name past its table', () => edit('socket_count', (v, at) => v.setUint32(at.sec('maps'), 0xffffff, true)), /name offset 16777215 is past/],
  ['a wrong symbol size', () => edit('socket_count', (v, at) => u64(v, at.sec('.symtab') + SH_ENTSIZE, 16n)), /symbols are 24/],
  ['a symbol table linked to no strings', () => edit('socket_count', (v, at) => v.setUint32(at.sec('.symtab') + SH_LINK, 99, true)), /string table \(section 99\)/],
  ['a program cut mid-instruction', () => edit('socket_count', (v, at) => u64(v, at.sec('socket1') + SH_SIZE, 61n)), /not a whole number of 8-byte/],
  ['a relocation off the program', () => edit('socket_count', (v, at) => {
    const rel = Number(v.getBigUint64(at.sec('.relsocket1') + SH_OFFSET, true));
    u64(v, rel, 0x4000n);
  }), /not at an instruction of the section/],
  ['a relocation on a non-ld_imm64', () => edit('socket_count', (v, at) => {
    const rel = Number(v.getBigUint64(at.sec('.relsocket1') + SH_OFFSET, true));
    u64(v, rel, 0n);
  }), /not an ld_imm64/],
  ['a relocation to a missing symbol', () => edit('socket_count', (v, at) => {
    const rel = Number(v.getBigUint64(at.sec('.relsocket1') + SH_OFFSET, true));
    v.setUint32(rel + 12, 5000, true);
  }), /symbol 5000, which does not exist/],
  ['an unknown relocation type', () => edit('socket_count', (v, at) => {
    const rel = Number(v.getBigUint64(at.sec('.relsocket1') + SH_OFFSET, true));
    v.setUint32(rel + 8, 3, true);
  }), /relocation type 3 is not R_BPF_64_64/],
  ['relocations of a wrong entry size', () => edit('socket_count', (v, at) => u64(v, at.sec('.relsocket1') + SH_ENTSIZE, 8n)), /relocation entries are 8 bytes/],
  ['a map definition past the maps section', () => edit('socket_count', (v, at) => u64(v, at.sec('maps') + SH_SIZE, 8n)), /runs past the maps section/],
  ['a relocation into a non-map section', () => edit('socket_count', (v, at) => {
    const rel = Number(v.getBigUint64(at.sec('.relsocket1') + SH_OFFSET, true));
    const license = readelf('socket_count').symbols.findIndex((x) => x.name === '_license');
    v.setUint32(rel + 12, license, true);
  }), /against "_license" points into section "license", not into the maps section/],
  ['a maps section without symbols', () => edit('socket_count', (v, at) => v.setUint32(at.sec('.symtab') + SH_TYPE, 8, true)), /maps section has no symbols/],
  ['BTF-style .maps', () => edit('socket_count', (v, at) => {
    // rename "maps" to ".maps" by pointing its name one byte earlier, at a '.' if there is one
    const strtab = Number(v.getBigUint64(at.sec('.strtab') + SH_OFFSET, true));
    const nameOff = v.getUint32(at.sec('maps'), true);
    v.setUint8(strtab + nameOff - 1, 0x2e);
    v.setUint32(at.sec('maps'), nameOff - 1, true);
  }), /BTF maps \(\.maps section\)/],
  ['no program at all', () => edit('socket_count', (v, at) => v.setUint32(at.sec('socket1') + SH_FLAGS, 2, true)), /holds no program/],
  ['a version section of the wrong size', () => edit('kprobe_write', (v, at) => u64(v, at.sec('version') + SH_SIZE, 2n)), /version section is 2 bytes/],
  ['a license with a double quote', () => edit('socket_count', (v, at) => {
    v.setUint8(Number(v.getBigUint64(at.sec('license') + SH_OFFSET, true)) + 1, 0x22);
  }), /license holds a double quote/],
  ['a license without its NUL', () => edit('socket_count', (v, at) => u64(v, at.sec('license') + SH_SIZE, 3n)), /license section is not a NUL-terminated/],
];

describe('malformed BPF objects', () => {
  it.each(HOSTILE)('%s gets a clear error', (_name, make, message) => {
    const r = readBpfObject(make());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('ignores relocations of sections that are not programs', () => {
    const b = edit('socket_count', (v, at) => v.setUint32(at.sec('.relsocket1') + SH_INFO, at.index('license'), true));
    const r = readBpfObject(b);
    expect(r.ok && r.object.programs[0].program.mapRefs).toEqual([]);
  });

  const objects = ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls', 'global_string'].map(fixture);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 7, 0x7fffffff, 0xffffffff, 0x10000, 24, 64) }),
    fc.record({ kind: fc.constant('u64' as const), at: fc.nat(), value: fc.constantFrom(0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0x1fffffffffffffn) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
  );

  it('never throws on random mutations of the fixtures', () => {
    fc.assert(
      fc.property(fc.nat(objects.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), (which, muts) => {
        let b = objects[which].slice();
        for (const m of muts) {
          const v = new DataView(b.buffer);
          if (m.kind === 'cut') b = b.slice(0, m.at % (b.length + 1));
          else if (m.kind === 'byte') b[m.at % b.length] = m.value;
          else if (m.kind === 'u32' && b.length >= 4) v.setUint32(m.at % (b.length - 3), m.value, true);
          else if (m.kind === 'u64' && b.length >= 8) v.setBigUint64(m.at % (b.length - 7), m.value, true);
        }
        const r = readBpfObject(b);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
  });

  it('never throws on mutations aimed at headers, section headers and symbols', () => {
    const base = fixture('kprobe_write');
    const shoff = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(40, true));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - shoff + 63), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const b = base.slice();
        for (const [at, value] of edits) b[at < 64 ? at : shoff + at - 64] = value;
        const r = readBpfObject(b);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
  });
});
