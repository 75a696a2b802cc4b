#!/bin/sh
# bench_extract.sh — speed of `necstgen extract` (parse + flows + features, with and
# without CSV) on a >= 1M-packet capture built from the shared captures, against
# `tshark -T fields` extracting the same per-packet fields from the same file.
#
# Targets (issue "Foundation"): >= 2 M packets/s without CSV, >= 500 k packets/s with
# CSV, on one core. Prints wall and CPU seconds (CPU is the fairer number on a busy
# machine) and the ratios against tshark. BUILD=<dir> (default build-release).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build-release}
big=${BIG:-/tmp/necstgen-bench.pcap}

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNG_TESTS=OFF >/dev/null
cmake --build "$build" --target necstgen bench_make_capture >/dev/null
[ -s "$big" ] || "$here/scripts/make-bench-capture.sh" "$build" "$big" 1200000 >/dev/null
packets=$(capinfos -c -M "$big" | awk '/Number of packets/ {print $NF}')
tmp=$(mktemp -d /tmp/bench_extract.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# run LABEL CMD...: prints "label wall cpu rate"
run() {
    label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; exit 1; }
    read -r wall user sys rss < "$tmp/t"
    cpu=$(echo "$user + $sys" | bc -l)
    printf '%-28s wall %6.2f s  cpu %6.2f s  %6.2f M pkt/s (cpu)  %5.2f M pkt/s (wall)  peak %d MB\n' \
        "$label" "$wall" "$cpu" "$(echo "$packets / $cpu / 1000000" | bc -l)" \
        "$(echo "$packets / $wall / 1000000" | bc -l)" "$((rss / 1024))"
    echo "$cpu" > "$tmp/$label.cpu"
}

echo "capture: $big ($packets packets)"
run no-csv "$build/necstgen" -q extract "$big" -o "$tmp/out" --no-csv
run csv "$build/necstgen" -q extract "$big" -o "$tmp/out"
run tshark-fields tshark -r "$big" -T fields -E separator=, -e frame.time_epoch \
    -e frame.len -e ip.proto -e ipv6.nxt -e tcp.srcport -e tcp.dstport -e udp.srcport \
    -e udp.dstport -e tcp.flags -e tcp.stream -e udp.stream
tshark=$(cat "$tmp/tshark-fields.cpu")
printf 'speed-up vs tshark -T fields (cpu): no-csv %.1fx, csv %.1fx\n' \
    "$(echo "$tshark / $(cat "$tmp/no-csv.cpu")" | bc -l)" \
    "$(echo "$tshark / $(cat "$tmp/csv.cpu")" | bc -l)"
