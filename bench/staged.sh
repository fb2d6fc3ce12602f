#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2015  # timing.sh found at run time; A && ok || fail on purpose
# Benchmark of `cxscan --staged` (the index's version of the files, as the
# pre-commit hook scans them) on a git snapshot of cxscan's own tree.
#
# Usage: bench/staged.sh [CXSCAN_BINARY]
#   CXSCAN_BINARY  default: build/cxscan of this tree. It is copied first, with
#                  its analyzer module (WORK/bin/), so a rebuild changes nothing.
# Environment knobs: JOBS=N (cxscan -j, default 2), RUNS=N (timed runs, default
# 5), WORK=DIR (scratch directory, default /tmp/stagedbench; all it writes).
#
# The tree is `git clone` of this repository's HEAD (uncommitted changes of the
# live tree are not in it) in WORK/src, configured with cmake for its compile
# database (not built), scanned like bench/scan.sh's own project (excluding
# build/, tests/golden, tests/fuzz/corpus) with one cache, WORK/cache.sqlite.
# Every run is the hook's command, `--changed-only=staged` (which implies
# --staged) with -q --format=gcc --fail-on=never -o /dev/null, unless said.
# After a plain scan that warms the cache (times: wall seconds around the
# process, median of RUNS, each run checked to be all cache hits):
#   a. clean tree, nothing staged (the git calls find nothing: empty overlay)
#   b. a one-line comment appended to scanner/scan.c and staged (index ==
#      working tree); its first run re-parses that TU alone
#   c. b plus an unstaged comment appended to include/cx_util.h (index !=
#      working tree for the header): two runs first (their re-parse counts are
#      printed), then the timed warm runs
#   c'. (info) `--staged` alone (no --changed-only) in state c, warm
#   d. a plain scan (working tree, no --staged) in state c: first run, then warm
#   e. the hook right after d: its first run re-parses the header's includers
#      (the cache has only the working tree's entries of them); then a plain
#      scan and the hook alternate twice and must re-parse nothing (each kind
#      keeps its own entries: they do not evict each other)
#   git: `git diff --raw -z --no-abbrev --no-renames ...` (cxscan's arguments)
#      and `git cat-file --batch` of its index oids in state c, median of RUNS
# Ratios c/a, b/a, d/a. Correctness in state c: the --staged JSON report (the
# cached one and a --no-cache one) and the gcc findings must equal a --no-cache
# plain scan with the header edit stashed (the index's content), JSON compared
# without summary.elapsed_s and summary.stats. The header comment cannot change
# a finding, so then, for a check that can fail, an unstaged `#error` is added
# to the header and an unstaged complex function to scan.c: --staged --no-cache
# must still equal the index's report, and the working tree's must differ.
# The machine's busy cores in 1 s of sleep before a and after e are shown
# (others' work inflates times). WORK/src is reset to its clean HEAD at the end
# (also on failure); the live tree is only read (git clone).
# Exit status: 0 all checks passed, 1 a check failed, 2 could not run.
set -euo pipefail
export LC_ALL=C

SELF="$(realpath -- "${BASH_SOURCE[0]}")"
HERE="$(dirname "$SELF")"
TREE="$(git -C "$HERE/.." rev-parse --show-toplevel)"
WORK="${WORK:-/tmp/stagedbench}"
JOBS="${JOBS:-2}"
RUNS="${RUNS:-5}"
SRC="$WORK/src" OUT="$WORK/out" CACHE="$WORK/cache.sqlite"
H=include/cx_util.h C=scanner/scan.c

die() { printf 'staged.sh: error: %s\n' "$*" >&2; exit 2; }
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NA" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms()     { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }

# shellcheck source=bench/timing.sh
. "$HERE/timing.sh"

