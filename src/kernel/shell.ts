/**
 * The terminal's shell over one kernel: `bpftool` (shell-bpftool.ts), `ls`, `mkdir`, `rm`,
 * `rmdir` under /sys/fs/bpf, `cat /sys/kernel/debug/tracing/trace_pipe` (which consumes, like the
 * real one, but returns at once instead of blocking), and `help`. Synchronous and pure apart from
 * the kernel it acts on, so the IDE's terminal can call it through the worker. Messages follow
 * coreutils' shapes; anything else is `NAME: command not found` (127).
 * Non-goals: pipes, redirections, variables, globbing, a cwd (relative paths start at "/").
 */
import { Errno as E } from '../isa';
import { BPFFS_ROOT, normalizePath } from './bpffs';
import type { Kernel } from './kernel';
import type { UnavailablePin } from './persist';
import { bpftool, type BpftoolOptions } from './shell-bpftool';
import { strerror } from './shell-format';

interface ShellResult {
  output: string;
  exitCode: number;
}

type ShellOptions = BpftoolOptions;

const TRACE_PIPE = '/sys/kernel/debug/tracing/trace_pipe';

const HELP = `bpflab shell: a simulated Linux 4.8 machine
  bpftool prog { show | list | dump xlated | pin | help } ...
  bpftool map { show | list | dump | lookup | update | delete | getnext | pin | help } ...
  ls [-l] [PATH]          list /sys/fs/bpf (pinned maps and programs, directories)
  mkdir [-p] PATH         make a directory on /sys/fs/bpf
  rm [-r] [-f] PATH...    unpin objects (and remove directories with -r)
  rmdir PATH...           remove empty directories
  cat ${TRACE_PIPE}
                          read (and consume) the lines bpf_trace_printk wrote
  help                    this text
`;

/** Splits a command line into words: single and double quotes, backslash escapes. */
export function splitWords(line: string): string[] | { error: string } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return { error: `unexpected EOF while looking for matching \`${quote}'` };
  if (inWord) words.push(cur);
  return words;
}

/** Runs one command line. */
export function runShell(k: Kernel, line: string, opts: ShellOptions = {}): ShellResult {
  const words = splitWords(line);
  if (!Array.isArray(words)) return { output: `bpflab: ${words.error}\n`, exitCode: 2 };
  const [cmd, ...args] = words;
  switch (cmd) {
    case undefined:
      return { output: '', exitCode: 0 };
    case 'help':
      return { output: HELP, exitCode: 0 };
    case 'bpftool':
      return bpftool(k, args, opts);
    case 'ls':
      return ls(k, args);
    case 'mkdir':
      return mkdir(k, args);
    case 'rm':
      return rm(k, args);
    case 'rmdir':
      return rmdir(k, args);
    case 'cat':
      return cat(k, args);
    default:
      return { output: `${cmd}: command not found (try 'help')\n`, exitCode: 127 };
  }
}

/** Splits leading `-xyz` options into their letters. */
function options(args: string[], allowed: string, name: string): { flags: Set<string>; rest: string[] } | ShellResult {
  const flags = new Set<string>();
  let i = 0;
  for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
    for (const f of args[i].slice(1)) {
      if (!allowed.includes(f)) return { output: `${name}: invalid option -- '${f}'\n`, exitCode: name === 'ls' ? 2 : 1 };
      flags.add(f);
    }
  }
  return { flags, rest: args.slice(i) };
}

const isResult = (x: unknown): x is ShellResult => typeof x === 'object' && x !== null && 'exitCode' in x;

function ls(k: Kernel, args: string[]): ShellResult {
  const o = options(args, 'la1', 'ls');
  if (isResult(o)) return o;
  const paths = o.rest.length ? o.rest : [BPFFS_ROOT];
  let output = '';
  let exitCode = 0;
  for (const p of paths) {
    const path = normalizePath(p);
    if (!path.startsWith(BPFFS_ROOT)) {
      output += `ls: cannot open directory '${p}': Permission denied (bpflab simulates only ${BPFFS_ROOT})\n`;
      exitCode = 2;
      continue;
    }
    const node = k.fs.lookup(path);
    const lost = k.unavailable.get(path);
    if (typeof node === 'number' && lost) {
      output += unavailableLine(p, lost, o.flags.has('l'));
      continue;
    }
    if (typeof node === 'number') {
      output += `ls: cannot access '${p}': ${strerror(node)}\n`;
      exitCode = 2;
      continue;
    }
    const entries = node.type === 'dir' ? k.fs.list(path) : [{ name: p, node }];
    if (typeof entries === 'number') continue;
    if (paths.length > 1 && node.type === 'dir') output += `${p}:\n`;
    const lines: [string, string][] = [];
    for (const { name, node: n } of entries) {
      if (!o.flags.has('l')) lines.push([name, `${name}\n`]);
      else if (n.type === 'dir') lines.push([name, `drwxr-xr-x  dir   ${name}\n`]);
      else lines.push([name, `-rw-------  ${n.kind.padEnd(4)}  ${name}  (id ${n.obj.id})\n`]);
    }
    if (node.type === 'dir') {
      for (const [at, u] of k.unavailable) {
        const name = at.slice(path.length + 1);
        if (at.startsWith(`${path}/`) && !name.includes('/')) lines.push([name, unavailableLine(name, u, o.flags.has('l'))]);
      }
    }
    output += lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l).join('');
  }
  return { output, exitCode };
}

