/**
 * The shell's `bpftool`: `prog show | list | dump xlated | pin | help` and `map show | list |
 * dump | lookup | update | delete | getnext | pin | help`, with bpftool's argument syntax
 * (prefixes of keywords, `id N`, `pinned PATH`, `tag HEX`, `key [hex] BYTES`, `value ...`,
 * `any | exist | noexist`), its plain-text output and its `Error: ...` messages. Every map
 * operation goes through bpf(2) on a temporary fd, as bpftool does. Non-goals: JSON output,
 * other objects (cgroup, net, perf, btf, ...), loading programs.
 */
import { Cmd, MapType, UpdateFlag, percpuValueStride, readRaw, type RawInsn } from '../isa';
import type { Kernel } from './kernel';
import { fprintHex, mapShowPlain, printEntry, printEntryError, progShowPlain, strerror, type EntryShape } from './shell-format';
import type { SysResult } from './sys';

/** Collects what a command prints; `fail` is p_err. */
class Out {
  text = '';
  print(s: string): void {
    this.text += s;
  }
  fail(msg: string): number {
    this.text += `Error: ${msg}\n`;
    return -1;
  }
}

export interface BpftoolOptions {
  /** prints one instruction in the 4.8 kernel-log format (asm's kernelInsnText, injected) */
  insnText?: (insn: RawInsn) => string;
}

const isPrefix = (pfx: string | undefined, word: string): boolean => !!pfx && word.startsWith(pfx);

/** strtoul(s, &end, base) with the whole string consumed, or null. */
function strtoul(s: string, base: 0 | 16): number | null {
  const m = /^\s*([+-]?)(.*)$/.exec(s)!;
  let body = m[2];
  let b: number = base;
  if ((b === 0 || b === 16) && /^0[xX][0-9a-fA-F]/.test(body)) {
    body = body.slice(2);
    b = 16;
  } else if (b === 0) b = /^0[0-7]/.test(body) ? 8 : 10;
  const digits = b === 16 ? /^[0-9a-fA-F]+$/ : b === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return null;
  const v = BigInt.asUintN(64, BigInt(parseInt(body, b)));
  return Number(m[1] === '-' ? BigInt.asUintN(64, -v) & 0xffffffffn : v & 0xffffffffn);
}

/** Runs `bpftool ARGS...`; returns the exit status (255 for bpftool's -1). */
export function bpftool(k: Kernel, argv: string[], opts: BpftoolOptions = {}): { output: string; exitCode: number } {
  const out = new Out();
  let showPinned = false;
  while (argv[0]?.startsWith('-')) {
    const o = argv.shift()!;
    if (o === '-f' || o === '--bpffs') showPinned = true;
    else if (o === '-j' || o === '--json' || o === '-p' || o === '--pretty') {
      out.fail('JSON output is not simulated');
      return { output: out.text, exitCode: 255 };
    } else {
      out.fail(`unrecognized option '${o}'`);
      return { output: out.text, exitCode: 255 };
    }
  }
  const ctx: Ctx = { k, out, showPinned, opts };
  const [obj, ...rest] = argv;
  let r: number;
  if (!obj) r = (out.print(usage()), -1);
  else if (isPrefix(obj, 'prog')) r = progCmd(ctx, rest);
  else if (isPrefix(obj, 'map')) r = mapCmd(ctx, rest);
  else if (isPrefix(obj, 'version')) r = (out.print('bpftool v4.8.0 (bpflab)\n'), 0);
  else if (isPrefix(obj, 'help')) r = (out.print(usage()), 0);
  else r = (out.print(usage()), -1);
  return { output: out.text, exitCode: r === 0 ? 0 : 255 };
}

interface Ctx {
  k: Kernel;
  out: Out;
  showPinned: boolean;
  opts: BpftoolOptions;
}

const usage = (): string =>
  'Usage: bpftool [OPTIONS] OBJECT { COMMAND | help }\n       bpftool version\n\n' +
  '       OBJECT := { prog | map }\n       OPTIONS := { -f|--bpffs }\n';

const PROG_HELP =
  'Usage: bpftool prog { show | list } [PROG]\n' +
  '       bpftool prog dump xlated PROG\n' +
  '       bpftool prog pin   PROG FILE\n' +
  '       bpftool prog help\n\n' +
  '       PROG := { id PROG_ID | pinned FILE | tag PROG_TAG }\n';

