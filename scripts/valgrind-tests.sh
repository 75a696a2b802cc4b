#!/bin/sh
# valgrind-tests.sh — run every test executable under valgrind memcheck.
#
#   scripts/valgrind-tests.sh [BUILD_DIR] [PATTERN]
#
# BUILD_DIR (default build-valgrind/, configured and built here when missing) must be a
# build WITHOUT sanitizers: valgrind and ASan do not mix. Each tests/<module>/test_*.c
# executable runs as ctest would (same environment), under
#   valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
# Child processes (tests that run the necstgen binary) are traced too, so the CLI is
# checked as well. PATTERN (a shell glob on the test name) picks a subset.
# Prints one line per test with its time; exit status 1 if any test failed or leaked.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$root/build-valgrind}"
pattern="${2:-*}"

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    mkdir -p "$build"
    (cd "$build" && cmake -G Ninja "$root" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNG_SANITIZE=OFF \
        >/dev/null) || exit 1
fi
if grep -q "fsanitize" "$build/CMakeCache.txt" 2>/dev/null &&
   grep -q "NG_SANITIZE:BOOL=ON" "$build/CMakeCache.txt"; then
    echo "valgrind-tests: $build is a sanitizer build; use one without -DNG_SANITIZE=ON" >&2
    exit 2
fi
logdir="$build/valgrind"
mkdir -p "$logdir"
cmake --build "$build" >"$logdir/build.log" 2>&1 || { tail -20 "$logdir/build.log"; exit 1; }
supp="$root/scripts/valgrind.supp"
suppopt=""
[ -f "$supp" ] && suppopt="--suppressions=$supp"
status=0
start_all=$(date +%s)
for t in $(find "$build" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort); do
    name=$(basename "$t")
    # shellcheck disable=SC2254
    case "$name" in $pattern) ;; *) continue ;; esac
    start=$(date +%s)
    # shellcheck disable=SC2086
    if CMOCKA_MESSAGE_OUTPUT=stdout OPENBLAS_NUM_THREADS=1 nice -n 19 \
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            --trace-children=yes --trace-children-skip='/bin/*,/usr/bin/*' $suppopt \
            --log-file="$logdir/$name.%p.log" "$t" >"$logdir/$name.out" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    echo "$name: $result ($(( $(date +%s) - start )) s)"
    if [ "$result" = FAILED ]; then
        grep -h -A12 -E "Invalid|uninitialised|definitely lost|FAILED|ERROR SUMMARY: [1-9]" \
            "$logdir/$name".*.log "$logdir/$name.out" 2>/dev/null | head -40
    fi
done
echo "valgrind-tests: total $(( $(date +%s) - start_all )) s; logs in $logdir"
exit $status
