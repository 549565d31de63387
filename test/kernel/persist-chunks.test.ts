/**
 * bpffs persistence writes only what changed: a large pinned map is stored as chunks and an index,
 * so editing one entry rewrites one chunk and the index (in the folder storage of the CLI and in
 * IndexedDB as the browser has it); records from before chunks (a whole map in one record) still
 * restore and are rewritten as chunks; and a save stopped half-way loses nothing: new chunks are
 * written before the index that names them, old ones deleted last.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cmd, MapType as T } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { MemoryStorage, type StoragePort } from '../../src/kernel/storage';
import { FolderStorage } from '../../src/kernel/storage-node';
import { IdbStorage } from '../../src/kernel/storage-idb';
import { createMap, lookup, nextKey, u32, update } from '../support/kernel';

/** A storage that records what is written and deleted, and can fail from the n-th write on. */
class Watched implements StoragePort {
  sets: string[] = [];
  deletes: string[] = [];
  failAfter = Infinity;
  constructor(readonly inner: StoragePort) {}
  get(key: string) {
    return this.inner.get(key);
  }
  async set(key: string, value: string) {
    if (this.sets.length >= this.failAfter) throw new Error('the storage went away');
    this.sets.push(key);
    await this.inner.set(key, value);
  }
  async delete(key: string) {
    this.deletes.push(key);
    await this.inner.delete(key);
  }
  list() {
    return this.inner.list();
  }
  reset() {
    this.sets = [];
    this.deletes = [];
  }
}

const ENTRIES = 300_000; // 2.4 MB of values: 10 chunks of 256 KiB
const CHUNK = 32_768; // entries of 8 bytes in a chunk
const val = (n: number) => new Uint8Array(8).fill(n);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let dbs = 0;
const storages: [string, () => StoragePort][] = [
  ['a folder (Node)', () => new FolderStorage((dirs.push(mkdtempSync(join(tmpdir(), 'bpflab-chunks-'))), dirs.at(-1)!))],
  ['IndexedDB', () => new IdbStorage(`chunks-${++dbs}`)],
];

async function getMap(k: Kernel, path: string): Promise<number> {
  const got = k.bpf(Cmd.OBJ_GET, { pathname: path }) as { ok: boolean; value: number };
  expect(got.ok).toBe(true);
  return got.value;
}

describe.each(storages)('a large pinned map in %s', (_name, make) => {
  it('editing one entry rewrites one chunk and the index; a restore reads the edit', async () => {
    const storage = new Watched(make());
    const k = new Kernel({ storage, ncpus: 1 });
    const big = createMap(k, T.Array, 4, 8, ENTRIES);
    expect(update(k, big.fd, u32(5), val(1)).ok).toBe(true);
    expect(update(k, big.fd, u32(ENTRIES - 1), val(2)).ok).toBe(true);
    expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/big', bpfFd: big.fd }).ok).toBe(true);
    await k.sync();
    expect(k.syncError).toBeNull();
    // chunks with something to store (the first and the last), the index, the pin
    const chunkKeys = storage.sets.filter((key) => /^bpffs\/obj\/map\/\d+\/\d+\.[0-9a-f.]+$/.test(key));
    expect(chunkKeys.map((key) => Number(key.split('/').at(-1)!.split('.')[0]))).toEqual([0, Math.floor((ENTRIES - 1) / CHUNK)]);
    expect(storage.sets.length).toBe(4);
    storage.reset();

    await k.sync(); // nothing changed: nothing written
    expect(storage.sets).toEqual([]);

    const at = 200_000;
    expect(update(k, big.fd, u32(at), val(9)).ok).toBe(true);
    await k.sync();
    const chunk = Math.floor(at / CHUNK);
    expect(storage.sets).toEqual([expect.stringMatching(new RegExp(`^bpffs/obj/map/\\d+/${chunk}\\.`)), expect.stringMatching(/^bpffs\/obj\/map\/\d+$/)]);
    expect(storage.deletes).toEqual([]); // the chunk had nothing stored before
    storage.reset();

    expect(update(k, big.fd, u32(at + 1), val(10)).ok).toBe(true);
    await k.sync();
    expect(storage.sets.length).toBe(2);
    expect(storage.deletes).toEqual([expect.stringMatching(new RegExp(`^bpffs/obj/map/\\d+/${chunk}\\.`))]); // the old version of the chunk, after
    const written = await storage.inner.get(storage.sets[0]);
    expect(written!.length).toBeLessThan(1000);

    const k2 = await Kernel.restore({ storage: storage.inner, ncpus: 1 });
    const fd = await getMap(k2, '/sys/fs/bpf/big');
    for (const [i, v] of [[5, 1], [at, 9], [at + 1, 10], [ENTRIES - 1, 2], [6, 0]]) expect(lookup(k2, fd, u32(i))).toEqual({ ok: true, value: val(v) });
  });
});

