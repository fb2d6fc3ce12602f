/* Unit tests: the JUnit XML reader (cx_junit_read) on real CTest 3.25 and
 * cmocka 1.1.5 output, on the common JUnit shapes, and on malformed and
 * hostile input with the messages it gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_cov.h"
#include "cx_limits.h"

/* `ctest --output-junit out.xml` (CTest 3.25.1) on a project with a
 * passing test, one that exits 1, a DISABLED one, one whose executable is
 * missing, one that exits with its SKIP_RETURN_CODE, one with a unicode
 * name holding "/../", and one killed by its TIMEOUT; verbatim. */
static const char ctest_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<testsuite name=\"(empty)\"\n"
	"\ttests=\"7\"\n"
	"\tfailures=\"2\"\n"
	"\tdisabled=\"1\"\n"
	"\tskipped=\"2\"\n"
	"\thostname=\"\"\n"
	"\ttime=\"1\"\n"
	"\ttimestamp=\"2026-11-21T19:37:35\"\n"
	"\t>\n"
	"\t<testcase name=\"pass.one\" classname=\"pass.one\" time=\"0.00152232\" status=\"run\">\n"
	"\t\t<system-out></system-out>\n"
	"\t</testcase>\n"
	"\t<testcase name=\"fail two\" classname=\"fail two\" time=\"0.00133844\" status=\"fail\">\n"
	"\t\t<failure message=\"\"/>\n"
	"\t\t<system-out>bad &amp; &lt;worse&gt;\n"
	"</system-out>\n"
	"\t</testcase>\n"
	"\t<testcase name=\"disabled.three\" classname=\"disabled.three\" time=\"0\" status=\"disabled\">\n"
	"\t\t<system-out>Disabled</system-out>\n"
	"\t</testcase>\n"
	"\t<testcase name=\"missing.four\" classname=\"missing.four\" time=\"0\" status=\"notrun\">\n"
	"\t\t<skipped message=\"Unable to find executable\"/>\n"
	"\t\t<system-out>Unable to find executable: /nonexistent/prog</system-out>\n"
	"\t</testcase>\n"
	"\t<testcase name=\"skip.five\" classname=\"skip.five\" time=\"0.00134582\" status=\"notrun\">\n"
	"\t\t<skipped message=\"SKIP_RETURN_CODE=77\"/>\n"
	"\t\t<system-out></system-out>\n"
	"\t</testcase>\n"
	"\t<testcase name=\"ünï/../x\" classname=\"ünï/../x\" time=\"0.00117845\" status=\"run\">\n"
	"\t\t<system-out></system-out>\n"
	"\t</testcase>\n"
	"\t<testcase name=\"timeout.six\" classname=\"timeout.six\" time=\"1.00519\" status=\"fail\">\n"
	"\t\t<failure message=\"\"/>\n"
	"\t\t<system-out></system-out>\n"
	"\t</testcase>\n"
	"</testsuite>\n";

/* A cmocka 1.1.5 program with two groups run with CMOCKA_MESSAGE_OUTPUT=XML,
 * verbatim: each group is a <testsuites> document of its own, the second
 * without an XML declaration. t_setupfail's setup returned -1. */
static const char cmocka_multi_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	"<testsuites>\n"
	"  <testsuite name=\"group_one\" time=\"0.000\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" >\n"
	"    <testcase name=\"t_pass\" time=\"0.000\" >\n"
	"    </testcase>\n"
	"    <testcase name=\"t_fail\" time=\"0.000\" >\n"
	"      <failure><![CDATA[0x1 != 0x2\n"
	"t.c:7: error: Failure!]]></failure>\n"
	"    </testcase>\n"
	"    <testcase name=\"t_skip\" time=\"0.000\" >\n"
	"      <skipped/>\n"
	"    </testcase>\n"
	"    <testcase name=\"spaced name ünï\" time=\"0.000\" >\n"
	"    </testcase>\n"
	"    <testcase name=\"t_setupfail\" time=\"0.000\" >\n"
	"      <failure><![CDATA[Test setup failed]]></failure>\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n"
	"<testsuites>\n"
	"  <testsuite name=\"group two\" time=\"0.000\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" >\n"
	"    <testcase name=\"t_pass\" time=\"0.000\" >\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

