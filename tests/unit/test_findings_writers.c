/* Unit tests: the writers of findings (report/findings_*.c: sarif,
 * codeclimate, checkstyle, junit, markdown, github) on a hand-built
 * struct cx_findings: three files (one path with a space and a non-ASCII
 * character), warnings and errors, a file finding (function NULL), two
 * same-named static functions with one fingerprint, a note, and a message
 * with quotes, <, &, %, a comma and a newline. JSON output is parsed with
 * cJSON, XML and line formats are compared byte for byte, the markdown
 * budget is checked from 0 to 3000 bytes, and a FILE that cannot be
 * written gives CX_EIO.
 *
 * With CX_SARIF_SAMPLE_OUT=PATH in the environment the program runs no
 * test: it writes the sample's SARIF to PATH and exits (0, or 1 on
 * failure), for tests/e2e/test_sarif_validate.py to validate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cx_findings.h"

#define SPACE_PATH "dir with space/\xc3\xa9t\xc3\xa9.c" /* "été.c" */
#define ODD_MSG "function 'odd' has \"x\" < y & 100%, or\nmore"

static size_t rule_ix(const char *id)
{
	long r = cx_rule_find(id);
	if (r < 0)
		fail_msg("no rule %s", id);
	return (size_t)r;
}

static struct cx_finding fv[6];
static struct cx_note notes[1];
static struct cx_findings sample;
static const struct cx_findings_meta meta = {.root = "/home/u/my proj", .version = "0.1.0"};

/* A finding with the fields the writers read, rule by id. */
#define FINDING(rule_id, lv, p, l, c, e, fn, val, thr, msg, fp)                                    \
	(struct cx_finding)                                                                        \
	{                                                                                          \
		.rule = rule_ix(rule_id), .level = (lv), .path = (p), .line = (l), .column = (c),  \
		.end_line = (e), .function = (fn), .value = (val), .threshold = (thr),             \
		.message = (msg), .fingerprint = (fp)                                              \
	}

/* A warning of cxscan-npath at 7:1 (end 9), value 1, threshold 0. */
static struct cx_finding odd_finding(char *path, char *fn, char *msg)
{
	return FINDING("cxscan-npath", CX_LEVEL_WARNING, path, 7, 1, 9, fn, 1, 0, msg, "0");
}

/* sorted by path, line, column, rule id, as the rules module leaves them */
static int setup(void **state)
{
	(void)state;
	fv[0] = FINDING("cxscan-parse-error", CX_LEVEL_WARNING, SPACE_PATH, 1, 1, 1, NULL, 2, 0,
	                "2 error(s) while parsing: 'x.h' file not found", "1111111111111111");
	fv[1] = FINDING(
	    "cxscan-cyclomatic-complexity", CX_LEVEL_ERROR, SPACE_PATH, 10, 5, 40, "big", 25, 20,
	    "function 'big' has cyclomatic complexity of 25 (threshold 20)", "2222222222222222");
	fv[2] = FINDING("cxscan-npath", CX_LEVEL_WARNING, SPACE_PATH, 10, 5, 40, "big", 300, 200,
	                "function 'big' has NPATH complexity of 300 (threshold 200)",
	                "3333333333333333");
	fv[3] = FINDING("cxscan-cognitive-complexity", CX_LEVEL_WARNING, "src/a.c", 3, 6, 9, "odd",
	                16, 15, ODD_MSG, "4444444444444444");
	fv[4] = FINDING(
	    "cxscan-cyclomatic-complexity", CX_LEVEL_WARNING, "src/a.c", 20, 13, 30, "dup", 11, 10,
	    "function 'dup' has cyclomatic complexity of 11 (threshold 10)", "5555555555555555");
	fv[5] = FINDING(
	    "cxscan-cyclomatic-complexity", CX_LEVEL_ERROR, "src/b.c", 50, 13, 80, "dup", 21, 20,
	    "function 'dup' has cyclomatic complexity of 21 (threshold 20)", "6666666666666666");
	notes[0] = (struct cx_note){.path = "src/a.c",
	                            .line = 2,
	                            .column = 4,
	                            .message = "suppression of cxscan-npath has no reason"};
	sample = (struct cx_findings){.v = fv,
	                              .n = 6,
	                              .notes = notes,
	                              .nnotes = 1,
	                              .functions = 12,
	                              .files = 3,
	                              .suppressed = 1,
	                              .baselined = 4};
	return 0;
}

