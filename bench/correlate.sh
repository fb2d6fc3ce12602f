#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2016,SC2086,SC2153  # A && ok || fail on purpose; fit's expressions
# are eval'ed; lists of times split on purpose; R_* come from eval
# Benchmark of `cxscan record` and `cxscan --correlate` on a real CTest suite:
# Debian 12's libarchive 3.6.2 built with CMake, gcc 12, -O0 --coverage, whose
# every libarchive_test / bsdtar_test / bsdcpio_test / bsdcat_test case is one
# CTest test (730 tests; bench/prepare/libarchive.sh downloads and builds it).
#
# Usage: bench/correlate.sh [CXSCAN_BINARY]
#   CXSCAN_BINARY  default: build/cxscan of this tree. It is copied first, with
#                  its analyzer module (WORK/bin/), so a rebuild during the run
#                  changes nothing.
#
# Environment knobs:
#   NS="50 100 200 all"  numbers of tests to record (the first N: `-- -I 1,N`;
#                        all: the whole suite, no selection)
#   JOBS=N        cxscan record -j (gcov processes) and --correlate -j (default 2)
#   WORK=DIR      scratch directory (default /tmp/cxcorr): records, reports, logs
#   LIBARCHIVE=DIR  the prepared tree (default /tmp/cxbench/libarchive)
#   PREPARE=0     do not run bench/prepare/libarchive.sh (its trees must exist)
#   NOCOV=0       no reference run of a build without --coverage
#   REPEAT=K      run the reference ctests, the plain ctest of each N and each
#                 record K times (interleaved) and keep the median times
#                 (default 3, about 40 min in all; 2 at least for check 5a0)
#   CHECK_FILES="..."  source files (relative to the source tree) whose summed
#                 per-test line counts and joins are checked (default: 6 files,
#                 see below)
#
# What is measured, all in one run (wall seconds around the process, user+sys
# CPU of it and its children from /usr/bin/time; tests run with LOCPATH set to
# the en_US.UTF-8 locale of the prepare script). Beside each run: the CPU
# other processes used meanwhile, and the cost of a page fault on new memory
# just before (a probe; on this VM it varies about 8x with the host, and slow
# faults slow every process start, so record, which starts a ctest a test and
# a gcov a counted .gcda, more than a plain ctest):
#   1. reference runs of the whole suite, `ctest -j1 --output-junit`:
#      a. build-nocov (-O0, no --coverage): what the tests cost without coverage
#      b. build-cov, plain: every test merges into the .gcda of the build tree
#      c. build-cov with one GCOV_PREFIX (and GCOV_PREFIX_STRIP) for all tests
#      b/a and c/a are the cost of coverage; c/b the cost of a prefix.
#      Then a plain `ctest -j1 -I 1,N` for each N (the same tests as record's).
#   2. for each N: `cxscan record --build-dir B --out WORK/rec-N -jJOBS
#      [-- -I 1,N]`: its summary line parsed (test phase, gcov phase, .gcda
#      files and the all-zero ones skipped, gcov runs, warnings), checked
#      against the .gcda files on disk and the test.json counts; size of the
#      record. Ratios: test phase / plain ctest of the same tests (the cost of
#      one ctest a test with its own prefix), the tests' own time in record
#      (sum of CTest's durations) / in the plain run, gcov phase per test.
#   3. for each N: `cxscan --correlate WORK/rec-N -p B SRC --format=json -o
#      (absolute path)` with a new cache (cold: parses every TU) and again
#      with the same cache (warm, median of 3); the scan alone (cold once, warm for each N)
#      gives the join's own cost: correlate - scan. The cold and the warm
#      reports must be equal (everything but summary).
#   4. least-squares lines of the record and correlate times against the
#      number of tests (slope = ms per test, intercept, r^2), and of the gcov
#      phase against the gcov runs, the join against the gcov JSON files.
#   5. checks on the largest N: (a0) the tests whose line counts differ
#      between its last two records (random or time-dependent tests: they
#      cannot add up to another run's counts), (a) for CHECK_FILES, the line
#      counts summed over every other test's gcov JSON equal gcov of one ctest
#      run of the same tests (those left out with -E) into one GCOV_PREFIX;
#      (b) the join: each function of CHECK_FILES in the report has the
#      coverage, number of tests and touch time computed here from the gcov
#      JSON of the record (baseline for the instrumented lines) and the
#      scan's extents;
#      (c) correlation.tests = N, no test without coverage; (d) a relative
#      `-o` of a cold --correlate lands in the current directory. Then the top
#      5 product functions by H and by CRAP, and the correlation totals.
# Exit status: 0 all ran and every check passed, 1 a check failed, 2 something
# could not be run (error message printed).
set -euo pipefail
export LC_ALL=C

SELF="$(realpath -- "${BASH_SOURCE[0]}")"
TREE="$(cd "$(dirname "$SELF")/.." && pwd)"
CX_ORIG="$(realpath -m -- "${1:-$TREE/build/cxscan}")"
WORK="$(realpath -m -- "${WORK:-/tmp/cxcorr}")"
LIBARCHIVE="$(realpath -m -- "${LIBARCHIVE:-/tmp/cxbench/libarchive}")"
JOBS="${JOBS:-2}"
NS="${NS:-50 100 200 all}"
PREPARE="${PREPARE:-1}"
NOCOV="${NOCOV:-1}"
REPEAT="${REPEAT:-3}"
CHECK_FILES="${CHECK_FILES:-libarchive/archive_string.c libarchive/archive_read_support_format_zip.c libarchive/archive_write_set_format_pax.c tar/write.c cpio/cpio.c test_utils/test_main.c}"

