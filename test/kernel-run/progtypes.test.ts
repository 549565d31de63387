/**
 * The program-type registry (src/kernel/progtypes): every type of 4.8 under its enum value, its
 * data (`info`, what the app gets) agreeing with what its ops do, and a type the registry does not
 * have refused everywhere the kernel asks.
 */
import { describe, expect, test } from 'vitest';
import { BPF_FUNC_MAX_ID, Cmd, Errno, PROG_TYPE_NAMES, ProgType, SK_BUFF } from '../../src/isa';
import { PROG_TYPES, progTypeInfos, progTypeOps, verdictOf } from '../../src/kernel/progtypes';
import { ctxAccess, mayAccessSkb, mayWriteDirectPacket } from '../../src/kernel/progtypes/access';
import { helperFor } from '../../src/kernel/progtypes/funcproto';
import { prepareRun } from '../../src/kernel/run';
import type { LoadedProg } from '../../src/kernel/types';
import { Session } from '../../src/session';
import { RET0, kernel } from '../support/kernel';
import { tryPrepare } from './harness';
import { ipv4Udp } from './packets';

const TYPES = [ProgType.SocketFilter, ProgType.Kprobe, ProgType.SchedCls, ProgType.SchedAct, ProgType.Tracepoint, ProgType.Xdp];

