#!/bin/sh
# Sets everything up and runs the whole test suite: the -Werror build and
# ctest, the same under ASan+UBSan, cxscan on its own tree, and a bounded
# run of every fuzz target over its corpus.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
jobs=$(nproc)

echo "== build (-Wall -Wextra -Werror) and ctest"
cmake -S . -B build -G Ninja -DCX_WERROR=ON >/dev/null
ninja -C build
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== ASan+UBSan build and ctest"
cmake -S . -B build-asan -G Ninja -DCX_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== cxscan on its own tree, gated at its default thresholds (fails on an error)"
build/cxscan --top 10 -p build --exclude 'tests/golden' --exclude 'tests/fuzz/corpus' \
	--sarif=build/cxscan-self.sarif .

if [ -f tests/fuzz/CMakeLists.txt ]; then
	echo "== fuzz targets, bounded runs over their corpora"
	CC=clang-14 cmake -S . -B build-fuzz -G Ninja -DCX_FUZZ=ON -DCX_TESTS=OFF \
		-DCX_SANITIZE=ON >/dev/null
	ninja -C build-fuzz
	sh tests/fuzz/run-smoke.sh build-fuzz
fi
