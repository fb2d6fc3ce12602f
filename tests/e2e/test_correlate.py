#!/usr/bin/env python3
"""End-to-end tests of `cxscan record` and `cxscan --correlate` on the
fixture project tests/correlate/fixture (CMake + CTest + cmocka, built with
--coverage): the slow complex function ranks first by H, the helper every
test calls gets ~0 attributed time despite the largest touch time, the
untested CC-11 function ranks first by CRAP with 132, per-test counts add up
to one full run's, and damaged inputs cost a warning, not the report.

Environment: CXSCAN (the binary), CX_TESTS (the tests directory)."""
import glob
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import unittest

CXSCAN = os.environ.get("CXSCAN")
FIXTURE = os.path.join(os.environ.get("CX_TESTS", os.path.dirname(__file__) + "/.."),
                       "correlate", "fixture")


def run(args, cwd=None, env=None, check=True):
    e = dict(os.environ, NO_COLOR="1")
    e.pop("GCOV_PREFIX", None)
    e.update(env or {})
    p = subprocess.run(args, cwd=cwd, env=e, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (args, p.returncode, p.stdout, p.stderr))
    return p


def read(path, mode="r", opener=open):
    with opener(path, mode) as f:
        return f.read()


def load(path):
    return json.loads(read(path))


def gcov_lines(doc):
    """{(file, line): count} of one gcov JSON document."""
    cwd = doc.get("current_working_directory", "")
    out = {}
    for f in doc["files"]:
        path = os.path.normpath(os.path.join(cwd, f["file"]))
        for ln in f["lines"]:
            key = (path, ln["line_number"])
            out[key] = out.get(key, 0) + ln["count"]
    return out


def add(into, more):
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


