/**
 * The lessons' expected outcomes against the host kernel: every accepted socket filter, tc and
 * XDP lesson the host can express (no perf event or cgroup slots) is loaded and run by
 * tools/kernel-oracle.py in one batch, and its retval, packet and maps must be what the
 * lesson expects, except where Linux 4.8 and the host are known to differ (listed with the
 * reason). This checks the lessons, not the engine: lessons.test.ts checks the engine against
 * them. Not run (saying why) where the host kernel cannot answer.
 */
import { expect, test } from 'vitest';
import { ProgType } from '../../src/isa';
import { LESSONS, type Lesson } from '../../src/lessons';
import { exportProgram } from '../../src/session/io';
import { askKernel, describeKernel, type OracleAnswer } from '../support/oracle';

/** Maps whose contents on the host cannot be 4.8's, by lesson. */
const HOST_DIFFERS: Record<string, { maps: string[]; why: string }> = {
  'per-cpu-counters': { maps: ['packets', 'bytes_by_cpu'], why: 'the host runs the program on a CPU of its choosing and has more CPUs' },
  'tc-redirect': { maps: ['results'], why: "clone_redirect's result depends on the host's device 3" },
  'flow-sampling': { maps: ['samples'], why: 'the host has its own random numbers and flow hash seed' },
  'tunnel-key': { maps: ['got'], why: '6.18 marks options set by set_tunnel_opt as present, so get_tunnel_opt returns 8 where 4.8 returns -ENOENT' },
};

const NET = ['socket_filter', 'sched_cls', 'sched_act', 'xdp'];
const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

/** Whether the host can run the lesson as written: accepted by root, slots of programs only. */
const hostCanRun = (l: Lesson): boolean =>
  l.expect.load.accepted && l.privileged && NET.includes(l.progType) && !(l.maps ?? []).some((m) => m.slots?.some((s) => !('prog' in s.value)));

/** The lesson as the IDE's Export menu writes its request: instructions, maps with entries, tail-call targets and slots. */
function oracleRequest(l: Lesson): object {
  const slots = (l.maps ?? []).flatMap((m) => (m.slots ?? []).map((s) => ({ map: m.map, index: s.index, value: s.value })));
  const r = exportProgram({
    format: 'request',
    text: l.source,
    syntax: 'auto',
    progType: ProgType.SocketFilter,
    logLevel: 1,
    logSize: 1 << 20,
    privileged: true,
    input: { packet: unhex(l.input!.packet!), repeat: l.input!.repeat },
    setup: { progs: (l.progs ?? []).map((p) => ({ name: p.name, text: p.source })), slots },
  });
  if (!r.ok) throw new Error(`${l.id}: ${r.error}`);
  return JSON.parse(r.text!);
}

describeKernel('lessons on the host kernel', () => {
  const lessons = LESSONS.filter(hostCanRun);
  let answers: OracleAnswer[] = [];

  test('the host answers one batch of every lesson it can run', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(15);
    answers = askKernel(lessons.map(oracleRequest));
  });

  lessons.forEach((l, i) => {
    test(`${l.id}: retval ${l.expect.run!.retval}${l.expect.run!.dataOut ? ', the packet' : ''} as the lesson expects`, () => {
      const a = answers[i];
      expect(a, 'answered').toBeDefined();
      expect(a.request_error).toBeUndefined();
      expect(a.load?.ok, a.load?.log.split('\n').slice(-3).join('\n')).toBe(true);
      const want = l.expect.run!;
      expect(a.run?.retval).toBe(want.retval);
      if (want.dataOut) expect(a.run?.data_out).toBe(want.dataOut);
      const skip = HOST_DIFFERS[l.id]?.maps ?? [];
      for (const m of want.maps ?? []) {
        if (skip.includes(m.name)) continue;
        const got = a.maps?.find((x) => x.name === m.name)?.entries.map((e) => ({ key: e.key, value: e.value })) ?? [];
        const sort = (es: { key: string }[]) => [...es].sort((x, y) => x.key.localeCompare(y.key));
        expect(sort(got), `map ${m.name}`).toEqual(sort(m.entries));
      }
    });
  });
});