typedef int (*writer)(FILE *, const struct cx_findings *, const struct cx_findings_meta *);

static char *render_meta(writer w, const struct cx_findings *f, const struct cx_findings_meta *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(w(out, f, m), 0);
	fclose(out);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static char *render(writer w, const struct cx_findings *f)
{
	return render_meta(w, f, &meta);
}

/* ---- SARIF ---- */

static cJSON *get(const cJSON *o, const char *path)
{
	/* "a.b.0.c": object members and array indexes; \x01 is a '.' in a key */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *cur = o;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && cur;
	     k = strtok_r(NULL, ".", &save)) {
		for (char *d = strchr(k, '\x01'); d; d = strchr(d, '\x01'))
			*d = '.';
		cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(k))
		                         : cJSON_GetObjectItemCaseSensitive(cur, k);
	}
	if (!cur)
		fail_msg("no %s", path);
	return (cJSON *)cur;
}

static const char *str(const cJSON *o, const char *path)
{
	const cJSON *v = get(o, path);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static int num(const cJSON *o, const char *path)
{
	const cJSON *v = get(o, path);
	assert_true(cJSON_IsNumber(v));
	return v->valueint;
}

static void test_sarif_run(void **state)
{
	(void)state;
	char *out = render(cx_findings_write_sarif, &sample);
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_string_equal(str(doc, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	assert_string_equal(str(doc, "version"), "2.1.0");
	assert_int_equal(cJSON_GetArraySize(get(doc, "runs")), 1);
	cJSON *run = get(doc, "runs.0");
	assert_string_equal(str(run, "tool.driver.name"), "cxscan");
	assert_string_equal(str(run, "tool.driver.version"), "0.1.0");
	assert_string_equal(str(run, "tool.driver.semanticVersion"), "0.1.0");
	assert_null(cJSON_GetObjectItem(get(run, "tool.driver"), "informationUri"));
	assert_string_equal(str(run, "originalUriBaseIds.%SRCROOT%.uri"),
	                    "file:///home/u/my%20proj/");
	assert_string_equal(str(run, "columnKind"), "utf16CodeUnits");
	assert_true(cJSON_IsTrue(get(run, "invocations.0.executionSuccessful")));
	cJSON *note = get(run, "invocations.0.toolExecutionNotifications");
	assert_int_equal(cJSON_GetArraySize(note), 1);
	assert_string_equal(str(note, "0.level"), "note");
	assert_string_equal(str(note, "0.message.text"),
	                    "suppression of cxscan-npath has no reason");
	assert_string_equal(str(note, "0.locations.0.physicalLocation.artifactLocation.uri"),
	                    "src/a.c");
	assert_int_equal(num(note, "0.locations.0.physicalLocation.region.startLine"), 2);
	assert_int_equal(num(note, "0.locations.0.physicalLocation.region.startColumn"), 4);
	cJSON_Delete(doc);
	free(out);
}

static void test_sarif_rules(void **state)
{
	(void)state;
	char *out = render(cx_findings_write_sarif, &sample);
	cJSON *doc = cJSON_Parse(out);
	cJSON *rules = get(doc, "runs.0.tool.driver.rules");
	assert_int_equal(cJSON_GetArraySize(rules), cx_nrules);
	for (size_t i = 0; i < cx_nrules; i++) {
		const struct cx_rule *r = &cx_rules[i];
		cJSON *j = cJSON_GetArrayItem(rules, (int)i);
		assert_string_equal(str(j, "id"), r->id);
		assert_string_equal(str(j, "name"), r->name);
		assert_string_equal(str(j, "shortDescription.text"), r->short_description);
		assert_string_equal(str(j, "fullDescription.text"), r->full_description);
		assert_string_equal(str(j, "help.text"), r->help);
		assert_string_equal(str(j, "help.markdown"), r->help);
		/* every rule has a warning threshold */
		assert_string_equal(str(j, "defaultConfiguration.level"), "warning");
		assert_string_equal(str(j, "properties.tags.0"), "maintainability");
		assert_string_equal(str(j, "properties.tags.1"), "complexity");
		assert_string_equal(str(j, "properties.precision"), "very-high");
		const char *sev = str(j, "properties.problem\x01severity");
		assert_string_equal(sev,
		                    r->def.error >= 0 || !r->metric ? "warning" : "recommendation");
	}
	cJSON *nest = cJSON_GetArrayItem(rules, (int)rule_ix("cxscan-nesting-depth"));
	assert_string_equal(str(nest, "properties.problem\x01severity"), "recommendation");
	cJSON_Delete(doc);
	free(out);
}

static void test_sarif_results(void **state)
{
	(void)state;
	char *out = render(cx_findings_write_sarif, &sample);
	cJSON *doc = cJSON_Parse(out);
	cJSON *res = get(doc, "runs.0.results");
	assert_int_equal(cJSON_GetArraySize(res), 6);
	for (int i = 0; i < 6; i++) {
		cJSON *r = cJSON_GetArrayItem(res, i);
		assert_int_equal(num(r, "ruleIndex"), fv[i].rule);
		assert_string_equal(str(r, "ruleId"), cx_rules[fv[i].rule].id);
		assert_string_equal(str(r, "level"),
		                    fv[i].level == CX_LEVEL_ERROR ? "error" : "warning");
		assert_string_equal(str(r, "message.text"), fv[i].message);
		assert_string_equal(
		    str(r, "locations.0.physicalLocation.artifactLocation.uriBaseId"), "%SRCROOT%");
		assert_int_equal(num(r, "locations.0.physicalLocation.region.startLine"),
		                 fv[i].line);
		assert_int_equal(num(r, "locations.0.physicalLocation.region.endLine"), fv[i].line);
		assert_int_equal(num(r, "locations.0.physicalLocation.region.startColumn"),
		                 fv[i].column);
		assert_int_equal(num(r, "properties.value"), fv[i].value);
		assert_int_equal(num(r, "properties.threshold"), fv[i].threshold);
		cJSON *logical = cJSON_GetObjectItem(get(r, "locations.0"), "logicalLocations");
		if (fv[i].function) {
			assert_string_equal(str(logical, "0.name"), fv[i].function);
			assert_string_equal(str(logical, "0.kind"), "function");
		} else {
			assert_null(logical);
		}
		assert_string_equal(str(r, "partialFingerprints.cxscanFingerprint/v1"),
		                    fv[i].fingerprint);
	}
	assert_string_equal(str(res, "0.locations.0.physicalLocation.artifactLocation.uri"),
	                    "dir%20with%20space/%C3%A9t%C3%A9.c");
	assert_string_equal(str(res, "3.message.text"), ODD_MSG);
	cJSON_Delete(doc);
	free(out);
}

/* two findings of one fingerprint: the first keeps it, the second gets
 * another, the same on every run */
static void test_sarif_fingerprints_unique(void **state)
{
	(void)state;
	fv[5].fingerprint = fv[4].fingerprint;
	char *out = render(cx_findings_write_sarif, &sample);
	char *again = render(cx_findings_write_sarif, &sample);
	assert_string_equal(out, again);
	cJSON *doc = cJSON_Parse(out);
	cJSON *res = get(doc, "runs.0.results");
	const char *a = str(res, "4.partialFingerprints.cxscanFingerprint/v1");
	const char *b = str(res, "5.partialFingerprints.cxscanFingerprint/v1");
	assert_string_equal(a, "5555555555555555");
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(b), 16);
	assert_int_equal(strspn(b, "0123456789abcdef"), 16);
	cJSON_Delete(doc);
	free(out);
	free(again);
}

static void test_sarif_root(void **state)
{
	(void)state;
	struct cx_findings none = {0};
	struct cx_findings_meta m = {.root = "/", .version = NULL};
	char *out = render_meta(cx_findings_write_sarif, &none, &m);
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_string_equal(str(doc, "runs.0.originalUriBaseIds.%SRCROOT%.uri"), "file:///");
	assert_int_equal(cJSON_GetArraySize(get(doc, "runs.0.results")), 0);
	assert_null(cJSON_GetObjectItem(get(doc, "runs.0.tool.driver"), "version"));
	assert_null(
	    cJSON_GetObjectItem(get(doc, "runs.0.invocations.0"), "toolExecutionNotifications"));
	cJSON_Delete(doc);
	free(out);
	m.root = "/a b/c:d/é/";
	out = render_meta(cx_findings_write_sarif, &none, &m);
	doc = cJSON_Parse(out);
	assert_string_equal(str(doc, "runs.0.originalUriBaseIds.%SRCROOT%.uri"),
	                    "file:///a%20b/c%3Ad/%C3%A9/");
	cJSON_Delete(doc);
	free(out);
}

/* ---- Code Climate ---- */

static void test_codeclimate(void **state)
{
	(void)state;
	fv[5].fingerprint = fv[4].fingerprint;
	char *out = render(cx_findings_write_codeclimate, &sample);
	cJSON *doc = cJSON_Parse(out);
	assert_true(cJSON_IsArray(doc));
	assert_int_equal(cJSON_GetArraySize(doc), 6);
	for (int i = 0; i < 6; i++) {
		cJSON *is = cJSON_GetArrayItem(doc, i);
		assert_string_equal(str(is, "type"), "issue");
		assert_string_equal(str(is, "check_name"), cx_rules[fv[i].rule].id);
		assert_string_equal(str(is, "description"), fv[i].message);
		assert_string_equal(str(is, "categories.0"), "Complexity");
		assert_int_equal(cJSON_GetArraySize(get(is, "categories")), 1);
		assert_string_equal(str(is, "severity"),
		                    fv[i].level == CX_LEVEL_ERROR ? "critical" : "major");
		assert_string_equal(str(is, "location.path"), fv[i].path);
		assert_int_equal(num(is, "location.lines.begin"), fv[i].line);
		assert_int_equal(num(is, "location.lines.end"), fv[i].end_line);
		assert_string_equal(str(is, "engine_name"), "cxscan");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(str(is, "fingerprint"),
			                        str(cJSON_GetArrayItem(doc, j), "fingerprint"));
	}
	assert_string_equal(str(doc, "0.fingerprint"), "1111111111111111");
	assert_string_equal(str(doc, "4.fingerprint"), "5555555555555555");
	assert_string_equal(str(doc, "0.location.path"), SPACE_PATH);
	cJSON_Delete(doc);
	free(out);

	struct cx_findings none = {0};
	out = render(cx_findings_write_codeclimate, &none);
	assert_string_equal(out, "[]\n");
	free(out);
}

/* ---- Checkstyle ---- */

static void test_checkstyle(void **state)
{
	(void)state;
	char *out = render(cx_findings_write_checkstyle, &sample);
	assert_string_equal(
	    out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<checkstyle version=\"4.3\">\n"
	    "  <file name=\"" SPACE_PATH "\">\n"
	    "    <error line=\"1\" column=\"1\" severity=\"warning\" message=\"2 error(s) while "
	    "parsing: &apos;x.h&apos; file not found\" source=\"cxscan.cxscan-parse-error\"/>\n"
	    "    <error line=\"10\" column=\"5\" severity=\"error\" message=\"function "
	    "&apos;big&apos; "
	    "has cyclomatic complexity of 25 (threshold 20)\" "
	    "source=\"cxscan.cxscan-cyclomatic-complexity\"/>\n"
	    "    <error line=\"10\" column=\"5\" severity=\"warning\" message=\"function "
	    "&apos;big&apos; "
	    "has NPATH complexity of 300 (threshold 200)\" source=\"cxscan.cxscan-npath\"/>\n"
	    "  </file>\n"
	    "  <file name=\"src/a.c\">\n"
	    "    <error line=\"3\" column=\"6\" severity=\"warning\" message=\"function "
	    "&apos;odd&apos; "
	    "has &quot;x&quot; &lt; y &amp; 100%, or&#10;more\" "
	    "source=\"cxscan.cxscan-cognitive-complexity\"/>\n"
	    "    <error line=\"20\" column=\"13\" severity=\"warning\" message=\"function "
	    "&apos;dup&apos; has cyclomatic complexity of 11 (threshold 10)\" "
	    "source=\"cxscan.cxscan-cyclomatic-complexity\"/>\n"
	    "  </file>\n"
	    "  <file name=\"src/b.c\">\n"
	    "    <error line=\"50\" column=\"13\" severity=\"error\" message=\"function "
	    "&apos;dup&apos; has cyclomatic complexity of 21 (threshold 20)\" "
	    "source=\"cxscan.cxscan-cyclomatic-complexity\"/>\n"
	    "  </file>\n"
	    "</checkstyle>\n");
	free(out);

	struct cx_findings none = {0};
	out = render(cx_findings_write_checkstyle, &none);
	assert_string_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                         "<checkstyle version=\"4.3\">\n</checkstyle>\n");
	free(out);
}

/* what XML 1.0 forbids never reaches the output */
static void test_xml_hostile(void **state)
{
	(void)state;
	struct cx_finding h = odd_finding("a\x01\xff"
	                                  "b.c",
	                                  "f\x1b", "tab\tcr\r\xef\xbf\xbe|\xed\xa0\x80|\xc0\xaf");
	struct cx_findings one = {.v = &h, .n = 1};
	char *out = render(cx_findings_write_checkstyle, &one);
	assert_non_null(strstr(out, "<file name=\"a\xef\xbf\xbd\xef\xbf\xbd"
	                            "b.c\">"));
	assert_non_null(strstr(out, "message=\"tab&#9;cr&#13;\xef\xbf\xbd|"
	                            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
	                            "\xef\xbf\xbd\xef\xbf\xbd\""));
	free(out);
	out = render(cx_findings_write_junit, &one);
	assert_non_null(strstr(out, "<testcase classname=\"a\xef\xbf\xbd\xef\xbf\xbd"
	                            "b.c\" name=\"f\xef\xbf\xbd\">"));
	/* in text, a tab stays, CR is a reference */
	assert_non_null(strstr(out, "b.c:7:1: warning: tab\tcr&#13;\xef\xbf\xbd|"));
	free(out);
}

/* ---- JUnit ---- */

static void test_junit(void **state)
{
	(void)state;
	struct cx_findings two = sample;
	two.v = fv + 2; /* big's npath warning, odd's cognitive warning */
	two.n = 2;
	char *out = render(cx_findings_write_junit, &two);
	assert_string_equal(
	    out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuite name=\"cxscan\" tests=\"2\" failures=\"2\" errors=\"0\">\n"
	    "  <properties>\n"
	    "    <property name=\"cxscan.version\" value=\"0.1.0\"/>\n"
	    "    <property name=\"cxscan.files\" value=\"3\"/>\n"
	    "    <property name=\"cxscan.functions\" value=\"12\"/>\n"
	    "    <property name=\"cxscan.suppressed\" value=\"1\"/>\n"
	    "    <property name=\"cxscan.baselined\" value=\"4\"/>\n"
	    "  </properties>\n"
	    "  <testcase classname=\"" SPACE_PATH "\" name=\"big\">\n"
	    "    <failure type=\"cxscan-npath\" message=\"function &apos;big&apos; has NPATH "
	    "complexity of 300 (threshold 200)\">" SPACE_PATH ":10:5: warning: function "
	    "&apos;big&apos; has NPATH complexity of 300 (threshold 200) [cxscan-npath]</failure>\n"
	    "  </testcase>\n"
	    "  <testcase classname=\"src/a.c\" name=\"odd\">\n"
	    "    <failure type=\"cxscan-cognitive-complexity\" message=\"function &apos;odd&apos; "
	    "has "
	    "&quot;x&quot; &lt; y &amp; 100%, or&#10;more\">src/a.c:3:6: warning: function "
	    "&apos;odd&apos; has &quot;x&quot; &lt; y &amp; 100%, or\nmore "
	    "[cxscan-cognitive-complexity]</failure>\n"
	    "  </testcase>\n"
	    "</testsuite>\n");
	free(out);
}

/* one testcase a function, the file finding's named after the path, the
 * two same-named static functions of two files apart */
static void test_junit_grouping(void **state)
{
	(void)state;
	char *out = render(cx_findings_write_junit, &sample);
	assert_non_null(strstr(out, "tests=\"5\" failures=\"5\" errors=\"0\""));
	assert_non_null(strstr(out,
	                       "<testcase classname=\"" SPACE_PATH "\" name=\"" SPACE_PATH "\">\n"
	                       "    <failure type=\"cxscan-parse-error\""));
	const char *big = strstr(out, "<testcase classname=\"" SPACE_PATH "\" name=\"big\">\n");
	assert_non_null(big);
	assert_non_null(strstr(big, "[cxscan-cyclomatic-complexity]</failure>\n    <failure "
	                            "type=\"cxscan-npath\""));
	assert_non_null(strstr(out, "<testcase classname=\"src/a.c\" name=\"dup\">"));
	assert_non_null(strstr(out, "<testcase classname=\"src/b.c\" name=\"dup\">"));
	free(out);

	struct cx_findings none = {0};
	out = render_meta(cx_findings_write_junit, &none, NULL);
	assert_string_equal(out,
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                    "<testsuite name=\"cxscan\" tests=\"0\" failures=\"0\" errors=\"0\">\n"
	                    "  <properties>\n"
	                    "    <property name=\"cxscan.files\" value=\"0\"/>\n"
	                    "    <property name=\"cxscan.functions\" value=\"0\"/>\n"
	                    "    <property name=\"cxscan.suppressed\" value=\"0\"/>\n"
	                    "    <property name=\"cxscan.baselined\" value=\"0\"/>\n"
	                    "  </properties>\n"
	                    "</testsuite>\n");
	free(out);
}

/* ---- GitHub workflow commands ---- */

static void test_github(void **state)
{
	(void)state;
	char *out = render(cx_findings_write_github, &sample);
	assert_string_equal(
	    out,
	    "::warning file=" SPACE_PATH ",line=1,col=1,endLine=1,title=cxscan-parse-error::"
	    "2 error(s) while parsing: 'x.h' file not found\n"
	    "::error file=" SPACE_PATH ",line=10,col=5,endLine=10,"
	    "title=cxscan-cyclomatic-complexity::"
	    "function 'big' has cyclomatic complexity of 25 (threshold 20)\n"
	    "::warning file=" SPACE_PATH ",line=10,col=5,endLine=10,title=cxscan-npath::"
	    "function 'big' has NPATH complexity of 300 (threshold 200)\n"
	    "::warning file=src/a.c,line=3,col=6,endLine=3,title=cxscan-cognitive-complexity::"
	    "function 'odd' has \"x\" < y & 100%25, or%0Amore\n"
	    "::warning file=src/a.c,line=20,col=13,endLine=20,title=cxscan-cyclomatic-complexity::"
	    "function 'dup' has cyclomatic complexity of 11 (threshold 10)\n"
	    "::error file=src/b.c,line=50,col=13,endLine=50,title=cxscan-cyclomatic-complexity::"
	    "function 'dup' has cyclomatic complexity of 21 (threshold 20)\n"
	    "::notice file=src/a.c,line=2,col=4,endLine=2,title=cxscan::"
	    "suppression of cxscan-npath has no reason\n");
	free(out);

	/* properties escape ':' and ',' too */
	struct cx_finding h = odd_finding("a:b,c%d\r\n.c", "f", "m:,%\r\n");
	h.column = 0; /* unknown: written as 1 */
	struct cx_findings one = {.v = &h, .n = 1};
	out = render(cx_findings_write_github, &one);
	assert_string_equal(out, "::warning file=a%3Ab%2Cc%25d%0D%0A.c,line=7,col=1,endLine=7,"
	                         "title=cxscan-npath::m:,%25%0D%0A\n");
	free(out);
}

/* ---- Markdown ---- */

static const char md_full[] =
    "## cxscan: 2 errors, 4 warnings\n"
    "\n"
    "12 functions in 3 files examined. Not shown: 1 suppressed by a comment, 4 in the "
    "baseline. 1 note on suppression comments.\n"
    "\n"
    "| level | location | function | rule | value | threshold |\n"
    "|---|---|---|---|--:|--:|\n"
    "| error | dir with space/\xc3\xa9t\xc3\xa9.c:10 | big | cxscan-cyclomatic-complexity | 25 | "
    "20 |\n"
    "| error | src/b.c:50 | dup | cxscan-cyclomatic-complexity | 21 | 20 |\n"
    "| warning | dir with space/\xc3\xa9t\xc3\xa9.c:1 |  | cxscan-parse-error | 2 | 0 |\n"
    "| warning | dir with space/\xc3\xa9t\xc3\xa9.c:10 | big | cxscan-npath | 300 | 200 |\n"
    "| warning | src/a.c:3 | odd | cxscan-cognitive-complexity | 16 | 15 |\n"
    "| warning | src/a.c:20 | dup | cxscan-cyclomatic-complexity | 11 | 10 |\n";

static char *render_md(const struct cx_findings *f, size_t budget)
{
	struct cx_findings_meta m = meta;
	m.markdown_budget = budget;
	return render_meta(cx_findings_write_markdown, f, &m);
}

static void test_markdown(void **state)
{
	(void)state;
	char *out = render_md(&sample, 0);
	assert_string_equal(out, md_full);
	free(out);

	struct cx_findings none = {.functions = 1, .files = 1};
	out = render_md(&none, 0);
	assert_string_equal(out, "## cxscan: no findings\n\n1 function in 1 file examined.\n");
	free(out);
}

static void test_markdown_cells(void **state)
{
	(void)state;
	struct cx_finding h = odd_finding("a|b`c\nd_*[x]<y>&~$\\\xff.c", "f|g", "m");
	h.level = CX_LEVEL_ERROR;
	struct cx_findings one = {.v = &h, .n = 1, .baselined = 2};
	char *out = render_md(&one, 0);
	assert_string_equal(
	    out, "## cxscan: 1 error, 0 warnings\n"
		 "\n"
		 "0 functions in 0 files examined. Not shown: 2 in the baseline.\n"
		 "\n"
		 "| level | location | function | rule | value | threshold |\n"
		 "|---|---|---|---|--:|--:|\n"
		 "| error | a\\|b\\`c d\\_\\*\\[x\\]\\<y\\>\\&\\~\\$\\\\\xef\xbf\xbd.c:7 "
		 "| f\\|g | cxscan-npath | 1 | 0 |\n");
	free(out);
}

/* Counts the table rows of a markdown output. */
static size_t md_rows(const char *s)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, "\n| ")) != NULL; p++)
		n++;
	return n ? n - 1 : 0; /* the header row */
}

