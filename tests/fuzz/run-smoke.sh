#!/bin/sh
# run-smoke.sh BUILD_DIR [RUNS]: a bounded, deterministic run of every fuzz
# target, for CI. Each target runs over a temporary copy of its seed corpus
# (tests/fuzz/corpus/<target>/, plus tests/golden/*.c for fuzz_source;
# both left untouched), then RUNS fresh iterations
# (default 2000; fuzz_source, which parses with libclang each time, does
# 3/20 of them: 300), with -seed=1 and tests/fuzz/fuzz_<target>.dict. A
# crash, leak, timeout or out-of-memory fails the target; its input and log
# are kept and their paths printed. Prints one line per target, then "N passed, M failed";
# exits 1 if any target failed. Nothing here measures speed.
#
# BUILD_DIR is a build of the project configured with
#   CC=clang cmake -S . -B BUILD_DIR -DCX_FUZZ=ON -DCX_TESTS=OFF -DCX_SANITIZE=ON
# Set CX_FUZZ_KEEP=DIR to keep every target's log and artifacts in DIR.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [RUNS]" >&2
	exit 2
fi
build=$1
runs=${2:-2000}
case $runs in
'' | *[!0-9]*)
	echo "$0: RUNS must be a number, not '$runs'" >&2
	exit 2
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
# every fuzz_NAME.c (tests/fuzz/CMakeLists.txt builds them all)
targets=$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | tr '\n' ' ')

work=$(mktemp -d "${TMPDIR:-/tmp}/cxscan-fuzz-smoke.XXXXXX") || exit 2
keep=${CX_FUZZ_KEEP:-}
cleanup() {
	if [ -n "$keep" ]; then
		mkdir -p "$keep" && cp -R "$work"/. "$keep"/
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Leak checking is on by default with ASan; make it explicit, and make UBSan
# reports fatal with a stack (the build already uses -fno-sanitize-recover).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

passed=0
failed=0
for t in $targets; do
	bin=$build/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz_$t: $bin not built"
		failed=$((failed + 1))
		continue
	fi
	n=$runs
	if [ "$t" = source ]; then
		n=$((runs * 3 / 20))
	fi
	corpus=$work/$t/corpus
	art=$work/$t/artifacts
	mkdir -p "$corpus" "$art"
	if [ -d "$here/corpus/$t" ]; then
		cp "$here/corpus/$t"/* "$corpus"/ 2>/dev/null
	fi
	if [ "$t" = source ]; then
		cp "$here/../golden"/*.c "$corpus"/ # the golden corpus seeds it too
	fi
	seeds=$(find "$corpus" -type f | wc -l)
	# -runs counts the seed inputs too (plus libFuzzer's initial empty input)
	total=$((seeds + 1 + n))
	# the targets' own temporary directories go here too: removed even
	# when a crash skips their clean-up
	mkdir -p "$work/$t/tmp"
	log=$work/$t/log
	# inputs of at most 4 KiB, but whole cache files for fuzz_cache (its
	# seeds are SQLite files of several pages)
	maxlen=4096
	if [ "$t" = cache ]; then
		maxlen=65536
	fi
	dict=$here/fuzz_$t.dict
	if [ -f "$dict" ]; then
		set -- -dict="$dict"
	else
		set --
	fi
	TMPDIR=$work/$t/tmp "$bin" -seed=1 -runs="$total" -max_len="$maxlen" -timeout=30 \
		-rss_limit_mb=4096 -artifact_prefix="$art/" -print_final_stats=1 "$@" \
		"$corpus" >"$log" 2>&1
	rc=$?
	cov=$(sed -n 's/.*DONE *\(cov: [0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "PASS fuzz_$t: $seeds seeds + $n runs${cov:+, $cov}"
		passed=$((passed + 1))
	else
		# keep what explains the failure whether or not CX_FUZZ_KEEP is set
		[ -n "$keep" ] || keep=$(mktemp -d "${TMPDIR:-/tmp}/cxscan-fuzz-fail.XXXXXX")
		echo "FAIL fuzz_$t: exit $rc; log and input kept in $keep/$t/"
		grep -E 'ERROR: |invariant failed|SUMMARY:|Test unit written to' "$log" |
			sed 's/^/    /' | head -n 12
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
