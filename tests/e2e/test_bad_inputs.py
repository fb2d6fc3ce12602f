#!/usr/bin/env python3
"""End-to-end tests of cxscan on hostile and malformed input.

Every test builds its fixtures in a fresh temporary directory, runs the
binary named by the environment variable CXSCAN (with a timeout, so that a
hang fails instead of blocking) and checks the exact outcome: exit status,
per-file status, function counts and metric values, and for usage errors a
single stderr line "cxscan: ..." naming the bad argument or file.

    CXSCAN=build/cxscan python3 tests/e2e/test_bad_inputs.py

Standard library only.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

TIMEOUT = 120  # seconds for any single cxscan run
CXSCAN = None  # absolute path, set by setUpModule


def setUpModule():
    global CXSCAN
    path = os.environ.get("CXSCAN")
    if not path:
        raise RuntimeError("the environment variable CXSCAN is not set; "
                           "run as: CXSCAN=/path/to/cxscan python3 " + sys.argv[0])
    path = os.path.abspath(path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError("CXSCAN=%r is not an executable file" % path)
    CXSCAN = path


def write(path, data):
    """Writes text (str) or bytes to path, creating parent directories."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    kw = {} if isinstance(data, bytes) else {"newline": ""}
    with open(path, mode, **kw) as f:
        f.write(data)


def tree_listing(root):
    """Every path under root (bytes, relative), with type, size and mtime."""
    out = set()
    broot = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(broot):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            out.add((os.path.relpath(p, broot), stat.S_IFMT(st.st_mode), st.st_size,
                     st.st_mtime_ns))
    return out


class CxscanTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="cxscan-e2e-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = os.path.realpath(self._tmp.name)

    # ---- running cxscan ----

    def run_cx(self, *args, cwd=None, user=None):
        """Runs cxscan; returns the CompletedProcess (stdout/stderr as bytes)."""
        binary = CXSCAN
        if user:
            # the build tree may not be reachable by that user (a CI clone
            # in a private directory): run a world-readable copy
            # (with the analyzer module it loads from next to itself)
            d = os.path.join(self.tmp, "cxscan-copy")
            binary = os.path.join(d, "cxscan")
            if not os.path.exists(binary):
                os.makedirs(d, exist_ok=True)
                os.chmod(d, 0o755)
                shutil.copy(CXSCAN, binary)
                module = os.path.join(os.path.dirname(CXSCAN), "cxscan-analyzer.so")
                shutil.copy(module, os.path.join(d, "cxscan-analyzer.so"))
                for f in ("cxscan", "cxscan-analyzer.so"):
                    os.chmod(os.path.join(d, f), 0o755)
        argv = [binary] + [os.fsencode(a) if isinstance(a, str) else a for a in args]
        if user:
            argv = ["setpriv", "--reuid=" + user[0], "--regid=" + user[1],
                    "--clear-groups"] + argv
        env = dict(os.environ, LC_ALL="C", LANG="C", NO_COLOR="1")
        env.pop("LANGUAGE", None)
        if user:
            env["HOME"] = cwd or self.tmp
        try:
            return subprocess.run(argv, cwd=cwd or self.tmp, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("cxscan did not finish within %d s (hang): %r" % (TIMEOUT, args))

    def describe(self, r):
        return "exit %d\n--- stderr:\n%s\n--- stdout (start):\n%s" % (
            r.returncode, r.stderr.decode("utf-8", "replace"),
            r.stdout[:3000].decode("utf-8", "replace"))

    def scan_json(self, *args, cwd=None, user=None, expect_exit=0):
        """Runs cxscan --format=json; checks the exit status; returns (report, result)."""
        r = self.run_cx("--format=json", "--no-cache", "--fail-on=never", *args, cwd=cwd,
                        user=user)
        self.assertEqual(r.returncode, expect_exit, self.describe(r))
        try:
            text = r.stdout.decode("utf-8")  # strict: the report must be UTF-8
            rep = json.loads(text)
        except (UnicodeDecodeError, ValueError) as e:
            self.fail("JSON report does not parse (%s)\n%s" % (e, self.describe(r)))
        self.assertEqual(rep.get("schema_version"), 1)
        s = rep["summary"]
        files = rep["files"]
        # the summary must agree with the file list
        self.assertEqual(s["files"], len(files))
        self.assertEqual(s["functions"], sum(len(f["functions"]) for f in files))
        self.assertEqual(s["degraded"], sum(f["status"] == "degraded" for f in files))
        self.assertEqual(s["errors"], sum(f["status"] == "error" for f in files))
        for f in files:
            self.assertIn(f["status"], ("ok", "degraded", "error"), f)
            if f["status"] != "ok":
                self.assertTrue(f["diagnostics"], "a %s file has no diagnostic: %r"
                                % (f["status"], f))
        return rep, r

    def file_entry(self, rep, path):
        hits = [f for f in rep["files"] if f["path"] == path]
        self.assertEqual(len(hits), 1, "expected exactly one entry for %r in %r"
                         % (path, [f["path"] for f in rep["files"]]))
        return hits[0]

    def func(self, entry, name):
        hits = [fn for fn in entry["functions"] if fn["name"] == name]
        self.assertEqual(len(hits), 1, "expected exactly one function %r in %r"
                         % (name, [fn["name"] for fn in entry["functions"]]))
        return hits[0]

    def assert_usage_error(self, r, *names):
        """Exit 2, nothing on stdout, one stderr line 'cxscan: ...' naming each of names."""
        self.assertEqual(r.returncode, 2, self.describe(r))
        self.assertEqual(r.stdout, b"", "a usage error must not print a report")
        err = r.stderr.decode("utf-8", "replace")
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, "expected exactly one stderr line, got %r" % err)
        self.assertTrue(lines[0].startswith("cxscan: "), "bad prefix: %r" % lines[0])
        for n in names:
            self.assertIn(n, lines[0], "the message does not name %r: %r" % (n, lines[0]))
        return lines[0]