class Correlate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cxscan-corr-")
        cls.build = os.path.join(cls.tmp, "build")
        run(["cmake", "-S", FIXTURE, "-B", cls.build, "-DFIXTURE_COVERAGE=ON",
             "-DCMAKE_BUILD_TYPE=Debug"])
        run(["cmake", "--build", cls.build])
        cls.rec = os.path.join(cls.tmp, "gcov")
        p = run([CXSCAN, "record", "--build-dir", cls.build, "--out", cls.rec, "-j", "2"])
        cls.record_err = p.stderr
        cls.cache = os.path.join(cls.tmp, "cache.sqlite")

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("CX_KEEP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def correlate(self, d, *extra, check=True):
        return run([CXSCAN, "--correlate", d, "-p", self.build, "--cache", self.cache,
                    "-q", *extra, FIXTURE], check=check)

    def correlate_json(self, d, *extra):
        doc = json.loads(self.correlate(d, "--format=json", *extra).stdout)
        fns = {}
        for f in doc["files"]:
            for fn in f["functions"]:
                fns[(f["path"], fn["name"], fn["line"])] = fn
        return doc, fns

    def test_record_layout(self):
        m = load(os.path.join(self.rec, "manifest.json"))
        self.assertEqual(m["format"], "cxscan-gcov")
        self.assertEqual(m["version"], 1)
        self.assertEqual(m["build_dir"], os.path.realpath(self.build))
        self.assertEqual(m["prefix_strip"], len(os.path.realpath(self.build).strip("/").split("/")))
        self.assertEqual(m["source_dir"], os.path.realpath(FIXTURE))
        self.assertTrue(m["gcov"].startswith("gcov"), m["gcov"])
        self.assertEqual(m["tests"], 4)
        rows = read(os.path.join(self.rec, "timings.tsv")).splitlines()
        self.assertEqual(rows[0], "id\tname\tstatus\tduration_s\tuser_s\tsys_s")
        names = [r.split("\t")[1] for r in rows[1:]]
        self.assertEqual(names, ["test_checksum", "test_text", "test_ab", "test_plain"])
        for i, name in enumerate(names, 1):
            d = os.path.join(self.rec, "tests", "%04d-%s" % (i, name))
            t = load(os.path.join(d, "test.json"))
            self.assertEqual(t["name"], name)
            self.assertEqual(t["status"], "passed")
            self.assertEqual(t["exit_code"], 0)
            self.assertGreater(t["duration_s"], 0)
            self.assertGreaterEqual(t["gcda_files"], 2)
            self.assertEqual(t["warnings"], [])
            self.assertTrue(os.path.exists(os.path.join(d, "junit.xml")))
            gz = glob.glob(os.path.join(d, "gcda", "**", "*.gcov.json.gz"), recursive=True)
            self.assertEqual(len(gz), t["gcda_files"] - t["gcda_all_zero"])
        # plain_unused.c is linked into test_plain, never called: no gcov for it
        plain = load(os.path.join(self.rec, "tests", "0004-test_plain", "test.json"))
        self.assertEqual(plain["gcda_all_zero"], 1)
        self.assertFalse(glob.glob(os.path.join(self.rec, "tests", "0004-test_plain", "gcda", "**",
                                                "plain_unused.c.gcov.json.gz"), recursive=True))
        self.assertTrue(glob.glob(os.path.join(self.rec, "tests", "0004-test_plain", "gcda", "**",
                                               "plain_unused.c.gcda"), recursive=True))
        # the slow test is the slow one, in CTest's own time too
        slow = load(os.path.join(self.rec, "tests", "0001-test_checksum", "test.json"))
        fast = load(os.path.join(self.rec, "tests", "0002-test_text", "test.json"))
        self.assertGreater(slow["user_s"], 5 * fast["user_s"])
        # legacy.c is never linked into a test: only the baseline knows it
        self.assertTrue(glob.glob(os.path.join(self.rec, "baseline", "**", "legacy.c.gcov.json.gz"),
                                  recursive=True))
        self.assertIn("recorded 4 tests (0 failed, 0 without coverage)", self.record_err)
        self.assertIn("gcov: 13 of 14 .gcda files counted something", self.record_err)

    def test_test_code_from_the_build(self):
        """record learns test code from the CTest targets and the compile
        database; --correlate follows manifest.json, not the path rule."""
        m = load(os.path.join(self.rec, "manifest.json"))
        fix = os.path.realpath(FIXTURE)
        self.assertEqual(m["sources"]["test"],
                         [os.path.join(fix, "tests", f) for f in
                          ("plain_unused.c", "test_ab.c", "test_checksum.c", "test_plain.c",
                           "test_text.c")])
        self.assertEqual(m["sources"]["product"],
                         [os.path.join(fix, "src", f) for f in
                          ("a.c", "b.c", "checksum.c", "legacy.c", "text.c", "valid.c")])
        # the same record with src/valid.c declared test code (as a harness
        # outside a tests/ directory would be) and tests/test_ab.c product
        alt = os.path.join(self.tmp, "gcov-alt")
        shutil.rmtree(alt, ignore_errors=True)
        shutil.copytree(self.rec, alt, symlinks=True)
        m["sources"]["test"] = sorted(set(m["sources"]["test"]) - {os.path.join(fix, "tests/test_ab.c")}
                                      | {os.path.join(fix, "src/valid.c")})
        m["sources"]["product"] = sorted(set(m["sources"]["product"]) - {os.path.join(fix, "src/valid.c")}
                                         | {os.path.join(fix, "tests/test_ab.c")})
        with open(os.path.join(alt, "manifest.json"), "w") as f:
            json.dump(m, f)
        _, fns = self.correlate_json(alt)
        kind = {k[0]: v["test_code"] for k, v in fns.items()}
        self.assertTrue(kind["src/valid.c"])
        self.assertFalse(kind["tests/test_ab.c"])
        self.assertTrue(kind["tests/test_checksum.c"])
        self.assertFalse(kind["src/checksum.c"])
        # the headers are in no list: the path rule
        self.assertFalse(kind["src/fix_inline.h"])
        # --test-code globs still override everything
        _, fns = self.correlate_json(alt, "--test-code", "src/a.c")
        kind = {k[0]: v["test_code"] for k, v in fns.items()}
        self.assertEqual({p for p, t in kind.items() if t}, {"src/a.c"})
        # a damaged "sources" is an error naming the file
        m["sources"] = {"test": "x"}
        with open(os.path.join(alt, "manifest.json"), "w") as f:
            json.dump(m, f)
        p = self.correlate(alt, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("manifest.json: \"sources\" is not", p.stderr)

    def test_per_test_counts_add_up_to_a_full_run(self):
        per_test = {}
        for gz in glob.glob(os.path.join(self.rec, "tests", "*", "gcda", "**", "*.gcov.json.gz"),
                            recursive=True):
            add(per_test, gcov_lines(json.loads(read(gz, "rb", gzip.open))))
        full = os.path.join(self.tmp, "full")
        shutil.rmtree(full, ignore_errors=True)
        strip = str(len(os.path.realpath(self.build).strip("/").split("/")))
        run(["ctest", "--test-dir", self.build], env={"GCOV_PREFIX": full,
                                                       "GCOV_PREFIX_STRIP": strip})
        whole = {}
        for gcda in glob.glob(os.path.join(full, "**", "*.gcda"), recursive=True):
            rel = os.path.relpath(gcda, full)
            shutil.copy(os.path.join(self.build, rel[:-5] + ".gcno"), gcda[:-5] + ".gcno")
            p = run(["gcov", "-j", "-t", os.path.basename(gcda)], cwd=os.path.dirname(gcda))
            add(whole, gcov_lines(json.loads(p.stdout)))
        self.assertTrue(whole)
        ran = {k: v for k, v in whole.items() if v}
        self.assertEqual({k: v for k, v in per_test.items() if v}, ran)
        self.assertGreater(max(ran.values()), 10 ** 6)  # the O(n^2) loop

    def test_rankings(self):
        doc, fns = self.correlate_json(self.rec)
        product = {k: v for k, v in fns.items() if not v["test_code"]}
        by_hot = sorted(product.items(), key=lambda kv: -kv[1]["hot"])
        self.assertEqual(by_hot[0][0][:2], ("src/checksum.c", "fix_checksum"))
        slow = product[("src/checksum.c", "fix_checksum", 5)]
        helper = product[("src/valid.c", "fix_valid", 5)]
        self.assertEqual(slow["ccn"], 10)
        self.assertEqual(slow["tests"], 1)
        # the helper: every test touches it, no time is its
        self.assertEqual(helper["tests"], 4)
        self.assertEqual(max(v["touch_s"] for v in product.values()), helper["touch_s"])
        # ~0: CPU times of tests this short come in clock ticks (4 ms), so
        # what a fast test leaves above the fixed cost is noise of a few ms
        self.assertLess(helper["attributed_s"], 0.05 * slow["attributed_s"])
        by_crap = sorted(product.items(), key=lambda kv: -kv[1]["crap"])
        self.assertEqual(by_crap[0][0], ("src/checksum.c", "fix_parse_mode", 36))
        untested = by_crap[0][1]
        self.assertEqual(untested["ccn"], 11)
        self.assertEqual(untested["coverage"], 0.0)
        self.assertEqual(untested["tests"], 0)
        self.assertEqual(untested["crap"], 132.0)  # 11^2 * (1 - 0)^3 + 11
        legacy = product[("src/legacy.c", "fix_legacy_sign", 6)]
        self.assertEqual((legacy["coverage"], legacy["crap"]), (0.0, 6.0))
        self.assertEqual(slow["coverage"], 1.0)
        self.assertEqual(slow["crap"], 10.0)
        # the same-named statics of a.c and b.c stay apart
        self.assertEqual(product[("src/a.c", "step", 8)]["ccn"], 2)
        self.assertEqual(product[("src/b.c", "step", 8)]["ccn"], 3)
        # test code is reported apart
        self.assertEqual({k[0].split("/")[0] for k, v in fns.items() if v["test_code"]}, {"tests"})
        tests = {t["name"]: t for t in doc["tests"]}
        self.assertEqual(set(tests), {"test_checksum", "test_text", "test_ab", "test_plain"})
        ck = tests["test_checksum"]
        self.assertEqual(ck["status"], "passed")
        self.assertEqual(ck["top"][0]["name"], "fix_checksum")
        self.assertGreater(ck["footprint"], 9.5)  # nearly all of it in CC 10
        c = doc["correlation"]
        self.assertEqual((c["layout"], c["tests"], c["tests_without_coverage"]), ("recorded", 4, 0))
        self.assertEqual(c["warnings"], [])
        u0 = min(t["user_s"] for t in doc["tests"])
        self.assertEqual(c["u0_s"], u0)
        self.assertAlmostEqual(c["attributed_s"], sum(t["user_s"] - u0 for t in doc["tests"]),
                               places=5)

    def test_text_report(self):
        out = self.correlate(self.rec).stdout
        hot = out.split("Complex functions that drive slow tests")[1].splitlines()
        self.assertIn("src/checksum.c:5 fix_checksum", hot[2])
        crap = out.split("Complex untested code")[1].splitlines()
        self.assertTrue(crap[2].strip().startswith("132.0   11   0.0%     0  src/checksum.c:36 "
                                                   "fix_parse_mode"), crap[2])
        self.assertIn("src/checksum.c:36 fix_parse_mode (CC 11, cognitive", out)
        self.assertIn("untested)\n    extract the switch block of lines", out)
        self.assertIn("Not attributed to product functions", out)

    def test_csv_and_markdown(self):
        rows = self.correlate(self.rec, "--format=csv").stdout.splitlines()
        self.assertTrue(rows[0].endswith(",status,coverage,tests,touch_s,attributed_s,hot,crap,"
                                         "test_code"), rows[0])
        mode = [r for r in rows if r.startswith("src/checksum.c,fix_parse_mode,36,")]
        self.assertEqual(len(mode), 1)
        self.assertTrue(mode[0].endswith(",ok,0.0000,0,0.000000,0.000000,0.000000,132.000,0"),
                        mode[0])
        md = self.correlate(self.rec, "--format=markdown").stdout
        self.assertTrue(md.startswith("### cxscan: complexity and tests\n"))
        self.assertIn("\n| 132.0 | 11 | 0% | 0 | src/checksum.c:36 fix\\_parse\\_mode |\n", md)
        hot = md.split("**Complex functions that drive slow tests**")[1].splitlines()
        self.assertIn("| 10 |", hot[4])
        self.assertIn("src/checksum.c:5 fix\\_checksum |", hot[4])
        self.assertIn("- src/checksum.c:36 fix\\_parse\\_mode (CC 11, untested): extract the "
                      "switch block of lines", md)
        # without --correlate, markdown is the findings' summary
        p = run([CXSCAN, "--format=markdown", "--no-cache", "-p", self.build, FIXTURE])
        self.assertTrue(p.stdout.startswith("## cxscan: 0 errors, 1 warning\n"), p.stdout)
        self.assertIn("| warning | src/checksum.c:36 | fix\\_parse\\_mode | "
                      "cxscan-cyclomatic-complexity | 11 | 10 |", p.stdout)

    def test_crap_findings(self):
        """--correlate adds cxscan-crap findings (coverage known, product code)."""
        out = os.path.join(self.tmp, "findings.txt")
        p = self.correlate(self.rec, "--gcc", out, "--fail-on=warning", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = read(out).splitlines()
        self.assertIn("src/checksum.c:36:5: warning: function 'fix_parse_mode' has CRAP score of "
                      "132 (threshold 30) [cxscan-crap]", lines)
        self.assertEqual([l for l in lines if "[cxscan-crap]" in l and "fix_parse_mode" not in l],
                         [])
        self.correlate(self.rec, "--gcc", out)  # warnings only: --fail-on error passes

    def test_fail_on_gates(self):
        p = self.correlate(self.rec, "--fail-on", "crap>131", "--fail-on", "cc>9:attributed>0.05",
                           check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertTrue(lines[0].startswith("src/checksum.c:36: fix_parse_mode: --fail-on crap>131: "
                                            "CC 11, CRAP 132.0"), lines[0])
        self.assertTrue(lines[1].startswith("src/checksum.c:5: fix_checksum: --fail-on "
                                            "cc>9:attributed>0.05: CC 10"), lines[1])
        # just above the worst: passes
        p = self.correlate(self.rec, "--fail-on", "crap>132", "--fail-on", "cc>10:attributed>0",
                           check=False)
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        for bad in ("crap>", "crap>-1", "cc>3", "cc>:attributed>1", "hot>1e999", "loud>3"):
            p = self.correlate(self.rec, "--fail-on", bad, check=False)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("--fail-on '%s'" % bad, p.stderr)
        p = run([CXSCAN, "--fail-on", "crap>3", "--no-cache", FIXTURE], check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("needs --correlate", p.stderr)

    def test_bare_form(self):
        bare = os.path.join(self.tmp, "bare")
        shutil.rmtree(bare, ignore_errors=True)
        for d in sorted(glob.glob(os.path.join(self.rec, "tests", "*"))):
            name = load((os.path.join(d, "test.json")))["name"]
            shutil.copytree(os.path.join(d, "gcda"), os.path.join(bare, name))
        run(["ctest", "--test-dir", self.build, "--output-junit", os.path.join(bare, "junit.xml")])
        doc, fns = self.correlate_json(bare)
        self.assertEqual(doc["correlation"]["layout"], "bare")
        tests = {t["name"]: t for t in doc["tests"]}
        self.assertEqual(len(tests), 4)
        self.assertIsNone(tests["test_text"]["user_s"])  # no CPU times in a JUnit file
        self.assertGreater(tests["test_checksum"]["duration_s"], tests["test_text"]["duration_s"])
        product = {k: v for k, v in fns.items() if not v["test_code"]}
        top = max(product.items(), key=lambda kv: kv[1]["hot"])
        self.assertEqual(top[0][1], "fix_checksum")
        self.assertEqual(fns[("src/checksum.c", "fix_parse_mode", 36)]["tests"], 0)

    def test_raw_gcda_with_build_dir(self):
        raw = os.path.join(self.tmp, "raw")
        shutil.rmtree(raw, ignore_errors=True)
        for d in sorted(glob.glob(os.path.join(self.rec, "tests", "*"))):
            name = load(os.path.join(d, "test.json"))["name"]
            shutil.copytree(os.path.join(d, "gcda"), os.path.join(raw, name),
                            ignore=shutil.ignore_patterns("*.gz"))
        run(["ctest", "--test-dir", self.build, "--output-junit", os.path.join(raw, "junit.xml")])
        # a .gcda of no object of the build: a warning, the rest is used
        with open(os.path.join(raw, "test_text", "stray.c.gcda"), "wb") as f:
            f.write(read(glob.glob(os.path.join(raw, "test_text", "**", "valid.c.gcda"),
                                   recursive=True)[0], "rb"))
        p = run([CXSCAN, "--correlate", raw, "--build-dir", self.build, "-p", self.build,
                 "--cache", self.cache, "--format=json", FIXTURE])
        self.assertIn("stray.c.gcda: no matching .gcno under", p.stderr)
        self.assertIn("gcov: 14 of 15 new .gcda files counted something (13 runs)", p.stderr)
        doc = json.loads(p.stdout)
        fns = {(f["path"], fn["name"]): fn for f in doc["files"] for fn in f["functions"]}
        self.assertEqual(fns[("src/checksum.c", "fix_parse_mode")]["crap"], 132.0)
        self.assertEqual(fns[("src/valid.c", "fix_valid")]["tests"], 4)
        best = max((v for v in fns.values() if not v["test_code"]), key=lambda v: v["hot"])
        self.assertEqual(best["name"], "fix_checksum")
        self.assertEqual(len(glob.glob(os.path.join(raw, "**", "*.gcda.gcov.json.gz"),
                                       recursive=True)), 13)
        self.assertFalse(glob.glob(os.path.join(raw, "**", "*.gcno"), recursive=True))
        # converted once: a second run has nothing new for gcov
        p = run([CXSCAN, "--correlate", raw, "--build-dir", self.build, "-p", self.build,
                 "--cache", self.cache, FIXTURE])
        self.assertNotIn("gcov:", p.stderr)
        self.assertIn("stray.c.gcda: no matching .gcno", p.stderr)

    def test_llvm_cov_export_bare_form(self):
        """clang source-based coverage: one `llvm-cov export` JSON a test."""
        b = os.path.join(self.tmp, "llvmbuild")
        flags = "-fprofile-instr-generate -fcoverage-mapping -O0"
        run(["cmake", "-S", FIXTURE, "-B", b, "-DCMAKE_C_COMPILER=clang-14",
             "-DCMAKE_C_FLAGS=" + flags, "-DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate"])
        run(["cmake", "--build", b])
        bare = os.path.join(self.tmp, "llvmbare")
        shutil.rmtree(bare, ignore_errors=True)
        names = [t["name"] for t in json.loads(run(["ctest", "--test-dir", b,
                                                    "--show-only=json-v1"]).stdout)["tests"]]
        for i, name in enumerate(names, 1):
            d = os.path.join(bare, name)
            os.makedirs(d)
            run(["ctest", "--test-dir", b, "-I", "%d,%d" % (i, i)],
                env={"LLVM_PROFILE_FILE": os.path.join(d, "%p.profraw")})
            prof = os.path.join(self.tmp, name + ".profdata")
            run(["llvm-profdata-14", "merge", "-o", prof]
                + glob.glob(os.path.join(d, "*.profraw")))
            for raw in glob.glob(os.path.join(d, "*.profraw")):
                os.unlink(raw)
            p = run(["llvm-cov-14", "export", "-format=text", "-instr-profile", prof,
                     os.path.join(b, name)])
            with open(os.path.join(d, "coverage.json"), "w") as f:
                f.write(p.stdout)
        run(["ctest", "--test-dir", b, "--output-junit", os.path.join(bare, "junit.xml")])
        p = run([CXSCAN, "--correlate", bare, "-p", b, "--no-cache", "--format=json", FIXTURE])
        doc = json.loads(p.stdout)
        self.assertEqual(doc["correlation"]["warnings"], [])
        fns = {(f["path"], fn["name"]): fn for f in doc["files"] for fn in f["functions"]}
        best = max((v for v in fns.values() if not v["test_code"]), key=lambda v: v["hot"])
        self.assertEqual(best["name"], "fix_checksum")
        untested = fns[("src/checksum.c", "fix_parse_mode")]
        self.assertEqual((untested["coverage"], untested["crap"]), (0.0, 132.0))
        self.assertEqual(fns[("src/valid.c", "fix_valid")]["tests"], 4)
        self.assertEqual(fns[("src/a.c", "step")]["tests"], 1)

    def copy_record(self, name):
        d = os.path.join(self.tmp, name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(self.rec, d)
        return d

    def test_damaged_files_cost_a_warning(self):
        d = self.copy_record("damaged")
        gz = sorted(glob.glob(os.path.join(d, "tests", "0002-*", "gcda", "**", "*.gcov.json.gz"),
                              recursive=True))[0]
        data = read(gz, "rb")
        with open(gz, "wb") as f:
            f.write(data[: len(data) // 2])
        with open(os.path.join(d, "tests", "0004-test_plain", "test.json"), "w") as f:
            f.write('{"name": "test_plain", "status": "exploded"}')
        p = self.correlate(d, "--format=json", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        w = doc["correlation"]["warnings"]
        self.assertEqual(len(w), 2, w)
        self.assertTrue(any(gz in x and "skipped" in x for x in w), w)
        self.assertTrue(any("test.json" in x and "status" in x for x in w), w)
        self.assertEqual(len(doc["tests"]), 3)
        # the report is still there: the slow function first
        best = max((fn for f in doc["files"] for fn in f["functions"] if not fn["test_code"]),
                   key=lambda fn: fn["hot"])
        self.assertEqual(best["name"], "fix_checksum")

    def test_bad_directories_exit_2(self):
        d = self.copy_record("badmanifest")
        m = load(os.path.join(d, "manifest.json"))
        m["version"] = 7
        with open(os.path.join(d, "manifest.json"), "w") as f:
            json.dump(m, f)
        p = self.correlate(d, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("manifest.json: version 7 is not supported", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        p = self.correlate(os.path.join(d, "timings.tsv"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not a directory", p.stderr)
        with open(os.path.join(d, "manifest.json"), "w") as f:
            f.write("{not json")
        p = self.correlate(d, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("manifest.json: not valid JSON", p.stderr)

    def test_record_errors(self):
        p = run([CXSCAN, "record", "--build-dir", self.tmp, "--out", os.path.join(self.tmp, "x")],
                check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("has no CTestTestfile.cmake", p.stderr)
        foreign = os.path.join(self.tmp, "foreign")
        os.makedirs(foreign, exist_ok=True)
        with open(os.path.join(foreign, "keep.txt"), "w") as f:
            f.write("mine")
        p = run([CXSCAN, "record", "--build-dir", self.build, "--out", foreign], check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not empty and not a `cxscan record` directory", p.stderr)
        self.assertEqual(read(os.path.join(foreign, "keep.txt")), "mine")
        for bad in (["--repeat", "0"], ["stray-path"]):
            p = run([CXSCAN, "record", "--build-dir", self.build] + bad, check=False)
            self.assertEqual(p.returncode, 2, bad)

    def test_repeat_selection_and_rerecord(self):
        out = os.path.join(self.tmp, "sel")
        for _ in range(2):  # a second record replaces the first
            run([CXSCAN, "record", "-q", "--build-dir", self.build, "--out", out, "--repeat", "3",
                 "--", "-R", "^test_text$"])
        ids = os.listdir(os.path.join(out, "tests"))
        self.assertEqual(ids, ["0001-test_text"])
        t = load(os.path.join(out, "tests", "0001-test_text", "test.json"))
        self.assertEqual((t["name"], t["repeat"], t["ctest_index"]), ("test_text", 3, 2))
        # coverage of one run, not three added up
        counts = {}
        for gz in glob.glob(os.path.join(out, "tests", "*", "gcda", "**", "*.gcov.json.gz"),
                            recursive=True):
            add(counts, gcov_lines(json.loads(read(gz, "rb", gzip.open))))
        ref = {}
        for gz in glob.glob(os.path.join(self.rec, "tests", "0002-test_text", "gcda", "**",
                                         "*.gcov.json.gz"), recursive=True):
            add(ref, gcov_lines(json.loads(read(gz, "rb", gzip.open))))
        self.assertEqual(counts, ref)

    def test_gcov_complaints_are_warnings(self):
        """gcov exits 0 on a version mismatch: its stderr is what tells."""
        fake = os.path.join(self.tmp, "fake-gcov")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho \"$1:version 'B33*', prefer 'B22*'\" >&2\n"
                    "exec gcov \"$@\"\n")
        os.chmod(fake, 0o755)
        out = os.path.join(self.tmp, "complain")
        p = run([CXSCAN, "record", "--build-dir", self.build, "--out", out, "--",
                 "-R", "^test_text$"], env={"CXSCAN_GCOV": fake})
        self.assertIn("gcov: 3 of 3 .gcda files counted something", p.stderr)
        self.assertRegex(p.stderr, r"\(\d+ runs, [1-9]\d* warnings\)")
        t = load(os.path.join(out, "tests", "0001-test_text", "test.json"))
        self.assertEqual(len(t["warnings"]), 3, t["warnings"])
        self.assertIn("version 'B33*', prefer 'B22*'", t["warnings"][0])
        self.assertTrue(t["warnings"][0].startswith("gcov " + out))
        # the data still came through
        self.assertEqual(len(glob.glob(os.path.join(out, "tests", "0001-test_text", "gcda", "**",
                                                    "*.gcov.json.gz"), recursive=True)), 3)
        self.assertTrue(load(os.path.join(out, "manifest.json"))["gcov"].startswith("gcov"))

    def test_per_case(self):
        out = os.path.join(self.tmp, "cases")
        p = run([CXSCAN, "record", "--per-case", "--build-dir", self.build, "--out", out])
        self.assertIn("recorded 8 tests (0 failed, 0 without coverage)", p.stderr)
        rows = read(os.path.join(out, "timings.tsv")).splitlines()[1:]
        names = [r.split("\t")[1] for r in rows]
        self.assertEqual(names, ["test_checksum@test_checksum_pairs_large",
                                 "test_checksum@test_checksum_small", "test_text@test_count_words",
                                 "test_text@test_max", "test_ab@test_collatz_known",
                                 "test_ab@test_collatz_range", "test_ab@test_normalize",
                                 "test_plain"])  # not a cmocka program: one run
        t = load(os.path.join(out, "tests", "0001-test_checksum_test_checksum_pairs_large",
                              "test.json"))
        self.assertEqual((t["cmocka_case"], t["ctest_index"], t["status"]),
                         ("test_checksum_pairs_large", 1, "passed"))
        self.assertTrue(load(os.path.join(out, "manifest.json"))["per_case"])
        # the cases of a test add up to the test's counts, in product code
        # (main and the group fixtures run once a case process)
        def counts(pattern):
            c = {}
            for gz in glob.glob(pattern, recursive=True):
                add(c, gcov_lines(json.loads(read(gz, "rb", gzip.open))))
            return {k: v for k, v in c.items() if "/src/" in k[0] and v}
        whole = counts(os.path.join(self.rec, "tests", "0001-test_checksum", "**", "*.gz"))
        split = counts(os.path.join(out, "tests", "000[12]-*", "**", "*.gz"))
        self.assertEqual(split, whole)
        doc, fns = self.correlate_json(out)
        tests = {x["name"]: x for x in doc["tests"]}
        slow = tests["test_checksum@test_checksum_pairs_large"]
        self.assertEqual(slow["top"][0]["name"], "fix_checksum")
        self.assertGreater(slow["duration_s"], 5 * tests["test_checksum@test_checksum_small"]
                           ["duration_s"])
        self.assertEqual(fns[("src/checksum.c", "fix_checksum", 5)]["tests"], 2)

    def test_odd_names_and_tests_without_coverage(self):
        proj = os.path.join(self.tmp, "odd")
        os.makedirs(proj, exist_ok=True)
        with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
            f.write('cmake_minimum_required(VERSION 3.19)\nproject(odd C)\nenable_testing()\n'
                    'set(CMAKE_EXPORT_COMPILE_COMMANDS ON)\n'
                    'add_executable(noop noop.c)\ntarget_compile_options(noop PRIVATE -pthread)\n'
                    'add_test(NAME "a b/../c \u00fc" COMMAND true)\n'
                    'add_test(NAME fails COMMAND false)\n')
        with open(os.path.join(proj, "noop.c"), "w") as f:
            f.write("int main(void) { return 0; }\n")
        b = os.path.join(self.tmp, "oddbuild")
        run(["cmake", "-S", proj, "-B", b])
        out = os.path.join(self.tmp, "oddcov")
        p = run([CXSCAN, "record", "--build-dir", b, "--out", out])
        self.assertIn("recorded 2 tests (1 failed, 2 without coverage)", p.stderr)
        self.assertIn("warning: -pthread in the build's compile commands", p.stderr)
        self.assertIn("atomically", load(os.path.join(out, "manifest.json"))["warnings"][0])
        ids = sorted(os.listdir(os.path.join(out, "tests")))
        self.assertEqual(ids, ["0001-a_b_.._c___", "0002-fails"])
        t = load(os.path.join(out, "tests", ids[0], "test.json"))
        self.assertEqual(t["name"], "a b/../c \u00fc")
        self.assertIn("no .gcda file", t["warnings"][0])
        f = load(os.path.join(out, "tests", ids[1], "test.json"))
        self.assertEqual((f["status"], f["exit_code"]), ("failed", 8))
        p = run([CXSCAN, "--correlate", out, "--no-cache", "-q", FIXTURE, "-p", self.build])
        self.assertIn("2 tests without coverage (their time is not attributed): a b/../c \u00fc, "
                      "fails", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