#define MD_HEAD "## cxscan: 2 errors, 4 warnings\n"

/* A cut output: the heading, a prefix of the full output, and the "and K
 * more" line whenever the room after the heading allows it. */
static void check_cut(const char *out, size_t budget)
{
	size_t len = strlen(out), rows = md_rows(out), head = strlen(MD_HEAD);
	char more[128];
	snprintf(more, sizeof more, "\n... and %zu more %s (not shown: comment size limit)\n",
	         6 - rows, 6 - rows == 1 ? "finding" : "findings");
	size_t ml = strlen(more);
	bool has_more = len >= ml && strcmp(out + len - ml, more) == 0;
	assert_true(has_more || budget < head + ml);
	size_t body = has_more ? len - ml : len;
	assert_true(body >= head);
	assert_memory_equal(out, md_full, body);
}

/* the output never exceeds the budget; what is cut is counted */
static void test_markdown_budget(void **state)
{
	(void)state;
	size_t full = strlen(md_full), head = strlen(MD_HEAD);
	for (size_t budget = 0; budget <= 3000; budget++) {
		char *out = render_md(&sample, budget);
		size_t len = strlen(out);
		assert_true(len <= (budget ? budget : 65536)); /* 0: GitHub's 65536 */
		if (budget == 0 || budget >= full)
			assert_string_equal(out, md_full);
		else if (budget < head)
			assert_int_equal(len, 0); /* not even the heading: nothing */
		else
			check_cut(out, budget);
		free(out);
	}
	/* 200 bytes: the heading, the summary does not fit with the line */
	char *out = render_md(&sample, 200);
	assert_string_equal(out, "## cxscan: 2 errors, 4 warnings\n"
	                         "\n... and 6 more findings (not shown: comment size limit)\n");
	free(out);
	out = render_md(&sample, 400);
	assert_int_equal(md_rows(out), 1);
	assert_non_null(strstr(out, "| error | dir with space/"));
	assert_non_null(
	    strstr(out, "\n\n... and 5 more findings (not shown: comment size limit)\n"));
	free(out);
}

