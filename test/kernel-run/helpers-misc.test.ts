import { describe, expect, it } from 'vitest';
import { Cmd, Errno, MapType, ProgType } from '../../src/isa';
import { Journal, leValue } from '../../src/mem';
import { TASK_STRUCT } from '../../src/kernel/task';
import type { World } from '../../src/kernel/types';
import { harness, neg } from './harness';
import { ipv4Udp } from './packets';
import { createMap, hex, kernel, setSlot, unhex } from '../support/kernel';

const KP = ProgType.Kprobe;
const TC = ProgType.SchedCls;
const tcData = { data: ipv4Udp() };
const taskOff = (name: string) => TASK_STRUCT.fields.find((f) => f.name === name)!.offset;

describe('world helpers', () => {
  it('ktime_get_ns, get_prandom_u32, get_smp_processor_id', () => {
    const h = harness(TC, tcData);
    expect(h.r0(5)).toBe(h.k.world.clockNs);
    const a = h.r0(7);
    expect(h.r0(7)).not.toBe(a);
    expect(a < 1n << 32n).toBe(true);
    expect(h.r0(8)).toBe(1n);
  });
  it('get_prandom_u32 steps back', () => {
    const h = harness(TC, tcData);
    const j = new Journal();
    h.k.mem.journal = j;
    const a = h.r0(7);
    j.rewindTo(0);
    expect(h.r0(7)).toBe(a);
  });
});

describe('the current task', () => {
  it('pid_tgid and uid_gid pack two halves', () => {
    const h = harness(KP);
    expect(h.r0(14)).toBe((4200n << 32n) | 4242n);
    expect(h.r0(15)).toBe((100n << 32n) | 1000n);
  });
  it.each([
    ['a 16-byte buffer', 16, '6375726c' + '00'.repeat(12)],
    ['a 3-byte buffer: truncated and NUL-terminated', 3, '637500'],
    ['a 1-byte buffer', 1, '00'],
  ])('get_current_comm into %s', (_, size, want) => {
    const h = harness(KP);
    const buf = h.put(32, new Array(size).fill(0xee));
    expect(h.r0(16, buf, size)).toBe(0n);
    expect(hex(h.get(buf, size))).toBe(want);
  });
  it('get_current_task points at a task_struct probe_read can read', () => {
    const h = harness(KP);
    const task = h.r0(35);
    const dst = h.put(16, new Array(16).fill(0));
    expect(h.r0(4, dst, 16, task + BigInt(taskOff('comm')))).toBe(0n);
    expect(hex(h.get(dst, 5))).toBe('6375726c00');
    expect(h.r0(4, dst, 4, task + BigInt(taskOff('pid')))).toBe(0n);
    expect(leValue(h.get(dst, 4), 0, 4)).toBe(4242n);
  });
  it('probe_read of a bad address: -EFAULT and the buffer zeroed', () => {
    const h = harness(KP);
    const dst = h.put(8, new Array(8).fill(0x55));
    expect(h.r0(4, dst, 8, 0x1000n)).toBe(neg(Errno.EFAULT));
    expect(hex(h.get(dst, 8))).toBe('00'.repeat(8));
  });
  it('probe_write_user: kernel addresses -EPERM, unmapped user memory -EFAULT', () => {
    const h = harness(KP);
    const src = h.put(8, [1, 2, 3, 4]);
    expect(h.r0(36, h.fp - 64n, src, 4)).toBe(neg(Errno.EPERM));
    expect(h.r0(36, 0x400000n, src, 4)).toBe(neg(Errno.EFAULT));
  });
});

