#!/usr/bin/env bash
# shellcheck disable=SC2154,SC1090  # ST_* and R_* come from eval and source
# Cache and parallel-scan benchmark of cxscan.
#
# Usage: bench/scan.sh [--quick] [CXSCAN_BINARY]
#   CXSCAN_BINARY  default: build/cxscan of this tree. It is copied first
#                  (WORK/bin/cxscan), so a rebuild during the run changes nothing.
#   --quick        only linux mm/, linux fs/ext4/ and cxscan's own tree
#                  (default: linux kernel/ lib/ mm/ fs/ext4/, sqlite, own tree)
#
# Environment knobs:
#   JOBS=N       cxscan -j and clang parallelism (default 2)
#   PROJECTS=... explicit list of projects: kernel lib mm ext4 sqlite own
#   WORK=DIR     scratch directory (default /tmp/scanbench); everything the
#                benchmark writes goes there, except the prepare scripts'
#                trees and what apt-get installs
#   LINUX=DIR    kernel tree (default /tmp/cxbench/linux, bench/prepare/linux.sh)
#   SQLITE=DIR   sqlite tree (default /tmp/cxbench/sqlite, bench/prepare/sqlite.sh)
#   CLANG=...    clang for the baseline and the include sets (default clang-14)
#   PREPARE=0    do not re-run the prepare scripts (their trees must exist)
#
# Per project, all in one run on the same files (times are wall seconds,
# measured around the process; RSS from /usr/bin/time %M):
#   1. TUs: `cxscan --list-tus` (the files and the exact clang arguments)
#   2. `--parse-only -jN` vs a cold `--no-cache -jN --format=json` scan
#      (target cold/parse-only <= 1.2)
#   3. `clang -fsyntax-only` of the same TUs with the same arguments, run in
#      each TU's directory, N at a time (cold/clang: no target, for reference)
#   4. cold scan into a fresh `--cache`, then warm re-scans with nothing
#      changed: 3 writing the JSON report to a file (checked against the
#      others, and their time for information), then 5 writing it to
#      /dev/null, as cat does (median): warm/cold <= 0.05 with 40+ TUs;
#      warm/cat of the .c/.h files under the scanned subtree (median of 5)
#      <= 1.5 on kernel subtrees; also, for information, cat of every file
#      the TUs read. The report to a file is shown apart because writing it
#      is the file system's work (linux kernel/: 7.5 MB of JSON, about 6 ms
#      for `cat report.json > copy` alone), which cat into /dev/null skips
#   5. `touch` of a header (expect 0 TUs re-parsed), then a comment appended
#      to it (expect exactly its includers, computed with `clang -M` over the
#      same arguments, compared with stats.parsed_files)
#   6. a comment appended to one .c (3 times, a different one each time, with
#      the original restored and re-scanned in between): that TU alone
#      re-parsed, median time <= warm (report to a file, as the edit runs
#      write it) + its own `--parse-only -j1` (median 3, each right after an
#      edit run)
#   7. peak RSS of the cold scans per project, per TU, and a linear trend
#   Every report (--no-cache, cold, warm, after each edit) must have the same
#   "files" as the --no-cache one.
#   Header and .c per project: kernel/ include/linux/seq_file.h kernel/fork.c;
#   lib/ include/linux/slab.h lib/vsprintf.c; mm/ include/linux/swap.h
#   mm/filemap.c; fs/ext4/ fs/ext4/ext4_jbd2.h fs/ext4/inode.c; sqlite
#   src/sqliteInt.h src/where.c; own tree include/cx_util.h scanner/scan.c.
# The CPU time other processes used during the cold runs is measured
# (/proc/stat minus the run's own user+sys); above 0.15 cores the project and
# the summary say the machine was busy: run on an idle machine.
# Edited files (the header, the .c) are restored byte for byte with their
# original mtime, also on failure or interrupt; a backup left by a killed run
# is restored at the next start. cxscan's own tree is scanned as a snapshot
# copy (WORK/src/cxscan, compile database rewritten to it), so the live work
# tree is never edited. Packages installed when missing: time, python3,
# clang-14, git (and, through the prepare scripts, what they need).
#
# Exit status: 0 all projects ran and every check passed, 1 some target or
# check failed, 2 a project could not be run (error message printed).
set -euo pipefail
export LC_ALL=C

SELF="$(realpath -- "${BASH_SOURCE[0]}")"
TREE="$(cd "$(dirname "$SELF")/.." && pwd)"
WORK="${WORK:-/tmp/scanbench}"
JOBS="${JOBS:-2}"
LINUX="${LINUX:-/tmp/cxbench/linux}"
SQLITE="${SQLITE:-/tmp/cxbench/sqlite}"
CLANG="${CLANG:-clang-14}"
PREPARE="${PREPARE:-1}"
MANIFEST="$WORK/restore/manifest"

die() { printf 'scan.sh: error: %s\n' "$*" >&2; exit 2; }