read -r -a CHECK <<< "$CHECK_FILES"
die() { printf 'correlate.sh: error: %s\n' "$*" >&2; exit 2; }
log() { printf '==> %s\n' "$*"; }
FAILED=()
check() {  # check OK|FAIL WHAT
    printf '   check %-4s %s\n' "$1" "$2"
    [ "$1" = OK ] || FAILED+=("$2")
}

# --- small utilities ----------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "NA" && b != "NA" && b > 0) printf "%.3f", a / b; else print "NA" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
per()   { awk -v a="$1" -v b="$2" -v m="${3:-1000}" 'BEGIN { if (b > 0) printf "%.1f", m * a / b; else print "NA" }'; }
sub()   { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
MAX_OTHER=0
# shellcheck source=bench/timing.sh
. "$TREE/bench/timing.sh"
# run_timed TAG CMD...: run_timed_in WORK/log, and the largest OTHER so far.
run_timed() {
    run_timed_in "$WORK/log" "$@"
    MAX_OTHER=$(awk -v a="$MAX_OTHER" -v b="$OTHER" 'BEGIN { print (b > a ? b : a) }')
}
# must_ok TAG CMD...: run_timed, die on exit >= 2 (cxscan) with the command.
must_ok() {
    local tag=$1
    shift
    run_timed "$tag" "$@"
    if [ "$RC" -ge 2 ]; then
        printf 'correlate.sh: failed (exit %s):' "$RC" >&2
        printf ' %q' "$@" >&2
        printf '\n' >&2
        tail -n 8 "$WORK/log/$tag.err" | sed 's/^/  stderr: /' >&2
        exit 2
    fi
}
# faults: microseconds a page to fault in 64 MB of new memory (the probe built
# at the start). On this VM it varies about 8x with the host's state and makes
# every process start (ctest, tests, gcov) slower: printed beside each run.
faults() { "$WORK/bin/faultprobe" 2>/dev/null || echo NA; }
# warnings_of TAG: number of "warning" lines in TAG's stderr, and the first 3.
warnings_of() {
    local n
    n=$(grep -ci 'warning' "$WORK/log/$1.err" || true)
    printf '      stderr warnings: %s\n' "$n"
    [ "$n" = 0 ] || grep -i 'warning' "$WORK/log/$1.err" | head -n 3 | cut -c1-200 | sed 's/^/        /'
}
# ctest_ref TAG BUILD [ENV...] -- CTEST_ARGS...: a plain ctest -j1 with a JUnit
# file; sets WALL/UT/ST, PASSED/FAILED_T (from the JUnit) and JSUM (sum of the
# tests' own times).
ctest_ref() {
    local tag=$1 build=$2 envs=()
    shift 2
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    find "$build" -name '*.gcda' -delete
    FLT=$(faults)
    run_timed "$tag" env "${envs[@]}" ctest --test-dir "$build" -j1 --output-junit "$WORK/log/$tag.junit.xml" "$@"
    read -r NT PASSED_T FAILED_T JSUM < <(python3 "$WORK/helper.py" junit "$WORK/log/$tag.junit.xml")
    find "$build" -name '*.gcda' -delete
}

# --- the helper program -------------------------------------------------------
write_helper() {
    cat > "$WORK/helper.py" <<'PY'
"""Helpers of bench/correlate.sh (written out by it on every run)."""
import glob, gzip, json, os, re, subprocess, sys
import xml.etree.ElementTree as ET

def cmd_junit(path):
    """NT PASSED FAILED SUM-OF-TIMES of a CTest JUnit file."""
    cases = ET.parse(path).getroot().iter('testcase')
    n = p = f = 0
    s = 0.0
    for c in cases:
        n += 1
        s += float(c.get('time') or 0)
        st = c.get('status')
        if st == 'run' and c.find('failure') is None:
            p += 1
        elif st in ('fail',) or c.find('failure') is not None:
            f += 1
    print(n, p, f, '%.3f' % s)

SUMMARY = re.compile(r'recorded (\d+) tests \((\d+) failed, (\d+) without coverage\) in ([\d.]+) s; '
                     r'gcov: (\d+) of (\d+) \.gcda files counted something \((\d+) runs, (\d+) warnings\) '
                     r'in ([\d.]+) s')

def cmd_record(errfile, rec):
    """Shell assignments from record's summary line and its directory."""
    m = None
    for line in open(errfile, errors='replace'):
        m = SUMMARY.search(line) or m
    if not m:
        sys.exit('no summary line of cxscan record in %s' % errfile)
    keys = 'R_TESTS R_FAILED R_NOCOV R_TESTS_S R_COUNTED R_GCDA R_GCOV_RUNS R_GCOV_WARN R_GCOV_S'.split()
    for k, v in zip(keys, m.groups()):
        print('%s=%s' % (k, v))
    g = z = n = w = 0
    dur = user = sysc = 0.0
    for tj in glob.glob(os.path.join(rec, 'tests', '*', 'test.json')):
        t = json.load(open(tj))
        n += 1
        g += t['gcda_files']
        z += t['gcda_all_zero']
        w += len(t.get('warnings') or [])
        dur += t['duration_s']
        user += t.get('user_s') or 0
        sysc += t.get('sys_s') or 0
    disk_gcda = disk_json = disk_base = 0
    for root, _, files in os.walk(rec):
        for f in files:
            if f.endswith('.gcda'):
                disk_gcda += 1
            elif f.endswith('.gcov.json.gz'):
                if os.sep + 'baseline' + os.sep in root + os.sep:
                    disk_base += 1
                else:
                    disk_json += 1
    print('R_JSON_TESTS=%d R_JSON_GCDA=%d R_JSON_ZERO=%d R_JSON_WARN=%d' % (n, g, z, w))
    print('R_DUR=%.3f R_USER=%.3f R_SYS=%.3f' % (dur, user, sysc))
    print('R_DISK_GCDA=%d R_DISK_JSON=%d R_DISK_BASE=%d' % (disk_gcda, disk_json, disk_base))

def strip_summary(d):
    d = dict(d)
    d.pop('summary', None)
    return d

def cmd_same(a, b):
    """Exit 1 when the two reports differ outside "summary"."""
    sys.exit(0 if strip_summary(json.load(open(a))) == strip_summary(json.load(open(b))) else 1)

def cmd_fit(label, unit, *pts):
    """Least squares y = a + b x of points x,y."""
    xs, ys = [], []
    for p in pts:
        x, y = p.split(',')
        if y != 'NA':
            xs.append(float(x))
            ys.append(float(y))
    n = len(xs)
    if n < 2:
        print('   %-34s not enough points' % label)
        return
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    b = sxy / sxx if sxx else 0.0
    a = my - b * mx
    r2 = sxy * sxy / (sxx * syy) if sxx and syy else 1.0
    print('   %-34s %9.2f ms/unit  + %7.2f s   (r^2 %.4f, %d points)' % (label, 1000 * b, a, r2, n))

def real(path, cwd):
    return os.path.realpath(path if os.path.isabs(path) else os.path.join(cwd or '/', path))

def gcov_lines(doc, want):
    """{line: count} of the file WANT (real path) in one gcov JSON document."""
    out = {}
    cwd = doc.get('current_working_directory', '')
    for f in doc.get('files', []):
        if real(f['file'], cwd) == want:
            for l in f.get('lines', []):
                out[l['line_number']] = out.get(l['line_number'], 0) + l['count']
    return out

def load_gz(path):
    with gzip.open(path, 'rt') as fh:
        return json.load(fh)

def add(acc, d):
    for k, v in d.items():
        acc[k] = acc.get(k, 0) + v

INDEX = {}

def test_index(rec):
    """{test id: {gcov JSON basename: [paths]}} of a record, read once."""
    if not INDEX:
        for tdir in sorted(glob.glob(os.path.join(rec, 'tests', '*'))):
            names = INDEX.setdefault(os.path.basename(tdir), {})
            for root, _, files in os.walk(os.path.join(tdir, 'gcda')):
                for f in files:
                    if f.endswith('.gcov.json.gz'):
                        names.setdefault(f, []).append(os.path.join(root, f))
    return INDEX

def per_test(rec, src, rel):
    """{test id: {line: count}} of file REL from the record (objects named after it)."""
    want = os.path.realpath(os.path.join(src, rel))
    name = os.path.basename(rel) + '.gcda.gcov.json.gz'
    res = {}
    for t, names in test_index(rec).items():
        acc = {}
        for p in names.get(name, []):
            add(acc, gcov_lines(load_gz(p), want))
        res[t] = acc
    return res

def check_sums(rel, tests, once, build, src, gcov):
    """Counts summed over tests = one run into one prefix, for file REL."""
    want = os.path.realpath(os.path.join(src, rel))
    base = os.path.basename(rel)
    summed = {}
    for acc in tests.values():
        add(summed, acc)
    ref = {}
    objs = glob.glob(os.path.join(once, '**', base + '.gcda'), recursive=True)
    for gcda in objs:
        relobj = os.path.relpath(gcda, once)[:-len('.gcda')]
        dst = gcda[:-len('.gcda')] + '.gcno'
        if not os.path.exists(dst):
            with open(os.path.join(build, relobj + '.gcno'), 'rb') as i, open(dst, 'wb') as o:
                o.write(i.read())
        r = subprocess.run([gcov, '-j', '-t', gcda], cwd=os.path.dirname(gcda),
                           capture_output=True, text=True)
        if r.returncode or not r.stdout.strip():
            print('   FAIL %s: gcov failed on %s: %s' % (rel, gcda, r.stderr.strip()[:200]))
            return False
        for line in r.stdout.splitlines():
            if line.strip():
                add(ref, gcov_lines(json.loads(line), want))
    if not objs and not any(summed.values()):
        print('   SKIP %-46s no test of these ran it' % rel)
        return True
    keys = set(summed) | set(ref)
    diff = sorted(k for k in keys if summed.get(k, 0) != ref.get(k, 0))
    ok = not diff and bool(keys)
    print('   %s %-46s %d objects, %5d lines, %13d counts summed over tests, %13d in one run%s'
          % ('OK  ' if ok else 'FAIL', rel, len(objs), len(keys), sum(summed.values()), sum(ref.values()),
             '' if ok else '; %d lines differ, e.g. ' % len(diff)
             + ', '.join('line %d: %d vs %d' % (k, summed.get(k, 0), ref.get(k, 0)) for k in diff[:3])))
    return ok

def check_join(rel, tests, rec, byfile, durations, src):
    """Per function of REL: coverage, tests, touch_s of the report = recomputed."""
    f = byfile.get(rel)
    if not f:
        print('   FAIL %-46s not in the report' % rel)
        return False
    want = os.path.realpath(os.path.join(src, rel))
    inst = {}
    for p in glob.glob(os.path.join(rec, 'baseline', '**', os.path.basename(rel) + '.gcov.json.gz'),
                       recursive=True):
        add(inst, gcov_lines(load_gz(p), want))
    n = ok = 0
    errs = []
    for fn in f['functions']:
        lo, hi = fn['line'], fn['end_line']
        lines = {l for l in inst if lo <= l <= hi}
        run = {l for acc in tests.values() for l, c in acc.items() if lo <= l <= hi and c > 0}
        touching = [t for t, acc in tests.items() if any(lo <= l <= hi and c > 0 for l, c in acc.items())]
        cov = len(run & lines) / len(lines) if lines else None
        touch = sum(durations[t] for t in touching)
        n += 1
        good = ((cov is None and fn['coverage'] is None)
                or (cov is not None and fn['coverage'] is not None and abs(cov - fn['coverage']) < 1e-4)) \
            and fn['tests'] == len(touching) and abs(touch - fn['touch_s']) <= 1e-3 + 1e-4 * touch
        ok += good
        if not good:
            errs.append('%s:%d %s: report coverage %s tests %s touch %s; recomputed %s, %d, %.4f'
                        % (rel, lo, fn['name'], fn['coverage'], fn['tests'], fn['touch_s'],
                           cov if cov is None else round(cov, 4), len(touching), touch))
    print('   %s %-46s %3d functions, %3d agree (coverage, tests, touch time)'
          % ('OK  ' if ok == n else 'FAIL', rel, n, ok))
    for e in errs[:4]:
        print('        ' + e)
    return ok == n

def cmd_checks(rec, once, build, src, gcov, report, exclude, *files):
    """a. summed counts = one run; b. the join. Exit status: 0, or 10 + 1 (a failed) + 2 (b failed)."""
    rep = json.load(open(report))
    byfile = {f['path']: f for f in rep['files']}
    durations = {}
    for tj in glob.glob(os.path.join(rec, 'tests', '*', 'test.json')):
        durations[os.path.basename(os.path.dirname(tj))] = json.load(open(tj))['duration_s']
    per = {rel: per_test(rec, src, rel) for rel in files}
    skip = set()
    if os.path.exists(exclude):
        names = {l.strip() for l in open(exclude) if l.strip()}
        for t in per[files[0]]:
            if json.load(open(os.path.join(rec, 'tests', t, 'test.json')))['name'] in names:
                skip.add(t)
    print('a. line counts summed over the tests = one run of the same tests into one prefix (%s),'
          ' without the %d tests that ran differently:' % (once, len(skip)))
    a = all([check_sums(rel, {t: c for t, c in per[rel].items() if t not in skip}, once, build, src, gcov)
             for rel in files])
    print('b. the join: coverage, tests, touch time of each function, recomputed from the gcov JSON:')
    b = all([check_join(rel, per[rel], rec, byfile, durations, src) for rel in files])
    sys.stdout.flush()
    sys.exit(0 if a and b else 10 + (0 if a else 1) + (0 if b else 2))

def all_counts(tdir):
    """{(real file, line): count} over every gcov JSON of one test directory, counts > 0."""
    out = {}
    for root, _, files in os.walk(os.path.join(tdir, 'gcda')):
        for f in files:
            if f.endswith('.gcov.json.gz'):
                d = load_gz(os.path.join(root, f))
                cwd = d.get('current_working_directory', '')
                for fe in d.get('files', []):
                    path = real(fe['file'], cwd)
                    for l in fe.get('lines', []):
                        if l['count']:
                            k = (path, l['line_number'])
                            out[k] = out.get(k, 0) + l['count']
    return out

def cmd_nondet(rec_a, rec_b, names_out):
    """Tests whose line counts differ between two records of the same tests -> NAMES_OUT."""
    ids = sorted(os.listdir(os.path.join(rec_a, 'tests')))
    if ids != sorted(os.listdir(os.path.join(rec_b, 'tests'))):
        sys.exit('the two records hold different tests')
    diff = []
    for t in ids:
        ca, cb = all_counts(os.path.join(rec_a, 'tests', t)), all_counts(os.path.join(rec_b, 'tests', t))
        if ca != cb:
            keys = [k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k)]
            name = json.load(open(os.path.join(rec_a, 'tests', t, 'test.json')))['name']
            diff.append((name, len(keys), sorted({os.path.basename(k[0]) for k in keys})))
    with open(names_out, 'w') as fh:
        for name, _, _ in diff:
            fh.write(name + '\n')
    print('   %d of %d tests ran differently in the two records (their line counts differ):' % (len(diff), len(ids)))
    for name, n, files in diff:
        print('     %-50s %5d lines differ, in %d files (%s%s)'
              % (name, n, len(files), ', '.join(files[:3]), ', ...' if len(files) > 3 else ''))

def cmd_report(report, n_expected):
    """Totals of the correlation, top 5 by H and by CRAP; exit 1 on a bad count."""
    rep = json.load(open(report))
    c = rep['correlation']
    print('   correlation: %d tests (%d without coverage), total %.2f s, d0 %.4f s, u0 %.4f s, '
          'attributed %.2f s (product %.2f, harness %.2f, unmatched %.4f), %d warnings'
          % (c['tests'], c['tests_without_coverage'], c['total_s'], c['d0_s'], c['u0_s'],
             c['attributed_s'], c['product_s'], c['harness_s'], c['unmatched_s'], len(c['warnings'])))
    for w in c['warnings'][:5]:
        print('      warning: ' + w[:200])
    fns = [(f['path'], fn) for f in rep['files'] for fn in f['functions']]
    prod = [(p, fn) for p, fn in fns if not fn['test_code']]
    withcov = sum(fn['coverage'] is not None for _, fn in prod)
    covered = sum(1 for _, fn in prod if fn['coverage'])
    print('   functions: %d (%d product, %d with coverage data, %d run by some test)'
          % (len(fns), len(prod), withcov, covered))
    print('   top 5 by H (CC x attributed time), product code:')
    print('          H   CC  attributed      touch tests  cover  function')
    for p, fn in sorted(prod, key=lambda x: -x[1]['hot'])[:5]:
        print('   %8.4f %4d %10.4fs %9.2fs %5d %5.1f%%  %s:%d %s'
              % (fn['hot'], fn['ccn'], fn['attributed_s'], fn['touch_s'], fn['tests'],
                 100 * (fn['coverage'] or 0), p, fn['line'], fn['name']))
    print('   top 5 by CRAP, product code:')
    print('       CRAP   CC  cover tests  function')
    for p, fn in sorted(prod, key=lambda x: -x[1]['crap'])[:5]:
        print('   %8.1f %4d %5.1f%% %5d  %s:%d %s'
              % (fn['crap'], fn['ccn'], 100 * (fn['coverage'] or 0), fn['tests'], p, fn['line'], fn['name']))
    slow = sorted(rep['tests'], key=lambda t: -(t['duration_s'] or 0))[:3]
    print('   slowest tests: ' + '; '.join('%s %.2f s (user %.2f, footprint %.1f)'
                                         % (t['name'], t['duration_s'], t['user_s'] or 0, t['footprint'])
                                         for t in slow))
    ok = c['tests'] == int(n_expected) and c['tests_without_coverage'] == 0
    sys.exit(0 if ok else 1)

if __name__ == '__main__':
    globals()['cmd_' + sys.argv[1]](*sys.argv[2:])
PY
}