[ $# -le 1 ] || die "usage: bench/staged.sh [CXSCAN_BINARY]"
case ${1:-} in -h|--help) sed -n '3,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
CX_ORIG="${1:-$TREE/build/cxscan}"
[ -x "$CX_ORIG" ] || die "no cxscan binary at $CX_ORIG (build it, or pass its path)"
for t in git cmake ninja python3 /usr/bin/time; do command -v "$t" > /dev/null || die "$t not found"; done
mkdir -p "$WORK/bin" "$OUT"
rm -f "$OUT"/* "$CACHE"
copy_cxscan "$CX_ORIG" "$WORK/bin"
help=$("$CXB" --help 2>&1) || die "$CX_ORIG --help failed: $(printf '%s' "$help" | tail -n 1)"
grep -q -- '--staged' <<< "$help" || die "$CX_ORIG has no --staged (not in its --help)"

# --- the snapshot -------------------------------------------------------------
rm -rf "$SRC"
git clone -q "$TREE" "$SRC" || die "git clone $TREE failed"
cmake -S "$SRC" -B "$SRC/build" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCX_TESTS=OFF \
    > "$OUT/cmake.log" 2>&1 || die "cmake configure failed (log: $OUT/cmake.log)"
cd "$SRC"
git config user.name 'staged bench' && git config user.email 'bench@localhost'  # for git stash
# files written in the index's second are "racily clean": every git diff would
# re-read them (2x its time here); a second later, a refresh writes them clean
sleep 1
git update-index -q --really-refresh
cleanup() { cd "$SRC" 2>/dev/null && { git stash clear; git reset -q --hard HEAD; } || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

OPTS=(--root "$SRC" -p "$SRC/build" --exclude tests/golden --exclude tests/fuzz/corpus --exclude build
      -j"$JOBS" -q --stats)
HOOK=(--cache "$CACHE" --changed-only=staged --format=gcc --fail-on=never -o /dev/null)
PLAIN=(--cache "$CACHE" --format=gcc --fail-on=never -o /dev/null)
BAD=0 BUSY=()
# busy: cores the machine kept busy during 1 s of this script's sleep (other work)
busy() { local b0; b0=$(cpu_busy); sleep 1; BUSY+=("$(awk -v b="$(( $(cpu_busy) - b0 ))" -v hz="$HZ" 'BEGIN { printf "%.2f", b / hz }')"); }

# cx TAG ARGS...: one cxscan run (exit 0 or 1 is fine); sets WALL, TUS, HITS, PARSED.
cx() {
    local tag=$1; shift
    run_timed_in "$OUT" "$tag" "$CXB" "${OPTS[@]}" "$@" .
    [ "$RC" -le 1 ] || die "cxscan $(printf '%q ' "$@")failed (exit $RC): $(tail -n 3 "$OUT/$tag.err")"
    read -r TUS HITS PARSED < <(sed -n 's/^stats: \([0-9]*\) TUs: \([0-9]*\) cache hits, [0-9]* misses, \([0-9]*\) parsed.*/\1 \2 \3/p' \
        "$OUT/$tag.err") || die "no stats line in $OUT/$tag.err"
}
# timed TAG ARGS...: RUNS runs; MED (median wall s), ALL (the times), HIT (OK: all hits)
timed() {
    local tag=$1 i w=(); shift
    HIT=OK
    for ((i = 1; i <= RUNS; i++)); do
        cx "$tag$i" "$@"
        w+=("$WALL")
        [ "$PARSED" = 0 ] && [ "$HITS" = "$TUS" ] || HIT="MISS (run $i: $HITS hits, $PARSED parsed)"
    done
    MED=$(median "${w[@]}") ALL="${w[*]}"
    [ "$HIT" = OK ] || BAD=1
}
line() { printf '   %-58s %10s   %s\n' "$1" "$(ms "$2")" "$3"; }

printf '==> cxscan: %s (%s, sha1 %s), JOBS=%s, RUNS=%s, %s cores, load %s\n' "$CX_ORIG" \
    "$("$CXB" --version | head -n 1)" "$(sha1sum "$CXB" | cut -c1-12)" "$JOBS" "$RUNS" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '==> snapshot: git clone of %s (HEAD %s) in %s\n' "$TREE" "$(git rev-parse --short HEAD)" "$SRC"

cx cold "${PLAIN[@]}"; NTU=$TUS
line "cold plain scan (fills the cache)" "$WALL" "$TUS TUs, $PARSED parsed"
cx warm "${PLAIN[@]}"
[ "$PARSED" = 0 ] || { printf '   warm plain scan parsed %s TUs, expected 0\n' "$PARSED"; BAD=1; }

# a. clean tree, nothing staged
busy
timed a "${HOOK[@]}"; A=$MED HA=$HIT
line "a. hook, clean tree, nothing staged" "$A" "warm: $HIT  runs $ALL"

