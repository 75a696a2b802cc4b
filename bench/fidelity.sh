#!/usr/bin/env bash
# fidelity.sh — the fidelity table of docs/FIDELITY.md: train, generate, compare.
#
# For each capture, two protocols:
#   in-sample       train on the capture, generate as long as it lasts from its start,
#                   compare with it (--train the capture: memorisation);
#   generalisation  train on the first half by packet count (time order), generate as long
#                   as the second half lasts from its start, compare with the second half
#                   (--train the first half); yardstick: the first half compared with the
#                   second half.
# Then bench/fidelity_table.py prints one table (capture x quantity) with pass/fail.
#
# usage: bench/fidelity.sh [OUTDIR] [CAPTURE...]
#   NECSTGEN   binary (default build-fid/necstgen)
#   SEED       seed of train (default 1)
#   GEN_SEEDS  seeds of generate (default "1 2 3"; compare averages the scores over them)
#   TRAIN_ARGS extra arguments of train (e.g. "--config cfg.json" for an experiment)
#   REUSE=1    keep existing models (generate, compare and print the table again)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-fid/fidelity}
shift || true
bin=${NECSTGEN:-$root/build-fid/necstgen}
seed=${SEED:-1}
read -r -a gen_seeds <<<"${GEN_SEEDS:-1 2 3}"
data=$root/../shared/data
mkdir -p "$out"

if [ $# -gt 0 ]; then
    caps=("$@")
else
    caps=(
        "$data/darpa99/week1-monday-http.pcap"
        "$data/darpa99/week1-monday-smtp.pcap"
        "$data/darpa99/week1-monday.pcap"
        "$data/darpa99/week1-tuesday.pcap"
        "$data/darpa99/week1-wednesday.pcap"
        "$data/darpa99/week1-thursday.pcap"
        "$data/darpa99/week1-friday.pcap"
        "$data/captures/k01-mixed-lan-web__pcapplusplus__example.pcap"
        "$data/captures/k02-mobile-app__ndpi__reddit.pcap"
        "$data/captures/k02-mobile-app__ndpi__teams.pcap"
        "$data/captures/k03-iot-setup__ndpi__nest_log_sink.pcap"
        "$data/captures/k04-realtime-udp__ndpi__KakaoTalk_talk.pcap"
        "$data/captures/k04-realtime-udp__ndpi__telegram.pcap"
        "$data/captures/k05-quic__zeek__quic_win11_firefox_google.pcap"
        "$data/captures/k07-ics__zeek__modbusBig.pcap"
    )
fi

# "start duration" of a capture in epoch seconds (earliest to latest timestamp).
span() {
    capinfos -TmQ -S -a -e -u "$1" | tail -1 | tr -d '"' | awk -F, '{print $3, $2}'
}

# Train MODEL from IN (skipped with REUSE=1), then generate GEN_<seed>.pcap over REAL's
# span for every generate seed.
train_generate() {
    local in=$1 model=$2 gen=$3 real=$4
    if [ "${REUSE:-0}" != 1 ] || [ ! -s "$model" ]; then
        "$bin" train "$in" -o "$model" --seed "$seed" ${TRAIN_ARGS:-} 2>"$model.log"
    fi
    read -r start dur < <(span "$real")
    for s in "${gen_seeds[@]}"; do
        "$bin" generate -m "$model" -o "${gen}_$s.pcap" --duration "$dur" --start "$start" \
            --seed "$s" 2>>"$model.log"
    done
}

compare() {
    local real=$1 train=$2 json=$3
    shift 3
    "$bin" compare "$real" "$@" --train "$train" --json "$json" >/dev/null 2>&1 \
        || echo "compare failed: $real $*" >&2
}

for cap in "${caps[@]}"; do
    name=$(basename "${cap%.*}")
    d=$out/$name
    mkdir -p "$d"
    echo "== $name" >&2
    # Time order first (some captures have out-of-order stamps), then halves by count.
    reordercap "$cap" "$d/sorted.pcap" >/dev/null 2>&1 || cp "$cap" "$d/sorted.pcap"
    n=$(capinfos -TmQ -c "$d/sorted.pcap" | tail -1 | tr -d '"' | cut -d, -f2)
    h=$((n / 2))
    editcap -F pcap -r "$d/sorted.pcap" "$d/first.pcap" "1-$h" 2>/dev/null \
        || editcap -r "$d/sorted.pcap" "$d/first.pcap" "1-$h"
    editcap -F pcap -r "$d/sorted.pcap" "$d/second.pcap" "$((h + 1))-$n" 2>/dev/null \
        || editcap -r "$d/sorted.pcap" "$d/second.pcap" "$((h + 1))-$n"

    t0=$(date +%s.%N)
    rm -f "$d"/gen_*.pcap
    train_generate "$cap" "$d/full.ngm" "$d/gen_full" "$cap"
    train_generate "$d/first.pcap" "$d/half.ngm" "$d/gen_half" "$d/second.pcap"
    t1=$(date +%s.%N)
    compare "$cap" "$cap" "$d/insample.json" "$d"/gen_full_*.pcap
    compare "$d/second.pcap" "$d/first.pcap" "$d/general.json" "$d"/gen_half_*.pcap
    compare "$d/second.pcap" "$d/first.pcap" "$d/yardstick.json" "$d/first.pcap"
    printf '   train+generate %.1f s\n' "$(echo "$t1 - $t0" | bc)" >&2
done

python3 "$root/bench/fidelity_table.py" "$out" | tee "$out/table.md"