# --- setup --------------------------------------------------------------------
missing=()
for p in time python3 cmake; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing packages: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "need root to install ${missing[*]}"
    apt-get update -q > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" > /dev/null
fi
mkdir -p "$WORK/bin" "$WORK/log"
[ -x "$CX_ORIG" ] || die "no cxscan binary at $CX_ORIG (build it, or pass its path)"
copy_cxscan "$CX_ORIG" "$WORK/bin"
help=$("$CXB" --help 2>&1) || die "$CX_ORIG --help failed"
grep -q -- '--correlate' <<< "$help" && grep -q 'cxscan record' <<< "$help" \
    || die "$CX_ORIG has no record / --correlate (not in its --help)"
write_helper
cat > "$WORK/bin/faultprobe.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
int main(void)
{
	size_t n = (size_t)64 << 20, pages = n / 4096;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	volatile char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / pages);
	return 0;
}
C
gcc -O1 -o "$WORK/bin/faultprobe" "$WORK/bin/faultprobe.c" || die "cannot build the page-fault probe"

if [ "$PREPARE" = 1 ]; then
    t0=$SECONDS
    NOCOV="$NOCOV" JOBS="$JOBS" bash "$TREE/bench/prepare/libarchive.sh" "$LIBARCHIVE" > "$WORK/log/prepare.log" 2>&1 \
        || { tail -n 15 "$WORK/log/prepare.log" >&2; die "bench/prepare/libarchive.sh failed (log: $WORK/log/prepare.log)"; }
    log "prepared $LIBARCHIVE in $((SECONDS - t0)) s (log: $WORK/log/prepare.log)"
