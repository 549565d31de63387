/** Number and byte formatting for the panels: 64-bit registers, hex dumps, errno names. */

/** 0x and 16 hex digits of the value's 64-bit two's complement. */
export const hex64 = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** Short hex: 0x and the digits without padding. */
export const hexShort = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

/** A program type by its kernel name ("sched_cls"), from the engine's list; "type N" if it has none. */
export const progTypeName = (types: readonly { type: number; name: string }[], t: number): string => types.find((x) => x.type === t)?.name ?? `type ${t}`;

/** A tail-call slot of an object's set: "prog in slot N of map". */
export const slotText = (s: { map: string; index: number; value: { prog: string } }): string => `${s.value.prog} in slot ${s.index} of ${s.map}`;

export const u64 = (v: bigint): string => BigInt.asUintN(64, v).toString();
export const s64 = (v: bigint): string => BigInt.asIntN(64, v).toString();

/** Two lowercase hex digits a byte, separated by spaces. */
export function bytesHex(b: Uint8Array, sep = ' '): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += (i ? sep : '') + b[i].toString(16).padStart(2, '0');
  return out;
}

/** Bytes from hex text; whitespace, commas and 0x prefixes are ignored. An error sentence if it is not hex. */
export function parseHexBytes(text: string): Uint8Array | string {
  const clean = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (clean.length % 2) return 'an odd number of hex digits';
  if (!/^[0-9a-fA-F]*$/.test(clean)) return 'not hex: use the digits 0-9 and a-f';
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The unsigned little-endian integer in bytes [off, off+size). */
export function readLE(b: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

/** Writes the low `size` bytes of v little-endian at off. */
export function writeLE(b: Uint8Array, off: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    b[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** The unsigned big-endian integer in bytes [off, off+size) (network order). */
export function readBE(b: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (b[off + i] ?? 0);
  return v;
}

/** Parses a decimal or 0x-hex integer (optionally negative) into a bigint, or null. */
export function parseInteger(text: string): bigint | null {
  const t = text.trim().replace(/_/g, '');
  const m = /^(-)?(0x[0-9a-f]+|\d+)$/i.exec(t);
  if (!m) return null;
  const v = BigInt(m[2]);
  return m[1] ? -v : v;
}