/* cmocka 1.1.5, one group: a case that sleeps 250 ms, one that fail_msg()s. */
static const char cmocka_slow_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	"<testsuites>\n"
	"  <testsuite name=\"slow_group\" time=\"0.250\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" >\n"
	"    <testcase name=\"t_slow\" time=\"0.250\" >\n"
	"    </testcase>\n"
	"    <testcase name=\"t_fail\" time=\"0.000\" >\n"
	"      <failure><![CDATA[t2.c:8: error: Failure!]]></failure>\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

/* cmocka 1.1.5 does not escape a case name given in a CMUnitTest struct:
 * this one (a<b & "c") makes its output not well-formed. */
static const char cmocka_bad_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	"<testsuites>\n"
	"  <testsuite name=\"bad\" time=\"0.000\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" >\n"
	"    <testcase name=\"a<b & \"c\"\" time=\"0.000\" >\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

static int read_str(const char *xml, struct cx_junit *j, struct cx_ctx *ctx)
{
	return cx_junit_read(xml, strlen(xml), j, ctx);
}

static void check_case(const struct cx_junit *j, size_t i, const char *name, const char *cls,
                       enum cx_test_status st, bool has_time, double t)
{
	if (i >= j->ncases)
		fail_msg("case %zu of %zu", i, j->ncases);
	const struct cx_junit_case *c = &j->cases[i];
	assert_string_equal(c->name, name);
	assert_string_equal(c->classname, cls);
	if (c->status != st)
		fail_msg("case %zu '%s' is %s, expected %s", i, name,
		         cx_test_status_name(c->status), cx_test_status_name(st));
	if (c->has_time != has_time || fabs(c->time_s - t) > 1e-12)
		fail_msg("case %zu '%s' time %d %.17g, expected %d %.17g", i, name, c->has_time,
		         c->time_s, has_time, t);
}

static void expect_error(const char *xml, size_t len, int rc, const char *needle)
{
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	int got = cx_junit_read(xml, len, &j, &ctx);
	if (got != rc)
		fail_msg("result %d, expected %d (message '%s')", got, rc, ctx.msg);
	assert_int_equal(ctx.err, rc);
	if (!strstr(ctx.msg, needle))
		fail_msg("message '%s' lacks '%s'", ctx.msg, needle);
	assert_null(strchr(ctx.msg, '\n'));
	assert_true(strncmp(ctx.msg, "JUnit XML: ", 11) == 0);
	cx_junit_release(&j);
}

#define EXPECT_ERROR(xml, rc, needle) expect_error((xml), strlen(xml), (rc), (needle))

static void test_ctest(void **state)
{
	(void)state;
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(read_str(ctest_xml, &j, &ctx), 0);
	assert_int_equal(j.ncases, 7);
	check_case(&j, 0, "pass.one", "pass.one", CX_TEST_PASSED, true, 0.00152232);
	check_case(&j, 1, "fail two", "fail two", CX_TEST_FAILED, true, 0.00133844);
	check_case(&j, 2, "disabled.three", "disabled.three", CX_TEST_SKIPPED, true, 0);
	/* CTest's own summary counts a missing executable as failed; its
	 * JUnit says notrun with a <skipped> child, and that is what we read */
	check_case(&j, 3, "missing.four", "missing.four", CX_TEST_SKIPPED, true, 0);
	check_case(&j, 4, "skip.five", "skip.five", CX_TEST_SKIPPED, true, 0.00134582);
	check_case(&j, 5, "ünï/../x", "ünï/../x", CX_TEST_PASSED, true, 0.00117845);
	check_case(&j, 6, "timeout.six", "timeout.six", CX_TEST_FAILED, true, 1.00519);
	cx_junit_release(&j);
	assert_null(j.cases);
	assert_int_equal(j.ncases, 0);
}

