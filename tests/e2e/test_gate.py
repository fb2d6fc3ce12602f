#!/usr/bin/env python3
"""End-to-end tests of the gate: findings, exit codes, the configuration,
suppression comments, the baseline, --changed-only and the installed git
pre-commit hook, in real temporary git repositories.

Environment: CXSCAN (the binary)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

CXSCAN = os.environ.get("CXSCAN")


def run(args, cwd=None, env=None, check=None):
    e = dict(os.environ, NO_COLOR="1", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
             GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    for k in ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF", "CXSCAN"):
        e.pop(k, None)
    e.update(env or {})
    p = subprocess.run(args, cwd=cwd, env=e, capture_output=True, text=True)
    if check is not None and p.returncode != check:
        raise AssertionError("%s: exit %d, not %d:\n%s%s" % (args, p.returncode, check,
                                                             p.stdout, p.stderr))
    return p


def decisions(name, n):
    """A function with a switch of n cases: cyclomatic complexity n + 1 and
    nothing else over a threshold (NPATH n + 1, cognitive 1), on 2n + 6
    lines, its name at column 5 of its first line."""
    body = "".join("\tcase %d:\n\t\treturn %d;\n" % (i, i + 1) for i in range(n))
    return "int %s(int x)\n{\n\tswitch (x) {\n%s\t}\n\treturn x;\n}\n" % (name, body)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Gate(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cxscan-gate-")
        self.repo = os.path.join(self.tmp, "repo")
        os.makedirs(self.repo)
        run(["git", "init", "-q", "-b", "main", self.repo], check=0)
        run(["git", "config", "commit.gpgsign", "false"], cwd=self.repo, check=0)

    def tearDown(self):
        if not os.environ.get("CX_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.repo, rel)

    def scan(self, *args, check=None):
        return run([CXSCAN, "--no-cache", *args], cwd=self.repo, check=check)

    def commit(self, *files, msg="c", check=None):
        run(["git", "add", *files], cwd=self.repo, check=0)
        return run(["git", "commit", "-q", "-m", msg], cwd=self.repo, check=check)

    # ---- findings and exit codes ----

    def test_gcc_format_and_fail_on(self):
        write(self.path("a.c"), decisions("small", 3) + decisions("warm", 13) +
              decisions("hot", 21))
        p = self.scan("--format=gcc", ".", check=1)  # an error (CC 22 > 20)
        lines = p.stdout.splitlines()
        self.assertEqual(lines, [
            "a.c:13:5: warning: function 'warm' has cyclomatic complexity of 14 (threshold 10) "
            "[cxscan-cyclomatic-complexity]",
            "a.c:45:5: error: function 'hot' has cyclomatic complexity of 22 (threshold 20) "
            "[cxscan-cyclomatic-complexity]",
        ])
        self.assertIn("cxscan: 1 error, 1 warning in 3 functions; failing (--fail-on)", p.stderr)
        self.scan("--format=gcc", "--fail-on=never", ".", check=0)
        self.scan("--format=gcc", "--exit-zero", ".", check=0)
        write(self.path("a.c"), decisions("warm", 13))
        self.scan("--format=gcc", ".", check=0)  # warnings only: --fail-on error passes
        self.scan("--format=gcc", "--fail-on=warning", ".", check=1)
        # the metrics report still works and gates the same way
        p = self.scan("--format=json", "--fail-on=warning", ".", check=1)
        self.assertEqual(json.loads(p.stdout)["files"][0]["functions"][0]["ccn"], 14)
        p = self.scan("--fail-on=bogus", ".", check=2)
        self.assertIn("--fail-on 'bogus'", p.stderr)

    def test_explain_rule(self):
        p = run([CXSCAN, "--explain", "cxscan-npath"], check=0)
        self.assertIn("cxscan-npath (NPathComplexity)", p.stdout)
        self.assertIn("warning above 200", p.stdout)
        self.assertIn("error above 1000", p.stdout)
        p = run([CXSCAN, "--explain", "cxscan-nope"], check=2)
        self.assertIn("--explain wants FILE:FUNCTION or a rule id", p.stderr)

    # ---- configuration ----

    def test_config_thresholds_overrides_and_errors(self):
        write(self.path("src/a.c"), decisions("f", 7))
        write(self.path("gen/b.c"), decisions("g", 30))
        write(self.path(".cxscan.json"), """{
  // the team's own limits
  "rules": {"cxscan-cyclomatic-complexity": {"warning": 5, "error": 50},
            "cxscan-npath": "off"},
  "overrides": [{"paths": ["gen/**"],
                 "rules": {"cxscan-cyclomatic-complexity": "off"}}]
}
""")
        p = self.scan("--format=gcc", "--fail-on=warning", ".", check=1)
        self.assertEqual(p.stdout.splitlines(), [
            "src/a.c:1:5: warning: function 'f' has cyclomatic complexity of 8 (threshold 5) "
            "[cxscan-cyclomatic-complexity]"])
        # found from a subdirectory too (walking up to the repository's top)
        p = run([CXSCAN, "--no-cache", "--format=gcc", "--fail-on=warning", "."],
                cwd=self.path("src"), check=1)
        self.assertIn("(threshold 5)", p.stdout)
        # --no-config: the defaults
        p = self.scan("--no-config", "--format=gcc", ".", check=1)
        self.assertIn("gen/b.c:1:5: error: function 'g' has cyclomatic complexity of 31", p.stdout)
        # a typo is an error with its position, exit 2
        write(self.path(".cxscan.json"), '{\n  "rules": {},\n  "exclud": []\n}\n')
        p = self.scan("--format=gcc", ".", check=2)
        self.assertRegex(p.stderr, r"\.cxscan\.json:3:3: .*unknown key \"exclud\"")
        write(self.path(".cxscan.json"), '{"rules": {}, "rules": {}}')
        p = self.scan(".", check=2)
        self.assertIn("duplicate key \"rules\"", p.stderr)

    def test_config_flags(self):
        """flags.add, flags.remove and flags.fallback reach the TUs' arguments."""
        write(self.path("a.c"), "int f(void) { return 0; }\n")
        write(self.path("b.c"), "int g(void) { return 0; }\n")
        write(self.path("build/compile_commands.json"), json.dumps([
            {"directory": self.repo, "file": "b.c",
             "command": "cc -DDROPX -DKEEPX -Werror=vla -c b.c"}]))
        write(self.path(".cxscan.json"), json.dumps({
            "compile_database": "build",
            "flags": {"add": ["-DADDED"], "remove": ["-DDROP*"],
                      "fallback": ["-std=c99", "-DDROPME", "-DKEEP"]}}))
        p = self.scan("--list-tus", ".", check=0)
        tus = {os.path.basename(t["file"]): t["arguments"] for t in map(json.loads,
                                                                        p.stdout.splitlines())}
        self.assertEqual(set(tus), {"b.c"})  # a compile database: only its entries
        self.assertIn("-DKEEPX", tus["b.c"])
        self.assertIn("-DADDED", tus["b.c"])
        self.assertNotIn("-DDROPX", tus["b.c"])
        os.remove(self.path("build/compile_commands.json"))
        write(self.path(".cxscan.json"), json.dumps({
            "flags": {"add": ["-DADDED"], "remove": ["-DDROP*"],
                      "fallback": ["-std=c99", "-DDROPME", "-DKEEP"]}}))
        p = self.scan("--list-tus", ".", check=0)
        args = json.loads(p.stdout.splitlines()[0])["arguments"]
        self.assertEqual(args[:2], ["-std=c99", "-DKEEP"])
        self.assertIn("-DADDED", args)
        self.assertNotIn("-DDROPME", args)
        self.assertNotIn("-std=gnu11", args)

    # ---- suppressions ----

    def test_suppressions(self):
        write(self.path("a.c"),
              "// cxscan-ignore(cxscan-cyclomatic-complexity): a parser's dispatch table\n" +
              decisions("parse", 12) +
              "// NOLINTNEXTLINE(cxscan-cyclomatic-complexity)\n" + decisions("nolint", 12) +
              "/* cxscan-ignore(cxscan-npath): nothing to hide here */\n" +
              decisions("plain", 2) + decisions("loud", 12))
        p = self.scan("--format=gcc", "--fail-on=warning", ".", check=1)
        out = p.stdout.splitlines()
        self.assertEqual([l for l in out if ": warning:" in l], [
            "a.c:74:5: warning: function 'loud' has cyclomatic complexity of 13 (threshold 10) "
            "[cxscan-cyclomatic-complexity]"])
        self.assertEqual([l for l in out if ": note:" in l], [
            "a.c:32:4: note: suppression of cxscan-cyclomatic-complexity has no reason",
            "a.c:63:4: note: suppression of cxscan-npath suppresses nothing",
        ])
        self.assertIn("(2 suppressed, 0 in the baseline)", p.stderr)

    # ---- baseline ----

    def test_baseline_hides_old_and_shows_worse(self):
        write(self.path("a.c"), decisions("old", 12) + decisions("other", 15))
        base = os.path.join(self.tmp, "baseline.json")
        self.scan("--baseline", base, "--update-baseline", "--fail-on=never", ".", check=0)
        doc = json.load(open(base))
        self.assertEqual(doc["version"], 1)
        self.assertEqual([(f["rule"], f["function"], f["value"]) for f in doc["findings"]],
                         [("cxscan-cyclomatic-complexity", "old", 13),
                          ("cxscan-cyclomatic-complexity", "other", 16)])
        # stable: the same findings give the same bytes
        first = open(base).read()
        self.scan("--baseline", base, "--update-baseline", "--fail-on=never", ".", check=0)
        self.assertEqual(open(base).read(), first)
        # unchanged code: nothing new; the function moved down: still nothing
        write(self.path("a.c"), "\n\n" + decisions("old", 12) + decisions("other", 15))
        p = self.scan("--baseline", base, "--format=gcc", "--fail-on=warning", ".", check=0)
        self.assertEqual(p.stdout, "")
        # worse than recorded, and a new one
        write(self.path("a.c"), decisions("old", 14) + decisions("other", 15) +
              decisions("new", 11))
        p = self.scan("--baseline", base, "--format=gcc", "--fail-on=warning", ".", check=1)
        self.assertEqual([l.split(": ")[2] for l in p.stdout.splitlines()], [
            "function 'old' has cyclomatic complexity of 15 (threshold 10) "
            "[cxscan-cyclomatic-complexity]",
            "function 'new' has cyclomatic complexity of 12 (threshold 10) "
            "[cxscan-cyclomatic-complexity]"])
        write(base, "{\"version\": 1, \"findings\": [}")
        p = self.scan("--baseline", base, ".", check=2)
        self.assertIn("baseline.json:1:", p.stderr)

    # ---- changed code and the hook ----

    def test_changed_only_against_a_ref(self):
        write(self.path("a.c"), decisions("old", 12))
        self.commit("a.c", check=0)
        write(self.path("a.c"), decisions("old", 12) + decisions("added", 11))
        p = self.scan("--changed-only=main", "--fail-on=warning", ".", check=1)
        self.assertEqual(len(p.stdout.splitlines()), 1)
        self.assertIn("function 'added'", p.stdout)
        p = self.scan("--changed-only=nope", ".", check=2)
        self.assertIn("git merge-base failed", p.stderr)
        # auto: nothing staged -> every function of the paths given
        p = self.scan("--changed-only", "--fail-on=warning", ".", check=1)
        self.assertEqual(len(p.stdout.splitlines()), 2)
        # auto: staged changes -> those; pre-commit's refs win when both are set
        run(["git", "add", "a.c"], cwd=self.repo, check=0)
        p = self.scan("--changed-only", "--fail-on=warning", ".", check=1)
        self.assertEqual([l.split(": ")[2][:18] for l in p.stdout.splitlines()],
                         ["function 'added' h"])
        p = run([CXSCAN, "--no-cache", "--changed-only", "--fail-on=warning", "."],
                cwd=self.repo, env={"PRE_COMMIT_FROM_REF": "HEAD", "PRE_COMMIT_TO_REF": "HEAD"},
                check=0)
        self.assertEqual(p.stdout, "")

    def test_installed_hook(self):
        write(self.path("lib.c"), decisions("legacy", 15))
        write(self.path("util.c"), decisions("tiny", 1))
        self.commit("lib.c", "util.c", check=0)
        p = run([CXSCAN, "install-hook"], cwd=self.repo, check=0)
        hook = self.path(".git/hooks/pre-commit")
        self.assertTrue(os.access(hook, os.X_OK))
        # a new function with CC 14: the commit fails with the gcc line
        write(self.path("util.c"), decisions("tiny", 1) + decisions("busy", 13))
        p = self.commit("util.c", check=1)
        self.assertIn("util.c:9:5: warning: function 'busy' has cyclomatic complexity of 14 "
                      "(threshold 10) [cxscan-cyclomatic-complexity]", p.stdout + p.stderr)
        run(["git", "reset", "-q", "HEAD", "util.c"], cwd=self.repo, check=0)
        # an unrelated change to a file that has a complex function passes
        write(self.path("lib.c"), "/* legacy code */\n" + decisions("legacy", 15) +
              decisions("tiny2", 1))
        self.commit("lib.c", check=0)
        # a foreign hook is kept unless --force; --warn-only lets commits through
        write(hook, "#!/bin/sh\nexit 0\n")
        p = run([CXSCAN, "install-hook"], cwd=self.repo, check=2)
        self.assertIn("cxscan did not write", p.stderr)
        run([CXSCAN, "install-hook", "--force", "--warn-only"], cwd=self.repo, check=0)
        p = self.commit("util.c", check=0)
        self.assertIn("function 'busy' has cyclomatic complexity of 14", p.stdout + p.stderr)
        # core.hooksPath is honoured
        run(["git", "config", "core.hooksPath", "myhooks"], cwd=self.repo, check=0)
        run([CXSCAN, "install-hook"], cwd=self.repo, check=0)
        self.assertTrue(os.access(self.path("myhooks/pre-commit"), os.X_OK))

    def test_staged_ignores_unstaged_edits(self):
        write(self.path("util.c"), '#include "inc/h.h"\n' + decisions("tiny", 1))
        write(self.path("inc/h.h"), "static inline int hs(int x) { return x; }\n")
        self.commit("util.c", "inc/h.h", check=0)
        run([CXSCAN, "install-hook"], cwd=self.repo, check=0)
        gate = ("--changed-only=staged", "--format=gcc", "--fail-on=warning", ".")
        busy = ("util.c:12:5: warning: function 'busy' has cyclomatic complexity of 14 "
                "(threshold 10) [cxscan-cyclomatic-complexity]")
        # staged: a simple change; unstaged: a complex function above it
        write(self.path("util.c"), '#include "inc/h.h"\n' + decisions("tiny", 2))
        run(["git", "add", "util.c"], cwd=self.repo, check=0)
        write(self.path("util.c"), '#include "inc/h.h"\n' + decisions("busy", 13) +
              decisions("tiny", 2))
        p = self.scan(*gate, check=0)
        self.assertEqual(p.stdout, "")
        self.scan("--staged", "--format=gcc", "--fail-on=warning", ".", check=0)
        # the working tree has it (what a plain scan measures)
        p = self.scan("--format=gcc", "--fail-on=warning", ".", check=1)
        self.assertIn("function 'busy'", p.stdout)
        p = run(["git", "commit", "-q", "-m", "simple"], cwd=self.repo, check=0)
        self.assertNotIn("busy", p.stdout + p.stderr)
        # staged: the complex function, 3 lines lower; unstaged: removed
        write(self.path("util.c"), '#include "inc/h.h"\n' + decisions("tiny", 2) +
              decisions("busy", 13))
        run(["git", "add", "util.c"], cwd=self.repo, check=0)
        write(self.path("util.c"), "/* 1 */\n/* 2 */\n/* 3 */\n" + '#include "inc/h.h"\n' +
              decisions("tiny", 2))
        p = self.scan(*gate, check=1)
        self.assertEqual(p.stdout.splitlines(), [busy])  # the index's line
        p = self.scan("--staged", "--changed-only=main", "--format=gcc", "--fail-on=warning",
                      ".", check=1)
        self.assertEqual(p.stdout.splitlines(), [busy])
        self.scan("--format=gcc", "--fail-on=warning", ".", check=0)
        p = run(["git", "commit", "-q", "-m", "busy"], cwd=self.repo, check=1)
        self.assertIn(busy, p.stdout + p.stderr)
        run(["git", "reset", "-q", "HEAD", "util.c"], cwd=self.repo, check=0)
        # a header: its index version, also when the working tree deleted it
        write(self.path("inc/h.h"), "static inline int hs(int x) { return x; }\n" +
              decisions("inl", 12).replace("int inl", "static inline int inl", 1))
        run(["git", "add", "inc/h.h"], cwd=self.repo, check=0)
        os.remove(self.path("inc/h.h"))
        p = self.scan(*gate, check=1)
        self.assertEqual(p.stdout.splitlines(), [
            "inc/h.h:2:19: warning: function 'inl' has cyclomatic complexity of 13 "
            "(threshold 10) [cxscan-cyclomatic-complexity]"])
        # outside a repository: exit 2 naming git's complaint
        other = os.path.join(self.tmp, "plain")
        write(os.path.join(other, "a.c"), decisions("x", 1))
        p = run([CXSCAN, "--no-cache", "--staged", other], cwd=self.tmp, check=2)
        self.assertIn("git rev-parse failed", p.stderr)

    def test_staged_cache(self):
        """Entries measured from the index's texts are kept apart from the
        working tree's: plain and --staged runs do not evict each other, and
        a plain run hits the index's entry once the working tree holds the
        same bytes."""
        write(self.path("a.c"), decisions("f", 3))
        write(self.path("b.c"), decisions("g", 3))
        self.commit("a.c", "b.c", check=0)
        write(self.path("a.c"), decisions("f", 12))
        run(["git", "add", "a.c"], cwd=self.repo, check=0)
        write(self.path("a.c"), decisions("f", 4))
        cache = os.path.join(self.tmp, "cache.sqlite")

        def scan(*args):
            p = run([CXSCAN, "--cache", cache, "--stats", "--format=gcc", "--fail-on=never",
                     *args, "."], cwd=self.repo, check=0)
            stats = [l for l in p.stderr.splitlines() if " TUs: " in l]
            return p.stdout, stats[0].split(": ", 2)[2]

        def hits(st):
            return st.split(" cache hits")[0] + " " + st.split(", ")[1]

        out, st = scan("--staged")
        self.assertIn("function 'f' has cyclomatic complexity of 13", out)
        self.assertEqual(hits(st), "0 2 misses")
        self.assertEqual(scan("--staged"), (out, st.replace("0 cache hits, 2 misses, 2 parsed",
                                                            "2 cache hits, 0 misses, 0 parsed")
                                            .replace(")", ", merged result from the cache)")))
        out2, st = scan()
        self.assertEqual(out2, "")
        self.assertEqual(hits(st), "1 1 misses")  # a.c's working tree is new
        # each kind keeps its own entry of a.c
        self.assertEqual(hits(scan("--staged")[1]), "2 0 misses")
        self.assertEqual(hits(scan()[1]), "2 0 misses")
        # the working tree catches up with the index: the index's entry holds
        run(["git", "checkout", "a.c"], cwd=self.repo, check=0)
        out3, st = scan()
        self.assertEqual(out3, out)
        self.assertEqual(hits(st), "2 0 misses")

if __name__ == "__main__":
    unittest.main(verbosity=2)
