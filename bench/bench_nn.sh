#!/bin/sh
# bench_nn.sh — build Release, time one training epoch of the reference packet VAE
# (100k rows, batch 32) and of an LSTM (10k sequences of 32 steps, batch 64, hidden 64)
# in necstgen and in PyTorch (same architectures, batches and data sizes, one thread
# each), print both and the speed-ups.   Usage: bench/bench_nn.sh [epochs]
#   BUILD=<dir>   build folder (default build-release)
#   SOURCE=<dir>  source tree to configure (default: this checkout)
#   PYTHON=<exe>  interpreter with torch (default /usr/bin/python3, Debian's python3-torch)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${SOURCE:-$here}
build=${BUILD:-$here/build-release}
python=${PYTHON:-/usr/bin/python3}
epochs=${1:-5}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNG_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_nn >/dev/null

c_out=$("$build/bench_nn" all "$epochs")
py_out=$("$python" "$here/bench/bench_nn_torch.py" all "$epochs")
echo "necstgen:"
echo "$c_out" | sed 's/^/  /'
echo "pytorch $("$python" -c 'import torch; print(torch.__version__)'):"
echo "$py_out" | sed 's/^/  /'
# Lines read "<net> <cpu> s/epoch cpu <wall> s/epoch wall (...)".
for net in vae lstm; do
    c=$(echo "$c_out" | awk -v n=$net '$1 == n {print $2, $5}')
    p=$(echo "$py_out" | awk -v n=$net '$1 == n {print $2, $5}')
    echo "$c $p" | awk -v n=$net \
        '{ printf "%s speed-up over pytorch: %.2fx CPU, %.2fx wall\n", n, $3 / $1, $4 / $2 }'
done
