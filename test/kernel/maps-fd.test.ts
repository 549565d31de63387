/**
 * The fd arrays: PROG_ARRAY (program fds, the owner type rule, cleared when its user references
 * end), PERF_EVENT_ARRAY (perf event fds) and CGROUP_ARRAY (cgroup fds), with 4.8's errnos.
 */
import { describe, expect, it } from 'vitest';
import { Cmd, Errno as E, MapType as T, ProgType } from '../../src/isa';
import { RET0, createMap, del, errnoOf, kernel, keysOf, ldMapProg, loadProg, lookup, nextKey, u32, update } from '../support/kernel';

describe('PROG_ARRAY', () => {
  const setup = () => {
    const k = kernel();
    const { fd, map } = createMap(k, T.ProgArray, 4, 4, 4);
    const p = loadProg(k, RET0, ProgType.SocketFilter);
    if (!p.ok) throw new Error('load');
    return { k, fd, map, prog: p.value };
  };

  // [what, index, value fd (or 'prog'), flags, errno]
  const ROWS: [string, number, number | 'prog' | 'map' | 'stdin', number, number][] = [
    ['a program fd', 0, 'prog', 0, 0],
    ['flags NOEXIST: only BPF_ANY', 0, 'prog', 1, E.EINVAL],
    ['flags EXIST', 0, 'prog', 2, E.EINVAL],
    ['index past the end', 4, 'prog', 0, E.E2BIG],
    ['a closed fd', 0, 40, 0, E.EBADF],
    ['a map fd', 0, 'map', 0, E.EINVAL],
    ['stdin', 0, 'stdin', 0, E.EINVAL],
  ];
  it.each(ROWS)('update with %s', (_what, index, value, flags, errno) => {
    const { k, fd, prog } = setup();
    const v = value === 'prog' ? prog : value === 'map' ? fd : value === 'stdin' ? 0 : value;
    expect(errnoOf(update(k, fd, u32(index), u32(v), flags))).toBe(errno);
  });

  it('the slot holds the program: tail calls find it, user space cannot read it back (ENOENT)', () => {
    const { k, fd, map, prog } = setup();
    update(k, fd, u32(2), u32(prog));
    const p = k.progOfFd(prog)!;
    expect(k.progArrayGet(map, 2)).toBe(p);
    expect(k.progArrayGet(map, 1)).toBeNull();
    expect(k.progArrayGet(map, 4)).toBeNull();
    expect(k.progArrayGet(map, -1)).toBeNull();
    expect(errnoOf(lookup(k, fd, u32(2)))).toBe(E.ENOENT);
    expect(keysOf(k, fd)).toHaveLength(4);
    expect([...map.entries()].map((e) => [e.key[0], e.value[0]])).toEqual([[2, p.id]]);
    // the program outlives its fd while the slot holds it
    k.close(prog);
    expect(k.progById(p.id)).toBe(p);
    expect(errnoOf(del(k, fd, u32(2)))).toBe(0);
    expect(k.progById(p.id)).toBeUndefined();
  });

  it('delete: E2BIG past the end, ENOENT for an empty slot', () => {
    const { k, fd } = setup();
    expect(errnoOf(del(k, fd, u32(9)))).toBe(E.E2BIG);
    expect(errnoOf(del(k, fd, u32(1)))).toBe(E.ENOENT);
  });

  it('the owner type: the first program sets it, another type gives EINVAL, on update and on load', () => {
    const { k, fd, map, prog } = setup();
    expect(errnoOf(update(k, fd, u32(0), u32(prog)))).toBe(0);
    const cls = loadProg(k, RET0, ProgType.SchedCls);
    expect(errnoOf(update(k, fd, u32(1), u32((cls as { value: number }).value)))).toBe(E.EINVAL);
    // loading a program of another type that uses the array: bpf_check_tail_call refuses it
    expect(errnoOf(loadProg(k, ldMapProg(fd), ProgType.SchedCls))).toBe(E.EINVAL);
    expect(errnoOf(loadProg(k, ldMapProg(fd), ProgType.SocketFilter))).toBe(0);
    expect((map as unknown as { ownerProgType: number }).ownerProgType).toBe(ProgType.SocketFilter);
  });

  it('a program that uses the array claims it for its type at load', () => {
    const k = kernel();
    const { fd } = createMap(k, T.ProgArray, 4, 4, 4);
    expect(loadProg(k, ldMapProg(fd), ProgType.SchedCls).ok).toBe(true);
    const sock = loadProg(k, RET0, ProgType.SocketFilter) as { value: number };
    expect(errnoOf(update(k, fd, u32(0), u32(sock.value)))).toBe(E.EINVAL);
  });

  it('closing the last fd and pin empties the array (usercnt), even while a program keeps it', () => {
    const { k, fd, map, prog } = setup();
    update(k, fd, u32(0), u32(prog));
    const user = loadProg(k, ldMapProg(fd)) as { value: number };
    k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/jmp', bpfFd: fd });
    k.close(fd);
    expect(k.progArrayGet(map, 0)).not.toBeNull();
    expect(k.unlink('/sys/fs/bpf/jmp')).toBe(0);
    expect(k.mapById(map.id)).toBe(map);
    expect(k.progArrayGet(map, 0)).toBeNull();
    k.close(user.value);
    expect(k.mapById(map.id)).toBeUndefined();
  });

  it('GET_NEXT_KEY walks indices like an array', () => {
    const { k, fd } = setup();
    expect(nextKey(k, fd, null)).toEqual({ ok: true, value: u32(0) });
    expect(errnoOf(nextKey(k, fd, u32(3)))).toBe(E.ENOENT);
  });
});