describe('redirect and clone_redirect', () => {
  it.each([
    ['redirect: egress', 23, [2, 0], 7n, { ifindex: 2, ingress: false, clone: false }],
    ['redirect: ingress', 23, [5, 1], 7n, { ifindex: 5, ingress: true, clone: false }],
    ['redirect: bad flags give TC_ACT_SHOT', 23, [2, 2], 2n, null],
    ['clone_redirect to a device', 13, [0, 2, 1], 0n, { ifindex: 2, ingress: true, clone: true }],
    ['clone_redirect: no such device', 13, [0, 9, 0], neg(Errno.EINVAL), null],
    ['clone_redirect: bad flags', 13, [0, 2, 4], neg(Errno.EINVAL), null],
  ] as const)('%s', (_, id, args, rc, effect) => {
    const h = harness(TC, tcData);
    const out = h.call(id, ...args);
    expect(out.kind === 'ret' && out.r0).toBe(rc);
    const effects = out.kind === 'ret' ? (out.effects ?? []) : [];
    expect(effects[0] ?? null).toEqual(effect ? { kind: 'redirect', ...effect } : null);
  });
  it('a TC_ACT_REDIRECT verdict names the device', () => {
    const h = harness(TC, tcData);
    h.r0(23, 2, 0);
    expect(h.run.finish(7n)).toMatchObject({ verdict: { name: 'TC_ACT_REDIRECT' }, redirect: { ifindex: 2, ingress: false } });
  });
});

describe('perf_event_output / perf_event_read', () => {
  function setup(progType: number = TC) {
    const k = kernel();
    const { fd, map: m } = createMap(k, MapType.PerfEventArray, 4, 4, 4);
    const open = (cpu: number) => {
      const r = k.perfEventOpen({ cpu });
      if (!r.ok) throw new Error('perf_event_open');
      return r.value;
    };
    setSlot(k, fd, 1, open(1));
    setSlot(k, fd, 2, open(0));
    const ev = k.perfEventGet(m, 1)!;
    ev.counter = 12345n;
    const h = harness(progType, progType === TC ? tcData : {}, k);
    return { h, m, ev };
  }
  const CUR = 0xffff_ffffn;
  it('output writes a sample to this CPU\'s event, with ctxlen bytes of the packet', () => {
    const { h, m, ev } = setup();
    const data = h.put(8, [0xaa, 0xbb]);
    expect(h.r0(25, h.ctx, m.addr, CUR | (4n << 32n), data, 2)).toBe(0n);
    const [rec] = ev.ring.peek();
    expect(rec.kind === 'sample' && hex(rec.data)).toBe('aabb' + hex(ipv4Udp().subarray(0, 4)));
  });
  it.each([
    ['flags outside INDEX_MASK|CTXLEN_MASK', 1n << 52n, Errno.EINVAL],
    ['ctxlen past the packet', 1n | (1000n << 32n), Errno.EFAULT],
    ['index past max_entries', 4n, Errno.E2BIG],
    ['an empty slot', 0n, Errno.ENOENT],
    ["another CPU's event", 2n, Errno.EOPNOTSUPP],
  ])('output: %s', (_, flags, errno) => {
    const { h, m, ev } = setup();
    expect(h.r0(25, h.ctx, m.addr, flags, h.put(8, [1]), 1)).toBe(neg(errno));
    expect(ev.ring.peek()).toEqual([]);
  });
  it('from a kprobe the ctxlen bits are invalid', () => {
    const { h, m } = setup(KP);
    expect(h.r0(25, h.ctx, m.addr, CUR | (1n << 32n), h.put(8, [1]), 1)).toBe(neg(Errno.EINVAL));
  });
  it.each([
    ['this CPU', CUR, 12345n],
    ['by index', 1n, 12345n],
    ['another CPU', 2n, neg(Errno.EINVAL)],
    ['bad flags', 1n << 40n, neg(Errno.EINVAL)],
    ['empty', 3n, neg(Errno.ENOENT)],
    ['past the end', 7n, neg(Errno.E2BIG)],
  ])('read: %s', (_, flags, want) => {
    const { h, m } = setup(KP);
    expect(h.r0(22, m.addr, flags)).toBe(want);
  });
});

