/* Unit tests: .cxscan.json (cx_config_parse/load/find/threshold) and the
 * baseline (cx_baseline_parse/get/write), with the exact message and
 * position of every class of error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_config.h"
#include "cx_limits.h"

#define TMPDIR_PREFIX "cxscan-test-config"
#include "tmpdir.h"

#define NAME "cfg.json"

static size_t rule(const char *id)
{
	long r = cx_rule_find(id);
	assert_true(r >= 0);
	return (size_t)r;
}

static int parse(const char *text, struct cx_config *c, struct cx_ctx *ctx)
{
	assert_int_equal(cx_config_init(c), 0);
	return cx_config_parse(text, strlen(text), NAME, "/proj", c, ctx);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *read_all(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_read_file(path, 1 << 20, &buf, &len, &ctx), 0);
	return buf;
}

static char *tmp_path(const char *rel)
{
	char *p = cx_asprintf("%s/%s", tmpdir, rel);
	assert_non_null(p);
	return p;
}

static void make_dir(const char *rel)
{
	char *p = tmp_path(rel);
	assert_int_equal(cx_mkdirs(p, true), 0);
	free(p);
}

/* ---- the rule table ---- */

static void test_rule_find(void **state)
{
	(void)state;
	assert_int_equal(cx_nrules, 8);
	for (size_t i = 0; i < cx_nrules; i++)
		assert_int_equal(cx_rule_find(cx_rules[i].id), (long)i);
	assert_string_equal(cx_rules[rule("cxscan-npath")].id, "cxscan-npath");
	assert_int_equal(cx_rule_find("cxscan-foo"), -1);
	assert_int_equal(cx_rule_find(""), -1);
	assert_int_equal(cx_rule_find("CXSCAN-NPATH"), -1);
	assert_int_equal(cx_rule_find(NULL), -1);
}

/* ---- valid configurations ---- */

static const char full_config[] =
	"{\n"
	"  \"$schema\": \"https://example.com/cxscan.schema.json\",\n"
	"  \"rules\": {\n"
	"    \"cxscan-cyclomatic-complexity\": {\"warning\": 12, \"error\": 25},\n"
	"    \"cxscan-npath\": \"off\",\n"
	"    \"cxscan-function-length\": {\"warning\": 80},\n"
	"    \"cxscan-nesting-depth\": {\"warning\": null, \"error\": 0}\n"
	"  },\n"
	"  \"overrides\": [\n"
	"    {\"paths\": [\"tests/**\", \"src/gen/*.c\"],\n"
	"     \"rules\": {\"cxscan-cyclomatic-complexity\": {\"warning\": 30}}}\n"
	"  ],\n"
	"  \"include\": [\"src/**\", \"lib\"],\n"
	"  \"exclude\": [\"third_party/**\"],\n"
	"  \"compile_database\": \"../out/./build\",\n"
	"  \"flags\": {\"add\": [\"-DX=1\"], \"remove\": [\"-Werror\", \"-O2\"], \"fallback\": []},\n"
	"  \"macros\": \"expand\"\n"
	"}\n";

static void assert_strv(const struct cx_strv *sv, size_t n, const char *const *want)
{
	assert_int_equal(sv->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sv->v[i], want[i]);
}

/* A rule setting: set, off, has_warning, has_error (as a string of 0 and
 * 1), then the thresholds when present. */
static void assert_setting(const struct cx_rule_setting *s, const char *flags,
                           int64_t warning, int64_t error)
{
	assert_int_equal(s->set, flags[0] == '1');
	assert_int_equal(s->off, flags[1] == '1');
	assert_int_equal(s->has_warning, flags[2] == '1');
	assert_int_equal(s->has_error, flags[3] == '1');
	if (s->has_warning)
		assert_int_equal(s->th.warning, warning);
	if (s->has_error)
		assert_int_equal(s->th.error, error);
}

static void test_every_key(void **state)
{
	(void)state;
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(full_config, &c, &ctx), 0);
	assert_null(c.path);
	assert_setting(&c.rules[rule("cxscan-cyclomatic-complexity")], "1011", 12, 25);
	assert_setting(&c.rules[rule("cxscan-npath")], "1100", 0, 0);
	assert_setting(&c.rules[rule("cxscan-function-length")], "1010", 80, 0);
	assert_setting(&c.rules[rule("cxscan-nesting-depth")], "1011", -1, 0);
	assert_setting(&c.rules[rule("cxscan-crap")], "0000", 0, 0);

	assert_int_equal(c.noverrides, 1);
	assert_strv(&c.overrides[0].paths, 2, (const char *[]){"tests/**", "src/gen/*.c"});
	assert_setting(&c.overrides[0].rules[rule("cxscan-cyclomatic-complexity")], "1010", 30, 0);
	assert_setting(&c.overrides[0].rules[rule("cxscan-npath")], "0000", 0, 0);

	assert_strv(&c.include, 2, (const char *[]){"src/**", "lib"});
	assert_strv(&c.exclude, 1, (const char *[]){"third_party/**"});
	assert_string_equal(c.compile_database, "/out/build");
	assert_strv(&c.add_flags, 1, (const char *[]){"-DX=1"});
	assert_strv(&c.remove_flags, 2, (const char *[]){"-Werror", "-O2"});
	assert_int_equal(c.fallback_flags.n, 0);
	assert_true(c.has_fallback);
	assert_int_equal(c.macros, CX_MACROS_EXPAND);
	cx_config_release(&c);
	assert_null(c.rules);
	cx_config_release(&c); /* twice is fine */
}

