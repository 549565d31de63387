import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../../src/asm';

type Want = [line: number, col: number, endCol: number, severity: 'error' | 'warning', message: RegExp];

/** source, syntax, the diagnostics it must produce (in order) */
const CASES: [string, 'auto' | 'llvm' | 'ubpf', Want[]][] = [
  ['r11 = 1', 'auto', [[1, 1, 4, 'error', /^unknown register r11; registers are r0-r10$/]]],
  ['w11 = 1', 'auto', [[1, 1, 4, 'error', /registers are w0-w10/]]],
  ['mov %r0, %r16', 'auto', [[1, 10, 14, 'error', /^invalid register: %r16; registers are r0-r10/]]],
  ['r0 = %r1', 'auto', [[1, 6, 9, 'error', /`%` is ubpf syntax; write r1/]]],
  ['w0 += r1', 'auto', [[1, 7, 9, 'error', /mix 64-bit \(r\) and 32-bit \(w\)/]]],
  ['r0 +=', 'auto', [[1, 6, 7, 'error', /expected a register or an immediate at the end of the line/]]],
  ['r0 += r1 r2', 'auto', [[1, 10, 12, 'error', /unexpected `r2` after the instruction/]]],
  ['if r0 = 1 goto +1', 'auto', [[1, 7, 8, 'error', /expected a comparison .*found `=`/]]],
  ['if r0 == 1 goto', 'auto', [[1, 16, 17, 'error', /expected a jump target/]]],
  ['r0 = *(u32 *)(r1 + 40000)', 'auto', [[1, 18, 25, 'error', /offset out of 16-bit range: 40000/]]],
  ['r0 = *(u128 *)(r1 + 4)', 'auto', [[1, 8, 12, 'error', /expected a size \(u8, u16, u32, u64\), found `u128`/]]],
  ['*(u32 *)(r1 + 4) = 2147483648', 'auto', [[1, 20, 30, 'error', /immediate out of 32-bit range: 2147483648/]]],
  ['r0 = 0x100000000', 'auto', [[1, 6, 17, 'error', /write r0 = 0x100000000 ll/]]],
  ['r1 = 0x10000000000000000 ll', 'auto', [[1, 6, 25, 'error', /immediate out of 64-bit range/]]],
  ['goto +32768', 'auto', [[1, 6, 12, 'error', /offset out of 16-bit range: 32768/]]],
  ['call foo', 'auto', [[1, 6, 9, 'error', /unknown function foo: not a label of this program nor a helper/]]],
  ['call', 'auto', [[1, 5, 6, 'error', /expected a helper id or name/]]],
  ['if r1 > r2 goto done', 'auto', [[1, 17, 21, 'error', /^invalid label: done/]]],
  ['loop: goto loop\nloop: exit', 'auto', [[2, 1, 5, 'error', /label loop is already defined on line 1/]]],
  ['r0 = -r1', 'auto', [[1, 7, 9, 'error', /neg negates a register in place: write r0 = -r0/]]],
  ['r0 = be16 r1', 'auto', [[1, 11, 13, 'error', /write r0 = be16 r0/]]],
  ['w1 = 5 ll', 'auto', [[1, 1, 3, 'error', /ld_imm64 loads 64 bits: write r1 = 5 ll/]]],
  ['ldxq r0, [r1]', 'auto', [[1, 1, 5, 'error', /^invalid mnemonic: ldxq \(did you mean ldx.\?\)$/]]],
  ['mov r0', 'auto', [[1, 1, 7, 'error', /invalid number of operands for mnemonic: mov/]]],
  ['ldxb r0, r1', 'auto', [[1, 10, 12, 'error', /failed to decode register and offset: r1/]]],
  ['ldxb r0, [r1+0x10000]', 'auto', [[1, 13, 21, 'error', /offset out of 16-bit range: 0x10000/]]],
  ['lock', 'auto', [[1, 1, 5, 'error', /invalid number of operands for lock/]]],
  ['lock fetch xchg [r1], r2', 'auto', [[1, 12, 16, 'error', /xchg always fetches/]]],
  ['lock frob [r1], r2', 'auto', [[1, 6, 10, 'error', /unknown atomic operation `frob`/]]],
  ['mov r0, 1', 'llvm', [[1, 1, 4, 'error', /`mov` is ubpf syntax, but this source is assembled as LLVM syntax/]]],
  ['r0 = 1', 'ubpf', [[1, 1, 3, 'error', /this is LLVM syntax, but the source is assembled as ubpf syntax/]]],
  ['12: r0 = 1', 'auto', [[1, 1, 3, 'error', /a line cannot start with a number/]]],
  ['"oops', 'auto', [[1, 1, 6, 'error', /unterminated string/]]],
  ['r0 = 1 /* open', 'auto', [[1, 1, 2, 'error', /unterminated \/\* comment/]]],
  ['r0 = 1; r1 = 2', 'auto', [[1, 7, 15, 'warning', /`;` starts a comment in bpflab, so `r1 = 2` is not assembled/]]],
  ['12: (b7) r6 = r1', 'auto', [[1, 5, 9, 'warning', /the pasted line says opcode \(b7\) but this text encodes \(bf\)/]]],
  ['0: b7 00 00 00 02 00 00 00 r0 = 1', 'auto', [[1, 4, 27, 'warning', /the pasted bytes are b7 00 00 00 02 .* but this text encodes b7 00 00 00 01/]]],
  // several lines: every error is reported, each on its line
  ['r0 = 1\nr11 = 2\nexit\nfoo', 'auto', [[2, 1, 4, 'error', /unknown register r11/], [4, 1, 4, 'error', /invalid mnemonic: foo/]]],
  // directives
  ['.map m array key=4 value=8', 'auto', [[1, 1, 27, 'error', /map m needs entries=N/]]],
  ['.map m arr key=4 value=8 entries=1', 'auto', [[1, 8, 11, 'error', /unknown map type `arr`; types are hash, array/]]],
  ['.map m array key=4 value=8 entries=1 size=3', 'auto', [[1, 38, 42, 'error', /unknown map attribute `size`/]]],
  ['.map m array key=4 value=8 entries=1\n.map m hash key=4 value=8 entries=1', 'auto', [[2, 6, 7, 'error', /map m is already declared on line 1/]]],
  ['.entry m key=01 value=00', 'auto', [[1, 8, 9, 'error', /no map named m; declare it with \.map m/]]],
  ['.map m array key=4 value=8 entries=1\n.entry m key=01000000 value=00', 'auto', [[2, 29, 31, 'error', /map m has 8-byte values; this value has 1 bytes/]]],
  ['.map m array key=4 value=8 entries=1\n.entry m key=0x01000000 value=00', 'auto', [[2, 14, 24, 'error', /hex bytes in memory order/]]],
  ['.map p prog_array key=4 value=4 entries=1\n.entry p key=00000000 value=00000000', 'auto', [[2, 8, 9, 'error', /prog_array values are file descriptors/]]],
  ['r1 = map[nope] ll', 'auto', [[1, 10, 14, 'error', /no map named nope/]]],
  ['ld_map_fd r1, nope', 'auto', [[1, 15, 19, 'error', /no map named nope/]]],
  ['.type foo', 'auto', [[1, 7, 10, 'error', /unknown program type `foo`; types are socket_filter, kprobe, sched_cls, sched_act, tracepoint, xdp/]]],
  ['.type xdp\n.type xdp', 'auto', [[2, 1, 6, 'error', /\.type is already set on line 1/]]],
  ['.license GPL', 'auto', [[1, 10, 13, 'error', /write the license in quotes/]]],
  ['.kern_version banana', 'auto', [[1, 15, 21, 'error', /expected a kernel version/]]],
  ['.frob', 'auto', [[1, 1, 6, 'error', /unknown directive \.frob/]]],
  ['.raw 1234', 'auto', [[1, 6, 10, 'error', /16 hex digits/]]],
];

