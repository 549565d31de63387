/**
 * BPF_PROG_LOAD's checks before the verifier (FACTS.md §1), in 4.8's order: program length, the
 * kprobe version, privilege for non-socket-filter types, the program type, and the license's
 * GPL compatibility as the GPL-only helpers see it. None of them writes a log.
 */
import { describe, expect, test } from 'vitest';
import { errnoName, LINUX_VERSION_CODE, ProgType, readRaw } from '../../src/isa';
import { GPL_COMPATIBLE_LICENSES } from '../../src/kernel/prog';
import { gplCompatible, verify } from '../../src/verifier';
import * as B from './build';
import { request } from './support';

const outcome = (v: { ok: boolean; errno: number }) => (v.ok ? 'OK' : errnoName(v.errno));
const ok = B.prog(B.mov64Imm(0, 0), B.exit());
const movs = (n: number) => B.prog(...Array.from({ length: n - 1 }, () => B.mov64Imm(0, 0)), B.exit());

describe('before the verifier', () => {
  test.each([
    ['4095 instructions', { bytes: movs(4095), logSize: 1 << 20 }, 'OK'],
    ['4096 instructions (>= BPF_MAXINSNS)', { bytes: movs(4096), logSize: 1 << 20 }, 'EINVAL'],
    ['no instructions', { bytes: new Uint8Array(0) }, 'E2BIG'],
    ['no instructions, bad log attributes', { bytes: new Uint8Array(0), logSize: 1 }, 'E2BIG'],
    ['kprobe with LINUX_VERSION_CODE', { progType: ProgType.Kprobe, kernVersion: LINUX_VERSION_CODE }, 'OK'],
    ['kprobe with another version', { progType: ProgType.Kprobe, kernVersion: 0x040801 }, 'EINVAL'],
    ['kprobe with another version, unprivileged (the version comes first)', { progType: ProgType.Kprobe, kernVersion: 0, privileged: false }, 'EINVAL'],
    ['sched_cls unprivileged', { progType: ProgType.SchedCls, privileged: false }, 'EPERM'],
    ['xdp unprivileged', { progType: ProgType.Xdp, privileged: false }, 'EPERM'],
    ['an unknown type unprivileged (privilege comes first)', { progType: 99, privileged: false }, 'EPERM'],
    ['an unknown type', { progType: 99 }, 'EINVAL'],
    ['type 0 (unspec)', { progType: 0 }, 'EINVAL'],
    ['tracepoint needs no version', { progType: ProgType.Tracepoint, kernVersion: 7 }, 'OK'],
  ] as const)('%s', (_n, over, want) => {
    const v = verify(request(ok, over), { analysis: false });
    expect(outcome(v)).toBe(want);
    if (want !== 'OK') expect(v.log).toBe('');
  });
});

describe('licenses', () => {
  test.each([
    ...GPL_COMPATIBLE_LICENSES.map((l) => [l, true] as const),
    ['GPL\0 and anything after the NUL', true],
    ['gpl', false],
    ['GPL v3', false],
    ['GPL ', false],
    ['MIT', false],
    ['', false],
    ['G'.repeat(127) + 'GPL', false],
  ] as const)('%j compatible: %s', (license, want) => {
    expect(gplCompatible(license)).toBe(want);
    // ktime_get_ns is GPL-only
    const v = verify(request(B.prog(B.call(5), B.exit()), { license }), { analysis: false });
    expect(v.ok).toBe(want);
    if (!want) expect(v.log.endsWith('cannot call GPL only function from proprietary program\n')).toBe(true);
  });

  test('a license is cut at 127 characters before the comparison', () => {
    expect(gplCompatible('GPL'.padEnd(127, ' ') + 'x')).toBe(false);
  });
});

test('on success: map fds replaced by the map addresses with src_reg 0, the maps in order of first use', () => {
  const bytes = B.prog(B.ldMapFd(1, 4), B.ldMapFd(2, 3), B.ldMapFd(3, 4), B.mov64Imm(0, 0), B.exit());
  const v = verify(request(bytes), { analysis: false });
  expect(v.ok).toBe(true);
  expect(v.maps!.map((m) => m.mapType)).toEqual([3, 1]);
  const imm = (slot: number) => new DataView(v.bytes!.buffer).getUint32(slot * 8 + 4, true);
  expect([imm(0), imm(1), imm(2), imm(3)]).toEqual([0x3a5c0800, 0xffff8800, 0x3a5c0000, 0xffff8800]);
  // 4.8's convert_pseudo_ld_imm64 clears src_reg (BPF_PSEUDO_MAP_FD) once the program is valid
  expect([0, 2, 4].map((s) => readRaw(v.bytes!, s).src)).toEqual([0, 0, 0]);
  // everything but the imms and those src_regs is unchanged
  const orig = bytes.slice();
  for (const s of [0, 1, 2, 3, 4, 5]) orig.set(v.bytes!.subarray(s * 8 + 4, s * 8 + 8), s * 8 + 4);
  for (const s of [0, 2, 4]) orig[s * 8 + 1] &= 0x0f;
  expect(v.bytes).toEqual(orig);
});
