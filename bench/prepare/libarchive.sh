#!/usr/bin/env bash
# Prepare Debian's libarchive source (source package libarchive, bookworm)
# built with CMake for coverage: every libarchive_test / bsdtar_test /
# bsdcpio_test / bsdcat_test case is its own CTest test (about 730).
#
# Usage: bench/prepare/libarchive.sh [DEST]      (default: /tmp/cxbench/libarchive)
#
# Environment knobs:
#   JOBS=N     parallel jobs for the builds (default 2)
#   NOCOV=0    do not configure and build DEST/build-nocov (default 1: build it)
#   CC=...     compiler (default gcc-12; CMakeCache.txt names it, and
#              `cxscan record` picks the gcov of the same version from it)
#
# Steps:
#   1. install the Debian packages needed (only those missing; needs root then):
#      cmake, gcc-12, and the Build-Depends of the source package that the CMake
#      build uses (the same list as `apt-get build-dep libarchive` minus
#      debhelper), locales for localedef,
#   2. add deb-src entries for bookworm if apt knows no source package
#      libarchive (/etc/apt/sources.list.d/cxbench-deb-src.list), apt-get update,
#   3. `apt-get source libarchive` into DEST (once): DEST/libarchive-<version>/
#      with Debian's patches applied,
#   4. the en_US.UTF-8 locale compiled into DEST/locales with localedef, as
#      debian/rules does for its test run when the system has none (tests of
#      filename encodings skip without it); LOCPATH=DEST/locales must be set
#      for the tests (DEST/.cxbench/env says so),
#   5. configure DEST/build-cov: gcc-12, -O0 --coverage (C flags and the exe,
#      shared and module linker flags), CMAKE_BUILD_TYPE=Debug (-g, no -O) with
#      ENABLE_WERROR=OFF, compile_commands.json, crypto from nettle instead of
#      OpenSSL as Debian builds it (--without-openssl --with-nettle); the
#      optional DEST/build-nocov is the same without --coverage,
#   6. cmake --build -jN of both (a no-op when up to date, so the .gcno files
#      keep their stamps),
#   7. what was built: compile database entries by directory, CTest tests by
#      prefix.
#
# Everything is written below DEST (scratch files in DEST/.cxbench/), except
# what apt-get installs and the apt source entry of step 2. Re-running is safe
# and cheap (about 5 s on a prepared DEST).
set -euo pipefail

DEST_ARG="${1:-/tmp/cxbench/libarchive}"
DEST="$(realpath -m -- "$DEST_ARG")"
JOBS="${JOBS:-2}"
NOCOV="${NOCOV:-1}"
CC_BIN="${CC:-gcc-12}"
# Build-Depends of libarchive 3.6.2-1+deb12u* (debhelper aside): pkg-config,
# the compression libraries, libxml2, libacl, libext2fs, nettle, sharutils
# (uuencode, for the test suite), locales.
PACKAGES=(dpkg-dev cmake make gcc-12 libc6-dev pkg-config libbz2-dev liblz4-dev
          liblzma-dev libxml2-dev libzstd-dev zlib1g-dev libacl1-dev
          libext2fs-dev nettle-dev sharutils locales python3)
APT_SRC_FILE=/etc/apt/sources.list.d/cxbench-deb-src.list

unset MAKEFLAGS MFLAGS MAKELEVEL
export LC_ALL=C

ME=libarchive.sh
# shellcheck source=bench/prepare/common.sh
. "$(dirname "$0")/common.sh"

# --- 1. packages --------------------------------------------------------------
install_missing "${PACKAGES[@]}"
command -v "$CC_BIN" > /dev/null || die "no compiler $CC_BIN"