describe('get_stackid', () => {
  function setup(valueSize = 32) {
    const k = kernel();
    const { fd, map: m } = createMap(k, MapType.StackTrace, 4, valueSize, 16);
    /** the instruction pointers stored under `id` */
    const stored = (id: bigint): bigint[] => {
      const r = k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: Uint8Array.of(Number(id), 0, 0, 0) });
      if (!r.ok) throw new Error(`lookup ${r.errno}`);
      return Array.from({ length: valueSize / 8 }, (_, i) => leValue(r.value, i * 8, 8)).filter((ip) => ip !== 0n);
    };
    return { h: harness(KP, {}, k), m, k, stored };
  }
  it('stores the kernel stack, cut to the map depth, after skipping', () => {
    const { h, m, k, stored } = setup(24);
    const id = h.r0(27, h.ctx, m.addr, 1);
    expect(stored(id)).toEqual(k.world.kernelStack.slice(1, 3).map((f) => f.ip));
  });
  it('BPF_F_USER_STACK takes the user stack', () => {
    const { h, m, k, stored } = setup();
    const id = h.r0(27, h.ctx, m.addr, 1n << 8n);
    expect(stored(id)).toEqual(k.world.userStack.map((f) => f.ip));
  });
  it.each([
    ['unknown flags', 1n << 11n, Errno.EINVAL],
    ['skipping the whole stack', 6n, Errno.EFAULT],
  ])('%s', (_, flags, errno) => {
    const { h, m } = setup();
    expect(h.r0(27, h.ctx, m.addr, flags)).toBe(neg(errno));
  });
});

describe('cgroups and routes', () => {
  it('get_cgroup_classid is the net_cls classid of the task cgroup', () => {
    expect(harness(TC, tcData).r0(17, 0)).toBe(0x00100002n);
  });
  it('get_route_realm: 0 without a route, the realm with one, 0 after set_tunnel_key', () => {
    expect(harness(TC, tcData).r0(24, 0)).toBe(0n);
    const k = kernel();
    k.world.routeRealm = 7;
    const h = harness(TC, { ...tcData, route: true }, k);
    expect(h.r0(24, h.ctx)).toBe(7n);
    h.r0(21, h.ctx, h.put(32, new Array(28).fill(0)), 28, 0);
    expect(h.r0(24, h.ctx)).toBe(0n);
  });
  it.each([
    ['an ancestor', 0, 1n],
    ['the root', 1, 1n],
    ['another branch', 2, 0n],
    ['an empty slot: -EAGAIN', 3, neg(Errno.EAGAIN)],
    ['past the end: -E2BIG', 4, neg(Errno.E2BIG)],
  ])('skb_in_cgroup: %s', (_, index, want) => {
    const k = kernel();
    const { fd, map: m } = createMap(k, MapType.CgroupArray, 4, 4, 4);
    ['/app', '/', '/system.slice'].forEach((path, i) => {
      const cg = k.cgroupOpen(path);
      if (!cg.ok) throw new Error(path);
      setSlot(k, fd, i, cg.value);
    });
    const h = harness(TC, tcData, k);
    expect(h.r0(33, h.ctx, m.addr, index)).toBe(want);
  });
});