fi
SRC="$(cat "$LIBARCHIVE/.cxbench/srcdir" 2>/dev/null)" || die "no $LIBARCHIVE/.cxbench/srcdir (run bench/prepare/libarchive.sh)"
B="$LIBARCHIVE/build-cov"
BN="$LIBARCHIVE/build-nocov"
[ -f "$B/CTestTestfile.cmake" ] && [ -s "$B/compile_commands.json" ] || die "no coverage build in $B"
[ "$NOCOV" = 0 ] || [ -f "$BN/CTestTestfile.cmake" ] || die "no build without coverage in $BN (NOCOV=0 skips it)"
export "$(cat "$LIBARCHIVE/.cxbench/env")"     # LOCPATH for the en_US.UTF-8 tests
GCOV=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=.*gcc\(-[0-9]*\)$/gcov\1/p' "$B/CMakeCache.txt")
GCOV=${GCOV:-gcov}
STRIP=$(awk -F/ '{ n = 0; for (i = 1; i <= NF; i++) if ($i != "") n++; print n }' <<< "$B")
TOTAL=$(ctest --test-dir "$B" -N | sed -n 's/^Total Tests: //p')
[ "${TOTAL:-0}" -gt 0 ] || die "no tests in $B"

log "cxscan: $CX_ORIG ($("$CXB" --version | head -n 1), sha1 $(sha1sum "$CXB" | cut -c1-12)), JOBS=$JOBS, $(nproc) cores"
log "project: libarchive $(sed -n '1s/^libarchive (\([^)]*\)).*/\1/p' "$SRC/debian/changelog") ($SRC), $TOTAL CTest tests," \
    "$(grep -c '"file"' "$B/compile_commands.json") compile commands; $("$GCOV" --version | head -n 1); $(ctest --version | head -n 1)"