describe('diagnostics', () => {
  test.each(CASES)('%j (%s)', (src, syntax, want) => {
    const r = assemble(src, { syntax });
    const got = r.diagnostics.map((d) => [d.line, d.col, d.endCol, d.severity, d.message]);
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => {
      expect(got[i].slice(0, 4)).toEqual(w.slice(0, 4));
      expect(got[i][4]).toMatch(w[4]);
    });
    expect(r.ok).toBe(!want.some((w) => w[3] === 'error'));
  });

  test('never throws, whatever the text', () => {
    const junk = ['', '\u0000', '(((', ')', '*', '[', 'r0 = *(', 'lock *(u64 *)(', 'if', '.map', '.entry x key=', ':', 'a:', '%', '%%r1', '0x', '-', 'call local', 'r1 = map[', 'r1 = map[fd:', 'lddw r1, map_value[fd:1]+'];
    for (const j of junk) expect(() => assemble(j)).not.toThrow();
    const alphabet = fc.constantFrom(...' r0w1=+-*()[],:;#/%&<>sxl.\n"'.split(''), 'map', 'goto ', 'call ', 'lock ', 'if ', 'll', 'u32', 'skb');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (parts) => {
        const r = assemble(parts.join(''));
        expect(r.ok || r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        expect(r.diagnostics.every((d) => !d.message.startsWith('internal'))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