describe('tunnel metadata', () => {
  const rx = {
    tx: false,
    ipv6: false,
    id: 0x1_0000_0042n,
    src: unhex('c0a80001'),
    dst: unhex('c0a80002'),
    tos: 4,
    ttl: 64,
    label: 0,
    flags: ['key', 'geneve_opt'],
    options: unhex('0102030405060708'),
  };
  const withTunnel = () => {
    const k = kernel();
    (k.world as World).tunnel = rx;
    return harness(TC, tcData, k);
  };
  it('get_tunnel_key reads the RX key (remote = outer source, host order)', () => {
    const h = withTunnel();
    const buf = h.put(32, new Array(28).fill(0xee));
    expect(h.r0(20, h.ctx, buf, 28, 0)).toBe(0n);
    expect(hex(h.get(buf, 28))).toBe('42000000' + '0100a8c0' + 'ee'.repeat(12) + '0440' + 'eeee' + 'eeeeeeee');
  });
  it.each([
    ['no metadata', false, 28, 0n, Errno.EINVAL],
    ['unknown flags', true, 28, 2n, Errno.EINVAL],
    ['IPv6 asked of an IPv4 tunnel', true, 28, 1n, Errno.EPROTO],
    ['a size that is no layout', true, 12, 0n, Errno.EINVAL],
  ])('get_tunnel_key: %s zeroes the buffer', (_, tunnel, size, flags, errno) => {
    const h = tunnel ? withTunnel() : harness(TC, tcData);
    const buf = h.put(32, new Array(size).fill(0xee));
    expect(h.r0(20, h.ctx, buf, size, flags)).toBe(neg(errno));
    expect(hex(h.get(buf, size))).toBe('00'.repeat(size));
  });
  it('get_tunnel_key accepts the old 24-byte layout', () => {
    const h = withTunnel();
    const buf = h.put(32, new Array(24).fill(0xee));
    expect(h.r0(20, h.ctx, buf, 24, 0)).toBe(0n);
    expect(hex(h.get(buf, 24))).toBe('42000000' + '0100a8c0' + '00'.repeat(12) + '0440' + '0000');
  });
  it('get_tunnel_opt copies the options and zero-fills the rest', () => {
    const h = withTunnel();
    const buf = h.put(16, new Array(12).fill(0xee));
    expect(h.r0(29, h.ctx, buf, 12)).toBe(8n);
    expect(hex(h.get(buf, 12))).toBe('0102030405060708' + '00000000');
    expect(h.r0(29, h.ctx, buf, 4)).toBe(neg(Errno.ENOMEM));
    expect(harness(TC, tcData).r0(29, 0, buf, 4)).toBe(neg(Errno.ENOENT));
  });
  it('set_tunnel_key then get reads back the TX key (its source is unset)', () => {
    const h = harness(TC, tcData);
    const key = h.put(64, [7, 0, 0, 0, 2, 0, 168, 192, ...new Array(12).fill(0), 1, 9, 0, 0, 0, 0, 0, 0]);
    expect(h.r0(21, h.ctx, key, 28, 2 | 4)).toBe(0n);
    expect(h.run.skb!.f.tunnel).toMatchObject({ tx: true, id: 7n, dst: unhex('c0a80002'), tos: 1, ttl: 9, flags: ['key', 'nocache', 'dont_fragment'] });
    const buf = h.put(32, new Array(28).fill(0));
    expect(h.r0(20, h.ctx, buf, 28, 0)).toBe(0n);
    expect(hex(h.get(buf, 8))).toBe('07000000' + '00000000');
  });
  it.each([
    ['unknown flags', 28, 8n, []],
    ['a size that is no layout', 20, 0n, []],
    ['a label without IPv6', 28, 0n, [[24, 1]]],
    ['tunnel_ext set', 28, 0n, [[22, 1]]],
  ] as const)('set_tunnel_key: %s is -EINVAL', (_, size, flags, pokes) => {
    const h = harness(TC, tcData);
    const key = new Array(28).fill(0);
    for (const [o, v] of pokes) key[o] = v;
    expect(h.r0(21, h.ctx, h.put(64, key), size, flags)).toBe(neg(Errno.EINVAL));
  });
  it('set_tunnel_opt needs TX metadata and a multiple of 4; get still says -ENOENT (4.8)', () => {
    const h = harness(TC, tcData);
    const opt = h.put(16, [1, 2, 3, 4]);
    expect(h.r0(30, h.ctx, opt, 4)).toBe(neg(Errno.EINVAL));
    h.r0(21, h.ctx, h.put(64, new Array(28).fill(0)), 28, 0);
    expect(h.r0(30, h.ctx, opt, 3)).toBe(neg(Errno.EINVAL));
    expect(h.r0(30, h.ctx, opt, 4)).toBe(0n);
    expect(h.r0(29, h.ctx, h.put(32, new Array(8).fill(0)), 8)).toBe(neg(Errno.ENOENT));
  });
});
