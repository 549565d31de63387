/** The packets of a capture file and the limits a capture is read within. */

/** One captured packet. */
export interface Packet {
  /** 0-based position in the file */
  index: number;
  /**
   * capture time in nanoseconds since the Unix epoch; null when the file gives none (a pcapng
   * Simple Packet Block carries no timestamp) or one past what 64-bit nanoseconds hold
   */
  timestampNs: bigint | null;
  /** the captured bytes: a view into the file's buffer (copy before changing it) */
  data: Uint8Array;
  /** the packet's length on the wire (more than data.length when the capture was cut at snaplen) */
  originalLength: number;
  /** LINKTYPE_* of the interface (1: Ethernet) */
  linkType: number;
}

type CaptureFormat = 'pcap' | 'pcapng';

/** A capture read to its end, or as far as it could be read. */
export interface Capture {
  format: CaptureFormat;
  packets: Packet[];
  /** problems that did not stop the reading (a cut last record, skipped blocks of unknown interfaces) */
  warnings: string[];
}

export type CaptureResult = { ok: true; capture: Capture } | { ok: false; error: string };

/** Bounds a capture is read within. */
export const CAPTURE_LIMITS = {
  /** bytes of file */
  fileBytes: 256 * 1024 * 1024,
  packets: 1_000_000,
  /** captured bytes of one packet (libpcap's largest snaplen) */
  packetBytes: 262144,
  /** bytes of one pcapng block */
  blockBytes: 16 * 1024 * 1024,
  /** interfaces of one pcapng section */
  interfaces: 65536,
} as const;

/** LINKTYPE_ETHERNET */
export const LINKTYPE_ETHERNET = 1;
