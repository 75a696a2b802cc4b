#!/usr/bin/env python3
"""count_flows.py — an independent flow count, from tshark's own dissection.

Applies the flow definition of docs/FLOWS.md without any necstgen code: tshark reads
each packet's fields, this script sorts by time (stable), keys packets, splits on idle
timeout and on a SYN after FIN/RST, picks the client, and counts. The golden test
tests/flow/test_flow_golden.c asserts that necstgen's flow table finds the same numbers.

usage: scripts/count_flows.py [--timeout SECONDS] FILE.pcap...
prints one line per file:
  FILE packets=N flows=N tcp=N udp=N noflow=N syn_started=N c2s_packets=N
"""
import argparse
import subprocess
import sys

FIELDS = ["frame.time_epoch", "frame.len", "eth.src", "eth.dst", "eth.type", "vlan.etype",
          "ip.src", "ip.dst", "ip.proto", "ipv6.src", "ipv6.dst", "ipv6.nxt",
          "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport"]
SYN, RST, FIN, ACK = 0x02, 0x04, 0x01, 0x10


def to_ns(text):
    sec, _, frac = text.partition(".")
    return int(sec) * 1_000_000_000 + int((frac + "000000000")[:9])


def read_packets(path):
    cmd = ["tshark", "-r", path, "-n", "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    pkts = []
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        pkts.append(v)
    pkts.sort(key=lambda v: to_ns(v["frame.time_epoch"]))  # stable: ties keep file order
    return pkts


def packet_key(v):
    """(key, src_is_a, ports-or-None, proto)."""
    if v["ip.proto"]:
        proto, src, dst = int(v["ip.proto"]), v["ip.src"], v["ip.dst"]
    elif v["ipv6.nxt"]:
        proto, src, dst = int(v["ipv6.nxt"]), v["ipv6.src"], v["ipv6.dst"]
    else:
        proto, src, dst = 0, "", ""
    l4 = "tcp" if proto == 6 else "udp" if proto == 17 else None
    if l4 and v[l4 + ".srcport"]:
        sport, dport = int(v[l4 + ".srcport"]), int(v[l4 + ".dstport"])
        a, b = (src, sport), (dst, dport)
        # necstgen orders endpoints by address bytes then port; any fixed order will do
        # for grouping, and src_is_a only has to be consistent within this script.
        src_is_a = addr_sort_key(a) <= addr_sort_key(b)
        ends = (a, b) if src_is_a else (b, a)
        return ("ports", proto) + ends, src_is_a, (sport, dport), proto
    # innermost ethertype: IP inside MPLS/VLAN/SGT counts as IP, as in necstgen
    if v["ip.proto"]:
        ether = "0x0800"
    elif v["ipv6.nxt"]:
        ether = "0x86dd"
    else:
        ether = v["vlan.etype"] or v["eth.type"] or "0"
    smac, dmac = v["eth.src"] or src, v["eth.dst"] or dst
    src_is_a = smac <= dmac
    ends = (smac, dmac) if src_is_a else (dmac, smac)
    return ("noflow", int(ether, 16), proto) + ends, src_is_a, None, proto


def addr_sort_key(endpoint):
    addr, port = endpoint
    return (addr, port)


def client_is_sender(ports, proto, flags):
    sport, dport = ports
    if proto == 6 and flags & SYN and not flags & ACK:
        return True
    if proto == 6 and flags & SYN:
        return False
    return not (sport < 1024 and dport >= 1024)


def count(path, timeout_ns):
    live = {}  # key -> flow dict
    stats = dict(packets=0, flows=0, tcp=0, udp=0, noflow=0, syn_started=0, c2s_packets=0)
    for v in read_packets(path):
        ts = to_ns(v["frame.time_epoch"])
        key, src_is_a, ports, proto = packet_key(v)
        flags = int(v["tcp.flags"], 16) if proto == 6 and ports and v["tcp.flags"] else 0
        stats["packets"] += 1
        f = live.get(key)
        if f is not None and ts - f["last"] > timeout_ns:
            f = None
        if (f is not None and ports and proto == 6 and flags & (SYN | ACK) == SYN
                and f["seen"] & (FIN | RST)):
            f = None
        if f is None:
            sender_client = True if ports is None else client_is_sender(ports, proto, flags)
            f = dict(last=ts, seen=0, client_is_a=(sender_client == src_is_a))
            live[key] = f
            stats["flows"] += 1
            kind = "noflow" if ports is None else "tcp" if proto == 6 else "udp"
            stats[kind] += 1
            if ports and proto == 6 and flags & (SYN | ACK) == SYN:
                stats["syn_started"] += 1
        f["last"] = max(f["last"], ts)
        f["seen"] |= flags
        if src_is_a == f["client_is_a"]:
            stats["c2s_packets"] += 1
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    for path in args.files:
        s = count(path, int(args.timeout * 1e9))
        print(path, " ".join(f"{k}={v}" for k, v in s.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
