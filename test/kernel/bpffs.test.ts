/** OBJ_PIN and OBJ_GET on /sys/fs/bpf, mkdir / unlink / rmdir, and what pins keep alive. */
import { describe, expect, it } from 'vitest';
import { Cmd, Errno as E, MapType as T } from '../../src/isa';
import { RET0, createMap, errnoOf, kernel, loadProg } from '../support/kernel';

const pin = (k: ReturnType<typeof kernel>, pathname: string | null, bpfFd: number) => k.bpf(Cmd.OBJ_PIN, { pathname, bpfFd });
const get = (k: ReturnType<typeof kernel>, pathname: string | null, bpfFd = 0) => k.bpf(Cmd.OBJ_GET, { pathname, bpfFd });

describe('OBJ_PIN', () => {
  const setup = () => {
    const k = kernel();
    const { fd } = createMap(k, T.Hash, 4, 4, 1);
    expect(k.mkdir('/sys/fs/bpf/tc')).toBe(0);
    expect(pin(k, '/sys/fs/bpf/taken', fd).ok).toBe(true);
    return { k, fd };
  };
  // [what, path, fd ('map' | number), errno]
  const ROWS: [string, string | null, 'map' | number, number][] = [
    ['a new name at the root', '/sys/fs/bpf/m', 'map', 0],
    ['in a user directory', '/sys/fs/bpf/tc/m', 'map', 0],
    ['a relative path walks from /', 'sys/fs/bpf/./tc/../m', 'map', 0],
    ['an existing name', '/sys/fs/bpf/taken', 'map', E.EEXIST],
    ['an existing directory', '/sys/fs/bpf/tc', 'map', E.EEXIST],
    ['the mount point', '/sys/fs/bpf', 'map', E.EEXIST],
    ['a missing parent', '/sys/fs/bpf/nodir/m', 'map', E.ENOENT],
    ['below a pinned object', '/sys/fs/bpf/taken/m', 'map', E.ENOTDIR],
    ['a trailing slash', '/sys/fs/bpf/new/', 'map', E.ENOENT],
    ['another filesystem (/tmp)', '/tmp/m', 'map', E.EPERM],
    ['another filesystem (/sys/fs)', '/sys/fs/m', 'map', E.EPERM],
    ['a directory that does not exist', '/nope/m', 'map', E.ENOENT],
    ['the empty path', '', 'map', E.ENOENT],
    ['a NULL path', null, 'map', E.EFAULT],
    ['a 4096-byte path', '/sys/fs/bpf/' + 'a/'.repeat(2042), 'map', E.ENAMETOOLONG],
    ['a 256-byte name', '/sys/fs/bpf/' + 'a'.repeat(256), 'map', E.ENAMETOOLONG],
    ['a closed fd', '/sys/fs/bpf/m', 9, E.EBADF],
    ['stdin (not a bpf object)', '/sys/fs/bpf/m', 0, E.EINVAL],
  ];
  it.each(ROWS)('%s', (_what, path, fd, errno) => {
    const s = setup();
    expect(errnoOf(pin(s.k, path, fd === 'map' ? s.fd : fd))).toBe(errno);
  });

  it('bpf_fd past the union (size 64) is E2BIG only if non-zero bytes follow', () => {
    const { k, fd } = setup();
    expect(errnoOf(k.bpf(Cmd.OBJ_PIN, { pathname: '/sys/fs/bpf/x', bpfFd: fd, trailing: new Uint8Array([1]) }))).toBe(E.EINVAL);
  });

  it('a pinned map outlives its fd and is freed on unlink; a perf event fd cannot be pinned', () => {
    const { k, fd } = setup();
    const map = k.mapOfFd(fd)!;
    k.close(fd);
    expect(k.mapById(map.id)).toBe(map);
    expect(k.unlink('/sys/fs/bpf/taken')).toBe(0);
    expect(k.mapById(map.id)).toBeUndefined();
    const ev = k.perfEventOpen({ cpu: 0 }) as { value: number };
    expect(errnoOf(pin(k, '/sys/fs/bpf/ev', ev.value))).toBe(E.EINVAL);
  });
});

