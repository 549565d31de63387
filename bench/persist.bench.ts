/**
 * `npm run bench -- persist`: bpffs persistence of a large pinned map (issue 14: "bpffs persistence
 * writes only what changed since the last save"). A 7M-entry array (56 MB of values) pinned over
 * the in-memory storage, some of its entries set: the first save (every chunk), a save after one
 * entry edited (one chunk and the index), a save with nothing changed, and a restore. Wall time of
 * one round each (a save is an async write), with what each save wrote.
 */
import { Cmd, MapType } from '../src/isa';
import { Kernel } from '../src/kernel/kernel';
import { MemoryStorage, type StoragePort } from '../src/kernel/storage';
import { num, table } from './support';

const ENTRIES = 7_000_000;

/** The in-memory storage, counting what is written. */
class Counted extends MemoryStorage implements StoragePort {
  records = 0;
  bytes = 0;
  override async set(key: string, value: string): Promise<void> {
    this.records++;
    this.bytes += value.length;
    await super.set(key, value);
  }
  take(): string {
    const s = `${num(this.records)} records, ${num(this.bytes / 1024, 1)} KiB`;
    this.records = this.bytes = 0;
    return s;
  }
}

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export default async function persistBench(): Promise<void> {
  const storage = new Counted();
  const k = new Kernel({ storage, ncpus: 1 });
  const created = k.bpf(Cmd.MAP_CREATE, { mapType: MapType.Array, keySize: 4, valueSize: 8, maxEntries: ENTRIES, mapFlags: 0 });
  if (!created.ok) throw new Error(`MAP_CREATE: errno ${created.errno}`);
  const fd = created.value;
  const set = (i: number, v: number) => k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd, key: u32(i), value: new Uint8Array(8).fill(v), flags: 0n });
  for (let i = 0; i < ENTRIES; i += 997) set(i, 1); // ~7,000 entries spread over the array
  k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/big', bpfFd: fd });
  const rows: string[][] = [['7M-entry array, pinned', 'ms', 'written']];
  rows.push(['first save', num(await timed(() => k.sync()), 1), storage.take()]);
  set(3_500_000, 7);
  rows.push(['save after one map edit', num(await timed(() => k.sync()), 1), storage.take()]);
  rows.push(['save, nothing changed', num(await timed(() => k.sync()), 1), storage.take()]);
  rows.push(['restore (a reload)', num(await timed(() => Kernel.restore({ storage, ncpus: 1 })), 1), '']);
  if (k.syncError) throw k.syncError;
  table(rows);
  console.log('Target (issue 14): a save after one edit writes one chunk and the index, not the map (was 8.4 s for the whole map).');
}
