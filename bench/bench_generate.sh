#!/bin/sh
# bench_generate.sh — generation speed and memory, against libpcap's pcap_dump.
#
#   bench/bench_generate.sh [PACKETS] [BUILD_DIR]      (defaults: 5000000, build)
#
# 1. `necstgen generate --packets PACKETS` into a pcap file with the default model
#    ($NECSTGEN_MODEL, else models/default.ngm, else a model trained on data/demo.pcap by
#    bench_make_model), timed from process start to end with /usr/bin/time -v
#    (wall seconds, packets/s, peak RSS);
# 2. bench_pcap_dump writing the same number of pre-built packets (loaded from that
#    output) with libpcap's pcap_dump, and the ratio of the two speeds;
# 3. peak RSS of a 10M-packet run (target: <= 200 MB).
# Wall-clock rates suffer on a loaded machine, so CPU seconds are printed too, and each
# side is run REPEAT times (default 3) keeping its fastest run. Output goes to a temporary
# folder under $TMPDIR (e.g. TMPDIR=/dev/shm to leave the disk out).
set -eu
N=${1:-5000000}
REPEAT=${REPEAT:-3}
BUILD=${2:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/$BUILD/necstgen
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

MODEL=${NECSTGEN_MODEL:-}
if [ -z "$MODEL" ] && [ -f "$ROOT/models/default.ngm" ]; then MODEL=$ROOT/models/default.ngm; fi
if [ -z "$MODEL" ]; then
    MODEL=$TMP/bench.ngm
    echo "no default model: training one on data/demo.pcap ..."
    "$ROOT/$BUILD/bench_make_model" "$ROOT/data/demo.pcap" "$MODEL"
fi

run_generate() { # packets output → prints "wall_seconds rss_kb cpu_seconds"
    rm -f "$2" # freeing the previous run's pages is not this run's work
    /usr/bin/time -v "$BIN" -q generate -m "$MODEL" -o "$2" --packets "$1" --seed 1 \
        2>"$TMP/time.txt"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$TMP/time.txt" |
           awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/time.txt")
    cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {print s}' "$TMP/time.txt")
    echo "$wall $rss $cpu"
}

best_generate() { # packets output → the run with the least wall time of REPEAT runs
    best=""
    for _ in $(seq "$REPEAT"); do
        run=$(run_generate "$1" "$2")
        if [ -z "$best" ] || awk -v a="${run%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
            best=$run
        fi
    done
    echo "$best"
}

set -- $(best_generate "$N" "$TMP/gen.pcap")
GEN_S=$1; GEN_RSS=$2; GEN_CPU=$3
GEN_RATE=$(awk -v n="$N" -v s="$GEN_S" 'BEGIN { printf "%.0f", n / s }')
echo "necstgen generate: $N packets in $GEN_S s = $GEN_RATE packets/s (process start to end, best of $REPEAT), peak RSS $((GEN_RSS / 1024)) MB, $(stat -c %s "$TMP/gen.pcap") bytes"
awk -v n="$N" -v c="$GEN_CPU" 'BEGIN { printf "  CPU (user + system): %.2f s = %.0f packets per CPU second\n", c, n / c }'

DUMP_RATE=0
for _ in $(seq "$REPEAT"); do
    rm -f "$TMP/dump.pcap"
    DUMP=$("$ROOT/$BUILD/bench_pcap_dump" "$TMP/gen.pcap" "$N" "$TMP/dump.pcap")
    RATE=$(echo "$DUMP" | awk '{print $(NF-1)}')
    if awk -v a="$RATE" -v b="$DUMP_RATE" 'BEGIN { exit !(a > b) }'; then
        DUMP_RATE=$RATE; BEST_DUMP=$DUMP
    fi
done
echo "$BEST_DUMP (best of $REPEAT)"
awk -v g="$GEN_RATE" -v d="$DUMP_RATE" 'BEGIN { printf "ratio generate / pcap_dump: %.3f\n", g / d }'
rm -f "$TMP/gen.pcap" "$TMP/dump.pcap"

set -- $(run_generate 10000000 "$TMP/gen10.pcap")
echo "10M packets: $1 s ($3 CPU s), peak RSS $(($2 / 1024)) MB (target <= 200 MB)"
