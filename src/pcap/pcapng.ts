/**
 * pcapng files: a sequence of blocks (type, total length, body, total length again) in
 * sections, each opened by a Section Header Block whose byte-order magic sets the byte order
 * of the section. Interface Description Blocks give each interface its link type and timestamp
 * resolution; Enhanced, Simple and (obsolete) Packet Blocks carry packets.
 * Read: SHB, IDB (options if_tsresol and if_tsoffset; others skipped), EPB, SPB, PB.
 * Skipped: every other block (name resolution, statistics, secrets, custom), other options.
 */
import { CAPTURE_LIMITS as L, type CaptureResult, type Packet } from './types';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface Iface {
  linkType: number;
  snaplen: number;
  /** timestamp units per second */
  unitsPerSec: bigint;
  offsetSec: bigint;
}

/** Whether the file starts with a Section Header Block. */
export function isPcapng(b: Uint8Array): boolean {
  return b.length >= 4 && new DataView(b.buffer, b.byteOffset, 4).getUint32(0) === BT_SHB;
}

class Bad {
  constructor(readonly message: string) {}
}
const bad = (message: string): never => {
  throw new Bad(message);
};

/** Units per second of an if_tsresol value: 10^n, or 2^n when the top bit is set. */
function tsresol(value: number): bigint {
  const n = BigInt(value & 0x7f);
  if (value & 0x80) return n > 63n ? bad(`if_tsresol 2^-${n} is finer than any clock`) : 1n << n;
  return n > 18n ? bad(`if_tsresol 10^-${n} is finer than any clock`) : 10n ** n;
}

/** The options of an IDB that change how its packets read. */
function idbOptions(v: DataView, start: number, end: number, le: boolean, iface: Iface): void {
  let o = start;
  while (o + 4 <= end) {
    const code = v.getUint16(o, le);
    const len = v.getUint16(o + 2, le);
    if (code === 0) return;
    if (o + 4 + len > end) bad(`an interface option (code ${code}) runs past its block`);
    if (code === OPT_IF_TSRESOL && len >= 1) iface.unitsPerSec = tsresol(v.getUint8(o + 4));
    if (code === OPT_IF_TSOFFSET && len >= 8) iface.offsetSec = v.getBigInt64(o + 4, le);
    o += 4 + ((len + 3) & ~3);
  }
}

interface Reader {
  v: DataView;
  b: Uint8Array;
  le: boolean;
  ifaces: Iface[];
  packets: Packet[];
  warnings: string[];
}

/** The largest time in ns a capture can give (int64, as the replay keeps it): past it, the packet has no time. */
const MAX_NS = (1n << 63n) - 1n;

/** `ts` in the interface's units (null: the block has none) as nanoseconds since the epoch, or null past int64. */
function nanoseconds(r: Reader, iface: Iface, ts: bigint | null, what: string): bigint | null {
  if (ts === null) return null;
  const ns = ((ts + iface.offsetSec * iface.unitsPerSec) * 1_000_000_000n) / iface.unitsPerSec;
  if (ns <= MAX_NS && ns >= -MAX_NS) return ns;
  r.warnings.push(`${what}: its timestamp is past what 64-bit nanoseconds hold; it is shown without a time`);
  return null;
}

function packet(r: Reader, ifId: number, ts: bigint | null, capLen: number, origLen: number, dataOff: number, end: number, what: string): void {
  const iface = r.ifaces[ifId] ?? bad(`${what}: interface ${ifId} was not described by an earlier block`);
  if (capLen > L.packetBytes) bad(`${what}: its captured length ${capLen} exceeds ${L.packetBytes} bytes`);
  if (dataOff + capLen > end) bad(`${what}: its ${capLen} captured bytes run past the block`);
  if (r.packets.length >= L.packets) bad(`the capture has more than ${L.packets} packets`);
  const timestampNs = nanoseconds(r, iface, ts, what);
  r.packets.push({
    index: r.packets.length,
    timestampNs,
    data: r.b.subarray(dataOff, dataOff + capLen),
    originalLength: Math.max(origLen, capLen),
    linkType: iface.linkType,
  });
}