GOOD_C = "int good(int a)\n{\n\tif (a > 0)\n\t\treturn 1;\n\treturn 0;\n}\n"


class BadInputs(CxscanTestCase):

    # 1
    def test_binary_file_named_c_next_to_good_file(self):
        write(os.path.join(self.tmp, "good.c"), GOOD_C)
        junk = bytearray(os.urandom(4096))
        junk[100] = 0  # a NUL for certain
        junk[2000] = 0
        write(os.path.join(self.tmp, "x.c"), bytes(junk))
        rep, _ = self.scan_json(".")
        self.assertEqual(rep["summary"]["files"], 2)
        x = self.file_entry(rep, "x.c")
        self.assertEqual(x["status"], "error")
        self.assertEqual(x["functions"], [])
        self.assertIn("x.c", x["diagnostics"][0])
        self.assertIn("NUL", x["diagnostics"][0])
        g = self.file_entry(rep, "good.c")
        self.assertEqual(g["status"], "ok")
        self.assertEqual(self.func(g, "good")["ccn"], 2)
        self.assertEqual(rep["summary"]["functions"], 1)
        self.assertEqual(rep["summary"]["errors"], 1)

    # 2
    def test_nul_byte_in_middle_of_valid_file(self):
        src = b"int before(int a)\n{\n\treturn a;\n}\n\0\nint after(void)\n{\n\treturn 0;\n}\n"
        write(os.path.join(self.tmp, "nul.c"), src)
        write(os.path.join(self.tmp, "good.c"), GOOD_C)
        rep, _ = self.scan_json(".")
        e = self.file_entry(rep, "nul.c")
        self.assertEqual(e["status"], "error", e)
        self.assertEqual(e["functions"], [])
        self.assertIn("nul.c", e["diagnostics"][0])
        self.assertIn("NUL", e["diagnostics"][0])
        self.assertEqual(self.file_entry(rep, "good.c")["status"], "ok")

    # 2b: the NUL check must cover the whole file, not only its first block
    def test_nul_byte_after_first_8k(self):
        head = b"int before(int a)\n{\n\treturn a;\n}\n" + b"/* padding line */\n" * 1000
        self.assertGreater(len(head), 16384)
        src = head + b"int z;\0\nint after(void)\n{\n\treturn 0;\n}\n"
        write(os.path.join(self.tmp, "latenul.c"), src)
        rep, _ = self.scan_json(".")
        e = self.file_entry(rep, "latenul.c")
        self.assertEqual(e["status"], "error",
                         "a file with a NUL byte at offset %d is not an error: %r"
                         % (src.index(b"\0"), e))
        self.assertIn("NUL", e["diagnostics"][0])
        self.assertEqual(e["functions"], [])

    # 3
    def test_non_utf8_file_name(self):
        bname = b"caf\xe9.c"
        with open(os.path.join(os.fsencode(self.tmp), bname), "wb") as f:
            f.write(b"int cafe(int a)\n{\n\tif (a)\n\t\treturn 1;\n\treturn 0;\n}\n")
        rep, _ = self.scan_json(".")
        self.assertEqual(rep["summary"]["files"], 1)
        e = self.file_entry(rep, "caf\ufffd.c")
        self.assertEqual(e["status"], "ok")
        fn = self.func(e, "cafe")
        self.assertEqual((fn["line"], fn["ccn"]), (1, 2))

        r = self.run_cx("--format=csv", ".")
        self.assertEqual(r.returncode, 0, self.describe(r))
        lines = r.stdout.split(b"\r\n")
        self.assertTrue(lines[0].startswith(b"path,function,line,"), lines[0])
        self.assertEqual(lines[-1], b"")  # CRLF-terminated
        rows = [l for l in lines[1:] if l]
        self.assertEqual(len(rows), 1, rows)
        self.assertTrue(rows[0].startswith(bname + b",cafe,1,5,6,2,"), rows[0])
        self.assertTrue(rows[0].endswith(b",ok"), rows[0])

    # 4
    def test_symlink_loops(self):
        write(os.path.join(self.tmp, "real.c"), GOOD_C)
        write(os.path.join(self.tmp, "sub", "s.c"), "int s(void)\n{\n\treturn 0;\n}\n")
        os.symlink("..", os.path.join(self.tmp, "sub", "up"))     # dir -> its parent
        os.symlink(".", os.path.join(self.tmp, "sub", "self"))    # dir -> itself
        os.symlink("b.c", os.path.join(self.tmp, "a.c"))          # a.c -> b.c -> a.c
        os.symlink("a.c", os.path.join(self.tmp, "b.c"))
        rep, r = self.scan_json(".")
        paths = sorted(f["path"] for f in rep["files"])
        self.assertEqual(paths, ["real.c", "sub/s.c"], "real files must be measured once")
        self.assertEqual(rep["summary"]["functions"], 2)
        for f in rep["files"]:
            self.assertEqual(f["status"], "ok", f)
        # the looping file links are reported, not silently dropped
        err = r.stderr.decode("utf-8", "replace")
        self.assertIn("a.c", err)
        self.assertIn("b.c", err)

    # 4b: a file symlink to a file that is scanned anyway is not measured twice
    def test_file_symlink_alias_measured_once(self):
        write(os.path.join(self.tmp, "real.c"), GOOD_C)
        os.symlink("real.c", os.path.join(self.tmp, "alias.c"))
        rep, _ = self.scan_json(".")
        paths = [f["path"] for f in rep["files"]]
        self.assertEqual(paths.count("real.c") + paths.count("alias.c"), 1,
                         "real.c measured more than once: %r" % paths)
        self.assertEqual(rep["summary"]["functions"], 1)

    # 5
    @unittest.skipUnless(shutil.which("setpriv"), "setpriv (util-linux) is not installed")
    def test_unreadable_file(self):
        base = self.tmp
        # the tree must be traversable by nobody: the temp dir is ours to chmod;
        # its parents must already be (they are for /tmp)
        p = os.path.dirname(base)
        while True:
            if not os.stat(p).st_mode & stat.S_IXOTH:
                self.fail("%s is not traversable by others; set TMPDIR=/tmp" % p)
            if p == "/":
                break
            p = os.path.dirname(p)
        root = os.path.join(base, "proj")
        write(os.path.join(root, "ok.c"), GOOD_C)
        write(os.path.join(root, "secret.c"), "int secret(void)\n{\n\treturn 0;\n}\n")
        write(os.path.join(root, "locked", "hidden.c"), "int hidden(void)\n{\n\treturn 0;\n}\n")
        for d in (base, root):
            os.chmod(d, 0o755)
        os.chmod(os.path.join(root, "ok.c"), 0o644)
        os.chmod(os.path.join(root, "secret.c"), 0o000)
        os.chmod(os.path.join(root, "locked"), 0o000)
        self.addCleanup(os.chmod, os.path.join(root, "locked"), 0o755)
        self.assertTrue(os.access(CXSCAN, os.X_OK))
        rep, r = self.scan_json(root, cwd=root, user=("nobody", "nogroup"))
        s = self.file_entry(rep, "secret.c")
        self.assertEqual(s["status"], "error")
        self.assertEqual(s["functions"], [])
        self.assertIn("secret.c", s["diagnostics"][0])
        self.assertIn("Permission denied", s["diagnostics"][0])
        ok = self.file_entry(rep, "ok.c")
        self.assertEqual(ok["status"], "ok")
        self.assertEqual(self.func(ok, "good")["ccn"], 2)
        self.assertEqual(rep["summary"]["files"], 2)
        # the unreadable directory is a warning naming it, and the scan goes on
        err = r.stderr.decode("utf-8", "replace")
        self.assertRegex(err, r"cxscan: warning: .*locked")

    # 6
    def test_empty_project_directory(self):
        proj = os.path.join(self.tmp, "empty")
        os.mkdir(proj)
        rep, _ = self.scan_json(proj)
        self.assertEqual(rep["summary"]["files"], 0)
        self.assertEqual(rep["summary"]["functions"], 0)
        self.assertEqual(rep["summary"]["degraded"], 0)
        self.assertEqual(rep["summary"]["errors"], 0)
        self.assertEqual(rep["files"], [])

        r = self.run_cx("--format=text", proj)
        self.assertEqual(r.returncode, 0, self.describe(r))
        out = r.stdout.decode("utf-8")
        self.assertIn("0 files, 0 functions, 0 degraded, 0 errors", out)
        self.assertNotIn("location", out)  # no table header without functions

        r = self.run_cx("--format=csv", proj)
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout.count(b"\n"), 1, r.stdout)
        self.assertTrue(r.stdout.startswith(b"path,function,line,column,"), r.stdout)
        self.assertTrue(r.stdout.endswith(b",status\r\n"), r.stdout)

    # 7
    def test_nonexistent_path(self):
        missing = os.path.join(self.tmp, "does", "not", "exist")
        r = self.run_cx(missing)
        msg = self.assert_usage_error(r, missing)
        self.assertIn("No such file or directory", msg)
        # also next to a valid path
        write(os.path.join(self.tmp, "good.c"), GOOD_C)
        r = self.run_cx("--format=json", self.tmp, "nope.c")
        self.assert_usage_error(r, "nope.c")

    # 8
    def test_bad_options_and_values(self):
        write(os.path.join(self.tmp, "good.c"), GOOD_C)
        missing_dir = os.path.join(self.tmp, "no_such_dir")
        cases = [
            (["--format=xml"], "xml"),
            (["--format", "xml"], "xml"),
            (["-f", "xml"], "xml"),
            (["--macros=foo"], "foo"),
            (["--top=-1"], "-1"),
            (["--top= -1"], "-1"),  # strtoull accepts leading space then '-'
            (["--top=abc"], "abc"),
            (["--sort=bogus"], "bogus"),
            (["--frobnicate"], "--frobnicate"),
            (["--color=maybe"], "maybe"),
            (["--no-cache=yes"], "no-cache"),
            (["--format"], "format"),  # value missing
            (["-p", missing_dir], missing_dir),
            (["-p" + missing_dir], missing_dir),
            (["--compdb=" + missing_dir], missing_dir),
            (["--exclude", "src/[ab"], "--exclude 'src/[ab': bad glob: an unterminated '['"),
            (["--include=./src"], "--include './src': bad glob: a '.' or '..' component"),
            (["--include=src/"], "--include 'src/': bad glob: a trailing '/'"),
        ]
        for args, named in cases:
            with self.subTest(args=args):
                r = self.run_cx(*(args + ["."]))
                self.assert_usage_error(r, named)

    # 9
    def test_malformed_compile_commands(self):
        write(os.path.join(self.tmp, "a.c"), GOOD_C)
        db = os.path.join(self.tmp, "compile_commands.json")
        ok_entry = '{"directory": ".", "file": "a.c", "command": "cc -c a.c"}'
        cases = [
            # name, content, regex the message must match (after the file name)
            ("truncated",
             '[\n  ' + ok_entry + ',\n  {"directory": ".", "file": "a.c"',
             r"compile_commands\.json:3:\d+: "),
            ("truncated_first_line", '[' + ok_entry, r"compile_commands\.json:1:\d+: "),
            ("empty_file", "", r"compile_commands\.json:1:1: "),
            ("not_an_array", ok_entry, r"compile_commands\.json: .*array"),
            ("entry_without_file",
             '[' + ok_entry + ', {"directory": ".", "command": "cc -c b.c"}]',
             r"compile_commands\.json: entry 1: .*\"file\""),
            ("entry_not_object", '[' + ok_entry + ', 42]',
             r"compile_commands\.json: entry 1 "),
            ("arguments_with_number",
             '[{"directory": ".", "file": "a.c", "arguments": ["cc", 5, "a.c"]}]',
             r"compile_commands\.json: entry 0: .*arguments"),
            ("unterminated_double_quote",
             '[{"directory": ".", "file": "a.c", "command": "cc -DX=\\"oops -c a.c"}]',
             r"compile_commands\.json: entry 0: unterminated \" quote"),
            ("unterminated_single_quote",
             '[{"directory": ".", "file": "a.c", "command": "cc -DX=\'oops -c a.c"}]',
             r"compile_commands\.json: entry 0: unterminated ' quote"),
        ]
        for name, content, pattern in cases:
            with self.subTest(case=name):
                write(db, content)
                r = self.run_cx("--format=json", ".")
                msg = self.assert_usage_error(r, db)
                self.assertRegex(msg, pattern)
                # the message names the problem once, without repeating itself
                self.assertEqual(msg.count("compile_commands.json"), 1, msg)
                # and the same through -p DIR
                r = self.run_cx("--format=json", "-p", self.tmp, ".")
                self.assertEqual(self.assert_usage_error(r, db), msg)

    # 10
    def _compdb_fixture(self):
        proj = os.path.join(self.tmp, "proj")
        write(os.path.join(proj, "inc", "h.h"), "typedef int myint;\n")
        write(os.path.join(proj, "src", "a.c"),
              '#include "h.h"\n'
              '#ifndef VALUE\n#error VALUE is not defined\n#endif\n'
              "int measured(myint a)\n{\n\tint unused;\n"
              "\tif (a > VALUE && a < 100)\n\t\treturn 1;\n\treturn 0;\n}\n")
        os.mkdir(os.path.join(proj, "out"))
        return proj

    def _check_compdb_scan(self, proj):
        before = tree_listing(self.tmp)
        rep, _ = self.scan_json(".", cwd=proj)
        after = tree_listing(self.tmp)
        new = sorted(a[0] for a in after if a[0] not in {b[0] for b in before})
        self.assertEqual(new, [], "cxscan created files in the tree")
        self.assertEqual(after, before, "cxscan modified the tree: %r"
                         % sorted(after ^ before))
        e = self.file_entry(rep, "src/a.c")
        self.assertEqual(e["status"], "ok", e)
        fn = self.func(e, "measured")
        self.assertEqual((fn["line"], fn["ccn"], fn["params"]), (5, 3, 1))
        self.assertEqual(rep["summary"]["files"], 1)

    def test_compdb_with_hostile_flags(self):
        proj = self._compdb_fixture()
        args = ["gcc", "-I../inc", "-DVALUE=3", "-Wall", "-Werror", "-fconserve-stack",
                "-MD", "-MF", "deps.d", "-Wp,-MMD,x.d", "-o", "out.o", "-c",
                "-fmodules", "-fmodules-cache-path=mcache",
                "--", "../src/a.c"]
        variants = {
            "arguments": [{"directory": "out", "file": "../src/a.c", "arguments": args}],
            "command": [{"directory": "out", "file": "../src/a.c",
                         "command": " ".join(args)}],
            "absolute_directory": [{"directory": os.path.join(proj, "out"),
                                    "file": "../src/a.c", "arguments": args}],
        }
        for name, db in variants.items():
            with self.subTest(variant=name):
                write(os.path.join(proj, "compile_commands.json"), json.dumps(db))
                self._check_compdb_scan(proj)

    # 10b: -MJ makes the clang driver write a compilation-database fragment
    def test_compdb_mj_flag_writes_nothing(self):
        proj = self._compdb_fixture()
        for flags in (["-MJ", "frag.json"], ["-MJfrag2.json"]):
            with self.subTest(flags=flags):
                db = [{"directory": "out", "file": "../src/a.c",
                       "arguments": ["clang", "-I../inc", "-DVALUE=3"] + flags
                       + ["-c", "../src/a.c"]}]
                write(os.path.join(proj, "compile_commands.json"), json.dumps(db))
                self._check_compdb_scan(proj)

    # 11
    def test_deep_nesting(self):
        def src(name, body):
            write(os.path.join(self.tmp, name + ".c"),
                  "int %s(int a)\n{\n%s\n\treturn a;\n}\n" % (name, body))
        src("ifs", "\tif (a)\n" * 5000 + "\t\ta++;")
        src("braces", "\t" + "{ " * 3000 + "a++; " + "} " * 3000)
        src("ands", "\ta = " + " && ".join(["a"] * 20000) + ";")
        src("parens", "\ta = " + "(" * 2000 + "a" + ")" * 2000 + ";")
        src("parens_and", "\ta = " + "(a && " * 2000 + "a" + ")" * 2000 + ";")
        src("parens_ok", "\ta = " + "(a && " * 200 + "a" + ")" * 200 + ";")
        # these two killed the process while libclang parsed on its own 8 MiB
        # thread (found by fuzz_source)
        src("bangs", "\ta = " + "!" * 4000 + "a;")
        src("elifs", "\tif (a == 0) a = 1;\n" + "".join(
            "\telse if (a == %d) a = %d;\n" % (i, i) for i in range(1, 10000)))
        rep, _ = self.scan_json(".")
        self.assertEqual(rep["summary"]["files"], 8)
        self.assertEqual(rep["summary"]["errors"], 0)

        def parsed(name, ccn, **more):
            e = self.file_entry(rep, name + ".c")
            self.assertEqual(e["status"], "ok", e)
            fn = self.func(e, name)
            self.assertEqual(fn["ccn"], ccn, name)
            for k, v in more.items():
                self.assertEqual(fn[k], v, "%s.%s" % (name, k))

        def maybe_rejected(name, ccn):
            """clang may refuse nesting beyond its bracket depth (256): then the
            file is degraded with that diagnostic; otherwise exact values."""
            e = self.file_entry(rep, name + ".c")
            if e["status"] == "ok":
                self.assertEqual(self.func(e, name)["ccn"], ccn, name)
                return
            self.assertEqual(e["status"], "degraded", e)
            self.assertRegex(e["diagnostics"][0], r"^%s\.c:\d+:\d+: .*nesting" % name)
            self.assertEqual(len(e["functions"]), 1, e)
            self.assertEqual(e["functions"][0]["name"], name)
            self.assertGreaterEqual(e["functions"][0]["ccn"], 1)
            self.assertLessEqual(e["functions"][0]["ccn"], ccn)

        parsed("ifs", 5001, max_nesting=5000, cognitive=5000 + 4999 * 5000 // 2)
        parsed("ands", 20000)
        parsed("parens_ok", 201)
        parsed("bangs", 1, npath=1)
        parsed("elifs", 10001, npath=10001, cognitive=10000, max_nesting=1)
        maybe_rejected("braces", 1)
        maybe_rejected("parens", 1)
        maybe_rejected("parens_and", 2001)

    # 12
    def test_directory_fifo_and_dangling_link_named_c(self):
        write(os.path.join(self.tmp, "good.c"), GOOD_C)
        write(os.path.join(self.tmp, "foo.c", "inner.c"), "int inner(void)\n{\n\treturn 0;\n}\n")
        os.mkfifo(os.path.join(self.tmp, "fifo.c"))
        os.symlink("nowhere.c", os.path.join(self.tmp, "dangling.c"))
        rep, r = self.scan_json(".")
        err = r.stderr.decode("utf-8", "replace")
        paths = [f["path"] for f in rep["files"]]
        # the directory named foo.c is walked, not parsed
        self.assertNotIn("foo.c", paths)
        self.assertEqual(self.file_entry(rep, "foo.c/inner.c")["status"], "ok")
        self.assertEqual(self.file_entry(rep, "good.c")["status"], "ok")
        # the dangling link is a warning naming it
        self.assertRegex(err, r"cxscan: warning: .*dangling\.c")
        self.assertNotIn("dangling.c", paths)
        # the FIFO is not opened (no hang) and is either an error entry or a warning
        if "fifo.c" in paths:
            f = self.file_entry(rep, "fifo.c")
            self.assertEqual(f["status"], "error")
            self.assertIn("not a regular file", f["diagnostics"][0])
        else:
            self.assertRegex(err, r"cxscan: warning: .*fifo\.c",
                             "fifo.c is silently skipped: neither listed nor warned about")
        self.assertEqual(rep["summary"]["functions"], 2)

    def test_fifo_and_dangling_link_named_on_command_line(self):
        os.mkfifo(os.path.join(self.tmp, "fifo.c"))
        rep, _ = self.scan_json("fifo.c")
        f = self.file_entry(rep, "fifo.c")
        self.assertEqual(f["status"], "error")
        self.assertIn("fifo.c", f["diagnostics"][0])
        self.assertIn("not a regular file", f["diagnostics"][0])
        os.symlink("nowhere.c", os.path.join(self.tmp, "dangling.c"))
        r = self.run_cx("--format=json", "dangling.c")
        self.assert_usage_error(r, "dangling.c")

    # 13
    def test_huge_file(self):
        big = os.path.join(self.tmp, "big.c")
        write(big, "int big(void)\n{\n\treturn 0;\n}\n")
        os.truncate(big, 70 * 1024 * 1024)  # sparse
        write(os.path.join(self.tmp, "good.c"), GOOD_C)
        rep, _ = self.scan_json(".")
        e = self.file_entry(rep, "big.c")
        self.assertEqual(e["status"], "error")
        self.assertEqual(e["functions"], [])
        self.assertIn("big.c", e["diagnostics"][0])
        self.assertIn("larger than the limit", e["diagnostics"][0])
        self.assertEqual(self.file_entry(rep, "good.c")["status"], "ok")

    # 14
    def test_crlf_bom_and_missing_header(self):
        write(os.path.join(self.tmp, "crlf.c"), GOOD_C.replace("\n", "\r\n"))
        write(os.path.join(self.tmp, "bom.c"), b"\xef\xbb\xbf")
        write(os.path.join(self.tmp, "bomfn.c"), b"\xef\xbb\xbf" + GOOD_C.encode())
        write(os.path.join(self.tmp, "missing.c"),
              '#include "no_such_header.h"\n' + GOOD_C)
        rep, _ = self.scan_json(".")
        self.assertEqual(rep["summary"]["files"], 4)

        crlf = self.file_entry(rep, "crlf.c")
        self.assertEqual(crlf["status"], "ok")
        fn = self.func(crlf, "good")
        self.assertEqual((fn["line"], fn["end_line"], fn["ccn"], fn["nloc"]), (1, 6, 2, 6))

        bom = self.file_entry(rep, "bom.c")
        self.assertEqual(bom["status"], "ok", bom)
        self.assertEqual(bom["functions"], [])

        bomfn = self.file_entry(rep, "bomfn.c")
        self.assertEqual(bomfn["status"], "ok")
        fn = self.func(bomfn, "good")
        self.assertEqual((fn["line"], fn["end_line"], fn["ccn"]), (1, 6, 2))

        m = self.file_entry(rep, "missing.c")
        self.assertEqual(m["status"], "degraded")
        self.assertTrue(m["diagnostics"][0].startswith("missing.c:1:10: "), m["diagnostics"])
        self.assertIn("no_such_header.h", m["diagnostics"][0])
        fn = self.func(m, "good")
        self.assertEqual((fn["line"], fn["ccn"]), (2, 2))


if __name__ == "__main__":
    unittest.main()
