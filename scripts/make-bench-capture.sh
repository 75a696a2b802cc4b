#!/bin/sh
# make-bench-capture.sh — build a >= 1M-packet Ethernet pcap from all shared captures
# (../shared/data/captures and darpa99), concatenated with time shifts, for bench_read.
#
# usage: scripts/make-bench-capture.sh [BUILD_DIR] [OUT] [MIN_PACKETS]
#   defaults: build, /tmp/necstgen-bench.pcap, 1200000
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-/tmp/necstgen-bench.pcap}
min=${3:-1200000}
data=$root/../shared/data
[ -d "$data" ] || { echo "make-bench-capture: $data not found" >&2; exit 1; }
cmake --build "$build" --target bench_make_capture >/dev/null
"$build/bench_make_capture" "$out" "$min" "$data"/captures/*.pcap* "$data"/darpa99/*.pcap
