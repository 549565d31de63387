/**
 * `bpflab oracle FILE` (`npm run -s oracle -- FILE`), with stand-ins for Python: one request
 * answered indented, JSON Lines one line each, the exit statuses (0, 2 for a request_error, 3
 * for a machine that cannot answer, 1 for a broken oracle).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/oracle';

const dir = mkdtempSync(join(tmpdir(), 'bpflab-oracle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.BPFLAB_PYTHON;
  vi.restoreAllMocks();
});

function fakePython(out: string, code: number): void {
  const path = join(dir, `python-${code}-${out.length}`);
  writeFileSync(path, `#!/bin/sh\ncat >/dev/null\nprintf '%s' '${out}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  process.env.BPFLAB_PYTHON = path;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs the command; what it printed on stdout and stderr, and its exit status. */
async function run(args: string[]): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  const code = await main(args);
  return { out, err, code };
}

const ANSWER = '{"available": true, "kernel": "6.1.0", "load": {"ok": true, "errno": 0, "error": null, "log": "", "log_truncated": false}, "maps": []}';
const REQ = '{"source": "r0 = 1\\nexit"}';

describe('bpflab oracle', () => {
  it('answers one request indented, exit 0', async () => {
    fakePython(ANSWER + '\n', 0);
    const r = await run([file('one.json', REQ)]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toContain('\n "kernel": "6.1.0"');
  });

  it('answers JSON Lines one line each; a request_error makes it exit 2', async () => {
    fakePython(ANSWER + '\n', 0);
    const r = await run([file('lines.jsonl', `${REQ}\n{"source": "r0 = 1\\nexit", "unprivileged": true}\n`)]);
    expect(r.code).toBe(2);
    expect(r.out.map((l) => JSON.parse(l) as object)).toEqual([JSON.parse(ANSWER), { available: true, request_error: expect.stringMatching(/unprivileged/) }]);
  });

  it('says why the machine cannot answer, exit 3', async () => {
    fakePython('{"available": false, "why": "not Linux"}\n', 3);
    const r = await run([file('one.json', REQ)]);
    expect(r).toMatchObject({ code: 3, out: ['{"available":false,"why":"not Linux"}'] });
  });

  it('a broken oracle is exit 1 with the reason', async () => {
    fakePython('Traceback', 1);
    const r = await run([file('one.json', REQ)]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/bpflab oracle: the kernel oracle/);
  });

  it('a bad line or a missing file never reaches the kernel', async () => {
    expect((await run([file('bad.jsonl', `${REQ}\n{oops\n`)])).code).toBe(2);
    expect((await run([join(dir, 'none.json')])).code).toBe(1);
  });
});