# --- 2. deb-src entries -------------------------------------------------------
has_deb_src() {
    grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        || grep -qsiE '^[[:space:]]*Types:.*[[:space:]]deb-src([[:space:]]|$)' /etc/apt/sources.list.d/*.sources
}
# (grep reads all: with -q, apt-cache could die of SIGPIPE and pipefail fail the test)
knows_src() { apt-cache showsrc libarchive 2>/dev/null | grep -c '^Package: libarchive$' > /dev/null; }
if knows_src; then
    log "apt already knows the source package libarchive"
else
    if ! has_deb_src; then
        step_start "adding a deb-src entry for bookworm ($APT_SRC_FILE)"
        need_root "to add a deb-src entry to apt"
        printf '%s\n' '# Added by cxscan bench/prepare/libarchive.sh.' \
            'deb-src http://deb.debian.org/debian bookworm main' > "$APT_SRC_FILE"
        step_end
    fi
    step_start "apt-get update"
    need_root "to run apt-get update"
    apt-get update -q > /dev/null
    step_end
    knows_src || die "apt still knows no source package libarchive after adding a deb-src entry"
fi

# --- 3. apt-get source --------------------------------------------------------
fetch_source libarchive CMakeLists.txt

# --- 4. locale ----------------------------------------------------------------
LOC="$DEST/locales"
if [ -f "$LOC/en_US.UTF-8/LC_CTYPE" ]; then
    log "locale en_US.UTF-8 already in $LOC"
else
    step_start "localedef en_US.UTF-8 into $LOC"
    mkdir -p "$LOC"
    localedef -i /usr/share/i18n/locales/en_US -c -f UTF-8 \
        -A /usr/share/locale/locale.alias "$LOC/en_US.UTF-8" > "$SCRATCH/localedef.log" 2>&1 \
        || { tail -5 "$SCRATCH/localedef.log" >&2; die "localedef failed"; }
    step_end
fi
printf 'LOCPATH=%s\n' "$LOC" > "$SCRATCH/env"

# --- 5./6. configure and build ----------------------------------------------
# build_tree DIR FLAGS: configure DIR (once) with C flags FLAGS, then build it.
build_tree() {
    local dir=$1 flags=$2 ldflags=$3 tag
    tag=$(basename "$dir")
    if [ -f "$dir/CMakeCache.txt" ] && grep -qxF "CMAKE_C_FLAGS:STRING=$flags" "$dir/CMakeCache.txt"; then
        log "$tag already configured (remove $dir/CMakeCache.txt to configure again)"
    else
        step_start "cmake: $tag (CC=$CC_BIN, CFLAGS='$flags', Debug, nettle, compile_commands.json)"
        cmake -S "$SRC" -B "$dir" -G 'Unix Makefiles' \
            -DCMAKE_C_COMPILER="$CC_BIN" -DCMAKE_BUILD_TYPE=Debug -DENABLE_WERROR=OFF \
            -DCMAKE_C_FLAGS="$flags" \
            -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" \
            -DCMAKE_MODULE_LINKER_FLAGS="$ldflags" \
            -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
            -DENABLE_OPENSSL=OFF -DENABLE_NETTLE=ON -DENABLE_TEST=ON \
            > "$SCRATCH/cmake-$tag.log" 2>&1 \
            || { tail -20 "$SCRATCH/cmake-$tag.log" >&2; die "cmake failed (log: $SCRATCH/cmake-$tag.log)"; }
        step_end
    fi
    step_start "cmake --build $tag -j$JOBS"
    cmake --build "$dir" -j"$JOBS" > "$SCRATCH/build-$tag.log" 2>&1 \
        || { tail -20 "$SCRATCH/build-$tag.log" >&2; die "build failed (log: $SCRATCH/build-$tag.log)"; }
    step_end
    [ -x "$dir/bin/libarchive_test" ] || die "$dir/bin/libarchive_test was not built"
}
build_tree "$DEST/build-cov" "-O0 --coverage" "--coverage"
[ "$NOCOV" = 0 ] || build_tree "$DEST/build-nocov" "-O0" ""

# --- 7. summary ---------------------------------------------------------------
DB="$DEST/build-cov/compile_commands.json"
python3 - "$DB" "$SRC" "$DEST/build-cov" > "$SCRATCH/entries.txt" <<'PY'
import collections, json, os, subprocess, sys
db, src, build = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
files = collections.Counter(os.path.relpath(e['file'], src) for e in db)
top = collections.Counter(f.split('/')[0] if '/' in f else '.' for f in files)
for d, n in sorted(top.items()):
    print(f'{d + "/":<16} {n:4d} distinct files')
print(f'total            {len(db):4d} entries, {len(files)} distinct files'
      ' (libarchive/*.c twice: the shared and the static library)')
out = subprocess.run(['ctest', '--test-dir', build, '--show-only=json-v1'],
                     capture_output=True, text=True, check=True).stdout
tests = [t['name'] for t in json.loads(out)['tests']]
by = collections.Counter(t.split('_test_')[0] + '_test' if '_test_' in t else t for t in tests)
print('ctest tests      ' + ', '.join(f'{k} {v}' for k, v in sorted(by.items()))
      + f'; total {len(tests)}')
if not db or not tests:
    sys.exit('empty compile database or no tests')
PY

log "coverage build: $DEST/build-cov"
[ "$NOCOV" = 0 ] || log "build without coverage: $DEST/build-nocov"
log "tests need: $(cat "$SCRATCH/env")"
finish "$DB"
