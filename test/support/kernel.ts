/**
 * Shared helpers for the kernel tests (test/kernel, test/kernel-run): little-endian keys, hex,
 * maps, programs and fd-array slots through bpf(2).
 */
import { Cmd, LINUX_VERSION_CODE, ProgType } from '../../src/isa';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import type { MapBase } from '../../src/kernel/maps';
import type { Prog } from '../../src/kernel/prog';

export const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};
export const u64 = (n: bigint | number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(n)), true);
  return b;
};
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Bytes from hex digits (whitespace ignored). */
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** A kernel (seed 1 unless told) with no verifier: the kernel is under test, not the verifier. */
export function kernel(opts: KernelOptions = {}): Kernel {
  return new Kernel(opts);
}

/** Creates a map and returns its fd and object; throws if MAP_CREATE fails (a test bug). */
export function createMap(k: Kernel, mapType: number, keySize: number, valueSize: number, maxEntries: number, mapFlags = 0): { fd: number; map: MapBase } {
  const r = k.bpf(Cmd.MAP_CREATE, { mapType, keySize, valueSize, maxEntries, mapFlags });
  if (!r.ok) throw new Error(`MAP_CREATE failed: ${r.errno}`);
  return { fd: r.value, map: k.mapOfFd(r.value) as MapBase };
}

export const update = (k: Kernel, fd: number, key: Uint8Array, value: Uint8Array, flags: number | bigint = 0) =>
  k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd, key, value, flags });
export const lookup = (k: Kernel, fd: number, key: Uint8Array) => k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key });
export const del = (k: Kernel, fd: number, key: Uint8Array) => k.bpf(Cmd.MAP_DELETE_ELEM, { mapFd: fd, key });
export const nextKey = (k: Kernel, fd: number, key: Uint8Array | null) => k.bpf(Cmd.MAP_GET_NEXT_KEY, { mapFd: fd, key });

/** Every key in GET_NEXT_KEY order, starting from NULL. */
export function keysOf(k: Kernel, fd: number): string[] {
  const out: string[] = [];
  let key: Uint8Array | null = null;
  for (let i = 0; i < 100000; i++) {
    const r = nextKey(k, fd, key);
    if (!r.ok) break;
    out.push(hex(r.value));
    key = r.value;
  }
  return out;
}

/** errno of a result, 0 for success. */
export const errnoOf = (r: { ok: boolean; errno?: number }): number => (r.ok ? 0 : r.errno!);

/** The program `r0 = 0; exit`. */
export const RET0 = unhex('b7000000000000009500000000000000');

/** A program that loads map fd `fd` into r1, then `r0 = 0; exit`. */
export const ldMapProg = (...fds: number[]): Uint8Array => {
  const parts = fds.map((fd) => {
    const b = unhex('1811000000000000' + '0000000000000000');
    new DataView(b.buffer).setInt32(4, fd, true);
    return b;
  });
  const out = new Uint8Array(parts.length * 16 + 16);
  parts.forEach((p, i) => out.set(p, i * 16));
  out.set(RET0, parts.length * 16);
  return out;
};

export const loadProg = (k: Kernel, insns: Uint8Array, progType = 1, extra: Record<string, unknown> = {}) =>
  k.bpf(Cmd.PROG_LOAD, { progType, insns, license: 'GPL', ...extra });

/** Loads `insns` (default `r0 = 0; exit`) as a program of `progType`; throws if PROG_LOAD fails (a test bug). */
export function loadedProg(k: Kernel, progType: number = ProgType.SchedCls, insns: Uint8Array = RET0): { fd: number; prog: Prog } {
  const r = loadProg(k, insns, progType, { kernVersion: LINUX_VERSION_CODE });
  if (!r.ok) throw new Error(`PROG_LOAD failed: ${r.errno}`);
  return { fd: r.value, prog: k.progOfFd(r.value)! };
}

/** Puts an fd (program, perf event, cgroup) into slot `index` of an fd array. */
export function setSlot(k: Kernel, mapFd: number, index: number, valueFd: number): void {
  const r = update(k, mapFd, u32(index), u32(valueFd));
  if (!r.ok) throw new Error(`MAP_UPDATE_ELEM failed: ${r.errno}`);
}
