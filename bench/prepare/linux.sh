#!/usr/bin/env bash
# Prepare a Linux 6.1 source tree (Debian's linux-source-6.1) with a
# compile_commands.json for the C files of lib/ kernel/ mm/ fs/ext4/.
#
# Usage: bench/prepare/linux.sh [DEST]      (default: /tmp/cxbench/linux)
#
# Environment knobs:
#   JOBS=N            parallel jobs for make and the clang check (default: nproc)
#   VERIFY_SAMPLE=N   entries to parse with clang at the end (default 30, 0 = skip)
#   VERIFY_SEED=N     random seed for picking that sample (default 1)
#   CLANG=...         clang used for the check (default clang-14)
#
# How it works (no kernel is built):
#   1. install the Debian packages needed (only those missing; needs root then),
#   2. extract /usr/src/linux-source-6.1.tar.xz into DEST (once),
#   3. `make defconfig` (x86_64, only if there is no .config yet),
#   4. `make prepare`: generated headers (autoconf.h, asm-offsets.h, ...),
#      host tools (fixdep, objtool) -- a few seconds,
#   5. `make -n V=1 lib/ kernel/ mm/ fs/ext4/`: a dry run printing the real
#      kbuild compiler command lines, which are converted into
#      DEST/compile_commands.json (gcc flags kept as they are),
#   6. build the two objects whose prerequisites are sources generated at
#      build time (lib/crc32table.h, lib/oid_registry_data.c) so those files
#      exist, then delete the two objects again so that a re-run's dry run
#      still lists them,
#   7. parse a random sample of entries with clang -fsyntax-only and report
#      which gcc-only flags clang rejects.
#
# Everything is written below DEST (scratch files in DEST/.cxbench/), except
# what apt-get installs. Re-running is safe and cheap.
set -euo pipefail

DEST_ARG="${1:-/tmp/cxbench/linux}"
DEST="$(realpath -m -- "$DEST_ARG")"
TARBALL=/usr/src/linux-source-6.1.tar.xz
SUBTREES=(lib kernel mm fs/ext4)
JOBS="${JOBS:-$(nproc)}"
VERIFY_SAMPLE="${VERIFY_SAMPLE:-30}"
VERIFY_SEED="${VERIFY_SEED:-1}"
CLANG="${CLANG:-clang-14}"
# Objects whose prerequisites are generated sources (see lib/Makefile):
#   lib/crc32.o        <- lib/crc32table.h       (host tool gen_crc32table)
#   lib/oid_registry.o <- lib/oid_registry_data.c (perl script)
GENERATED_OBJS=(lib/crc32.o lib/oid_registry.o)
# make and gcc for the kernel, flex/bison for kconfig, bc for timeconst.h,
# libelf-dev for objtool, perl for generated sources, python3 for the
# conversion, clang-14 for the check.
PACKAGES=(linux-source-6.1 make gcc libc6-dev flex bison bc libelf-dev perl
          xz-utils python3 clang-14)

# Keep the caller's make settings out of the kernel build, and messages stable.
unset MAKEFLAGS MFLAGS MAKELEVEL
export LC_ALL=C
KMAKE=(make -C "$DEST" ARCH=x86_64)

ME=linux.sh
# shellcheck source=bench/prepare/common.sh
. "$(dirname "$0")/common.sh"
# Remove the objects of GENERATED_OBJS (and their kbuild .cmd files): the dry
# run only lists out-of-date objects, and these are the only ones ever built.
forget_generated_objs() {
    local o
    for o in "${GENERATED_OBJS[@]}"; do
        rm -f "$DEST/$o" "$DEST/$(dirname "$o")/.$(basename "$o").cmd"
    done
}

[ "$(uname -m)" = x86_64 ] || die "this script expects an x86_64 host (got $(uname -m))"

# --- 1. packages --------------------------------------------------------------
install_missing "${PACKAGES[@]}"
[ -f "$TARBALL" ] || die "$TARBALL not found (package linux-source-6.1)"

# --- 2. extract ---------------------------------------------------------------
mkdir -p "$DEST"
SCRATCH="$DEST/.cxbench"
if [ -f "$SCRATCH/extracted" ]; then
    log "source already extracted in $DEST"
else
    step_start "extracting $TARBALL into $DEST"
    # The tarball has a single top directory linux-source-6.1/.
    tar -xJf "$TARBALL" -C "$DEST" --strip-components=1
    if [ ! -f "$DEST/Makefile" ] || [ ! -d "$DEST/kernel" ]; then
        die "unexpected tarball layout"
    fi
    mkdir -p "$SCRATCH"
    touch "$SCRATCH/extracted"
    step_end
fi
mkdir -p "$SCRATCH"

# --- 3. configure -------------------------------------------------------------
if [ -f "$DEST/.config" ]; then
    log "keeping existing $DEST/.config"
