/** An object's programs as one tail-call set, wired into its prog_arrays by section name as 4.8-era loaders did. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { objectView } from '../../src/session/io';

const view = (name: string) => {
  const v = objectView({ bytes: new Uint8Array(readFileSync(`test/fixtures/elf/${name}`)), syntax: 'llvm' });
  if (!v.ok) throw new Error(v.error);
  return v;
};

describe('object sets', () => {
  test("iproute2's ID/KEY sections go into slot KEY of the map whose bpf_elf_map id is ID", () => {
    const set = view('tc_tail.o').set!;
    expect(set.main).toBe(0);
    expect(set.progs.map((p) => p.name)).toEqual(['tcp_prog', 'udp_prog']);
    expect(set.slots).toEqual([
      { map: 'jmp_tc', index: 6, value: { prog: 'tcp_prog' } },
      { map: 'jmp_tc', index: 17, value: { prog: 'udp_prog' } },
    ]);
    expect(set.notes).toEqual([]);
    // the entry declares every map of the object (a loader creates them all), the others their own
    expect(set.source).toMatch(/\.map jmp_tc prog_array key=4 value=4 entries=32\n\.map counts array key=4 value=8 entries=2\n/);
    expect(set.progs[0].text).toContain('section 1/6 of a clang object');
    expect(set.progs[0].text).toContain('.map counts array');
  });

  test("samples/bpf's socket/N sections go into slot N of the object's first map; the entry's own slot stays empty", () => {
    const set = view('tail_calls.o').set!;
    expect(set.progs.map((p) => p.name)).toEqual(['parse_ip']);
    expect(set.slots).toEqual([{ map: 'jmp_table', index: 1, value: { prog: 'parse_ip' } }]);
    expect(set.notes).toEqual(['slot 0 of jmp_table would hold the entry program itself; it stays empty']);
    expect(set.source).toContain('.map seen array key=4 value=8 entries=2');
  });

  test('an object whose sections name no slot has no set', () => {
    expect(view('tc_two.o').set).toBeUndefined();
    expect(view('socket_count.o').set).toBeUndefined();
  });
});