static void test_empty_and_defaults(void **state)
{
	(void)state;
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse("{}", &c, &ctx), 0);
	assert_int_equal(c.macros, -1);
	assert_false(c.has_fallback);
	assert_null(c.compile_database);
	assert_int_equal(c.noverrides + c.include.n + c.exclude.n + c.add_flags.n, 0);
	for (size_t r = 0; r < cx_nrules; r++) {
		bool off = true;
		struct cx_threshold t = cx_config_threshold(&c, r, "src/a.c", &off);
		assert_false(off);
		assert_int_equal(t.warning, cx_rules[r].def.warning);
		assert_int_equal(t.error, cx_rules[r].def.error);
		assert_false(c.rules[r].set);
	}
	cx_config_release(&c);

	assert_int_equal(parse("{\"macros\": \"ignore\", \"flags\": {}, \"rules\": {}}", &c, &ctx),
	                 0);
	assert_int_equal(c.macros, CX_MACROS_IGNORE);
	assert_false(c.has_fallback);
	cx_config_release(&c);

	/* a relative or NULL directory resolves against the current one */
	char *cwd = getcwd(NULL, 0);
	char *want = cx_path_join(cwd, "sub/build");
	assert_int_equal(cx_config_init(&c), 0);
	const char *t = "{\"compile_database\": \"build\"}";
	assert_int_equal(cx_config_parse(t, strlen(t), NAME, "sub", &c, &ctx), 0);
	assert_string_equal(c.compile_database, want);
	cx_config_release(&c);
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_parse(t, strlen(t), NAME, NULL, &c, &ctx), 0);
	free(want);
	want = cx_path_join(cwd, "build");
	assert_string_equal(c.compile_database, want);
	cx_config_release(&c);
	/* an absolute one stays, normalized */
	assert_int_equal(parse("{\"compile_database\": \"/b/../c//d/\"}", &c, &ctx), 0);
	assert_string_equal(c.compile_database, "/c/d");
	cx_config_release(&c);
	free(want);
	free(cwd);
}

static void assert_th(const struct cx_config *c, const char *id, const char *path,
                      int64_t warning, int64_t error, bool off)
{
	bool got_off = !off;
	struct cx_threshold t = cx_config_threshold(c, rule(id), path, &got_off);
	assert_int_equal(got_off, off);
	assert_int_equal(t.warning, warning);
	assert_int_equal(t.error, error);
}

static void test_thresholds(void **state)
{
	(void)state;
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(full_config, &c, &ctx), 0);
	assert_th(&c, "cxscan-cyclomatic-complexity", "src/a.c", 12, 25, false);
	assert_th(&c, "cxscan-npath", "src/a.c", 200, 1000, true);
	assert_th(&c, "cxscan-function-length", "src/a.c", 80, -1, false);
	assert_th(&c, "cxscan-nesting-depth", "src/a.c", -1, 0, false);
	assert_th(&c, "cxscan-cognitive-complexity", "src/a.c", 15, 25, false);
	assert_th(&c, "cxscan-crap", "src/a.c", 30, -1, false);
	/* the override: its warning, the top level's error */
	assert_th(&c, "cxscan-cyclomatic-complexity", "tests/unit/t.c", 30, 25, false);
	assert_th(&c, "cxscan-cyclomatic-complexity", "src/gen/x.c", 30, 25, false);
	assert_th(&c, "cxscan-cyclomatic-complexity", "src/gen/sub/x.c", 12, 25, false);
	assert_th(&c, "cxscan-npath", "tests/t.c", 200, 1000, true);
	/* NULL path: no override applies; NULL off and a bad index are fine */
	assert_th(&c, "cxscan-cyclomatic-complexity", NULL, 12, 25, false);
	struct cx_threshold t = cx_config_threshold(&c, rule("cxscan-npath"), "a.c", NULL);
	assert_int_equal(t.warning, 200);
	bool off = false;
	t = cx_config_threshold(&c, cx_nrules, "a.c", &off);
	assert_int_equal(t.warning, -1);
	assert_int_equal(t.error, -1);
	/* without a configuration: the defaults */
	t = cx_config_threshold(NULL, rule("cxscan-npath"), "a.c", &off);
	assert_false(off);
	assert_int_equal(t.warning, 200);
	assert_int_equal(t.error, 1000);
	cx_config_release(&c);
}

static void test_overrides(void **state)
{
	(void)state;
	static const char text[] =
		"{\"rules\": {\"cxscan-npath\": {\"warning\": 100}, \"cxscan-crap\": \"off\"},\n"
		" \"overrides\": [\n"
		"  {\"paths\": [\"src/**\"], \"rules\": {\"cxscan-npath\": {\"warning\": 300, "
		"\"error\": 2000}}},\n"
		"  {\"paths\": [\"src/legacy/**\"], \"rules\": {\"cxscan-npath\": \"off\", "
		"\"cxscan-crap\": {}}},\n"
		"  {\"paths\": [\"*.c\"], \"rules\": {\"cxscan-parameter-count\": {\"warning\": 3}}},\n"
		"  {\"paths\": [\"src/legacy/keep.c\"], \"rules\": {\"cxscan-npath\": "
		"{\"error\": null}}},\n"
		"  {\"paths\": [\"nothing/**\"]}\n"
		" ]}";
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(text, &c, &ctx), 0);
	assert_int_equal(c.noverrides, 5);
	assert_th(&c, "cxscan-npath", "lib/a.c", 100, 1000, false);
	assert_th(&c, "cxscan-npath", "src/a.c", 300, 2000, false);
	/* the later override wins; one that does not name the rule changes nothing */
	assert_th(&c, "cxscan-npath", "src/legacy/a.c", 300, 2000, true);
	assert_th(&c, "cxscan-npath", "src/legacy/a.h", 300, 2000, true);
	/* naming the rule with an object turns it on again */
	assert_th(&c, "cxscan-npath", "src/legacy/keep.c", 300, -1, false);
	assert_th(&c, "cxscan-crap", "lib/a.c", 30, -1, true);
	assert_th(&c, "cxscan-crap", "src/legacy/a.c", 30, -1, false);
	assert_th(&c, "cxscan-parameter-count", "src/legacy/a.c", 3, -1, false);
	assert_th(&c, "cxscan-parameter-count", "src/legacy/a.h", 7, -1, false);
	cx_config_release(&c);
}

