/** MAP_CREATE: 4.8's checks for every map type (FACTS.md §22), the memory cap, as tables. */
import { describe, expect, it } from 'vitest';
import { Cmd, Errno as E, MapType as T } from '../../src/isa';
import { errnoOf, kernel } from '../support/kernel';

type Row = [string, number, number, number, number, number, number];
//  name, type, key, value, max_entries, flags, errno (0 = created)
const ROWS: Row[] = [
  ['hash ok', T.Hash, 4, 8, 16, 0, 0],
  ['hash no_prealloc', T.Hash, 4, 8, 16, 1, 0],
  ['hash unknown flag', T.Hash, 4, 8, 16, 2, E.EINVAL],
  ['hash key 0', T.Hash, 0, 8, 16, 0, E.EINVAL],
  ['hash value 0', T.Hash, 4, 0, 16, 0, E.EINVAL],
  ['hash max 0', T.Hash, 4, 8, 0, 0, E.EINVAL],
  ['hash key 512', T.Hash, 512, 8, 1, 0, 0],
  ['hash key 513', T.Hash, 513, 8, 1, 0, E.E2BIG],
  ['hash value at the kmalloc bound', T.Hash, 4, (1 << 21) - 512 - 40, 1, 0, E.E2BIG],
  ['hash value just under it', T.Hash, 4, (1 << 21) - 512 - 41, 1, 0, 0],
  ['hash key 0xffffffff', T.Hash, 0xffffffff, 8, 1, 0, E.E2BIG],
  ['hash max_entries 2^31+1 (no bucket count)', T.Hash, 4, 8, 0x80000001, 0, E.E2BIG],
  ['hash too much memory', T.Hash, 4, 8, 0x10000000, 0, E.E2BIG],
  ['percpu_hash ok', T.PercpuHash, 4, 8, 16, 0, 0],
  ['percpu_hash no_prealloc', T.PercpuHash, 4, 8, 16, 1, 0],
  ['percpu_hash value 32768', T.PercpuHash, 4, 32768, 1, 0, 0],
  ['percpu_hash value 32769', T.PercpuHash, 4, 32769, 1, 0, E.E2BIG],
  ['percpu_hash flag 2', T.PercpuHash, 4, 8, 16, 2, E.EINVAL],
  ['array ok', T.Array, 4, 8, 16, 0, 0],
  ['array key 8', T.Array, 8, 8, 16, 0, E.EINVAL],
  ['array no_prealloc', T.Array, 4, 8, 16, 1, E.EINVAL],
  ['array value 0', T.Array, 4, 0, 16, 0, E.EINVAL],
  ['array max 0', T.Array, 4, 8, 0, 0, E.EINVAL],
  ['array value 2 MiB', T.Array, 4, 1 << 21, 1, 0, E.E2BIG],
  ['array u32 overflow', T.Array, 4, 8, 0xffffffff, 0, E.ENOMEM],
  ['percpu_array ok', T.PercpuArray, 4, 8, 16, 0, 0],
  ['percpu_array key 2', T.PercpuArray, 2, 8, 16, 0, E.EINVAL],
  ['prog_array ok', T.ProgArray, 4, 4, 4, 0, 0],
  ['prog_array value 8', T.ProgArray, 4, 8, 4, 0, E.EINVAL],
  ['prog_array key 8', T.ProgArray, 8, 4, 4, 0, E.EINVAL],
  ['prog_array flags', T.ProgArray, 4, 4, 4, 1, E.EINVAL],
  ['perf_event_array ok', T.PerfEventArray, 4, 4, 2, 0, 0],
  ['perf_event_array value 8', T.PerfEventArray, 4, 8, 2, 0, E.EINVAL],
  ['cgroup_array ok', T.CgroupArray, 4, 4, 2, 0, 0],
  ['cgroup_array max 0', T.CgroupArray, 4, 4, 0, 0, E.EINVAL],
  ['stack_trace ok', T.StackTrace, 4, 8 * 127, 16, 0, 0],
  ['stack_trace depth 128', T.StackTrace, 4, 8 * 128, 16, 0, E.EINVAL],
  ['stack_trace value 12', T.StackTrace, 4, 12, 16, 0, E.EINVAL],
  ['stack_trace value 4', T.StackTrace, 4, 4, 16, 0, E.EINVAL],
  ['stack_trace key 8', T.StackTrace, 8, 8, 16, 0, E.EINVAL],
  ['stack_trace flags', T.StackTrace, 4, 8, 16, 1, E.EINVAL],
  ['stack_trace max 0', T.StackTrace, 4, 8, 0, 0, E.EINVAL],
  ['unspec', T.Unspec, 4, 4, 1, 0, E.EINVAL],
  ['lru_hash (4.10)', 9, 4, 4, 1, 0, E.EINVAL],
  ['type 0xffffffff', 0xffffffff, 4, 4, 1, 0, E.EINVAL],
];

describe('MAP_CREATE', () => {
  it.each(ROWS)('%s', (_name, mapType, keySize, valueSize, maxEntries, mapFlags, errno) => {
    const k = kernel({ memCapBytes: 1 << 30 });
    const r = k.bpf(Cmd.MAP_CREATE, { mapType, keySize, valueSize, maxEntries, mapFlags });
    expect(errnoOf(r)).toBe(errno);
    if (r.ok) expect(r.value).toBe(3);
  });

  it('STACK_TRACE needs CAP_SYS_ADMIN (EPERM), other types do not', () => {
    const k = kernel({ privileged: false });
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.StackTrace, keySize: 4, valueSize: 8, maxEntries: 4 }))).toBe(E.EPERM);
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.Hash, keySize: 4, valueSize: 8, maxEntries: 4 }))).toBe(0);
  });

  it('a map that would pass the memory cap gives ENOMEM; freeing one makes room again', () => {
    const k = kernel({ memCapBytes: 1 << 20 });
    const big = k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 1024, maxEntries: 900 });
    expect(big.ok).toBe(true);
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 1024, maxEntries: 200 }))).toBe(E.ENOMEM);
    k.close((big as { value: number }).value);
    expect(k.memUsed).toBe(0);
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 1024, maxEntries: 200 }))).toBe(0);
  });

  it('the default cap is 64 MiB: a 64 MiB array is refused, per-CPU copies count', () => {
    const k = kernel({ ncpus: 4 });
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 1 << 20, maxEntries: 64 }))).toBe(E.ENOMEM);
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.PercpuArray, keySize: 4, valueSize: 1 << 20, maxEntries: 16 }))).toBe(E.ENOMEM);
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.PercpuArray, keySize: 4, valueSize: 1 << 20, maxEntries: 15 }))).toBe(0);
  });

  it('map objects get ids from 1 and kernel addresses 0x800 apart', () => {
    const k = kernel();
    const a = k.bpf(Cmd.MAP_CREATE, { mapType: T.Hash, keySize: 4, valueSize: 4, maxEntries: 1 });
    const b = k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 4, maxEntries: 1, name: 'a_rather_long_map_name' });
    const ma = k.mapOfFd((a as { value: number }).value)!;
    const mb = k.mapOfFd((b as { value: number }).value)!;
    expect([ma.id, mb.id]).toEqual([1, 2]);
    expect(ma.addr).toBe(0xffff88003a5c0000n);
    expect(mb.addr).toBe(0xffff88003a5c0800n);
    expect(mb.name).toBe('a_rather_long_m');
    expect(k.mapByAddr(mb.addr)).toBe(mb);
  });
});
