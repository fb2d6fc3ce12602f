#!/usr/bin/env python3
"""End-to-end tests of the cxscan binary on fixture projects: text, json,
csv and --explain output, with and without a compile database, source
discovery (git-ignored, hidden and build directories, globs), -o, colour.

Environment: CXSCAN (the binary), CX_SOURCE_DIR (the repository)."""
import json, os, shutil, subprocess, tempfile, unittest

CXSCAN = os.environ.get("CXSCAN")
SRC = os.environ.get("CX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DEMO = os.path.join(SRC, "examples", "demo")


def run(*args, cwd=None, env=None, check=True):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    # never write a cache into the source tree (test_cache.py tests it)
    p = subprocess.run([CXSCAN, "--no-cache", *args], cwd=cwd, env=e, capture_output=True,
                       text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("cxscan %s exited %d: %s" % (args, p.returncode, p.stderr))
    return p


def functions(doc):
    return {(f["path"], fn["name"]): fn for f in doc["files"] for fn in f["functions"]}


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


class Demo(unittest.TestCase):
    def test_text(self):
        p = run(DEMO)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["location", "function", "ccn", "npath",
                                            "cognitive", "nesting", "nloc", "params"])
        self.assertEqual(lines[1].split(), ["src/lexer.c:3", "lex_next", "13", "126", "7",
                                            "2", "27", "1"])
        self.assertIn("4 files, 9 functions, 0 degraded, 0 errors (macros: ignore)", p.stdout)
        self.assertIn("1-10 88.9% (8)  11-20 11.1% (1)", p.stdout)
        self.assertNotIn("\033[", p.stdout)

    def test_top_and_sort(self):
        p = run("--top", "2", "--sort", "cognitive", DEMO)
        rows = p.stdout.splitlines()[1:3]
        self.assertEqual([r.split()[1] for r in rows], ["parse_args", "term"])
        self.assertIn("... 7 more functions", p.stdout)

    def test_json(self):
        doc = json.loads(run("--format=json", "--no-cache", DEMO).stdout)
        self.assertEqual(doc["schema_version"], 1)
        self.assertEqual(doc["tool"]["name"], "cxscan")
        self.assertEqual(doc["root"], os.path.realpath(DEMO))
        self.assertEqual(doc["options"], {"macros": "ignore"})
        s = doc["summary"]
        self.assertEqual((s["files"], s["functions"], s["degraded"], s["errors"]), (4, 9, 0, 0))
        fns = functions(doc)
        term = fns[("src/eval.c", "term")]
        self.assertEqual((term["line"], term["column"], term["end_line"]), (38, 13, 54))
        self.assertEqual((term["ccn"], term["npath"], term["cognitive"], term["max_nesting"]),
                         (6, 6, 8, 2))
        self.assertEqual(term["blocks"][0], {"kind": "while", "line": 41, "end_line": 52,
                                             "depth": 1, "ccn": 5, "cognitive": 7})
        # a header function is reported once, under the header
        self.assertEqual(fns[("include/demo.h", "is_digit")]["ccn"], 2)
        self.assertEqual(len([k for k in fns if k[1] == "is_digit"]), 1)

    def test_csv(self):
        out = run("--format=csv", DEMO).stdout.splitlines()
        self.assertEqual(out[0].split(",")[:6], ["path", "function", "line", "column",
                                                  "end_line", "ccn"])
        self.assertEqual(len(out), 10)
        row = [r for r in out if ",lex_next," in r][0].split(",")
        self.assertEqual(row[:8], ["src/lexer.c", "lex_next", "3", "10", "29", "13", "7", "126"])

    def test_explain(self):
        p = run("--explain", "src/eval.c:term", cwd=DEMO)
        self.assertIn("src/eval.c:38:13: term: ccn 6 (modified 6), npath 6, cognitive 8", p.stdout)
        self.assertIn("45:3        +1   +2         if (+1 for nesting)", p.stdout)
        self.assertIn("recursion (on a call cycle)", p.stdout)
        self.assertIn("while  lines 41-52  depth 1  ccn 5  cognitive 7", p.stdout)
        p = run("--explain", "eval.c:nosuch", DEMO, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, "cxscan: no function 'nosuch' in 'eval.c'\n")

    def test_output_file_and_color(self):
        with tempfile.TemporaryDirectory() as t:
            out = os.path.join(t, "r.json")
            p = run("--format=json", "-o", out, DEMO)
            self.assertEqual(p.stdout, "")
            with open(out) as f:
                self.assertEqual(json.load(f)["summary"]["functions"], 9)
            self.assertEqual(os.listdir(t), ["r.json"])
        self.assertIn("\033[", run("--color=always", DEMO).stdout)
        self.assertNotIn("\033[", run("--color=always", DEMO, env={"NO_COLOR": "1"}).stdout)

    def test_output_through_links_devices_and_fifos(self):
        """-o replaces a regular file whole, but writes through anything
        else: renaming over /dev/null (as root) or a link would replace it."""
        import stat, threading
        with tempfile.TemporaryDirectory() as t:
            real, link = os.path.join(t, "real.json"), os.path.join(t, "link.json")
            with open(real, "w") as f:
                f.write("old")
            os.symlink("real.json", link)
            run("--format=json", "-o", link, DEMO)
            self.assertTrue(os.path.islink(link))
            with open(real) as f:
                self.assertEqual(json.load(f)["summary"]["functions"], 9)
            fifo = os.path.join(t, "fifo")
            os.mkfifo(fifo)
            got = []
            reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
            reader.start()
            run("--format=csv", "-o", fifo, DEMO)
            reader.join(timeout=60)
            self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))
            self.assertEqual(len(got[0].splitlines()), 10)  # header + 9 functions
            self.assertEqual(sorted(os.listdir(t)), ["fifo", "link.json", "real.json"])
        run("--format=json", "-o", os.devnull, DEMO)
        self.assertTrue(stat.S_ISCHR(os.stat(os.devnull).st_mode))

    def test_version_help(self):
        self.assertRegex(run("--version").stdout, r"^cxscan \d+\.\d+\.\d+\n$")
        h = run("--help").stdout
        for opt in ("--format", "--macros", "--explain", "--top", "--sort", "--compdb",
                    "--include", "--exclude", "--no-cache", "--output"):
            self.assertIn(opt, h)