/* ---- write errors ---- */

static void test_eio(void **state)
{
	(void)state;
	static const writer ws[] = {cx_findings_write_sarif,      cx_findings_write_codeclimate,
	                            cx_findings_write_checkstyle, cx_findings_write_junit,
	                            cx_findings_write_markdown,   cx_findings_write_github};
	for (size_t i = 0; i < sizeof ws / sizeof *ws; i++) {
		FILE *full = fopen("/dev/full", "w");
		assert_non_null(full);
		assert_int_equal(ws[i](full, &sample, &meta), CX_EIO);
		fclose(full);
		FILE *ro = fopen("/dev/null", "r");
		assert_non_null(ro);
		assert_int_equal(ws[i](ro, &sample, &meta), CX_EIO);
		fclose(ro);
	}
}

static int write_sample(const char *path)
{
	FILE *out = fopen(path, "w");
	if (!out)
		return 1;
	setup(NULL);
	int rc = cx_findings_write_sarif(out, &sample, &meta);
	return fclose(out) != 0 || rc != 0;
}

int main(void)
{
	const char *sarif_out = getenv("CX_SARIF_SAMPLE_OUT");
	if (sarif_out && *sarif_out)
		return write_sample(sarif_out);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_sarif_run, setup),
	    cmocka_unit_test_setup(test_sarif_rules, setup),
	    cmocka_unit_test_setup(test_sarif_results, setup),
	    cmocka_unit_test_setup(test_sarif_fingerprints_unique, setup),
	    cmocka_unit_test_setup(test_sarif_root, setup),
	    cmocka_unit_test_setup(test_codeclimate, setup),
	    cmocka_unit_test_setup(test_checkstyle, setup),
	    cmocka_unit_test_setup(test_xml_hostile, setup),
	    cmocka_unit_test_setup(test_junit, setup),
	    cmocka_unit_test_setup(test_junit_grouping, setup),
	    cmocka_unit_test_setup(test_github, setup),
	    cmocka_unit_test_setup(test_markdown, setup),
	    cmocka_unit_test_setup(test_markdown_cells, setup),
	    cmocka_unit_test_setup(test_markdown_budget, setup),
	    cmocka_unit_test_setup(test_eio, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