# b. a comment appended to scan.c and staged
printf '/* cxscan staged bench: staged comment */\n' >> "$C"
git add -- "$C"
cx b0 "${HOOK[@]}"
line "b. $C comment staged: first run" "$WALL" "re-parsed $PARSED, expected 1"
[ "$PARSED" = 1 ] || BAD=1
timed b "${HOOK[@]}"; B=$MED HB=$HIT
line "b. same, warm" "$B" "warm: $HIT  runs $ALL"

# c. plus an unstaged comment appended to the header
printf '\n/* cxscan staged bench: unstaged comment */\n' >> "$H"
cx c0 "${HOOK[@]}"; C0=$PARSED W0=$WALL
cx c1 "${HOOK[@]}"; C1=$PARSED
line "c. + unstaged $H: first run" "$W0" "re-parsed $C0 (index text == the cached one: 0 expected), 2nd run $C1"
timed c "${HOOK[@]}"; CC=$MED HC=$HIT
line "c. same, warm" "$CC" "warm: $HIT  runs $ALL"
timed cs --cache "$CACHE" --staged --format=gcc --fail-on=never -o /dev/null; CS=$MED HCS=$HIT
line "c'. --staged alone (no --changed-only), warm (info)" "$CS" "warm: $HIT  runs $ALL"

# d. plain scan of the working tree in state c
cx d0 "${PLAIN[@]}"; D0=$PARSED
line "d. plain scan (working tree) in state c: first run" "$WALL" "re-parsed $D0 (the header's includers)"
timed d "${PLAIN[@]}"; D=$MED HD=$HIT
line "d. same, warm" "$D" "warm: $HIT  runs $ALL"

# e. the hook right after a plain scan, then the two alternating
cx e0 "${HOOK[@]}"; E0=$PARSED E0W=$WALL
line "e. hook right after d: first run" "$E0W" "re-parsed $E0 (the header's includers, once)"
EALT=0
for k in 1 2; do
    cx "ep$k" "${PLAIN[@]}"; EALT=$((EALT + PARSED))
    cx "eh$k" "${HOOK[@]}"; EALT=$((EALT + PARSED))
done
line "e. then plain, hook, plain, hook" "$WALL" "re-parsed $EALT in all, expected 0 (no eviction)"
[ "$EALT" = 0 ] || BAD=1

busy
# git's part alone in state c
DQ=(diff --raw -z --no-abbrev --no-renames --no-ext-diff --no-textconv --ignore-submodules)
gd=() gc=()
for ((i = 1; i <= RUNS; i++)); do run_timed_in "$OUT" "gitdiff$i" git "${DQ[@]}"; gd+=("$WALL"); done
tr '\0' '\n' < "$OUT/gitdiff1.out" | awk '/^:/ { print $3 }' > "$OUT/oids"
NDIFF=$(wc -l < "$OUT/oids")
for ((i = 1; i <= RUNS; i++)); do run_timed_in "$OUT" "gitcat$i" git cat-file --batch < "$OUT/oids"; gc+=("$WALL"); done
GD=$(median "${gd[@]}") GC=$(median "${gc[@]}")
line "git diff --raw (index vs working tree), state c" "$GD" "$NDIFF differing file(s): $(tr '\0' '\n' < "$OUT/gitdiff1.out" | grep -v '^:' | tr '\n' ' ')"
line "git cat-file --batch of those" "$GC" "$(wc -c < "$OUT/gitcat1.out") bytes"

# --- correctness in state c ---------------------------------------------------
cat > "$OUT/same.py" <<'PY'
import json, sys
def load(p):  # the report less its timings
    d = json.load(open(p)); [d['summary'].pop(k, None) for k in ('elapsed_s', 'stats')]; return d
