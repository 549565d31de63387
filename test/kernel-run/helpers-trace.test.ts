import { describe, expect, it } from 'vitest';
import { Errno, ProgType } from '../../src/isa';
import { checkPrintkFormat, tracePipeLine, vsnprintf } from '../../src/kernel/helpers/printk';
import { harness, neg } from './harness';

const TRACE_PRINTK = 6;
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** Calls trace_printk with `fmt` (NUL added) and three arguments; returns r0 and the trace lines. */
function printk(fmt: string, args: (bigint | number)[] = [], progType: number = ProgType.Kprobe) {
  const h = harness(progType, progType === ProgType.Kprobe ? {} : { data: new Uint8Array(60) });
  const bytes = [...ascii(fmt), 0];
  const addr = h.put(bytes.length + 64, bytes);
  const a = [...args, 0, 0, 0];
  const r0 = h.r0(TRACE_PRINTK, addr, bytes.length, a[0], a[1], a[2]);
  return { r0, lines: h.k.trace.peek(), h };
}

const msgOf = (line: string): string => line.slice(line.indexOf(': : ') + 4);

describe('trace_printk format check (4.8, plus %i)', () => {
  const valid = ['hello\n', '%d %u %x', '%i %li %lli', '%ld %lu %lx', '%lld %llu %llx', '%p', '%s', 'a %p, %s.', '100%% sure? no', 'tab\there'];
  const invalid = ['%d %d %d %d', '%c', '%5d', '%%', '%s %s', '%pK', '%lp', '%l', 'end %', '\x01'];
  it.each(valid.filter((f) => !f.includes('%%')))('accepts %j', (f) => {
    expect(checkPrintkFormat(Uint8Array.from(ascii(f)))).not.toBeNull();
  });
  it.each(invalid)('refuses %j', (f) => {
    expect(checkPrintkFormat(Uint8Array.from(ascii(f)))).toBeNull();
  });
});

describe('trace_printk', () => {
  const cases: [string, string, (bigint | number)[], string][] = [
    ['plain text', 'hello', [], 'hello'],
    ['%d is a signed 32-bit int', '%d', [0xffff_ffffn], '-1'],
    ['%d keeps only the low 32 bits', '%d', [0x1_0000_0005n], '5'],
    ['%u', '%u', [0xffff_ffffn], '4294967295'],
    ['%x', '%x', [0xabcdn], 'abcd'],
    ['%ld is 64-bit signed', '%ld', [0xffff_ffff_ffff_fffen], '-2'],
    ['%llu', '%llu', [0xffff_ffff_ffff_ffffn], '18446744073709551615'],
    ['%lx', '%lx', [0x1_0000_0000n], '100000000'],
    ['%p prints 16 hex digits', '%p', [0xffff_8800_1234_5678n], 'ffff880012345678'],
    ['%p of NULL', '%p', [0n], '          (null)'],
    ['three arguments', '%d-%u-%x', [1, 2, 255], '1-2-ff'],
    ['a newline stays in the message', 'x=%d\n', [3], 'x=3\n'],
  ];
  it.each(cases)('%s', (_, fmt, args, want) => {
    const { r0, lines } = printk(fmt, args);
    expect(lines.length).toBe(1);
    expect(msgOf(lines[0])).toBe(want);
    expect(r0).toBe(BigInt(want.length));
  });
  it('%s reads a string from memory (at most 63 characters)', () => {
    const h = harness(ProgType.Kprobe);
    const s = h.put(200, [...ascii('x'.repeat(70)), 0]);
    const fmt = h.put(100, [...ascii('<%s>'), 0]);
    expect(h.r0(TRACE_PRINTK, fmt, 5, s)).toBe(65n);
    expect(msgOf(h.k.trace.peek()[0])).toBe(`<${'x'.repeat(63)}>`);
  });
  it('%s of an unmapped address prints an empty string', () => {
    const { lines } = printk('[%s]', [0x1234_5678n]);
    expect(msgOf(lines[0])).toBe('[]');
  });
  it.each([
    ['a format without its NUL', (h: ReturnType<typeof harness>) => h.put(8, ascii('abc!'))],
    ['a NUL inside the format', (h: ReturnType<typeof harness>) => h.put(8, [0x61, 0, 0x62, 0])],
  ])('-EINVAL for %s, nothing traced', (_, mk) => {
    const h = harness(ProgType.Kprobe);
    expect(h.r0(TRACE_PRINTK, mk(h), 4)).toBe(neg(Errno.EINVAL));
    expect(h.k.trace.peek()).toEqual([]);
  });
  it('-EINVAL for a refused conversion', () => {
    const { r0, lines } = printk('%c', [1]);
    expect(r0).toBe(neg(Errno.EINVAL));
    expect(lines).toEqual([]);
  });
  it('%i prints a signed int like %d', () => {
    const { lines } = printk('%i %li', [0xffff_ffffn, -2n]);
    expect(msgOf(lines[0])).toBe('-1 -2');
  });
  it('the trace_pipe line: comm, pid, cpu, flags, time', () => {
    const { lines } = printk('hi');
    // setWorld: comm curl, pid 4242, cpu 1; the seed-1 clock starts at 100.000000001 s
    expect(lines[0]).toBe('            curl-4242  [001] d..2   100.000000: : hi');
  });
  it('is offered to a socket filter only when the loader is privileged', () => {
    const priv = harness(ProgType.SocketFilter, { data: new Uint8Array(60) });
    const unpriv = harness(ProgType.SocketFilter, { data: new Uint8Array(60) }, undefined, false);
    expect(priv.run.host.hasHelper(TRACE_PRINTK)).toBe(true);
    expect(unpriv.run.host.hasHelper(TRACE_PRINTK)).toBe(false);
  });
});

describe('pieces', () => {
  it('vsnprintf handles what a %p can let through', () => {
    expect(vsnprintf('%p%5d|', [1n, 42n], () => '')).toBe('0000000000000001   42|');
  });
  it('tracePipeLine pads like the kernel', () => {
    expect(tracePipeLine('a-very-long-command', 1, 12, '..s1', 123_456_789_012n, 'm')).toBe(
      'a-very-long-command-1     [012] ..s1   123.456789: : m',
    );
  });
});
