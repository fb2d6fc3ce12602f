#!/usr/bin/env python3
"""End-to-end tests of the published JSON Schema of .cxscan.json
(rules/config.schema.json) with ajv-cli 5.

- the schema compiles as draft-07 in ajv's strict mode (so it has no unknown
  keyword or ambiguous construct), every object in it is closed
  (additionalProperties: false), and it lists exactly the rule ids of
  rules/*.json;
- ajv accepts every valid example configuration below and rejects every
  invalid one, each with the expected error (JSON pointer and keyword);
- cxscan (the binary named by $CXSCAN) agrees: `--config=EXAMPLE` scans a
  one-file project with exit 0 for a valid example, and exits 2 with one
  line "cxscan: EXAMPLE:LINE:COL: ..." for an invalid one.

The exact messages and positions of cxscan's parser (rules/config.c) are
checked by tests/unit/test_config.c. The examples are plain JSON (ajv does
not read comments).

ajv comes from $CX_NPM_DIR (default /opt/cxscan-npm), installed by
scripts/npm-tools.sh; without it the test fails (it never skips).

    CXSCAN=build/cxscan CX_SOURCE_DIR=. python3 tests/e2e/test_config_schema.py

Standard library only.
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

TIMEOUT = 120  # seconds for one ajv run
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.environ.get("CX_SOURCE_DIR") or os.path.join(HERE, "..", ".."))
SCHEMA = os.path.join(SOURCE_DIR, "rules", "config.schema.json")
NPM_DIR = os.environ.get("CX_NPM_DIR") or "/opt/cxscan-npm"
AJV = os.path.join(NPM_DIR, "node_modules", ".bin", "ajv")
AJV_OPTS = ["--spec=draft7", "-c", "ajv-formats"]
CXSCAN = None  # absolute path, set by setUpModule

ALL_RULES = ["cxscan-cognitive-complexity", "cxscan-crap", "cxscan-cyclomatic-complexity",
             "cxscan-function-length", "cxscan-nesting-depth", "cxscan-npath",
             "cxscan-parameter-count", "cxscan-parse-error"]

VALID = {
    "empty": {},
    "header_example": {
        "$schema": "https://example.com/cxscan/config.schema.json",
        "rules": {
            "cxscan-cyclomatic-complexity": {"warning": 10, "error": 20},
            "cxscan-npath": "off",
            "cxscan-function-length": {"warning": 80},
        },
        "overrides": [
            {"paths": ["tests/**", "src/gen/*.c"],
             "rules": {"cxscan-cyclomatic-complexity": {"warning": 30}}},
        ],
        "include": ["src/**"],
        "exclude": ["third_party/**"],
        "compile_database": "build",
        "flags": {"add": ["-DX"], "remove": ["-Werror"], "fallback": ["-std=c11"]},
        "macros": "ignore",
    },
    "every_rule_off": {"rules": {r: "off" for r in ALL_RULES}},
    "every_rule_thresholds": {
        "rules": {r: {"warning": i, "error": None if i % 2 else 1000000}
                  for i, r in enumerate(ALL_RULES)},
    },
    "empty_rule_objects": {"rules": {"cxscan-npath": {}},
                           "overrides": [{"paths": ["a"], "rules": {}}]},
    "overrides_only_paths": {
        "overrides": [{"paths": ["legacy/**"]},
                      {"paths": ["*.h", "/top/level.c"],
                       "rules": {"cxscan-crap": {"error": 0}, "cxscan-npath": "off"}}],
    },
    "globs": {
        "include": ["/src/gen", "[]]x", "[!a-c]*.c", "[^.]?", "a\\[b", "**/*.h", "\\\\",
                    "src/**/test_*.c", "..a/b..", ".hidden/x", "a/[/]/b"],
        "exclude": [],
    },
    "flags_empty": {"flags": {"add": [], "remove": [], "fallback": []}},
    "flags_some": {"flags": {"fallback": ["-std=c11", "-I include"]}},
    "expand": {"macros": "expand", "compile_database": "../out/build"},
    "unicode": {"include": ["d\u00e9j\u00e0/**", "\U0001f600.c"]},
}

# name: (document, JSON pointer of the error, keyword of the error)
INVALID = {
    "unknown_key": ({"rulez": {}}, "", "additionalProperties"),
    "unknown_threshold_key": ({"rules": {"cxscan-npath": {"thresold": 5}}},
                              "/rules/cxscan-npath", "additionalProperties"),
    "unknown_rule": ({"rules": {"cxscan-foo": "off"}}, "/rules", "additionalProperties"),
    "rule_id_case": ({"rules": {"CXSCAN-NPATH": "off"}}, "/rules", "additionalProperties"),
    "override_unknown_rule": ({"overrides": [{"paths": ["a"], "rules": {"cxscan-x": {}}}]},
                              "/overrides/0/rules", "additionalProperties"),
    "negative_threshold": ({"rules": {"cxscan-npath": {"warning": -1}}},
                           "/rules/cxscan-npath/warning", "minimum"),
    "fraction_threshold": ({"rules": {"cxscan-npath": {"error": 1.5}}},
                           "/rules/cxscan-npath/error", "type"),
    "string_threshold": ({"rules": {"cxscan-npath": {"warning": "5"}}},
                         "/rules/cxscan-npath/warning", "type"),
    "rule_on": ({"rules": {"cxscan-npath": "on"}}, "/rules/cxscan-npath", "const"),
    "rule_true": ({"rules": {"cxscan-npath": True}}, "/rules/cxscan-npath", "type"),
    "rules_array": ({"rules": []}, "/rules", "type"),
    "include_string": ({"include": "src"}, "/include", "type"),
    "include_number": ({"include": ["a", 3]}, "/include/1", "type"),
    "glob_dot": ({"exclude": ["./src"]}, "/exclude/0", "pattern"),
    "glob_dotdot": ({"exclude": ["x/../y"]}, "/exclude/0", "pattern"),
    "glob_trailing_slash": ({"include": ["src/"]}, "/include/0", "pattern"),
    "glob_empty_component": ({"include": ["a//b"]}, "/include/0", "pattern"),
    "glob_class": ({"include": ["src/[a-"]}, "/include/0", "pattern"),
    "glob_empty_class": ({"include": ["[]"]}, "/include/0", "pattern"),
    "glob_backslash": ({"include": ["a\\"]}, "/include/0", "pattern"),
    "glob_empty": ({"include": [""]}, "/include/0", "minLength"),
    "override_not_object": ({"overrides": [[]]}, "/overrides/0", "type"),
    "override_no_paths": ({"overrides": [{"rules": {}}]}, "/overrides/0", "required"),
    "override_empty_paths": ({"overrides": [{"paths": []}]}, "/overrides/0/paths", "minItems"),
    "override_unknown_key": ({"overrides": [{"path": ["a"]}]}, "/overrides/0",
                             "additionalProperties"),
    "override_bad_glob": ({"overrides": [{"paths": ["ok", "./no"]}]}, "/overrides/0/paths/1",
                          "pattern"),
    "macros_on": ({"macros": "on"}, "/macros", "enum"),
    "flags_unknown": ({"flags": {"ad": []}}, "/flags", "additionalProperties"),
    "flags_empty_string": ({"flags": {"add": [""]}}, "/flags/add/0", "minLength"),
    "flags_array": ({"flags": []}, "/flags", "type"),
    "compile_database_empty": ({"compile_database": ""}, "/compile_database", "minLength"),
    "compile_database_number": ({"compile_database": 1}, "/compile_database", "type"),
    "schema_number": ({"$schema": 1}, "/$schema", "type"),
    "not_an_object": ([], "", "type"),
}


def run(args):
    return subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=TIMEOUT)


def setUpModule():
    global CXSCAN
    path = os.environ.get("CXSCAN")
    if not path:
        raise RuntimeError("the environment variable CXSCAN is not set; run as: "
                           "CXSCAN=/path/to/cxscan python3 " + sys.argv[0])
    CXSCAN = os.path.abspath(path)
    if not (os.path.isfile(CXSCAN) and os.access(CXSCAN, os.X_OK)):
        raise RuntimeError("CXSCAN=%r is not an executable file" % CXSCAN)
    if not (os.path.isfile(AJV) and os.access(AJV, os.X_OK)):
        raise RuntimeError("ajv not found at %s: run `sh scripts/npm-tools.sh` (it installs "
                           "ajv-cli into $CX_NPM_DIR, default /opt/cxscan-npm)" % AJV)
    if not os.path.isfile(SCHEMA):
        raise RuntimeError("no schema at %s (set CX_SOURCE_DIR)" % SCHEMA)


class SchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA, encoding="utf-8") as f:
            cls.schema = json.load(f)
        cls.tmp = tempfile.TemporaryDirectory(prefix="cxscan-schema-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write(self, rel, doc):
        path = os.path.join(self.tmp.name, rel + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return path

    def validate_all(self, kind, docs):
        """ajv's verdict on each document, from one run over all of them
        (node starts slowly): {name: (path, valid, errors or None)}. ajv
        prints "PATH valid" on stdout, "PATH invalid" and the errors as a
        JSON array on stderr; anything else fails the test."""
        d = os.path.join(self.tmp.name, kind)
        os.mkdir(d)
        paths = {name: self.write(os.path.join(kind, name), doc) for name, doc in docs.items()}
        r = run([AJV, "validate", "-s", SCHEMA, "-d", os.path.join(d, "*.json"),
                 "--strict=false", "--all-errors", "--errors=json"] + AJV_OPTS)
        verdicts = {}
        for line in r.stdout.splitlines():
            path, _, word = line.rpartition(" ")
            self.assertEqual(word, "valid", "unexpected ajv output: " + line)
            verdicts[path] = (True, None)
        text, dec = r.stderr, json.JSONDecoder()
        while text.strip():
            head, _, text = text.lstrip().partition("\n")
            path, _, word = head.rpartition(" ")
            self.assertEqual(word, "invalid", "unexpected ajv output: " + head)
            errors, end = dec.raw_decode(text.lstrip())
            verdicts[path] = (False, errors)
            text = text.lstrip()[end:]
        self.assertEqual(sorted(verdicts), sorted(paths.values()))
        invalid = sum(1 for v in verdicts.values() if not v[0])
        self.assertEqual(r.returncode, 1 if invalid else 0, r.stdout + r.stderr)
        return {name: (paths[name],) + verdicts[paths[name]] for name in docs}

    def test_compiles_strict(self):
        r = run([AJV, "compile", "-s", SCHEMA, "--strict=true"] + AJV_OPTS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("schema %s is valid" % SCHEMA, r.stdout)
        self.assertEqual(r.stderr, "")

    def test_draft7_and_closed(self):
        self.assertEqual(self.schema["$schema"], "http://json-schema.org/draft-07/schema#")
        objects = []

        def walk(node, where):
            if isinstance(node, dict):
                if node.get("type") == "object":
                    objects.append(where)
                    self.assertIs(node.get("additionalProperties"), False,
                                  "%s: an object schema must have additionalProperties "
                                  "false" % where)
                for k, v in node.items():
                    walk(v, where + "/" + k)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s/%d" % (where, i))

        walk(self.schema, "#")
        # the document, flags, a rule setting, the rules, an override
        self.assertEqual(len(objects), 5, objects)

    def test_rule_ids(self):
        ids = []
        for path in sorted(glob.glob(os.path.join(SOURCE_DIR, "rules", "cxscan-*.json"))):
            with open(path, encoding="utf-8") as f:
                ids.append(json.load(f)["id"])
        self.assertEqual(sorted(ids), ALL_RULES)
        rules = self.schema["definitions"]["rules"]
        self.assertEqual(sorted(rules["properties"]), ALL_RULES)
        for r in ALL_RULES:
            self.assertEqual(rules["properties"][r], {"$ref": "#/definitions/ruleSetting"})

    def test_valid_examples(self):
        for name, (path, valid, errors) in self.validate_all("valid", VALID).items():
            with self.subTest(example=name):
                self.assertTrue(valid, "%s: %s" % (path, errors))

    def test_invalid_examples(self):
        docs = {name: doc for name, (doc, _, _) in INVALID.items()}
        for name, (path, valid, errors) in self.validate_all("invalid", docs).items():
            pointer, keyword = INVALID[name][1:]
            with self.subTest(example=name):
                self.assertFalse(valid, path)
                found = [(e["instancePath"], e["keyword"]) for e in errors]
                self.assertIn((pointer, keyword), found)

class CliAgreesTest(unittest.TestCase):
    """cxscan reads the same examples the way the schema does."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cxscan-config-cli-")
        cls.project = os.path.join(cls.tmp.name, "project")
        os.makedirs(os.path.join(cls.project, "src"))
        with open(os.path.join(cls.project, "src", "a.c"), "w") as f:
            f.write("int f(int a)\n{\n\treturn a ? 1 : 2;\n}\n")
        # the examples' compile_database directories ("build", "../out/build")
        for d in (("valid", "build"), ("out", "build")):
            os.makedirs(os.path.join(cls.tmp.name, *d))
            with open(os.path.join(cls.tmp.name, *d, "compile_commands.json"), "w") as f:
                f.write("[]\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def scan(self, kind, name, doc):
        path = os.path.join(self.tmp.name, kind, name + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        r = subprocess.run([CXSCAN, "--no-cache", "-q", "--config=" + path, self.project],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=TIMEOUT)
        return path, r

    def test_valid_examples(self):
        for name, doc in VALID.items():
            with self.subTest(example=name):
                path, r = self.scan("valid", name, doc)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn(path, r.stderr)

    def test_invalid_examples(self):
        for name, (doc, _, _) in INVALID.items():
            with self.subTest(example=name):
                path, r = self.scan("invalid", name, doc)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertRegex(r.stderr, r"\Acxscan: %s:1:[0-9]+: [^\n]+\n\Z" % re.escape(path))


if __name__ == "__main__":
    unittest.main(verbosity=2)
