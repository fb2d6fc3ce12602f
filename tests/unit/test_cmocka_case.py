#!/usr/bin/env python3
"""Tests of cxscan-cmocka-case.so (coverage/cmocka_case.c), the LD_PRELOAD
library with which `cxscan record --per-case` lists the cases of a cmocka
program (CXSCAN_CMOCKA_LIST=FILE) and runs one at a time
(CXSCAN_CMOCKA_CASE=GROUP<TAB>CASE or CASE), without touching the tests.

Builds, in a temporary directory, with gcc, pkg-config cmocka and
--coverage: a program of 2 groups x 3 cases (one fails, one has its own
setup/teardown, both groups have group setup/teardown), a program with odd
and duplicate names, one with the deprecated run_tests/run_group_tests and
one that is not a cmocka program. Checks the LIST output byte for byte,
that each case runs alone ("[ RUN      ] name" lines, fixtures, exit status
0 or 1 as cmocka's), that a missing case exits 3 with its message, that the
.gcda files are still written in every mode (GCOV_PREFIX, read back with
gcov -j -t: a case's function counts only when that case ran), the
program's cmocka_set_test_filter / cmocka_set_skip_filter /
cmocka_set_message_output, and that a program without cmocka is unaffected.

Environment: CXSCAN_CMOCKA_CASE_LIB, the library to test; when unset, the
test builds coverage/cmocka_case.c itself (gcc -shared -fPIC)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_SOURCE = os.path.normpath(os.path.join(HERE, "..", "..", "coverage", "cmocka_case.c"))

CMOCKA_INCLUDES = r"""
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
"""

# 2 groups x 3 cases. Each case calls its own cov_* function (for gcov);
# fixtures print markers. TP_FILTER / TP_SKIP / TP_TAP make main call
# cmocka_set_test_filter / cmocka_set_skip_filter /
# cmocka_set_message_output; TP_EXIT makes it exit() instead of return.
# "main done" is printed without a flush: it shows stdio was flushed.
PROGRAM = CMOCKA_INCLUDES + r"""
static void mark(const char *what) { printf("%s\n", what); fflush(stdout); }

static int cov_a_pass(int x) { return x + 1; }
static int cov_a_fail(int x) { return x * 2; }
static int cov_a_fixture(int x) { return x - 1; }
static int cov_b_one(int x) { return x + 10; }
static int cov_b_two(int x) { return x + 20; }
static int cov_b_three(int x) { return x + 30; }

static void a_pass(void **state) { (void)state; assert_int_equal(cov_a_pass(1), 2); }
static void a_fail(void **state) { (void)state; assert_int_equal(cov_a_fail(2), 5); }
static void a_fixture(void **state) { assert_int_equal(*(int *)*state, 42);
                                      assert_int_equal(cov_a_fixture(1), 0); }
static void b_one(void **state) { (void)state; assert_int_equal(cov_b_one(0), 10); }
static void b_two(void **state) { (void)state; assert_int_equal(cov_b_two(0), 20); }
static void b_three(void **state) { (void)state; assert_int_equal(cov_b_three(0), 30); }

static int the_answer = 42;
static int fix_setup(void **state) { mark("SETUP a_fixture"); *state = &the_answer; return 0; }
static int fix_teardown(void **state) { (void)state; mark("TEARDOWN a_fixture"); return 0; }
static int alpha_gsetup(void **state) { (void)state; mark("GSETUP alpha"); return 0; }
static int alpha_gteardown(void **state) { (void)state; mark("GTEARDOWN alpha"); return 0; }
static int beta_gsetup(void **state) { (void)state; mark("GSETUP beta"); return 0; }
static int beta_gteardown(void **state) { (void)state; mark("GTEARDOWN beta"); return 0; }

