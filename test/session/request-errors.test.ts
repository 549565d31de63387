/**
 * Every request_error of `run --json` names the field it is about (as a path into the request:
 * `maps[1].entries[0].value_prog`), JSON Lines errors name the line as an editor numbers it
 * (blank lines count), and a tracepoint's field values are checked as the request's: a filename
 * too long for the perf trace buffer, or one in any script, never becomes an internal error.
 */
import { describe, expect, it } from 'vitest';
import { answerText, answerValue, type Answer } from '../../src/session/request';

const RET0 = ['b700000000000000', '9500000000000000'];
const LD_MAP = ['1801000000000000', '0000000000000000'];
const PKT = '00'.repeat(64);
const arrayMap = (name: string, extra: object = {}) => ({ name, type: 'array', key_size: 4, value_size: 4, max_entries: 2, ...extra });

const errorOf = (v: unknown): string => {
  const a = answerValue(v);
  if (!('request_error' in a)) throw new Error(`expected a request_error, got ${JSON.stringify(a).slice(0, 300)}`);
  return a.request_error;
};

describe('a request_error names its field', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown top-level field', { insns: RET0, bogus: 1 }, 'request: unknown field "bogus"'],
    ['a bad map size', { insns: RET0, maps: [arrayMap('a'), arrayMap('b', { key_size: -1 })] }, 'maps[1].key_size:'],
    ['a map the kernel refuses', { insns: RET0, maps: [arrayMap('a'), arrayMap('b', { key_size: 8 })] }, 'maps[1]: map b: MAP_CREATE failed: EINVAL'],
    ['an entry the kernel refuses', { insns: RET0, maps: [arrayMap('a', { entries: [{ key: '00000000', value: '01000000' }, { key: '09000000', value: '01000000' }] })] }, 'maps[0].entries[1]: map a: update failed: E2BIG'],
    ['a fixup of an unknown map', { insns: [...LD_MAP, ...RET0], maps: [arrayMap('a')], map_fixups: [{ insn: 0, map: 'a' }, { insn: 0, map: 'x' }] }, 'map_fixups[1].map: a map fixup names unknown map "x"'],
    ['a fixup off an ld_imm64', { insns: [...LD_MAP, ...RET0], maps: [arrayMap('a')], map_fixups: [{ insn: 2, map: 'a' }] }, 'map_fixups[0].insn: instruction 2 is not a ld_imm64'],
    ['a value_prog naming no program', { insns: RET0, maps: [{ name: 'p', type: 'prog_array', key_size: 4, value_size: 4, max_entries: 2, entries: [{ key: '00000000', value_prog: 'q' }] }] }, 'maps[0].entries[0].value_prog: map p: unknown program "q"'],
    ['a perf slot on a CPU that does not exist', { insns: RET0, maps: [{ name: 'e', type: 'perf_event_array', key_size: 4, value_size: 4, max_entries: 2, entries: [{ key: '00000000', value_perf_cpu: 9 }] }] }, 'maps[0].entries[0].value_perf_cpu: map e:'],
    ['a program of progs the kernel refuses', { insns: RET0, progs: [{ name: 'ok', insns: RET0 }, { name: 'bad', insns: ['9500000000000000', '9500000000000000'] }] }, 'progs[1]: program bad: PROG_LOAD failed'],
    ['a name-only map the source does not declare', { source: 'r0 = 0\nexit', maps: [{ name: 'ghost', entries: [] }] }, 'maps[0]: map "ghost" has no type or sizes'],
    ['an entry for a declared map the kernel refuses', { source: '.map small array key=4 value=4 entries=1\nr0 = 0\nexit', maps: [{ name: 'small', entries: [{ key: '05000000', value: '01000000' }] }] }, 'maps[0].entries[0]: map small: update failed: E2BIG'],
    ['a declared map the kernel refuses', { source: '.map bad array key=8 value=4 entries=1\nr0 = 0\nexit' }, 'source: .map bad (line 1): map bad: MAP_CREATE failed: EINVAL'],
    ['a tracepoint field that is not one', { source: '.type tracepoint\nr0 = 0\nexit', run: { tracepoint: { name: 'sched:sched_process_exec', fields: { nope: 1 } } } }, 'run.tracepoint.fields.nope: tracepoint sched:sched_process_exec has no such field'],
    ['a tracepoint field of the wrong kind', { source: '.type tracepoint\nr0 = 0\nexit', run: { tracepoint: { name: 'sched:sched_process_exec', fields: { pid: 'x' } } } }, 'run.tracepoint.fields.pid: must be an integer'],
  ];
  it.each(cases)('%s', (_, req, message) => {
    expect(errorOf(req)).toContain(message);
  });
});

describe('tracepoint filenames', () => {
  const exec = (filename: string) => ({
    source: '.type tracepoint\nr0 = *(u32 *)(r1 + 8)\nexit',
    run: { tracepoint: { name: 'sched:sched_process_exec', fields: { filename } } },
  });
  const ok = (a: Answer) => {
    if ('request_error' in a) throw new Error(a.request_error);
    return a;
  };

  it('a 300-character filename fits the record: the program reads its __data_loc', () => {
    const a = ok(answerValue(exec('/'.repeat(1) + 'a'.repeat(299))));
    expect(a.run?.ok).toBe(true);
    // __data_loc: length (with the NUL) << 16 | offset after the fixed fields
    expect(a.run!.retval! >>> 16).toBe(301);
  });

  it('non-ASCII characters are the UTF-8 bytes of the name, not their low bytes', () => {
    const a = ok(answerValue(exec('/tmp/é✓')));
    expect(a.run!.retval! >>> 16).toBe('/tmp/'.length + 2 + 3 + 1);
  });

  it('a filename too long for the perf trace buffer is a request_error naming it, never an internal error', () => {
    const e = errorOf(exec('a'.repeat(5000)));
    expect(e).toMatch(/^run\.tracepoint\.fields\.filename: 5000 bytes make a \d+-byte record, more than the perf trace buffer's 2048 \(PERF_MAX_TRACE_SIZE\)/);
    expect(e).not.toMatch(/internal/);
  });
});

describe('JSON Lines', () => {
  it('name the line as an editor numbers it, blank lines included, for every kind of request_error', () => {
    const good = JSON.stringify({ insns: RET0, run: { data: PKT } });
    const text = ['', good, '', '   ', '{not json', '', JSON.stringify({ insns: RET0, x: 1 }), JSON.stringify({ insns: RET0, maps: [arrayMap('a', { key_size: 8 })] }), ''].join('\n');
    const { output, errors } = answerText(text);
    const lines = output.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(4);
    expect(lines[0].run.retval).toBe(0);
    expect(lines[1].request_error).toMatch(/^line 5: invalid JSON/);
    expect(lines[2].request_error).toBe('line 7: request: unknown field "x"');
    expect(lines[3].request_error).toBe('line 8: maps[0]: map a: MAP_CREATE failed: EINVAL');
    expect(errors).toBe(3);
  });

  it('CRLF line ends count once', () => {
    const text = ['{"insns": []', '', JSON.stringify({ insns: RET0, y: 2 })].join('\r\n');
    const lines = answerText(text).output.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => /^line (\d+)/.exec(l.request_error)?.[1])).toEqual(['1', '3']);
  });
});