describe('the registry', () => {
  test('holds the six program types of Linux 4.8, each under its enum value and name', () => {
    expect([...PROG_TYPES.keys()].sort()).toEqual([...TYPES].sort());
    for (const [type, ops] of PROG_TYPES) {
      expect(ops.info.type).toBe(type);
      expect(ops.info.name).toBe(PROG_TYPE_NAMES[type]);
    }
    expect(progTypeInfos().map((i) => i.type)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('info is plain data (it crosses the worker boundary) and the helper lists are the func_proto', () => {
    for (const ops of PROG_TYPES.values()) {
      expect(structuredClone(ops.info)).toEqual(ops.info);
      for (let id = 0; id < BPF_FUNC_MAX_ID + 2; id++) {
        expect(ops.info.helpers.includes(id)).toBe(ops.funcProto(id, true) !== null);
        if (ops.info.unprivilegedHelpers) expect(ops.info.unprivilegedHelpers.includes(id)).toBe(ops.funcProto(id, false) !== null);
      }
    }
  });

  test('only socket filters load without CAP_SYS_ADMIN, and only they say so in their data', async () => {
    expect(progTypeInfos().filter((i) => i.unprivilegedHelpers).map((i) => i.name)).toEqual(['socket_filter']);
    for (const type of TYPES) {
      const k = kernel();
      k.privileged = false;
      const r = k.bpf(Cmd.PROG_LOAD, { progType: type, insns: RET0, license: 'GPL', kernVersion: 0x40800 });
      expect(r.ok ? 0 : r.errno).toBe(type === ProgType.SocketFilter ? 0 : Errno.EPERM);
    }
  });

  test('a type the registry does not have: PROG_LOAD says EINVAL, no access, no helper, no run', () => {
    const k = kernel();
    const r = k.bpf(Cmd.PROG_LOAD, { progType: 7, insns: RET0, license: 'GPL' });
    expect(r.ok ? 0 : r.errno).toBe(Errno.EINVAL);
    expect(progTypeOps(7)).toBeUndefined();
    expect(ctxAccess(7, { off: 0, size: 4, write: false })).toBe(false);
    expect(mayAccessSkb(7) || mayWriteDirectPacket(7)).toBe(false);
    expect(helperFor(7, 1, true)).toBeNull();
    expect(verdictOf(7, 3, 0).name).toBe('r0 = 3');
    const loaded = k.bpf(Cmd.PROG_LOAD, { progType: ProgType.SocketFilter, insns: RET0, license: 'GPL' });
    const prog: LoadedProg = Object.create(k.progOfFd(loaded.ok ? loaded.value : -1)!, { progType: { value: 7 } });
    expect(prepareRun(k, prog, { data: ipv4Udp() })).toMatchObject({ ok: false, error: 'EINVAL', message: 'program type 7 cannot be run' });
  });

  test('hello hands the same data to the app', async () => {
    expect((await new Session().hello()).progTypes).toEqual(progTypeInfos());
  });
});

describe('each type\'s data agrees with what its run accepts', () => {
  test.each(TYPES)('type %i: a packet is needed exactly when info.packet says it takes one', (type) => {
    const info = progTypeOps(type)!.info;
    const without = tryPrepare(type, {});
    expect(without.ok).toBe(!info.packet);
    if (!without.ok) expect(without.message).toBe('a packet (run.data) is needed');
    expect(tryPrepare(type, { data: ipv4Udp() }).ok).toBe(true);
  });

  test.each([ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct])('type %i: ctx_in may set exactly the fields info names', (type) => {
    const ctxIn = progTypeOps(type)!.info.ctxIn;
    if (ctxIn?.kind !== 'fields') throw new Error('an skb type takes __sk_buff fields');
    expect(ctxIn.layout).toBe(SK_BUFF);
    expect(ctxIn.replaces).toBe(false);
    for (const f of SK_BUFF.fields) {
      const ctx = new Uint8Array(SK_BUFF.size);
      ctx[f.offset] = 1; // ifindex 1 is loopback, which exists
      expect(tryPrepare(type, { data: ipv4Udp(), ctx }).ok, f.name).toBe(ctxIn.fields.includes(f.name));
    }
  });

  test('kprobe: ctx_in is the whole pt_regs (it replaces the defaults), no longer than the struct', () => {
    const ctxIn = progTypeOps(ProgType.Kprobe)!.info.ctxIn;
    if (ctxIn?.kind !== 'fields') throw new Error('kprobe takes pt_regs fields');
    expect(ctxIn.replaces).toBe(true);
    expect(ctxIn.fields).toEqual(ctxIn.layout.fields.map((f) => f.name));
    const zeros = tryPrepare(ProgType.Kprobe, { ctx: new Uint8Array(4) });
    expect(zeros.ok && [...zeros.regions.ctx!.bytes].every((b) => b === 0)).toBe(true);
    expect(tryPrepare(ProgType.Kprobe, { ctx: new Uint8Array(ctxIn.layout.size + 1) })).toMatchObject({ ok: false, error: 'EINVAL' });
  });

  test('XDP takes no ctx_in (a non-zero one is refused); a tracepoint takes a raw record', () => {
    expect(progTypeOps(ProgType.Xdp)!.info.ctxIn).toBeNull();
    expect(tryPrepare(ProgType.Xdp, { data: ipv4Udp(), ctx: new Uint8Array(8) }).ok).toBe(true);
    expect(tryPrepare(ProgType.Xdp, { data: ipv4Udp(), ctx: Uint8Array.of(1) })).toMatchObject({ ok: false, message: 'an xdp_md ctx_in must be zero' });
    expect(progTypeOps(ProgType.Tracepoint)!.info.ctxIn).toEqual({ kind: 'record' });
    const run = tryPrepare(ProgType.Tracepoint, { ctx: new Uint8Array(16).fill(7) });
    expect(run.ok && run.regions.ctx!.bytes[run.regions.ctx!.origin + 12]).toBe(7);
  });

  test.each([
    [ProgType.SocketFilter, '__sk_buff'],
    [ProgType.SchedCls, '__sk_buff'],
    [ProgType.SchedAct, '__sk_buff'],
    [ProgType.Xdp, 'xdp_md'],
    [ProgType.Kprobe, 'pt_regs'],
    [ProgType.Tracepoint, 'sched:sched_switch'],
  ])('type %i: the debugger shows its context as %s, every field inside the region', (type, name) => {
    const run = tryPrepare(type, { data: ipv4Udp() });
    if (!run.ok) throw new Error(run.message);
    expect(run.ctxLayout!.name).toBe(name);
    const end = Math.max(...run.ctxLayout!.fields.map((f) => f.offset + f.size));
    expect(end).toBeLessThanOrEqual(run.regions.ctx!.size);
  });
});
