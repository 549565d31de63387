/**
 * bpf(2)'s entry and every command's attr handling: unknown commands, the sysctl, attr sizes
 * and unused fields, NULL and short buffers, bad fds, PROG_LOAD with and without a verifier,
 * close, the fd table and object lifetimes.
 */
import { describe, expect, it } from 'vitest';
import { Cmd, Errno as E, LINUX_VERSION_CODE, MapType as T, ProgType } from '../../src/isa';
import type { ProgLoadRequest, ProgVerifier } from '../../src/kernel/types';
import { progLoad } from '../../src/verifier';
import { RET0, createMap, errnoOf, hex, kernel, ldMapProg, loadProg, u32, unhex } from '../support/kernel';

describe('the syscall entry', () => {
  it.each([8, 9, 10, 35, -1, 0x7fffffff])('command %d is EINVAL', (cmd) => {
    expect(errnoOf(kernel().bpf(cmd, { pathname: null }))).toBe(E.EINVAL);
  });

  it('kernel.unprivileged_bpf_disabled: EPERM for every command without CAP_SYS_ADMIN', () => {
    const k = kernel({ privileged: false, unprivilegedBpfDisabled: true });
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 4, maxEntries: 1 }))).toBe(E.EPERM);
    expect(errnoOf(k.bpf(99, { pathname: null }))).toBe(E.EPERM);
    const root = kernel({ privileged: true, unprivilegedBpfDisabled: true });
    expect(errnoOf(root.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 4, maxEntries: 1 }))).toBe(0);
  });

  const base = { mapType: T.Array, keySize: 4, valueSize: 4, maxEntries: 1 };
  // [what, size, trailing bytes after map_flags (offset 20), errno]
  const SIZES: [string, number, number[], number][] = [
    ['size 48 (4.8 union)', 48, [], 0],
    ['size 4096 with zeros', 4096, new Array(100).fill(0), 0],
    ['size 4097', 4097, [], E.E2BIG],
    ['non-zero byte inside the union after map_flags', 48, [0, 0, 1], E.EINVAL],
    ['non-zero byte past the union', 64, new Array(30).fill(0).concat([1]), E.E2BIG],
    ['non-zero byte past size is ignored', 30, new Array(12).fill(0).concat([1]), 0],
    ['size 12: value_size and max_entries read as 0', 12, [], E.EINVAL],
    ['size -1', -1, [], E.EFAULT],
  ];
  it.each(SIZES)('attr %s', (_what, size, trailing, errno) => {
    expect(errnoOf(kernel().bpf(Cmd.MAP_CREATE, { ...base, size, trailing: new Uint8Array(trailing) }))).toBe(errno);
  });
  it('non-zero bytes past the union are E2BIG even for an unknown command', () => {
    expect(errnoOf(kernel().bpf(42, { pathname: null, size: 64, trailing: new Uint8Array(60).fill(1) }))).toBe(E.E2BIG);
  });
});

