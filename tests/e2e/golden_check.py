#!/usr/bin/env python3
"""Runs cxscan over tests/golden in one macro mode and compares every column
of expected.tsv with the JSON output. usage: golden_check.py ignore|expand

Environment: CXSCAN (the binary), CX_TESTS (the tests directory).
With libclang >= 17 an `&&`/`||` from a macro body is visible in expand mode
(clang_getCursorBinaryOperatorKind); expected-libclang17.tsv overrides the
rows that changes. Prints one line per mismatch and `N passed, M failed`."""
import json, os, re, subprocess, sys

COLS = ["ccn", "ccn_modified", "npath", "cognitive", "max_nesting", "params",
        "variadic", "nloc", "tokens", "statements"]
XCOLS = {"x_ccn": "ccn", "x_npath": "npath", "x_cognitive": "cognitive",
         "x_max_nesting": "max_nesting"}


def load(path):
    rows, hdr = [], None
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cells = line.rstrip("\n").split("\t")
        if hdr is None:
            hdr = cells
        else:
            rows.append(dict(zip(hdr, cells)))
    return rows


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "ignore"
    binary, tests = os.environ["CXSCAN"], os.environ["CX_TESTS"]
    gdir = os.path.join(tests, "golden")
    args = [binary, "--format=json", "--no-cache", "--fail-on=never", "--macros=" + mode, gdir]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit("golden: %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
    doc = json.loads(p.stdout)
    got = {}
    for f in doc["files"]:
        assert f["status"] == "ok", (f["path"], f["diagnostics"])
        for fn in f["functions"]:
            got[(os.path.basename(f["path"]), fn["name"], fn["line"])] = fn
    rows = load(os.path.join(gdir, "expected.tsv"))
    m = re.search(r"version (\d+)", doc["tool"]["libclang"])
    if m and int(m.group(1)) >= 17:
        over = {(r["file"], r["function"]): r
                for r in load(os.path.join(gdir, "expected-libclang17.tsv"))}
        for r in rows:
            r.update({k: v for k, v in over.get((r["file"], r["function"]), {}).items() if v})
    cols = {c: c for c in COLS} if mode == "ignore" else XCOLS
    passed = failed = 0
    for r in rows:
        fn = got.pop((r["file"], r["function"], int(r["line"])), None)
        if fn is None:
            bad = ["missing"]
        else:
            bad = ["%s=%s want %s" % (k, int(fn[c]), r[k]) for k, c in cols.items()
                   if str(int(fn[c])) != r[k]]
        if bad:
            failed += 1
            print("%s:%s %s: %s" % (r["file"], r["line"], r["function"], "; ".join(bad)))
        else:
            passed += 1
    for key in got:
        failed += 1
        print("%s:%s %s: reported but not in expected.tsv" % (key[0], key[2], key[1]))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or passed != len(rows) else 0)


main()
