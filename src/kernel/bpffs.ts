/**
 * The bpf filesystem mounted at /sys/fs/bpf (4.8's kernel/bpf/inode.c) as a tree of directories
 * and pinned objects, with the path errors of the VFS calls around it: EEXIST, ENOENT, ENOTDIR,
 * EISDIR, ENOTEMPTY, EBUSY for the mount point, ENAMETOOLONG, and EPERM for a pin into an
 * existing directory of another filesystem. Holding references is the kernel's business: this
 * file only stores what is pinned where.
 * Non-goals: permissions, symlinks, rename, a real cwd (relative paths start at "/").
 */
import { Errno as E } from '../isa';

export const BPFFS_ROOT = '/sys/fs/bpf';
const PATH_MAX = 4096;
const NAME_MAX = 255;

/** Directories of other filesystems that exist in the simulated machine (pins there: EPERM). */
const HOST_DIRS = new Set([
  '/', '/sys', '/sys/fs', '/sys/fs/cgroup', '/sys/kernel', '/sys/kernel/debug', '/sys/kernel/debug/tracing',
  '/tmp', '/proc', '/dev', '/home', '/root', '/etc', '/usr', '/var', '/bin', '/run',
]);
/** Files of other filesystems that exist. */
const HOST_FILES = new Set(['/sys/kernel/debug/tracing/trace_pipe']);

export type PinnedKind = 'map' | 'prog';

interface PinnedNode<T> {
  type: 'obj';
  kind: PinnedKind;
  obj: T;
}
interface DirNode<T> {
  type: 'dir';
  children: Map<string, Node<T>>;
}
type Node<T> = DirNode<T> | PinnedNode<T>;

/** A path split into components, or a negative errno (empty, too long). */
function splitPath(path: string): string[] | number {
  if (path.length === 0) return -E.ENOENT;
  if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
  const parts: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c.length > NAME_MAX) return -E.ENAMETOOLONG;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return parts;
}

const ROOT_PARTS = BPFFS_ROOT.split('/').filter(Boolean);

/** The components below /sys/fs/bpf, or null for a path outside it (the mount point itself is []). */
function insideParts(parts: string[]): string[] | null {
  if (parts.length < ROOT_PARTS.length) return null;
  for (let i = 0; i < ROOT_PARTS.length; i++) if (parts[i] !== ROOT_PARTS[i]) return null;
  return parts.slice(ROOT_PARTS.length);
}

/** The canonical absolute path. */
export function normalizePath(path: string): string {
  const p = splitPath(path);
  return typeof p === 'number' ? path : '/' + p.join('/');
}

/** One directory entry, for `ls`. */
interface DirEntry<T> {
  name: string;
  node: Node<T>;
}

export class BpfFs<T> {
  readonly root: DirNode<T> = { type: 'dir', children: new Map() };

  /** The node at `path`, or a negative errno (ENOENT, ENOTDIR, EACCES for other filesystems). */
  lookup(path: string): Node<T> | number {
    const parts = splitPath(path);
    if (typeof parts === 'number') return parts;
    const inside = insideParts(parts);
    if (inside === null) return this.hostLookup(parts);
    return this.walk(inside);
  }

  private hostLookup(parts: string[]): number {
    const p = '/' + parts.join('/');
    if (HOST_DIRS.has(p) || HOST_FILES.has(p)) return -E.EACCES;
    for (let i = 1; i < parts.length; i++) {
      if (HOST_FILES.has('/' + parts.slice(0, i).join('/'))) return -E.ENOTDIR;
    }
    return -E.ENOENT;
  }

  private walk(parts: string[]): Node<T> | number {
    let node: Node<T> = this.root;
    for (const c of parts) {
      if (node.type !== 'dir') return -E.ENOTDIR;
      const next = node.children.get(c);
      if (!next) return -E.ENOENT;
      node = next;
    }
    return node;
  }

