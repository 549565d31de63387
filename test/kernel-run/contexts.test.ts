import { describe, expect, it } from 'vitest';
import { PT_REGS, ProgType } from '../../src/isa';
import { isMemFault, leValue } from '../../src/mem';
import { TRACEPOINT_BELOW_RECORD } from '../../src/kernel/progtypes/tracepoint';
import { buildRecord, tracepointByName, TRACEPOINTS } from '../../src/kernel/progtypes/tracepoint';
import { verdictOf } from '../../src/kernel/progtypes';
import { harness, setWorld, tryPrepare } from './harness';
import { ipv4Udp } from './packets';
import { hex, kernel } from '../support/kernel';

const regOff = (n: string) => PT_REGS.fields.find((f) => f.name === n)!.offset;

describe('kprobe: pt_regs', () => {
  it('defaults to a probe hit in the innermost kernel frame', () => {
    const h = harness(ProgType.Kprobe);
    const ctx = h.run.regions.ctx!;
    expect(ctx.size).toBe(168);
    expect(leValue(ctx.bytes, regOff('ip'), 8)).toBe(h.k.world.kernelStack[0].ip);
    expect(ctx.writable).toBe(false);
  });
  it('takes edited bytes, zero-extended', () => {
    const di = new Uint8Array(regOff('di') + 8);
    di[regOff('di')] = 0x2a;
    const h = harness(ProgType.Kprobe, { ctx: di });
    expect(leValue(h.get(h.ctx + BigInt(regOff('di')), 8), 0, 8)).toBe(42n);
    expect(leValue(h.get(h.ctx + BigInt(regOff('ip')), 8), 0, 8)).toBe(0n);
  });
  it('refuses more than 168 bytes', () => {
    const r = tryPrepare(ProgType.Kprobe, { ctx: new Uint8Array(169) });
    expect(r.ok ? null : r.error).toBe('EINVAL');
  });
});

describe('tracepoint: raw records', () => {
  it('has sched_switch, sched_process_exec and sys_enter with their 4.8 layouts', () => {
    const sw = tracepointByName('sched:sched_switch')!;
    expect(sw.fields.map((f) => `${f.name}@${f.offset}:${f.size}`).slice(4)).toEqual([
      'prev_comm@8:16', 'prev_pid@24:4', 'prev_prio@28:4', 'prev_state@32:8', 'next_comm@40:16', 'next_pid@56:4', 'next_prio@60:4',
    ]);
    expect(tracepointByName('sys_enter')!.fields.slice(4).map((f) => [f.name, f.offset, f.size])).toEqual([['id', 8, 8], ['args', 16, 48]]);
    expect(TRACEPOINTS.map((t) => t.name)).toContain('sched:sched_process_exec');
  });
  it('fills the record from the world; the first 8 bytes point at pt_regs as in 4.8', () => {
    const h = harness(ProgType.Tracepoint, { tracepoint: 'sched:sched_switch', tracepointFields: { next_pid: 7 } });
    const ctx = h.run.regions.ctx!;
    // r1 points at the record, the region's origin
    expect(h.ctx).toBe(h.k.mem.addr(ctx, ctx.origin));
    const rec = ctx.bytes.subarray(ctx.origin);
    expect(hex(rec.subarray(8, 13))).toBe('6375726c00'); // prev_comm "curl"
    expect(leValue(rec, 24, 4)).toBe(4242n);
    expect(leValue(rec, 56, 4)).toBe(7n);
    expect(ctx.size - ctx.origin).toBe(2048); // readable up to the verifier's bound
    const regs = leValue(rec, 0, 8);
    expect(regs).toBe(h.k.mem.addr(h.run.regions.regs!));
  });
  it('maps the 32 KiB below the record that 4.8 lets a program read, as zeros', () => {
    const h = harness(ProgType.Tracepoint, { tracepoint: 'sched:sched_switch' });
    const ctx = h.run.regions.ctx!;
    expect(ctx.origin).toBe(TRACEPOINT_BELOW_RECORD);
    expect(TRACEPOINT_BELOW_RECORD).toBe(32768); // the lowest offset an instruction holds is -32768
    // the lowest and the highest bytes a verified load can reach
    expect(hex(h.get(h.ctx - 32768n, 8))).toBe('0000000000000000');
    expect(hex(h.get(h.ctx - 8n, 8))).toBe('0000000000000000');
    expect(h.get(h.ctx + 2047n, 1).length).toBe(1);
    expect(isMemFault(h.k.mem.read(h.ctx - 32769n, 1))).toBe(true);
    expect(isMemFault(h.k.mem.read(h.ctx + 2048n, 1))).toBe(true);
  });
  it('sched_process_exec stores its filename as __data_loc', () => {
    const k = kernel();
    setWorld(k);
    const rec = buildRecord(tracepointByName('sched_process_exec')!, k.world) as Uint8Array;
    const loc = Number(leValue(rec, 8, 4));
    const [len, off] = [loc >> 16, loc & 0xffff];
    expect(String.fromCharCode(...rec.subarray(off, off + len - 1))).toBe('/usr/bin/curl');
  });
  it('refuses unknown tracepoints and fields', () => {
    for (const input of [{ tracepoint: 'nope:nope' }, { tracepoint: 'sched_switch', tracepointFields: { bogus: 1 } }]) {
      const r = tryPrepare(ProgType.Tracepoint, input);
      expect(r.ok ? null : r.error).toBe('EINVAL');
    }
  });
});

