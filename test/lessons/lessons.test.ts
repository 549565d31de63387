/**
 * Every lesson of the gallery, loaded and run through the request runner of `bpflab run --json`
 * (src/session/request.ts) exactly as lessonRequest builds it: the verdict (and for a refusal,
 * the errno and the last line of the 4.8 log), and for an accepted lesson the run's return value,
 * verdict, packet, trace_pipe lines, perf samples, redirect and maps. Then the lesson data itself:
 * ids, directives, initial map contents and slots that match the source.
 */
import { describe, expect, test } from 'vitest';
import { MAP_TYPE_NAMES, PROG_TYPE_NAMES, LINUX_VERSION_CODE, MapType, bytesToHex as hex } from '../../src/isa';
import { LESSONS, LESSON_LEVELS, lessonById, lessonRequest, SAMPLE_PACKETS, type Lesson } from '../../src/lessons';
import { answerValue, type Answer } from '../../src/session/request';
import { ENGINE_BUGS, lessonPrograms } from './support';

type Loaded = Extract<Answer, { load: unknown }>;

const byKey = (es: readonly { key: string; value: string | null }[]) => [...es].map((e) => ({ key: e.key, value: e.value })).sort((a, b) => a.key.localeCompare(b.key));

/** The answer's last log line, as a learner reads it at the bottom of the log panel. */
const lastLine = (log: string): string => log.trimEnd().split('\n').pop() ?? '';

function checkAnswer(l: Lesson, a: Answer): void {
  expect('request_error' in a ? a.request_error : undefined, 'the request is well-formed').toBeUndefined();
  const ans = a as Loaded;
  const want = l.expect;
  if (!want.load.accepted) {
    expect({ ok: ans.load.ok, errno: ans.load.error, last: lastLine(ans.load.log) }).toEqual({ ok: false, errno: want.load.errno, last: want.load.lastLine });
    return;
  }
  expect(ans.load.ok, `refused: ${lastLine(ans.load.log)}`).toBe(true);
  const run = ans.run!;
  expect(run, 'a run').toBeDefined();
  expect(run.fault, 'no fault').toBeUndefined();
  expect({ ok: run.ok, retval: run.retval, verdict: run.verdict }).toEqual({ ok: true, retval: want.run!.retval, verdict: want.run!.verdict });
  const w = want.run!;
  if (w.dataOut !== undefined) expect(run.data_out).toBe(w.dataOut);
  expect(run.trace ?? []).toEqual(w.trace ?? []);
  expect(run.perf ?? []).toEqual(w.perf ?? []);
  expect(run.redirect).toEqual(w.redirect);
  for (const m of w.maps ?? []) {
    const got = ans.maps.find((x) => x.name === m.name);
    expect(got, `map ${m.name}`).toBeDefined();
    expect(byKey(got!.entries), `map ${m.name}`).toEqual(byKey(m.entries));
  }
}

describe('every lesson gives its expected outcome on the engine (run --json)', () => {
  for (const l of LESSONS) {
    const bug = ENGINE_BUGS[l.id];
    const name = `${l.id}: ${l.expect.load.accepted ? `accepted, retval ${l.expect.run?.retval}` : `refused, ${l.expect.load.lastLine}`}`;
    (bug ? test.fails : test)(bug ? `${name} (engine bug: ${bug})` : name, () => {
      checkAnswer(l, answerValue(lessonRequest(l)));
    });
  }
});

describe('the gallery', () => {
  test('has at least 25 lessons with unique URL-safe ids, each findable by id', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(25);
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const l of LESSONS) {
      expect(l.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(lessonById(l.id)).toBe(l);
    }
    expect(lessonById('no-such-lesson')).toBeUndefined();
  });

  test('lists the lessons level by level, every level with a heading', () => {
    const order = LESSON_LEVELS.map((x) => x.level);
    const levels = LESSONS.map((l) => order.indexOf(l.level));
    expect(levels.every((v, i) => v >= 0 && (i === 0 || v >= levels[i - 1]))).toBe(true);
    for (const level of order) expect(LESSONS.some((l) => l.level === level), level).toBe(true);
  });

  test('shows each classic verifier error in a lesson of its own', () => {
    const refusals = LESSONS.filter((l) => !l.expect.load.accepted).map((l) => (l.expect.load as { lastLine: string }).lastLine);
    const classic = [
      /^R0 invalid mem access 'map_value_or_null'$/,
      /^invalid access to map value, value_size=\d+ off=\d+ size=\d+$/,
      /^invalid read from stack off -\d+\+\d+ size \d+$/,
      /^back-edge from insn \d+ to \d+$/,
      /^invalid access to packet, off=\d+ size=\d+, R\d\(id=\d+,off=\d+,r=0\)$/,
      /^invalid bpf_context access off=\d+ size=\d+$/,
      /^R\d leaks addr (into map|as return value)$/,
    ];
    for (const re of classic) expect(refusals.filter((r) => re.test(r)), String(re)).toHaveLength(1);
  });

  test('every lesson says what it shows and what to try next, and has an input to run on', () => {
    for (const l of LESSONS) {
      expect(l.title.length, l.id).toBeGreaterThan(10);
      expect(l.summary.length, l.id).toBeGreaterThan(60);
      expect(l.tryNext.length, l.id).toBeGreaterThanOrEqual(2);
      expect(l.input, l.id).toBeDefined();
      expect(l.source, l.id).toContain('; Try next:');
      expect(l.source.split('\n').filter((x) => x.trimStart().startsWith(';')).length, `${l.id}: explained in comments`).toBeGreaterThan(5);
      // an accepted lesson says what its run gives; a refused one has nothing to run
      expect(Boolean(l.expect.run), l.id).toBe(l.expect.load.accepted);
    }
  });

  test('sample packets are the ones the lessons run on', () => {
    const used = new Set(LESSONS.map((l) => l.input?.packet).filter(Boolean));
    for (const p of SAMPLE_PACKETS) expect(used.has(p.hex), p.id).toBe(true);
  });
});

