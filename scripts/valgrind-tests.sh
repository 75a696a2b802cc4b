#!/bin/sh
# valgrind-tests.sh — run the test executables under valgrind memcheck.
#
#   scripts/valgrind-tests.sh [--quick] [BUILD_DIR] [PATTERN]
#
# BUILD_DIR (default build-valgrind/, configured and built here when missing) must be a
# build WITHOUT sanitizers: valgrind and ASan do not mix. Each tests/<module>/test_*.c
# executable runs as ctest would (same environment), under
#   valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
# Child processes are traced through the shell (tests that run the necstgen binary check
# the CLI too); common utilities (rm, cat, tshark, ...) are not. PATTERN (shell globs on
# the test name, space-separated, quoted as one argument) picks a subset. --quick skips the tests that train networks (50-100x
# slower under valgrind: minutes each) — the CI set. VALGRIND_TIMEOUT (seconds, default
# 900) bounds each test. One line per test with its time; exit 1 if any test failed,
# leaked or timed out.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
if [ "${1:-}" = "--quick" ]; then
    quick=1
    shift
fi
build="${1:-$root/build-valgrind}"
pattern="${2:-*}"
limit="${VALGRIND_TIMEOUT:-900}"
# Tests that train or sample the networks: correct under valgrind, but minutes each.
heavy="test_flow_level test_model test_generate test_packet_level test_training
       test_models_gradcheck test_ops_gradcheck"

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    mkdir -p "$build"
    (cd "$build" && cmake -G Ninja "$root" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNG_SANITIZE=OFF \
        >/dev/null) || exit 1
fi
if grep -q "NG_SANITIZE:BOOL=ON" "$build/CMakeCache.txt" 2>/dev/null; then
    echo "valgrind-tests: $build is a sanitizer build; use one without -DNG_SANITIZE=ON" >&2
    exit 2
fi
logdir="$build/valgrind"
mkdir -p "$logdir"
cmake --build "$build" >"$logdir/build.log" 2>&1 || { tail -20 "$logdir/build.log"; exit 1; }

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

skip_children='*/rm,*/cat,*/cmp,*/diff,*/grep,*/wc,*/head,*/tail,*/sort,*/mkdir,*/ls,*/cp'
skip_children="$skip_children,*/mv,*/chmod,*/tshark,*/editcap,*/capinfos,*/python*,*/tcpdump"
status=0
start_all=$(date +%s)
for t in $(find "$build" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort); do
    name=$(basename "$t")
    matches "$name" || continue
    if [ $quick = 1 ] && echo " $heavy " | tr -s ' \n' '  ' | grep -q " $name "; then
        continue
    fi
    rm -f "$logdir/$name".*.log
    start=$(date +%s)
    CMOCKA_MESSAGE_OUTPUT=stdout OPENBLAS_NUM_THREADS=1 nice -n 19 timeout "$limit" \
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            --trace-children=yes --trace-children-skip="$skip_children" \
            --log-file="$logdir/$name.%p.log" "$t" >"$logdir/$name.out" 2>&1
    rc=$?
    case $rc in
        0) result=ok ;;
        124) result=TIMEOUT; status=1 ;;
        *) result=FAILED; status=1 ;;
    esac
    echo "$name: $result ($(( $(date +%s) - start )) s)"
    if [ "$result" = FAILED ]; then
        grep -h -A12 -E "Invalid|uninitialised|definitely lost|FAILED|ERROR SUMMARY: [1-9]" \
            "$logdir/$name".*.log "$logdir/$name.out" 2>/dev/null | head -40
    fi
done
echo "valgrind-tests: total $(( $(date +%s) - start_all )) s; logs in $logdir"
exit $status
