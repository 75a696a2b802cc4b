#!/bin/sh
# make-default-model.sh [BIN] — retrain models/default.ngm from the bundled demo capture.
#
# The default model is what `necstgen generate` uses without -m (it is built into the
# binary). Same capture, seed and build give a byte-identical file, so re-running this
# script changes nothing unless the code or the settings changed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/necstgen}
"$bin" train "$here/data/demo.pcap" --seed 1 -o "$here/models/default.ngm"
echo "wrote $here/models/default.ngm (rebuild to embed it: make)"
