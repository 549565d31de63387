/**
 * Helpers under the VM's step recording: stepping back over every helper call restores the
 * packet, the skb's fields, the maps, trace_pipe and the PRNG exactly; stepping forward again
 * gives the same events.
 */
import { describe, expect, it } from 'vitest';
import { Cmd, MapType, ProgType } from '../../src/isa';
import { prepareRun } from '../../src/kernel/run';
import { Machine } from '../../src/vm';
import { alu64i, call, exit, mov, movr, Prog, st, stx } from './bpf';
import { ipv4Udp } from './packets';
import { createMap, hex, kernel } from '../support/kernel';

const hexSlots = (p: Prog): Uint8Array => Uint8Array.from(p.insns.join('').match(/../g)!, (b) => parseInt(b, 16));

describe('stepping back over helpers', () => {
  it('restores packet, skb, maps, trace_pipe and PRNG', () => {
    const k = kernel();
    const { fd, map } = createMap(k, MapType.Hash, 4, 8, 4);
    const p = new Prog()
      .emit(movr(6, 1), movr(1, 6), mov(2, 0x0081), mov(3, 5), call(18)) // vlan push
      .emit(movr(1, 6), mov(2, 0x0081), mov(3, 6), call(18)) // a second push moves the tag into the frame
      .emit(movr(1, 6), mov(2, 0xdd86), mov(3, 0), call(31)) // change_proto: not IPv4 any more: ENOTSUPP
      .emit(call(7), stx(8, 10, 0, -16), st(4, 10, -4, 1), movr(2, 10), alu64i('add', 2, -4), movr(3, 10), alu64i('add', 3, -16), mov(4, 0))
      .map(1, 'h')
      .emit(call(2)) // map update with a random value
      .emit(st(4, 10, -24, 0x216968), movr(1, 10), alu64i('add', 1, -24), mov(2, 4), call(6)) // trace_printk("hi!")
      .emit(movr(1, 6), call(34)) // get_hash_recalc
      .emit(mov(0, 0), exit());
    const bytes = hexSlots(p);
    for (const f of p.fixups) {
      bytes[f.insn * 8 + 1] |= 0x10;
      new DataView(bytes.buffer).setInt32(f.insn * 8 + 4, fd, true);
    }
    const r = k.bpf(Cmd.PROG_LOAD, { progType: ProgType.SchedCls, insns: bytes, license: 'GPL' });
    if (!r.ok) throw new Error(`load ${r.errno}`);
    const prog = k.progOfFd(r.value)!;
    const run = prepareRun(k, prog, { data: ipv4Udp(8) });
    if (!run.ok) throw new Error(run.message);
    const snapshot = () => ({
      packet: hex(run.skb!.frame),
      skb: JSON.stringify(run.skb!.f, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
      ctx: hex(run.regions.ctx!.bytes),
      map: JSON.stringify([...map.entries()].map((e) => [hex(e.key), hex(e.value)])),
      trace: [...k.trace.peek()],
    });
    const m = new Machine(run.host, prog, run.init);
    const start = snapshot();
    const states = [start];
    const events = [];
    while (!m.stopped) {
      events.push(m.step());
      states.push(snapshot());
    }
    expect(m.stopped).toMatchObject({ kind: 'exit', r0: 0n });
    const end = states[states.length - 1];
    expect(end.packet).not.toBe(start.packet);
    expect(end.map).not.toBe(start.map);
    expect(end.trace.length).toBe(1);
    for (let i = states.length - 2; i >= 0; i--) {
      expect(m.back()).toBe(1);
      expect(snapshot()).toEqual(states[i]);
    }
    const again = [];
    while (!m.stopped) again.push(m.step());
    expect(snapshot()).toEqual(end);
    expect(again.map((e) => e.effects)).toEqual(events.map((e) => e.effects));
  });
});