# --- restoring edited files -----------------------------------------------------
# backup_file F: copy F (with its mtime) to WORK/restore once; listed in MANIFEST.
backup_file() {
    local f=$1 b
    b="$WORK/restore/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
    if ! grep -qF -- "$f"$'\t' "$MANIFEST" 2>/dev/null; then
        cp -p -- "$f" "$b"
        printf '%s\t%s\n' "$f" "$b" >> "$MANIFEST"
    fi
}
# restore_file F: put back the bytes and the mtime of F's backup; check both.
restore_file() {
    local f=$1 b
    b=$(awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$MANIFEST" | tail -n 1)
    [ -n "$b" ] && [ -f "$b" ] || { printf 'scan.sh: no backup of %s\n' "$f" >&2; return 1; }
    cmp -s -- "$b" "$f" || cat -- "$b" > "$f"
    touch -r "$b" -- "$f"
    if ! cmp -s -- "$b" "$f" || [ "$(stat -c %y -- "$b")" != "$(stat -c %y -- "$f")" ]; then
        printf 'scan.sh: FAILED to restore %s (backup: %s)\n' "$f" "$b" >&2
        return 1
    fi
}
# restore_all: restore every file of MANIFEST, then drop the backups.
restore_all() {
    [ -s "$MANIFEST" ] || return 0
    local f b bad=0
    while IFS=$'\t' read -r f b; do
        restore_file "$f" || bad=1
    done < "$MANIFEST"
    if [ $bad = 0 ]; then
        while IFS=$'\t' read -r f b; do rm -f -- "$b"; done < "$MANIFEST"
        rm -f -- "$MANIFEST"
    fi
    return $bad
}

# --- small utilities ----------------------------------------------------------
calc()   { awk "BEGIN { printf \"$1\", $2 }"; }           # calc FMT EXPR
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "NA" }'; }
le()     { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "NA" && a + 0 <= b + 0) }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mb()     { calc '%.0f' "$1 / 1024"; }
# verdict VALUE TARGET: PASS/FAIL for VALUE <= TARGET
verdict() { if le "$1" "$2"; then echo PASS; else echo FAIL; fi; }

# shellcheck source=bench/timing.sh
. "$TREE/bench/timing.sh"
# run_timed TAG CMD...: run_timed_in PD (the project's directory).
run_timed() { run_timed_in "$PD" "$@"; }
# busy_note: remember the largest OTHER of the heavy runs (call after one).
MAX_OTHER=0
busy_note() { MAX_OTHER=$(awk -v a="$MAX_OTHER" -v b="$OTHER" 'BEGIN { print (b > a ? b : a) }'); }
# cx_timed TAG ARGS...: cxscan with the project's options; exit 0 or 1 (findings) is fine.
cx_timed() {
    local tag=$1
    shift
    run_timed "$tag" "$CXB" "${CXOPTS[@]}" "$@"
    if [ "$RC" -gt 1 ]; then
        {
            printf 'scan.sh: cxscan failed (exit %s%s) in %s:\n  cd %q && %q' "$RC" \
                "$( [ "$RC" -ge 128 ] && printf ', signal %s' $((RC - 128)) || true)" "$P_ID" "$P_ROOT" "$CX_ORIG"
            printf ' %q' "${CXOPTS[@]}" "$@"
            printf '\n'
            grep -v '^Command ' "$PD/$tag.time" | sed 's/^/  time: /' || true
            tail -n 5 "$PD/$tag.err" | sed 's/^/  stderr: /'
        } >&2
        exit 2
    fi
}
# load_stats JSON TAG: ST_* variables from summary.stats, parsed files in PD/TAG.parsed.
load_stats() {
    local out
    out=$(python3 "$WORK/helper.py" stats "$1" "$PD/$2.parsed") \
        || die "$P_ID: no usable summary.stats in $1 (cxscan --stats --format=json)"
    eval "$out"
}

# phases: one line of the last load_stats (thread seconds for parse/analysis).
phases() {
    printf '      stats: discovery %s, stat+hash %s, lookup %s, parse %s, analysis %s, merge %s, store %s, output %s; wall %s (elapsed %s); files stat'"'"'ed %s, read %s\n' \
        "$ST_discovery_s" "$ST_stat_hash_s" "$ST_lookup_s" "$ST_parse_s" "$ST_analysis_s" "$ST_merge_s" \
        "$ST_store_s" "$ST_output_s" "$ST_wall_s" "$ST_elapsed_s" "$ST_files_stated" "$ST_files_read"
}