static void test_comments(void **state)
{
	(void)state;
	static const char text[] =
		"\xef\xbb\xbf// a header comment\r\n"
		"/* a block\n   comment */ {\r\n"
		"  // before a key\n"
		"  \"macros\" /* between */ : /* before */ \"expand\" // after\n"
		"  , \"include\": [ /* in an array */ \"a/**\" /**/, \"b\"//\n"
		"  ] /* * / ** */\n"
		"} // the end, no newline";
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(text, &c, &ctx), 0);
	assert_int_equal(c.macros, CX_MACROS_EXPAND);
	assert_strv(&c.include, 2, (const char *[]){"a/**", "b"});
	cx_config_release(&c);

	/* escapes, surrogate pairs and UTF-8 in strings */
	static const char esc[] = "{\"flags\": {\"add\": [\"-DA=\\\"\\\\\\/\\b\\f\\n\\r\\t\", "
	                          "\"\\u00e9\\u20AC\\ud83d\\ude00\", \"\xc3\xa9\xe2\x82\xac\"]}}";
	assert_int_equal(parse(esc, &c, &ctx), 0);
	assert_strv(&c.add_flags, 3,
	            (const char *[]){"-DA=\"\\/\b\f\n\r\t",
	                             "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac"});
	cx_config_release(&c);
}

static void test_globs(void **state)
{
	(void)state;
	static const char text[] = "{\"include\": [\"a\\\\[b\", \"[]]x\", \"[!a-c]*.c\", "
	                           "\"/src/gen\", \"**/*.h\", \"\\\\\\\\\", \"..a/b..\", "
	                           "\"a/[/]/b\"]}";
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(text, &c, &ctx), 0);
	assert_strv(&c.include, 8,
	            (const char *[]){"a\\[b", "[]]x", "[!a-c]*.c", "/src/gen", "**/*.h", "\\\\",
	                             "..a/b..", "a/[/]/b"});
	cx_config_release(&c);
	/* overrides match with cx_glob_match: a leading '/' anchors, a glob
	 * without '/' matches any component, a directory covers its files */
	static const char ov[] = "{\"overrides\": [{\"paths\": [\"/src/gen\", \"*_test.c\", "
	                         "\"a\\\\[b\"], \"rules\": {\"cxscan-npath\": \"off\"}}]}";
	assert_int_equal(parse(ov, &c, &ctx), 0);
	assert_th(&c, "cxscan-npath", "src/gen/x.c", 200, 1000, true);
	assert_th(&c, "cxscan-npath", "lib/src/gen/x.c", 200, 1000, false);
	assert_th(&c, "cxscan-npath", "deep/dir/x_test.c", 200, 1000, true);
	assert_th(&c, "cxscan-npath", "a[b/x.c", 200, 1000, true);
	assert_th(&c, "cxscan-npath", "ab/x.c", 200, 1000, false);
	cx_config_release(&c);
}

/* ---- errors ---- */

struct bad {
	const char *text;
	int rc;
	const char *msg;
};