describe('map element commands', () => {
  const setup = () => {
    const k = kernel();
    const { fd } = createMap(k, T.Hash, 4, 8, 4);
    return { k, fd };
  };
  const v8 = new Uint8Array(8).fill(7);
  // [what, command, attr builder, errno]
  const ROWS: [string, number, (fd: number) => Record<string, unknown>, number][] = [
    ['update', Cmd.MAP_UPDATE_ELEM, (fd) => ({ mapFd: fd, key: u32(1), value: v8 }), 0],
    ['update: closed fd', Cmd.MAP_UPDATE_ELEM, () => ({ mapFd: 9, key: u32(1), value: v8 }), E.EBADF],
    ['update: negative fd', Cmd.MAP_UPDATE_ELEM, () => ({ mapFd: -1, key: u32(1), value: v8 }), E.EBADF],
    ['update: stdin is not a map', Cmd.MAP_UPDATE_ELEM, () => ({ mapFd: 0, key: u32(1), value: v8 }), E.EINVAL],
    ['update: NULL key', Cmd.MAP_UPDATE_ELEM, (fd) => ({ mapFd: fd, key: null, value: v8 }), E.EFAULT],
    ['update: short key', Cmd.MAP_UPDATE_ELEM, (fd) => ({ mapFd: fd, key: new Uint8Array(3), value: v8 }), E.EFAULT],
    ['update: NULL value', Cmd.MAP_UPDATE_ELEM, (fd) => ({ mapFd: fd, key: u32(1), value: null }), E.EFAULT],
    ['update: short value', Cmd.MAP_UPDATE_ELEM, (fd) => ({ mapFd: fd, key: u32(1), value: new Uint8Array(7) }), E.EFAULT],
    ['update: longer key and value use their first bytes', Cmd.MAP_UPDATE_ELEM, (fd) => ({ mapFd: fd, key: new Uint8Array(9), value: new Uint8Array(20) }), 0],
    ['lookup: missing key', Cmd.MAP_LOOKUP_ELEM, (fd) => ({ mapFd: fd, key: u32(5) }), E.ENOENT],
    ['lookup: flags are not lookup\'s (CHECK_ATTR)', Cmd.MAP_LOOKUP_ELEM, (fd) => ({ mapFd: fd, key: u32(5), flags: 1 }), E.EINVAL],
    ['lookup: NULL key', Cmd.MAP_LOOKUP_ELEM, (fd) => ({ mapFd: fd, key: null }), E.EFAULT],
    ['delete: a value pointer is past delete\'s last field', Cmd.MAP_DELETE_ELEM, (fd) => ({ mapFd: fd, key: u32(1), value: v8 }), E.EINVAL],
    ['delete: missing key', Cmd.MAP_DELETE_ELEM, (fd) => ({ mapFd: fd, key: u32(1) }), E.ENOENT],
    ['delete: NULL key', Cmd.MAP_DELETE_ELEM, (fd) => ({ mapFd: fd, key: null }), E.EFAULT],
    ['get_next_key: empty map', Cmd.MAP_GET_NEXT_KEY, (fd) => ({ mapFd: fd, key: null }), E.ENOENT],
    ['get_next_key: short key', Cmd.MAP_GET_NEXT_KEY, (fd) => ({ mapFd: fd, key: new Uint8Array(2) }), E.EFAULT],
    ['get_next_key: flags', Cmd.MAP_GET_NEXT_KEY, (fd) => ({ mapFd: fd, key: null, flags: 2 }), E.EINVAL],
    ['get_next_key: closed fd', Cmd.MAP_GET_NEXT_KEY, () => ({ mapFd: 77, key: null }), E.EBADF],
  ];
  it.each(ROWS)('%s', (_what, cmd, attr, errno) => {
    const { k, fd } = setup();
    expect(errnoOf(k.bpf(cmd, attr(fd) as never))).toBe(errno);
  });

  it('lookup fills a given buffer, EFAULT for a NULL or short one (after the lookup)', () => {
    const { k, fd } = setup();
    k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd, key: u32(1), value: v8 });
    const buf = new Uint8Array(8);
    expect(k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: u32(1), value: buf }).ok).toBe(true);
    expect(buf).toEqual(v8);
    expect(errnoOf(k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: u32(1), value: null }))).toBe(E.EFAULT);
    expect(errnoOf(k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: u32(2), value: null }))).toBe(E.ENOENT);
    expect(errnoOf(k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: u32(1), value: new Uint8Array(4) }))).toBe(E.EFAULT);
    const next = new Uint8Array(4);
    expect(k.bpf(Cmd.MAP_GET_NEXT_KEY, { mapFd: fd, key: null, nextKey: next }).ok).toBe(true);
    expect(next).toEqual(u32(1));
  });
});

