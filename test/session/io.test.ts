/**
 * The session's API for the IDE's sharing and imports: seek replays exactly what stepping does
 * (across repetitions), shareState gives the maps as the run began, the loader's setup reports
 * what it could not do, a capture replay stops when interrupted, and tracepoint records and
 * objects come back as values.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Session } from '../../src/session';
import { lessonById } from '../../src/lessons';
import type { DebugSnapshot } from '../../src/protocol';
import { repeatedPcap } from '../pcap/writer';
import { value as ok } from '../support/outcome';

const TCP_SYN = lessonById('count-packets')!.input!.packet!;
const packet = Uint8Array.from(Buffer.from(TCP_SYN, 'hex'));
const view = (s: DebugSnapshot) => ({ step: s.step, pc: s.pc, regs: s.regs, repetition: s.repetition, position: s.position, state: s.state, stack: s.stack.bytes });

describe('seek', () => {
  test('seek to any position equals stepping there, across repetitions', async () => {
    const a = new Session();
    const b = new Session();
    const req = { text: lessonById('count-packets')!.source, syntax: 'auto' as const, progType: 1, logLevel: 1 as const, logSize: 65536, privileged: true };
    expect(ok(await a.load(req)).ok).toBe(true);
    expect(ok(await b.load(req)).ok).toBe(true);
    ok(await a.debugStart({ packet, repeat: 5 }));
    let position = 0;
    for (const n of [1, 4, 9, 10, 11, 30, 47]) {
      const s = ok(await a.step(n - position)).snapshot;
      position = n;
      expect(s.position).toBe(n);
      ok(await b.debugStart({ packet, repeat: 5 }));
      const t = ok(await b.seek(n)).snapshot;
      expect(view(t)).toEqual(view(s));
      expect(t.last?.pcBefore).toBe(s.last?.pcBefore);
    }
    // backwards within the repetition; not past its start
    const back = ok(await b.seek(45)).snapshot;
    expect(back.position).toBe(45);
    const far = await b.seek(0);
    expect(far.ok).toBe(false);
  });
});

const ARRAY_PROG = `.type socket_filter
.map arr array key=4 value=8 entries=64
.map h hash key=4 value=4 entries=8
.entry arr key=03000000 value=0700000000000000
.entry h key=01000000 value=02000000
    *(u32 *)(r10 -4) = 3
    r2 = r10
    r2 += -4
    r1 = map[arr] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r1 = 1
    lock *(u64 *)(r0 +0) += r1
out:
    r0 = 0
    exit
`;

describe('shareState and the load setup', () => {
  test('the maps as the run began, arrays without their zero elements; the position', async () => {
    const s = new Session();
    const load = { text: ARRAY_PROG, syntax: 'auto' as const, progType: 1, logLevel: 1 as const, logSize: 65536, privileged: true };
    ok(await s.load(load));
    ok(await s.debugStart({ packet }));
    ok(await s.continue({ breakpoints: [] }));
    ok(await s.debugStart({ packet }));
    ok(await s.step(8));
    const st = ok(await s.shareState());
    expect(st.position).toBe(8);
    expect(st.problems).toEqual([]);
    expect(st.maps).toEqual([
      { name: 'arr', type: 2, keySize: 4, valueSize: 8, maxEntries: 64, flags: 0, entries: [{ key: '03000000', value: '0800000000000000' }] },
      { name: 'h', type: 1, keySize: 4, valueSize: 4, maxEntries: 8, flags: 0, entries: [{ key: '01000000', value: '02000000' }] },
    ]);
    // those contents replace the .entry lines at the next load
    const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
    ok(await s.load({ ...load, setup: { contents: [{ name: 'arr', entries: [{ key: hex('05000000'), value: hex('0900000000000000') }] }, { name: 'h', entries: [] }] } }));
    const again = ok(await s.shareState());
    expect(again.position).toBe(0);
    expect(again.maps.map((m) => m.entries)).toEqual([[{ key: '05000000', value: '0900000000000000' }], []]);
  });

  test('what the setup cannot do is reported and the program still loads', async () => {
    const s = new Session();
    const r = ok(
      await s.load({
        text: ARRAY_PROG,
        syntax: 'auto',
        progType: 1,
        logLevel: 1,
        logSize: 65536,
        privileged: true,
        setup: {
          contents: [{ name: 'nosuch', entries: [] }],
          progs: [
            { name: 'bad', text: 'r0 = \nexit\n' },
            { name: 'other', text: '.map elsewhere hash key=4 value=4 entries=1\nr1 = map[elsewhere] ll\nr0 = 0\nexit\n' },
          ],
          slots: [{ map: 'arr', index: 0, value: { prog: 'bad' } }],
        },
      }),
    );
    expect(r.ok).toBe(true);
    expect(r.setupProblems).toEqual([
      'map nosuch: the source declares no map of that name, so its contents were left out',
      expect.stringMatching(/^program bad does not assemble \(line 1: /),
      'program other uses map elsewhere, which the main program does not declare',
      'slot 0 of arr: no program bad was loaded',
    ]);
  });

  test('each program of the set loads with the log_level and log_size of the load, in a call of its own (a long one needs a log_size that holds its log)', async () => {
    const s = new Session();
    const load = async (logLevel: 0 | 1 | 2, logSize: number) =>
      ok(
        await s.load({
          text: '.type socket_filter\n.map jmp prog_array key=4 value=4 entries=1\nr0 = 0\nexit\n',
          syntax: 'auto',
          progType: 1,
          logLevel,
          logSize,
          privileged: true,
          setup: { progs: [{ name: 'long', text: 'r0 = 0\n'.repeat(4000) + 'exit\n' }], slots: [{ map: 'jmp', index: 0, value: { prog: 'long' } }] },
        }),
      );
    // its level-1 log is over 64 KiB: as BPF_PROG_LOAD with log_size 65536, it fails with ENOSPC and a cut log
    const small = await load(1, 65536);
    expect(small.ok).toBe(true);
    expect(small.programLogs).toEqual([expect.objectContaining({ name: 'long', ok: false, errnoName: 'ENOSPC', logTruncated: true })]);
    expect(small.programLogs![0].log.length).toBe(65535);
    expect(small.setupProblems).toEqual([expect.stringMatching(/^program long did not load: ENOSPC/), 'slot 0 of jmp: no program long was loaded']);
    // a log_size that holds it, or no log at all: it loads
    for (const [level, size] of [[1, 1 << 20], [0, 0]] as const) {
      const r = await load(level, size);
      expect(r.setupProblems).toBeUndefined();
      expect(r.programLogs).toEqual([expect.objectContaining({ name: 'long', ok: true, logTruncated: false })]);
      expect(r.programLogs![0].log.length > 0).toBe(level > 0);
      expect(r.programLogs![0].log).toMatch(level ? /processed 4001 insns/ : /^$/);
    }
  });
});

/** A pcap of `n` copies of `frame`, stamped from 1,700,000,000 s on. */
const pcapOf = (frame: Uint8Array, n: number): Uint8Array => repeatedPcap(frame, n, (i) => 1_700_000_000 + i);