# --- the helper program (JSON, compile commands, dependency files) -------------
write_helper() {
    cat > "$WORK/helper.py" <<'PY'
"""Helpers of bench/scan.sh (written out by it on every run)."""
import json, os, shlex, sys

STATS = ('tus', 'hits', 'misses', 'parsed', 'parsed_files', 'wall_s', 'peak_rss_kb',
         'discovery_s', 'stat_hash_s', 'lookup_s', 'parse_s', 'analysis_s', 'store_s', 'output_s')

def load_tus(path):
    tus = []
    for n, line in enumerate(open(path), 1):
        if not line.strip():
            continue
        try:
            t = json.loads(line)
            assert isinstance(t['file'], str) and isinstance(t['directory'], str)
            assert all(isinstance(a, str) for a in t['arguments'])
        except Exception as e:
            sys.exit('--list-tus line %d is not {"file", "directory", "arguments"}: %s' % (n, e))
        tus.append(t)
    return tus

def cmd_scripts(tus_path, outdir, clang, root):
    """Per TU: s_N.sh (clang -fsyntax-only), d_N.sh (clang -M); tus.txt: root-relative files."""
    outdir = os.path.abspath(outdir)
    os.makedirs(outdir, exist_ok=True)
    tus = load_tus(tus_path)
    fail = shlex.quote(os.path.join(outdir, 'fail.txt'))
    with open(os.path.join(outdir, 'tus.txt'), 'w') as files:
        for i, t in enumerate(tus):
            cmd = ' '.join(shlex.quote(a) for a in [clang] + t['arguments'] + [t['file']])
            cd = 'cd %s || exit 1\n' % shlex.quote(t['directory'])
            name = shlex.quote(t['file'])
            with open(os.path.join(outdir, 's_%d.sh' % i), 'w') as fh:
                fh.write(cd + '%s -fsyntax-only >/dev/null 2>&1 || echo %s >> %s\n' % (cmd, name, fail))
            dep = shlex.quote(os.path.join(outdir, 'd_%d.d' % i))
            with open(os.path.join(outdir, 'd_%d.sh' % i), 'w') as fh:
                fh.write(cd + 'rm -f %s; %s -M -MF %s >/dev/null 2>&1 || echo %s >> %s.deps\n'
                         % (dep, cmd, dep, name, fail))
            files.write(os.path.relpath(t['file'], root) + '\n')
    print(len(tus))

def parse_depfile(path, directory):
    text = open(path, errors='replace').read().replace('\\\n', ' ')
    rest = text.split(': ', 1)[1] if ': ' in text else ''
    deps, cur, esc = [], '', False
    for ch in rest:
        if esc:
            cur += ch
            esc = False
        elif ch == '\\':
            esc = True
        elif ch.isspace():
            if cur:
                deps.append(cur)
            cur = ''
        else:
            cur += ch
    if cur:
        deps.append(cur)
    return {os.path.realpath(os.path.join(directory, d)) for d in deps}

def all_deps(tus_path, outdir):
    res = []
    for i, t in enumerate(load_tus(tus_path)):
        p = os.path.join(outdir, 'd_%d.d' % i)
        res.append((t, parse_depfile(p, t['directory']) if os.path.exists(p) else None))
    return res

def cmd_includers(tus_path, outdir, root, header, out, unknown):
    """TUs (root-relative) including HEADER -> OUT; TUs without a dependency list -> UNKNOWN."""
    h = os.path.realpath(header)
    with open(out, 'w') as o, open(unknown, 'w') as u:
        for t, deps in all_deps(tus_path, outdir):
            rel = os.path.relpath(t['file'], root)
            if deps is None:
                u.write(rel + '\n')
            elif h in deps:
                o.write(rel + '\n')

def cmd_depfiles(tus_path, outdir, out):
    """Every file read by some TU (source and headers), NUL-separated -> OUT."""
    s = set()
    for _, deps in all_deps(tus_path, outdir):
        s |= deps or set()
    with open(out, 'w') as o:
        for f in sorted(s):
            if os.path.isfile(f):
                o.write(f + '\0')

def cmd_stats(path, parsed_out):
    """Shell assignments ST_<key> from summary.stats (NA when absent, listed in
    ST_missing); parsed_files -> PARSED_OUT."""
    try:
        summary = json.load(open(path))['summary']
        st = summary['stats']
    except Exception as e:
        sys.exit('%s: no summary.stats (%s)' % (path, e))
    need = [k for k in ('tus', 'hits', 'parsed', 'parsed_files') if k not in st]
    if need:
        sys.exit('%s: summary.stats lacks %s' % (path, ' '.join(need)))
    with open(parsed_out, 'w') as fh:
        for f in st['parsed_files']:
            fh.write(f + '\n')
    print('ST_missing=%s' % shlex.quote(' '.join(k for k in STATS if k not in st)))
    for k in STATS + ('merge_s', 'files_read', 'files_stated'):
        if k != 'parsed_files':
            v = st.get(k, 'NA')
            print('ST_%s=%s' % (k, shlex.quote('%.3f' % v if isinstance(v, float) else str(v))))
    print('ST_elapsed_s=%s' % shlex.quote(str(summary.get('elapsed_s', 'NA'))))

def cmd_same(base, *others):
    """Names of the reports whose "files" differ from BASE's (empty: all the same)."""
    ref = json.load(open(base))['files']
    for o in others:
        if json.load(open(o))['files'] != ref:
            print(os.path.basename(o).rsplit('.', 1)[0])

def cmd_args_of(tus_path, file):
    """The arguments of FILE in a --list-tus output, as JSON."""
    for t in load_tus(tus_path):
        if os.path.realpath(t['file']) == os.path.realpath(file):
            print(json.dumps([t['directory']] + t['arguments']))

def cmd_own_db(src_db, old, new, out):
    """Copy a compile database, moving every path under OLD to NEW."""
    def move(s):
        return new + s[len(old):] if s == old or s.startswith(old + '/') else s.replace(old + '/', new + '/')
    db = []
    for e in json.load(open(src_db)):
        args = e.get('arguments') or shlex.split(e['command'])
        f = dict(directory=move(e['directory']), file=move(e['file']), arguments=[move(a) for a in args])
        if 'output' in e:
            f['output'] = move(e['output'])
        db.append(f)
    with open(out, 'w') as fh:
        json.dump(db, fh, indent=1)

if __name__ == '__main__':
    globals()['cmd_' + sys.argv[1]](*sys.argv[2:])
PY
}