log "build: $B ($(sed -n 's/^CMAKE_C_FLAGS:STRING=//p' "$B/CMakeCache.txt"), Debug -g); $LOCPATH"
log "N = $NS, REPEAT=$REPEAT; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); page faults: $(faults) us a page"
T0=$SECONDS

# --- 1. references ------------------------------------------------------------
printf '\n== 1. plain ctest -j1 of the whole suite (%s tests; %s run(s) each, interleaved, median) ==\n' "$TOTAL" "$REPEAT"
printf '   %-52s %8s %8s %8s %6s %7s  %s\n' run wall user+sys "tests'" other faults "passed/failed"
ref_line() {
    printf '   %-52s %8.2f %8.2f %8.2f %6s %7s  %s/%s\n' "$1" "$WALL" \
        "$(awk -v u="$UT" -v s="$ST" 'BEGIN { print u + s }')" "$JSUM" "$OTHER" "$FLT" "$PASSED_T" "$FAILED_T"
    [ "$FAILED_T" = 0 ] || FAILED+=("$1: $FAILED_T tests failed")
}
L_NOCOV="" L_PLAIN="" L_ONCE="" L_JPLAIN=""
for r in $(seq 1 "$REPEAT"); do
    if [ "$NOCOV" != 0 ]; then
        ctest_ref "ref-nocov-$r" "$BN" --
        L_NOCOV+=" $WALL"
        ref_line "a. build-nocov (no --coverage), run $r"
    fi
    ctest_ref "ref-plain-$r" "$B" --
    L_PLAIN+=" $WALL" L_JPLAIN+=" $JSUM"
    ref_line "b. build-cov, .gcda into the build tree, run $r"
    rm -rf "$WORK/once-all"
    ctest_ref "ref-once-$r" "$B" GCOV_PREFIX="$WORK/once-all" GCOV_PREFIX_STRIP="$STRIP" --
    L_ONCE+=" $WALL"
    ref_line "c. build-cov, one GCOV_PREFIX for all tests, run $r"
