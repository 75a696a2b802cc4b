#!/usr/bin/env python3
"""make_seeds.py — (re)build the capture seed corpus in fuzz/seeds/capture/.

Two kinds of seeds, all small (the committed corpus stays well under 1 MB):
  * the first packets of a few real captures from ../shared/data, of different link
    layers and protocol mixes, cut with editcap (only files under BSD/MIT/Unlicense or
    the MIT-licensed DARPA tables: no iotsentinel, no (L)GPL data in the repository);
  * hand-made edge cases built here from tests/data/tiny.pcap: every link type the
    dissector knows (SLL v1/v2, raw IPv4/IPv6, BSD loopback both byte orders), big-endian
    and nanosecond pcap, pcapng with several interfaces and timestamp resolutions, simple
    packet blocks, VLAN chains, IPv6 extension headers, lying lengths.
Run from the repository root: python3 fuzz/make_seeds.py"""
import os
import struct
import subprocess
import sys

OUT = "fuzz/seeds/capture"
SHARED = "../shared/data"
REAL = [  # (file, packets, snap)
    ("darpa99/week1-monday.pcap", 16, 0),
    ("captures/k01-mixed-lan-web__suricata-verify__tls-subjectaltname.pcap", 12, 0),
    ("captures/k05-quic__zeek__quic_win11_firefox_google.pcap", 6, 256),
    ("captures/k07-ics__zeek__modbusBig.pcap", 16, 0),
    ("captures/k08-windows-lan__zeek__smb3_multichannel.pcap", 12, 256),
    ("captures/k09-lan-name-services__pcapplusplus__DnsPackets.pcap", 12, 0),
    ("captures/k13-control-plane__tcpdump__pim-packet-assortment.pcap", 10, 0),
    ("captures/k13-control-plane__tcpdump__ISIS_level2_adjacency.pcap", 6, 256),
    ("captures/k13-control-plane__tcpdump__afs.pcap", 10, 256),
]


def real_seeds():
    for rel, n, snap in REAL:
        src = os.path.join(SHARED, rel)
        if not os.path.exists(src):
            print("skip (absent):", src, file=sys.stderr)
            continue
        base = os.path.basename(rel).split("__")[-1].rsplit(".", 1)[0]
        for fmt in ("pcap", "pcapng") if base in ("week1-monday", "modbusBig") else ("pcap",):
            dst = os.path.join(OUT, "real-%s.%s" % (base, fmt))
            cmd = ["editcap", "-F", fmt, "-r"]
            if snap:
                cmd += ["-s", str(snap)]
            subprocess.run(cmd + [src, dst, "1-%d" % n], check=True)


def read_pcap(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1"
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, usec, cap, wire = struct.unpack_from("<IIII", data, off)
        recs.append((sec, usec, data[off + 16:off + 16 + cap], wire))
        off += 16 + cap
    return recs


def pcap(path, link, recs, endian="<", magic=0xA1B2C3D4, snap=65535):
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snap, link)
    for sec, frac, frame, wire in recs:
        out += struct.pack(endian + "IIII", sec, frac, len(frame), wire) + frame
    open(os.path.join(OUT, path), "wb").write(out)


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng(path, blocks):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    open(os.path.join(OUT, path), "wb").write(shb + b"".join(blocks))


def idb(link, tsresol=None):
    opts = b""
    if tsresol is not None:
        opts = struct.pack("<HHB3x", 9, 1, tsresol) + struct.pack("<HH", 0, 0)
    return block(1, struct.pack("<HHI", link, 0, 0) + opts)


def epb(iface, ts, frame, wire=None):
    wire = len(frame) if wire is None else wire
    return block(6, struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(frame), wire)
                 + frame)


def handmade(tiny):
    ip = [(s, u, f[14:], w - 14) for s, u, f, w in tiny[:10]]  # strip Ethernet
    eth = tiny[:10]
    # Link layers.
    pcap("link-raw-ipv4.pcap", 101, ip)
    pcap("link-raw12.pcap", 12, ip)
    pcap("link-null-le.pcap", 0, [(s, u, struct.pack("<I", 2) + f, w + 4) for s, u, f, w in ip])
    pcap("link-null-be.pcap", 0, [(s, u, struct.pack(">I", 2) + f, w + 4) for s, u, f, w in ip])
    sll = [(s, u, struct.pack(">HHH8sH", 0, 1, 6, b"\x00\x01\x02\x03\x04\x05\0\0", 0x0800) + f,
            w + 16) for s, u, f, w in ip]
    pcap("link-sll.pcap", 113, sll)
    sll2 = [(s, u, struct.pack(">HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\x00\x01\x02\x03\x04\x05\0\0")
             + f, w + 20) for s, u, f, w in ip]
    pcap("link-sll2.pcap", 276, sll2)
    # Byte order and time precision.
    pcap("be-usec.pcap", 1, eth, endian=">")
    pcap("le-nsec.pcap", 1, [(s, u * 1000, f, w) for s, u, f, w in eth], magic=0xA1B23C4D)
    pcap("snaplen-64.pcap", 1, [(s, u, f[:64], w) for s, u, f, w in eth], snap=64)
    # VLAN chains (802.1Q / QinQ, 6 deep) and an IPv6 frame with extension headers.
    tags = b"".join(struct.pack(">HH", 0x88A8 if i == 0 else 0x8100, i + 1)
                    for i in range(6))
    vlan = [(s, u, f[:12] + tags + f[12:], w + len(tags)) for s, u, f, w in eth]
    pcap("vlan-chain.pcap", 1, vlan)
    v6 = b"\x60\0\0\0" + struct.pack(">HBB", 8 + 8 + 20, 0, 64) + b"\x20\x01" + b"\0" * 14 \
        + b"\x20\x01" + b"\0" * 13 + b"\x01"
    ext = b"\x3c\x00" + b"\0" * 6 + b"\x06\x00" + b"\0" * 6  # hop-by-hop -> dest opts -> TCP
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x02, 65535, 0, 0)
    frame6 = b"\0\1\2\3\4\5\0\1\2\3\4\6\x86\xdd" + v6 + ext + tcp
    pcap("ipv6-ext.pcap", 1, [(1, 0, frame6, len(frame6)), (2, 0, frame6, len(frame6))])
    # pcapng: two interfaces (Ethernet µs, raw IP ns), EPBs interleaved, an SPB.
    blocks = [idb(1), idb(101, 9)]
    for i, (s, u, f, w) in enumerate(eth):
        blocks.append(epb(0, s * 10**6 + u, f, w))
        blocks.append(epb(1, (s * 10**6 + u) * 1000 + 1, ip[i][2], ip[i][3]))
    blocks.append(block(3, struct.pack("<I", len(eth[0][2])) + eth[0][2]))
    pcapng("ng-two-ifaces.pcapng", blocks)
    # Lies: caplen > wire length, IP total length past the frame, TCP offset 15.
    lies = list(eth[:4])
    s, u, f, w = eth[4]
    lies.append((s, u, f, len(f) - 10))
    f2 = bytearray(f)
    f2[16:18] = struct.pack(">H", 1500)
    lies.append((s, u + 1, bytes(f2), w))
    f3 = bytearray(f)
    f3[14 + 20 + 12] = 0xF0
    lies.append((s, u + 2, bytes(f3), w))
    pcap("lies.pcap", 1, lies)


def main():
    os.makedirs(OUT, exist_ok=True)
    real_seeds()
    handmade(read_pcap("tests/data/tiny.pcap"))


if __name__ == "__main__":
    main()
