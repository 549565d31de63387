#!/usr/bin/env python3
"""Writes the capture fixtures of test/fixtures/pcap: small pcap and pcapng files in both byte
orders and timestamp resolutions, and expected.json, what each file holds. Written with struct
from the format descriptions, independently of src/pcap, so the tests check one reading of the
formats against another. Rerun after editing and commit the files (no tcpdump needed)."""
import json
import os
import struct

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "pcap")


def ipv4_csum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def eth(dst, src, ethertype, payload):
    return bytes.fromhex(dst) + bytes.fromhex(src) + struct.pack("!H", ethertype) + payload


def ipv4(proto, src, dst, payload, ident=0x1c46):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                      bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", ipv4_csum(hdr)) + hdr[12:]
    return hdr + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp_syn(sport, dport):
    return struct.pack("!HHIIBBHHH", sport, dport, 0xA0B1C2D3, 0, 0x50, 0x02, 0xFAF0, 0, 0)


MAC_A, MAC_B = "02000000000a", "02000000000b"
A, B = [192, 168, 0, 1], [192, 168, 0, 199]
PACKETS = [
    eth(MAC_B, MAC_A, 0x0800, ipv4(6, A, B, tcp_syn(51416, 80))),
    eth(MAC_B, MAC_A, 0x0800, ipv4(17, A, B, udp(40000, 53, b"\x12\x34\x01\x00\x00\x01" + bytes(6)))),
    eth("ffffffffffff", MAC_A, 0x0806, bytes.fromhex("0001080006040001") + bytes.fromhex(MAC_A)
        + bytes(A) + bytes(6) + bytes(B)),
    eth("333300000001", MAC_A, 0x86DD, bytes.fromhex("6000000000083a01") + bytes(15) + b"\x01"
        + bytes.fromhex("ff020000000000000000000000000001") + bytes.fromhex("8000000000010001")),
    eth(MAC_B, MAC_A, 0x0800, ipv4(17, A, B, udp(40001, 9, b"discard me"))),
]
T0 = 1_700_000_000_123_456_789  # ns


def pcap(order, nano, snaplen=65535, linktype=1, packets=PACKETS, cut_last=False):
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = bytearray(struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))
    expected = []
    for i, p in enumerate(packets):
        ts = T0 + i * 1_000_250
        sec, frac = divmod(ts, 1_000_000_000)
        if not nano:
            frac //= 1000
        ts_read = sec * 1_000_000_000 + (frac if nano else frac * 1000)
        data = p[:snaplen]
        out += struct.pack(order + "IIII", sec, frac, len(data), len(p)) + data
        expected.append(packet(i, ts_read, data, len(p), linktype))
    if cut_last:
        del out[-5:]
        expected.pop()
    return bytes(out), expected


def packet(i, ts, data, orig, linktype):
    # ts None: the block carries no timestamp (a Simple Packet Block)
    return {"index": i, "timestampNs": None if ts is None else str(ts), "data": data.hex(), "originalLength": orig, "linkType": linktype}


def pad4(b):
    return b + bytes(-len(b) % 4)


def option(order, code, value):
    return struct.pack(order + "HH", code, len(value)) + pad4(value)


def options(order, opts):
    if not opts:
        return b""
    return b"".join(option(order, c, v) for c, v in opts) + struct.pack(order + "HH", 0, 0)


def block(order, btype, body):
    body = pad4(body)
    n = 12 + len(body)
    return struct.pack(order + "II", btype, n) + body + struct.pack(order + "I", n)


def shb(order, opts=()):
    body = struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1) + options(order, list(opts))
    return block(order, 0x0A0D0D0A, body)


def idb(order, linktype, snaplen, opts=()):
    return block(order, 1, struct.pack(order + "HHI", linktype, 0, snaplen) + options(order, list(opts)))


def epb(order, iface, units, data, orig, opts=()):
    hi, lo = units >> 32, units & 0xFFFFFFFF
    body = struct.pack(order + "IIIII", iface, hi, lo, len(data), orig) + pad4(data) + options(order, list(opts))
    return block(order, 6, body)


def spb(order, orig, data):
    return block(order, 3, struct.pack(order + "I", orig) + data)


def nrb(order):
    rec = struct.pack(order + "HH", 1, 14) + bytes(A) + b"host-a\0\0\0\0"
    return block(order, 4, pad4(rec) + struct.pack(order + "HH", 0, 0))


def isb(order):
    return block(order, 5, struct.pack(order + "III", 0, 0, 0))


def pcapng_one_section(order, nano_iface):
    """SHB, two interfaces (us and, when asked, ns), EPBs on both, an SPB, skipped NRB and ISB."""
    out = shb(order, [(4, b"bpflab fixtures")]) + nrb(order)
    out += idb(order, 1, 65535, [(2, b"eth0")])
    out += idb(order, 1, 128, [(2, b"eth1")] + ([(9, b"\x09")] if nano_iface else []))
    expected = []
    for i, p in enumerate(PACKETS[:4]):
        iface = i % 2
        ts = T0 + i * 1_000_250
        if iface == 1 and nano_iface:
            units, ts_read = ts, ts
        else:
            units = ts // 1000
            ts_read = units * 1000
        snap = 65535 if iface == 0 else 128
        data = p[:snap]
        out += epb(order, iface, units, data, len(p), [(1, b"\x01\x00\x00\x00")] if i == 0 else [(1, b"a comment")])
        expected.append(packet(i, ts_read, data, len(p), 1))
    out += spb(order, len(PACKETS[4]), PACKETS[4])
    expected.append(packet(4, None, PACKETS[4], len(PACKETS[4]), 1))
    out += isb(order)
    return out, expected


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    files["eth-us-le.pcap"] = pcap("<", False)
    files["eth-ns-be.pcap"] = pcap(">", True)
    files["snaplen-40.pcap"] = pcap("<", False, snaplen=40)
    files["cut-last.pcap"] = pcap("<", True, cut_last=True)
    files["eth-le.pcapng"] = pcapng_one_section("<", False)
    files["eth-be-ns.pcapng"] = pcapng_one_section(">", True)
    a, ea = pcapng_one_section("<", True)
    b, eb = pcapng_one_section(">", False)
    for e in eb:
        e["index"] += len(ea)
    files["two-sections.pcapng"] = (a + b, ea + eb)
    expected = {}
    for name, (data, packets) in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        expected[name] = {"format": "pcapng" if name.endswith("ng") else "pcap", "packets": packets,
                          "warnings": 1 if name.startswith("cut-") else 0}
        print("wrote", name, len(data), "bytes,", len(packets), "packets")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


main()
