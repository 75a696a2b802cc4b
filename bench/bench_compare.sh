#!/bin/sh
# bench_compare.sh — time `necstgen compare` on two 1M-packet captures (goal: < 10 s).
#
# The captures are built from the shared DARPA 1999 days (10,000 packets each): 100
# copies of Monday, each shifted in time by the day's span, against 100 copies of
# Tuesday (editcap -t, mergecap -a). Needs ../shared/data and Wireshark's command-line
# tools. BUILD=<dir> (default build-release) chooses the build folder; N=<copies>.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build-release}
copies=${N:-100}
data=$here/../shared/data/darpa99
[ -r "$data/week1-monday.pcap" ] || { echo "bench_compare: $data not found" >&2; exit 1; }

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNG_TESTS=OFF >/dev/null
cmake --build "$build" --target necstgen >/dev/null

tmp=$(mktemp -d /tmp/bench_compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# replicate DAY OUT: copies of one day, back to back in time.
replicate() {
    span=$(capinfos -u -M "$data/$1" | awk -F: '/Capture duration/ {gsub(/[^0-9.]/, "", $2); print int($2) + 1}')
    i=0
    while [ "$i" -lt "$copies" ]; do
        editcap -F pcap -t $((i * span)) "$data/$1" "$tmp/$1.$i.pcap"
        i=$((i + 1))
    done
    mergecap -F pcap -a -w "$2" "$tmp/$1".*.pcap
    rm -f "$tmp/$1".*.pcap
}
replicate week1-monday.pcap "$tmp/real.pcap"
replicate week1-tuesday.pcap "$tmp/synth.pcap"
echo "packets: real $(capinfos -c -M "$tmp/real.pcap" | awk '/Number of packets/ {print $NF}')," \
     "synthetic $(capinfos -c -M "$tmp/synth.pcap" | awk '/Number of packets/ {print $NF}')"

# Wall clock and CPU time (on a busy machine the CPU time is the fairer number).
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time.txt" \
    "$build/necstgen" compare "$tmp/real.pcap" "$tmp/synth.pcap" --json "$tmp/m.json" \
    --html "$tmp/r.html" > "$tmp/table.txt"
head -12 "$tmp/table.txt"
read -r wall user sys rss < "$tmp/time.txt"
echo "compare seconds: wall $wall (goal < 10), cpu user $user + sys $sys, max RSS ${rss} kB"
