#!/bin/sh
# bench_gmm.sh — build Release, time 100 EM iterations of a k=16 full-covariance GMM on
# 100k 4-D points in necstgen and in scikit-learn (same data, one thread each), print
# both and the speed-up.   BUILD=<dir> (default build-release) chooses the build folder.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build-release}
python=${PYTHON:-/usr/bin/python3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNG_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_gmm >/dev/null

data=$(mktemp /tmp/bench_gmm.XXXXXX)
trap 'rm -f "$data"' EXIT
c_out=$("$build/bench_gmm" --dump "$data")
py_out=$("$python" "$here/bench/bench_gmm_sklearn.py" "$data")
echo "$c_out" | grep -v '^seconds'
echo "$py_out" | grep -v '^seconds'
# Speed-up on wall time and on CPU time (the latter is steadier on a busy machine).
c_s=$(echo "$c_out" | awk '/^seconds/ {print $2, $3}')
py_s=$(echo "$py_out" | awk '/^seconds/ {print $2, $3}')
echo "$c_s $py_s" | awk '{ printf "speed-up over scikit-learn: %.2fx wall, %.2fx CPU\n", $3 / $1, $4 / $2 }'