const MAP_HELP =
  'Usage: bpftool map { show | list }   [MAP]\n' +
  '       bpftool map dump    MAP\n' +
  '       bpftool map update  MAP  key DATA value VALUE [UPDATE_FLAGS]\n' +
  '       bpftool map lookup  MAP  key DATA\n' +
  '       bpftool map getnext MAP [key DATA]\n' +
  '       bpftool map delete  MAP  key DATA\n' +
  '       bpftool map pin     MAP  FILE\n' +
  '       bpftool map help\n\n' +
  '       MAP := { id MAP_ID | pinned FILE }\n' +
  '       DATA := { [hex] BYTES }\n' +
  '       PROG := { id PROG_ID | pinned FILE | tag PROG_TAG }\n' +
  '       VALUE := { DATA | PROG }\n' +
  '       UPDATE_FLAGS := { any | exist | noexist }\n';

/** Parses `id N | pinned PATH | tag HEX` into a new fd of the expected kind, consuming its words. */
function parseFd(c: Ctx, args: string[], kind: 'map' | 'prog'): number {
  const what = args.shift();
  if (isPrefix(what, 'id')) {
    const s = args.shift() ?? '';
    const id = strtoul(s, 0);
    if (id === null) return c.out.fail(`can't parse ${s} as ID`);
    const r = c.k.openById(kind, id);
    if (!r.ok) return c.out.fail(`get ${kind === 'map' ? 'map ' : ''}by id (${id}): ${strerror(r.errno)}`);
    return r.value;
  }
  if (isPrefix(what, 'pinned')) {
    const path = args.shift() ?? '';
    const r = c.k.bpf(Cmd.OBJ_GET, { pathname: path });
    if (!r.ok) return c.out.fail(`bpf obj get (${path}): ${strerror(r.errno)}`);
    const f = c.k.fdGet(r.value)!;
    if (f.kind !== kind) {
      c.k.close(r.value);
      return c.out.fail(`incorrect object type: ${f.kind}`);
    }
    return r.value;
  }
  if (kind === 'prog' && isPrefix(what, 'tag')) {
    const tag = (args.shift() ?? '').replace(/\s/g, '').toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(tag)) return c.out.fail(`can't parse tag`);
    const p = c.k.objects().progs.find((x) => x.tag === tag);
    if (!p) return c.out.fail(`no program with tag ${tag}`);
    const r = c.k.openById('prog', p.id);
    return r.ok ? r.value : c.out.fail(`get by id (${p.id}): ${strerror(r.errno)}`);
  }
  return c.out.fail(`expected 'id' or 'pinned'${kind === 'prog' ? " or 'tag'" : ''}, got: '${what ?? ''}'?`);
}

/** Runs `fn` with the fd, then closes it (bpftool's fds are short-lived). */
function withFd(c: Ctx, fd: number, fn: (fd: number) => number): number {
  if (fd < 0) return fd;
  try {
    return fn(fd);
  } finally {
    c.k.close(fd);
  }
}

function progCmd(c: Ctx, args: string[]): number {
  const sub = args.shift();
  if (sub === undefined || isPrefix(sub, 'show') || isPrefix(sub, 'list')) return progShow(c, args);
  if (isPrefix(sub, 'dump')) return progDump(c, args);
  if (isPrefix(sub, 'pin')) return pinAny(c, args, 'prog', sub);
  c.out.print(PROG_HELP);
  return isPrefix(sub, 'help') ? 0 : -1;
}

function progShow(c: Ctx, args: string[]): number {
  const progs = c.k.objects().progs;
  if (args.length === 0) {
    for (const p of progs) c.out.print(progShowPlain(p, c.showPinned));
    return 0;
  }
  if (args.length !== 2) return c.out.fail(`what is '${args[0]}'?`);
  return withFd(c, parseFd(c, args, 'prog'), (fd) => {
    const prog = c.k.progOfFd(fd)!;
    c.out.print(progShowPlain(progs.find((p) => p.id === prog.id)!, c.showPinned));
    return 0;
  });
}

function progDump(c: Ctx, args: string[]): number {
  const mode = args.shift();
  if (!isPrefix(mode, 'xlated')) {
    if (isPrefix(mode, 'jited')) return c.out.fail('no instructions returned (bpflab never JITs)');
    c.out.print(PROG_HELP);
    return -1;
  }
  if (args.length < 2) return c.out.fail(`'xlated' needs at least 2 arguments, ${args.length} found`);
  return withFd(c, parseFd(c, args, 'prog'), (fd) => {
    if (args.length) return c.out.fail(`what is '${args[0]}'?`);
    const prog = c.k.progOfFd(fd)!;
    const text = c.opts.insnText ?? rawInsnText;
    const n = prog.bytes.length >> 3;
    for (let i = 0; i < n; i++) {
      const raw = readRaw(prog.bytes, i);
      c.out.print(`${(' ' + i).padStart(4)}: ${text(raw)}\n`);
      if (raw.code === 0x18) i++;
    }
    return 0;
  });
}