  /**
   * Where a new entry at `path` would go (kern_path_create): its parent directory and name, or
   * EEXIST / ENOENT / ENOTDIR / EPERM (parent on another filesystem).
   */
  private createAt(path: string, dir: boolean): { parent: DirNode<T>; name: string } | number {
    const parts = splitPath(path);
    if (typeof parts === 'number') return parts;
    const trailingSlash = /\/\.?$/.test(path) && parts.length > 0;
    const inside = insideParts(parts);
    if (inside === null || inside.length === 0) {
      if (inside !== null) return -E.EEXIST; // the mount point itself
      const full = '/' + parts.join('/');
      if (HOST_DIRS.has(full) || HOST_FILES.has(full)) return -E.EEXIST;
      const parent = '/' + parts.slice(0, -1).join('/');
      if (HOST_FILES.has(parent)) return -E.ENOTDIR;
      return HOST_DIRS.has(parent) ? -E.EPERM : -E.ENOENT;
    }
    const parent = this.walk(inside.slice(0, -1));
    if (typeof parent === 'number') return parent;
    if (parent.type !== 'dir') return -E.ENOTDIR;
    const name = inside[inside.length - 1];
    if (parent.children.has(name)) return -E.EEXIST;
    if (trailingSlash && !dir) return -E.ENOENT;
    return { parent, name };
  }

  /** BPF_OBJ_PIN's filesystem part: 0 or a negative errno. */
  pin(path: string, kind: PinnedKind, obj: T): number {
    const at = this.createAt(path, false);
    if (typeof at === 'number') return at;
    at.parent.children.set(at.name, { type: 'obj', kind, obj });
    return 0;
  }

  /** mkdir(2) */
  mkdir(path: string): number {
    const at = this.createAt(path, true);
    if (typeof at === 'number') return at;
    at.parent.children.set(at.name, { type: 'dir', children: new Map() });
    return 0;
  }

  /** The parent directory and name of an existing entry below the mount point. */
  private existing(path: string): { parent: DirNode<T>; name: string; node: Node<T> } | number {
    const parts = splitPath(path);
    if (typeof parts === 'number') return parts;
    const inside = insideParts(parts);
    if (inside === null) return this.hostLookup(parts) === -E.EACCES ? -E.EPERM : this.hostLookup(parts);
    if (inside.length === 0) return -E.EBUSY;
    const parent = this.walk(inside.slice(0, -1));
    if (typeof parent === 'number') return parent;
    if (parent.type !== 'dir') return -E.ENOTDIR;
    const name = inside[inside.length - 1];
    const node = parent.children.get(name);
    if (!node) return -E.ENOENT;
    return { parent, name, node };
  }

  /** unlink(2): removes a pinned object and returns it (the caller drops the reference). */
  unlink(path: string): PinnedNode<T> | number {
    const e = this.existing(path);
    if (typeof e === 'number') return e;
    if (e.node.type === 'dir') return -E.EISDIR;
    if (/\/$/.test(path)) return -E.ENOTDIR;
    e.parent.children.delete(e.name);
    return e.node;
  }

  /** rmdir(2) */
  rmdir(path: string): number {
    const e = this.existing(path);
    if (typeof e === 'number') return e;
    if (e.node.type !== 'dir') return -E.ENOTDIR;
    if (e.node.children.size) return -E.ENOTEMPTY;
    e.parent.children.delete(e.name);
    return 0;
  }

  /** The entries of a directory, sorted by name, or a negative errno. */
  list(path: string): DirEntry<T>[] | number {
    const n = this.lookup(path);
    if (typeof n === 'number') return n;
    if (n.type !== 'dir') return -E.ENOTDIR;
    return [...n.children.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, node]) => ({ name, node }));
  }

  /** Every pinned object and directory below the mount point, depth first, with its path. */
  *walkAll(dir: DirNode<T> = this.root, prefix = BPFFS_ROOT): Iterable<{ path: string; node: Node<T> }> {
    for (const [name, node] of [...dir.children.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const path = `${prefix}/${name}`;
      yield { path, node };
      if (node.type === 'dir') yield* this.walkAll(node, path);
    }
  }
}
