/**
 * The share-link codec: a session becomes the text of a URL fragment and back.
 *
 *   fragment := "v" VERSION "." base64url(payload)          (no padding)
 *   payload  := crc32(json) as 4 bytes big-endian ++ raw DEFLATE(json, v1 dictionary)
 *
 * Versions 1 and 2 share the v1 dictionary (2 only adds fields after v1's); a session is written
 * in its own version (`v`), and the header must agree with the JSON's `v`.
 * The version sits outside the compressed data so an unknown one is named before anything is
 * inflated. Decoding bounds every stage: the fragment's length, the inflated size (checked while
 * inflating, a few hundred bytes of input at a time, so a decompression bomb stops early), the
 * checksum, UTF-8, JSON, then the session's fields (validate.ts).
 *
 * Not here: reading or writing `location` (the IDE does that).
 */
import { deflateSync, Inflate } from 'fflate';
import type { SharedSession } from '../protocol/shared';
import { SHARED_SESSION_VERSION } from '../protocol/shared';
import { DICTIONARY_V1 } from './dictionary';
import type { ProgTypeInfo } from '../protocol/progtypes';
import { validateSession } from './validate';

/** Longest fragment decodeShare reads, in characters. */
export const MAX_FRAGMENT_LENGTH = 128 * 1024;
/** Most bytes of JSON a fragment may inflate to. */
export const MAX_INFLATED_BYTES = 1024 * 1024;
/** Compressed bytes handed to the inflater at a time (DEFLATE expands 1032:1 at most). */
const INFLATE_CHUNK = 256;

/** The result of opening a share link. */
type DecodeResult = { ok: true; session: SharedSession } | { ok: false; error: string };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as zip and PNG compute it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += B64[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** Strict base64url without padding; a string naming the problem otherwise. */
export function fromBase64Url(text: string): Uint8Array | string {
  if (text.length % 4 === 1) return 'its length is not that of base64 data';
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) return `it contains ${JSON.stringify(text[i])} at character ${i + 1}, which base64url does not use`;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (acc & ((1 << bits) - 1)) return 'its last character has stray bits';
  return out;
}

/** Turns a session into URL fragment text (without the '#'). */
export function encodeShare(s: SharedSession): string {
  const json = new TextEncoder().encode(JSON.stringify(canonical(s)));
  const packed = deflateSync(json, { level: 9, mem: 8, dictionary: DICTIONARY_V1 });
  const payload = new Uint8Array(4 + packed.length);
  new DataView(payload.buffer).setUint32(0, crc32(json));
  payload.set(packed, 4);
  return `v${s.v}.${toBase64Url(payload)}`;
}

/**
 * The session's fields in the order the v1 dictionary expects (and nothing else); version 2's
 * programs and slots after them, only when there are any.
 */
function canonical(s: SharedSession): SharedSession {
  const { load: l, settings: w, input: i } = s;
  const set: Pick<SharedSession, 'progs' | 'slots'> = {};
  if (s.progs?.length) set.progs = s.progs.map((p) => ({ name: p.name, source: p.source }));
  if (s.slots?.length) set.slots = s.slots.map((x) => ({ map: x.map, index: x.index, prog: x.prog, perfCpu: x.perfCpu, cgroup: x.cgroup }));
  return {
    v: s.v,
    source: s.source,
    syntax: s.syntax,
    progType: s.progType,
    load: { logLevel: l.logLevel, logSize: l.logSize, privileged: l.privileged, license: l.license, kernVersion: l.kernVersion },
    settings: { seed: w.seed, ncpus: w.ncpus, cpu: w.cpu, budget: w.budget, semantics: w.semantics, verify: w.verify },
    maps: s.maps.map((m) => ({
      name: m.name,
      type: m.type,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      flags: m.flags,
      entries: m.entries.map((e) => ({ key: e.key, value: e.value })),
    })),
    input: { packet: i.packet, ctx: i.ctx, tracepoint: i.tracepoint, repeat: i.repeat },
    breakpoints: [...s.breakpoints],
    step: s.step,
    ...set,
  };
}

/** Inflates with the output bounded; the bytes, or what went wrong. */
function inflateBounded(packed: Uint8Array): Uint8Array | string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const inflater = new Inflate({ dictionary: DICTIONARY_V1 }, (chunk) => {
    total += chunk.length;
    if (total > MAX_INFLATED_BYTES) over = true;
    else chunks.push(chunk);
  });
  try {
    for (let i = 0; i < packed.length && !over; i += INFLATE_CHUNK) {
      const end = Math.min(packed.length, i + INFLATE_CHUNK);
      inflater.push(packed.subarray(i, end), end === packed.length);
    }
  } catch (e) {
    const code = (e as { code?: number }).code;
    return code === 0 ? 'the link is cut short (its compressed data ends early)' : 'the link is corrupted (its compressed data is invalid)';
  }
  if (over) return `the link inflates to more than ${MAX_INFLATED_BYTES} bytes, which no session needs`;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const fail = (error: string): DecodeResult => ({ ok: false, error });

/**
 * Opens URL fragment text (with or without the '#'), checking its input against the kernel's
 * program types `types` (the engine's hello gives them); never throws.
 */
export function decodeShare(text: string, types: readonly ProgTypeInfo[]): DecodeResult {
  if (typeof text !== 'string') return fail('a share link must be text');
  const frag = text.startsWith('#') ? text.slice(1) : text;
  if (frag.length > MAX_FRAGMENT_LENGTH) {
    return fail(`the link is too long (${frag.length} characters; at most ${MAX_FRAGMENT_LENGTH})`);
  }
  const head = /^v(\d{1,9})\./.exec(frag);
  if (!head) return fail(`this is not a bpflab session link (it should start with "v${SHARED_SESSION_VERSION}.")`);
  const version = Number(head[1]);
  if (version < 1 || version > SHARED_SESSION_VERSION) {
    return fail(`the link is in format v${version}; this bpflab reads formats v1 to v${SHARED_SESSION_VERSION}`);
  }
  const payload = fromBase64Url(frag.slice(head[0].length));
  if (typeof payload === 'string') return fail(`the link is corrupted: ${payload}`);
  if (payload.length < 6) return fail('the link is cut short (it holds almost no data)');
  const json = inflateBounded(payload.subarray(4));
  if (typeof json === 'string') return fail(json);
  if (crc32(json) !== new DataView(payload.buffer, payload.byteOffset).getUint32(0)) {
    return fail('the link is corrupted (its checksum does not match)');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return fail('the link is corrupted (its content is not valid JSON text)');
  }
  const checked = validateSession(value, types);
  if (checked.ok && checked.session.v !== version) return fail(`the link holds an invalid session: session.v: must be ${version}, as its header says`);
  return checked.ok ? checked : fail(`the link holds an invalid session: ${checked.error}`);
}