int main(void)
{
    const struct CMUnitTest alpha_tests[] = {
        cmocka_unit_test(a_pass),
        cmocka_unit_test(a_fail),
        cmocka_unit_test_setup_teardown(a_fixture, fix_setup, fix_teardown),
    };
    const struct CMUnitTest beta_tests[] = {
        cmocka_unit_test(b_one),
        cmocka_unit_test(b_two),
        cmocka_unit_test(b_three),
    };
    int rc = 0;

    if (getenv("TP_FILTER"))
        cmocka_set_test_filter(getenv("TP_FILTER"));
    if (getenv("TP_SKIP"))
        cmocka_set_skip_filter(getenv("TP_SKIP"));
    if (getenv("TP_TAP"))
        cmocka_set_message_output(CM_OUTPUT_TAP);
    rc += cmocka_run_group_tests(alpha_tests, alpha_gsetup, alpha_gteardown);
    rc += cmocka_run_group_tests_name("beta", beta_tests, beta_gsetup, beta_gteardown);
    printf("main done rc=%d\n", rc);
    if (getenv("TP_EXIT"))
        exit(rc);
    return rc;
}
"""

# Names: a group name used twice with the same case name, a case name
# with a tab and a newline, entries cmocka skips (no name; no function).
NAMES = CMOCKA_INCLUDES + r"""
static void same(void **state) { (void)state; }
static void odd(void **state) { (void)state; }
int main(void)
{
    const struct CMUnitTest first[] = {
        cmocka_unit_test(same),
        { "odd\tname\nx", odd, NULL, NULL, NULL },
        { NULL, odd, NULL, NULL, NULL },
        { "nothing", NULL, NULL, NULL, NULL },
    };
    const struct CMUnitTest second[] = { cmocka_unit_test(same) };
    int rc = cmocka_run_group_tests_name("dup", first, NULL, NULL);
    return rc + cmocka_run_group_tests_name("dup", second, NULL, NULL);
}
"""

# The deprecated runners.
LEGACY = CMOCKA_INCLUDES + r"""
static void mark(const char *what) { printf("%s\n", what); fflush(stdout); }
static void l_one(void **state) { (void)state; }
static void l_two(void **state) { assert_int_equal(*(int *)*state, 7); }
static void l_three(void **state) { (void)state; fail(); }
static int seven = 7;
static void l_setup(void **state) { mark("SETUP l_two"); *state = &seven; }
static void l_teardown(void **state) { (void)state; mark("TEARDOWN l_two"); }
static void lg_setup(void **state) { (void)state; mark("GSETUP legacy"); }
static void lg_teardown(void **state) { (void)state; mark("GTEARDOWN legacy"); }
static void lg_one(void **state) { (void)state; }
static void lg_two(void **state) { (void)state; }
int main(void)
{
    const UnitTest tests[] = {
        unit_test(l_one),
        unit_test_setup_teardown(l_two, l_setup, l_teardown),
        unit_test(l_three),
    };
    const UnitTest group[] = {
        group_test_setup(lg_setup),
        unit_test(lg_one),
        unit_test(lg_two),
        group_test_teardown(lg_teardown),
    };
    int rc = run_tests(tests);
    return rc + run_group_tests(group);
}
"""

NOT_CMOCKA = r"""
#include <stdio.h>
static int work(int x) { return x * 3; }
int main(void) { printf("plain %d\n", work(2)); return 7; }
"""

ALPHA = ["a_pass", "a_fail", "a_fixture"]
BETA = ["b_one", "b_two", "b_three"]
CASES = [("alpha_tests", c) for c in ALPHA] + [("beta", c) for c in BETA]
LIST_TEXT = "".join("%s\t%s\n" % gc for gc in CASES)
OUR_ENV = ("CXSCAN_CMOCKA_LIST", "CXSCAN_CMOCKA_CASE", "LD_PRELOAD", "GCOV_PREFIX",
           "GCOV_PREFIX_STRIP", "CMOCKA_MESSAGE_OUTPUT", "CMOCKA_XML_FILE",
           "CMOCKA_TEST_ABORT", "TP_FILTER", "TP_SKIP", "TP_TAP", "TP_EXIT")


def sh(args, cwd=None):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (args, p.returncode, p.stdout, p.stderr))
    return p.stdout


def run_lines(out):
    """The case names of cmocka's "[ RUN      ] name" lines."""
    tag = "[ RUN      ] "
    return [ln[len(tag):] for ln in out.splitlines() if ln.startswith(tag)]