done
W_NOCOV=NA
[ "$NOCOV" = 0 ] || W_NOCOV=$(median $L_NOCOV)
W_PLAIN=$(median $L_PLAIN) J_PLAIN=$(median $L_JPLAIN) W_ONCE=$(median $L_ONCE)
printf '   median wall: a %s s, b %s s, c %s s (faults: us to fault in a page of new memory just before)\n' "$W_NOCOV" "$W_PLAIN" "$W_ONCE"
printf '   cost of coverage: b/a %s, c/a %s; of one prefix: c/b %s (%s .gcda files written under the prefix)\n' \
    "$(ratio "$W_PLAIN" "$W_NOCOV")" "$(ratio "$W_ONCE" "$W_NOCOV")" "$(ratio "$W_ONCE" "$W_PLAIN")" \
    "$(find "$WORK/once-all" -name '*.gcda' | wc -l)"

# --- 2./3. record and correlate --------------------------------------------
printf '\n== 2. cxscan record -j%s (each run next to a plain ctest of the same tests), 3. --correlate -j%s ==\n' "$JOBS" "$JOBS"
printf '   (cold: a new cache, 1 run; warm: the same cache, median of 3; times of record: median of %s)\n' "$REPEAT"
# The scan alone, cold once: the floor of a cold correlate.
rm -f "$WORK/cache-scan.sqlite"
must_ok scan-cold "$CXB" -q -j "$JOBS" -p "$B" "$SRC" --format=json -o "$WORK/scan.json" --cache "$WORK/cache-scan.sqlite"
S_COLD=$WALL
printf '   scan alone (no --correlate): cold %.2f s, RSS %s MB, other %s cores\n' "$S_COLD" "$((RSS / 1024))" "$OTHER"
declare -A PW PJ PN RT RG RW CC CW SW NN GR GJ
for n in $NS; do
    rec="$WORK/rec-$n"
    sel=()
    [ "$n" = all ] || sel=(-- -I "1,$n")
    printf '\n   N=%s:\n' "$n"
    l_pw="" l_pj="" l_rt="" l_rg="" l_rw="" l_rest=""
    for r in $(seq 1 "$REPEAT"); do
        if [ "$n" = all ]; then
            pw="(b)" NT=$TOTAL
        else
            ctest_ref "plain-$n-$r" "$B" -- -I "1,$n"
            pw=$WALL
            l_pw+=" $WALL" l_pj+=" $JSUM"
            [ "$FAILED_T" = 0 ] || FAILED+=("plain ctest -I 1,$n: $FAILED_T tests failed")
        fi
        PN[$n]=$NT
        # the run before is kept (REC.prev): check 5a compares the two
        rm -rf "$rec.prev"
        [ ! -d "$rec" ] || mv "$rec" "$rec.prev"
        sync
        flt=$(faults)
        must_ok "record-$n-$r" "$CXB" record --build-dir "$B" --out "$rec" -j "$JOBS" "${sel[@]}"
        eval "$(python3 "$WORK/helper.py" record "$WORK/log/record-$n-$r.err" "$rec")" \
            || die "could not read the record of N=$n"
        l_rt+=" $R_TESTS_S" l_rg+=" $R_GCOV_S" l_rw+=" $WALL"
        l_rest+=" $(awk -v w="$WALL" -v a="$R_TESTS_S" -v b="$R_GCOV_S" 'BEGIN { printf "%.3f", w - a - b }')"
        printf '      run %s: plain ctest %s s; record wall %.2f s (test phase %.2f, gcov %.2f; user %s, sys %s, RSS %s MB, other %s cores, faults %s us)\n' \
            "$r" "$pw" "$WALL" "$R_TESTS_S" "$R_GCOV_S" "$UT" "$ST" "$((RSS / 1024))" "$OTHER" "$flt"
    done
    if [ "$n" = all ]; then
        PW[$n]=$W_PLAIN PJ[$n]=$J_PLAIN
    else
        PW[$n]=$(median $l_pw) PJ[$n]=$(median $l_pj)
    fi
    NN[$n]=$R_TESTS RT[$n]=$(median $l_rt) RG[$n]=$(median $l_rg) RW[$n]=$(median $l_rw)
    printf '      record %s tests (%s failed, %s without coverage): wall %.2f s\n' \
        "$R_TESTS" "$R_FAILED" "$R_NOCOV" "${RW[$n]}"
    printf '      test phase %8.2f s = %s x plain ctest of the same tests (%.2f s); %.1f ms a test more\n' \
        "${RT[$n]}" "$(ratio "${RT[$n]}" "${PW[$n]}")" "${PW[$n]}" \
        "$(awk -v a="${RT[$n]}" -v b="${PW[$n]}" -v n="$R_TESTS" 'BEGIN { printf "%.1f", 1000 * (a - b) / n }')"
    printf "      tests' own time (CTest durations, last run) %.2f s in record, %.2f s in the plain run (x %s); user %.2f + sys %.2f s\n" \
        "$R_DUR" "${PJ[$n]}" "$(ratio "$R_DUR" "${PJ[$n]}")" "$R_USER" "$R_SYS"
    printf '      gcov phase %8.2f s = %s ms a test; %s gcov runs (%s of %s .gcda counted, %s all-zero skipped = %.1f%%; %s baseline .gcno), %s warnings\n' \
        "${RG[$n]}" "$(per "${RG[$n]}" "$R_TESTS")" "$R_GCOV_RUNS" "$R_COUNTED" "$R_GCDA" \
        "$((R_GCDA - R_COUNTED))" "$(awk -v z="$((R_GCDA - R_COUNTED))" -v g="$R_GCDA" 'BEGIN { printf "%.1f", g ? 100 * z / g : 0 }')" \
        "$R_DISK_BASE" "$R_GCOV_WARN"
    # shellcheck disable=SC2034  # read by fitx's eval
    GR[$n]=$R_GCOV_RUNS GJ[$n]=$R_COUNTED
    printf '      rest (listing, cleaning, manifest, test.json) %.2f s; record on disk: %s, %s .gcda, %s .gcov.json.gz\n' \
        "$(median $l_rest)" \
        "$(du -sh "$rec" | cut -f1)" "$R_DISK_GCDA" "$R_DISK_JSON"
    warnings_of "record-$n-$REPEAT"
    if [ "$R_JSON_GCDA" = "$R_GCDA" ] && [ "$R_JSON_ZERO" = "$((R_GCDA - R_COUNTED))" ] \
        && [ "$R_DISK_GCDA" = "$R_GCDA" ] && [ "$R_DISK_JSON" = "$R_COUNTED" ] && [ "$R_JSON_TESTS" = "$R_TESTS" ]; then
        check OK "N=$n: summary line = test.json counts = files on disk ($R_GCDA .gcda, $R_COUNTED gcov JSON)"
    else
        check FAIL "N=$n: summary ($R_GCDA .gcda, $R_COUNTED counted, $R_TESTS tests) vs test.json ($R_JSON_GCDA, $((R_JSON_GCDA - R_JSON_ZERO)), $R_JSON_TESTS) vs disk ($R_DISK_GCDA .gcda, $R_DISK_JSON JSON)"
    fi
    [ "$R_TESTS" = "${PN[$n]}" ] && [ "$R_FAILED" = 0 ] && [ "$R_NOCOV" = 0 ] \
        && check OK "N=$n: $R_TESTS tests recorded, as many as the plain run, none failed, all with coverage" \
        || check FAIL "N=$n: $R_TESTS tests recorded ($R_FAILED failed, $R_NOCOV without coverage), plain run ${PN[$n]}"

    rm -f "$WORK/cache-$n.sqlite"
    must_ok "corr-cold-$n" "$CXB" -j "$JOBS" --correlate "$rec" -p "$B" "$SRC" --format=json \
        -o "$WORK/corr-cold-$n.json" --cache "$WORK/cache-$n.sqlite"
    CC[$n]=$WALL cold_rss=$RSS cold_other=$OTHER
    l_cw="" l_sw=""
    for r in 1 2 3; do
        must_ok "corr-warm-$n-$r" "$CXB" -j "$JOBS" --correlate "$rec" -p "$B" "$SRC" --format=json \
            -o "$WORK/corr-warm-$n.json" --cache "$WORK/cache-$n.sqlite"
        l_cw+=" $WALL" warm_rss=$RSS
        must_ok "scan-warm-$n-$r" "$CXB" -q -j "$JOBS" -p "$B" "$SRC" --format=json -o "$WORK/scan-warm-$n.json" \
            --cache "$WORK/cache-$n.sqlite"
        l_sw+=" $WALL"
    done
    CW[$n]=$(median $l_cw) SW[$n]=$(median $l_sw)
    printf '      correlate: cold %.2f s (RSS %s MB, other %s cores), warm %.2f s (RSS %s MB; runs:%s); the scan alone warm %.2f s -> join %.2f s = %s ms a test\n' \
        "${CC[$n]}" "$((cold_rss / 1024))" "$cold_other" "${CW[$n]}" "$((warm_rss / 1024))" "$l_cw" "${SW[$n]}" \
        "$(sub "${CW[$n]}" "${SW[$n]}")" "$(per "$(sub "${CW[$n]}" "${SW[$n]}")" "$R_TESTS")"
    printf '      correlate per test: cold %s ms, warm %s ms\n' "$(per "${CC[$n]}" "$R_TESTS")" "$(per "${CW[$n]}" "$R_TESTS")"
    warnings_of "corr-warm-$n-3"
    python3 "$WORK/helper.py" same "$WORK/corr-cold-$n.json" "$WORK/corr-warm-$n.json" \
        && check OK "N=$n: cold and warm reports equal (outside summary)" \
        || check FAIL "N=$n: cold and warm reports differ: $WORK/corr-cold-$n.json $WORK/corr-warm-$n.json"