static const struct bad bad_configs[] = {
	/* unknown keys */
	{"{\"rulez\": {}}", CX_EINVAL,
	 NAME ":1:2: unknown key \"rulez\" (expected $schema, rules, overrides, include, exclude, "
	      "compile_database, flags, macros)"},
	{"{\n  \"rules\": {\n    \"cxscan-npath\": {\"thresold\": 5}\n  }\n}", CX_EINVAL,
	 NAME ":3:22: unknown key \"thresold\" in \"rules.cxscan-npath\" (expected warning, "
	      "error)"},
	{"{\"overrides\": [{\"path\": []}]}", CX_EINVAL,
	 NAME ":1:17: unknown key \"path\" in \"overrides[0]\" (expected paths, rules)"},
	{"{\"flags\": {\"ad\": []}}", CX_EINVAL,
	 NAME ":1:12: unknown key \"ad\" in \"flags\" (expected add, remove, fallback)"},
	{"{\"Macros\": \"expand\"}", CX_EINVAL,
	 NAME ":1:2: unknown key \"Macros\" (expected $schema, rules, overrides, include, "
	      "exclude, compile_database, flags, macros)"},
	/* duplicate keys, at the second one */
	{"{\"exclude\": [], \"exclude\": []}", CX_EINVAL, NAME ":1:17: duplicate key \"exclude\""},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": 1,\n \"error\": 2}}}", CX_EINVAL,
	 NAME ":2:2: duplicate key \"error\""},
	/* wrong types */
	{"{\"include\": \"src\"}", CX_EINVAL, NAME ":1:13: \"include\" must be an array of strings"},
	{"{\"include\": [\"a\", 3]}", CX_EINVAL,
	 NAME ":1:19: \"include\" must be an array of strings"},
	{"{\"rules\": []}", CX_EINVAL, NAME ":1:11: \"rules\" must be an object of rule ids"},
	{"{\"rules\": {\"cxscan-npath\": \"on\"}}", CX_EINVAL,
	 NAME ":1:28: \"rules.cxscan-npath\" must be \"off\" or an object with \"warning\" "
	      "and/or \"error\""},
	{"{\"rules\": {\"cxscan-npath\": {\"warning\": \"5\"}}}", CX_EINVAL,
	 NAME ":1:40: \"rules.cxscan-npath.warning\" must be an integer >= 0 or null"},
	{"{\"overrides\": {}}", CX_EINVAL, NAME ":1:15: \"overrides\" must be an array of objects"},
	{"{\"overrides\": [[]]}", CX_EINVAL, NAME ":1:16: \"overrides[0]\" must be an object"},
	{"{\"overrides\": [{\"rules\": {}}]}", CX_EINVAL,
	 NAME ":1:16: \"overrides[0]\" needs \"paths\""},
	{"{\"overrides\": [{\"paths\": []}]}", CX_EINVAL,
	 NAME ":1:26: \"overrides[0].paths\" must be a non-empty array of globs"},
	{"{\"overrides\": [{\"paths\": [\"a\"], \"rules\": {\"cxscan-x\": {}}}]}", CX_EINVAL,
	 NAME ":1:43: unknown rule \"cxscan-x\""},
	{"{\"macros\": \"on\"}", CX_EINVAL, NAME ":1:12: \"macros\" must be \"ignore\" or \"expand\""},
	{"{\"flags\": {\"add\": [\"\"]}}", CX_EINVAL,
	 NAME ":1:20: \"flags.add[0]\" is an empty string"},
	{"{\"flags\": []}", CX_EINVAL, NAME ":1:11: \"flags\" must be an object"},
	{"{\"compile_database\": 1}", CX_EINVAL,
	 NAME ":1:22: \"compile_database\" must be a non-empty string (a directory)"},
	{"{\"$schema\": 1}", CX_EINVAL, NAME ":1:13: \"$schema\" must be a string"},
	{"[]", CX_EINVAL, NAME ":1:1: the configuration must be a JSON object, not an array"},
	{" null", CX_EINVAL, NAME ":1:2: the configuration must be a JSON object, not null"},
	/* globs */
	{"{\"exclude\": [\"src/[a-\"]}", CX_EINVAL,
	 NAME ":1:14: \"exclude[0]\": bad glob \"src/[a-\": an unterminated '['"},
	{"{\"exclude\": [\"a\", \"./src\"]}", CX_EINVAL,
	 NAME ":1:19: \"exclude[1]\": bad glob \"./src\": a '.' or '..' component (paths are "
	      "relative to the scan root)"},
	{"{\"include\": [\"src/\"]}", CX_EINVAL,
	 NAME ":1:14: \"include[0]\": bad glob \"src/\": a trailing '/'"},
	{"{\"include\": [\"a//b\"]}", CX_EINVAL,
	 NAME ":1:14: \"include[0]\": bad glob \"a//b\": an empty path component"},
	{"{\"include\": [\"\"]}", CX_EINVAL, NAME ":1:14: \"include[0]\": bad glob \"\": it is empty"},
	{"{\"include\": [\"[]\"]}", CX_EINVAL,
	 NAME ":1:14: \"include[0]\": bad glob \"[]\": an unterminated '['"},
	{"{\"include\": [\"x[!]\"]}", CX_EINVAL,
	 NAME ":1:14: \"include[0]\": bad glob \"x[!]\": an unterminated '['"},
	{"{\"include\": [\"/\"]}", CX_EINVAL,
	 NAME ":1:14: \"include[0]\": bad glob \"/\": a trailing '/'"},
	{"{\"include\": [\"a\\\\\"]}", CX_EINVAL,
	 NAME ":1:14: \"include[0]\": bad glob \"a\\\\\": a trailing backslash"},
	{"{\"overrides\": [{\"paths\": [\"x/../y\"]}]}", CX_EINVAL,
	 NAME ":1:27: \"overrides[0].paths[0]\": bad glob \"x/../y\": a '.' or '..' component "
	      "(paths are relative to the scan root)"},
	/* rules and thresholds */
	{"{\"rules\": {\"cxscan-foo\": \"off\"}}", CX_EINVAL,
	 NAME ":1:12: unknown rule \"cxscan-foo\""},
	{"{\"rules\": {\"cxscan-npath\": {\"warning\": -1}}}", CX_EINVAL,
	 NAME ":1:40: \"rules.cxscan-npath.warning\" must be an integer >= 0 or null (-1 is "
	      "negative)"},
	{"{\"rules\": {\"cxscan-npath\": {\"warning\": 1.5}}}", CX_EINVAL,
	 NAME ":1:40: \"rules.cxscan-npath.warning\" must be an integer >= 0 or null (1.5 is not "
	      "an integer)"},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": 1e3}}}", CX_EINVAL,
	 NAME ":1:38: \"rules.cxscan-npath.error\" must be an integer >= 0 or null (1e3 is not an "
	      "integer)"},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": 99999999999999999999}}}", CX_EINVAL,
	 NAME ":1:38: \"rules.cxscan-npath.error\" must be an integer >= 0 or null "
	      "(99999999999999999999 is out of range)"},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": 01}}}", CX_EINVAL,
	 NAME ":1:38: invalid number: leading zero"},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": 1.}}}", CX_EINVAL,
	 NAME ":1:38: invalid number: digits expected after '.'"},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": -}}}", CX_EINVAL,
	 NAME ":1:38: invalid number: a digit expected"},
	{"{\"rules\": {\"cxscan-npath\": {\"error\": 2e+}}}", CX_EINVAL,
	 NAME ":1:38: invalid number: digits expected in the exponent"},
	/* syntax */
	{"{} x", CX_EINVAL, NAME ":1:4: expected the end of the input after the value, found 'x'"},
	{"{}}", CX_EINVAL, NAME ":1:3: expected the end of the input after the value, found '}'"},
	{"{\"a\" 1}", CX_EINVAL, NAME ":1:6: expected ':' after the key, found '1'"},
	{"{\"include\": [],}", CX_EINVAL, NAME ":1:16: expected a key in double quotes, found '}'"},
	{"{'a': 1}", CX_EINVAL, NAME ":1:2: expected a key in double quotes, found \"'\""},
	{"{\"include\": [\"a\",]}", CX_EINVAL, NAME ":1:18: expected a value, found ']'"},
	{"{\"include\": [\"a\" \"b\"]}", CX_EINVAL, NAME ":1:18: expected ',' or ']', found '\"'"},
	{"{\"macros\": \"expand\" \"include\": []}", CX_EINVAL,
	 NAME ":1:21: expected ',' or '}', found '\"'"},
	{"{\"macros\": expand}", CX_EINVAL,
	 NAME ":1:12: unknown word 'expand' (strings need double quotes)"},
	{"{\"macros\": True}", CX_EINVAL,
	 NAME ":1:12: unknown word 'True' (strings need double quotes)"},
	{"{\"include\": [", CX_EINVAL, NAME ":1:14: expected a value, found end of input"},
	{"{\"include\"", CX_EINVAL, NAME ":1:11: expected ':' after the key, found end of input"},
	{"{", CX_EINVAL, NAME ":1:2: expected a key in double quotes, found end of input"},
	{"{} / x", CX_EINVAL, NAME ":1:4: unexpected '/' (a comment starts with // or /*)"},
	{"{\"$schema\": \"\xc3\xa9\", \"x\": 1}", CX_EINVAL,
	 NAME ":1:18: unknown key \"x\" (expected $schema, rules, overrides, include, exclude, "
	      "compile_database, flags, macros)"},
	{"// header\n{\n\t/* block\n\t   comment */ \"macros\": 5\n}", CX_EINVAL,
	 NAME ":4:26: \"macros\" must be \"ignore\" or \"expand\""},
	/* unterminated */
	{"{\"include\": [\"src]}", CX_EINVAL, NAME ":1:14: unterminated string"},
	{"{\n  \"a\n}", CX_EINVAL, NAME ":2:3: unterminated string"},
	{"{\"a\\", CX_EINVAL, NAME ":1:4: invalid escape: backslash then end of input"},
	{"{} /* x", CX_EINVAL, NAME ":1:4: unterminated comment"},
	{"{} /* x *", CX_EINVAL, NAME ":1:4: unterminated comment"},
	/* strings */
	{"{\"$schema\": \"\\x\"}", CX_EINVAL, NAME ":1:14: invalid escape: backslash then 'x'"},
	{"{\"$schema\": \"\\u12g4\"}", CX_EINVAL,
	 NAME ":1:14: invalid \\u escape (4 hex digits expected)"},
	{"{\"$schema\": \"\\ud800x\"}", CX_EINVAL, NAME ":1:14: lone surrogate \\uD800 in a string"},
	{"{\"$schema\": \"\\ud800\\u0041\"}", CX_EINVAL,
	 NAME ":1:14: lone surrogate \\uD800 in a string"},
	{"{\"$schema\": \"ab\\uDC00\"}", CX_EINVAL, NAME ":1:16: lone surrogate \\uDC00 in a string"},
	{"{\"$schema\": \"\\ud800", CX_EINVAL, NAME ":1:14: lone surrogate \\uD800 in a string"},
	{"{\"$schema\": \"\\u0000\"}", CX_EINVAL,
	 NAME ":1:14: \\u0000 (NUL) is not allowed in a string"},
	{"{\"a\\u0000b\": 1}", CX_EINVAL, NAME ":1:4: \\u0000 (NUL) is not allowed in a string"},
	{"{\"$schema\": \"a\tb\"}", CX_EINVAL,
	 NAME ":1:15: control character 0x09 in a string (escape it)"},
	{"{\"$schema\": \"\xff\"}", CX_EINVAL, NAME ":1:14: invalid UTF-8 in a string"},
	{"{\"$schema\": \"\xc0\xaf\"}", CX_EINVAL, NAME ":1:14: invalid UTF-8 in a string"},
	{"{\"$schema\": \"\xed\xa0\x80\"}", CX_EINVAL, NAME ":1:14: invalid UTF-8 in a string"},
	{"{\"$schema\": \"\xe2\x82\"}", CX_EINVAL, NAME ":1:14: invalid UTF-8 in a string"},
	{"{\"\x01\": 1}", CX_EINVAL, NAME ":1:3: control character 0x01 in a string (escape it)"},
	{"{\"a\\n\\\"b\": 1}", CX_EINVAL,
	 NAME ":1:2: unknown key \"a\\n\\\"b\" (expected $schema, rules, overrides, include, "
	      "exclude, compile_database, flags, macros)"},
	/* empty input */
	{"", CX_EINVAL, NAME ":1:1: empty input (no JSON value)"},
	{"  // only a comment\n\t", CX_EINVAL, NAME ":2:2: empty input (no JSON value)"},
	{"\xef\xbb\xbf", CX_EINVAL, NAME ":1:1: empty input (no JSON value)"},
	{"\xef\xbb", CX_EINVAL, NAME ":1:1: expected a value, found byte 0xef"},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_configs / sizeof *bad_configs; i++) {
		const struct bad *b = &bad_configs[i];
		struct cx_config c;
		struct cx_ctx ctx = {0};
		int rc = parse(b->text, &c, &ctx);
		if (rc != b->rc || strcmp(ctx.msg, b->msg) != 0)
			print_error("case %zu: %s\n", i, b->text);
		assert_int_equal(rc, b->rc);
		assert_string_equal(ctx.msg, b->msg);
		assert_int_equal(ctx.err, b->rc);
		assert_null(strchr(ctx.msg, '\n'));
		cx_config_release(&c);
	}
}