static void test_cmocka(void **state)
{
	(void)state;
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(read_str(cmocka_multi_xml, &j, &ctx), 0);
	assert_int_equal(j.ncases, 6);
	check_case(&j, 0, "t_pass", "", CX_TEST_PASSED, true, 0);
	check_case(&j, 1, "t_fail", "", CX_TEST_FAILED, true, 0);
	check_case(&j, 2, "t_skip", "", CX_TEST_SKIPPED, true, 0);
	check_case(&j, 3, "spaced name ünï", "", CX_TEST_PASSED, true, 0);
	check_case(&j, 4, "t_setupfail", "", CX_TEST_FAILED, true, 0);
	check_case(&j, 5, "t_pass", "", CX_TEST_PASSED, true, 0); /* the second document */
	/* appends: the slow group goes after them */
	assert_int_equal(read_str(cmocka_slow_xml, &j, &ctx), 0);
	assert_int_equal(j.ncases, 8);
	check_case(&j, 0, "t_pass", "", CX_TEST_PASSED, true, 0);
	check_case(&j, 6, "t_slow", "", CX_TEST_PASSED, true, 0.25);
	check_case(&j, 7, "t_fail", "", CX_TEST_FAILED, true, 0);
	cx_junit_release(&j);

	/* the unescaped name: not well-formed, the position is the '<' */
	EXPECT_ERROR(cmocka_bad_xml, CX_EINVAL, "JUnit XML: 4:22: not well-formed");
}

static void test_generic(void **state)
{
	(void)state;
	const char *xml =
		"<?xml version=\"1.0\"?>\n"
		"<testsuites name=\"all\">\n"
		" <testsuite name=\"outer\">\n"
		"  <properties><property name=\"p\" value=\"v\"/>\n"
		"   <testcase name=\"in properties: not a case\"/></properties>\n"
		"  <testsuite name=\"inner\">\n"
		"   <testcase name=\"a\" classname=\"pkg.A\" time=\"1.5\"/>\n"
		"   <testcase name=\"b\" classname=\"pkg.B\" time=\"2\"><error type=\"E\">x</error></testcase>\n"
		"  </testsuite>\n"
		"  <testcase name=\"c\" time=\"3e-3\"><skipped/><system-out><failure/></system-out></testcase>\n"
		"  <testcase name=\"d\"><skipped/><failure message=\"both\"/></testcase>\n"
		"  <testcase name=\"e\" status=\"run\"><system-err>x</system-err></testcase>\n"
		"  <testcase name=\"\" classname=\"\"/>\n"
		"  <testcase name=\"f\" status=\"bogus\"/>\n"
		"  <testcase name=\"&#x41;&lt;&amp;&quot;&apos;&#9;\" classname=\"&#x1F600;\"/>\n"
		" </testsuite>\n"
		" <!-- a comment --><?pi data?>\n"
		" <testcase name=\"g\" classname=\"G\" status=\"run\" result=\"completed\" time=\"0.1\"/>\n"
		"</testsuites>\n"
		"<!-- trailing comment -->\n";
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(read_str(xml, &j, &ctx), 0);
	assert_int_equal(j.ncases, 9);
	check_case(&j, 0, "a", "pkg.A", CX_TEST_PASSED, true, 1.5);
	check_case(&j, 1, "b", "pkg.B", CX_TEST_FAILED, true, 2);
	/* a <failure> inside system-out is not the case's */
	check_case(&j, 2, "c", "", CX_TEST_SKIPPED, true, 0.003);
	check_case(&j, 3, "d", "", CX_TEST_FAILED, false, 0); /* failed wins */
	check_case(&j, 4, "e", "", CX_TEST_PASSED, false, 0);
	check_case(&j, 5, "", "", CX_TEST_PASSED, false, 0);
	check_case(&j, 6, "f", "", CX_TEST_PASSED, false, 0);
	check_case(&j, 7, "A<&\"'\t", "\xf0\x9f\x98\x80", CX_TEST_PASSED, false, 0);
	/* directly in <testsuites>, no <testsuite> between: still a case (with
	 * status and result as Google Test writes them) */
	check_case(&j, 8, "g", "G", CX_TEST_PASSED, true, 0.1);
	cx_junit_release(&j);
}

static void test_status_attribute(void **state)
{
	(void)state;
	/* CTest's status alone decides when there is no child element */
	const char *xml = "<testsuite>"
	                  "<testcase name=\"1\" status=\"fail\"/>"
	                  "<testcase name=\"2\" status=\"notrun\"/>"
	                  "<testcase name=\"3\" status=\"disabled\"/>"
	                  "<testcase name=\"4\" status=\"run\"/>"
	                  "<testcase name=\"5\" status=\"notrun\"><failure/></testcase>"
	                  "<testcase name=\"6\" status=\"run\"><skipped/></testcase>"
	                  "<testcase name=\"7\" status=\"FAIL\"/>"
	                  "</testsuite>";
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(read_str(xml, &j, &ctx), 0);
	assert_int_equal(j.ncases, 7);
	const enum cx_test_status want[] = {CX_TEST_FAILED,  CX_TEST_SKIPPED, CX_TEST_SKIPPED,
	                                    CX_TEST_PASSED,  CX_TEST_FAILED,  CX_TEST_SKIPPED,
	                                    CX_TEST_PASSED};
	for (size_t i = 0; i < j.ncases; i++) {
		char name[24];
		snprintf(name, sizeof name, "%zu", i + 1);
		check_case(&j, i, name, "", want[i], false, 0);
	}
	cx_junit_release(&j);
}

