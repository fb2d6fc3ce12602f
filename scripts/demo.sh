#!/bin/sh
# Sets everything up, builds cxscan and runs it on the bundled example.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -G Ninja -DCX_TESTS=OFF >/dev/null
ninja -C build cxscan >/dev/null
build/cxscan examples/demo
build/cxscan --explain src/eval.c:term examples/demo