static void test_nul_byte_and_long_key(void **state)
{
	(void)state;
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_parse("{}\0", 3, NAME, "/", &c, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg,
	                    NAME ":1:3: expected the end of the input after the value, found byte "
	                         "0x00");
	cx_config_release(&c);
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_parse("{\"a\0\": 1}", 9, NAME, "/", &c, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg, NAME ":1:4: control character 0x00 in a string (escape it)");
	cx_config_release(&c);

	/* a long unknown key is cut in the message */
	char text[600];
	snprintf(text, sizeof text, "{\"%0500d\": 1}", 0);
	assert_int_equal(parse(text, &c, &ctx), CX_EINVAL);
	assert_true(strncmp(ctx.msg, NAME ":1:2: unknown key \"0000", 24) == 0);
	assert_non_null(strstr(ctx.msg, "...\" (expected $schema,"));
	assert_true(strlen(ctx.msg) < 300);
	cx_config_release(&c);
}

/* "{\"$schema\": " then n nested arrays. */
static char *nested(size_t n)
{
	size_t len = 12 + 2 * n + 1;
	char *t = malloc(len + 1);
	assert_non_null(t);
	memcpy(t, "{\"$schema\": ", 12);
	memset(t + 12, '[', n);
	memset(t + 12 + n, ']', n);
	t[len - 1] = '}';
	t[len] = '\0';
	return t;
}