/** A pin stored but not restored: listed with why (bpflab's own line; Linux has no such state). */
function unavailableLine(name: string, u: UnavailablePin, long: boolean): string {
  return long ? `?---------  ${u.kind.padEnd(4)}  ${name}  (unavailable: ${u.reason})\n` : `${name}  (unavailable: ${u.reason})\n`;
}

function mkdir(k: Kernel, args: string[]): ShellResult {
  const o = options(args, 'p', 'mkdir');
  if (isResult(o)) return o;
  if (!o.rest.length) return { output: 'mkdir: missing operand\n', exitCode: 1 };
  let output = '';
  for (const p of o.rest) {
    const r = o.flags.has('p') ? mkdirParents(k, p) : k.mkdir(p);
    if (r) output += `mkdir: cannot create directory '${p}': ${strerror(r)}\n`;
  }
  return { output, exitCode: output ? 1 : 0 };
}

/** mkdir -p: every missing directory on the way, existing directories are fine. */
function mkdirParents(k: Kernel, p: string): number {
  const parts = normalizePath(p).split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const sub = '/' + parts.slice(0, i).join('/');
    const n = k.fs.lookup(sub);
    if (typeof n === 'object') {
      if (n.type !== 'dir') return -E.ENOTDIR;
      continue;
    }
    if (n === -E.EACCES) continue; // a directory of another filesystem (/sys, /sys/fs)
    const r = k.mkdir(sub);
    if (r) return r;
  }
  return 0;
}

/** Removes a pin or (recursively) a directory below the mount point. */
function removeTree(k: Kernel, path: string): number {
  const node = k.fs.lookup(path);
  if (typeof node === 'number') return node;
  if (node.type !== 'dir') return k.unlink(path);
  for (const at of [...k.unavailable.keys()]) if (at.startsWith(`${path}/`) && !at.slice(path.length + 1).includes('/')) k.unlink(at);
  for (const name of [...node.children.keys()]) {
    const r = removeTree(k, `${path}/${name}`);
    if (r) return r;
  }
  return k.rmdir(path);
}

function rm(k: Kernel, args: string[]): ShellResult {
  const o = options(args, 'rRf', 'rm');
  if (isResult(o)) return o;
  if (!o.rest.length) return { output: 'rm: missing operand\n', exitCode: 1 };
  const recursive = o.flags.has('r') || o.flags.has('R');
  let output = '';
  for (const p of o.rest) {
    const path = normalizePath(p);
    const node = k.fs.lookup(path);
    let r: number;
    if (recursive && typeof node === 'object' && node.type === 'dir') r = removeTree(k, path);
    else r = k.unlink(p);
    if (r === -E.ENOENT && o.flags.has('f')) continue;
    if (r) output += `rm: cannot remove '${p}': ${strerror(r)}\n`;
  }
  return { output, exitCode: output ? 1 : 0 };
}

function rmdir(k: Kernel, args: string[]): ShellResult {
  if (!args.length) return { output: 'rmdir: missing operand\n', exitCode: 1 };
  let output = '';
  for (const p of args) {
    const r = k.rmdir(p);
    if (r) output += `rmdir: failed to remove '${p}': ${strerror(r)}\n`;
  }
  return { output, exitCode: output ? 1 : 0 };
}

function cat(k: Kernel, args: string[]): ShellResult {
  let output = '';
  let exitCode = 0;
  for (const p of args) {
    if (normalizePath(p) === TRACE_PIPE) {
      // a record prints as written; one whose message has no newline of its own ends its line here
      output += k.trace.read().map((l) => (l.endsWith('\n') ? l : l + '\n')).join('');
      continue;
    }
    const node = k.fs.lookup(p);
    // bpffs files have no read operation in 4.8; other files are not simulated
    const errno = typeof node === 'number' ? node : node.type === 'dir' ? -E.EISDIR : -E.EINVAL;
    output += `cat: ${p}: ${strerror(errno)}\n`;
    exitCode = 1;
  }
  if (!args.length) return { output: 'cat: reading standard input is not simulated\n', exitCode: 1 };
  return { output, exitCode };
}
