#!/bin/sh
# demo.sh BIN OUTDIR — the README demo on the bundled capture (data/demo.pcap):
# extract its features, train a model, generate a synthetic twin of the same length,
# and compare the twin with the real capture (terminal table + HTML report).
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 BIN OUTDIR" >&2
    exit 2
fi
BIN=$1
OUT=$2
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEMO="$HERE/data/demo.pcap"

mkdir -p "$OUT"
echo "== 1. extract: $DEMO -> $OUT/features"
"$BIN" extract "$DEMO" -o "$OUT/features"
echo
echo "== 2. train: $DEMO -> $OUT/model.ngm"
"$BIN" train "$DEMO" -o "$OUT/model.ngm" --seed 1 2>&1 | grep -v ' epoch '
echo
echo "== 3. generate: $OUT/model.ngm -> $OUT/synthetic.pcap"
"$BIN" generate -m "$OUT/model.ngm" -o "$OUT/synthetic.pcap" --seed 1
echo
echo "== 4. compare: real vs synthetic -> $OUT/report.html"
"$BIN" compare "$DEMO" "$OUT/synthetic.pcap" --html "$OUT/report.html" --json "$OUT/metrics.json"
echo
echo "outputs in $OUT:"
echo "  features/packets.csv, features/flows.csv   per-packet and per-flow tables (docs/FLOWS.md)"
echo "  model.ngm          the trained model (necstgen inspect $OUT/model.ngm)"
echo "  synthetic.pcap     the synthetic twin (opens in Wireshark, tshark, tcpreplay)"
echo "  report.html        how close the twin is, with charts (docs/METRICS.md)"