/** One block's body [body, end): updates the reader. */
function block(r: Reader, type: number, body: number, end: number, at: number): void {
  const { v, le } = r;
  const what = `the block at offset ${at}`;
  const need = (n: number) => body + n <= end || bad(`${what} (type ${type}) is too short for its fields`);
  switch (type) {
    case BT_IDB: {
      need(8);
      if (r.ifaces.length >= L.interfaces) bad(`the section describes more than ${L.interfaces} interfaces`);
      const iface: Iface = { linkType: v.getUint16(body, le), snaplen: v.getUint32(body + 4, le), unitsPerSec: 1_000_000n, offsetSec: 0n };
      idbOptions(v, body + 8, end, le, iface);
      r.ifaces.push(iface);
      return;
    }
    case BT_EPB:
    case BT_PB: {
      // the same fields, but the obsolete PB's interface id is 16 bits (then a drops count)
      need(20);
      const ifId = type === BT_EPB ? v.getUint32(body, le) : v.getUint16(body, le);
      const ts = (BigInt(v.getUint32(body + 4, le)) << 32n) | BigInt(v.getUint32(body + 8, le));
      const cap = v.getUint32(body + 12, le);
      packet(r, ifId, ts, cap, v.getUint32(body + 16, le), body + 20, end, `packet ${r.packets.length + 1} (${what})`);
      return;
    }
    case BT_SPB: {
      need(4);
      const orig = v.getUint32(body, le);
      const iface = r.ifaces[0] ?? bad(`${what}: a simple packet block before any interface was described`);
      const cap = Math.min(orig, end - body - 4, iface.snaplen || Infinity);
      // a Simple Packet Block has no timestamp (nor interface id: it is interface 0's)
      packet(r, 0, null, cap, orig, body + 4, end, `packet ${r.packets.length + 1} (${what})`);
      return;
    }
    default:
      return; // other blocks carry nothing a run needs
  }
}

/** The byte order of the SHB at `at`, from its byte-order magic. */
function sectionOrder(v: DataView, at: number, len: number): boolean {
  if (at + 28 > len) bad(`the section header at offset ${at} is cut short`);
  const bom = v.getUint32(at + 8, true);
  if (bom === BYTE_ORDER_MAGIC) return true;
  if (bom === 0x4d3c2b1a) return false;
  return bad(`the section header at offset ${at} has no valid byte-order magic`);
}

function readBlocks(b: Uint8Array): Reader {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const r: Reader = { v, b, le: true, ifaces: [], packets: [], warnings: [] };
  let off = 0;
  while (off < b.length) {
    if (off + 12 > b.length) {
      r.warnings.push(`the file ends inside a block header at offset ${off}; the rest is ignored`);
      break;
    }
    let type = v.getUint32(off, r.le);
    if (v.getUint32(off, true) === BT_SHB) {
      r.le = sectionOrder(v, off, b.length);
      r.ifaces = [];
      type = BT_SHB;
      const major = v.getUint16(off + 12, r.le);
      if (major !== 1) bad(`the section at offset ${off} is pcapng version ${major}; version 1 is the format`);
    } else if (off === 0) {
      bad('the file does not start with a section header block');
    }
    const len = v.getUint32(off + 4, r.le);
    if (len < 12 || len % 4) bad(`the block at offset ${off} has length ${len}, not a multiple of 4 of at least 12`);
    if (len > L.blockBytes) bad(`the block at offset ${off} is ${len} bytes long, over ${L.blockBytes}`);
    if (off + len > b.length) {
      r.warnings.push(`the file ends inside the block at offset ${off} (${len} bytes long); the rest is ignored`);
      break;
    }
    if (v.getUint32(off + len - 4, r.le) !== len) bad(`the block at offset ${off} does not end with its length`);
    if (type !== BT_SHB) block(r, type, off + 8, off + len - 4, off);
    off += len;
  }
  return r;
}

/** Reads a pcapng file whose first block isPcapng accepted. */
export function readPcapng(b: Uint8Array): CaptureResult {
  try {
    const r = readBlocks(b);
    return { ok: true, capture: { format: 'pcapng', packets: r.packets, warnings: r.warnings } };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, error: e.message };
    throw e;
  }
}