/** Without the assembler's printer: the opcode and raw fields. */
const rawInsnText = (r: RawInsn): string =>
  `(${r.code.toString(16).padStart(2, '0')}) dst r${r.dst} src r${r.src} off ${r.off} imm ${r.imm}`;

function pinAny(c: Ctx, args: string[], kind: 'map' | 'prog', sub: string): number {
  if (args.length < 3) return c.out.fail(`'${sub}' needs at least 3 arguments, ${args.length} found`);
  return withFd(c, parseFd(c, args, kind), (fd) => {
    const path = args[0];
    const r = c.k.bpf(Cmd.OBJ_PIN, { pathname: path, bpfFd: fd });
    return r.ok ? 0 : c.out.fail(`can't pin the object (${path}): ${strerror(r.errno)}`);
  });
}

function mapCmd(c: Ctx, args: string[]): number {
  const sub = args.shift();
  if (sub === undefined || isPrefix(sub, 'show') || isPrefix(sub, 'list')) return mapShow(c, args);
  if (isPrefix(sub, 'help')) return (c.out.print(MAP_HELP), 0);
  if (isPrefix(sub, 'pin')) return pinAny(c, args, 'map', sub);
  const ops: Record<string, (c: Ctx, args: string[], fd: number) => number> = { dump: mapDump, update: mapUpdate, lookup: mapLookup, getnext: mapGetNext, delete: mapDelete };
  const name = Object.keys(ops).find((o) => isPrefix(sub, o));
  if (!name || args.length < 2) {
    c.out.print(MAP_HELP);
    return -1;
  }
  return withFd(c, parseFd(c, args, 'map'), (fd) => ops[name](c, args, fd));
}

function mapShow(c: Ctx, args: string[]): number {
  const maps = c.k.objects().maps;
  if (args.length === 0) {
    for (const m of maps) c.out.print(mapShowPlain(m, c.showPinned));
    return 0;
  }
  if (args.length !== 2) return c.out.fail(`what is '${args[0]}'?`);
  return withFd(c, parseFd(c, args, 'map'), (fd) => {
    const map = c.k.mapOfFd(fd)!;
    c.out.print(mapShowPlain(maps.find((m) => m.id === map.id)!, c.showPinned));
    return 0;
  });
}

function shapeOf(c: Ctx, fd: number): EntryShape {
  const m = c.k.mapOfFd(fd)!;
  return { type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, ncpus: m.valueCopies };
}

function mapDump(c: Ctx, args: string[], fd: number): number {
  if (args.length) return c.out.fail(`what is '${args[0]}'?`);
  const shape = shapeOf(c, fd);
  let key: Uint8Array | null = null;
  let n = 0;
  let err = 0;
  for (;;) {
    const next: SysResult<Uint8Array> = c.k.bpf(Cmd.MAP_GET_NEXT_KEY, { mapFd: fd, key });
    if (!next.ok) {
      err = next.errno === 2 ? 0 : -1;
      break;
    }
    const v = c.k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: next.value });
    if (v.ok) {
      c.out.print(printEntry(shape, next.value, v.value));
      n++;
    } else if (!(shape.type === MapType.ProgArray && v.errno === 2)) {
      c.out.print(printEntryError(shape, next.value, v.errno === 2 ? '<no entry>' : strerror(v.errno)));
    }
    key = next.value;
  }
  c.out.print(`Found ${n} element${n !== 1 ? 's' : ''}\n`);
  return err;
}

/** parse_bytes: `[hex] B1 B2 ...`, exactly n of them; returns the bytes and the rest. */
function parseBytes(c: Ctx, args: string[], name: string, n: number): Uint8Array | null {
  let base: 0 | 16 = 0;
  if (isPrefix(args[0], 'hex')) {
    base = 16;
    args.shift();
  }
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n && args.length) {
    const s = args.shift()!;
    const v = strtoul(s, base);
    if (v === null) return (c.out.fail(`error parsing byte: ${s}`), null);
    out[i++] = v & 0xff;
  }
  if (i !== n) return (c.out.fail(`${name} expected ${n} bytes got ${i}`), null);
  return out;
}