static void test_limits(void **state)
{
	(void)state;
	struct cx_config c;
	struct cx_ctx ctx = {0};
	/* the object is level 1: 63 arrays inside reach the limit, 64 pass it */
	char *t = nested(CX_MAX_JSON_DEPTH - 1);
	assert_int_equal(parse(t, &c, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg, NAME ":1:13: \"$schema\" must be a string");
	cx_config_release(&c);
	free(t);
	t = nested(CX_MAX_JSON_DEPTH);
	assert_int_equal(parse(t, &c, &ctx), CX_ELIMIT);
	assert_string_equal(ctx.msg, NAME ":1:76: nesting deeper than 64 levels");
	cx_config_release(&c);
	free(t);
	t = nested(100000);
	assert_int_equal(parse(t, &c, &ctx), CX_ELIMIT);
	assert_string_equal(ctx.msg, NAME ":1:76: nesting deeper than 64 levels");
	cx_config_release(&c);
	free(t);

	size_t big = CX_MAX_CONFIG_BYTES + 1;
	t = malloc(big);
	assert_non_null(t);
	memset(t, ' ', big);
	t[0] = '{';
	t[big - 1] = '}';
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_parse(t, big, NAME, "/", &c, &ctx), CX_ELIMIT);
	assert_string_equal(ctx.msg, NAME ": larger than the limit of 16777216 bytes");
	assert_int_equal(cx_config_parse(t, big - 1, NAME, "/", &c, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg,
	                    NAME ":1:16777217: expected a key in double quotes, found end of input");
	cx_config_release(&c);
	free(t);

	/* values: CX_MAX_JSON_VALUES elements and members in all pass, one more
	 * does not (a 16 MiB array of zeros would take ~470 MB as a tree) */
	size_t nv = CX_MAX_JSON_VALUES - 1; /* "$schema" is one */
	t = malloc(2 * nv + 20);
	assert_non_null(t);
	memcpy(t, "{\"$schema\": [", 13);
	size_t k = 13;
	for (size_t i = 0; i < nv; i++) {
		t[k++] = '0';
		t[k++] = ',';
	}
	t[k - 1] = ']';
	t[k++] = '}';
	t[k] = '\0';
	assert_int_equal(parse(t, &c, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg, NAME ":1:13: \"$schema\" must be a string");
	cx_config_release(&c);
	memcpy(t + k - 2, ",0]}", 5);
	assert_int_equal(parse(t, &c, &ctx), CX_ELIMIT);
	char want[64];
	snprintf(want, sizeof want, NAME ":1:%zu: more than %u values", k, CX_MAX_JSON_VALUES);
	assert_string_equal(ctx.msg, want);
	cx_config_release(&c);
	free(t);

	/* many keys in one object: duplicates still found (the hash table grows) */
	char *buf = cx_strdup("{\"rules\": {\"cxscan-npath\": {");
	for (int i = 0; i < 1000; i++) {
		char *n = cx_asprintf("%s\"k%d\": 1, ", buf, i);
		free(buf);
		buf = n;
	}
	char *n = cx_asprintf("%s\"k500\": 2}}}", buf);
	free(buf);
	assert_int_equal(parse(n, &c, &ctx), CX_EINVAL);
	assert_true(strstr(ctx.msg, ": duplicate key \"k500\"") != NULL);
	cx_config_release(&c);
	free(n);
}

/* ---- files ---- */

static void test_load(void **state)
{
	(void)state;
	make_dir("load/sub");
	char *p = tmp_path("load/sub/.cxscan.json");
	write_file(p, "{\"compile_database\": \"../build\", // x\n \"macros\": \"ignore\"}");
	struct cx_config c;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_load(p, &c, &ctx), 0);
	assert_string_equal(c.path, p);
	char *want = tmp_path("load/build");
	assert_string_equal(c.compile_database, want);
	free(want);
	assert_int_equal(c.macros, CX_MACROS_IGNORE);
	cx_config_release(&c);

	write_file(p, "{\n  \"include\": 1\n}");
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_load(p, &c, &ctx), CX_EINVAL);
	char *msg = cx_asprintf("%s:2:14: \"include\" must be an array of strings", p);
	assert_string_equal(ctx.msg, msg);
	free(msg);
	cx_config_release(&c);
	free(p);

	p = tmp_path("load/missing.json");
	assert_int_equal(cx_config_init(&c), 0);
	assert_int_equal(cx_config_load(p, &c, &ctx), CX_EIO);
	assert_non_null(strstr(ctx.msg, "missing.json"));
	cx_config_release(&c);
	free(p);
}

static void assert_found(const char *root_rel, const char *want_rel)
{
	char *root = tmp_path(root_rel), *path = (char *)"unset";
	assert_int_equal(cx_config_find(root, &path), 0);
	if (!want_rel) {
		assert_null(path);
	} else {
		char *want = tmp_path(want_rel);
		assert_string_equal(path, want);
		free(want);
	}
	free(path);
	free(root);
}

static void test_find(void **state)
{
	(void)state;
	/* find/.cxscan.json lies above the repository: never used */
	make_dir("find/repo/.git");
	make_dir("find/repo/sub/deep");
	char *above = tmp_path("find/.cxscan.json");
	write_file(above, "{}");
	assert_found("find/repo/sub/deep", NULL);
	assert_found("find/repo", NULL);
	/* above a directory without .git: found */
	assert_found("find", "find/.cxscan.json");

	char *top = tmp_path("find/repo/.cxscan.json");
	write_file(top, "{}");
	assert_found("find/repo/sub/deep", "find/repo/.cxscan.json");
	assert_found("find/repo/sub/deep/", "find/repo/.cxscan.json");
	assert_found("find/repo", "find/repo/.cxscan.json");

	/* the nearest one wins; a directory of that name is not a file */
	make_dir("find/repo/sub/.cxscan.json");
	assert_found("find/repo/sub/deep", "find/repo/.cxscan.json");
	char *sub = tmp_path("find/repo/sub/deep/.cxscan.json");
	write_file(sub, "{}");
	assert_found("find/repo/sub/deep", "find/repo/sub/deep/.cxscan.json");
	assert_found("find/repo/sub", "find/repo/.cxscan.json");

	/* a .git file (a worktree or submodule) stops the walk too */
	make_dir("find/repo/mod/src");
	char *gitfile = tmp_path("find/repo/mod/.git");
	write_file(gitfile, "gitdir: ../.git/modules/mod\n");
	assert_found("find/repo/mod/src", NULL);
	free(gitfile);
	free(sub);
	free(top);
	free(above);

	/* from / there is none unless / has one: no crash, no loop */
	char *path = NULL;
	assert_int_equal(cx_config_find("/", &path), 0);
	free(path);
}

/* ---- the baseline ---- */

static const char baseline_text[] =
	"{\"version\": 1, \"tool\": \"cxscan\", \"findings\": [\n"
	" {\"rule\": \"cxscan-npath\", \"path\": \"b.c\", \"function\": \"g\", \"value\": 300},\n"
	" {\"path\": \"a.c\", \"rule\": \"cxscan-parse-error\", \"function\": null, \"value\": 2},\n"
	" {\"rule\": \"cxscan-cyclomatic-complexity\", \"path\": \"a.c\", \"function\": \"f\", "
	"\"value\": 12},\n"
	" {\"rule\": \"cxscan-npath\", \"path\": \"b.c\", \"function\": \"g\", \"value\": 500},\n"
	" // a comment\n"
	" {\"rule\": \"cxscan-npath\", \"path\": \"b.c\", \"function\": \"g\", \"value\": 400}\n"
	"]}\n";