else
    step_start "make defconfig (x86_64)"
    "${KMAKE[@]}" defconfig > "$SCRATCH/defconfig.log" 2>&1 \
        || { tail -20 "$SCRATCH/defconfig.log" >&2; die "make defconfig failed"; }
    step_end
fi

# --- 4. prepare ---------------------------------------------------------------
step_start "make -j$JOBS prepare (generated headers, fixdep, objtool)"
"${KMAKE[@]}" -j"$JOBS" prepare > "$SCRATCH/prepare.log" 2>&1 \
    || { tail -20 "$SCRATCH/prepare.log" >&2; die "make prepare failed (log: $SCRATCH/prepare.log)"; }
[ -f "$DEST/include/generated/autoconf.h" ] || die "include/generated/autoconf.h missing after make prepare"
step_end

# --- 5. dry run and conversion ------------------------------------------------
# -n prints every command of an out-of-date target; the objects of the
# subtrees are never built (step 6 removes the only two it builds), so all of
# them are listed. -j1 keeps the long command lines from interleaving.
forget_generated_objs
step_start "make -n V=1 ${SUBTREES[*]/%//} (dry run)"
"${KMAKE[@]}" -j1 -n V=1 "${SUBTREES[@]/%//}" > "$SCRATCH/dryrun.log" 2> "$SCRATCH/dryrun.err" \
    || { tail -20 "$SCRATCH/dryrun.err" >&2; die "dry run failed (log: $SCRATCH/dryrun.err)"; }
step_end

step_start "converting the dry run into $DEST/compile_commands.json"
python3 - "$DEST" "$SCRATCH/dryrun.log" "$DEST/compile_commands.json" "${SUBTREES[@]}" \
    > "$SCRATCH/entries.txt" <<'PY'
"""Turn the command lines of a kbuild dry run into a compile database.

Each recipe is one shell line: `set -e; echo '...'; trap ...; gcc ... -c -o
X.o X.c; [objtool ...;] scripts/basic/fixdep ... '<cmd>' > .X.o.cmd`. The line
is split into shell words and simple commands (at ; && || | &); the commands
that run gcc with -c on a .c file of a wanted subtree become entries. Quoted
copies of the command (echo, fixdep argument) are single words and are not
matched.
"""
import collections, json, os, shlex, sys

dest, log, out, subtrees = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
prefixes = tuple(s.rstrip('/') + '/' for s in subtrees)
text = open(log, encoding='utf-8', errors='replace').read().replace('\\\n', ' ')
separators = {';', '&&', '||', '|', '&', '(', ')', ';;'}

entries, duplicates = {}, 0
for line in text.splitlines():
    if 'gcc' not in line or ' -c ' not in line:
        continue
    lexer = shlex.shlex(line, posix=True, punctuation_chars=';&|()')
    lexer.whitespace_split = True
    cmd = []
    for word in list(lexer) + [';']:
        if word not in separators:
            cmd.append(word)
            continue
        if cmd and os.path.basename(cmd[0]) == 'gcc' and '-c' in cmd:
            sources = [a for a in cmd[1:] if a.endswith('.c') and not a.startswith('-')]
            outputs = [cmd[i + 1] for i, a in enumerate(cmd[:-1]) if a == '-o']
            if len(sources) == 1 and outputs and outputs[0].endswith('.o'):
                src = os.path.normpath(sources[0])
                if src.startswith(prefixes):
                    if src in entries:
                        duplicates += 1
                    else:
                        entries[src] = cmd
        cmd = []

if not entries:
    sys.exit('no compiler command found in the dry run')
missing = [f for f in entries if not os.path.isfile(os.path.join(dest, f))]
if missing:
    sys.exit('sources listed by the dry run do not exist: ' + ' '.join(missing))

db = [{'directory': dest, 'file': os.path.join(dest, f), 'arguments': args}
      for f, args in sorted(entries.items())]
with open(out + '.tmp', 'w') as fh:
    json.dump(db, fh, indent=1)
    fh.write('\n')
os.replace(out + '.tmp', out)

# Per subtree: entries, and .c files on disk (the rest are not enabled by
# defconfig, are #included by other files, or belong to other arches/tests).
count = collections.Counter(p for f in entries for p in prefixes if f.startswith(p))
for p in prefixes:
    on_disk = sum(n.endswith('.c') for _, _, files in os.walk(os.path.join(dest, p)) for n in files)
    print(f'{p:<10} {count[p]:4d} entries  ({on_disk} .c files on disk)')
print(f'total      {len(db):4d} entries' + (f', {duplicates} duplicate commands ignored' if duplicates else ''))
PY
step_end

# --- 6. generated sources -----------------------------------------------------
step_start "building ${GENERATED_OBJS[*]} for their generated sources"
"${KMAKE[@]}" -j"$JOBS" "${GENERATED_OBJS[@]}" > "$SCRATCH/generated.log" 2>&1 \
    || { tail -20 "$SCRATCH/generated.log" >&2; die "building ${GENERATED_OBJS[*]} failed"; }