describe('captures', () => {
  test('a replay runs every packet; an interrupt stops it between slices with the results so far', async () => {
    const s = new Session();
    ok(await s.load({ text: ARRAY_PROG, syntax: 'auto', progType: 1, logLevel: 1, logSize: 65536, privileged: true }));
    expect(ok(await s.captureOpen(pcapOf(packet, 300)))).toMatchObject({ ok: true, format: 'pcap', packets: 300 });
    const all = ok(await s.captureRun({}));
    expect(all).toMatchObject({ total: 300, done: 300, stopped: false, counts: [{ name: 'drop', count: 300 }] });
    expect(ok(await s.shareState()).maps[0].entries).toEqual([{ key: '03000000', value: '3301000000000000' }]);
    ok(await s.captureOpen(pcapOf(packet, 100_000)));
    // the Stop button's interrupt arrives while the replay runs: at its first progress report
    const part = ok(await s.captureRun({}, () => void s.interrupt()));
    expect(part.stopped).toBe(true);
    expect(part.done).toBeGreaterThan(0);
    expect(part.done).toBeLessThan(100_000);
    expect(part.counts).toEqual([{ name: 'drop', count: part.done }]);
    expect(ok(await s.capturePacket(7))).toEqual(packet);
    expect((await s.capturePacket(100_000)).ok).toBe(false);
  });

  test('a kprobe program does not run on packets; a file that is no capture is a value', async () => {
    const s = new Session();
    ok(await s.load({ text: '.type kprobe\nr0 = 0\nexit\n', syntax: 'auto', progType: 2, logLevel: 1, logSize: 65536, privileged: true }));
    expect(ok(await s.captureOpen(new Uint8Array(10)))).toMatchObject({ ok: false, error: expect.stringContaining('not a packet capture') });
    ok(await s.captureOpen(pcapOf(packet, 1)));
    expect(await s.captureRun({})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('tracepoint records and objects', () => {
  test('a tracepoint record with fields, as the run builds it', async () => {
    const s = new Session();
    const rec = ok(await s.tracepointRecord({ name: 'sched:sched_switch', fields: { next_pid: 42 } }));
    expect(rec.length).toBeGreaterThan(8);
    expect((await s.tracepointRecord({ name: 'sched:nosuch' })).ok).toBe(false);
    expect((await s.tracepointRecord({ name: 'sched:sched_switch', fields: { nosuch: 1 } })).ok).toBe(false);
  });

  test('an object gives every program as text in the editor syntax; a malformed one an error', async () => {
    const s = new Session();
    const file = new Uint8Array(readFileSync('test/fixtures/elf/tc_two.o'));
    const v = ok(await s.readObject({ bytes: file, syntax: 'ubpf' }));
    if (!v.ok) throw new Error(v.error);
    expect(v.programs.map((p) => [p.section, p.progType])).toEqual([['classifier', 3], ['action', 4]]);
    expect(v.programs[0].source).toMatch(/\n\s+mov /);
    const bad = ok(await s.readObject({ bytes: file.slice(0, 64), syntax: 'llvm' }));
    expect(bad.ok).toBe(false);
  });
});
