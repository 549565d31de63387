/**
 * The lessons' packets are well-formed, and the packets the rewriting lessons expect to leave
 * behind are too: checksums that verify after DNAT, a port rewrite, NAT64 and the ping reply,
 * computed here from first principles rather than taken from the engine.
 */
import { describe, expect, test } from 'vitest';
import { checksumsValid, inetChecksum, lessonById, SAMPLE_PACKETS } from '../../src/lessons';
import { bytesToHex } from '../../src/isa';
import { fromHex, ipv4Frame } from '../../src/lessons/frames';

const dataOut = (id: string): string => lessonById(id)!.expect.run!.dataOut!;

describe('sample packets', () => {
  test('have valid IPv4 and TCP/UDP checksums and the lengths their headers say', () => {
    for (const p of SAMPLE_PACKETS) {
      const f = fromHex(p.hex);
      const ip = p.id === 'tcp-syn-vlan' ? 18 : 14;
      expect((f[ip - 2] << 8) | f[ip - 1], p.id).toBe(0x0800);
      expect(f.length - ip, p.id).toBe((f[ip + 2] << 8) | f[ip + 3]);
      if (p.id !== 'tcp-syn-vlan') expect(checksumsValid(p.hex), p.id).toBe(true);
      expect(inetChecksum(f.slice(ip, ip + 20)), `${p.id}: IPv4 header`).toBe(0);
    }
  });

  test('the checksum check notices a changed byte', () => {
    const p = fromHex(SAMPLE_PACKETS[0].hex);
    p[30] ^= 1;
    expect(checksumsValid(bytesToHex(p))).toBe(false);
  });
});

describe('packets the lessons leave', () => {
  test('DNAT: the packet a client would send to 10.0.0.99, checksums and all', () => {
    const expected = ipv4Frame({ proto: 'tcp', saddr: '10.0.0.1', daddr: '10.0.0.99', sport: 40000, dport: 80 });
    expect(dataOut('csum-dnat')).toBe(expected);
  });

  test('port rewrite: the same SYN to port 8080', () => {
    expect(dataOut('csum-diff-port')).toBe(ipv4Frame({ proto: 'tcp', saddr: '10.0.0.1', daddr: '10.0.0.2', sport: 40000, dport: 8080 }));
  });

  test('NAT64: an IPv6 header with mapped addresses, and a TCP checksum that verifies over its pseudo-header', () => {
    const f = fromHex(dataOut('nat64'));
    expect((f[12] << 8) | f[13]).toBe(0x86dd);
    expect(f[14] >> 4).toBe(6);
    const payloadLen = (f[18] << 8) | f[19];
    expect(payloadLen).toBe(f.length - 54);
    expect(f[20]).toBe(6);
    const src = f.slice(22, 38);
    const dst = f.slice(38, 54);
    expect(src).toEqual([0, 0x64, 0xff, 0x9b, ...Array(8).fill(0), 10, 0, 0, 1]);
    expect(dst).toEqual([0, 0x64, 0xff, 0x9b, ...Array(8).fill(0), 10, 0, 0, 2]);
    const pseudo = [...src, ...dst, 0, 0, payloadLen >> 8, payloadLen & 0xff, 0, 0, 0, 6];
    expect(inetChecksum([...pseudo, ...f.slice(54)])).toBe(0);
  });

  test('ping reply: addresses swapped, type 0, and an ICMP checksum that verifies', () => {
    const req = fromHex(SAMPLE_PACKETS.find((p) => p.id === 'icmp-echo')!.hex);
    const f = fromHex(dataOut('xdp-ping-reply'));
    expect(f.slice(0, 6)).toEqual(req.slice(6, 12));
    expect(f.slice(26, 30)).toEqual(req.slice(30, 34));
    expect(f[34]).toBe(0);
    expect(inetChecksum(f.slice(34))).toBe(0);
    expect(inetChecksum(f.slice(14, 34))).toBe(0);
  });

  test('VLAN pop: the frame without its tag is the untagged SYN', () => {
    expect(dataOut('vlan-pop-push')).toBe(SAMPLE_PACKETS[0].hex);
  });
});