describe('lesson data matches the source', () => {
  for (const l of LESSONS) {
    test(l.id, () => {
      const [main, ...extra] = lessonPrograms(l);
      const d = main.directives;
      expect(PROG_TYPE_NAMES[d.progType!], '.type').toBe(l.progType);
      expect(d.license, '.license').toBeDefined();
      if (l.progType === 'kprobe') expect(d.kernVersion, '.kern_version').toBe(LINUX_VERSION_CODE);
      if (!l.privileged) expect(l.progType, 'only socket filters load unprivileged').toBe('socket_filter');
      for (const p of extra) expect(PROG_TYPE_NAMES[p.directives.progType!], 'tail-call targets have the same type').toBe(l.progType);
      // initial entries are exactly the source's .entry lines
      const fromSource = main.maps.filter((m) => m.entries?.length).map((m) => ({ map: m.name, entries: m.entries!.map((e) => ({ key: hex(e.key), value: hex(e.value) })) }));
      const fromData = (l.maps ?? []).filter((m) => m.entries?.length).map((m) => ({ map: m.map, entries: m.entries! }));
      expect(fromData).toEqual(fromSource);
      // slots name declared fd arrays, with values of the right kind
      for (const m of l.maps ?? []) {
        const decl = main.maps.find((x) => x.name === m.map);
        expect(decl, `map ${m.map} is declared`).toBeDefined();
        for (const s of m.slots ?? []) {
          expect(s.index).toBeLessThan(decl!.maxEntries);
          const kind = 'prog' in s.value ? MapType.ProgArray : 'perfCpu' in s.value ? MapType.PerfEventArray : MapType.CgroupArray;
          expect(MAP_TYPE_NAMES[decl!.type], `slot ${s.index}`).toBe(MAP_TYPE_NAMES[kind]);
          if ('prog' in s.value) expect(l.progs?.map((p) => p.name)).toContain(s.value.prog);
        }
      }
      // maps the expected outcome names exist
      for (const m of l.expect.run?.maps ?? []) expect(main.maps.map((x) => x.name)).toContain(m.name);
    });
  }
});

describe('lessonRequest', () => {
  test('carries the source, the load settings and the input as run --json reads them', () => {
    const l = lessonById('count-packets')!;
    expect(lessonRequest(l)).toEqual({ source: l.source, world: 'ide', run: { data: l.input!.packet, repeat: 5 } });
    expect(lessonRequest(lessonById('verifier-pointer-leak')!).unprivileged).toBe(true);
  });

  test('puts fd-array slots as entries of the declared maps, and tail-call targets as progs', () => {
    const r = lessonRequest(lessonById('tail-calls')!);
    expect(r.progs?.map((p) => p.name)).toEqual(['tcp', 'udp']);
    expect(r.maps).toEqual([{ name: 'jmp_table', entries: [{ key: '06000000', value_prog: 'tcp' }, { key: '11000000', value_prog: 'udp' }] }]);
    expect(lessonRequest(lessonById('tc-cgroup')!).maps).toEqual([{ name: 'allowed', entries: [{ key: '00000000', value_cgroup: '/app' }] }]);
    expect(lessonRequest(lessonById('perf-event-read')!).maps?.[0].entries[1]).toEqual({ key: '01000000', value_perf_cpu: 1 });
  });

  test('gives a tracepoint lesson its record and a kprobe lesson its registers', () => {
    expect(lessonRequest(lessonById('sched-switch')!).run?.tracepoint?.name).toBe('sched:sched_switch');
    expect(lessonRequest(lessonById('probe-write-user')!).run?.ctx).toHaveLength(168 * 2);
  });
});