describe('OBJ_GET', () => {
  const setup = () => {
    const k = kernel();
    const { fd } = createMap(k, T.Hash, 4, 4, 1);
    const p = loadProg(k, RET0) as { value: number };
    k.mkdir('/sys/fs/bpf/d');
    pin(k, '/sys/fs/bpf/d/m', fd);
    pin(k, '/sys/fs/bpf/p', p.value);
    return { k, fd, prog: p.value };
  };
  // [what, path, bpf_fd, errno]
  const ROWS: [string, string | null, number, number][] = [
    ['a pinned map', '/sys/fs/bpf/d/m', 0, 0],
    ['a pinned program', '/sys/fs/bpf/p', 0, 0],
    ['with bpf_fd set', '/sys/fs/bpf/p', 3, E.EINVAL],
    ['a missing name', '/sys/fs/bpf/q', 0, E.ENOENT],
    ['a directory', '/sys/fs/bpf/d', 0, E.EACCES],
    ['the mount point', '/sys/fs/bpf', 0, E.EACCES],
    ['through a pinned object', '/sys/fs/bpf/p/x', 0, E.ENOTDIR],
    ['a file of another filesystem', '/sys/kernel/debug/tracing/trace_pipe', 0, E.EACCES],
    ['a missing file elsewhere', '/tmp/nothing', 0, E.ENOENT],
    ['NULL', null, 0, E.EFAULT],
    ['empty', '', 0, E.ENOENT],
  ];
  it.each(ROWS)('%s', (_what, path, bpfFd, errno) => {
    const { k } = setup();
    expect(errnoOf(get(k, path, bpfFd))).toBe(errno);
  });

  it('gives a new fd on the same object', () => {
    const { k, fd, prog } = setup();
    const m = get(k, '/sys/fs/bpf/d/m') as { value: number };
    expect(k.mapOfFd(m.value)).toBe(k.mapOfFd(fd));
    const p = get(k, '/sys/fs/bpf/p') as { value: number };
    expect(k.progOfFd(p.value)).toBe(k.progOfFd(prog));
  });
});

describe('directories', () => {
  it.each([
    ['mkdir', (k: ReturnType<typeof kernel>) => k.mkdir('/sys/fs/bpf/a'), 0],
    ['mkdir twice', (k: ReturnType<typeof kernel>) => (k.mkdir('/sys/fs/bpf/a'), k.mkdir('/sys/fs/bpf/a')), -E.EEXIST],
    ['mkdir without parent', (k: ReturnType<typeof kernel>) => k.mkdir('/sys/fs/bpf/a/b'), -E.ENOENT],
    ['mkdir outside', (k: ReturnType<typeof kernel>) => k.mkdir('/tmp/a'), -E.EPERM],
    ['rmdir a non-empty directory', (k: ReturnType<typeof kernel>) => (k.mkdir('/sys/fs/bpf/a'), k.mkdir('/sys/fs/bpf/a/b'), k.rmdir('/sys/fs/bpf/a')), -E.ENOTEMPTY],
    ['rmdir the mount point', (k: ReturnType<typeof kernel>) => k.rmdir('/sys/fs/bpf'), -E.EBUSY],
    ['rmdir a missing directory', (k: ReturnType<typeof kernel>) => k.rmdir('/sys/fs/bpf/zz'), -E.ENOENT],
    ['unlink a directory', (k: ReturnType<typeof kernel>) => (k.mkdir('/sys/fs/bpf/a'), k.unlink('/sys/fs/bpf/a')), -E.EISDIR],
    ['unlink a missing name', (k: ReturnType<typeof kernel>) => k.unlink('/sys/fs/bpf/zz'), -E.ENOENT],
    ['unlink outside', (k: ReturnType<typeof kernel>) => k.unlink('/tmp'), -E.EPERM],
  ])('%s', (_what, op, r) => {
    expect(op(kernel())).toBe(r);
  });

  it('lists entries sorted by name', () => {
    const k = kernel();
    const { fd } = createMap(k, T.Array, 4, 4, 1);
    for (const n of ['zeta', 'alpha', 'mid']) pin(k, `/sys/fs/bpf/${n}`, fd);
    k.mkdir('/sys/fs/bpf/beta');
    const l = k.fs.list('/sys/fs/bpf');
    expect(Array.isArray(l) && l.map((e) => e.name)).toEqual(['alpha', 'beta', 'mid', 'zeta']);
    expect(k.fs.list('/sys/fs/bpf/alpha')).toBe(-E.ENOTDIR);
  });
});
