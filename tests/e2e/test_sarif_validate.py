#!/usr/bin/env python3
"""SARIF validation of cx_findings_write_sarif (report/findings_sarif.c)
with Microsoft's SARIF multitool (@microsoft/sarif-multitool 5.7.0, from
scripts/npm-tools.sh): the SARIF 2.1.0 schema (JSONxxxx), the spec's rules
(SARIF1xxx errors, SARIF2xxx best practices) and GitHub's ingestion rules
(GHxxxx, rule kinds Gh and Ghas).

Where the SARIF comes from: `cxscan --format=sarif` on a small project made
here (test_cli_sarif_is_valid), and the unit test program of the writers
for a hand-built sample with the awkward cases. Run with
CX_SARIF_SAMPLE_OUT=PATH,
build/tests/test_findings_writers runs no test and writes the SARIF of its
hand-built sample (two files, one path with a space and 'é', warnings and
errors, a file finding, a note, a message with quotes, <, &, %, a comma and a
newline) to PATH. The program is found next to the cxscan binary
($CXSCAN's directory + tests/), or at $CX_FINDINGS_WRITERS_BIN.

The multitool exits 0 whatever it finds, so its own SARIF log (-o) is read:
any result at level error fails, and so does a warning from the schema, the
spec (SARIF1xxx) or GitHub (GHxxxx); other warnings (SARIF2xxx, e.g. "no
informationUri": cxscan has no project URL to give) are listed in the
message of a failure but pass. A missing multitool fails the test (never a
skip): run scripts/npm-tools.sh.

Environment: CXSCAN, CX_NPM_DIR (default /opt/cxscan-npm),
CX_FINDINGS_WRITERS_BIN (optional)."""
import json, os, re, shlex, subprocess, tempfile, unittest

NPM_DIR = os.environ.get("CX_NPM_DIR", "/opt/cxscan-npm")
MULTITOOL = os.path.join(NPM_DIR, "node_modules", ".bin", "sarif-multitool")
RULE_KINDS = "Sarif;Gh;Ghas"
# warnings that fail too: the schema, the SARIF spec's own rules, GitHub's
STRICT = re.compile(r"^(JSON|SARIF1|GH)\d")


def writers_bin():
    b = os.environ.get("CX_FINDINGS_WRITERS_BIN")
    if b:
        return b
    cxscan = os.environ.get("CXSCAN")
    if not cxscan:
        raise AssertionError("set CXSCAN (the cxscan binary in the build directory) or "
                             "CX_FINDINGS_WRITERS_BIN (tests/test_findings_writers)")
    return os.path.join(os.path.dirname(cxscan), "tests", "test_findings_writers")


