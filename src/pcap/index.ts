/** pcap: packet captures (pcap and pcapng, either byte order) into packets. Imports nothing. */
import { isPcap, readPcap } from './pcap';
import { isPcapng, readPcapng } from './pcapng';
import { CAPTURE_LIMITS, type CaptureResult } from './types';

export { LINKTYPE_ETHERNET, type Capture, type Packet } from './types';

/** Reads a pcap or pcapng file, telling them apart by their first bytes; never throws. */
export function parseCapture(file: Uint8Array): CaptureResult {
  if (file.length > CAPTURE_LIMITS.fileBytes) {
    return { ok: false, error: `the capture is ${file.length} bytes; files over ${CAPTURE_LIMITS.fileBytes} are not read` };
  }
  if (isPcapng(file)) return readPcapng(file);
  if (isPcap(file)) return readPcap(file);
  return { ok: false, error: 'this is not a packet capture: it starts with neither a pcap magic number nor a pcapng section header' };
}
