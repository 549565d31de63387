import { describe, expect, it } from 'vitest';
import { MapType, ProgType, slotsToHex } from '../../src/isa';
import { readBpfObject, type BpfObject } from '../../src/elf';
import { fixture, objdump, readelf } from './listing';

const LOADABLE = ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls'];

function read(name: string): BpfObject {
  const r = readBpfObject(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.object;
}

const map = (name: string, type: number, keySize: number, valueSize: number, maxEntries: number, flags = 0) => ({
  name,
  type,
  keySize,
  valueSize,
  maxEntries,
  flags,
});

// What the C sources under test/fixtures/elf/src declare.
const EXPECTED: Record<string, { programs: [string, string, number][]; maps: ReturnType<typeof map>[]; license: string; kernVersion?: number }> = {
  socket_count: {
    programs: [['socket1', 'count_protocols', ProgType.SocketFilter]],
    maps: [map('proto_bytes', MapType.Array, 4, 8, 256)],
    license: 'GPL',
  },
  tc_two: {
    programs: [
      ['classifier', 'cls_flows', ProgType.SchedCls],
      ['action', 'act_mark', ProgType.SchedAct],
    ],
    maps: [map('flows', MapType.Hash, 8, 8, 1024, 1), map('verdicts', MapType.PercpuArray, 4, 8, 3)],
    license: 'GPL',
  },
  kprobe_write: {
    programs: [
      ['kprobe/sys_write', 'trace_write_entry', ProgType.Kprobe],
      ['kretprobe/sys_write', 'trace_write_return', ProgType.Kprobe],
    ],
    maps: [
      map('start_ns', MapType.Hash, 4, 8, 10240),
      map('stacks', MapType.StackTrace, 4, 1016, 1000),
      map('lat_hist', MapType.PercpuHash, 4, 8, 64),
    ],
    license: 'GPL',
    kernVersion: 0x040800,
  },
  tracepoint_open: {
    programs: [['tracepoint/syscalls/sys_enter_open', 'on_open', ProgType.Tracepoint]],
    maps: [map('events', MapType.PerfEventArray, 4, 4, 64)],
    license: 'GPL',
  },
  xdp_drop: {
    programs: [['xdp', 'xdp_drop_discard', ProgType.Xdp]],
    maps: [map('rxcnt', MapType.PercpuArray, 4, 8, 256)],
    license: 'Dual BSD/GPL',
  },
  tail_calls: {
    programs: [
      ['socket/0', 'parse_eth', ProgType.SocketFilter],
      ['socket/1', 'parse_ip', ProgType.SocketFilter],
    ],
    maps: [map('jmp_table', MapType.ProgArray, 4, 4, 8), map('seen', MapType.Array, 4, 8, 2)],
    license: 'GPL',
  },
};

describe('BPF objects compiled by clang', () => {
  it.each(LOADABLE)('%s: programs, maps, license and version as the source declares', (name) => {
    const o = read(name);
    const want = EXPECTED[name];
    expect(o.programs.map((p) => [p.section, p.name, p.program.directives.progType])).toEqual(want.programs);
    expect(o.maps).toEqual(want.maps);
    expect(o.license).toBe(want.license);
    expect(o.kernVersion).toBe(want.kernVersion);
    for (const p of o.programs) {
      expect(p.program.directives).toEqual({
        name: p.name,
        progType: p.program.directives.progType,
        license: want.license,
        ...(want.kernVersion === undefined ? {} : { kernVersion: want.kernVersion }),
      });
    }
  });

  it.each(LOADABLE)('%s: instructions, map references and labels match llvm-objdump -d -r', (name) => {
    const o = read(name);
    const listed = objdump(name);
    expect(o.programs.map((p) => p.section)).toEqual(listed.map((s) => s.name));
    o.programs.forEach((p, i) => {
      const l = listed[i];
      const hex = slotsToHex(p.program.bytes);
      const want: string[] = [];
      for (const [slot, bytes] of [...l.insns].sort((a, b) => a[0] - b[0])) {
        expect(slot).toBe(want.length);
        // a map load gets src_reg BPF_PSEUDO_MAP_FD, as the assembler writes `r1 = map[NAME] ll`
        if (l.relocs.has(slot)) bytes[1] |= 0x10;
        for (let k = 0; k < bytes.length; k += 8) want.push(Buffer.from(bytes.slice(k, k + 8)).toString('hex'));
      }
      expect(hex).toEqual(want);
      expect(p.program.mapRefs).toEqual([...l.relocs].map(([pc, m]) => ({ pc, map: m })).sort((a, b) => a.pc - b.pc));
      for (const [sym, slot] of l.symbols) {
        if (sym === p.name) expect(slot).toBe(0);
        else expect(p.program.labels.get(sym)).toBe(slot);
      }
      expect(p.program.labels.size).toBe(l.symbols.size - 1);
      // each program declares exactly the maps it refers to
      expect(p.program.maps.map((m) => m.name)).toEqual(
        o.maps.map((m) => m.name).filter((m) => p.program.mapRefs.some((r) => r.map === m)),
      );
    });
  });

  it.each(LOADABLE)('%s: maps are named and ordered by the symbols llvm-readelf lists', (name) => {
    const { sections, symbols } = readelf(name);
    const mapsNdx = [...sections].find(([, n]) => n === 'maps')![0];
    const listed = symbols.filter((s) => s.ndx === String(mapsNdx)).sort((a, b) => a.value - b.value);
    expect(read(name).maps.map((m) => m.name)).toEqual(listed.map((s) => s.name));
    expect(listed.every((s) => s.size === 20)).toBe(true);
  });

  it('refuses global data with a clear error', () => {
    const r = readBpfObject(fixture('global_string'));
    expect(r).toEqual({
      ok: false,
      error:
        'kprobe/sys_open: the relocation against ".rodata" uses global data in .rodata, which Linux 4.8 does not have (keep constants on the stack)',
    });
  });

  it('makes a relocated ld_imm64 a map load (src_reg 1, imm 0) and keeps every other byte', () => {
    const p = read('socket_count').programs[0].program;
    expect(slotsToHex(p.bytes).slice(7, 9)).toEqual(['1811000000000000', '0000000000000000']);
    expect(p.insns[p.pcs.indexOf(7)].kind).toBe('ld_imm64');
  });
});
