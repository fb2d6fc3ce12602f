#!/usr/bin/env bash
# Prepare Debian's SQLite source (source package sqlite3, bookworm) with a
# compile_commands.json recorded by bear from a real build of the library and
# the sqlite3 shell.
#
# Usage: bench/prepare/sqlite.sh [DEST]      (default: /tmp/cxbench/sqlite)
#
# Environment knobs:
#   JOBS=N            parallel jobs for make and the clang check (default: nproc)
#   VERIFY_SAMPLE=N   entries to parse with clang at the end (default 30, 0 = skip)
#   VERIFY_SEED=N     random seed for picking that sample (default 1)
#   CLANG=...         clang used for the check (default clang-14)
#
# Steps:
#   1. install the Debian packages needed (only those missing; needs root then),
#   2. add deb-src entries mirroring the bookworm deb entries if apt has none
#      (/etc/apt/sources.list.d/cxbench-deb-src.{sources,list}), apt-get update,
#   3. `apt-get source sqlite3` into DEST (once): DEST/sqlite3-<version>/,
#   4. ./configure the way debian/rules does (same options and CFLAGS/CPPFLAGS/
#      LDFLAGS, taken from debian/rules itself), except --disable-tcl (no Tcl
#      extension) and --disable-static (libtool then compiles each file once,
#      PIC only, instead of twice),
#   5. `bear -- make -jN`: builds libsqlite3.la and the sqlite3 shell (the whole
#      `all` target without Tcl) and writes DEST/compile_commands.json,
#   6. parse a random sample of entries with clang -fsyntax-only.
#
# Everything is written below DEST, except what apt-get installs and the apt
# source entry of step 2. Re-running is safe: an up-to-date build is not
# redone.
set -euo pipefail

DEST_ARG="${1:-/tmp/cxbench/sqlite}"
DEST="$(realpath -m -- "$DEST_ARG")"
JOBS="${JOBS:-$(nproc)}"
VERIFY_SAMPLE="${VERIFY_SAMPLE:-30}"
VERIFY_SEED="${VERIFY_SEED:-1}"
CLANG="${CLANG:-clang-14}"
# dpkg-dev for apt-get source and dpkg-architecture (used by debian/rules),
# tcl for tclsh (the build generates sources with it), libreadline-dev and
# zlib1g-dev for the shell as Debian builds it, bear for the database.
PACKAGES=(dpkg-dev make gcc libc6-dev tcl libreadline-dev zlib1g-dev bear
          python3 clang-14)
APT_SRC_FILE=/etc/apt/sources.list.d/cxbench-deb-src

unset MAKEFLAGS MFLAGS MAKELEVEL
export LC_ALL=C

ME=sqlite.sh
# shellcheck source=bench/prepare/common.sh
. "$(dirname "$0")/common.sh"

# --- 1. packages --------------------------------------------------------------
install_missing "${PACKAGES[@]}"

