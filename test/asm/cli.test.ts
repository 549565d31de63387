import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/data';

const DIR = mkdtempSync(join(tmpdir(), 'bpflab-asm-cli-'));
const file = (name: string, text: string | Uint8Array): string => {
  const p = join(DIR, name);
  writeFileSync(p, text);
  return p;
};

function bpflab(args: string[], stdin?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, input: stdin, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const PROG = file('prog.s', ['.type socket_filter', '.map counts array key=4 value=8 entries=2', '.entry counts key=01000000 value=0100000000000000', 'r1 = map[counts] ll', 'mov r0, 7', 'exit', ''].join('\n'));

describe('bpflab asm', () => {
  test('prints one slot a line, 16 lowercase hex characters in memory order', () => {
    const r = bpflab(['asm', PROG]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe('1811000000000000\n0000000000000000\nb700000007000000\n9500000000000000\n');
  });

  test('--json prints a kernel-oracle request', () => {
    const r = bpflab(['asm', PROG, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      prog_type: 'socket_filter',
      insns: ['1811000000000000', '0000000000000000', 'b700000007000000', '9500000000000000'],
      maps: [{ name: 'counts', type: 'array', key_size: 4, value_size: 8, max_entries: 2, flags: 0, entries: [{ key: '01000000', value: '0100000000000000' }] }],
      map_fixups: [{ insn: 0, map: 'counts' }],
    });
  });

  test('errors are FILE:LINE:COL: message, exit status 1', () => {
    const bad = file('bad.s', 'r0 = 1\n  r11 = 2\nfoo r1\n');
    const r = bpflab(['asm', bad]);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toBe(`${bad}:2:3: unknown register r11; registers are r0-r10\n${bad}:3:1: invalid mnemonic: foo\n`);
    const j = bpflab(['asm', bad, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toEqual({
      errors: [
        { line: 2, col: 3, endCol: 6, message: 'unknown register r11; registers are r0-r10' },
        { line: 3, col: 1, endCol: 4, message: 'invalid mnemonic: foo' },
      ],
    });
  });

  test('reads stdin for -, honours --syntax, prints warnings to stderr', () => {
    expect(bpflab(['asm', '-'], 'r0 = 1\nexit\n')).toMatchObject({ code: 0, out: 'b700000001000000\n9500000000000000\n' });
    expect(bpflab(['asm', '-', '--syntax', 'ubpf'], 'r0 = 1\n')).toMatchObject({ code: 1, err: expect.stringMatching(/^<stdin>:1:1: this is LLVM syntax/) });
    expect(bpflab(['asm', '-'], 'r0 = 1; exit\n')).toMatchObject({ code: 0, err: expect.stringMatching(/^<stdin>:1:7: warning: `;` starts a comment/) });
  });

  test.each([
    [['asm'], 2, /expected one FILE\nusage: bpflab asm/],
    [['asm', PROG, '--frob'], 2, /unknown option --frob/],
    [['asm', PROG, '--syntax', 'gas'], 2, /--syntax must be auto, llvm or ubpf/],
    [['asm', join(DIR, 'missing.s')], 1, /cannot read .*missing\.s: no such file/],
    [['asm', DIR], 1, /is a directory/],
  ])('%j: a message and no stack trace', (args, code, msg) => {
    const r = bpflab(args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(msg);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('bpflab disasm', () => {
  const HEX = file('prog.hex', 'b700000001000000\n1801000088776655\n0000000044332211\n\n9500000000000000\n');

  test.each([
    ['kernel', '0: (b7) r0 = 1\n1: (18) r1 = 0x55667788\n3: (95) exit\n'],
    ['llvm', 'r0 = 1\nr1 = 1234605616436508552 ll\nexit\n'],
    ['ubpf', 'mov %r0, 1\nlddw %r1, 0x1122334455667788\nexit\n'],
  ])('--format %s', (format, want) => {
    expect(bpflab(['disasm', HEX, '--format', format])).toMatchObject({ code: 0, out: want, err: '' });
  });

  test('--raw reads bytes', () => {
    const bin = file('prog.bin', Uint8Array.of(0xb7, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0));
    expect(bpflab(['disasm', bin, '--raw', '--format', 'kernel']).out).toBe('0: (b7) r0 = 2\n1: (95) exit\n');
  });

  test('asm --json | disasm - gives text that assembles to the same request', () => {
    const json = bpflab(['asm', PROG, '--json']).out;
    const text = bpflab(['disasm', '-', '--format', 'ubpf'], json);
    expect(text.out).toBe(
      '.type socket_filter\n.map counts array key=4 value=8 entries=2\n.entry counts key=01000000 value=0100000000000000\nlddw %r1, map[counts]\nmov %r0, 7\nexit\n',
    );
    expect(bpflab(['asm', '-', '--json'], text.out).out).toBe(json);
  });

  test.each([
    [['disasm', file('odd.hex', 'b700000001000000\nzz\n')], 1, /odd\.hex:2: expected 16 hex characters/],
    [['disasm', file('odd.bin', 'abc'), '--raw'], 1, /3 bytes is not a whole number of 8-byte instructions/],
    [['disasm', file('odd.json', '{"insns": 3}')], 1, /needs an "insns" array/],
    [['disasm', file('bad.json', '{"insns": ["b7"]}')], 1, /insns\[0\] must be 16 hex characters/],
    [['disasm', file('broken.json', '{oops')], 1, /not valid JSON/],
    [['disasm', HEX, '--format', 'gnu'], 2, /--format must be kernel, llvm or ubpf/],
  ])('%j: a message and no stack trace', (args, code, msg) => {
    const r = bpflab(args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(msg);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
