/**
 * Directives, the same in both syntaxes (docs/asm.md is their reference; shared URLs carry
 * them, so their spelling is stable):
 *   .map NAME TYPE key=K value=V entries=N [flags=F]
 *   .entry NAME key=HEXBYTES value=HEXBYTES      (memory order, exactly key/value size)
 *   .type sched_cls   .license "GPL"   .kern_version 4.8.0   .name NAME
 *   .raw 16HEX[, 16HEX]                          (slots verbatim, as `asm` prints them)
 * The assembler checks the syntax only; what the kernel would refuse (an array map with an
 * 8-byte key) is left to the simulated kernel, which answers as 4.8 does.
 */
import { MAP_TYPE_NAMES, MapType, PROG_TYPE_NAMES, byName, hexToBytes, hexToSlots, readRaw, type RawInsn } from '../isa';
import type { Directives, MapDecl } from '../program';
import { fail, type Span } from './diagnostic';
import type { Emit } from './encode';
import type { Token } from './lexer';
import { parseNumber, type Cursor } from './operands';

/** An `.entry` waiting for its map (which may be declared further down). */
interface PendingEntry {
  map: Token;
  key: { bytes: Uint8Array } & Span;
  value: { bytes: Uint8Array } & Span;
  line: number;
}

/** What the directives of one source have declared so far. */
export interface DirectiveState {
  maps: MapDecl[];
  entries: PendingEntry[];
  directives: Directives;
  /** directive name -> the line that set it, to refuse setting it twice */
  seen: Map<string, number>;
}

export const newDirectiveState = (): DirectiveState => ({ maps: [], entries: [], directives: {}, seen: new Map() });

const KNOWN = '.map, .entry, .type, .license, .kern_version, .name, .raw';

/** Parses one directive line; `.raw` yields slots, the others only change `st`. */
export function parseDirective(c: Cursor, st: DirectiveState, line: number): Emit | undefined {
  const kw = c.next('a directive');
  switch (kw.text) {
    case '.map':
      st.maps.push(parseMap(c, st, line));
      return undefined;
    case '.entry':
      st.entries.push(parseEntry(c, line));
      return undefined;
    case '.raw':
      return parseRawSlots(c);
  }
  if (!['.type', '.license', '.kern_version', '.name'].includes(kw.text)) fail(`unknown directive ${kw.text}; directives are ${KNOWN}`, kw);
  const prev = st.seen.get(kw.text);
  if (prev !== undefined) fail(`${kw.text} is already set on line ${prev}`, kw);
  st.seen.set(kw.text, line);
  const arg = c.next(`an argument for ${kw.text}`);
  switch (kw.text) {
    case '.type': {
      const t = byName(PROG_TYPE_NAMES, arg.text.toLowerCase().replace(/^bpf_prog_type_/, ''));
      if (t === undefined || t === 0) {
        fail(`unknown program type \`${arg.text}\`; types are ${Object.values(PROG_TYPE_NAMES).slice(1).join(', ')}`, arg);
      }
      st.directives.progType = t;
      break;
    }
    case '.license':
      if (arg.kind !== 'str') fail('write the license in quotes: .license "GPL"', arg);
      st.directives.license = arg.text;
      break;
    case '.kern_version':
      st.directives.kernVersion = kernVersion(arg);
      break;
    case '.name':
      if (arg.kind !== 'ident' && arg.kind !== 'str') fail(`expected a name, found \`${arg.text}\``, arg);
      st.directives.name = arg.text;
      break;
  }
  c.expectEnd();
  return undefined;
}

/** `0x040800`, `264192` or `4.8.0` (major.minor[.patch], as KERNEL_VERSION() packs it). */
function kernVersion(t: Token): number {
  const dotted = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(t.text);
  if (dotted) {
    const [maj, min, pat] = [Number(dotted[1]), Number(dotted[2]), Number(dotted[3] ?? 0)];
    if (min > 255 || pat > 255) fail(`bad kernel version ${t.text}: minor and patch are 0-255`, t);
    return (maj << 16) + (min << 8) + pat;
  }
  const n = t.kind === 'num' ? parseNumber(t.text) : undefined;
  if (!n || n.value >= 1n << 32n) fail(`expected a kernel version such as 4.8.0 or 0x040800, found \`${t.text}\``, t);
  return Number(n.value);
}

const MAP_ATTRS: Record<string, 'keySize' | 'valueSize' | 'maxEntries' | 'flags'> = {
  key: 'keySize', key_size: 'keySize', value: 'valueSize', value_size: 'valueSize',
  entries: 'maxEntries', max_entries: 'maxEntries', flags: 'flags', map_flags: 'flags',
};

