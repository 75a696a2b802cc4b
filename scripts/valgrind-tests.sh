#!/bin/sh
# valgrind-tests.sh — run the test executables under valgrind memcheck.
#
#   scripts/valgrind-tests.sh [--quick] [--small] [-j N] [BUILD_DIR] [PATTERN]
#
# BUILD_DIR (default build-valgrind/, configured and built here when missing) must be a
# build WITHOUT sanitizers: valgrind and ASan do not mix. Each tests/<module>/test_*.c
# executable runs as ctest would (same environment), under
#   valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
# Child processes are traced through the shell (tests that run the necstgen binary check
# the CLI too); common utilities (rm, cat, tshark, ...) are not. PATTERN (shell globs on
# the test name, space-separated, quoted as one argument) picks a subset.
#   --small   sets NG_TEST_SMALL=1: the tests that train or sample networks shrink their
#             data and epochs (tests/test_util.h, ng_test_small) but still run every
#             code path — the whole suite in minutes instead of hours (the CI set)
#   --quick   skips those tests altogether
#   -j N      runs N tests at a time, the slowest first (default 1)
# VALGRIND_TIMEOUT (seconds, default 900) bounds each test. One line per test with its
# wall time and CPU time (the CPU time does not depend on the machine's load); exit 1 if
# any test failed, leaked or timed out.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)

# CPU seconds (user + system) in the output of the builtin `times` (second line: this
# shell's finished children). `times` itself must run in the shell that waited for them,
# not in a $(...) subshell, which has no children.
cpu_seconds() {
    awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
                   printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
    rm -f "$1"
}

# Tests that train or sample the networks: correct under valgrind, but minutes each at
# full size. Listed slowest first, so they start first with -j.
heavy="test_model test_generate test_flow_level test_packet_level test_training
       test_ops_gradcheck test_models_gradcheck"

# One test under valgrind: prints "name: result (N s, CPU M s)", exits non-zero on failure.
# Runs in a child (-j) with the settings passed through the environment.
if [ "${1:-}" = "--run-one" ]; then
    t=$2
    name=$(basename "$t")
    rm -f "$VG_LOGDIR/$name".*.log
    start=$(date +%s)
    CMOCKA_MESSAGE_OUTPUT=stdout OPENBLAS_NUM_THREADS=1 nice -n 19 timeout -k 30 "$VG_LIMIT" \
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            --trace-children=yes --trace-children-skip="$VG_SKIP" \
            --log-file="$VG_LOGDIR/$name.%p.log" "$t" >"$VG_LOGDIR/$name.out" 2>&1
    rc=$?
    case $rc in
        0) result=ok ;;
        124|137) result=TIMEOUT ;; # 137: still alive 30 s after the timeout, killed
        *) result=FAILED ;;
    esac
    times >"$VG_LOGDIR/$name.times"
    cpu=$(cpu_seconds "$VG_LOGDIR/$name.times")
    line="$name: $result ($(( $(date +%s) - start )) s, CPU $cpu s)"
    if [ "$result" = FAILED ]; then
        details=$(grep -h -A12 -E "Invalid|uninitialised|definitely lost|FAILED|ERROR SUMMARY: [1-9]" \
            "$VG_LOGDIR/$name".*.log "$VG_LOGDIR/$name.out" 2>/dev/null | head -40)
        line="$line
$details"
    fi
    echo "$line"
    [ "$result" = ok ]
    exit $?
fi

quick=0
jobs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --small) export NG_TEST_SMALL=1 ;;
        -j) jobs=$2; shift ;;
        -j*) jobs=${1#-j} ;;
        *) break ;;
    esac
    shift
done
build="${1:-$root/build-valgrind}"
pattern="${2:-*}"

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    mkdir -p "$build"
    (cd "$build" && cmake -G Ninja "$root" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNG_SANITIZE=OFF \
        >/dev/null) || exit 1
fi
if grep -q "NG_SANITIZE:BOOL=ON" "$build/CMakeCache.txt" 2>/dev/null; then
    echo "valgrind-tests: $build is a sanitizer build; use one without -DNG_SANITIZE=ON" >&2
    exit 2
fi
VG_LOGDIR="$build/valgrind"
mkdir -p "$VG_LOGDIR"
cmake --build "$build" >"$VG_LOGDIR/build.log" 2>&1 || { tail -20 "$VG_LOGDIR/build.log"; exit 1; }

# Does the test name match one of the globs in PATTERN (space-separated)?
matches() {
    set -f
    for p in $pattern; do
        # shellcheck disable=SC2254
        case "$1" in $p) set +f; return 0 ;; esac
    done
    set +f
    return 1
}

is_heavy() {
    echo " $heavy " | tr -s ' \n' '  ' | grep -q " $1 "
}

# The tests to run, heavy ones first.
selected() {
    all=$(find "$build" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort)
    for h in $heavy; do
        [ $quick = 0 ] && [ -x "$build/$h" ] && matches "$h" && echo "$build/$h"
    done
    for t in $all; do
        name=$(basename "$t")
        matches "$name" && ! is_heavy "$name" && echo "$t"
    done
}

VG_SKIP='*/rm,*/cat,*/cmp,*/diff,*/grep,*/wc,*/head,*/tail,*/sort,*/mkdir,*/ls,*/cp'
VG_SKIP="$VG_SKIP,*/mv,*/chmod,*/tshark,*/editcap,*/capinfos,*/python*,*/tcpdump,*/script"
VG_LIMIT="${VALGRIND_TIMEOUT:-900}"
export VG_LOGDIR VG_SKIP VG_LIMIT
start_all=$(date +%s)
status=0
selected | xargs -P "$jobs" -n 1 "$0" --run-one || status=1
times >"$VG_LOGDIR/total.times"
cpu=$(cpu_seconds "$VG_LOGDIR/total.times")
echo "valgrind-tests: total $(( $(date +%s) - start_all )) s, CPU $cpu s (-j $jobs${NG_TEST_SMALL:+, small mode}); logs in $VG_LOGDIR"
exit $status