# --- projects -----------------------------------------------------------------
# project_def ID: P_LABEL P_ROOT P_DB P_PATH P_EXTRA P_HEADER P_CFILE P_CAT_DIR
# P_CAT_PRUNE P_CAT_DESC. The header is included by many, not all, TUs
# (counts checked by the run); the .c is a mid-sized TU.
project_def() {
    P_ID=$1 P_EXTRA=() P_CAT_PRUNE=()
    case $1 in
    kernel|lib|mm|ext4)
        P_ROOT=$LINUX P_DB=$LINUX
        case $1 in
        kernel) P_PATH=kernel  P_HEADER=include/linux/seq_file.h P_CFILE=kernel/fork.c ;;
        lib)    P_PATH=lib     P_HEADER=include/linux/slab.h     P_CFILE=lib/vsprintf.c ;;
        mm)     P_PATH=mm      P_HEADER=include/linux/swap.h     P_CFILE=mm/filemap.c ;;
        ext4)   P_PATH=fs/ext4 P_HEADER=fs/ext4/ext4_jbd2.h      P_CFILE=fs/ext4/inode.c ;;
        esac
        P_LABEL="linux $P_PATH/" P_CAT_DIR=$P_PATH P_CAT_DESC="the .c/.h under $P_PATH/" ;;
    sqlite)
        P_ROOT="$(cat "$SQLITE/.cxbench/srcdir" 2>/dev/null || true)"
        [ -n "$P_ROOT" ] || P_ROOT="$(find "$SQLITE" -mindepth 1 -maxdepth 1 -type d -name 'sqlite3-*' | sort -V | tail -n 1)"
        P_DB=$SQLITE P_PATH=. P_HEADER=src/sqliteInt.h P_CFILE=src/where.c
        P_LABEL="sqlite $(basename "$P_ROOT" | sed 's/^sqlite3-//')"
        P_CAT_DIR=. P_CAT_DESC="the .c/.h under $(basename "$P_ROOT")/" ;;
    own)
        P_ROOT="$WORK/src/cxscan" P_DB="$WORK/src/cxscan/build" P_PATH=.
        # build/ holds generated sources (rules_data.c), not built by the bench
        P_EXTRA=(--exclude tests/golden --exclude tests/fuzz/corpus --exclude build)
        P_HEADER=include/cx_util.h P_CFILE=scanner/scan.c P_LABEL="cxscan (own)"
        P_CAT_DIR=. P_CAT_PRUNE=(-path ./tests/golden -o -path ./tests/fuzz/corpus -o)
        P_CAT_DESC="the .c/.h of the tree less tests/golden, tests/fuzz/corpus" ;;
    *) die "unknown project '$1' (kernel lib mm ext4 sqlite own)" ;;
    esac
}

# Snapshot of cxscan's own tree (git's files, uncommitted changes included)
# with the build's compile database moved to it.
snapshot_own() {
    local src=$TREE dst="$WORK/src/cxscan"
    [ -f "$src/build/compile_commands.json" ] \
        || die "own tree: no $src/build/compile_commands.json (configure the build with CMAKE_EXPORT_COMPILE_COMMANDS)"
    rm -rf "$dst"
    mkdir -p "$dst/build"
    if git -C "$src" rev-parse --git-dir > /dev/null 2>&1; then
        (cd "$src" && git ls-files -z -co --exclude-standard | xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh \
            | tar --null -T - -cf -) | tar -xf - -C "$dst"
    else
        (cd "$src" && tar --exclude='./build*' --exclude=./.git --exclude=./.cache -cf - .) | tar -xf - -C "$dst"
    fi
    python3 "$WORK/helper.py" own_db "$src/build/compile_commands.json" "$src" "$dst" "$dst/build/compile_commands.json"
}

