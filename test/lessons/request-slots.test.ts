/**
 * The request runner's slot entries the lessons rely on (bpflab's additions to kernel-oracle's
 * request): a request map with only a name and entries fills the map the source declares, and
 * an entry may put a perf event opened on a CPU or a cgroup into an fd array. Wrong uses are
 * request errors, never exceptions.
 */
import { describe, expect, test } from 'vitest';
import { answerValue, type Answer } from '../../src/session/request';

type Loaded = Extract<Answer, { load: unknown }>;

const loaded = (a: Answer): Loaded => {
  if ('request_error' in a) throw new Error(a.request_error);
  return a;
};

const PACKET = '525400123456525400abcdef0800' + '45000014000000004006000000000000' + '00000000';

describe('slots of maps the source declares', () => {
  test('value_prog fills a declared prog_array, and the tail call takes it', () => {
    const a = loaded(
      answerValue({
        source: '.type socket_filter\n.map jt prog_array key=4 value=4 entries=4\nr2 = map[jt] ll\nr3 = 2\ncall bpf_tail_call\nr0 = 1\nexit\n',
        progs: [{ name: 'seven', source: 'r0 = 7\nexit\n' }],
        maps: [{ name: 'jt', entries: [{ key: '02000000', value_prog: 'seven' }] }],
        run: { data: PACKET },
      }),
    );
    expect(a.run?.retval).toBe(7);
  });

  test('value_perf_cpu opens a perf event on that CPU; perf_event_output writes to it', () => {
    const src = [
      '.type kprobe', '.kern_version 4.8.0', '.map ev perf_event_array key=4 value=4 entries=2',
      '*(u64 *)(r10 -8) = 42', 'r2 = map[ev] ll', 'r3 = 0xffffffff ll', 'r4 = r10', 'r4 += -8', 'r5 = 8',
      'call bpf_perf_event_output', 'exit',
    ].join('\n');
    const with0 = loaded(answerValue({ source: src, maps: [{ name: 'ev', entries: [{ key: '00000000', value_perf_cpu: 0 }] }], run: {} }));
    expect(with0.run?.retval).toBe(0);
    expect(with0.run?.perf).toEqual([{ map: 'ev', cpu: 0, data: '2a00000000000000' }]);
    // the running CPU's slot holds CPU 1's event: the helper refuses it
    const with1 = loaded(answerValue({ source: src, maps: [{ name: 'ev', entries: [{ key: '00000000', value_perf_cpu: 1 }] }], run: {} }));
    expect(with1.run?.retval).toBe(-95 >>> 0);
    // no slot at all: -ENOENT
    expect(loaded(answerValue({ source: src, run: {} })).run?.retval).toBe(-2 >>> 0);
  });

  test('value_cgroup opens a cgroup directory; skb_in_cgroup answers from it', () => {
    const src = '.type sched_cls\n.map cg cgroup_array key=4 value=4 entries=1\nr2 = map[cg] ll\nr3 = 0\ncall bpf_skb_in_cgroup\nexit\n';
    const run = (path: string, world = 'ide') => loaded(answerValue({ source: src, world, maps: [{ name: 'cg', entries: [{ key: '00000000', value_cgroup: path }] }], run: { data: PACKET } })).run?.retval;
    // the IDE's world: the task (and its socket) is in /app
    expect(run('/app')).toBe(1);
    expect(run('/sys/fs/cgroup/app')).toBe(1);
    expect(run('/')).toBe(1);
    expect(run('/user.slice')).toBe(0);
    // the test run's world (the default): the task is in the root cgroup
    expect(run('/', 'test_run')).toBe(1);
    expect(run('/app', 'test_run')).toBe(0);
  });

  test('mistakes are request errors', () => {
    const src = '.type sched_cls\n.map cg cgroup_array key=4 value=4 entries=1\nr0 = 0\nexit\n';
    const err = (v: unknown): string => {
      const a = answerValue(v);
      return 'request_error' in a ? a.request_error : 'answered';
    };
    expect(err({ source: src, maps: [{ name: 'cg', entries: [{ key: '00000000', value_cgroup: '/nope' }] }] })).toMatch(/cannot open cgroup \/nope: ENOENT/);
    expect(err({ source: src, maps: [{ name: 'other', entries: [] }] })).toMatch(/source declares no map of that name/);
    expect(err({ source: src, maps: [{ name: 'cg', entries: [{ key: '00000000', value_cgroup: '/app', value: '00' }] }] })).toMatch(/give one of/);
    expect(err({ source: src, maps: [{ name: 'cg', entries: [{ key: '00000000', value_perf_cpu: 64 }] }] })).toMatch(/value_perf_cpu/);
    expect(err({ source: src, maps: [{ name: 'cg', entries: [{ key: '00000000', value_perf_cpu: 5 }] }] })).toMatch(/cannot open a perf event on CPU 5: EINVAL/);
    // a perf event in a cgroup array is the kernel's EBADF, reported as a failed update
    expect(err({ source: src, maps: [{ name: 'cg', entries: [{ key: '00000000', value_perf_cpu: 0 }] }] })).toMatch(/update failed: EBADF/);
    // a full declaration of the same name is still two maps of one name
    expect(err({ source: src, maps: [{ name: 'cg', type: 'cgroup_array', key_size: 4, value_size: 4, max_entries: 1 }] })).toMatch(/two maps/);
  });

  test('data entries for a declared map are added to its .entry lines', () => {
    const src = '.type socket_filter\n.map h hash key=4 value=4 entries=4\n.entry h key=01000000 value=0a000000\nr0 = 0\nexit\n';
    const a = loaded(answerValue({ source: src, maps: [{ name: 'h', entries: [{ key: '02000000', value: '14000000' }] }], run: { data: PACKET } }));
    const entries = a.maps.find((m) => m.name === 'h')!.entries.map((e) => `${e.key}=${e.value}`).sort();
    expect(entries).toEqual(['01000000=0a000000', '02000000=14000000']);
  });
});
