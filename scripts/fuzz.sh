#!/bin/sh
# fuzz.sh — build and run the libFuzzer harnesses in fuzz/, then replay the regressions.
#
#   scripts/fuzz.sh [SECONDS]       fuzz each harness for SECONDS (default 60), one at a
#                                   time, at nice 19; then replay seeds + regressions
#   scripts/fuzz.sh --replay        only replay fuzz/seeds and fuzz/regressions (for CI:
#                                   every committed input once, no fuzzing; seconds)
#   scripts/fuzz.sh --build         only build
#   scripts/fuzz.sh --seeds         rebuild fuzz/seeds/capture (fuzz/make_seeds.py, needs
#                                   ../shared/data and editcap) and the model-file seeds
#                                   (fuzz/make_model_seeds.c: a tiny model trained here)
#   FUZZ_ONLY=extract scripts/fuzz.sh 30    one harness
#
# Needs clang with libFuzzer. Builds the libraries in build-fuzz/ (CMake, clang,
# -DNG_SANITIZE=ON plus -fsanitize=fuzzer-no-link for coverage), then links each
# fuzz/fuzz_<name>.c with -fsanitize=fuzzer,address,undefined. The growing corpus
# lives in build-fuzz/corpus/<name>/ (not committed); crashes go to
# build-fuzz/artifacts/<name>/ — turn each into a file in fuzz/regressions/<name>/
# once the bug is fixed. Exit status: non-zero if any harness crashed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
harnesses="${FUZZ_ONLY:-extract summary model_file train_config}"
mode=fuzz
seconds=60
case "${1:-}" in
    --replay) mode=replay ;;
    --build) mode=build ;;
    --seeds) mode=seeds ;;
    "") ;;
    *) seconds=$1 ;;
esac

seeds_of() {
    case "$1" in
        extract|summary) echo "$root/fuzz/seeds/capture" ;;
        *) echo "$root/fuzz/seeds/$1" ;;
    esac
}

build_libs() {
    if [ ! -f "$build/build.ninja" ]; then
        mkdir -p "$build"
        (cd "$build" && CC=clang cmake -G Ninja "$root" -DNG_SANITIZE=ON -DNG_TESTS=OFF \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null)
    fi
    nice -n 19 ninja -C "$build" ng_features ng_model ng_report >"$build/libs.log" 2>&1 || {
        tail -20 "$build/libs.log"
        return 1
    }
}

build_harness() {
    name=$1
    libs="ng_report ng_model ng_stats ng_nn ng_features ng_flow ng_capture ng_core"
    objs=""
    for l in $libs; do
        [ -f "$build/lib$l.a" ] && objs="$objs $build/lib$l.a"
    done
    # shellcheck disable=SC2086
    nice -n 19 clang -std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -I"$root/src" -I"$root/include" -I"$root/fuzz" \
        "$root/fuzz/fuzz_$name.c" "$root/fuzz/fuzz_common.c" $objs \
        $(pkg-config --libs libpcap jansson openblas) -lm -o "$build/fuzz_$name"
}

# Every committed input once; a crash fails. libFuzzer runs each file given by name.
replay() {
    name=$1
    files=$(find "$(seeds_of "$name")" "$root/fuzz/regressions/$name" -type f ! -name README.md \
            2>/dev/null | sort)
    [ -n "$files" ] || return 0
    n=$(echo "$files" | wc -l)
    # shellcheck disable=SC2086
    if "$build/fuzz_$name" -runs=1 -timeout=20 -rss_limit_mb=2048 $files >"$build/replay_$name.log" 2>&1; then
        echo "replay $name: $n inputs ok"
    else
        echo "replay $name: FAILED (see $build/replay_$name.log)"
        tail -30 "$build/replay_$name.log"
        return 1
    fi
}

fuzz() {
    name=$1
    corpus="$build/corpus/$name"
    art="$build/artifacts/$name"
    mkdir -p "$corpus" "$art"
    dict=""
    [ -f "$root/fuzz/$name.dict" ] && dict="-dict=$root/fuzz/$name.dict"
    echo "fuzz $name for ${seconds}s"
    # shellcheck disable=SC2086
    nice -n 19 "$build/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$art/" $dict \
        "$corpus" "$(seeds_of "$name")" >"$build/fuzz_$name.log" 2>&1 || {
        echo "fuzz $name: CRASH (see $build/fuzz_$name.log, inputs in $art/)"
        grep -m3 -E "ERROR|SUMMARY|runtime error" "$build/fuzz_$name.log" || true
        return 1
    }
    grep -E "^#[0-9]+.*(DONE|pulse)" "$build/fuzz_$name.log" | tail -1
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz_$name.log" || true
}

make_seeds() {
    (cd "$root" && python3 fuzz/make_seeds.py) || return 1
    libs=""
    for l in ng_model ng_stats ng_nn ng_features ng_flow ng_capture ng_core; do
        libs="$libs $build/lib$l.a"
    done
    # shellcheck disable=SC2086
    clang -std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fsanitize=address,undefined \
        -I"$root/src" -I"$root/include" "$root/fuzz/make_model_seeds.c" $libs \
        $(pkg-config --libs libpcap jansson openblas) -lm -o "$build/make_model_seeds" || return 1
    s="$root/fuzz/seeds/capture"
    "$build/make_model_seeds" "$root/fuzz/seeds/model_file" "$s/real-tls-subjectaltname.pcap" \
        "$s/real-DnsPackets.pcap" "$s/real-modbusBig.pcap" "$root/tests/data/tiny.pcap" 2>/dev/null
}

build_libs
if [ "$mode" = seeds ]; then
    make_seeds
    exit $?
fi
for h in $harnesses; do build_harness "$h"; done
[ "$mode" = build ] && exit 0
status=0
if [ "$mode" = fuzz ]; then
    for h in $harnesses; do fuzz "$h" || status=1; done
fi
for h in $harnesses; do replay "$h" || status=1; done
exit $status