forget_generated_objs
for f in lib/crc32table.h lib/oid_registry_data.c; do
    [ -f "$DEST/$f" ] || die "generated source $f missing"
done
# Any other file generated under the subtrees (kbuild's if_changed recipes
# start with trap 'rm -f TARGET' ...) must now exist too.
gen_missing=$(grep -oE "trap 'rm -f [^;']+" "$SCRATCH/dryrun.log" | awk '{print $4}' | sort -u \
    | grep -E "^($(IFS='|'; echo "${SUBTREES[*]}"))/" | grep -vE '\.(o|a)$|/modules\.order$' \
    | while read -r f; do [ -e "$DEST/$f" ] || echo "$f"; done || true)
[ -z "$gen_missing" ] || die "generated files missing: $gen_missing"
step_end

# --- 7. clang check -----------------------------------------------------------
if [ "$VERIFY_SAMPLE" -gt 0 ]; then
    step_start "parsing $VERIFY_SAMPLE random entries with $CLANG -fsyntax-only (seed $VERIFY_SEED)"
    status=0
    python3 - "$DEST/compile_commands.json" "$VERIFY_SAMPLE" "$VERIFY_SEED" "$CLANG" "$JOBS" \
        > "$SCRATCH/verify.txt" <<'PY' || status=$?
"""Parse a random sample of entries with clang -fsyntax-only.

For each entry: gcc -> clang, add -Wno-unknown-warning-option, drop
-Wp,-MMD,... (it would only write a .d file into the tree), then drop, one
round at a time, every flag the clang driver rejects. The result is checked
twice: with the flags as they are (-Werror included) and with -Wno-error
appended. The first three entries of the sample must parse in the second mode.
"""
import collections, json, random, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

db_path, n, seed, clang, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
db = json.load(open(db_path))
random.seed(seed)
sample = random.sample(db, min(n, len(db)))
REJECTED = [r"unknown argument:? '([^']+)'",
            r"optimization flag '([^']+)' is not supported",
            r"'(-f[^']+)' hasn't been enabled",
            r"unsupported option '([^']+)'"]

def run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)

def check(entry):
    base = [clang, '-Wno-unknown-warning-option'] + [
        a for a in entry['arguments'][1:] if not a.startswith('-Wp,-MMD')] + ['-fsyntax-only']
    dropped = set()
    while True:
        r = run([a for a in base if a not in dropped], entry['directory'])
        new = {m for p in REJECTED for m in re.findall(p, r.stderr) if m in base} - dropped
        if r.returncode == 0 or not new:
            break
        dropped |= new
    lenient = run([a for a in base if a not in dropped] + ['-Wno-error'], entry['directory'])
    errors = lambda s: [l for l in s.splitlines() if 'error:' in l]
    werror = re.findall(r'\[-Werror,(-W[^\]]+)\]', r.stderr)
    return entry, dropped, r.returncode == 0, errors(r.stderr), lenient.returncode == 0, errors(lenient.stderr), werror

with ThreadPoolExecutor(max(1, jobs)) as pool:
    results = list(pool.map(check, sample))

dropped_count, werror_kinds = collections.Counter(), collections.Counter()
strict_ok = lenient_ok = 0
for entry, dropped, ok, errs, lok, lerrs, warns in results:
    rel = entry['file'][len(entry['directory']) + 1:]
    dropped_count.update(dropped)
    werror_kinds.update(set(warns))
    strict_ok += ok
    lenient_ok += lok
    print(f"{'ok  ' if ok else 'FAIL'} {'ok  ' if lok else 'FAIL'} {rel}")
    for e in (lerrs if not lok else errs if not ok else [])[:2]:
        print('          ', e)
print('(per entry, above: result with the flags as-is / with -Wno-error)')
print('-- summary --')
print('first three sampled entries (must parse with -Wno-error): '
      + ', '.join(f"{r[0]['file'][len(r[0]['directory']) + 1:]} {'ok' if r[4] else 'FAIL'}" for r in results[:3]))
print(f'parse without errors, flags as-is (-Werror kept): {strict_ok}/{len(results)}')
print(f'parse without errors, with -Wno-error:            {lenient_ok}/{len(results)}')
print('flags dropped: rejected by clang (unknown argument, not enabled) or, under')
print('-Werror, unsupported optimization flags (entries of the sample):')
for f, c in sorted(dropped_count.items()):
    print(f'   {f}  ({c})')
if werror_kinds:
    print('clang warnings made errors by -Werror (entries of the sample):')
    for w, c in werror_kinds.most_common():
        print(f'   {w}  ({c})')
first3 = results[:3]
if not all(r[4] for r in first3):
    print('FAILED: one of the first three sampled entries does not parse')
    sys.exit(1)
PY
    verify_done "$status"
fi

finish "$DEST/compile_commands.json"
