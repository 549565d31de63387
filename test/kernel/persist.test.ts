/**
 * Pinned objects survive a simulated restart: a new Kernel over the same storage (memory, a
 * folder, IndexedDB through fake-indexeddb) gets the directories, pins, map contents (in the
 * same order), programs (with their maps) and PROG_ARRAY slots back.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cmd, MapType as T, ProgType } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { MemoryStorage, type StoragePort } from '../../src/kernel/storage';
import { IdbStorage } from '../../src/kernel/storage-idb';
import { FolderStorage } from '../../src/kernel/storage-node';
import { RET0, createMap, hex, keysOf, ldMapProg, loadProg, lookup, u32, u64, update } from '../support/kernel';

const dir = mkdtempSync(join(tmpdir(), 'bpflab-bpffs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const STORAGES: [string, () => StoragePort][] = [
  ['memory', () => new MemoryStorage()],
  ['folder', () => new FolderStorage(join(dir, `s${n++}`))],
  ['indexeddb', () => new IdbStorage(`bpflab-test-${n++}`, 'bpffs')],
];

describe.each(STORAGES)('restart over %s storage', (_name, make) => {
  it('restores directories, pins, contents in order, programs with their maps, and prog array slots', async () => {
    const storage = make();
    const k = new Kernel({ storage, ncpus: 2 });
    const hash = createMap(k, T.Hash, 4, 8, 8);
    for (const i of [1, 2, 3, 4, 5]) update(k, hash.fd, u32(i), u64(i * 10));
    const order = keysOf(k, hash.fd);
    const pcpu = createMap(k, T.PercpuArray, 4, 4, 2);
    update(k, pcpu.fd, u32(1), new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]));
    const jmp = createMap(k, T.ProgArray, 4, 4, 4);
    const target = loadProg(k, RET0, ProgType.SchedCls, { name: 'target' }) as { value: number };
    update(k, jmp.fd, u32(2), u32(target.value));
    const user = loadProg(k, ldMapProg(hash.fd, jmp.fd), ProgType.SchedCls, { name: 'user' }) as { value: number };
    const stack = createMap(k, T.StackTrace, 4, 16, 4);
    const sid = k.stackStore(stack.map, [0xffffffff81000010n, 0x20n], 0n);
    expect(k.mkdir('/sys/fs/bpf/tc')).toBe(0);
    expect(k.mkdir('/sys/fs/bpf/tc/globals')).toBe(0);
    for (const [path, fd] of [['/sys/fs/bpf/tc/globals/pcpu', pcpu.fd], ['/sys/fs/bpf/jmp', jmp.fd], ['/sys/fs/bpf/tc/prog', user.value], ['/sys/fs/bpf/stack', stack.fd]] as const) {
      expect(k.bpf(Cmd.OBJ_PIN, { pathname: path, bpfFd: fd }).ok).toBe(true);
    }
    // a later change to a pinned map is saved by sync()
    update(k, hash.fd, u32(6), u64(60));
    const order6 = keysOf(k, hash.fd);
    await k.sync();
    expect(k.syncError).toBeNull();

    const k2 = await Kernel.restore({ storage, ncpus: 2 });
    const ls = (p: string) => (k2.fs.list(p) as { name: string }[]).map((e) => e.name);
    expect(ls('/sys/fs/bpf')).toEqual(['jmp', 'stack', 'tc']);
    expect(ls('/sys/fs/bpf/tc')).toEqual(['globals', 'prog']);
    const prog = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/tc/prog' }) as { value: number };
    const p2 = k2.progOfFd(prog.value)!;
    expect(p2.name).toBe('user');
    expect(p2.progType).toBe(ProgType.SchedCls);
    expect(p2.maps.map((m) => m.mapType)).toEqual([T.Hash, T.ProgArray]);
    // the program's instructions load the restored maps' addresses
    const lo = new DataView(p2.bytes.buffer, p2.bytes.byteOffset).getUint32(4, true);
    expect(lo).toBe(Number(p2.maps[0].addr & 0xffffffffn));
    expect(p2.tag).toBe(k.progOfFd(user.value)!.tag);
    // the unpinned hash map lives on through the pinned program, with its contents and order
    const hfd = (k2.openById('map', p2.maps[0].id) as { value: number }).value;
    expect(keysOf(k2, hfd)).toEqual(order6);
    expect(order6).not.toEqual(order);
    expect(lookup(k2, hfd, u32(3))).toEqual({ ok: true, value: u64(30) });
    const pc = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/tc/globals/pcpu' }) as { value: number };
    expect(hex((lookup(k2, pc.value, u32(1)) as { value: Uint8Array }).value)).toBe('01000000000000000200000000000000');
    const j = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/jmp' }) as { value: number };
    const slot = k2.progArrayGet(k2.mapOfFd(j.value)!, 2)!;
    expect(slot.name).toBe('target');
    expect(k2.progArrayGet(k2.mapOfFd(j.value)!, 1)).toBeNull();
    const s = k2.bpf(Cmd.OBJ_GET, { pathname: '/sys/fs/bpf/stack' }) as { value: number };
    expect(lookup(k2, s.value, u32(sid))).toEqual({ ok: true, value: new Uint8Array([...u64(0xffffffff81000010n), ...u64(0x20n)]) });
    // only pins and what they reach came back
    expect(k2.objects().maps).toHaveLength(4);
    expect(k2.objects().progs).toHaveLength(2);
  });

  it('unlinking removes the object from storage; a fresh kernel without restore overwrites stale records', async () => {
    const storage = make();
    const k = new Kernel({ storage });
    const a = createMap(k, T.Array, 4, 4, 1);
    k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/a', bpfFd: a.fd });
    k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/b', bpfFd: a.fd });
    await k.sync();
    const keys = (await storage.list()).sort();
    expect(keys).toEqual(['bpffs/obj/map/1', 'bpffs/pin/sys/fs/bpf/a', 'bpffs/pin/sys/fs/bpf/b']);
    k.unlink('/sys/fs/bpf/a');
    k.unlink('/sys/fs/bpf/b');
    await k.sync();
    expect(await storage.list()).toEqual([]);
    k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/c', bpfFd: a.fd });
    await k.sync();
    const fresh = new Kernel({ storage });
    fresh.mkdir('/sys/fs/bpf/only');
    await fresh.sync();
    expect(await storage.list()).toEqual(['bpffs/dir/sys/fs/bpf/only']);
  });
});