print(' '.join('same' if load(p) == load(sys.argv[1]) else 'DIFFERENT' for p in sys.argv[2:]))
PY
JF=(--format=json --fail-on=never) GF=(--format=gcc --fail-on=never)
cx v_sc --cache "$CACHE" --staged "${JF[@]}" -o "$OUT/staged_cache.json"
cx v_sn --no-cache --staged "${JF[@]}" -o "$OUT/staged_nocache.json"
cx v_sg --cache "$CACHE" --staged "${GF[@]}" -o "$OUT/staged.gcc"
git stash push -q -- "$H"
cx v_ref --no-cache "${JF[@]}" -o "$OUT/index.json"
cx v_refg --no-cache "${GF[@]}" -o "$OUT/index.gcc"
git stash pop -q
read -r S1 S2 < <(python3 "$OUT/same.py" "$OUT/index.json" "$OUT/staged_cache.json" "$OUT/staged_nocache.json")
cmp -s "$OUT/staged.gcc" "$OUT/index.gcc" && SG=same || SG=DIFFERENT
[ "$S1 $S2 $SG" = "same same same" ] && V1=OK || { V1=FAIL; BAD=1; }
printf '   %-58s %10s   %s: JSON cached %s, JSON --no-cache %s, gcc (%s findings) %s\n' \
    "check: --staged == plain scan of the index's content" "" "$V1" "$S1" "$S2" "$(wc -l < "$OUT/index.gcc")" "$SG"

# a check that can fail: unstaged edits that change the report of the working tree
printf '#error cxscan staged bench: working tree only\n' >> "$H"
printf 'int cxbench_unstaged(int a)\n{\n%s\treturn 0;\n}\n' \
    "$(for k in 1 2 3 4 5 6 7 8 9 10 11 12; do printf '\tif (a == %d)\n\t\treturn %d;\n' "$k" "$k"; done)" >> "$C"
cx v_xs --no-cache --staged "${JF[@]}" -o "$OUT/x_staged.json"
cx v_xc --cache "$CACHE" --staged "${JF[@]}" -o "$OUT/x_staged_cache.json"
cx v_xw --no-cache "${JF[@]}" -o "$OUT/x_worktree.json"
read -r X1 X2 X3 < <(python3 "$OUT/same.py" "$OUT/index.json" "$OUT/x_staged.json" "$OUT/x_staged_cache.json" "$OUT/x_worktree.json")
[ "$X1 $X2 $X3" = "same same DIFFERENT" ] && V2=OK || { V2=FAIL; BAD=1; }
printf '   %-58s %10s   %s: --staged --no-cache %s, cached %s; working tree %s (must differ)\n' \
    "check: + unstaged #error in header, complex fn in scan.c" "" "$V2" "$X1" "$X2" "$X3"
git checkout -q -- "$H" "$C"

# --- summary ------------------------------------------------------------------
cleanup
printf '\n== summary (%s TUs, -j%s, median of %s warm runs, wall; 1 ms resolution) ==\n' "$NTU" "$JOBS" "$RUNS"
printf '   a %s, b %s, c %s, d %s (c\x27 %s); c/a %s, b/a %s, d/a %s; warm runs all hits: %s\n' "$(ms "$A")" \
    "$(ms "$B")" "$(ms "$CC")" "$(ms "$D")" "$(ms "$CS")" "$(ratio "$CC" "$A")" "$(ratio "$B" "$A")" \
    "$(ratio "$D" "$A")" "$( [ "$HA$HB$HC$HCS$HD" = OKOKOKOKOK ] && echo yes || echo NO)"
printf '   state c: first hook run re-parsed %s TUs; git diff --raw %s + cat-file %s (%s of c)\n' "$C0" \
    "$(ms "$GD")" "$(ms "$GC")" "$(awk -v a="$GD" -v b="$GC" -v c="$CC" 'BEGIN { printf "%.0f%%", (c > 0) ? 100 * (a + b) / c : 0 }')"
printf '   hook right after a plain scan in state c: %s TUs re-parsed once (%s), then %s while alternating\n' \
    "$E0" "$(ms "$E0W")" "$EALT"
printf '   correctness: %s (comment edit), %s (#error + function edit)\n' "$V1" "$V2"
printf '   other work: %s and %s cores busy in 1 s before a and after e%s\n' "${BUSY[0]}" "${BUSY[1]}" \
    "$(awk -v a="${BUSY[0]}" -v b="${BUSY[1]}" 'BEGIN { if (a >= 0.15 || b >= 0.15) print ": the machine was busy, times may be inflated" }')"
[ "$BAD" = 0 ] && echo "   result: PASS" || echo "   result: FAIL (see above; files in $OUT)"
exit "$BAD"
