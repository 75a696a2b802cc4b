#!/usr/bin/env python3
"""fidelity_table.py — the pass/fail table of docs/FIDELITY.md from bench/fidelity.sh output.

usage: bench/fidelity_table.py OUTDIR [--csv FILE]

OUTDIR holds one folder per capture with insample.json, general.json and yardstick.json
(`necstgen compare --json --train`); scores are the mean over the synthetic files. Prints markdown: per protocol one table
(capture x quantity), each cell the score, marked x when it misses its target; then the
real split's own scores (the yardstick) and the pass counts per quantity.

Targets (docs/FIDELITY.md): KS frame length, intra-flow IAT, packets/flow, bytes/flow
<= 0.10; flow duration <= 0.12; global IAT and throughput (bytes/s, packets/s) <= 0.15;
JSD server port <= 0.05, IP protocol <= 0.02, 3-grams <= 0.10; |diff| of SYN-start and
handshake shares <= 0.02, FIN/RST-end <= 0.05; seq/ack and checksums 100% valid;
memorisation <= 5% or <= 5 points above the real halves' repeat share. In
generalisation a target may instead be the split's own value + 0.05 when that is larger.
"""
import json
import math
import os
import sys

# (column, section, key, field, target, kind) — kind: "le" score <= target, "valid" == 1.
QUANTITIES = [
    ("len", "continuous", "frame_len", "ks", 0.10, "le"),
    ("fIAT", "continuous", "flow_iat", "ks", 0.10, "le"),
    ("IAT", "continuous", "iat", "ks", 0.15, "le"),
    ("pkts", "continuous", "flow_packets", "ks", 0.10, "le"),
    ("bytes", "continuous", "flow_bytes", "ks", 0.10, "le"),
    ("dur", "continuous", "flow_duration", "ks", 0.12, "le"),
    ("port", "categorical", "server_port", "jsd", 0.05, "le"),
    ("proto", "categorical", "ip_proto", "jsd", 0.02, "le"),
    ("3gram", "categorical", "ngram", "jsd", 0.10, "le"),
    ("SYN", "structure", "syn_start", "diff", 0.02, "le"),
    ("hshk", "structure", "handshake", "diff", 0.02, "le"),
    ("end", "structure", "fin_rst_end", "diff", 0.05, "le"),
    ("seqack", "structure", "seqack_ok", "synth", 1.0, "valid"),
    ("csum", "structure", "checksum_ok", "synth", 1.0, "valid"),
    ("B/s", "continuous", "tput_bytes", "ks", 0.15, "le"),
    ("p/s", "continuous", "tput_packets", "ks", 0.15, "le"),
    ("memo", "memo", None, None, 0.05, "memo"),
]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def value(doc, q):
    """The score of quantity q in a compare JSON (None when missing or n/a)."""
    if doc is None:
        return None
    col, section, key, field, _, kind = q
    if kind == "memo":
        m = doc.get("memorisation")
        return None if m is None else m["mean"].get("share")
    return doc["mean"][section][key][field]


def real_repeat(doc):
    """The real capture's repeat share of training flows (second half vs first half)."""
    m = doc and doc.get("memorisation")
    return None if not m else m["real"]["share"]


def limit(q, yard_value, repeat, general):
    """The bound a score must meet, given the yardstick's own value."""
    target = q[4]
    if q[5] == "memo":
        return max(target, (repeat or 0.0) + 0.05)
    if general and yard_value is not None and q[5] == "le":
        return max(target, yard_value + 0.05)
    return target


def passes(q, v, bound):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None  # n/a: not counted
    if q[5] == "valid":
        return v >= 1.0 - 1e-12
    return v <= bound + 1e-12


def fmt(v):
    if v is None:
        return "n/a"
    return f"{v:.3f}" if v < 0.9995 or v > 1 else "1"


def table(rows, title, proto, out):
    out.append(f"\n### {title}\n")
    out.append("| capture | " + " | ".join(q[0] for q in QUANTITIES) + " | pass |")
    out.append("|---" * (len(QUANTITIES) + 2) + "|")
    counts = [[0, 0] for _ in QUANTITIES]
    sums = [[0.0, 0] for _ in QUANTITIES]
    for name, docs in rows:
        cells, ok_n, all_n = [], 0, 0
        doc = docs[proto]
        repeat = real_repeat(docs["general"])
        for i, q in enumerate(QUANTITIES):
            v = value(doc, q)
            yv = value(docs["yardstick"], q) if q[5] != "memo" else None
            bound = limit(q, yv, repeat, proto == "general")
            p = passes(q, v, bound)
            if p is None:
                cells.append("n/a")
                continue
            counts[i][1] += 1
            sums[i][0] += v
            sums[i][1] += 1
            all_n += 1
            if p:
                counts[i][0] += 1
                ok_n += 1
                cells.append(fmt(v))
            else:
                cells.append(f"**{fmt(v)}**✗")
        out.append(f"| {name} | " + " | ".join(cells) + f" | {ok_n}/{all_n} |")
    total = sum(a for a, _ in counts), sum(b for _, b in counts)
    out.append("| **passed** | " + " | ".join(f"{a}/{b}" for a, b in counts)
               + f" | {total[0]}/{total[1]} |")
    out.append("| **mean** | " + " | ".join(fmt(a / b) if b else "n/a" for a, b in sums)
               + " | |")


def yard_table(rows, out):
    out.append("\n### Yardstick: first half vs second half (real vs real)\n")
    cols = [q for q in QUANTITIES if q[5] == "le"]
    out.append("| capture | " + " | ".join(q[0] for q in cols) + " | repeat |")
    out.append("|---" * (len(cols) + 2) + "|")
    for name, docs in rows:
        cells = [fmt(value(docs["yardstick"], q)) for q in cols]
        out.append(f"| {name} | " + " | ".join(cells) + f" | {fmt(real_repeat(docs['general']))} |")


def short(name):
    for pre in ("week1-", "k01-mixed-lan-web__", "k02-mobile-app__", "k03-iot-setup__",
                "k04-realtime-udp__", "k05-quic__", "k07-ics__"):
        if name.startswith(pre):
            kind = name[:3] + " " if name.startswith("k0") else ""
            return kind + name[len(pre):].split("__")[-1]
    return name


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    rows = []
    for name in sorted(os.listdir(outdir), key=lambda n: (not n.startswith("week1"), n)):
        d = os.path.join(outdir, name)
        if not os.path.isdir(d):
            continue
        docs = {k: load(os.path.join(d, k + ".json"))
                for k in ("insample", "general", "yardstick")}
        if all(v is None for v in docs.values()):
            continue
        rows.append((short(name), docs))
    out = []
    table(rows, "In-sample (train on the capture, compare with it)", "insample", out)
    table(rows, "Generalisation (train on the first half, compare with the second)",
          "general", out)
    yard_table(rows, out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