function parseMap(c: Cursor, st: DirectiveState, line: number): MapDecl {
  const name = c.next('a map name');
  if (name.kind !== 'ident' || name.text.startsWith('.')) fail(`expected a map name, found \`${name.text}\``, name);
  const dup = st.maps.find((m) => m.name === name.text);
  if (dup) fail(`map ${name.text} is already declared on line ${dup.pos?.line}`, name);
  const typeTok = c.next(`a map type (${Object.values(MAP_TYPE_NAMES).slice(1).join(', ')})`);
  const type = mapType(typeTok);
  const decl: MapDecl = { name: name.text, type, keySize: -1, valueSize: -1, maxEntries: -1, flags: 0, pos: { line, col: name.col, endCol: name.end } };
  while (!c.atEnd()) {
    const k = c.next('an attribute');
    const field = MAP_ATTRS[k.text];
    if (!field) fail(`unknown map attribute \`${k.text}\`; write key=K value=V entries=N [flags=F]`, k);
    c.expectOp('=', ` after ${k.text}`);
    const v = c.num(`a number for ${k.text}`);
    if (v.value < 0n || v.value >= 1n << 32n) fail(`${k.text} must be 0..4294967295`, v);
    decl[field] = Number(v.value);
  }
  const missing = (['key', 'value', 'entries'] as const).filter((a) => decl[MAP_ATTRS[a]] < 0);
  if (missing.length) fail(`map ${name.text} needs ${missing.map((a) => `${a}=N`).join(' ')} (.map NAME TYPE key=K value=V entries=N)`, c.whole);
  return decl;
}

/**
 * A map type by name, or by number (any u32: an object may declare a type Linux 4.8 does not know,
 * and MAP_CREATE then refuses it as the kernel would).
 */
function mapType(t: Token): number {
  if (t.kind === 'num') {
    const n = parseNumber(t.text);
    if (n && n.value < 1n << 32n) return Number(n.value);
  }
  const type = byName(MAP_TYPE_NAMES, t.text.toLowerCase().replace(/^bpf_map_type_/, ''));
  if (type === undefined || type === MapType.Unspec) {
    fail(`unknown map type \`${t.text}\`; types are ${Object.values(MAP_TYPE_NAMES).slice(1).join(', ')} (or a number)`, t);
  }
  return type;
}

function parseEntry(c: Cursor, line: number): PendingEntry {
  const map = c.next('a map name');
  if (map.kind !== 'ident') fail(`expected a map name, found \`${map.text}\``, map);
  const field = (want: 'key' | 'value') => {
    c.expectWord(want, ` (.entry NAME key=HEX value=HEX)`);
    c.expectOp('=');
    const t = c.next(`the ${want} bytes in hex`);
    const bytes = hexToBytes(t.text);
    if (!bytes?.length) fail(`write the ${want} as hex bytes in memory order, e.g. ${want}=01000000 (no 0x, two digits a byte)`, t);
    return { bytes, col: t.col, end: t.end };
  };
  const key = field('key');
  const value = field('value');
  c.expectEnd();
  return { map, key, value, line };
}

/** Attaches `.entry` lines to their maps; `report` gets (line, span, message) for each problem. */
export function finishEntries(st: DirectiveState, report: (line: number, span: Span, message: string) => void): void {
  for (const e of st.entries) {
    const m = st.maps.find((d) => d.name === e.map.text);
    if (!m) {
      report(e.line, e.map, `no map named ${e.map.text}; declare it with .map ${e.map.text} TYPE key=K value=V entries=N`);
      continue;
    }
    if (m.type === MapType.ProgArray || m.type === MapType.PerfEventArray || m.type === MapType.CgroupArray) {
      report(e.line, e.map, `${MAP_TYPE_NAMES[m.type]} values are file descriptors, which a program cannot be given in its source`);
      continue;
    }
    if (e.key.bytes.length !== m.keySize) report(e.line, e.key, `map ${m.name} has ${m.keySize}-byte keys; this key has ${e.key.bytes.length} bytes`);
    else if (e.value.bytes.length !== m.valueSize) {
      report(e.line, e.value, `map ${m.name} has ${m.valueSize}-byte values; this value has ${e.value.bytes.length} bytes`);
    } else (m.entries ??= []).push({ key: e.key.bytes, value: e.value.bytes });
  }
}

/** `.raw 0700010001000000[, 0000000000000000]`: one or two slots as `asm` prints them. */
function parseRawSlots(c: Cursor): Emit {
  const slots: RawInsn[] = [];
  while (!c.atEnd()) {
    if (slots.length) c.eatOp(',');
    const t = c.next('16 hex digits');
    const bytes = hexToSlots([t.text]);
    if (typeof bytes === 'string') fail('write a slot as 16 hex digits in memory order, e.g. .raw b700000001000000', t);
    slots.push(readRaw(bytes, 0));
  }
  if (slots.length < 1 || slots.length > 2) fail('.raw takes one slot, or two for an ld_imm64', c.whole);
  return { raw: slots[0], next: slots[1] };
}