done

# --- 4. scaling ---------------------------------------------------------------
printf '\n== 4. scaling with the number of tests (least squares over N = %s; unit = a test) ==\n' "$NS"
fit() {
    local label=$1 expr=$2 n args=()
    for n in $NS; do args+=("${NN[$n]},$(eval "echo $expr")"); done
    python3 "$WORK/helper.py" fit "$label" s "${args[@]}"
}
fit "record wall" '${RW[$n]}'
fit "record test phase" '${RT[$n]}'
fit "plain ctest of the same tests" '${PW[$n]}'
fit "record gcov phase" '${RG[$n]}'
fitx() {  # fitx LABEL XEXPR YEXPR: y against another x
    local n args=()
    for n in $NS; do args+=("$(eval "echo $2"),$(eval "echo $3")"); done
    python3 "$WORK/helper.py" fit "$1" s "${args[@]}"
}
fit "correlate cold" '${CC[$n]}'
fit "correlate warm" '${CW[$n]}'
fit "join (correlate warm - scan warm)" '$(sub ${CW[$n]} ${SW[$n]})'
printf '   against the work itself (x = gcov runs, resp. gcov JSON files of the record; ms/run, ms/file):\n'
fitx "record gcov phase / gcov runs" '${GR[$n]}' '${RG[$n]}'
fitx "join / gcov JSON files" '${GJ[$n]}' '$(sub ${CW[$n]} ${SW[$n]})'
printf '   %-6s %6s %9s %9s %9s %8s %9s %9s %9s %9s %9s\n' N tests plain record "test phase" test/pl gcov/test cold warm join join/test
for n in $NS; do
    j=$(sub "${CW[$n]}" "${SW[$n]}")
    printf '   %-6s %6s %8.2fs %8.2fs %9.2fs %8s %7sms %8.2fs %8.2fs %8.2fs %7sms\n' "$n" "${NN[$n]}" "${PW[$n]}" "${RW[$n]}" \
        "${RT[$n]}" "$(ratio "${RT[$n]}" "${PW[$n]}")" "$(per "${RG[$n]}" "${NN[$n]}")" "${CC[$n]}" "${CW[$n]}" "$j" "$(per "$j" "${NN[$n]}")"
