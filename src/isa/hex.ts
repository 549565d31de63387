/** Bytes as lowercase hex text in memory order, and back: how requests, `.entry` lines and links carry bytes. */

/** Two lowercase hex digits a byte, in order. */
export function bytesToHex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** The bytes of an even number of hex digits (either case); undefined for any other text. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