# --- 2. deb-src entries -------------------------------------------------------
has_deb_src() {
    # Active deb-src lines (one-line format) or deb822 stanzas with deb-src.
    grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        || grep -qsiE '^[[:space:]]*Types:.*[[:space:]]deb-src([[:space:]]|$)' /etc/apt/sources.list.d/*.sources
}
if apt-cache showsrc sqlite3 2>/dev/null | grep -q '^Package: sqlite3$'; then
    log "apt already knows the source package sqlite3"
else
    if ! has_deb_src; then
        step_start "adding deb-src entries for bookworm ($APT_SRC_FILE.*)"
        need_root "to add deb-src entries to apt"
        # Copy every active bookworm* 'deb' entry (same mirror, suites,
        # components, keyring) as a 'deb-src' entry.
        python3 - "$APT_SRC_FILE" <<'PY'
import glob, re, sys
out = sys.argv[1]
stanzas, lines = [], []
for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
    for block in re.split(r'\n\s*\n', open(path).read()):
        fields, last = {}, None
        for l in block.splitlines():
            if l.startswith('#'):
                continue
            m = re.match(r'([A-Za-z-]+):\s*(.*)', l)
            if m:
                last = m.group(1).lower()
                fields[last] = (m.group(1), m.group(2))
            elif last and l[:1] in (' ', '\t'):  # continuation line
                k, v = fields[last]
                fields[last] = (k, v + '\n' + l)
        types = fields.get('types', ('', ''))[1].split()
        suites = fields.get('suites', ('', ''))[1].split()
        if ('deb' in types and any(s.startswith('bookworm') for s in suites)
                and fields.get('enabled', ('', 'yes'))[1].lower() != 'no'):
            body = [f'{k}: {v}' for key, (k, v) in fields.items() if key != 'types']
            stanzas.append('\n'.join(['Types: deb-src'] + body))
for path in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
    try:
        text = open(path).read()
    except FileNotFoundError:
        continue
    for l in text.splitlines():
        m = re.match(r'\s*deb(\s+\[[^\]]*\])?\s+(\S+)\s+(bookworm\S*)\s+(.*)', l)
        if m:
            lines.append('deb-src' + (m.group(1) or '') + f' {m.group(2)} {m.group(3)} {m.group(4)}')
if not stanzas and not lines:
    sys.exit('no bookworm deb entry found in /etc/apt to derive a deb-src entry from')
header = '# Added by cxscan bench/prepare/sqlite.sh: deb-src copies of the deb entries.\n'
if stanzas:
    open(out + '.sources', 'w').write(header + '\n\n'.join(stanzas) + '\n')
    print(f'   wrote {out}.sources ({len(stanzas)} stanzas)')
if lines:
    open(out + '.list', 'w').write(header + '\n'.join(lines) + '\n')
    print(f'   wrote {out}.list ({len(lines)} lines)')
PY
        step_end
    fi
    step_start "apt-get update"
    need_root "to run apt-get update"
    apt-get update -q
    step_end
    apt-cache showsrc sqlite3 2>/dev/null | grep -q '^Package: sqlite3$' \
        || die "apt still knows no source package sqlite3 after adding deb-src entries"
fi

# --- 3. apt-get source --------------------------------------------------------
fetch_source sqlite3 configure

# --- 4. configure -------------------------------------------------------------
# Print a variable of debian/rules (it includes dpkg's buildflags.mk and adds
# its own -DSQLITE_* options to CFLAGS).
rules_var() {
    make -s -C "$SRC" -f debian/rules -f - cxbench-print-var <<EOF
cxbench-print-var: ; @echo \$($1)
EOF
}
if [ -f "$SRC/Makefile" ] && [ -f "$SRC/config.status" ]; then
    log "already configured (remove $SRC/Makefile to configure again)"
else
    step_start "./configure (options and flags of debian/rules, --disable-tcl --disable-static)"
    CFLAGS_DEB="$(rules_var CFLAGS)"
    CPPFLAGS_DEB="$(rules_var CPPFLAGS)"
    LDFLAGS_DEB="$(rules_var LDFLAGS)"
    [ -n "$CFLAGS_DEB" ] || die "could not read CFLAGS from debian/rules"
    printf 'CFLAGS=%s\nCPPFLAGS=%s\nLDFLAGS=%s\n' "$CFLAGS_DEB" "$CPPFLAGS_DEB" "$LDFLAGS_DEB" \
        > "$SCRATCH/debian-flags.txt"
    (cd "$SRC" && ./configure --prefix=/usr \
        --enable-threadsafe --enable-load-extension --enable-json \
        --enable-fts4 --enable-fts5 --disable-amalgamation \
        --disable-tcl --disable-static \
        CFLAGS="$CFLAGS_DEB" CPPFLAGS="$CPPFLAGS_DEB" LDFLAGS="$LDFLAGS_DEB") \
        > "$SCRATCH/configure.log" 2>&1 \
        || { tail -20 "$SCRATCH/configure.log" >&2; die "configure failed (log: $SCRATCH/configure.log)"; }
    step_end
fi

# --- 5. build under bear ------------------------------------------------------
DB="$DEST/compile_commands.json"
if [ -s "$DB" ] && make -C "$SRC" -q all >/dev/null 2>&1; then
    log "build up to date and $DB present: not rebuilding"
else
    # bear only records what is compiled, so always build from clean.
    make -C "$SRC" clean > /dev/null 2>&1 || true
    step_start "bear -- make -j$JOBS (libsqlite3.la and the sqlite3 shell)"
    (cd "$SRC" && bear --output "$DB.tmp" -- make -j"$JOBS" all) > "$SCRATCH/build.log" 2>&1 \
        || { tail -20 "$SCRATCH/build.log" >&2; die "build failed (log: $SCRATCH/build.log)"; }
    mv "$DB.tmp" "$DB"
    step_end
fi
[ -x "$SRC/sqlite3" ] || die "the sqlite3 shell was not built"

# Summary of the entries: by directory, and duplicates (must be none).
python3 - "$DB" "$SRC" > "$SCRATCH/entries.txt" <<'PY'
import collections, json, os, sys
db, src = json.load(open(sys.argv[1])), sys.argv[2]
files = collections.Counter(os.path.relpath(e['file'], src) for e in db)
by_dir = collections.Counter(os.path.dirname(f) or '.' for f in files)
for d, n in sorted(by_dir.items()):
    note = '  (generated in the build: parse.c, opcodes.c, fts5.c, shell.c)' if d == '.' else \
           '  (host tools: lemon, mkkeywordhash, mksourceid)' if d == 'tool' else ''
    print(f'{d + "/":<14} {n:4d} entries{note}')
dups = sum(n - 1 for n in files.values() if n > 1)
print(f'total          {len(db):4d} entries, {len(files)} distinct files'
      + (f', {dups} duplicates' if dups else ''))
if not db:
    sys.exit('empty compile database')
PY

# --- 6. clang check -----------------------------------------------------------
if [ "$VERIFY_SAMPLE" -gt 0 ]; then
    step_start "parsing $VERIFY_SAMPLE random entries with $CLANG -fsyntax-only (seed $VERIFY_SEED)"
    status=0
    python3 - "$DB" "$VERIFY_SAMPLE" "$VERIFY_SEED" "$CLANG" "$JOBS" \
        > "$SCRATCH/verify.txt" <<'PY' || status=$?
"""gcc -> clang, -fsyntax-only appended, -o <output> dropped; report errors."""
import json, random, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

db_path, n, seed, clang, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
db = json.load(open(db_path))
random.seed(seed)
sample = random.sample(db, min(n, len(db)))

def check(e):
    args, skip = [], False
    for a in e['arguments'][1:]:
        if skip:
            skip = False
        elif a == '-o':
            skip = True
        else:
            args.append(a)
    r = subprocess.run([clang] + args + ['-fsyntax-only'], cwd=e['directory'],
                       capture_output=True, text=True)
    return e, r.returncode == 0, [l for l in r.stderr.splitlines() if 'error:' in l]

with ThreadPoolExecutor(max(1, jobs)) as pool:
    results = list(pool.map(check, sample))
for e, ok, errs in results:
    print(f"{'ok  ' if ok else 'FAIL'} {e['file']}")
    for l in errs[:3]:
        print('          ', l)
good = sum(ok for _, ok, _ in results)
print('-- summary --')
print(f'parse without errors: {good}/{len(results)}')
sys.exit(0 if good == len(results) else 1)
PY
    verify_done "$status"
fi

finish "$DB"