def markers(out, prefix):
    return [ln for ln in out.splitlines() if ln.startswith(prefix)]


class CmockaCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("gcc", "gcov", "pkg-config"):
            if shutil.which(tool) is None:
                raise unittest.SkipTest("%s not found" % tool)
        if subprocess.run(["pkg-config", "--exists", "cmocka"]).returncode != 0:
            raise unittest.SkipTest("pkg-config knows no cmocka")
        cls.tmp = tempfile.mkdtemp(prefix="cx-cmocka-case-")
        cls.build = os.path.join(cls.tmp, "build")
        os.mkdir(cls.build)
        cls.lib = os.environ.get("CXSCAN_CMOCKA_CASE_LIB")
        if not cls.lib:
            cls.lib = os.path.join(cls.tmp, "cxscan-cmocka-case.so")
            sh(["gcc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-g", "-Wall", "-Wextra", "-Werror",
                "-Wshadow", "-Wstrict-prototypes", "-Wmissing-prototypes", "-shared", "-fPIC",
                "-o", cls.lib, LIB_SOURCE, "-ldl"])
        cls.lib = os.path.abspath(cls.lib)
        cflags = sh(["pkg-config", "--cflags", "cmocka"]).split()
        libs = sh(["pkg-config", "--libs", "cmocka"]).split()
        for name, text, cmocka in (("tp", PROGRAM, True), ("names", NAMES, True),
                                   ("legacy", LEGACY, True), ("plain", NOT_CMOCKA, False)):
            with open(os.path.join(cls.build, name + ".c"), "w") as f:
                f.write(text)
            # object first, so that the data files are NAME.gcno/.gcda
            sh(["gcc", "-std=c11", "-O0", "--coverage", "-Wno-deprecated-declarations"]
               + (cflags if cmocka else []) + ["-c", name + ".c", "-o", name + ".o"],
               cwd=cls.build)
            sh(["gcc", "--coverage", "-o", name, name + ".o"] + (libs if cmocka else []),
               cwd=cls.build)
        # the compiled-in .gcda path is BUILD/NAME.gcda: strip BUILD
        cls.strip = len([c for c in cls.build.split("/") if c])
        cls.runs = 0

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_prog(self, name, env=None, preload=True, wrap=()):
        """Runs build/NAME with a fresh GCOV_PREFIX; returns
        (CompletedProcess, the directory its .gcda files went to)."""
        type(self).runs += 1
        prefix = os.path.join(self.tmp, "gcov-%d" % self.runs)
        e = {k: v for k, v in os.environ.items() if k not in OUR_ENV}
        e.update(GCOV_PREFIX=prefix, GCOV_PREFIX_STRIP=str(self.strip))
        if preload:
            e["LD_PRELOAD"] = self.lib
        e.update(env or {})
        p = subprocess.run(list(wrap) + [os.path.join(self.build, name)], env=e,
                           capture_output=True, text=True, timeout=120)
        return p, prefix

    def functions(self, name, prefix):
        """{function: execution count} from PREFIX/NAME.gcda (gcov -j -t)."""
        gcda = os.path.join(prefix, name + ".gcda")
        self.assertTrue(os.path.isfile(gcda), "no %s: coverage lost" % gcda)
        work = tempfile.mkdtemp(dir=self.tmp)
        shutil.copy(os.path.join(self.build, name + ".gcno"), work)
        shutil.copy(gcda, work)
        shutil.copy(os.path.join(self.build, name + ".c"), work)
        doc = json.loads(sh(["gcov", "-j", "-t", name + ".gcda"], cwd=work))
        return {fn["name"]: fn["execution_count"]
                for f in doc["files"] for fn in f["functions"]}

    def list_cases(self, name="tp", env=None):
        path = os.path.join(self.tmp, "list-%d.txt" % (self.runs + 1))
        p, prefix = self.run_prog(name, dict(env or {}, CXSCAN_CMOCKA_LIST=path))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(run_lines(p.stdout), [], "LIST mode ran a test")
        with open(path) as f:
            return f.read(), p, prefix

    # ---- LIST ----

    def test_list_exact(self):
        text, p, prefix = self.list_cases()
        self.assertEqual(text, LIST_TEXT)
        self.assertEqual(markers(p.stdout, "GSETUP") + markers(p.stdout, "SETUP"), [])
        self.assertIn("main done rc=0", p.stdout)
        self.assertEqual(p.stderr, "")
        counts = self.functions("tp", prefix)
        self.assertEqual(counts["main"], 1)
        for c in ALPHA + BETA:
            self.assertEqual(counts[c], 0, c)

    def test_list_appends(self):
        path = os.path.join(self.tmp, "list-append.txt")
        with open(path, "w") as f:
            f.write("before\tx\n")
        p, _ = self.run_prog("tp", {"CXSCAN_CMOCKA_LIST": path})
        self.assertEqual(p.returncode, 0)
        with open(path) as f:
            self.assertEqual(f.read(), "before\tx\n" + LIST_TEXT)

    def test_list_names(self):
        # tab and newline become spaces; "dup\tsame" is listed once;
        # entries cmocka skips (no name, no function) are not listed
        text, _, _ = self.list_cases("names")
        self.assertEqual(text, "dup\tsame\ndup\todd name x\n")

    def test_list_follows_program_filters(self):
        text, _, _ = self.list_cases(env={"TP_FILTER": "a_*"})
        self.assertEqual(text, "".join("alpha_tests\t%s\n" % c for c in ALPHA))
        text, _, _ = self.list_cases(env={"TP_SKIP": "*fi?ture"})
        self.assertEqual(text, LIST_TEXT.replace("alpha_tests\ta_fixture\n", ""))
        text, _, _ = self.list_cases(env={"TP_FILTER": "*_t*"})
        self.assertEqual(text, "beta\tb_two\nbeta\tb_three\n")

    # ---- CASE ----

    def check_alone(self, group, case, p, prefix):
        self.assertEqual(run_lines(p.stdout), [case], p.stdout)
        self.assertEqual(p.returncode, 1 if case == "a_fail" else 0, p.stdout + p.stderr)
        g = "alpha" if group == "alpha_tests" else "beta"
        self.assertEqual(markers(p.stdout, "GSETUP"), ["GSETUP " + g])
        self.assertEqual(markers(p.stdout, "GTEARDOWN"), ["GTEARDOWN " + g])
        fixture = ["SETUP a_fixture", "TEARDOWN a_fixture"] if case == "a_fixture" else []
        self.assertEqual(markers(p.stdout, "SETUP") + markers(p.stdout, "TEARDOWN"), fixture)
        self.assertIn("[==========] Running 1 test(s).", p.stdout)
        self.assertIn("main done rc=%d" % p.returncode, p.stdout)
        self.assertNotIn("cxscan-cmocka-case", p.stderr)
        counts = self.functions("tp", prefix)
        for c in ALPHA + BETA:
            want = 1 if c == case else 0
            self.assertEqual(counts[c], want, "%s when running %s" % (c, case))
            self.assertEqual(counts["cov_" + c], want, "cov_%s when running %s" % (c, case))
        self.assertEqual(counts["alpha_gsetup"], 1 if g == "alpha" else 0)
        self.assertEqual(counts["beta_gteardown"], 1 if g == "beta" else 0)
        self.assertEqual(counts["fix_setup"], 1 if case == "a_fixture" else 0)

    def test_each_case_alone(self):
        text, _, _ = self.list_cases()
        for line in text.splitlines():
            group, case = line.split("\t")
            with self.subTest(case=line):
                p, prefix = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": line})
                self.check_alone(group, case, p, prefix)

    def test_case_name_alone_matches_any_group(self):
        for group, case in (("beta", "b_two"), ("alpha_tests", "a_fail")):
            with self.subTest(case=case):
                p, prefix = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": case})
                self.check_alone(group, case, p, prefix)

    def test_case_program_calls_exit(self):
        p, prefix = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": "a_fail", "TP_EXIT": "1"})
        self.check_alone("alpha_tests", "a_fail", p, prefix)

    def test_case_duplicates_and_odd_names(self):
        p, _ = self.run_prog("names", {"CXSCAN_CMOCKA_CASE": "dup\tsame"})
        self.assertEqual((p.returncode, run_lines(p.stdout)), (0, ["same", "same"]), p.stdout)
        p, _ = self.run_prog("names", {"CXSCAN_CMOCKA_CASE": "dup\todd name x"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.count("[ RUN      ] "), 1)
        self.assertIn("[ RUN      ] odd\tname\nx\n", p.stdout)

    def test_case_with_program_filter_and_tap(self):
        p, _ = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": "alpha_tests\ta_fail",
                                    "TP_FILTER": "a_*", "TP_TAP": "1"})
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("not ok 1 - a_fail", p.stdout)
        self.assertNotIn("ok 2", p.stdout)
        self.assertEqual(markers(p.stdout, "GSETUP"), ["GSETUP alpha"])
        # the program's filter hides b_one: cmocka would not run it
        p, _ = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": "b_one", "TP_FILTER": "a_*"})
        self.assertEqual(p.returncode, 3)
        self.assertEqual(p.stderr, "cxscan-cmocka-case: no case 'b_one'\n")

    def test_missing_case(self):
        for case, extra in (("nope", {}), ("beta\ta_pass", {}), ("alpha_tests\tb_one", {}),
                            ("nope", {"TP_EXIT": "1"})):
            with self.subTest(case=case, extra=extra):
                p, prefix = self.run_prog("tp", dict(extra, CXSCAN_CMOCKA_CASE=case))
                self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
                self.assertEqual(p.stderr, "cxscan-cmocka-case: no case '%s'\n" % case)
                self.assertEqual(run_lines(p.stdout), [])
                self.assertEqual(markers(p.stdout, "GSETUP") + markers(p.stdout, "GTEARDOWN"), [])
                # gcov's data and unflushed stdio survive the status change
                counts = self.functions("tp", prefix)
                self.assertEqual(counts["main"], 1)
                self.assertEqual(sum(counts[c] for c in ALPHA + BETA), 0)
                self.assertIn("main done rc=0", p.stdout)

    # ---- neither ----

    def test_pass_through(self):
        bare, bare_prefix = self.run_prog("tp", preload=False)
        pre, pre_prefix = self.run_prog("tp")
        self.assertEqual(bare.returncode, 1)
        self.assertEqual((pre.returncode, pre.stdout, pre.stderr),
                         (bare.returncode, bare.stdout, bare.stderr))
        self.assertEqual(run_lines(pre.stdout), ALPHA + BETA)
        self.assertEqual(self.functions("tp", pre_prefix), self.functions("tp", bare_prefix))
        tap, _ = self.run_prog("tp", {"TP_TAP": "1", "TP_FILTER": "b_*"})
        self.assertEqual(tap.returncode, 0)
        self.assertIn("ok 3 - b_three", tap.stdout)
        self.assertNotIn("a_pass", tap.stdout)

    def test_empty_values_are_unset(self):
        bare, _ = self.run_prog("tp", preload=False)
        p, _ = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": "", "CXSCAN_CMOCKA_LIST": ""})
        self.assertEqual((p.returncode, p.stdout), (bare.returncode, bare.stdout))

    def test_not_cmocka(self):
        bare, bare_prefix = self.run_prog("plain", preload=False)
        self.assertEqual((bare.returncode, bare.stdout), (7, "plain 6\n"))
        want = self.functions("plain", bare_prefix)
        path = os.path.join(self.tmp, "plain-list.txt")
        for env in ({}, {"CXSCAN_CMOCKA_LIST": path}, {"CXSCAN_CMOCKA_CASE": "x\ty"}):
            with self.subTest(env=env):
                p, prefix = self.run_prog("plain", env)
                self.assertEqual((p.returncode, p.stdout, p.stderr), (7, "plain 6\n", ""))
                self.assertEqual(self.functions("plain", prefix), want)
        self.assertFalse(os.path.exists(path), "LIST file made by a program without cmocka")

    # ---- deprecated runners ----

    def test_legacy(self):
        text, _, _ = self.list_cases("legacy")
        self.assertEqual(text, "run_tests\tl_one\nrun_tests\tl_two\nrun_tests\tl_three\n"
                               "run_group_tests\tlg_one\nrun_group_tests\tlg_two\n")
        p, prefix = self.run_prog("legacy", {"CXSCAN_CMOCKA_CASE": "run_tests\tl_two"})
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(run_lines(p.stdout), ["l_two"])
        self.assertEqual(markers(p.stdout, "SETUP") + markers(p.stdout, "TEARDOWN")
                         + markers(p.stdout, "G"), ["SETUP l_two", "TEARDOWN l_two"])
        counts = self.functions("legacy", prefix)
        self.assertEqual((counts["l_one"], counts["l_two"], counts["lg_setup"]), (0, 1, 0))
        p, _ = self.run_prog("legacy", {"CXSCAN_CMOCKA_CASE": "l_three"})
        self.assertEqual((p.returncode, run_lines(p.stdout)), (1, ["l_three"]))
        self.assertEqual(markers(p.stdout, "SETUP"), [])
        p, _ = self.run_prog("legacy", {"CXSCAN_CMOCKA_CASE": "run_group_tests\tlg_two"})
        self.assertEqual((p.returncode, run_lines(p.stdout)), (0, ["lg_two"]), p.stdout)
        self.assertEqual(markers(p.stdout, "G"), ["GSETUP legacy", "GTEARDOWN legacy"])
        self.assertEqual(markers(p.stdout, "SETUP"), [])
        p, _ = self.run_prog("legacy", {"CXSCAN_CMOCKA_CASE": "run_tests\tlg_two"})
        self.assertEqual(p.returncode, 3)
        self.assertEqual(run_lines(p.stdout), [])

    # ---- under valgrind ----

    @unittest.skipIf(shutil.which("valgrind") is None, "no valgrind")
    def test_valgrind(self):
        vg = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
              "--errors-for-leak-kinds=definite"]
        path = os.path.join(self.tmp, "vg-list.txt")
        p, _ = self.run_prog("tp", {"CXSCAN_CMOCKA_LIST": path}, wrap=vg)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(path) as f:
            self.assertEqual(f.read(), LIST_TEXT)
        p, prefix = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": "alpha_tests\ta_fixture"}, wrap=vg)
        self.check_alone("alpha_tests", "a_fixture", p, prefix)
        p, _ = self.run_prog("tp", {"CXSCAN_CMOCKA_CASE": "nope"}, wrap=vg)
        self.assertEqual((p.returncode, p.stderr), (3, "cxscan-cmocka-case: no case 'nope'\n"))
        p, _ = self.run_prog("legacy", {"CXSCAN_CMOCKA_CASE": "l_two"}, wrap=vg)
        self.assertEqual((p.returncode, run_lines(p.stdout)), (0, ["l_two"]), p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
