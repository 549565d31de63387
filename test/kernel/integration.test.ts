/**
 * The kernel with the rest of the engine: a program assembled with maps, loaded through
 * PROG_LOAD (no verifier), run by the VM on the run builder's host; its map updates, pointer
 * stores and trace_printk lines are visible through bpf(2), the shell and trace_pipe, and
 * stepping back undoes all of them exactly.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm';
import { Cmd, MapType as T, ProgType } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { prepareRun } from '../../src/kernel/run';
import { runShell } from '../../src/kernel/shell';
import { Machine } from '../../src/vm';
import { hex, keysOf, u32, u64 } from '../support/kernel';

const SRC = `
.map counts hash key=4 value=8 entries=4
  r6 = r1
  *(u32 *)(r10 - 4) = 7
  *(u64 *)(r10 - 16) = 40
  r1 = map[counts] ll
  r2 = r10
  r2 += -4
  r3 = r10
  r3 += -16
  r4 = 0
  call 2
  r1 = map[counts] ll
  r2 = r10
  r2 += -4
  call 1
  if r0 == 0 goto out
  r1 = 2
  lock *(u64 *)(r0 + 0) += r1
out:
  r0 = 0
  exit
`;

function setup() {
  const k = new Kernel({ ncpus: 2 });
  const a = assemble(SRC);
  if (!a.ok) throw new Error(JSON.stringify(a.diagnostics));
  const decl = a.program.maps[0];
  const m = k.bpf(Cmd.MAP_CREATE, { mapType: decl.type, keySize: decl.keySize, valueSize: decl.valueSize, maxEntries: decl.maxEntries, name: decl.name });
  if (!m.ok) throw new Error('map');
  const bytes = a.program.bytes.slice();
  for (const ref of a.program.mapRefs) new DataView(bytes.buffer).setInt32(ref.pc * 8 + 4, m.value, true);
  const p = k.bpf(Cmd.PROG_LOAD, { progType: ProgType.SchedCls, insns: bytes, license: 'GPL', name: 'count' });
  if (!p.ok) throw new Error(`load ${p.errno}`);
  const prog = k.progOfFd(p.value)!;
  const run = prepareRun(k, prog, { data: new Uint8Array(60) });
  if (!run.ok) throw new Error(run.message);
  return { k, mapFd: m.value, prog, run };
}

describe('kernel + run builder + VM', () => {
  it('a run updates the map through the helper and through the returned pointer', () => {
    const { k, mapFd, prog, run } = setup();
    const vm = new Machine(run.host, prog, run.init);
    const r = vm.run();
    expect(r).toMatchObject({ kind: 'exit', r0: 0n });
    expect(k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd, key: u32(7) })).toEqual({ ok: true, value: u64(42) });
    expect(runShell(k, 'bpftool map dump id 1').output).toBe('key: 07 00 00 00  value: 2a 00 00 00 00 00 00 00\nFound 1 element\n');
    run.dispose();
  });

  it('stepping back to the start undoes the map changes exactly', () => {
    const { k, mapFd, prog, run } = setup();
    k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd, key: u32(1), value: u64(1) });
    const before = [...k.mapById(1)!.entries()].map((e) => hex(e.key) + hex(e.value));
    const order = keysOf(k, mapFd);
    const vm = new Machine(run.host, prog, run.init);
    let steps = 0;
    while (!vm.stopped) {
      vm.step();
      steps++;
    }
    expect(keysOf(k, mapFd)).toHaveLength(2);
    for (let i = 0; i < steps; i++) vm.back();
    expect([...k.mapById(1)!.entries()].map((e) => hex(e.key) + hex(e.value))).toEqual(before);
    expect(keysOf(k, mapFd)).toEqual(order);
    // and the map keeps working after the rewind: the freed slot is reused
    expect(k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd, key: u32(2), value: u64(2) }).ok).toBe(true);
    expect(k.mapById(1)!.mapType).toBe(T.Hash);
  });
});
