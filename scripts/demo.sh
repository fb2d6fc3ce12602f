#!/bin/sh
# Sets everything up, builds cxscan and runs it on the bundled examples: the
# scan of examples/demo, one function explained, then record + --correlate
# on the fixture project tests/correlate/fixture (built with --coverage in
# a temporary directory).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -G Ninja -DCX_TESTS=OFF >/dev/null
ninja -C build cxscan >/dev/null
build/cxscan examples/demo
build/cxscan --explain src/eval.c:term examples/demo

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo
echo "== record + --correlate on tests/correlate/fixture (CTest + cmocka, --coverage)"
cmake -S tests/correlate/fixture -B "$work/build" -DFIXTURE_COVERAGE=ON >/dev/null
cmake --build "$work/build" >/dev/null
build/cxscan record -q --build-dir "$work/build" --out "$work/gcov"
build/cxscan --correlate "$work/gcov" -p "$work/build" --no-cache tests/correlate/fixture