def write_sample(path):
    b = writers_bin()
    if not os.access(b, os.X_OK):
        raise AssertionError("%s is missing: build the unit tests first" % b)
    env = dict(os.environ, CX_SARIF_SAMPLE_OUT=path)
    p = subprocess.run([b], env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("%s could not write the sample: %s" % (b, p.stderr))


def validate(sarif, out):
    """Runs the multitool on sarif; returns (its log as JSON, its console output)."""
    if not os.access(MULTITOOL, os.X_OK):
        raise AssertionError("%s not found: run scripts/npm-tools.sh (CX_NPM_DIR=%s)"
                             % (MULTITOOL, NPM_DIR))
    # the npm wrapper hands its arguments to a shell: quote them
    args = ["validate", sarif, "-o", out, "--rule-kind", RULE_KINDS, "--log", "ForceOverwrite"]
    p = subprocess.run([MULTITOOL] + [shlex.quote(a) for a in args], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0 or not os.path.exists(out):
        raise AssertionError("sarif-multitool failed (%d): %s%s"
                             % (p.returncode, p.stdout, p.stderr))
    with open(out, encoding="utf-8") as f:
        return json.load(f), p.stdout


def problems(log):
    """(failing, other) lists of 'RULE level: message' of the validator's results."""
    run = log["runs"][0]
    defaults = {r["id"]: (r.get("defaultConfiguration") or {}).get("level", "warning")
                for r in run["tool"]["driver"].get("rules", [])}
    failing, other = [], []
    for r in run.get("results", []):
        rid = r.get("ruleId", "?")
        level = r.get("level") or defaults.get(rid, "warning")
        msg = r.get("message", {})
        text = msg.get("text") or ", ".join(msg.get("arguments", []))
        line = "%s %s: %s" % (rid, level, text)
        if level == "error" or (level == "warning" and STRICT.match(rid)):
            failing.append(line)
        elif level == "warning":
            other.append(line)
    return failing, other


class SarifValidate(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="cxscan-sarif-")
        self.sarif = os.path.join(self.tmp.name, "sample.sarif")
        write_sample(self.sarif)

    def tearDown(self):
        self.tmp.cleanup()

    def test_sample_is_valid(self):
        log, console = validate(self.sarif, os.path.join(self.tmp.name, "validation.sarif"))
        failing, other = problems(log)
        if failing:
            self.fail("sarif-multitool (rule kinds %s) rejects the writer's SARIF:\n  %s\n"
                      "other warnings:\n  %s\nconsole:\n%s"
                      % (RULE_KINDS, "\n  ".join(failing), "\n  ".join(other) or "none",
                         console))
        with open(self.sarif, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertEqual(len(doc["runs"][0]["results"]), 6)

    def test_cli_sarif_is_valid(self):
        """cxscan --format=sarif on a project: a warning, an error, a note."""
        proj = os.path.join(self.tmp.name, "my proj")
        os.makedirs(os.path.join(proj, "src dir"))
        cases = "".join("\tcase %d:\n\t\treturn %d;\n" % (i, i) for i in range(24))
        with open(os.path.join(proj, "src dir", "a.c"), "w") as f:
            f.write("int big(int x)\n{\n\tswitch (x) {\n%s\t}\n\treturn 0;\n}\n" % cases)
            f.write("/* cxscan-ignore(cxscan-npath): nothing to hide */\n")
            f.write("int small(int x)\n{\n\treturn x && x > 2 ? 1 : 0;\n}\n")
        out = os.path.join(self.tmp.name, "cli.sarif")
        p = subprocess.run([os.environ["CXSCAN"], "--no-cache", "--format=sarif", "-o", out,
                            "--fail-on=never", proj], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        log, console = validate(out, os.path.join(self.tmp.name, "cli-validation.sarif"))
        failing, other = problems(log)
        self.assertEqual(failing, [], "other warnings: %s\nconsole:\n%s" % (other, console))
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
        res = doc["runs"][0]["results"]
        self.assertEqual([(r["ruleId"], r["level"]) for r in res],
                         [("cxscan-cyclomatic-complexity", "error")])
        loc = res[0]["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"], {"uri": "src%20dir/a.c", "uriBaseId": "%SRCROOT%"})
        self.assertEqual(loc["region"]["startLine"], 1)
        notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        self.assertEqual(len(notes), 1)
        self.assertIn("suppresses nothing", notes[0]["message"]["text"])

    def test_validator_catches_errors(self):
        """The check is not vacuous: a region on line 0 and an unknown
        top-level property are reported as failures."""
        with open(self.sarif, encoding="utf-8") as f:
            doc = json.load(f)
        doc["bogus"] = 1
        region = doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]
        region["startLine"] = 0
        bad = os.path.join(self.tmp.name, "bad.sarif")
        with open(bad, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        failing, _ = problems(validate(bad, os.path.join(self.tmp.name, "bad-out.sarif"))[0])
        rules = {line.split()[0] for line in failing}
        self.assertIn("JSON1005", rules)
        self.assertIn("JSON1008", rules)


if __name__ == "__main__":
    unittest.main()