# --- one project (run as a child process: bench/scan.sh --one ID) ------------
one_project() {
    project_def "$1"
    PD="$WORK/$P_ID"
    local cache="$PD/cache.sqlite" T H C n_inc n_unk
    rm -rf "$PD"
    mkdir -p "$PD"
    trap 'restore_all' EXIT
    trap 'exit 130' INT TERM
    [ -d "$P_ROOT" ] || die "$P_ID: no tree $P_ROOT"
    cd "$P_ROOT"
    CXOPTS=(--root "$P_ROOT" -p "$P_DB" -q "${P_EXTRA[@]}")
    H="$P_ROOT/$P_HEADER" C="$P_ROOT/$P_CFILE"
    [ -f "$H" ] || die "$P_ID: header $H not found"
    [ -f "$C" ] || die "$P_ID: source $C not found"
    res() { printf 'R_%s=%q\n' "$1" "$2" >> "$PD/result.env"; }
    res label "$P_LABEL"

    # 1. TUs and their arguments
    cx_timed list --list-tus "$P_PATH"
    cp "$PD/list.out" "$PD/tus.jsonl"
    T=$(python3 "$WORK/helper.py" scripts "$PD/tus.jsonl" "$PD/tu" "$CLANG" "$P_ROOT") \
        || die "$P_ID: cannot read the --list-tus output ($PD/tus.jsonl)"
    [ "$T" -gt 0 ] || die "$P_ID: --list-tus lists no TU"
    grep -qxF -- "$P_CFILE" "$PD/tu/tus.txt" || die "$P_ID: $P_CFILE is not one of the TUs"
    res tus "$T"
    printf '\n== %s: %d TUs (root %s, path %s) ==\n' "$P_LABEL" "$T" "$P_ROOT" "$P_PATH"

    # include sets with clang -M over the same arguments (untimed; warms the page cache)
    find "$PD/tu" -name 'd_*.sh' -print0 | xargs -0 -r -n 1 -P "$JOBS" sh
    python3 "$WORK/helper.py" includers "$PD/tus.jsonl" "$PD/tu" "$P_ROOT" "$H" "$PD/includers.txt" "$PD/nodeps.txt"
    sort -o "$PD/includers.txt" "$PD/includers.txt"
    n_inc=$(wc -l < "$PD/includers.txt") n_unk=$(wc -l < "$PD/nodeps.txt")
    [ "$n_unk" = 0 ] || printf '   note: clang -M failed for %d TUs (%s): includer set incomplete\n' "$n_unk" "$PD/nodeps.txt"
    [ "$n_inc" -gt 0 ] && [ "$n_inc" -lt "$T" ] \
        || printf '   note: %s is included by %d of %d TUs (want many but not all)\n' "$P_HEADER" "$n_inc" "$T"

    # 2. parse-only vs cold scan without cache
    local po cold0 rss0 clangt cold rss warm
    CXOPTS=("${CXOPTS[@]:0:4}" "${P_EXTRA[@]}")   # without -q: --parse-only prints its summary
    cx_timed parse --parse-only -j"$JOBS" "$P_PATH"; po=$WALL; busy_note
    CXOPTS=(--root "$P_ROOT" -p "$P_DB" -q "${P_EXTRA[@]}")
    printf '   %-40s %8.2f s   "%s"\n' "parse-only -j$JOBS" "$po" "$(grep -o 'parsed [0-9].*' "$PD/parse.err" | tail -n 1 | cut -c1-70)"
    cx_timed cold0 --no-cache -j"$JOBS" --stats --format=json -o "$PD/cold0.json" "$P_PATH"
    cold0=$WALL rss0=$RSS
    busy_note
    load_stats "$PD/cold0.json" cold0
    [ -z "$ST_missing" ] || printf '   note: summary.stats lacks %s (printed as NA)\n' "$ST_missing"
    res po "$po"; res cold0 "$cold0"; res rss0 "$rss0"; res r_po "$(ratio "$cold0" "$po")"
    printf '   %-40s %8.2f s   cold/parse-only %s (target <= 1.2)  RSS %s MB  parsed %s\n' \
        "cold --no-cache -j$JOBS" "$cold0" "$(ratio "$cold0" "$po")" "$(mb "$rss0")" "$ST_parsed"

    # 3. clang -fsyntax-only of the same TUs
    rm -f "$PD/tu/fail.txt"
    run_timed clang sh -c 'find "$1" -name "s_*.sh" -print0 | xargs -0 -r -n 1 -P "$2" sh' sh "$PD/tu" "$JOBS"
    clangt=$WALL
    busy_note
    local cfail=0
    [ -f "$PD/tu/fail.txt" ] && cfail=$(wc -l < "$PD/tu/fail.txt")
    res clang "$clangt"; res r_clang "$(ratio "$cold0" "$clangt")"; res clang_fail "$cfail"
    printf '   %-40s %8.2f s   cold/clang %s  (%d TUs with clang errors%s)\n' \
        "$CLANG -fsyntax-only, $JOBS at a time" "$clangt" "$(ratio "$cold0" "$clangt")" "$cfail" \
        "$( [ "$cfail" = 0 ] || printf ': %s' "$PD/tu/fail.txt")"

    # 4. cold with a fresh cache, warm re-scans, cat
    rm -f "$cache"
    cx_timed cold --cache "$cache" -j"$JOBS" --stats --format=json -o "$PD/cold.json" "$P_PATH"
    cold=$WALL rss=$RSS
    busy_note
    load_stats "$PD/cold.json" cold
    res cold "$cold"; res rss "$rss"; res rss_stats "$ST_peak_rss_kb"
    printf '   %-40s %8.2f s   RSS %s MB (stats %s MB)  parsed %s  cache %s MB\n' \
        "cold, fresh --cache, -j$JOBS" "$cold" "$(mb "$rss")" "$(mb "$ST_peak_rss_kb")" "$ST_parsed" \
        "$(calc '%.1f' "$(stat -c %s "$cache" 2>/dev/null || echo 0) / 1048576")"
    phases
    local i ws=() wf=() hits_ok=1 warmf
    for i in 1 2 3; do
        cx_timed "warm$i" --cache "$cache" -j"$JOBS" --stats --format=json -o "$PD/warm$i.json" "$P_PATH"
        wf+=("$WALL")
        load_stats "$PD/warm$i.json" "warm$i"
        [ "$ST_parsed" = 0 ] && [ "$ST_hits" = "$T" ] || hits_ok=0
    done
    warmf=$(median "${wf[@]}")
    for i in 1 2 3 4 5; do
        cx_timed "warmnull$i" --cache "$cache" -j"$JOBS" --format=json -o /dev/null "$P_PATH"
        ws+=("$WALL")
    done
    warm=$(median "${ws[@]}")
    res warm "$warm"; res warm_file "$warmf"; res r_warm "$(ratio "$warm" "$cold")"; res warm_hits_ok "$hits_ok"
    printf '   %-40s %8.3f s   warm/cold %s (target <= 0.05 with 40+ TUs)  runs %s  hits %s/%s parsed %s%s\n' \
        "warm, nothing changed, to /dev/null (median 5)" "$warm" "$(ratio "$warm" "$cold")" "${ws[*]}" "$ST_hits" "$T" \
        "$ST_parsed" "$( [ $hits_ok = 1 ] || echo '  MISMATCH: expected all hits, 0 parsed')"
    printf '   %-40s %8.3f s   runs %s, report %s MB\n' "warm, the JSON report to a file (median 3)" "$warmf" \
        "${wf[*]}" "$(calc '%.1f' "$(stat -c %s "$PD/warm1.json") / 1048576")"
    phases

    (cd "$P_ROOT/$P_CAT_DIR" && find . "${P_CAT_PRUNE[@]}" -name .git -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print0) \
        > "$PD/catset"
    local ncat catmb cs=() catt dcs=() dcat ndep depmb
    ncat=$(tr -cd '\0' < "$PD/catset" | wc -c)
    catmb=$(cd "$P_ROOT/$P_CAT_DIR" && xargs -0 -r cat < "$PD/catset" | wc -c)
    for i in 1 2 3 4 5; do
        run_timed "cat$i" sh -c 'cd "$1" && xargs -0 -r cat < "$2" > /dev/null' sh "$P_ROOT/$P_CAT_DIR" "$PD/catset"
        cs+=("$WALL")
    done
    catt=$(median "${cs[@]}")
    res cat "$catt"; res r_cat "$(ratio "$warm" "$catt")"; res r_catf "$(ratio "$warmf" "$catt")"; res ncat "$ncat"
    printf '   %-40s %8.3f s   warm/cat %s (target <= 1.5 on kernel subtrees; with the report to a file %s)  %s\n' \
        "cat $ncat files, $(calc '%.1f' "$catmb / 1048576") MB (median 5)" "$catt" "$(ratio "$warm" "$catt")" \
        "$(ratio "$warmf" "$catt")" "$P_CAT_DESC"
    python3 "$WORK/helper.py" depfiles "$PD/tus.jsonl" "$PD/tu" "$PD/depset"
    ndep=$(tr -cd '\0' < "$PD/depset" | wc -c)
    depmb=$(xargs -0 -r cat < "$PD/depset" | wc -c)
    for i in 1 2 3; do
        run_timed "dcat$i" sh -c 'xargs -0 -r cat < "$1" > /dev/null' sh "$PD/depset"
        dcs+=("$WALL")
    done
    dcat=$(median "${dcs[@]}")
    res dcat "$dcat"
    printf '   %-40s %8.3f s   warm/cat %s (info: every file the TUs read, clang -M)\n' \
        "cat $ndep files, $(calc '%.1f' "$depmb / 1048576") MB (median 3)" "$dcat" "$(ratio "$warm" "$dcat")"

    # 5. header: touch, then append a comment
    local tp ap cmpres
    backup_file "$H"
    touch -- "$H"
    cx_timed touch --cache "$cache" -j"$JOBS" --stats --format=json -o "$PD/touch.json" "$P_PATH"
    load_stats "$PD/touch.json" touch
    restore_file "$H"
    tp=$ST_parsed
    res touch "$tp"
    printf '   %-40s %8.3f s   re-parsed %s, expected 0: %s\n' "touch $P_HEADER" "$WALL" "$tp" \
        "$( [ "$tp" = 0 ] && echo OK || echo MISMATCH)"

    printf '\n/* cxscan bench: appended comment */\n' >> "$H"
    cx_timed append --cache "$cache" -j"$JOBS" --stats --format=json -o "$PD/append.json" "$P_PATH"
    load_stats "$PD/append.json" append
    restore_file "$H"
    sort -o "$PD/append.parsed" "$PD/append.parsed"
    ap=$ST_parsed
    if cmp -s "$PD/append.parsed" "$PD/includers.txt" && [ "$ap" = "$n_inc" ]; then cmpres=OK; else cmpres=MISMATCH; fi
    res append "$ap"; res includers "$n_inc"; res append_ok "$cmpres"
    printf '   %-40s %8.2f s   re-parsed %s, includers (clang -M) %s of %s TUs: %s\n' \
        "append a comment to $P_HEADER" "$WALL" "$ap" "$n_inc" "$T" "$cmpres"
    if [ $cmpres = MISMATCH ]; then
        printf '      parsed but not an includer: %s\n' \
            "$(comm -23 "$PD/append.parsed" "$PD/includers.txt" | head -n 5 | tr '\n' ' ')"
        printf '      includer but not parsed:    %s\n' \
            "$(comm -13 "$PD/append.parsed" "$PD/includers.txt" | head -n 5 | tr '\n' ' ')"
        printf '      (lists: %s %s)\n' "$PD/append.parsed" "$PD/includers.txt"
    fi
    cx_timed rewarm --cache "$cache" -j"$JOBS" --stats --format=json -o "$PD/rewarm.json" "$P_PATH"
    load_stats "$PD/rewarm.json" rewarm
    printf '   %-40s %8.2f s   re-parsed %s (info: header back to its original bytes and mtime)\n' \
        "re-scan after the restore" "$WALL" "$ST_parsed"

    # 6. one .c: append a comment (a different one each time), re-scan, restore,
    #    re-scan untimed; median of 3
    local ep ecp es=() ctu=() ctut sum ep_ok=OK
    backup_file "$C"
    for i in 1 2 3; do
        printf '\n/* cxscan bench: appended comment %d */\n' "$i" >> "$C"
        cx_timed "edit$i" --cache "$cache" -j"$JOBS" --stats --format=json -o "$PD/edit$i.json" "$P_PATH"
        es+=("$WALL")
        load_stats "$PD/edit$i.json" "edit$i"
        restore_file "$C"
        [ "$ST_parsed" = 1 ] && [ "$(cat "$PD/edit$i.parsed")" = "$P_CFILE" ] || ep_ok=MISMATCH
        [ $i = 1 ] && ep=$ST_parsed && cp "$PD/edit1.parsed" "$PD/edit.parsed"
        [ "$ST_parsed" = "$ep" ] || ep="$ep,$ST_parsed"
        cx_timed "unedit$i" --cache "$cache" -j"$JOBS" -o /dev/null "$P_PATH"
        # right after each edit run, so both see the same machine state
        cx_timed "tu$i" --parse-only -j1 "$P_CFILE"
        ctu+=("$WALL")
    done
    ecp=$(median "${es[@]}")
    ctut=$(median "${ctu[@]}")
    # the edit runs write the report to a file: the warm runs that do too
    sum=$(calc '%.3f' "$warmf + $ctut")
    res edit "$ecp"; res edit_parsed "$ep"; res edit_ok "$ep_ok"; res edit_sum "$sum"
    printf '   %-40s %8.3f s   re-parsed %s (%s), expected 1: %s; time <= warm to a file %s + its parse-only -j1 %s = %s: %s  runs %s / %s\n' \
        "append to $P_CFILE (median 3)" "$ecp" "$ep" "$(tr '\n' ' ' < "$PD/edit.parsed" | cut -c1-60 | sed 's/ $//')" "$ep_ok" \
        "$warmf" "$ctut" "$sum" "$(verdict "$ecp" "$sum")" "${es[*]}" "${ctu[*]}"
    # the TU named alone must get the same arguments as in the whole scan
    cx_timed list1 --list-tus "$P_CFILE"
    if [ "$(python3 "$WORK/helper.py" args_of "$PD/tus.jsonl" "$C")" != "$(python3 "$WORK/helper.py" args_of "$PD/list1.out" "$C")" ]; then
        printf '   note: --list-tus %s gives other arguments than in the scan of %s\n' "$P_CFILE" "$P_PATH"
    fi

    # every report the same as the --no-cache one
    local diff
    diff=$(python3 "$WORK/helper.py" same "$PD/cold0.json" "$PD/cold.json" "$PD/warm1.json" "$PD/warm2.json" \
        "$PD/warm3.json" "$PD/touch.json" "$PD/append.json" "$PD/rewarm.json" "$PD/edit1.json" "$PD/edit2.json" \
        "$PD/edit3.json" | tr '\n' ' ')
    res reports "$( [ -z "$diff" ] && echo OK || echo MISMATCH)"
    printf '   %-40s %8s   %s\n' "reports vs --no-cache (11 scans)" "" \
        "$( [ -z "$diff" ] && echo 'same files and functions: OK' || echo "MISMATCH: $diff(files in $PD)")"
    res other "$MAX_OTHER"
    if le 0.15 "$MAX_OTHER"; then
        printf '   note: the machine was busy: other processes used up to %s cores during the cold runs\n' "$MAX_OTHER"
    fi
    restore_all
    res finished 1
}