describe('chunked records', () => {
  it('a large hash map keeps its GET_NEXT_KEY order, and an edit rewrites one chunk', async () => {
    const storage = new Watched(new MemoryStorage());
    const k = new Kernel({ storage, ncpus: 1 });
    const h = createMap(k, T.Hash, 4, 8, 100_000); // 131,072 buckets, 12 bytes an element
    for (let i = 0; i < 60_000; i++) expect(update(k, h.fd, u32(i * 7919), val(i & 0xff)).ok).toBe(true);
    expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/h', bpfFd: h.fd }).ok).toBe(true);
    await k.sync();
    expect(storage.sets.filter((key) => /\/obj\/map\/\d+\/\d+\./.test(key)).length).toBeGreaterThan(2);
    storage.reset();
    expect(update(k, h.fd, u32(7919 * 3), val(0xee)).ok).toBe(true);
    await k.sync();
    expect(storage.sets).toEqual([expect.stringMatching(/\/obj\/map\/\d+\/\d+\./), expect.stringMatching(/\/obj\/map\/\d+$/)]);
    expect(storage.deletes.length).toBe(1);

    const order = (kk: Kernel, fd: number) => {
      const keys: string[] = [];
      let key: Uint8Array | null = null;
      for (;;) {
        const r = nextKey(kk, fd, key) as { ok: boolean; value: Uint8Array };
        if (!r.ok) return keys;
        key = r.value;
        keys.push(Buffer.from(key).toString('hex'));
      }
    };
    const k2 = await Kernel.restore({ storage: storage.inner, ncpus: 1 });
    const fd = await getMap(k2, '/sys/fs/bpf/h');
    expect(order(k2, fd)).toEqual(order(k, h.fd));
    expect(lookup(k2, fd, u32(7919 * 3))).toEqual({ ok: true, value: val(0xee) });
  });

  it('restores a whole-map record from before chunks, and the next save writes it as chunks', async () => {
    const storage = new MemoryStorage();
    const old = {
      v: 1, kind: 'map', type: T.Array, keySize: 4, valueSize: 8, maxEntries: ENTRIES, flags: 0, name: 'old', ncpus: 1,
      entries: [['05000000', '0101010101010101'], ['df930400', '0202020202020202']], // indexes 5 and 299,999
    };
    await storage.set('bpffs/obj/map/1', JSON.stringify(old));
    await storage.set('bpffs/pin/sys/fs/bpf/old', JSON.stringify({ v: 1, obj: 'obj/map/1' }));
    const k = await Kernel.restore({ storage, ncpus: 1 });
    const fd = await getMap(k, '/sys/fs/bpf/old');
    expect(lookup(k, fd, u32(5))).toEqual({ ok: true, value: val(1) });
    expect(lookup(k, fd, u32(299_999))).toEqual({ ok: true, value: val(2) });
    expect(update(k, fd, u32(7), val(3)).ok).toBe(true);
    await k.sync();
    const index = JSON.parse((await storage.get('bpffs/obj/map/1'))!);
    expect(index.entries).toEqual([]);
    expect(index.chunks.filter((c: string | null) => c !== null)).toEqual([expect.stringMatching(/^obj\/map\/1\/0\./), expect.stringMatching(/^obj\/map\/1\/9\./)]);
    const k2 = await Kernel.restore({ storage, ncpus: 1 });
    const fd2 = await getMap(k2, '/sys/fs/bpf/old');
    for (const [i, v] of [[5, 1], [7, 3], [299_999, 2]]) expect(lookup(k2, fd2, u32(i))).toEqual({ ok: true, value: val(v) });
  });

  it('a save stopped half-way leaves the last complete state, and the next save completes it', async () => {
    const storage = new Watched(new MemoryStorage());
    const k = new Kernel({ storage, ncpus: 1 });
    const big = createMap(k, T.Array, 4, 8, ENTRIES);
    expect(update(k, big.fd, u32(1), val(1)).ok).toBe(true);
    expect(update(k, big.fd, u32(290_000), val(1)).ok).toBe(true);
    expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/big', bpfFd: big.fd }).ok).toBe(true);
    await k.sync();
    storage.reset();
    // two chunks change; the storage fails after the first new chunk is written
    expect(update(k, big.fd, u32(1), val(5)).ok).toBe(true);
    expect(update(k, big.fd, u32(290_000), val(6)).ok).toBe(true);
    storage.failAfter = 1;
    await k.sync();
    expect(k.syncError).not.toBeNull();
    expect(storage.deletes).toEqual([]);
    const before = await Kernel.restore({ storage: storage.inner, ncpus: 1 });
    const fd = await getMap(before, '/sys/fs/bpf/big');
    expect(lookup(before, fd, u32(1))).toEqual({ ok: true, value: val(1) });
    expect(lookup(before, fd, u32(290_000))).toEqual({ ok: true, value: val(1) });
    // the storage is back: the next save writes what is missing and drops the old chunks
    storage.failAfter = Infinity;
    await k.sync();
    expect(k.syncError).toBeNull();
    const after = await Kernel.restore({ storage: storage.inner, ncpus: 1 });
    const fd2 = await getMap(after, '/sys/fs/bpf/big');
    expect(lookup(after, fd2, u32(1))).toEqual({ ok: true, value: val(5) });
    expect(lookup(after, fd2, u32(290_000))).toEqual({ ok: true, value: val(6) });
    const keys = (await storage.inner.list()).filter((key) => /\/obj\/map\/\d+\/\d+\./.test(key));
    expect(keys.length).toBe(2);
  });

  it('a chunk missing from storage makes the pin unavailable, not an empty map, and its records stay', async () => {
    const storage = new MemoryStorage();
    const k = new Kernel({ storage, ncpus: 1 });
    const big = createMap(k, T.Array, 4, 8, ENTRIES);
    expect(update(k, big.fd, u32(1), val(1)).ok).toBe(true);
    expect(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/big', bpfFd: big.fd }).ok).toBe(true);
    await k.sync();
    const chunkKey = [...storage.data.keys()].find((key) => /\/obj\/map\/\d+\/0\./.test(key))!;
    storage.data.delete(chunkKey);
    const k2 = await Kernel.restore({ storage, ncpus: 1 });
    expect(k2.unavailable.get('/sys/fs/bpf/big')?.reason).toBe(`a part of its stored contents is missing (${chunkKey.slice('bpffs/'.length)})`);
    await k2.sync();
    expect(storage.data.has('bpffs/pin/sys/fs/bpf/big')).toBe(true);
  });
});