static void test_times(void **state)
{
	(void)state;
	static const struct {
		const char *attr;
		bool has;
		double v;
	} t[] = {
		{"0", true, 0},
		{"0.000", true, 0},
		{"1.00519", true, 1.00519},
		{"12", true, 12},
		{".5", true, 0.5},
		{"5.", true, 5},
		{"1e-05", true, 1e-05},
		{"2.5E+2", true, 250},
		{" 3.25 ", true, 3.25},
		{"&#10;7&#9;", true, 7},
		{"1e-400", true, 0}, /* underflows to 0: still a time */
		{"", false, 0},
		{" ", false, 0},
		{".", false, 0},
		{"-1", false, 0},
		{"-0", false, 0},
		{"+1", false, 0},
		{"nan", false, 0},
		{"NaN", false, 0},
		{"inf", false, 0},
		{"infinity", false, 0},
		{"1e400", false, 0}, /* overflows to inf */
		{"0x10", false, 0},
		{"1,5", false, 0},
		{"1.5s", false, 0},
		{"1e", false, 0},
		{"1e+", false, 0},
		{"1 2", false, 0},
		{"12:00", false, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char xml[256];
		snprintf(xml, sizeof xml, "<testsuite><testcase name=\"t\" time=\"%s\"/></testsuite>",
		         t[i].attr);
		struct cx_junit j = {0};
		struct cx_ctx ctx = {0};
		if (read_str(xml, &j, &ctx) != 0)
			fail_msg("time \"%s\": %s", t[i].attr, ctx.msg);
		assert_int_equal(j.ncases, 1);
		if (j.cases[0].has_time != t[i].has ||
		    fabs(j.cases[0].time_s - t[i].v) > 1e-12 * (1 + t[i].v))
			fail_msg("time \"%s\" gives %d %.17g, expected %d %.17g", t[i].attr,
			         j.cases[0].has_time, j.cases[0].time_s, t[i].has, t[i].v);
		if (!j.cases[0].has_time)
			assert_true(j.cases[0].time_s == 0);
		cx_junit_release(&j);
	}
	/* 64 characters are still a time, 65 are not */
	for (size_t len = 64; len <= 65; len++) {
		char xml[160], v[80];
		memset(v, '0', len);
		v[1] = '.';
		v[len - 1] = '4';
		v[len] = '\0';
		snprintf(xml, sizeof xml, "<testsuite><testcase name=\"t\" time=\"%s\"/></testsuite>",
		         v);
		struct cx_junit j = {0};
		struct cx_ctx ctx = {0};
		assert_int_equal(read_str(xml, &j, &ctx), 0);
		assert_int_equal(j.cases[0].has_time, len == 64);
		if (len == 64)
			assert_true(fabs(j.cases[0].time_s - 4e-62) < 1e-75);
		cx_junit_release(&j);
	}
}

static void test_no_cases(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"<testsuites/>",
		"<testsuite name=\"x\" tests=\"0\"></testsuite>",
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<testsuites>\n</testsuites>\n\n",
		"<testsuites><testsuite><properties/></testsuite></testsuites>",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct cx_junit j = {0};
		struct cx_ctx ctx = {0};
		if (read_str(docs[i], &j, &ctx) != 0)
			fail_msg("document %zu: %s", i, ctx.msg);
		assert_int_equal(j.ncases, 0);
		cx_junit_release(&j);
	}
}