describe('XDP: xdp_md', () => {
  it('data and data_end load packet pointers; the packet is writable', () => {
    const data = ipv4Udp();
    const h = harness(ProgType.Xdp, { data });
    const hooks = h.run.regions.ctx!.hooks!;
    const start = hooks.load(0, 4)!;
    expect(hooks.load(4, 4)! - start).toBe(BigInt(data.length));
    expect(hooks.load(8, 4)).toBeNull();
    expect(hooks.store(0, 4, 0n)).toBe(false);
    expect(h.k.mem.write(start, Uint8Array.of(0xff))).toBeNull();
    expect(h.run.finish(2n)).toMatchObject({ verdict: { name: 'XDP_PASS' }, retval: 2 });
    expect(h.run.finish(2n).dataOut![0]).toBe(0xff);
  });
});

describe('the conformance mem convention', () => {
  it('r1 = a writable copy, r2 = its length, no context', () => {
    const h = harness(ProgType.SocketFilter, { mem: Uint8Array.of(1, 2, 3) });
    expect(h.run.init.r2).toBe(3n);
    h.k.mem.write(h.ctx + 1n, Uint8Array.of(9));
    expect(hex(h.run.finish(0n).dataOut!)).toBe('010903');
    expect(h.run.host.loadSkb(0, 1)).toBeNull();
  });
  it('no mem bytes: r1 = 0', () => {
    expect(harness(ProgType.SocketFilter, { mem: new Uint8Array(0) }).run.init.r1).toBe(0n);
  });
});

describe('return values per program type', () => {
  it.each([
    [ProgType.SocketFilter, 0, 60, 'drop'],
    [ProgType.SocketFilter, 20, 60, 'keep 20 bytes'],
    [ProgType.SocketFilter, 0xffffffff, 60, 'keep all 60 bytes'],
    [ProgType.SchedCls, 0, 60, 'TC_ACT_OK'],
    [ProgType.SchedAct, 2, 60, 'TC_ACT_SHOT'],
    [ProgType.SchedCls, 0xffffffff, 60, 'TC_ACT_UNSPEC'],
    [ProgType.SchedCls, 99, 60, 'unknown tc action 99'],
    [ProgType.Xdp, 1, 60, 'XDP_DROP'],
    [ProgType.Kprobe, 5, 0, 'r0 = 5'],
  ])('type %i returning %i', (t, v, len, name) => {
    expect(verdictOf(t, v, len).name).toBe(name);
  });
  it('a socket filter keeps the bytes it returns; tc keeps the frame', () => {
    const data = ipv4Udp(8);
    expect(hex(harness(ProgType.SocketFilter, { data }).run.finish(20n).packet!)).toBe(hex(data.subarray(14, 34)));
    expect(harness(ProgType.SocketFilter, { data }).run.finish(0n).packet!.length).toBe(0);
    expect(harness(ProgType.SocketFilter, { data }).run.finish(0xffffn).packet!.length).toBe(data.length - 14);
    expect(hex(harness(ProgType.SchedCls, { data }).run.finish(2n).packet!)).toBe(hex(data));
  });
  it('finish gives the 64-bit r0 and the 32-bit retval', () => {
    const out = harness(ProgType.SchedCls, { data: ipv4Udp() }).run.finish(0x1_0000_0002n);
    expect([out.r0, out.retval, out.verdict.name]).toEqual([0x1_0000_0002n, 2, 'TC_ACT_SHOT']);
  });
  it('dispose unmaps the run', () => {
    const k = kernel();
    const h = harness(ProgType.SchedCls, { data: ipv4Udp() }, k);
    const before = [...k.mem.regions()].length;
    h.run.dispose();
    expect([...k.mem.regions()].length).toBe(before - 3);
  });
});