static void assert_entry(const struct cx_baseline_entry *e, const char *rule_id,
                         const char *path, const char *function, int64_t value)
{
	assert_string_equal(e->rule, rule_id);
	assert_string_equal(e->path, path);
	if (function)
		assert_string_equal(e->function, function);
	else
		assert_null(e->function);
	assert_int_equal(e->value, value);
}

static void test_baseline_parse(void **state)
{
	(void)state;
	struct cx_baseline b;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_baseline_parse(baseline_text, strlen(baseline_text), "bl", &b, &ctx), 0);
	assert_int_equal(b.n, 3);
	assert_entry(&b.v[0], "cxscan-parse-error", "a.c", NULL, 2);
	assert_entry(&b.v[1], "cxscan-cyclomatic-complexity", "a.c", "f", 12);
	assert_entry(&b.v[2], "cxscan-npath", "b.c", "g", 500); /* the largest */

	int64_t v = -1;
	assert_true(cx_baseline_get(&b, "cxscan-npath", "b.c", "g", &v));
	assert_int_equal(v, 500);
	assert_true(cx_baseline_get(&b, "cxscan-parse-error", "a.c", NULL, &v));
	assert_int_equal(v, 2);
	assert_true(cx_baseline_get(&b, "cxscan-cyclomatic-complexity", "a.c", "f", NULL));
	assert_false(cx_baseline_get(&b, "cxscan-parse-error", "a.c", "f", &v));
	assert_false(cx_baseline_get(&b, "cxscan-cyclomatic-complexity", "a.c", NULL, &v));
	assert_false(cx_baseline_get(&b, "cxscan-npath", "a.c", "f", &v));
	assert_false(cx_baseline_get(&b, "cxscan-npath", "b.c", "h", &v));
	assert_false(cx_baseline_get(NULL, "cxscan-npath", "b.c", "g", &v));
	assert_int_equal(v, 2); /* untouched when absent */
	cx_baseline_release(&b);
	assert_null(b.v);
	assert_int_equal(b.n, 0);
	cx_baseline_release(&b);

	/* empty, without "tool" */
	const char *t = "{\"findings\": [], \"version\": 1}";
	assert_int_equal(cx_baseline_parse(t, strlen(t), "bl", &b, &ctx), 0);
	assert_int_equal(b.n, 0);
	assert_false(cx_baseline_get(&b, "cxscan-npath", "b.c", "g", &v));
	cx_baseline_release(&b);
}

static const struct bad bad_baselines[] = {
	{"[]", CX_EINVAL, "bl:1:1: the baseline must be a JSON object, not an array"},
	{"{\"version\": 2, \"findings\": []}", CX_EINVAL,
	 "bl:1:13: \"version\" must be 1 (this cxscan reads baseline version 1)"},
	{"{\"version\": 1.0, \"findings\": []}", CX_EINVAL,
	 "bl:1:13: \"version\" must be 1 (this cxscan reads baseline version 1)"},
	{"{\"findings\": []}", CX_EINVAL, "bl:1:1: the baseline needs \"version\""},
	{"{\"version\": 1}", CX_EINVAL, "bl:1:1: the baseline needs \"findings\""},
	{"{\"version\": 1, \"tool\": \"other\", \"findings\": []}", CX_EINVAL,
	 "bl:1:24: \"tool\" must be \"cxscan\""},
	{"{\"version\": 1, \"findings\": {}}", CX_EINVAL,
	 "bl:1:28: \"findings\" must be an array of findings"},
	{"{\"version\": 1, \"findings\": [1]}", CX_EINVAL,
	 "bl:1:29: \"findings[0]\" must be an object"},
	{"{\"version\": 1, \"extra\": 1, \"findings\": []}", CX_EINVAL,
	 "bl:1:16: unknown key \"extra\" (expected version, tool, findings)"},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"line\": 3}]}", CX_EINVAL,
	 "bl:2:28: unknown key \"line\" in \"findings[0]\" (expected rule, path, function, value)"},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"path\": \"a.c\", \"function\": \"f\"}]}", CX_EINVAL,
	 "bl:2:3: \"findings[0]\" needs \"value\""},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"path\": \"a.c\", \"value\": 1}]}", CX_EINVAL,
	 "bl:2:3: \"findings[0]\" needs \"function\""},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"path\": \"a.c\", \"function\": \"f\", \"value\": 1.5}]}",
	 CX_EINVAL, "bl:2:69: \"findings[0].value\" must be an integer >= 0"},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"path\": \"a.c\", \"function\": \"f\", \"value\": -3}]}",
	 CX_EINVAL, "bl:2:69: \"findings[0].value\" must be an integer >= 0"},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"path\": \"a.c\", \"function\": 3, \"value\": 1}]}",
	 CX_EINVAL, "bl:2:55: \"findings[0].function\" must be a non-empty string or null"},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"path\": \"\", \"function\": null, \"value\": 1}]}",
	 CX_EINVAL, "bl:2:36: \"findings[0].path\" must be a non-empty string"},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-nope\", \"path\": \"a\", \"function\": null, \"value\": 1}]}",
	 CX_EINVAL, "bl:2:12: unknown rule \"cxscan-nope\""},
	{"{\"version\": 1, \"findings\": [\n"
	 "  {\"rule\": \"cxscan-npath\", \"rule\": \"cxscan-npath\"}]}", CX_EINVAL,
	 "bl:2:28: duplicate key \"rule\""},
	{"{\"version\": 1, \"findings\": [", CX_EINVAL,
	 "bl:1:29: expected a value, found end of input"},
	{"", CX_EINVAL, "bl:1:1: empty input (no JSON value)"},
};