describe('PROG_LOAD without a verifier', () => {
  // [what, attr overrides, privileged, errno]
  const ROWS: [string, Record<string, unknown>, boolean, number][] = [
    ['r0 = 0; exit', {}, true, 0],
    ['NULL license', { license: null }, true, E.EFAULT],
    ['NULL insns', { insns: null, insnCnt: 2 }, true, E.EFAULT],
    ['insn_cnt past the buffer', { insnCnt: 3 }, true, E.EFAULT],
    ['insn_cnt 4096 (>= BPF_MAXINSNS) before the copy', { insns: null, insnCnt: 4096 }, true, E.EINVAL],
    ['4095 instructions', { insns: new Uint8Array(4095 * 8), insnCnt: 4095 }, true, 0],
    ['no instructions: E2BIG', { insns: new Uint8Array(0) }, true, E.E2BIG],
    ['kprobe with the wrong kern_version', { progType: ProgType.Kprobe, kernVersion: 0x040700 }, true, E.EINVAL],
    ['kprobe with LINUX_VERSION_CODE', { progType: ProgType.Kprobe, kernVersion: LINUX_VERSION_CODE }, true, 0],
    ['tracepoint needs no kern_version', { progType: ProgType.Tracepoint }, true, 0],
    ['sched_cls unprivileged', { progType: ProgType.SchedCls }, false, E.EPERM],
    ['socket_filter unprivileged', {}, false, 0],
    ['unknown program type 7', { progType: 7 }, true, E.EINVAL],
    ['type 0', { progType: 0 }, true, E.EINVAL],
    ['a byte after kern_version (CHECK_ATTR)', { trailing: new Uint8Array([0, 0, 1]) }, true, E.EINVAL],
    ['a byte past the union', { size: 64, trailing: new Uint8Array([0, 0, 0, 0, 1]) }, true, E.E2BIG],
  ];
  it.each(ROWS)('%s', (_what, over, privileged, errno) => {
    const k = kernel({ privileged });
    expect(errnoOf(k.bpf(Cmd.PROG_LOAD, { progType: ProgType.SocketFilter, insns: RET0, license: 'GPL', ...over }))).toBe(errno);
  });

  it('map fds: EBADF for a closed fd, EINVAL for a non-map fd, malformed ld_imm64 EINVAL, 65 maps E2BIG', () => {
    const k = kernel();
    const { fd } = createMap(k, T.Array, 4, 4, 1);
    expect(errnoOf(loadProg(k, ldMapProg(fd)))).toBe(0);
    expect(errnoOf(loadProg(k, ldMapProg(50)))).toBe(E.EBADF);
    expect(errnoOf(loadProg(k, ldMapProg(1)))).toBe(E.EINVAL);
    const last = unhex('b7000000000000001811000003000000');
    expect(errnoOf(loadProg(k, last))).toBe(E.EINVAL);
    const badNext = ldMapProg(fd);
    badNext[8] = 0x07;
    expect(errnoOf(loadProg(k, badNext))).toBe(E.EINVAL);
    const pseudo2 = ldMapProg(fd);
    pseudo2[1] = 0x21;
    expect(errnoOf(loadProg(k, pseudo2))).toBe(E.EINVAL);
    const fds = Array.from({ length: 65 }, () => createMap(k, T.Array, 4, 4, 1).fd);
    expect(errnoOf(loadProg(k, ldMapProg(...fds.slice(0, 64))))).toBe(0);
    expect(errnoOf(loadProg(k, ldMapProg(...fds)))).toBe(E.E2BIG);
  });

  it('the kept instructions hold the map address (low, high) with src_reg 0; the program holds the map', () => {
    const k = kernel();
    const { fd, map } = createMap(k, T.Hash, 4, 4, 1);
    const r = loadProg(k, ldMapProg(fd, fd), ProgType.SocketFilter, { name: 'prog' });
    const prog = k.progOfFd((r as { value: number }).value)!;
    expect(hex(prog.bytes.subarray(0, 16))).toBe('1801000000005c3a' + '0000000000880fff'.replace('0fff', 'ffff'));
    expect(prog.maps).toEqual([map]);
    expect(prog.slots[0].kind).toBe('ld_imm64');
    expect(prog.name).toBe('prog');
    expect(prog.license).toBe('GPL');
    expect(prog.gplCompatible).toBe(true);
    k.close(fd);
    expect(k.mapById(map.id)).toBe(map);
    k.close((r as { value: number }).value);
    expect(k.mapById(map.id)).toBeUndefined();
    expect(k.mapByAddr(map.addr)).toBeUndefined();
  });

  it.each([
    ['GPL', true], ['GPL v2', true], ['GPL and additional rights', true], ['Dual BSD/GPL', true],
    ['Dual MIT/GPL', true], ['Dual MPL/GPL', true], ['MIT', false], ['gpl', false], ['GPL\0junk', true],
  ])('license %j: gpl compatible %s', (license, gpl) => {
    const k = kernel();
    const r = k.bpf(Cmd.PROG_LOAD, { progType: 1, insns: RET0, license });
    expect(k.progOfFd((r as { value: number }).value)!.gplCompatible).toBe(gpl);
  });

  it('the tag is the SHA-1 of the instructions with map fds zeroed', () => {
    const k = kernel();
    const a = createMap(k, T.Hash, 4, 4, 1).fd;
    const b = createMap(k, T.Hash, 4, 4, 1).fd;
    loadProg(k, ldMapProg(a));
    loadProg(k, ldMapProg(b));
    const pa = k.progById(1)!;
    const pb = k.progById(2)!;
    expect(pa.tag).toMatch(/^[0-9a-f]{16}$/);
    expect(pa.tag).toBe(pb.tag);
  });
});