done

# --- 5. checks ----------------------------------------------------------------
LAST=${NS##* }
rec="$WORK/rec-$LAST"
printf '\n== 5. checks on N=%s (%s) ==\n' "$LAST" "$rec"
# Tests that do not run the same code twice (random input, time) cannot sum up
# to another run's counts: found by comparing the last two records, then left
# out of both sides.
: > "$WORK/nondet.txt"
if [ -d "$rec.prev" ]; then
    printf 'a0. the same tests recorded twice (%s, %s.prev):\n' "$rec" "$rec"
    python3 "$WORK/helper.py" nondet "$rec" "$rec.prev" "$WORK/nondet.txt" \
        || die "could not compare $rec and $rec.prev"
else
    printf 'a0. only one record of N=%s (REPEAT=1): tests that run differently each time are not known;\n' "$LAST"
    printf '    check a. then fails on them (libarchive: the fuzz_* tests); REPEAT=2 or more finds them\n'
fi
once="$WORK/once-check"
rm -rf "$once"
sel=()
[ "$LAST" = all ] || sel=(-I "1,$LAST")
[ ! -s "$WORK/nondet.txt" ] || sel+=(-E "^($(paste -sd'|' "$WORK/nondet.txt"))\$")
find "$B" -name '*.gcda' -delete
run_timed once-check env GCOV_PREFIX="$once" GCOV_PREFIX_STRIP="$STRIP" ctest --test-dir "$B" -j1 "${sel[@]}"
find "$B" -name '*.gcda' -delete
printf '    one run into one prefix: ctest -j1'
printf ' %q' "${sel[@]}"
printf ' (%.1f s, %s tests)\n' "$WALL" "$(grep -o 'out of [0-9]*' "$WORK/log/once-check.out" | tail -n 1 | cut -d' ' -f3)"
rc=0
python3 "$WORK/helper.py" checks "$rec" "$once" "$B" "$SRC" "$GCOV" "$WORK/corr-warm-$LAST.json" "$WORK/nondet.txt" "${CHECK[@]}" || rc=$?
case $rc in
    0) rc=10 ;;
    11|12|13) ;;
    *) die "the checks of the counts and the join could not run (exit $rc)" ;;
esac
[ $(((rc - 10) & 1)) = 0 ] && check OK "summed per-test counts = one run, for the ${#CHECK[@]} files ($(wc -l < "$WORK/nondet.txt") tests that ran differently left out)" \
    || check FAIL "summed per-test counts differ from one run (see a. above)"
[ $(((rc - 10) & 2)) = 0 ] && check OK "report's coverage/tests/touch = recomputed, for the ${#CHECK[@]} files" \
    || check FAIL "report's coverage/tests/touch differ from the recomputed ones (see b. above)"
printf 'c. the report of N=%s:\n' "$LAST"
python3 "$WORK/helper.py" report "$WORK/corr-warm-$LAST.json" "${NN[$LAST]}" \
    && check OK "correlation.tests = ${NN[$LAST]}, none without coverage" \
    || check FAIL "correlation.tests != ${NN[$LAST]} or some test without coverage"
printf 'd. a relative -o of a cold --correlate (cd %s; -o rel-out.json, new cache):\n' "$WORK"
rm -f "$WORK/rel-out.json" "$WORK/cache-rel.sqlite"
find "$B" "$SRC" -name rel-out.json -delete
(cd "$WORK" && "$CXB" -q -j "$JOBS" --correlate "rec-$LAST" -p "$B" "$SRC" --format=json \
    -o rel-out.json --cache cache-rel.sqlite) || true
if [ -f "$WORK/rel-out.json" ]; then
    check OK "relative -o written into the current directory"
else
    stray=$(find "$B" "$SRC" -name rel-out.json | head -n 3 | tr '\n' ' ')
    check FAIL "relative -o not in the current directory but in: ${stray:-nowhere}"
    find "$B" "$SRC" -name rel-out.json -delete
fi

# --- summary ------------------------------------------------------------------
printf '\n== summary ==\n'
printf '   page faults at the end: %s us a page\n' "$(faults)"
printf '   benchmark time %d s; other processes used up to %s cores during the runs%s\n' $((SECONDS - T0)) "$MAX_OTHER" \
    "$(awk -v o="$MAX_OTHER" 'BEGIN { if (o > 0.15) print " (machine busy: numbers noisy)" }')"
if [ ${#FAILED[@]} = 0 ]; then
    printf '   all checks passed\n'
    exit 0
fi
printf '   %d checks FAILED:\n' ${#FAILED[@]}
printf '     - %s\n' "${FAILED[@]}"
exit 1