static void test_baseline_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_baselines / sizeof *bad_baselines; i++) {
		const struct bad *bb = &bad_baselines[i];
		struct cx_baseline b;
		struct cx_ctx ctx = {0};
		int rc = cx_baseline_parse(bb->text, strlen(bb->text), "bl", &b, &ctx);
		if (rc != bb->rc || strcmp(ctx.msg, bb->msg) != 0)
			print_error("case %zu: %s\n", i, bb->text);
		assert_int_equal(rc, bb->rc);
		assert_string_equal(ctx.msg, bb->msg);
		assert_null(b.v);
		assert_int_equal(b.n, 0);
		cx_baseline_release(&b);
	}
}

static struct cx_finding finding(const char *id, const char *path, const char *function,
                                 int64_t value)
{
	return (struct cx_finding){.rule = rule(id), .level = CX_LEVEL_WARNING,
	                           .path = (char *)path, .function = (char *)function,
	                           .line = 7, .column = 3, .end_line = 9, .value = value};
}

static const char expected_baseline[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"tool\": \"cxscan\",\n"
	"  \"findings\": [\n"
	"    {\"rule\": \"cxscan-parse-error\", \"path\": \"a.c\", \"function\": null, \"value\": 2},\n"
	"    {\"rule\": \"cxscan-cyclomatic-complexity\", \"path\": \"a.c\", \"function\": \"f\", "
	"\"value\": 12},\n"
	"    {\"rule\": \"cxscan-npath\", \"path\": \"a.c\", \"function\": \"f\", \"value\": 300},\n"
	"    {\"rule\": \"cxscan-npath\", \"path\": \"b\\\"q\\\\\\t\xc3\xa9.c\", \"function\": \"g\", "
	"\"value\": 500}\n"
	"  ]\n"
	"}\n";

static void test_baseline_write(void **state)
{
	(void)state;
	struct cx_finding v[] = {
		finding("cxscan-npath", "b\"q\\\t\xc3\xa9.c", "g", 400),
		finding("cxscan-npath", "a.c", "f", 300),
		finding("cxscan-parse-error", "a.c", NULL, 2),
		finding("cxscan-npath", "b\"q\\\t\xc3\xa9.c", "g", 500),
		finding("cxscan-cyclomatic-complexity", "a.c", "f", 12),
	};
	struct cx_findings f = {.v = v, .n = 5, .cap = 5};
	struct cx_ctx ctx = {0};
	make_dir("bl");
	char *p1 = tmp_path("bl/one.json"), *p2 = tmp_path("bl/two.json");
	assert_int_equal(cx_baseline_write(p1, &f, &ctx), 0);
	char *text = read_all(p1);
	assert_string_equal(text, expected_baseline);

	/* another order of the same findings: the same bytes, over an old file */
	write_file(p2, "old");
	struct cx_finding w[] = {v[4], v[3], v[2], v[1], v[0]};
	f.v = w;
	assert_int_equal(cx_baseline_write(p2, &f, &ctx), 0);
	char *text2 = read_all(p2);
	assert_string_equal(text2, expected_baseline);
	free(text2);

	/* round trip */
	struct cx_baseline b;
	assert_int_equal(cx_baseline_load(p1, &b, &ctx), 0);
	assert_int_equal(b.n, 4);
	assert_entry(&b.v[0], "cxscan-parse-error", "a.c", NULL, 2);
	assert_entry(&b.v[1], "cxscan-cyclomatic-complexity", "a.c", "f", 12);
	assert_entry(&b.v[2], "cxscan-npath", "a.c", "f", 300);
	assert_entry(&b.v[3], "cxscan-npath", "b\"q\\\t\xc3\xa9.c", "g", 500);
	cx_baseline_release(&b);

	/* only the two files are left: no temporary file */
	char *dir = tmp_path("bl");
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t files = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		files += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 2);
	free(dir);
	free(text);
	free(p2);
	free(p1);
}

static void test_baseline_write_edges(void **state)
{
	(void)state;
	struct cx_ctx ctx = {0};
	make_dir("ble");
	char *p = tmp_path("ble/empty.json");
	struct cx_findings none = {0};
	assert_int_equal(cx_baseline_write(p, &none, &ctx), 0);
	char *text = read_all(p);
	assert_string_equal(text,
	                    "{\n  \"version\": 1,\n  \"tool\": \"cxscan\",\n  \"findings\": []\n}\n");
	free(text);
	struct cx_baseline b;
	assert_int_equal(cx_baseline_load(p, &b, &ctx), 0);
	assert_int_equal(b.n, 0);
	cx_baseline_release(&b);
	free(p);

	/* a path that is not UTF-8 cannot be written as JSON: nothing written */
	struct cx_finding v[] = {finding("cxscan-npath", "bad\xff.c", "f", 1)};
	struct cx_findings f = {.v = v, .n = 1, .cap = 1};
	p = tmp_path("ble/bad.json");
	assert_int_equal(cx_baseline_write(p, &f, &ctx), CX_EINVAL);
	char *msg = cx_asprintf("cannot write the baseline '%s': the path \"bad\xff.c\" is not UTF-8",
	                        p);
	assert_string_equal(ctx.msg, msg);
	free(msg);
	struct stat st;
	assert_int_equal(stat(p, &st), -1);

	/* a finding without a known rule is a caller's bug, reported */
	v[0].rule = cx_nrules;
	assert_int_equal(cx_baseline_write(p, &f, &ctx), CX_EINVAL);
	assert_non_null(strstr(ctx.msg, "finding 0 has no rule or path"));
	assert_int_equal(stat(p, &st), -1);
	v[0].rule = rule("cxscan-npath");
	free(p);

	/* a directory that does not exist */
	v[0].path = (char *)"ok.c";
	p = tmp_path("ble/no/such/dir.json");
	assert_int_equal(cx_baseline_write(p, &f, &ctx), CX_EIO);
	assert_true(strncmp(ctx.msg, "cannot write '", 14) == 0);
	assert_non_null(strstr(ctx.msg, "No such file or directory"));
	free(p);

	p = tmp_path("ble/missing.json");
	assert_int_equal(cx_baseline_load(p, &b, &ctx), CX_EIO);
	assert_null(b.v);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_find),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_empty_and_defaults),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_byte_and_long_key),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_baseline_parse),
		cmocka_unit_test(test_baseline_errors),
		cmocka_unit_test(test_baseline_write),
		cmocka_unit_test(test_baseline_write_edges),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
