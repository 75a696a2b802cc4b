#!/bin/sh
# bench_train.sh — wall time and peak memory of `necstgen train` with default settings:
# (1) DARPA 1999 week1-monday (10,000 packets; target <= 60 s), (2) >= 100,000 packets of
# the shared captures concatenated with time shifts (target <= 5 min); peak RSS <= 1 GB.
# NeCSTGen needed hand-tuning per dataset and hours; NetShare needs a cluster.
# BUILD=<dir> (default build-release).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build-release}
data=$here/../shared/data
[ -d "$data" ] || { echo "bench_train: $data not found" >&2; exit 1; }
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNG_TESTS=OFF >/dev/null
cmake --build "$build" --target necstgen bench_make_capture >/dev/null
tmp=$(mktemp -d /tmp/bench_train.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$here/scripts/make-bench-capture.sh" "$build" "$tmp/100k.pcap" 100000 >/dev/null

run() {
    label=$1
    capture=$2
    packets=$(capinfos -c -M "$capture" | awk '/Number of packets/ {print $NF}')
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$build/necstgen" -q train "$capture" \
        -o "$tmp/m.ngm" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    read -r wall user sys rss < "$tmp/t"
    printf '%-22s %7d packets  wall %7.1f s  cpu %7.1f s  peak RSS %5d MB\n' "$label" \
        "$packets" "$wall" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))"
}
run "darpa99 week1-monday" "$data/darpa99/week1-monday.pcap"
run "shared captures" "$tmp/100k.pcap"
