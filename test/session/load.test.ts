/**
 * The session's assemble and load, over the real assembler, kernel and 4.8 verifier: what the
 * editor, the toolbar and the verifier log pane get back.
 */
import { describe, expect, test } from 'vitest';
import { MemoryStorage } from '../../src/kernel/storage';
import { Session } from '../../src/session';
import { statesAt, type LoadRequest, type LoadResult } from '../../src/protocol';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { value } from '../support/outcome';

const req = (over: Partial<LoadRequest>): LoadRequest => ({ text: EXAMPLE_PROGRAM, syntax: 'auto', progType: 3, logLevel: 1, logSize: 65536, privileged: true, ...over });
const load = async (s: Session, over: Partial<LoadRequest> = {}): Promise<LoadResult> => value(await s.load(req(over)));

describe('assemble for markers', () => {
  test('errors carry line and column', async () => {
    const r = value(await new Session().assemble({ text: 'r0 = 1\nr0 = = 2\nexit\n', syntax: 'auto' }));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ line: 2, severity: 'error' });
    expect(r.diagnostics[0].col).toBeGreaterThan(0);
  });
  test('a program maps slots to lines and prints them as the log does', async () => {
    const r = value(await new Session().assemble({ text: '# hi\nr0 = 1\nr1 = 0x100000000 ll\nexit\n', syntax: 'auto' }));
    if (!r.ok) throw new Error('did not assemble');
    expect(r.program.slots).toBe(4);
    expect(r.program.lines).toEqual([2, 3, null, 4]);
    expect(r.program.text[0]).toBe('(b7) r0 = 1');
    expect(r.program.text[3]).toBe('(95) exit');
  });
});

describe('load', () => {
  test('the example loads, with the 4.8 log, its map and the verifier states', async () => {
    const s = new Session();
    const r = await load(s);
    expect(r).toMatchObject({ stage: 'load', ok: true, errno: 0, progType: 3 });
    expect(r.log).toMatch(/^0: \(bf\) r6 = r1\n/);
    expect(r.log).toMatch(/processed \d+ insns\n$/);
    expect(r.progId).toBeGreaterThan(0);
    expect(r.maps.map((m) => m.name)).toEqual(['counts']);
    const at0 = statesAt(r.analysis, 0)[0];
    expect(at0.regs).toEqual([
      { reg: 1, type: 'ctx' },
      { reg: 10, type: 'fp' },
    ]);
  });

  test('log_level 0 asks for no log and gets none', async () => {
    const r = await load(new Session(), { logLevel: 0 });
    expect(r.ok).toBe(true);
    expect(r.log).toBe('');
  });

  test('a log that does not fit is cut at log_size - 1 and the load fails with ENOSPC', async () => {
    const r = await load(new Session(), { logSize: 200 });
    expect(r).toMatchObject({ ok: false, errno: 28, errnoName: 'ENOSPC', logTruncated: true });
    expect(r.log.length).toBe(199);
  });

  test('log_size below 128 is EINVAL, with nothing written', async () => {
    const r = await load(new Session(), { logSize: 100 });
    expect(r).toMatchObject({ ok: false, errno: 22, log: '' });
  });

  test('a verifier error is the last log line, with the instruction it belongs to', async () => {
    const text = '.map m array key=4 value=8 entries=1\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[m] ll\ncall bpf_map_lookup_elem\nr0 = *(u64 *)(r0 +0)\nexit\n';
    const r = await load(new Session(), { text, progType: 1 });
    expect(r).toMatchObject({ ok: false, errno: 13, errnoName: 'EACCES' });
    expect(r.log.trimEnd().split('\n').at(-1)).toBe("R0 invalid mem access 'map_value_or_null'");
    expect(r.program!.lines[r.analysis!.errorPc!]).toBe(7);
  });

  test('unprivileged loads follow the unprivileged rules', async () => {
    const text = 'r0 = r10\nexit\n';
    expect((await load(new Session(), { text, progType: 1, privileged: true })).ok).toBe(true);
    const r = await load(new Session(), { text, progType: 1, privileged: false });
    expect(r).toMatchObject({ ok: false, errno: 13 });
    expect(r.log).toContain('R0 leaks addr as return value');
  });

  test('text that does not assemble loads nothing and says where', async () => {
    const r = await load(new Session(), { text: 'r0 = 1\nbogus r1\nexit\n' });
    expect(r.stage).toBe('assemble');
    expect(r.diagnostics[0].line).toBe(2);
  });

  test('a new load replaces the old program and maps', async () => {
    const s = new Session();
    await load(s);
    const r = await load(s);
    expect(r.maps).toHaveLength(1);
    const progs = value(await s.shell('bpftool prog show')).output;
    expect(progs.match(/^\d+: sched_cls/gm)).toHaveLength(1);
  });
});

