#!/bin/sh
# demo.sh BIN OUTDIR — the README demo: run necstgen on the bundled demo capture.
# For now: extract per-packet and per-flow features; later steps (train, generate,
# compare) extend this script.
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
echo "== extract: $DEMO -> $OUT/features"
"$BIN" extract "$DEMO" -o "$OUT/features"
echo
echo "features written:"
echo "  $OUT/features/packets.csv  (one row per packet; columns in docs/FLOWS.md)"
echo "  $OUT/features/flows.csv    (one row per flow)"