# --- summary ------------------------------------------------------------------
summary() {
    local id f fails=0 errors=0
    local fmt='%-15s %4s  %-11s %-10s %-13s %-13s %-6s %-12s %-7s %-15s %s\n'
    printf '\n== summary (JOBS=%s, %s) ==\n' "$JOBS" "$("$CXB" --version 2>/dev/null | head -n 1)"
    printf "$fmt" project TUs 'cold/parse' 'cold/clang' 'warm/cold' 'warm/cat' touch append 'edit' 'edit time' result
    printf "$fmt" '' '' '<=1.2' '' '<=0.05 (40+)' '<=1.5 (kern)' '=0' '=includers' '=1 TU' '<=warm+TU' ''
    for id in "${SELECTED[@]}"; do
        f="$WORK/$id/result.env"
        if [ ! -f "$f" ] || ! grep -q '^R_finished=1' "$f"; then
            project_def "$id"
            printf "$fmt" "$P_LABEL" '-' 'ERROR' '' '' '' '' '' '' '' "not run to the end (see above)"
            errors=$((errors + 1))
            continue
        fi
        local line
        line=$( (
            source "$f"
            bad=0
            c1="$R_r_po $(verdict "$R_r_po" 1.2)"; [[ $c1 == *FAIL ]] && bad=1
            if [ "$R_tus" -ge 40 ]; then c3="$R_r_warm $(verdict "$R_r_warm" 0.05)"; else c3="$R_r_warm info"; fi
            [[ $c3 == *FAIL ]] && bad=1
            if [ -n "${KERNEL_IDS[$id]:-}" ]; then c4="$R_r_cat $(verdict "$R_r_cat" 1.5)"; else c4="$R_r_cat info"; fi
            [[ $c4 == *FAIL ]] && bad=1
            if [ "$R_touch" = 0 ]; then c5="0 OK"; else c5="$R_touch MISM"; bad=1; fi
            c6="$R_append/$R_includers $( [ "$R_append_ok" = OK ] && echo OK || echo MISM)"; [ "$R_append_ok" = OK ] || bad=1
            c7="$R_edit_parsed $( [ "$R_edit_ok" = OK ] && echo OK || echo MISM)"; [ "$R_edit_ok" = OK ] || bad=1
            c8="$(calc '%.3f' "$R_edit")/$(calc '%.3f' "$R_edit_sum") $(verdict "$R_edit" "$R_edit_sum")"
            [[ $c8 == *FAIL ]] && bad=1
            [ "$R_reports" = OK ] && [ "$R_warm_hits_ok" = 1 ] || bad=1
            note=()
            [ "$R_reports" = OK ] || note+=("reports differ")
            [ "$R_warm_hits_ok" = 1 ] || note+=("warm: not all hits")
            [ "$R_clang_fail" = 0 ] || note+=("clang errors in $R_clang_fail TUs")
            le 0.15 "$R_other" && note+=("busy machine: $R_other other cores")
            printf "$fmt" "$R_label" "$R_tus" "$c1" "$R_r_clang" "$c3" "$c4" "$c5" "$c6" "$c7" "$c8" \
                "$( [ $bad = 0 ] && echo PASS || echo FAIL)$( [ ${#note[@]} = 0 ] || printf ' (%s)' "$(IFS=';'; echo "${note[*]}" | sed 's/;/; /g')")"
        ) )
        printf '%s\n' "$line"
        case $line in *FAIL*) fails=$((fails + 1)) ;; esac
    done

    printf '\n== peak RSS of the cold scans (-j%s) ==\n' "$JOBS"
    printf '%-15s %4s  %16s %12s %16s\n' project TUs 'no cache (MB)' 'cache (MB)' 'cache MB/TU'
    local rows=""
    for id in "${SELECTED[@]}"; do
        f="$WORK/$id/result.env"
        grep -q '^R_rss=' "$f" 2>/dev/null || continue
        rows+=$( (source "$f"; printf '%s\t%s\t%s\t%s\n' "$R_label" "$R_tus" "$R_rss0" "$R_rss") )$'\n'
    done
    printf '%s' "$rows" | sort -t$'\t' -k2,2n | awk -F'\t' 'NF == 4 {
            printf "%-15s %4d  %16.0f %12.0f %16.2f\n", $1, $2, $3 / 1024, $4 / 1024, $4 / 1024 / $2
            n++; x += $2; y += $4 / 1024; xx += $2 * $2; xy += $2 * $4 / 1024 }
        END {
            if (n >= 3 && n * xx - x * x > 0) {
                b = (n * xy - x * y) / (n * xx - x * x); a = (y - b * x) / n
                printf "trend (least squares over %d projects): RSS ~ %.0f MB + %.2f MB x TUs\n", n, a, b
            } }'
    [ $errors = 0 ] || return 2
    [ $fails = 0 ] || return 1
}

