/** Packet builders for the run-side tests: Ethernet, VLAN, IPv4 (with a correct checksum), IPv6, UDP. */

const MAC_DST = [0x02, 0, 0, 0, 0, 0x02];
const MAC_SRC = [0x02, 0, 0, 0, 0, 0x01];

/** The IPv4 header checksum of 20 bytes. */
export function ipv4Checksum(h: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < h.length; i += 2) if (i !== 10) s += (h[i] << 8) | h[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

export function ipv4Udp(payload = 8, opts: { src?: number[]; dst?: number[]; sport?: number; dport?: number; vlan?: number[] } = {}): Uint8Array {
  const src = opts.src ?? [10, 0, 0, 1];
  const dst = opts.dst ?? [10, 0, 0, 2];
  const ip = new Uint8Array(20);
  ip.set([0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, ...src, ...dst]);
  const total = 20 + 8 + payload;
  ip[2] = total >> 8;
  ip[3] = total & 0xff;
  const c = ipv4Checksum(ip);
  ip[10] = c >> 8;
  ip[11] = c & 0xff;
  const sport = opts.sport ?? 1234;
  const dport = opts.dport ?? 53;
  const udp = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 8 + payload, 0, 0];
  const tags = (opts.vlan ?? []).flatMap((tci) => [0x81, 0x00, tci >> 8, tci & 0xff]);
  return Uint8Array.from([...MAC_DST, ...MAC_SRC, ...tags, 0x08, 0x00, ...ip, ...udp, ...new Array(payload).fill(0xab)]);
}

export function ipv6Udp(payload = 8): Uint8Array {
  const ip = new Uint8Array(40);
  ip.set([0x60, 0, 0, 0, 0, 8 + payload, 17, 64]);
  ip[23] = 1;
  ip[39] = 2;
  ip[8] = 0x20;
  ip[24] = 0x20;
  const udp = [0x04, 0xd2, 0, 53, 0, 8 + payload, 0, 0];
  return Uint8Array.from([...MAC_DST, ...MAC_SRC, 0x86, 0xdd, ...ip, ...udp, ...new Array(payload).fill(0xcd)]);
}

/** A frame of `n` bytes with the given ethertype and a counting payload. */
export function frame(n: number, ethertype = 0x88b5): Uint8Array {
  const b = new Uint8Array(n);
  b.set(MAC_DST, 0);
  b.set(MAC_SRC, 6);
  b[12] = ethertype >> 8;
  b[13] = ethertype & 0xff;
  for (let i = 14; i < n; i++) b[i] = i & 0xff;
  return b;
}