static void test_encodings(void **state)
{
	(void)state;
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	/* UTF-16LE with a BOM: names come out as UTF-8 */
	const char *ascii = "<testsuite><testcase name=\"\x01\" time=\"2\"/></testsuite>";
	size_t n = strlen(ascii);
	unsigned char *u16 = malloc(2 + 2 * n);
	assert_non_null(u16);
	u16[0] = 0xff, u16[1] = 0xfe;
	for (size_t i = 0; i < n; i++) {
		unsigned cp = ascii[i] == '\x01' ? 0x00fc : (unsigned char)ascii[i]; /* ü */
		u16[2 + 2 * i] = (unsigned char)(cp & 0xff);
		u16[3 + 2 * i] = (unsigned char)(cp >> 8);
	}
	assert_int_equal(cx_junit_read(u16, 2 + 2 * n, &j, &ctx), 0);
	check_case(&j, 0, "\xc3\xbc", "", CX_TEST_PASSED, true, 2);
	/* an odd byte at the end of UTF-16 is a partial character */
	ctx.msg[0] = '\0';
	assert_int_equal(cx_junit_read(u16, 2 + 2 * n - 1, &j, &ctx), CX_EINVAL);
	assert_non_null(strstr(ctx.msg, "JUnit XML: "));
	/* what came before the error stays: the case ended before the cut */
	assert_int_equal(j.ncases, 2);
	check_case(&j, 1, "\xc3\xbc", "", CX_TEST_PASSED, true, 2);
	free(u16);
	/* a declared ISO-8859-1 is converted to UTF-8 too */
	assert_int_equal(read_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	                          "<testsuite><testcase name=\"\xfc\"/></testsuite>",
	                          &j, &ctx),
	                 0);
	check_case(&j, 2, "\xc3\xbc", "", CX_TEST_PASSED, false, 0);
	cx_junit_release(&j);

	/* bytes that are not UTF-8 where UTF-8 is declared (the default) */
	EXPECT_ERROR("<testsuite><testcase name=\"\xfc\"/></testsuite>", CX_EINVAL,
	             "1:28: not well-formed (invalid token)");
	EXPECT_ERROR("<testsuite><testcase name=\"\xed\xa0\x80\"/></testsuite>", CX_EINVAL,
	             "not well-formed");
	EXPECT_ERROR("<?xml version=\"1.0\" encoding=\"x-klingon\"?><testsuite/>", CX_EINVAL,
	             "unknown encoding");
	/* a NUL byte is never XML */
	expect_error("<testsuite>\0</testsuite>", 24, CX_EINVAL, "1:12: not well-formed");
}