FEATURE_SRC = """#include "cfg.h"
int always(int a) { return a > LIMIT ? 1 : 0; }
#ifdef FEATURE
int feature(int a) { if (a) return 1; if (a > 2) return 2; return 0; }
#endif
"""


class CompileDatabase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.realpath(self.tmp.name)
        write(self.root, "src/f.c", FEATURE_SRC)
        write(self.root, "src/g.c", '#include "cfg.h"\nint g(void) { return LIMIT; }\n')
        write(self.root, "config/cfg.h", "#define LIMIT 3\n"
              "static inline int clamp(int a) { return a > LIMIT ? LIMIT : a; }\n")

    def tearDown(self):
        self.tmp.cleanup()

    def db(self, where):
        entries = [{"directory": os.path.join(self.root, "build"),
                    "arguments": ["gcc", "-DFEATURE", "-I../config", "-c", "-o", "f.o",
                                  "../src/f.c"], "file": "../src/f.c"},
                   {"directory": os.path.join(self.root, "build"),
                    "command": "cc -I../config -c ../src/g.c", "file": "../src/g.c"}]
        os.makedirs(os.path.join(self.root, where), exist_ok=True)
        with open(os.path.join(self.root, where, "compile_commands.json"), "w") as f:
            json.dump(entries, f)

    def scan(self, *args):
        return json.loads(run("--format=json", self.root, *args).stdout)

    def test_relative_paths_survive_the_scan(self):
        """libclang's driver changes the process's directory to a TU's
        -working-directory (build/ here): -o, --cache and --explain given
        relative to where cxscan started must still mean that place."""
        self.db("build")
        work = os.path.join(self.root, "work")
        os.makedirs(work)
        p = subprocess.run([CXSCAN, "-j1", "--cache", "c/cache.sqlite", "--format=json", "-o",
                            "out.json", "-p", "../build", ".."], cwd=work, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(work, "out.json")))
        self.assertTrue(os.path.exists(os.path.join(work, "c", "cache.sqlite")))
        self.assertFalse(os.path.exists(os.path.join(self.root, "build", "out.json")))
        with open(os.path.join(work, "out.json")) as f:
            self.assertIn(("src/f.c", "feature"), functions(json.load(f)))
        p = subprocess.run([CXSCAN, "--no-cache", "-p", "../build", "--explain",
                            "../src/g.c:g", ".."], cwd=work, capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("g", p.stdout)

    def test_without_database_uses_fallback_flags(self):
        doc = self.scan()
        fns = functions(doc)
        self.assertIn(("src/f.c", "always"), fns)
        self.assertNotIn(("src/f.c", "feature"), fns)  # FEATURE is not defined
        # cfg.h is not found without -I config: the files are degraded
        self.assertEqual(doc["summary"]["degraded"], 2)
        doc = self.scan("--", "-DFEATURE", "-I" + os.path.join(self.root, "config"))
        fns = functions(doc)
        self.assertEqual(fns[("src/f.c", "feature")]["ccn"], 3)
        self.assertEqual(doc["summary"]["degraded"], 0)

    def test_database_in_build_dir(self):
        self.db("build")
        doc = self.scan()
        fns = functions(doc)
        self.assertEqual(fns[("src/f.c", "feature")]["npath"], 4)
        self.assertEqual(doc["summary"]["degraded"], 0)
        self.assertEqual(fns[("config/cfg.h", "clamp")]["ccn"], 2)
        self.assertEqual(len([k for k in fns if k[1] == "clamp"]), 1)
        self.assertFalse(os.path.exists(os.path.join(self.root, "build", "f.o")))

    def test_database_with_p(self):
        self.db("out")
        self.assertNotIn(("src/f.c", "feature"), functions(self.scan()))
        fns = functions(self.scan("-p", os.path.join(self.root, "out")))
        self.assertIn(("src/f.c", "feature"), fns)
        p = run("-p", os.path.join(self.root, "nope"), self.root, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("nope", p.stderr)

    def test_header_through_degraded_tu_is_degraded(self):
        write(self.root, "src/f.c", '#include "cfg.h"\nint broken(void) { return LIMIT + ; }\n')
        self.db("build")
        doc = self.scan("--include", "src/f.c")
        files = {f["path"]: f for f in doc["files"]}
        self.assertEqual(files["src/f.c"]["status"], "degraded")
        self.assertEqual(files["config/cfg.h"]["status"], "degraded")
        self.assertEqual(files["config/cfg.h"]["diagnostics"],
                         ["measured through 'src/f.c', which has errors"])

    def test_unknown_driver_flag_does_not_degrade(self):
        doc = self.scan("--", "-I" + os.path.join(self.root, "config"),
                        "-fno-such-gcc-only-flag")
        self.assertEqual(doc["summary"]["degraded"], 0)
        self.assertIn(("src/f.c", "always"), functions(doc))

    def test_include_exclude(self):
        self.db("build")
        fns = functions(self.scan("--exclude", "g.c"))
        self.assertNotIn(("src/g.c", "g"), fns)
        fns = functions(self.scan("--include", "src/g.*"))
        self.assertEqual(sorted(k[1] for k in fns), ["clamp", "g"])


class Discovery(unittest.TestCase):
    def test_skips_hidden_build_and_ignored(self):
        with tempfile.TemporaryDirectory() as t:
            root = os.path.realpath(t)
            for rel in ("a.c", ".hidden/h.c", "build/b.c", "cmake-build-debug/c.c",
                        "gen/ignored.c", "sub/kept.c"):
                write(root, rel, "int f_%s(void) { return 0; }\n" % rel.replace("/", "_")
                      .replace(".", "_").replace("-", "_"))
            write(root, ".gitignore", "gen/\n")
            doc = json.loads(run("--format=json", root).stdout)
            paths = sorted(f["path"] for f in doc["files"])
            self.assertEqual(paths, ["a.c", "gen/ignored.c", "sub/kept.c"])  # not a git tree
            if shutil.which("git"):
                subprocess.run(["git", "init", "-q", root], check=True)
                doc = json.loads(run("--format=json", root).stdout)
                self.assertEqual(sorted(f["path"] for f in doc["files"]), ["a.c", "sub/kept.c"])
            # a file named on the command line is scanned even where a walk would not go
            doc = json.loads(run("--format=json", "--root", root,
                                 os.path.join(root, "build/b.c")).stdout)
            self.assertEqual([f["path"] for f in doc["files"]], ["build/b.c"])


if __name__ == "__main__":
    if not CXSCAN:
        raise SystemExit("set CXSCAN to the cxscan binary")
    unittest.main(verbosity=2)
