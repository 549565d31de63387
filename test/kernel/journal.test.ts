/**
 * Stepping back: every mutation made while `mem.journal` records (from bpf(2) or from a
 * program's side of a map, the world, trace_pipe) is undone exactly by rewinding.
 */
import { describe, expect, it } from 'vitest';
import { MapType as T } from '../../src/isa';
import { Journal } from '../../src/mem';
import type { Kernel } from '../../src/kernel/kernel';
import { RET0, createMap, del, hex, kernel, loadProg, u32, u64, update } from '../support/kernel';

/** Everything observable about the kernel's maps, world and trace pipe. */
function state(k: Kernel): string {
  const maps = k.objects().maps.map((m) => ({
    id: m.id,
    entries: [...m.map.entries()].map((e) => hex(e.key) + ':' + hex(e.value)),
    order: (() => {
      const out: string[] = [];
      let key: Uint8Array | null = null;
      for (;;) {
        const r = m.map.getNextKey(key);
        if (typeof r === 'number') break;
        out.push(hex(r));
        key = r;
      }
      return out;
    })(),
  }));
  const w = k.world;
  return JSON.stringify({ maps, clock: String(w.clockNs), cpu: w.cpu, task: w.task, realm: w.routeRealm, trace: k.trace.peek() });
}

/** Runs `mutate` under a journal and checks that rewinding restores the state before it. */
function roundTrip(k: Kernel, mutate: () => void): void {
  const before = state(k);
  const j = new Journal();
  k.mem.journal = j;
  mutate();
  const after = state(k);
  expect(after).not.toBe(before);
  j.rewindTo(0);
  k.mem.journal = null;
  expect(state(k)).toBe(before);
}

describe('journaled undo', () => {
  it.each([
    ['hash', T.Hash, 0],
    ['hash no_prealloc', T.Hash, 1],
    ['percpu_hash', T.PercpuHash, 0],
  ])('%s: inserts, replacements, deletes and a full map, from user space and programs', (_n, type, flags) => {
    const k = kernel({ ncpus: 2 });
    const { fd, map } = createMap(k, type, 4, 8, 3, flags);
    const v = (n: number) => (map.userValueSize === 8 ? u64(n) : new Uint8Array([...u64(n), ...u64(n + 1)]));
    update(k, fd, u32(1), v(1));
    update(k, fd, u32(2), v(2));
    roundTrip(k, () => {
      update(k, fd, u32(3), v(3));
      update(k, fd, u32(1), v(10));
      del(k, fd, u32(2));
      map.updateFromProg!(u32(4), u64(4), 0n, 1);
      map.deleteFromProg!(u32(3));
      map.updateFromProg!(u32(5), u64(5), 0n, 0);
      update(k, fd, u32(9), v(9));
      k.mem.write(map.lookupAddr!(u32(4), 1), u64(77));
    });
    // after the rewind the map still works and reuses slots consistently
    expect(update(k, fd, u32(3), v(3)).ok).toBe(true);
    expect(update(k, fd, u32(4), v(4)).ok).toBe(false);
  });

  it('arrays and per-CPU arrays', () => {
    const k = kernel({ ncpus: 2 });
    const a = createMap(k, T.Array, 4, 4, 4);
    const p = createMap(k, T.PercpuArray, 4, 4, 4);
    roundTrip(k, () => {
      update(k, a.fd, u32(1), u32(5));
      update(k, p.fd, u32(2), new Uint8Array(16).fill(3));
      p.map.updateFromProg!(u32(3), u32(9), 0n, 1);
    });
  });

  it('PROG_ARRAY slots and stack traces', () => {
    const k = kernel();
    const jmp = createMap(k, T.ProgArray, 4, 4, 4);
    const st = createMap(k, T.StackTrace, 4, 8, 4);
    const prog = loadProg(k, RET0) as { value: number };
    update(k, jmp.fd, u32(0), u32(prog.value));
    roundTrip(k, () => {
      update(k, jmp.fd, u32(1), u32(prog.value));
      del(k, jmp.fd, u32(0));
      k.stackStore(st.map, [1n], 0n);
    });
    expect(k.progArrayGet(jmp.map, 0)).not.toBeNull();
    expect(k.progArrayGet(jmp.map, 1)).toBeNull();
  });

  it('the world: clock, PRNG, CPU, task, route realm; and trace_pipe writes and reads', () => {
    const k = kernel({ seed: 7 });
    k.traceWrite('old line');
    const r1 = k.world.nextRandom32();
    const j = new Journal();
    const before = state(k);
    k.mem.journal = j;
    const r2 = k.world.nextRandom32();
    k.world.advanceClock(100);
    k.world.cpu = 1;
    k.world.task = { ...k.world.task, pid: 99, comm: 'other' };
    k.world.routeRealm = 5;
    k.traceWrite('new line');
    expect(k.trace.read()).toEqual(['old line', 'new line']);
    j.rewindTo(0);
    k.mem.journal = null;
    expect(state(k)).toBe(before);
    // the PRNG replays the same number after the rewind
    expect(k.world.nextRandom32()).toBe(r2);
    expect(r1).not.toBe(r2);
    // the task_struct region was restored too
    expect(k.mem.readUint(k.world.taskAddr + 24n, 4)).toBe(1234n);
  });
});
