/**
 * An object's programs as one set, wired into its prog_arrays by section name as 4.8-era loaders
 * did (iproute2's ID/KEY, samples/bpf's socket/N), each loaded with its own type, through a real
 * Session: the kernel's verdicts, slots and errnos.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { objectView } from '../../src/session/io';
import { Session } from '../../src/session';
import type { LoadResult, ObjectSetView } from '../../src/protocol';
import { ProgType } from '../../src/isa';
import { value } from '../support/outcome';

const view = (name: string) => {
  const v = objectView({ bytes: new Uint8Array(readFileSync(`test/fixtures/elf/${name}`)), syntax: 'llvm' });
  if (!v.ok) throw new Error(v.error);
  return v;
};

/** Loads the set as the IDE's Load does (the entry's text, the others and slots as the setup), and the prog_array's slots by program id. */
async function loadSet(set: ObjectSetView, progType: number, logLevel: 0 | 1 | 2 = 1): Promise<{ r: LoadResult; slots: Map<number, number> }> {
  const s = new Session();
  const r = value(await s.load({ text: set.source, syntax: 'auto', progType, logLevel, logSize: 1 << 20, privileged: true, setup: { progs: set.progs, slots: set.slots } }));
  const arr = r.maps.find((m) => m.type === 3)!;
  const page = value(await s.mapEntries({ mapId: arr.id, offset: 0, limit: 64 }));
  const slots = new Map(page.entries.filter((e) => e.prog).map((e) => [e.key[0], e.prog!.id] as [number, number]));
  return { r, slots };
}

