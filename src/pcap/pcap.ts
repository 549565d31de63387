/**
 * Classic libpcap files: a 24-byte global header whose magic gives the byte order and the
 * timestamp resolution (0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds), then 16-byte record
 * headers each followed by the captured bytes.
 * Not here: the modified-pcap variants (Kuznetzov/Nokia magic numbers), FCS bits of the link type.
 */
import { CAPTURE_LIMITS as L, type CaptureResult, type Packet } from './types';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;

/** Whether the first four bytes are a pcap magic number in either byte order. */
export function isPcap(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const v = new DataView(b.buffer, b.byteOffset, 4);
  const m = [v.getUint32(0, true), v.getUint32(0, false)];
  return m.includes(PCAP_MAGIC_US) || m.includes(PCAP_MAGIC_NS);
}

/** Reads a pcap file whose magic isPcap accepted. */
export function readPcap(b: Uint8Array): CaptureResult {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 24) return { ok: false, error: `the pcap file is ${b.length} bytes, shorter than its 24-byte header` };
  const le = v.getUint32(0, true) === PCAP_MAGIC_US || v.getUint32(0, true) === PCAP_MAGIC_NS;
  const nano = v.getUint32(0, le) === PCAP_MAGIC_NS;
  const major = v.getUint16(4, le);
  if (major !== 2) return { ok: false, error: `pcap version ${major}.${v.getUint16(6, le)} is unknown (2.4 is the format)` };
  const linkType = v.getUint32(20, le) & 0xffff;
  const packets: Packet[] = [];
  const warnings: string[] = [];
  let off = 24;
  while (off < b.length) {
    const index = packets.length;
    if (index >= L.packets) return { ok: false, error: `the capture has more than ${L.packets} packets` };
    if (off + 16 > b.length) {
      warnings.push(`packet ${index + 1}: the file ends inside its record header (offset ${off}); it is dropped`);
      break;
    }
    const sec = v.getUint32(off, le);
    const frac = v.getUint32(off + 4, le);
    const incl = v.getUint32(off + 8, le);
    const orig = v.getUint32(off + 12, le);
    if (incl > L.packetBytes) {
      return { ok: false, error: `packet ${index + 1} (offset ${off}): its captured length ${incl} exceeds ${L.packetBytes} bytes` };
    }
    if (off + 16 + incl > b.length) {
      warnings.push(`packet ${index + 1}: the file ends inside its ${incl} captured bytes; it is dropped`);
      break;
    }
    const timestampNs = BigInt(sec) * 1_000_000_000n + BigInt(frac) * (nano ? 1n : 1000n);
    packets.push({ index, timestampNs, data: b.subarray(off + 16, off + 16 + incl), originalLength: Math.max(orig, incl), linkType });
    off += 16 + incl;
  }
  return { ok: true, capture: { format: 'pcap', packets, warnings } };
}