describe('PROG_LOAD with a verifier', () => {
  it('hands the verifier the request and returns its log, errno and rewritten bytes', () => {
    const seen: ProgLoadRequest[] = [];
    const verifier: ProgVerifier = (req) => {
      seen.push(req);
      if (req.bytes.length === 8) return { ok: false, errno: E.EACCES, log: 'R0 !read_ok\n', analysis: { pc: 0 } };
      const m = req.resolveMapFd(3);
      expect(req.resolveMapFd(9)).toBe('EBADF');
      expect(req.resolveMapFd(0)).toBe('EINVAL');
      return { ok: true, errno: 0, log: '0: (b7) r0 = 0\n', bytes: req.bytes, maps: typeof m === 'object' ? [m] : [] };
    };
    const k = kernel({ verifier });
    createMap(k, T.Hash, 4, 4, 1);
    const logBuf = new Uint8Array(64).fill(0xaa);
    const bad = k.bpf(Cmd.PROG_LOAD, { progType: 1, insns: RET0.subarray(8), license: 'MIT', logLevel: 1, logSize: 64, logBuf, kernVersion: 5 });
    expect(bad).toEqual({ ok: false, errno: E.EACCES, log: 'R0 !read_ok\n', analysis: { pc: 0 } });
    expect(new TextDecoder().decode(logBuf.subarray(0, 13))).toBe('R0 !read_ok\n\0');
    expect(seen[0]).toMatchObject({ progType: 1, license: 'MIT', logLevel: 1, logSize: 64, logBuf: true, kernVersion: 5, privileged: true });
    const good = k.bpf(Cmd.PROG_LOAD, { progType: 1, insns: RET0, license: 'GPL', name: 'ok' });
    expect(good).toMatchObject({ ok: true, value: 4, log: '0: (b7) r0 = 0\n' });
    expect(k.progById(1)!.maps).toHaveLength(1);
    expect(seen[1].logBuf).toBe(false);
  });

  it("keeps the instructions as 4.8 does after bpf_check: map addresses in, src_reg cleared (convert_pseudo_ld_imm64)", () => {
    for (const verifier of [progLoad, undefined]) {
      const k = kernel({ verifier });
      const { fd, map } = createMap(k, T.Hash, 4, 4, 1);
      const p = loadProg(k, ldMapProg(fd));
      expect(p.ok).toBe(true);
      const kept = k.progById(1)!.bytes;
      expect(kept[1]).toBe(0x01); // dst r1, src 0
      expect(new DataView(kept.buffer).getUint32(4, true)).toBe(Number(map.addr & 0xffffffffn));
      expect(new DataView(kept.buffer).getUint32(12, true)).toBe(Number(map.addr >> 32n));
    }
  });

  it('a log longer than log_size is cut and NUL terminated in the buffer', () => {
    const k = kernel({ verifier: () => ({ ok: false, errno: E.ENOSPC, log: 'x'.repeat(200) }) });
    const logBuf = new Uint8Array(128);
    k.bpf(Cmd.PROG_LOAD, { progType: 1, insns: RET0, license: 'GPL', logLevel: 1, logSize: 128, logBuf });
    expect(logBuf[126]).toBe(0x78);
    expect(logBuf[127]).toBe(0);
  });
});

describe('fds and lifetimes', () => {
  it('fds start at 3, the lowest free one is reused, close of a closed fd is EBADF', () => {
    const k = kernel();
    const a = createMap(k, T.Array, 4, 4, 1).fd;
    const b = createMap(k, T.Array, 4, 4, 1).fd;
    expect([a, b]).toEqual([3, 4]);
    expect(k.close(a)).toEqual({ ok: true, value: 0 });
    expect(errnoOf(k.close(a))).toBe(E.EBADF);
    expect(createMap(k, T.Array, 4, 4, 1).fd).toBe(3);
    expect(errnoOf(k.close(-3))).toBe(E.EBADF);
  });

  it('closing stdin frees fd 0 for the next object, as in any process', () => {
    const k = kernel();
    k.close(0);
    expect(createMap(k, T.Array, 4, 4, 1).fd).toBe(0);
  });

  it('EMFILE at 1024 open files', () => {
    const k = kernel();
    const { fd } = createMap(k, T.Array, 4, 4, 1);
    let last = 0;
    for (let i = 0; i < 1020; i++) last = (k.bpf(Cmd.OBJ_PIN, { pathname: `/sys/fs/bpf/m${i}`, bpfFd: fd }), k.openById('map', 1) as { value: number }).value;
    expect(last).toBe(1023);
    expect(errnoOf(k.openById('map', 1))).toBe(E.EMFILE);
    expect(errnoOf(k.bpf(Cmd.MAP_CREATE, { mapType: T.Array, keySize: 4, valueSize: 4, maxEntries: 1 }))).toBe(E.EMFILE);
    expect(k.objects().maps).toHaveLength(1);
    expect(errnoOf(k.perfEventOpen({ cpu: 0 }))).toBe(E.EMFILE);
  });

  it('objects() lists maps and programs with their fds and pins', () => {
    const k = kernel();
    const { fd } = createMap(k, T.Hash, 4, 4, 1);
    const p = loadProg(k, ldMapProg(fd)) as { value: number };
    k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/p', bpfFd: p.value });
    const o = k.objects();
    expect(o.maps.map((m) => [m.id, m.fds, m.pins, m.refcnt])).toEqual([[1, [3], [], 2]]);
    expect(o.progs.map((x) => [x.id, x.fds, x.pins, x.mapIds, x.xlatedLen])).toEqual([[1, [4], ['/sys/fs/bpf/p'], [1], 32]]);
  });
});