describe('object sets', () => {
  test("iproute2's ID/KEY sections go into slot KEY of the map whose bpf_elf_map id is ID; the entry (classifier) is in none, and the set says so", async () => {
    const set = view('tc_tail.o').set!;
    expect(set.main).toBe(0);
    expect(set.progs.map((p) => p.name)).toEqual(['tcp_prog', 'udp_prog']);
    expect(set.slots).toEqual([
      { map: 'jmp_tc', index: 6, value: { prog: 'tcp_prog' } },
      { map: 'jmp_tc', index: 17, value: { prog: 'udp_prog' } },
    ]);
    expect(set.notes).toEqual([]);
    expect(set.entryNote).toMatch(/^cls_entry, the entry, is in no slot: its section classifier names none/);
    // the entry declares every map of the object (a loader creates them all), the others their own
    expect(set.source).toMatch(/\.map jmp_tc prog_array key=4 value=4 entries=32\n\.map counts array key=4 value=8 entries=2\n/);
    expect(set.progs[0].text).toContain('section 1/6 of a clang object');
    expect(set.progs[0].text).toContain('.map counts array');
    // ID/KEY sections have no type of their own: they load with the entry's (sched_cls), as tc loads them
    const { r, slots } = await loadSet(set, ProgType.SchedCls);
    expect(r.ok).toBe(true);
    expect(r.setupProblems).toBeUndefined();
    expect(r.others!.map((o) => [o.name, o.progType])).toEqual([['tcp_prog', ProgType.SchedCls], ['udp_prog', ProgType.SchedCls]]);
    expect([...slots.entries()].sort((a, b) => a[0] - b[0])).toEqual([[6, r.others![0].progId], [17, r.others![1].progId]]);
  });

  test("samples/bpf's socket/N sections go into slot N of the object's first map, the entry's own socket/0 included", async () => {
    const set = view('tail_calls.o').set!;
    expect(set.progs.map((p) => p.name)).toEqual(['parse_ip']);
    expect(set.slots).toEqual([
      { map: 'jmp_table', index: 0, value: { prog: 'parse_eth' } },
      { map: 'jmp_table', index: 1, value: { prog: 'parse_ip' } },
    ]);
    expect(set.notes).toEqual([]);
    expect(set.entryNote).toBeUndefined();
    expect(set.source).toContain('.name parse_eth');
    expect(set.source).toContain('.map seen array key=4 value=8 entries=2');
    const { r, slots } = await loadSet(set, ProgType.SocketFilter);
    expect(r.setupProblems).toBeUndefined();
    // slot 0 holds the entry program itself, as bpf_load.c's populate_prog_array puts it there
    expect(slots.get(0)).toBe(r.progId);
    expect(slots.get(1)).toBe(r.others![0].progId);
  });

  test("tc's entry named ID/KEY: iproute2 never puts the section it attached into a slot, and the set says so", () => {
    // the same rules over a made-up object: tc_tail.o with its entry's section renamed 1/0
    const bytes = new Uint8Array(readFileSync('test/fixtures/elf/tc_tail.o'));
    const at = Buffer.from(bytes).indexOf('classifier\0');
    expect(at).toBeGreaterThan(0);
    bytes.set(Buffer.from('1/0\0'), at);
    const v = objectView({ bytes, syntax: 'llvm' });
    if (!v.ok) throw new Error(v.error);
    const set = v.set!;
    expect(set.slots.map((s) => s.index)).toEqual([6, 17]);
    expect(set.entryNote).toMatch(/its section 1\/0 names slot 0 of jmp_tc, but tc loads the section it attaches first and iproute2 then skips it/);
  });

  test('programs of other types open in the set with their own types; the kernel refuses a kprobe in a socket filters\' prog_array with EINVAL', async () => {
    const set = view('mixed_types.o').set!;
    expect(set.progs.map((p) => p.name)).toEqual(['sock_next', 'probe', 'on_switch']);
    expect(set.slots.map((s) => [s.index, s.value.prog])).toEqual([[0, 'sock_entry'], [1, 'sock_next'], [2, 'probe']]);
    expect(set.progs[1].text).toContain('.type kprobe');
    expect(set.progs[2].text).toContain('.type tracepoint');
    const { r, slots } = await loadSet(set, ProgType.SocketFilter);
    expect(r.ok).toBe(true);
    // each loaded with its own type (kprobe with the object's kern_version)
    expect(r.others!.map((o) => [o.name, o.progType])).toEqual([['sock_next', ProgType.SocketFilter], ['probe', ProgType.Kprobe], ['on_switch', ProgType.Tracepoint]]);
    expect(r.programLogs!.map((l) => [l.name, l.ok])).toEqual([['sock_next', true], ['probe', true], ['on_switch', true]]);
    // 4.8's prog_fd_array_get_ptr: bpf_prog_array_compatible fails, -EINVAL
    expect(r.setupProblems).toEqual(['slot 2 of jmp_table: BPF_MAP_UPDATE_ELEM gave EINVAL (a prog_array holds programs of one type: this one holds socket_filter programs, and the program is a kprobe one)']);
    expect([...slots.keys()].sort()).toEqual([0, 1]);
    expect(slots.get(0)).toBe(r.progId);
  });

  test('an object of several programs opens whole even when no section names a slot; one program has no set', () => {
    const two = view('tc_two.o').set!;
    expect(two.slots).toEqual([]);
    expect(two.progs.length).toBe(1);
    expect(two.entryNote).toMatch(/is in no slot/);
    expect(view('socket_count.o').set).toBeUndefined();
  });
});

describe('the verifier log of every program of a set', () => {
  test('each program has its own log at the load\'s log_level, the main program\'s in LoadResult.log', async () => {
    const set = view('mixed_types.o').set!;
    const one = (await loadSet(set, ProgType.SocketFilter, 1)).r;
    expect(one.log).toMatch(/processed \d+ insns/);
    for (const l of one.programLogs!) expect(l.log).toMatch(/processed \d+ insns/);
    const two = (await loadSet(set, ProgType.SocketFilter, 2)).r;
    // level 2: a state line before each instruction, in each program's own log
    two.programLogs!.forEach((l, i) => {
      expect(l.log).toMatch(/^\d+: R1=ctx R10=fp$/m);
      expect(l.log.split('\n').length).toBeGreaterThan(one.programLogs![i].log.split('\n').length);
    });
    const none = (await loadSet(set, ProgType.SocketFilter, 0)).r;
    expect(none.log).toBe('');
    expect(none.programLogs!.map((l) => l.log)).toEqual(['', '', '']);
  });
});
