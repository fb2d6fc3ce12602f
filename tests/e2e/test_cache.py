#!/usr/bin/env python3
"""End-to-end tests of the result cache and of parallel scanning: a warm
run's JSON equals the cold run's, a header edit re-parses exactly its
includers, flag and macro-mode changes miss, damaged caches are moved aside,
concurrent and killed runs leave a usable cache, -j1 and -j4 agree.

Environment: CXSCAN (the binary)."""
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

CXSCAN = os.environ.get("CXSCAN")
OLD = time.time() - 3600  # fixture mtimes: well outside the racy window


def write(path, text, age=0):
    """Writes a fixture file with an mtime in the past (age seconds more)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    t = OLD - age
    os.utime(path, (t, t))


def norm(doc):
    """The report without what legitimately differs between runs."""
    doc = json.loads(json.dumps(doc))
    doc["summary"].pop("elapsed_s", None)
    doc["summary"].pop("stats", None)
    return doc


class Cache(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cxscan-cache-")
        self.proj = os.path.join(self.tmp, "proj")
        self.cache = os.path.join(self.tmp, "c", "cache.sqlite")
        # x.h is included by a.c and b.c, y.h by c.c only
        write(os.path.join(self.proj, "include/x.h"),
              "static inline int xmax(int a, int b) { return a > b ? a : b; }\n")
        write(os.path.join(self.proj, "include/y.h"),
              "static inline int ymin(int a, int b) { if (a < b) return a; return b; }\n")
        for name, hdr in (("a", "x"), ("b", "x"), ("c", "y")):
            write(os.path.join(self.proj, "src/%s.c" % name),
                  '#include "%s.h"\nint f_%s(int n) {\n  int s = 0;\n'
                  '  for (int i = 0; i < n; i++)\n    if (i %% 3 && n > 2)\n'
                  '      s += %s(i, n);\n  return s;\n}\n'
                  % (hdr, name, "xmax" if hdr == "x" else "ymin"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_cx(self, *args, env=None, check=True):
        e = dict(os.environ, NO_COLOR="1")
        e.update(env or {})
        p = subprocess.run([CXSCAN, *args], cwd=self.proj, env=e, capture_output=True,
                           text=True, timeout=300)
        if check and p.returncode != 0:
            raise AssertionError("cxscan %s exited %d: %s" % (args, p.returncode, p.stderr))
        return p

    def scan(self, *args, env=None):
        """A JSON scan with the test's cache; returns (report, stats)."""
        p = self.run_cx("--format=json", "--stats", "--cache", self.cache, *args, ".",
                        env=env)
        doc = json.loads(p.stdout)
        return doc, doc["summary"]["stats"]

    def test_warm_equals_cold_and_reads_nothing(self):
        cold, st = self.scan()
        self.assertEqual((st["tus"], st["hits"], st["parsed"]), (3, 0, 3))
        self.assertEqual(st["parsed_files"], ["src/a.c", "src/b.c", "src/c.c"])
        warm, st = self.scan()
        self.assertEqual((st["hits"], st["parsed"], st["files_read"]), (3, 0, 0))
        self.assertEqual(norm(warm), norm(cold))
        nocache = json.loads(self.run_cx("--format=json", "--no-cache", ".").stdout)
        self.assertEqual(norm(nocache), norm(cold))
        # the header function is reported once, through the first includer
        paths = [f["path"] for f in cold["files"]]
        self.assertEqual(paths, ["include/x.h", "include/y.h", "src/a.c", "src/b.c", "src/c.c"])
        self.assertTrue(cold["tool"]["libclang"].startswith(warm["tool"]["libclang"][:5]))
        self.assertEqual(warm["tool"]["libclang"], cold["tool"]["libclang"])
        text = self.run_cx("--cache", self.cache, ".").stdout
        self.assertIn("3 TUs: 3 cache hits, 0 parsed", text)

    def test_warm_run_does_not_load_libclang(self):
        # the dynamic loader lists every library it loads, dlopen'ed ones too
        trace = {"LD_DEBUG": "files"}
        p = self.run_cx("--cache", self.cache, ".", env=trace)
        self.assertIn("cxscan-analyzer.so", p.stderr)
        self.assertIn("libclang", p.stderr)
        p = self.run_cx("--cache", self.cache, ".", env=trace)
        self.assertIn("3 TUs: 3 cache hits, 0 parsed", p.stdout)
        self.assertNotIn("cxscan-analyzer.so", p.stderr)
        self.assertNotIn("libclang", p.stderr)
        bad = {"CXSCAN_ANALYZER": os.path.join(self.tmp, "no-such-module.so")}
        p = self.run_cx("--no-cache", ".", env=bad, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("cannot load the analyzer module", p.stderr)

    def test_header_edit_reparses_exactly_its_includers(self):
        self.scan()
        write(os.path.join(self.proj, "include/x.h"),
              "static inline int xmax(int a, int b) { return a >= b ? a : b; }\n"
              "static inline int xmin(int a, int b) { return a < b ? a : b; }\n", age=10)
        doc, st = self.scan()
        self.assertEqual(st["parsed_files"], ["src/a.c", "src/b.c"])
        self.assertEqual(st["hits"], 1)
        x = [f for f in doc["files"] if f["path"] == "include/x.h"][0]
        self.assertEqual([f["name"] for f in x["functions"]], ["xmax", "xmin"])
        # touching without changing the bytes re-reads the file, re-parses nothing
        t = OLD - 20
        os.utime(os.path.join(self.proj, "include/y.h"), (t, t))
        doc2, st = self.scan()
        self.assertEqual((st["parsed"], st["files_read"]), (0, 1))
        self.assertEqual(norm(doc2), norm(doc))

    def test_headers_behind_symbolic_links(self):
        # include/ is a link to hdr/, and x.h a link to x-real.h in it: an
        # edit of the real file re-parses the includers
        inc, hdr = os.path.join(self.proj, "include"), os.path.join(self.proj, "hdr")
        os.rename(inc, hdr)
        os.symlink("hdr", inc)
        os.rename(os.path.join(hdr, "x.h"), os.path.join(hdr, "x-real.h"))
        os.symlink("x-real.h", os.path.join(hdr, "x.h"))
        cold, st = self.scan()
        self.assertEqual(st["parsed"], 3)
        _, st = self.scan()
        self.assertEqual((st["hits"], st["parsed"]), (3, 0))
        write(os.path.join(hdr, "x-real.h"),
              "static inline int xmax(int a, int b) { return a >= b ? a : b; }\n", age=10)
        _, st = self.scan()
        self.assertEqual(st["parsed_files"], ["src/a.c", "src/b.c"])
        write(os.path.join(hdr, "y.h"),
              "static inline int ymin(int a, int b) { return a < b ? a : b; }\n", age=10)
        _, st = self.scan()
        self.assertEqual(st["parsed_files"], ["src/c.c"])

    def test_source_edit_reparses_one(self):
        self.scan()
        path = os.path.join(self.proj, "src/c.c")
        with open(path) as f:
            text = f.read()
        write(path, text + "int extra(int v) { return v ? 1 : 2; }\n", age=10)
        doc, st = self.scan()
        self.assertEqual(st["parsed_files"], ["src/c.c"])
        c = [f for f in doc["files"] if f["path"] == "src/c.c"][0]
        self.assertEqual([f["name"] for f in c["functions"]], ["f_c", "extra"])

    def memo_rows(self):
        import sqlite3
        db = sqlite3.connect(self.cache)
        try:
            return db.execute("SELECT count(*) FROM memo").fetchone()[0]
        finally:
            db.close()

    def test_merged_result_memo(self):
        cold, st = self.scan()
        self.assertFalse(st["memo"])
        warm, st = self.scan()
        self.assertTrue(st["memo"])
        self.assertEqual((st["hits"], st["parsed"], st["files_read"]), (3, 0, 0))
        self.assertEqual(norm(warm), norm(cold))
        # --explain keeps increments: another memo, same metrics
        p = self.run_cx("--cache", self.cache, "--explain", "src/a.c:f_a", ".")
        self.assertIn("f_a: ccn 4", p.stdout)
        p = self.run_cx("--cache", self.cache, "--explain", "src/a.c:f_a", ".")
        self.assertIn("f_a: ccn 4", p.stdout)
        self.assertIn("if", p.stdout)
        # an edit: not the memo; the next run memoizes the new result
        path = os.path.join(self.proj, "src/c.c")
        with open(path) as f:
            text = f.read()
        write(path, text + "int extra(int v) { return v ? 1 : 2; }\n", age=10)
        edited, st = self.scan()
        self.assertFalse(st["memo"])
        self.assertEqual(st["parsed_files"], ["src/c.c"])
        again, st = self.scan()
        self.assertTrue(st["memo"])
        self.assertEqual(norm(again), norm(edited))
        c = [f for f in again["files"] if f["path"] == "src/c.c"][0]
        self.assertEqual([f["name"] for f in c["functions"]], ["f_c", "extra"])
        # a TU less (the header's owner changes): another memo key
        os.unlink(os.path.join(self.proj, "src/a.c"))
        fewer, st = self.scan()
        self.assertFalse(st["memo"])
        x = [f for f in fewer["files"] if f["path"] == "include/x.h"][0]
        self.assertEqual([f["name"] for f in x["functions"]], ["xmax"])
        self.assertNotIn("src/a.c", [f["path"] for f in fewer["files"]])

    def test_damaged_memo_is_a_miss(self):
        import sqlite3
        cold, _ = self.scan()
        self.assertEqual(self.memo_rows(), 1)
        db = sqlite3.connect(self.cache)
        db.execute("UPDATE memo SET value = substr(value, 1, length(value) - 7)")
        db.commit()
        db.close()
        doc, st = self.scan()
        self.assertFalse(st["memo"])
        self.assertEqual(st["hits"], 3)
        self.assertEqual(norm(doc), norm(cold))
        doc, st = self.scan()
        self.assertTrue(st["memo"])
        self.assertEqual(norm(doc), norm(cold))

    def test_compile_database_memo(self):
        proj = os.path.realpath(self.proj)
        def compdb(names, flag):
            entries = [{"directory": proj, "file": "src/%s.c" % n,
                        "arguments": ["cc", "-Iinclude", flag, "-c", "src/%s.c" % n]}
                       for n in names]
            write(os.path.join(self.proj, "compile_commands.json"), json.dumps(entries))
        compdb("abc", "-DONE")
        cold, st = self.scan()
        self.assertEqual(st["tus"], 3)
        # the database was written a moment ago (inside the racy window):
        # the first run cannot trust its stat; the second one (after a run
        # that loaded libclang) memoizes the TU list next to the result
        warm, st = self.scan()
        self.assertEqual(self.memo_rows(), 2)
        self.assertTrue(st["memo"])
        self.assertEqual(norm(warm), norm(cold))
        lines = self.run_cx("--list-tus", ".").stdout.splitlines()
        self.assertIn("-DONE", json.loads(lines[0])["arguments"])
        # a rewritten database (its mtime even set back) is read again
        compdb("ab", "-DTWO")
        doc, st = self.scan()
        self.assertEqual((st["tus"], st["parsed"]), (2, 2))
        self.assertEqual([f["path"] for f in doc["files"]],
                         ["include/x.h", "src/a.c", "src/b.c"])
        _, st = self.scan()
        self.assertEqual((st["tus"], st["hits"]), (2, 2))
        # another path selects other entries: another list
        _, st = self.run_scan_path("src/a.c")
        self.assertEqual(st["tus"], 1)

    def run_scan_path(self, path):
        p = self.run_cx("--format=json", "--stats", "--cache", self.cache, path)
        doc = json.loads(p.stdout)
        return doc, doc["summary"]["stats"]

    def test_flag_and_macro_mode_changes_miss(self):
        self.scan()
        _, st = self.scan("--", "-DEXTRA=1")
        self.assertEqual(st["parsed"], 3)
        _, st = self.scan("--macros=expand")
        self.assertEqual(st["parsed"], 3)
        # each configuration keeps its own entries
        _, st = self.scan()
        self.assertEqual(st["hits"], 3)
        _, st = self.scan("--macros=expand")
        self.assertEqual(st["hits"], 3)

    def check_recovered(self, content):
        cold, _ = self.scan()
        os.makedirs(os.path.dirname(self.cache), exist_ok=True)
        for side in ("-wal", "-shm"):
            if os.path.exists(self.cache + side):
                os.unlink(self.cache + side)
        content(self.cache)
        p = self.run_cx("--format=json", "--stats", "--cache", self.cache, ".")
        warnings = [l for l in p.stderr.splitlines() if not l.startswith("stats: ")]
        self.assertEqual(len(warnings), 1, p.stderr)
        self.assertIn("moved it to", warnings[0])
        doc = json.loads(p.stdout)
        self.assertEqual(doc["summary"]["stats"]["parsed"], 3)
        self.assertEqual(norm(doc), norm(cold))
        self.assertEqual(len(glob.glob(self.cache + ".corrupt-*")), 1)
        _, st = self.scan()
        self.assertEqual(st["hits"], 3)

    def test_garbage_cache_is_moved_aside(self):
        def garbage(path):
            os.unlink(path)
            with open(path, "wb") as f:
                f.write(b"not a database\n" * 500)
        self.check_recovered(garbage)

    def test_truncated_cache_is_moved_aside(self):
        # enough entries for several pages
        for i in range(40):
            write(os.path.join(self.proj, "src/more%02d.c" % i),
                  "int g%d(int a) { return a > %d ? a : -a; }\n" % (i, i))
        self.scan()

        def truncate(path):
            subprocess.run(["sqlite3", path, "PRAGMA wal_checkpoint(TRUNCATE);"],
                           check=False, capture_output=True)
            size = os.path.getsize(path)
            with open(path, "r+b") as f:
                f.truncate(size // 2)
        if not shutil.which("sqlite3"):
            # without the CLI the WAL may still hold pages: check the file
            def truncate(path):  # noqa: F811
                size = os.path.getsize(path)
                with open(path, "r+b") as f:
                    f.truncate(max(size // 2, 4096))
        cold = json.loads(self.run_cx("--format=json", "--no-cache", ".").stdout)
        truncate(self.cache)
        p = self.run_cx("--format=json", "--cache", self.cache, ".")
        self.assertIn("moved it to", p.stderr)
        self.assertEqual(norm(json.loads(p.stdout)), norm(cold))

    def test_foreign_sqlite_file_is_moved_aside(self):
        import sqlite3
        def foreign(path):
            os.unlink(path)
            db = sqlite3.connect(path)
            db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
            db.execute("INSERT INTO notes(text) VALUES ('keep me')")
            db.commit()
            db.close()
        self.check_recovered(foreign)
        moved = glob.glob(self.cache + ".corrupt-*")[0]
        import sqlite3 as s3
        rows = s3.connect(moved).execute("SELECT text FROM notes").fetchall()
        self.assertEqual(rows, [("keep me",)])

    def test_jobs_do_not_change_the_output(self):
        for i in range(12):
            write(os.path.join(self.proj, "src/m%02d.c" % i),
                  '#include "x.h"\n#include "y.h"\nint m%d(int a, int b) {\n'
                  '  while (a-- > 0 && b) b = xmax(a, ymin(a, b));\n  return b;\n}\n' % i)
        outs = {}
        for j in ("1", "4"):
            outs[j] = self.run_cx("--no-cache", "-j", j, "--format=csv", ".").stdout
        self.assertEqual(outs["1"], outs["4"])
        j1 = json.loads(self.run_cx("--no-cache", "-j1", "--format=json", ".").stdout)
        j4 = json.loads(self.run_cx("--no-cache", "-j4", "--format=json", ".").stdout)
        self.assertEqual(norm(j1), norm(j4))
        self.assertEqual(j1["summary"]["tus"], 15)
        # header functions once, through the first TU in path order
        self.assertEqual(outs["1"].count(",xmax,"), 1)

    def test_concurrent_runs_share_a_cache(self):
        for i in range(30):
            write(os.path.join(self.proj, "src/n%02d.c" % i),
                  '#include "x.h"\nint n%d(int a) { return a ? xmax(a, %d) : 0; }\n' % (i, i))
        cold = json.loads(self.run_cx("--format=json", "--no-cache", ".").stdout)
        args = [CXSCAN, "--format=json", "-j2", "--cache", self.cache, "."]
        procs = [subprocess.Popen(args, cwd=self.proj, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
            self.assertEqual(err, "")
            self.assertEqual(norm(json.loads(out)), norm(cold))
        doc, st = self.scan()
        self.assertEqual((st["hits"], st["parsed"]), (33, 0))
        self.assertEqual(norm(doc), norm(cold))

    def test_concurrent_first_runs_create_one_cache(self):
        """Runs that all find no cache file create it together: none may
        take the others' half-made cache for someone else's database and
        move it aside (it read the application id before the schema was
        committed and the table count after, in two transactions). The race
        window is short: before the fix, 8 of 100 concurrent pairs hit it,
        and these 20 rounds of 3 runs failed 1 test run in 3."""
        small = os.path.join(self.tmp, "small")
        for i in range(4):
            write(os.path.join(small, "f%d.c" % i), "int f%d(int a) { return a ? 1 : 0; }\n" % i)
        for r in range(20):
            cache = os.path.join(self.tmp, "r%d" % r, "cache.sqlite")
            args = [CXSCAN, "--format=csv", "-j1", "--cache", cache, "."]
            procs = [subprocess.Popen(args, cwd=small, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(3)]
            for p in procs:
                out, err = p.communicate(timeout=300)
                self.assertEqual((p.returncode, err), (0, ""))
                self.assertEqual(len(out.splitlines()), 5)
            self.assertEqual(os.listdir(os.path.dirname(cache)).count("cache.sqlite"), 1)
            self.assertFalse([f for f in os.listdir(os.path.dirname(cache)) if "corrupt" in f])

    def test_killed_run_leaves_a_usable_cache(self):
        for i in range(45):
            write(os.path.join(self.proj, "src/k%02d.c" % i),
                  "int k%d(int a) { return a > %d ? 1 : 0; }\n" % (i, i))
        cold = json.loads(self.run_cx("--format=json", "--no-cache", ".").stdout)
        p = self.run_cx("-j1", "--cache", self.cache, ".", check=False,
                        env={"CXSCAN_TEST_KILL_AFTER": "40"})
        self.assertEqual(p.returncode, -signal.SIGKILL)
        doc, st = self.scan()
        self.assertEqual(doc["summary"]["tus"], 48)
        # the first batch (32 TUs) was committed before the kill
        self.assertGreaterEqual(st["hits"], 32)
        self.assertLess(st["hits"], 48)
        self.assertEqual(norm(doc), norm(cold))
        _, st = self.scan()
        self.assertEqual(st["hits"], 48)

    def test_deleted_files_are_pruned(self):
        self.scan()
        out = self.run_cx("--cache", self.cache, "cache", "stats").stdout
        self.assertIn("3 TU entries", out)
        os.unlink(os.path.join(self.proj, "src/b.c"))
        _, st = self.scan()
        self.assertEqual((st["tus"], st["hits"]), (2, 2))
        out = self.run_cx("--cache", self.cache, "cache", "stats").stdout
        self.assertIn("2 TU entries", out)
        out = self.run_cx("--cache", self.cache, "cache", "clear").stdout
        self.assertIn("cleared", out)
        out = self.run_cx("--cache", self.cache, "cache", "stats").stdout
        self.assertIn("0 TU entries, 0 files tracked", out)

    def test_default_cache_location_and_no_cache(self):
        self.run_cx(".")
        default = os.path.join(self.proj, ".cache/cxscan/cache.sqlite")
        self.assertTrue(os.path.exists(default))
        out = self.run_cx("cache", "stats").stdout
        self.assertIn("3 TU entries", out)
        shutil.rmtree(os.path.join(self.proj, ".cache"))
        self.run_cx("--no-cache", ".")
        self.assertFalse(os.path.exists(os.path.join(self.proj, ".cache")))
        self.assertEqual(self.run_cx("cache", "stats").stdout.split()[:3], ["no", "cache", "at"])

    def test_no_progress_or_noise_when_not_a_terminal(self):
        p = self.run_cx("--cache", self.cache, ".")
        self.assertEqual(p.stderr, "")

    def test_parse_only_and_list_tus(self):
        p = self.run_cx("--parse-only", "-j2", ".")
        self.assertEqual(p.stdout, "")
        self.assertRegex(p.stderr, r"^parsed 3 TUs \(0 with errors\) in [0-9.]+ s with -j 2\n$")
        lines = self.run_cx("--list-tus", ".").stdout.splitlines()
        self.assertEqual(len(lines), 3)
        first = json.loads(lines[0])
        self.assertEqual(first["file"], os.path.join(os.path.realpath(self.proj), "src/a.c"))
        self.assertIn("-std=gnu11", first["arguments"])

    def test_bad_jobs_and_unwritable_cache(self):
        p = self.run_cx("-j", "0", ".", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("-j takes a number from 1 to 256, not '0'", p.stderr)
        blocker = os.path.join(self.tmp, "file")
        with open(blocker, "w") as f:
            f.write("x")
        p = self.run_cx("--format=json", "--cache", os.path.join(blocker, "c.sqlite"), ".")
        self.assertIn("scanning without a cache", p.stderr)
        self.assertEqual(json.loads(p.stdout)["summary"]["functions"], 5)


if __name__ == "__main__":
    if not CXSCAN:
        raise SystemExit("set CXSCAN to the cxscan binary")
    unittest.main(verbosity=2)
