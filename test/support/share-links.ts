/** Share-link fragments around arbitrary JSON, for tests of links the Share button would never make. */
import { deflateSync } from 'fflate';
import { crc32, toBase64Url } from '../../src/share/codec';
import { DICTIONARY_V1 } from '../../src/share/dictionary';

/** A v1 fragment around arbitrary JSON text, compressed the way encodeShare does. */
export function wrap(json: string | Uint8Array, opts: { crc?: number; dictionary?: boolean } = {}): string {
  const bytes = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const packed = deflateSync(bytes, { level: 9, ...(opts.dictionary === false ? {} : { dictionary: DICTIONARY_V1 }) });
  const payload = new Uint8Array(4 + packed.length);
  new DataView(payload.buffer).setUint32(0, opts.crc ?? crc32(bytes));
  payload.set(packed, 4);
  return `v1.${toBase64Url(payload)}`;
}