# --- main ---------------------------------------------------------------------
# (in a function, so that bash reads the whole script before running it)
main() {
    declare -gA KERNEL_IDS=([kernel]=1 [lib]=1 [mm]=1 [ext4]=1)

    if [ "${1:-}" = --one ]; then
        # child: one project; the parent exported CXB CX_ORIG WORK JOBS ...
        one_project "$2"
        exit 0
    fi

    QUICK=0 CX_ORIG="$TREE/build/cxscan"
    while [ $# -gt 0 ]; do
        case $1 in
        --quick) QUICK=1 ;;
        -h|--help) sed -n '3,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (usage: bench/scan.sh [--quick] [CXSCAN_BINARY])" ;;
        *) CX_ORIG=$1 ;;
        esac
        shift
    done
    if [ -n "${PROJECTS:-}" ]; then
        read -r -a SELECTED <<< "$PROJECTS"
    elif [ $QUICK = 1 ]; then
        SELECTED=(mm ext4 own)
    else
        SELECTED=(kernel lib mm ext4 sqlite own)
    fi
    for id in "${SELECTED[@]}"; do project_def "$id"; done

    # packages (only the missing ones)
    missing=()
    for p in time python3 clang-14 git; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
        echo "==> apt-get install ${missing[*]}"
        apt-get update -q > /dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" > /dev/null
    fi
    command -v "$CLANG" > /dev/null || die "$CLANG not found"

    # cxscan and the features the benchmark needs
    mkdir -p "$WORK/bin" "$WORK/restore"
    restore_all || die "could not restore the files of an earlier run (see $MANIFEST)"
    [ -x "$CX_ORIG" ] || die "no cxscan binary at $CX_ORIG (build it, or pass its path)"
    copy_cxscan "$CX_ORIG" "$WORK/bin"
    help=$("$CXB" --help 2>&1) || die "$CX_ORIG --help failed: $(printf '%s' "$help" | tail -n 1)"
    lacking=()
    for feat in --parse-only --list-tus --stats --cache --no-cache; do
        grep -qE -- "(^|[ ,])$feat([ =,]|$)" <<< "$help" || lacking+=("$feat")
    done
    grep -qE -- '(^|[ ,])-j([ ,]|$)|--jobs' <<< "$help" || lacking+=(-j)
    [ ${#lacking[@]} = 0 ] || die "$CX_ORIG lacks ${lacking[*]} (not in its --help); this benchmark needs them"
    export CXB CX_ORIG WORK JOBS LINUX SQLITE CLANG

    trap 'restore_all' EXIT
    trap 'exit 130' INT TERM
    write_helper
    printf '==> cxscan: %s (%s, sha1 %s, analyzer module %s), JOBS=%s, %s, %s cores, projects: %s\n' "$CX_ORIG" \
        "$("$CXB" --version | head -n 1)" "$(sha1sum "$CXB" | cut -c1-12)" \
        "$( [ -n "${CXSCAN_ANALYZER:-}" ] && sha1sum "$CXSCAN_ANALYZER" | cut -c1-12 || echo 'as installed')" \
        "$JOBS" "$("$CLANG" --version | head -n 1)" "$(nproc)" "${SELECTED[*]}"
    printf '==> load average at the start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

    # trees
    need_linux=0 need_sqlite=0 need_own=0
    for id in "${SELECTED[@]}"; do
        case $id in kernel|lib|mm|ext4) need_linux=1 ;; sqlite) need_sqlite=1 ;; own) need_own=1 ;; esac
    done
    prepare() {  # prepare NAME SCRIPT DEST
        local t0=$SECONDS
        if [ "$PREPARE" = 1 ]; then
            VERIFY_SAMPLE=0 bash "$TREE/bench/prepare/$2" "$3" > "$WORK/prepare-$1.log" 2>&1 \
                || { tail -n 15 "$WORK/prepare-$1.log" >&2; die "bench/prepare/$2 failed (log: $WORK/prepare-$1.log)"; }
            printf '==> prepared %s in %d s (log: %s)\n' "$3" $((SECONDS - t0)) "$WORK/prepare-$1.log"
        fi
        [ -s "$3/compile_commands.json" ] || die "no $3/compile_commands.json (run bench/prepare/$2)"
    }
    [ $need_linux = 0 ] || prepare linux linux.sh "$LINUX"
    [ $need_sqlite = 0 ] || prepare sqlite sqlite.sh "$SQLITE"
    if [ $need_own = 1 ]; then
        snapshot_own
        printf '==> own tree: snapshot of %s in %s\n' "$TREE" "$WORK/src/cxscan"
    fi

    T0=$SECONDS
    for id in "${SELECTED[@]}"; do
        rm -f "$WORK/$id/result.env"
        bash "$SELF" --one "$id" || printf '   %s: stopped with an error (exit %s), going on\n' "$id" "$?"
    done
    printf '\n==> benchmark time: %d s\n' $((SECONDS - T0))
    status=0
    summary || status=$?
    exit $status
}

main "$@"
