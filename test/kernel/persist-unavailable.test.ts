/**
 * Pinned data is never lost silently: a pinned map that does not fit the next kernel (a 16 MiB
 * per-CPU array pinned at 2 CPUs needs 128 MiB at 16, over the 64 MiB map memory) stays stored,
 * is listed by `ls` as unavailable with the reason, survives the next saves, comes back in a
 * kernel where it fits, and goes only when the user removes it. And a save reads only the maps
 * that changed since the last one.
 */
import { describe, expect, it } from 'vitest';
import { Cmd, MapType as T } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { MemoryStorage } from '../../src/kernel/storage';
import { runShell } from '../../src/kernel/shell';
import { createMap, ldMapProg, loadProg, lookup, u32 } from '../support/kernel';

const ENTRIES = 600_000; // 8 bytes a CPU: 4.8 MB a CPU, 77 MB at 16 CPUs

async function pinnedBig(storage: MemoryStorage): Promise<Uint8Array> {
  const k = new Kernel({ storage, ncpus: 2 });
  const big = createMap(k, T.PercpuArray, 4, 8, ENTRIES);
  const value = new Uint8Array(16).fill(7);
  expect(k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: big.fd, key: u32(12345), value, flags: 0n }).ok).toBe(true);
  expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/big', bpfFd: big.fd }).ok).toBe(true);
  const prog = loadProg(k, ldMapProg(big.fd), 3, { name: 'user' }) as { value: number };
  expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/prog', bpfFd: prog.value }).ok).toBe(true);
  const small = createMap(k, T.Hash, 4, 4, 4);
  expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/small', bpfFd: small.fd }).ok).toBe(true);
  await k.sync();
  return value;
}

describe('pins that cannot be restored', () => {
  it('stay stored and listed with the reason, come back where they fit, and go only when removed', async () => {
    const storage = new MemoryStorage();
    const value = await pinnedBig(storage);
    const stored = [...(await storage.list())].sort();
    const before = new Map<string, string | undefined>();
    for (const key of stored) before.set(key, await storage.get(key));

    const k16 = await Kernel.restore({ storage, ncpus: 16 });
    expect([...k16.unavailable.keys()].sort()).toEqual(['/sys/fs/bpf/big', '/sys/fs/bpf/prog']);
    expect(k16.unavailable.get('/sys/fs/bpf/big')!.reason).toMatch(/^ENOMEM: the map does not fit in the kernel's 64 MiB of map memory at this CPU count \(it was pinned at 2 CPUs\)$/);
    expect(k16.unavailable.get('/sys/fs/bpf/prog')!.reason).toMatch(/^a map it uses could not be restored \(ENOMEM/);
    const ls = runShell(k16, 'ls /sys/fs/bpf').output;
    expect(ls).toBe(
      'big  (unavailable: ENOMEM: the map does not fit in the kernel\'s 64 MiB of map memory at this CPU count (it was pinned at 2 CPUs))\n' +
        'prog  (unavailable: a map it uses could not be restored (ENOMEM: the map does not fit in the kernel\'s 64 MiB of map memory at this CPU count (it was pinned at 2 CPUs)))\n' +
        'small\n',
    );
    expect(runShell(k16, 'ls -l /sys/fs/bpf/big').output).toMatch(/^\?---------  map   \/sys\/fs\/bpf\/big  \(unavailable: ENOMEM/);
    // its path is taken; the saves that follow keep every record
    const other = createMap(k16, T.Array, 4, 4, 1);
    expect(k16.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/big', bpfFd: other.fd })).toMatchObject({ ok: false, errno: 17 });
    expect(k16.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/other', bpfFd: other.fd }).ok).toBe(true);
    await k16.sync();
    expect(k16.syncError).toBeNull();
    const now = [...(await storage.list())].sort();
    expect(now.filter((key) => !stored.includes(key))).toEqual([expect.stringMatching(/^bpffs\/obj\/map\/\d+$/), 'bpffs/pin/sys/fs/bpf/other']);
    expect(now.filter((key) => stored.includes(key))).toEqual(stored);
    for (const key of stored) expect(await storage.get(key), key).toBe(before.get(key));

    // a kernel where it fits gets it back, contents and all
    const k2 = await Kernel.restore({ storage, ncpus: 2 });
    expect(k2.unavailable.size).toBe(0);
    const got = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/big' }) as { ok: true; value: number };
    expect(lookup(k2, got.value, u32(12345))).toEqual({ ok: true, value });
    expect((k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/prog' }) as { ok: boolean }).ok).toBe(true);

    // removed by the user where it does not fit: then it is gone
    const k16b = await Kernel.restore({ storage, ncpus: 16 });
    expect(runShell(k16b, 'rm /sys/fs/bpf/big /sys/fs/bpf/prog').exitCode).toBe(0);
    expect(runShell(k16b, 'ls /sys/fs/bpf').output).toBe('other\nsmall\n');
    await k16b.sync();
    const k2b = await Kernel.restore({ storage, ncpus: 2 });
    expect((k2b.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/big' }) as { ok: boolean }).ok).toBe(false);
    expect([...(await storage.list())].some((key) => key.includes('obj/prog/'))).toBe(false);
  });
});

describe('incremental saves', () => {
  it('a save reads a pinned map only when something in it changed since the last save', async () => {
    const storage = new MemoryStorage();
    const k = new Kernel({ storage, ncpus: 1 });
    const arr = createMap(k, T.Array, 4, 8, 30_000); // one chunk: saved as one record
    const hash = createMap(k, T.Hash, 4, 4, 1000);
    expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/arr', bpfFd: arr.fd }).ok).toBe(true);
    expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/hash', bpfFd: hash.fd }).ok).toBe(true);
    const reads = new Map<string, number>();
    for (const [name, m] of [['arr', arr.map], ['hash', hash.map]] as const) {
      const entries = m.entries.bind(m);
      m.entries = () => (reads.set(name, (reads.get(name) ?? 0) + 1), entries());
    }
    await k.sync();
    expect(Object.fromEntries(reads)).toEqual({ arr: 1, hash: 1 });
    await k.sync(); // nothing changed
    expect(Object.fromEntries(reads)).toEqual({ arr: 1, hash: 1 });
    expect(k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: arr.fd, key: u32(29_999), value: new Uint8Array(8).fill(3), flags: 0n }).ok).toBe(true);
    await k.sync();
    expect(Object.fromEntries(reads)).toEqual({ arr: 2, hash: 1 });
    expect(k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: hash.fd, key: u32(1), value: u32(1), flags: 0n }).ok).toBe(true);
    await k.sync();
    // a value rewritten to the same bytes and a key deleted and added back still count as changes of the layout
    expect(k.bpf(Cmd.MAP_DELETE_ELEM, { mapFd: hash.fd, key: u32(1) }).ok).toBe(true);
    expect(k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: hash.fd, key: u32(1), value: u32(1), flags: 0n }).ok).toBe(true);
    await k.sync();
    expect(Object.fromEntries(reads)).toEqual({ arr: 2, hash: 3 });
    // and what was saved is what the maps hold
    const k2 = await Kernel.restore({ storage, ncpus: 1 });
    const a2 = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/arr' }) as { value: number };
    expect(lookup(k2, a2.value, u32(29_999))).toEqual({ ok: true, value: new Uint8Array(8).fill(3) });
    const h2 = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/hash' }) as { value: number };
    expect(lookup(k2, h2.value, u32(1))).toEqual({ ok: true, value: u32(1) });
  });
});