describe('PERF_EVENT_ARRAY', () => {
  it('values are perf event fds; anything else is EBADF; the event outlives its fd', () => {
    const k = kernel({ ncpus: 2 });
    const { fd, map } = createMap(k, T.PerfEventArray, 4, 4, 2);
    const ev = k.perfEventOpen({ cpu: 1 });
    expect(ev.ok).toBe(true);
    const efd = (ev as { value: number }).value;
    expect(errnoOf(update(k, fd, u32(0), u32(efd)))).toBe(0);
    expect(errnoOf(update(k, fd, u32(1), u32(fd)))).toBe(E.EBADF);
    expect(errnoOf(update(k, fd, u32(1), u32(99)))).toBe(E.EBADF);
    expect(errnoOf(update(k, fd, u32(1), u32(efd), 2))).toBe(E.EINVAL);
    expect(errnoOf(update(k, fd, u32(2), u32(efd)))).toBe(E.E2BIG);
    k.close(efd);
    const e = k.perfEventGet(map, 0)!;
    expect(e.cpu).toBe(1);
    expect(e.ring.peek()).toEqual([]);
    expect(k.perfEventGet(map, 1)).toBeNull();
    expect(errnoOf(lookup(k, fd, u32(0)))).toBe(E.ENOENT);
  });

  it('perfEventOpen checks the CPU', () => {
    const k = kernel({ ncpus: 2 });
    expect(errnoOf(k.perfEventOpen({ cpu: 2 }))).toBe(E.EINVAL);
    expect(errnoOf(k.perfEventOpen({ cpu: -1 }))).toBe(E.EINVAL);
    expect(errnoOf(k.perfEventOpen({ cpu: 0.5 }))).toBe(E.EINVAL);
  });
});

describe('CGROUP_ARRAY', () => {
  it('values are cgroup fds (cgroupOpen); a non-cgroup fd is EBADF', () => {
    const k = kernel();
    const { fd, map } = createMap(k, T.CgroupArray, 4, 4, 2);
    const cg = k.cgroupOpen('/sys/fs/cgroup/app');
    expect(cg.ok).toBe(true);
    expect(errnoOf(k.cgroupOpen('/nope'))).toBe(E.ENOENT);
    expect(errnoOf(update(k, fd, u32(1), u32((cg as { value: number }).value)))).toBe(0);
    expect(errnoOf(update(k, fd, u32(0), u32(fd)))).toBe(E.EBADF);
    expect(k.cgroupGet(map, 1)).toEqual({ path: '/app', classid: 0x00100001 });
    expect(k.cgroupGet(map, 0)).toBeNull();
    expect(k.cgroupGet(map, 5)).toBeNull();
    // the services answer null for the wrong map type
    expect(k.perfEventGet(map, 1)).toBeNull();
    expect(k.progArrayGet(map, 1)).toBeNull();
  });
});
