/** A small capture writer for property tests: pcap and pcapng in either byte order. */

export interface WrittenPacket {
  timestampNs: bigint;
  data: Uint8Array;
  originalLength: number;
}

class Out {
  private parts: number[] = [];
  constructor(readonly le: boolean) {}
  u8(v: number) {
    this.parts.push(v & 0xff);
  }
  u16(v: number) {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.le);
    this.bytes(b);
  }
  u32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.le);
    this.bytes(b);
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.parts.push(x);
  }
  pad4() {
    while (this.parts.length % 4) this.parts.push(0);
  }
  get length() {
    return this.parts.length;
  }
  done(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

/** A pcap file; timestamps are truncated to the resolution. */
export function writePcap(
  packets: WrittenPacket[],
  o: { le: boolean; nano: boolean; linkType?: number },
): Uint8Array {
  const w = new Out(o.le);
  w.u32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2);
  w.u16(4);
  w.u32(0);
  w.u32(0);
  w.u32(262144);
  w.u32(o.linkType ?? 1);
  for (const p of packets) {
    w.u32(Number(p.timestampNs / 1_000_000_000n));
    const frac = p.timestampNs % 1_000_000_000n;
    w.u32(Number(o.nano ? frac : frac / 1000n));
    w.u32(p.data.length);
    w.u32(p.originalLength);
    w.bytes(p.data);
  }
  return w.done();
}

function block(le: boolean, type: number, body: (w: Out) => void): Uint8Array {
  const inner = new Out(le);
  body(inner);
  inner.pad4();
  const w = new Out(le);
  w.u32(type);
  w.u32(inner.length + 12);
  w.bytes(inner.done());
  w.u32(inner.length + 12);
  return w.done();
}

/**
 * A one-section pcapng file with one interface of the given timestamp resolution (10^-tsresol,
 * or 2^-tsresol with `pow2`), its packets in Enhanced Packet Blocks, (`pb`) obsolete Packet
 * Blocks with a drops count, or (`spb`) Simple Packet Blocks, which have no timestamp.
 */
export function writePcapng(
  packets: WrittenPacket[],
  o: { le: boolean; tsresol: number; pow2?: boolean; linkType?: number; pb?: boolean; spb?: boolean },
): Uint8Array {
  const perSec = o.pow2 ? 1n << BigInt(o.tsresol) : 10n ** BigInt(o.tsresol);
  const parts = [
    block(o.le, 0x0a0d0d0a, (w) => {
      w.u32(0x1a2b3c4d);
      w.u16(1);
      w.u16(0);
      w.u32(0xffffffff);
      w.u32(0xffffffff);
    }),
    block(o.le, 1, (w) => {
      w.u16(o.linkType ?? 1);
      w.u16(0);
      w.u32(0);
      w.u16(9);
      w.u16(1);
      w.u8(o.pow2 ? 0x80 | o.tsresol : o.tsresol);
      w.pad4();
      w.u16(0);
      w.u16(0);
    }),
    ...packets.map((p) =>
      o.spb
        ? block(o.le, 3, (w) => {
            w.u32(p.originalLength);
            w.bytes(p.data);
          })
        : block(o.le, o.pb ? 2 : 6, (w) => {
            const units = (p.timestampNs * perSec) / 1_000_000_000n;
            if (o.pb) {
              w.u16(0); // interface id
              w.u16(7); // drops count
            } else w.u32(0);
            w.u32(Number(units >> 32n));
            w.u32(Number(units & 0xffffffffn));
            w.u32(p.data.length);
            w.u32(p.originalLength);
            w.bytes(p.data);
          }),
    ),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A little-endian microsecond pcap (snaplen 65535, Ethernet) of `n` copies of `frame`, the i-th
 * stamped `seconds(i)`, written straight into one buffer (fast enough for captures at the limits).
 */
export function repeatedPcap(frame: Uint8Array, n: number, seconds: (i: number) => number = () => 0): Uint8Array {
  const out = new Uint8Array(24 + n * (16 + frame.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 65535, true);
  dv.setUint32(20, 1, true);
  for (let i = 0, o = 24; i < n; i++, o += 16 + frame.length) {
    dv.setUint32(o, seconds(i), true);
    dv.setUint32(o + 8, frame.length, true);
    dv.setUint32(o + 12, frame.length, true);
    out.set(frame, o + 16);
  }
  return out;
}