interface Elem {
  key?: Uint8Array;
  value?: Uint8Array;
  flags: number;
  /** a program fd opened for a PROG_ARRAY value, closed afterwards */
  valueFd?: number;
}

/** parse_elem: key, value and update flags in any order. */
function parseElem(c: Ctx, args: string[], fd: number, want: { value: boolean; flags: boolean }): Elem | null {
  const m = c.k.mapOfFd(fd)!;
  const e: Elem = { flags: 0 };
  let flagsSeen = false;
  while (args.length) {
    const w = args.shift()!;
    if (isPrefix(w, 'key')) {
      if (e.key) return (c.out.fail('duplicate key'), null);
      const b = parseBytes(c, args, 'key', m.keySize);
      if (!b) return null;
      e.key = b;
    } else if (isPrefix(w, 'value')) {
      if (!want.value) return (c.out.fail('unnecessary value'), null);
      if (e.value) return (c.out.fail('duplicate value'), null);
      if (m.mapType === MapType.ProgArray) {
        if (args.length < 2) return (c.out.fail('not enough value arguments for map of progs'), null);
        const pfd = parseFd(c, args, 'prog');
        if (pfd < 0) return null;
        e.valueFd = pfd;
        e.value = new Uint8Array([pfd & 0xff, (pfd >> 8) & 0xff, 0, 0]);
      } else {
        const b = parseBytes(c, args, 'value', m.valueSize);
        if (!b) return null;
        e.value = perCpuCopies(b, m.userValueSize);
      }
    } else if (isPrefix(w, 'any') || isPrefix(w, 'noexist') || isPrefix(w, 'exist')) {
      if (!want.flags || flagsSeen) return (c.out.fail(`flags specified multiple times: ${w}`), null);
      flagsSeen = true;
      e.flags = isPrefix(w, 'any') ? UpdateFlag.ANY : isPrefix(w, 'noexist') ? UpdateFlag.NOEXIST : UpdateFlag.EXIST;
    } else return (c.out.fail(`expected key or value, got: ${w}`), null);
  }
  if (!e.key) return (c.out.fail('did not find key'), null);
  if (want.value && !e.value) return (c.out.fail('did not find value'), null);
  return e;
}

/** fill_per_cpu_value: one value given, every CPU gets it. */
function perCpuCopies(v: Uint8Array, userSize: number): Uint8Array {
  if (userSize === v.length) return v;
  const out = new Uint8Array(userSize);
  const step = percpuValueStride(v.length);
  for (let off = 0; off + v.length <= userSize; off += step) out.set(v, off);
  return out;
}

function mapUpdate(c: Ctx, args: string[], fd: number): number {
  const e = parseElem(c, args, fd, { value: true, flags: true });
  if (!e) return -1;
  try {
    const r = c.k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd, key: e.key!, value: e.value!, flags: e.flags });
    return r.ok ? 0 : c.out.fail(`update failed: ${strerror(r.errno)}`);
  } finally {
    if (e.valueFd !== undefined) c.k.close(e.valueFd);
  }
}

function mapLookup(c: Ctx, args: string[], fd: number): number {
  const e = parseElem(c, args, fd, { value: false, flags: false });
  if (!e) return -1;
  const r = c.k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: e.key! });
  if (r.ok) return (c.out.print(printEntry(shapeOf(c, fd), e.key!, r.value)), 0);
  if (r.errno === 2) return (c.out.print(`key:\n${fprintHex(e.key!)}\n\nNot found\n`), -1);
  return c.out.fail(`lookup failed: ${strerror(r.errno)}`);
}

function mapGetNext(c: Ctx, args: string[], fd: number): number {
  let key: Uint8Array | null = null;
  if (args.length) {
    const e = parseElem(c, args, fd, { value: false, flags: false });
    if (!e) return -1;
    key = e.key!;
  }
  const r = c.k.bpf(Cmd.MAP_GET_NEXT_KEY, { mapFd: fd, key });
  if (!r.ok) return c.out.fail(`can't get next key: ${strerror(r.errno)}`);
  c.out.print(key ? `key:\n${fprintHex(key)}\n` : 'key: None\n');
  c.out.print(`next key:\n${fprintHex(r.value)}\n`);
  return 0;
}

function mapDelete(c: Ctx, args: string[], fd: number): number {
  const e = parseElem(c, args, fd, { value: false, flags: false });
  if (!e) return -1;
  const r = c.k.bpf(Cmd.MAP_DELETE_ELEM, { mapFd: fd, key: e.key! });
  return r.ok ? 0 : c.out.fail(`delete failed: ${strerror(r.errno)}`);
}
