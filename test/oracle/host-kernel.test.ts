/**
 * The plumbing between the tests and the host kernel (src/cli/host-kernel.ts), with stand-ins for
 * Python that misbehave on purpose: a machine that cannot answer is a value with the reason;
 * an oracle that crashes, says nothing, answers garbage, answers too few or out of shape is an
 * OracleFailure, never "unavailable".
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { answerProblem, askHost, OracleFailure, probeHost } from '../../src/cli/host-kernel';

const dir = mkdtempSync(join(tmpdir(), 'bpflab-fake-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.BPFLAB_PYTHON;
});

/** A "python3" that prints `out` and exits with `code`, whatever it is asked. */
function fakePython(name: string, out: string, code: number): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\ncat >/dev/null\nprintf '%s' '${out.replace(/'/g, "'\\''")}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  process.env.BPFLAB_PYTHON = path;
}

const REQ = { insns: ['b700000000000000', '9500000000000000'] };
const ANSWER = {
  available: true,
  kernel: '6.1.0',
  load: { ok: true, errno: 0, error: null, log: '', log_truncated: false },
  maps: [],
};

describe('a machine that cannot answer', () => {
  it('is unavailable with the oracle\'s reason (exit 3)', () => {
    fakePython('no-root', '{"available": false, "why": "bpf(2) refused: EPERM"}\n', 3);
    expect(probeHost()).toEqual({ available: false, why: 'bpf(2) refused: EPERM' });
    expect(askHost([REQ])).toEqual({ available: false, why: 'bpf(2) refused: EPERM' });
  });

  it('is unavailable when there is no python3 at all', () => {
    process.env.BPFLAB_PYTHON = join(dir, 'no-such-python');
    const s = probeHost();
    expect(s.available).toBe(false);
    expect(!s.available && s.why).toMatch(/not installed/);
  });
});

describe('an oracle that is broken is a failure, not a missing kernel', () => {
  const cases: [string, string, number][] = [
    ['crashes', 'Traceback (most recent call last): ...', 1],
    ['prints nothing and exits 0', '', 0],
    ['prints no JSON', 'hello\n', 0],
    ['exits 3 without saying why', '{"available": true}\n', 3],
    ['answers one line to two requests', JSON.stringify(ANSWER) + '\n', 0],
    ['answers out of shape', JSON.stringify({ ...ANSWER, load: { ok: true } }) + '\n' + JSON.stringify(ANSWER) + '\n', 0],
    ['is killed', '', 137],
  ];
  it.each(cases)('%s', (name, out, code) => {
    fakePython(name.replace(/\W+/g, '-'), out, code);
    expect(() => askHost([REQ, REQ])).toThrow(OracleFailure);
  });

  it('a probe out of shape', () => {
    fakePython('bad-probe', '{"available": true}\n', 0);
    expect(() => probeHost()).toThrow(OracleFailure);
  });
});

describe('answers', () => {
  it('come back in order, with requests the host cannot be asked answered beside them', () => {
    fakePython('good', JSON.stringify(ANSWER) + '\n', 0);
    const r = askHost([{ ...REQ, verify: false }, REQ]);
    expect(r.available).toBe(true);
    if (!r.available) return;
    expect(r.answers[0]).toEqual({ available: true, request_error: '"verify": false is bpflab\'s: the host kernel always verifies' });
    expect(r.answers[1]).toEqual(ANSWER);
  });

  it('are checked field by field', () => {
    expect(answerProblem(ANSWER)).toBeNull();
    expect(answerProblem({ available: true, request_error: 'x' })).toBeNull();
    expect(answerProblem({ ...ANSWER, load: { ...ANSWER.load, ok: false } })).toMatch(/disagree/);
    expect(answerProblem({ ...ANSWER, run: { ok: true, errno: 0, error: null, retval: null, data_out: '', duration_ns: 1 } })).toMatch(/disagree/);
    expect(answerProblem({ ...ANSWER, maps: [{ name: 'm', entries: [{ key: 'zz', value: null, error: null }] }] })).toMatch(/map m/);
    expect(answerProblem({ available: false })).toMatch(/available: true/);
  });
});