describe('maps and the shell', () => {
  test("a per-CPU map's .entry gives every CPU the value (it loaded with EFAULT before)", async () => {
    const s = new Session({ settings: { ncpus: 3 } });
    const r = await load(s, { progType: 1, text: '.map c percpu_array key=4 value=4 entries=2\n.entry c key=01000000 value=2a000000\nr0 = 0\nexit\n' });
    expect(r.ok).toBe(true);
    const page = value(await s.mapEntries({ mapId: r.maps[0].id, offset: 1, limit: 1 }));
    expect(Array.from(page.entries[0].value!)).toEqual([42, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('entries can be edited and read back in pages', async () => {
    const s = new Session();
    const r = await load(s);
    const id = r.maps[0].id;
    const key = new Uint8Array([6, 0, 0, 0]);
    const edit = value(await s.mapUpdate({ mapId: id, key, value: new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]), flags: 0 }));
    expect(edit).toMatchObject({ errno: 0, map: { count: 1 } });
    const again = value(await s.mapUpdate({ mapId: id, key, value: new Uint8Array(8), flags: 1 }));
    expect(again).toMatchObject({ errno: 17, errnoName: 'EEXIST' });
    const page = value(await s.mapEntries({ mapId: id, offset: 0, limit: 2 }));
    expect(page.total).toBe(1);
    expect(page.entries[0]).toEqual({ key, value: new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]) });
    expect(value(await s.mapDelete({ mapId: id, key })).errno).toBe(0);
    expect(value(await s.mapDelete({ mapId: id, key }))).toMatchObject({ errno: 2, errnoName: 'ENOENT' });
  });

  test('bpftool sees the loaded map, and a pinned map survives a new session on the same storage', async () => {
    const storage = new MemoryStorage();
    const a = new Session({ storage });
    const r = await load(a);
    const id = r.maps[0].id;
    await a.mapUpdate({ mapId: id, key: new Uint8Array([1, 0, 0, 0]), value: new Uint8Array([42, 0, 0, 0, 0, 0, 0, 0]), flags: 0 });
    expect(value(await a.shell('bpftool map show')).output).toContain('counts');
    expect(value(await a.shell(`bpftool map pin id ${id} /sys/fs/bpf/counts`)).status).toBe(0);
    await a.flush();
    const b = new Session({ storage });
    const maps = value(await b.maps());
    expect(maps.map((m) => m.pins)).toEqual([['/sys/fs/bpf/counts']]);
    const dump = value(await b.shell('bpftool map dump pinned /sys/fs/bpf/counts')).output;
    expect(dump).toMatch(/key: 01 00 00 00\s+value: 2a 00 00 00 00 00 00 00/);
    expect(dump).toContain('Found 1 element');
  });

  test('an unknown command is the shell\'s error, not the engine\'s', async () => {
    const r = value(await new Session().shell('frobnicate'));
    expect(r.status).toBe(127);
    expect(r.output).toContain('command not found');
  });
});

describe('a refusal crosses the boundary with its message id', () => {
  test('the verifier\'s refusal: id, named arguments, the log line and its instruction', async () => {
    const r = await load(new Session(), { text: 'r0 = *(u32 *)(r1 +4)\nexit\n', progType: 5 });
    expect(r.ok).toBe(false);
    expect(r.refusal).toEqual({ id: 'ctx_access', args: { off: 4, size: 4 }, text: 'invalid bpf_context access off=4 size=4', message: 'invalid bpf_context access off=4 size=4', pc: 0 });
    expect(structuredClone(r.refusal)).toEqual(r.refusal);
  });
  test('ENOSPC is the log\'s refusal, even for a program the verifier accepts', async () => {
    const r = await load(new Session(), { logSize: 128 });
    expect(r.errno).toBe(28);
    expect(r.refusal).toMatchObject({ id: 'log_full', args: { log_size: 128 }, text: null });
  });
  test('a refusal before the verifier ran (log attributes) has its id too; an accepted program has none', async () => {
    expect((await load(new Session(), { logSize: 100 })).refusal?.id).toBe('log_attrs');
    expect((await load(new Session())).refusal).toBeUndefined();
  });
});