static void test_truncated(void **state)
{
	(void)state;
	/* every proper prefix of the CTest file (bar its final newline) is an
	 * error, and the cases read before it are complete ones, in order */
	struct cx_junit full = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(read_str(ctest_xml, &full, &ctx), 0);
	size_t len = strlen(ctest_xml) - 1;
	for (size_t n = 0; n < len; n++) {
		struct cx_junit j = {0};
		ctx.msg[0] = '\0';
		int rc = cx_junit_read(ctest_xml, n, &j, &ctx);
		if (rc != CX_EINVAL || strncmp(ctx.msg, "JUnit XML: ", 11) != 0)
			fail_msg("prefix of %zu bytes: %d '%s'", n, rc, ctx.msg);
		assert_true(j.ncases <= full.ncases);
		for (size_t i = 0; i < j.ncases; i++) {
			assert_string_equal(j.cases[i].name, full.cases[i].name);
			assert_int_equal(j.cases[i].status, full.cases[i].status);
		}
		cx_junit_release(&j);
	}
	cx_junit_release(&full);
	/* cut after the first case: it is kept */
	struct cx_junit j = {0};
	assert_int_equal(cx_junit_read(ctest_xml, 297, &j, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg, "JUnit XML: 14:1: no element found");
	assert_int_equal(j.ncases, 1);
	check_case(&j, 0, "pass.one", "pass.one", CX_TEST_PASSED, true, 0.00152232);
	cx_junit_release(&j);
	expect_error(ctest_xml, 180, CX_EINVAL, "JUnit XML: 11:2: unclosed token");
	/* the second cmocka document cut short */
	expect_error(cmocka_multi_xml, strlen(cmocka_multi_xml) - 20, CX_EINVAL,
	             "JUnit XML: 24:");
}

static void test_structure_errors(void **state)
{
	(void)state;
	EXPECT_ERROR("", CX_EINVAL, "empty input");
	EXPECT_ERROR(" \n\t", CX_EINVAL, "2:2: no element found");
	EXPECT_ERROR("garbage", CX_EINVAL, "1:1: syntax error");
	EXPECT_ERROR("<testsuite><testcase name=\"x\"></testsuite></testcase>", CX_EINVAL,
	             "1:33: mismatched tag");
	EXPECT_ERROR("<html><body/></html>", CX_EINVAL,
	             "1:1: root element is not <testsuites> or <testsuite> but <html>");
	EXPECT_ERROR("<testcase name=\"x\"/>", CX_EINVAL, "but <testcase>");
	EXPECT_ERROR("<testsuite>\n <testcase name=\"a\"><testcase name=\"b\"/></testcase></testsuite>",
	             CX_EINVAL, "2:21: <testcase> holds a <testcase>");
	EXPECT_ERROR("<testsuite><testcase name=\"a\"><testsuite/></testcase></testsuite>", CX_EINVAL,
	             "<testcase> holds a <testsuite>");
	EXPECT_ERROR("<testsuite><testcase classname=\"c\" time=\"1\"/></testsuite>", CX_EINVAL,
	             "1:12: <testcase> without a name attribute");
	EXPECT_ERROR("<testsuite><testcase name=\"a\" name=\"b\"/></testsuite>", CX_EINVAL,
	             "duplicate attribute");
	EXPECT_ERROR("<testsuite><testcase name=a/></testsuite>", CX_EINVAL, "not well-formed");
	EXPECT_ERROR("<testsuite><testcase name=\"a&b\"/></testsuite>", CX_EINVAL,
	             "not well-formed");
	EXPECT_ERROR("<testsuite><testcase name=\"&nbsp;\"/></testsuite>", CX_EINVAL,
	             "1:12: undefined entity");
	EXPECT_ERROR("<testsuite><testcase name=\"&#0;\"/></testsuite>", CX_EINVAL,
	             "reference to invalid character number");
	/* after a complete document: text, and a second one that is broken */
	EXPECT_ERROR("<testsuite/>\ngarbage", CX_EINVAL, "2:1: junk after document element");
	EXPECT_ERROR("<testsuite/>\n  <testsuite>\n<x>", CX_EINVAL, "3:4: no element found");
	EXPECT_ERROR("<testsuite/><html/>", CX_EINVAL, "1:13: root element is not");
}

static void test_documents(void **state)
{
	(void)state;
	/* documents concatenated (cat a.xml b.xml): a second XML declaration
	 * starts a document, and so does a root after a complete one */
	const char *xml = "<?xml version=\"1.0\"?>\n<testsuite><testcase name=\"a\"/></testsuite>\n"
	                  "<?xml version=\"1.0\"?>\n<testsuite><testcase name=\"b\"/></testsuite>"
	                  "<testsuites><testsuite><testcase name=\"c\"/></testsuite></testsuites>";
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(read_str(xml, &j, &ctx), 0);
	assert_int_equal(j.ncases, 3);
	check_case(&j, 0, "a", "", CX_TEST_PASSED, false, 0);
	check_case(&j, 1, "b", "", CX_TEST_PASSED, false, 0);
	check_case(&j, 2, "c", "", CX_TEST_PASSED, false, 0);
	cx_junit_release(&j);
	/* many small documents: each byte is parsed once (handing expat all the
	 * rest of the input for every document made this quadratic: seconds
	 * here, hours for a large file) */
	size_t n = 100000;
	const char *one = "<testsuite><testcase name=\"x\"/></testsuite>";
	size_t l = strlen(one);
	char *many = malloc(n * l + 1);
	assert_non_null(many);
	for (size_t i = 0; i < n; i++)
		memcpy(many + i * l, one, l);
	many[n * l] = '\0';
	assert_int_equal(cx_junit_read(many, n * l, &j, &ctx), 0);
	assert_int_equal(j.ncases, n);
	cx_junit_release(&j);
	free(many);
}

static void test_entities(void **state)
{
	(void)state;
	/* billion laughs: refused at the DOCTYPE, before any declaration is
	 * read; the position is where expat reports it, the end of the
	 * DOCTYPE's header (its '[' or '>') */
	const char *lol =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<testsuite><testcase name=\"&lol9;\"/></testsuite>\n";
	EXPECT_ERROR(lol, CX_EINVAL, "JUnit XML: 2:16: a DOCTYPE is not accepted");
	/* external entities (XXE), an external DTD, parameter entities */
	EXPECT_ERROR("<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	             "<testsuite><testcase name=\"&x;\"/></testsuite>",
	             CX_EINVAL, "1:13: a DOCTYPE is not accepted");
	EXPECT_ERROR("<?xml version=\"1.0\"?><!DOCTYPE testsuite SYSTEM \"http://example.invalid/x.dtd\">"
	             "<testsuite/>",
	             CX_EINVAL, "1:79: a DOCTYPE is not accepted");
	EXPECT_ERROR("<!DOCTYPE t [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><testsuite/>",
	             CX_EINVAL, "a DOCTYPE is not accepted");
	EXPECT_ERROR("<!DOCTYPE testsuite><testsuite/>", CX_EINVAL, "a DOCTYPE is not accepted");
	/* a DOCTYPE in the second document too */
	EXPECT_ERROR("<testsuite/>\n<?xml version=\"1.0\"?><!DOCTYPE t><testsuite/>", CX_EINVAL,
	             "2:33: a DOCTYPE is not accepted");
}

static void test_big(void **state)
{
	(void)state;
	/* a 4 MiB name, kept whole */
	size_t n = 4u << 20;
	const char *head = "<testsuite><testcase name=\"", *tail = "\" time=\"1\"/></testsuite>";
	size_t hl = strlen(head), tl = strlen(tail);
	char *xml = malloc(hl + n + tl + 64);
	assert_non_null(xml);
	memcpy(xml, head, hl);
	memset(xml + hl, 'n', n);
	memcpy(xml + hl + n, tail, tl + 1);
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_junit_read(xml, hl + n + tl, &j, &ctx), 0);
	assert_int_equal(j.ncases, 1);
	assert_int_equal(strlen(j.cases[0].name), n);
	assert_true(j.cases[0].has_time);
	cx_junit_release(&j);
	/* a time attribute of megabytes of digits is not a time */
	const char *th = "<testsuite><testcase name=\"x\" time=\"";
	size_t thl = strlen(th);
	memcpy(xml, th, thl);
	memset(xml + thl, '1', n);
	memcpy(xml + thl + n, "\"/></testsuite>", 16);
	assert_int_equal(cx_junit_read(xml, strlen(xml), &j, &ctx), 0);
	check_case(&j, 0, "x", "", CX_TEST_PASSED, false, 0);
	cx_junit_release(&j);
	free(xml);

	/* suites nested 100000 deep: no recursion here */
	size_t depth = 100000;
	const char *open = "<testsuite>", *close = "</testsuite>";
	size_t ol = strlen(open), cl = strlen(close);
	const char *mid = "<testcase name=\"deep\"/>";
	size_t ml = strlen(mid);
	char *deep = malloc(depth * (ol + cl) + ml);
	assert_non_null(deep);
	char *p = deep;
	for (size_t i = 0; i < depth; i++, p += ol)
		memcpy(p, open, ol);
	memcpy(p, mid, ml);
	p += ml;
	for (size_t i = 0; i < depth; i++, p += cl)
		memcpy(p, close, cl);
	assert_int_equal(cx_junit_read(deep, (size_t)(p - deep), &j, &ctx), 0);
	check_case(&j, 0, "deep", "", CX_TEST_PASSED, false, 0);
	cx_junit_release(&j);
	free(deep);

	/* over the limit: refused before a byte is read (the buffer is only
	 * reserved, never touched) */
	void *huge = malloc((size_t)CX_MAX_JUNIT_BYTES + 1);
	assert_non_null(huge);
	expect_error(huge, (size_t)CX_MAX_JUNIT_BYTES + 1, CX_ELIMIT, "over the limit");
	free(huge);
}

static void test_args(void **state)
{
	(void)state;
	struct cx_junit j = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_junit_read(NULL, 1, &j, &ctx), CX_EINVAL);
	assert_int_equal(cx_junit_read("<testsuite/>", 12, NULL, &ctx), CX_EINVAL);
	/* a NULL context is allowed */
	assert_int_equal(cx_junit_read("<x/>", 4, &j, NULL), CX_EINVAL);
	assert_int_equal(cx_junit_read("<testsuite/>", 12, &j, NULL), 0);
	cx_junit_release(&j);
	cx_junit_release(NULL);
	assert_string_equal(cx_test_status_name(CX_TEST_PASSED), "passed");
	assert_string_equal(cx_test_status_name(CX_TEST_FAILED), "failed");
	assert_string_equal(cx_test_status_name(CX_TEST_SKIPPED), "skipped");
	assert_string_equal(cx_test_status_name((enum cx_test_status)7), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctest),
		cmocka_unit_test(test_cmocka),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_status_attribute),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_no_cases),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
