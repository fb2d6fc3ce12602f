/* fuzz_junit: cx_junit_read over arbitrary bytes (a JUnit XML file from
 * CTest, cmocka or any other tool, which cxscan --correlate is handed).
 *
 * Invariants:
 * - the result is 0 or CX_EINVAL / CX_ELIMIT / CX_ENOMEM, an error with a
 *   one-line message that starts "JUnit XML: ";
 * - it appends: a case read into the list before stays first and intact,
 *   and cases appended before an error are released without leaks;
 * - every case has a name and a classname that are valid UTF-8 (expat
 *   converts and validates), a known status, and a time that is finite and
 *   not negative when has_time, 0 otherwise;
 * - reading the same bytes again gives the same result, message and cases
 *   (no state survives between documents or calls). */
#include <math.h>

#include "cx_cov.h"
#include "fuzz_common.h"

static const char g_first[] = "<testsuite><testcase name=\"first\" time=\"1\"/></testsuite>";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Well-formed UTF-8: no overlong form, no surrogate, nothing past
 * U+10FFFF. */
static bool valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		unsigned c = *s++;
		if (c < 0x80)
			continue;
		size_t n;
		unsigned cp, min;
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		for (size_t i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

static void check_case(const struct cx_junit_case *c, size_t i)
{
	FUZZ_CHECK(c->name && c->classname, "case %zu without a name or classname", i);
	FUZZ_CHECK(valid_utf8(c->name), "case %zu name is not UTF-8", i);
	FUZZ_CHECK(valid_utf8(c->classname), "case %zu classname is not UTF-8", i);
	FUZZ_CHECK(c->status == CX_TEST_PASSED || c->status == CX_TEST_FAILED ||
	           c->status == CX_TEST_SKIPPED, "case %zu status %d", i, (int)c->status);
	FUZZ_CHECK(strcmp(cx_test_status_name(c->status), "unknown") != 0, "case %zu status name",
	           i);
	if (c->has_time)
		FUZZ_CHECK(isfinite(c->time_s) && c->time_s >= 0, "case %zu time %g", i, c->time_s);
	else
		FUZZ_CHECK(c->time_s == 0, "case %zu time %g without has_time", i, c->time_s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_junit out = {0};
	struct cx_ctx ctx = {0};
	int rc = cx_junit_read(g_first, strlen(g_first), &out, &ctx);
	FUZZ_CHECK(rc == 0 && out.ncases == 1, "the first document: %d %s", rc, ctx.msg);

	rc = cx_junit_read(data, size, &out, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT || rc == CX_ENOMEM,
	           "unexpected result %d: %s", rc, ctx.msg);
	if (rc) {
		FUZZ_CHECK(ctx.err == rc && fuzz_starts_with(ctx.msg, "JUnit XML: "),
		           "error %d with the message '%s'", rc, ctx.msg);
		FUZZ_CHECK(!strchr(ctx.msg, '\n'), "message of several lines: '%s'", ctx.msg);
	}
	FUZZ_CHECK(out.ncases >= 1 && out.cases, "the case read before is gone");
	FUZZ_CHECK(strcmp(out.cases[0].name, "first") == 0 && out.cases[0].has_time &&
	           out.cases[0].time_s == 1 && out.cases[0].status == CX_TEST_PASSED,
	           "the case read before changed");
	for (size_t i = 0; i < out.ncases; i++)
		check_case(&out.cases[i], i);

	struct cx_junit again = {0};
	struct cx_ctx ctx2 = {0};
	int rc2 = cx_junit_read(data, size, &again, &ctx2);
	FUZZ_CHECK(rc2 == rc && strcmp(ctx.msg, ctx2.msg) == 0,
	           "a second read gives %d '%s', the first %d '%s'", rc2, ctx2.msg, rc, ctx.msg);
	FUZZ_CHECK(again.ncases + 1 == out.ncases, "a second read gives %zu cases, the first %zu",
	           again.ncases, out.ncases - 1);
	for (size_t i = 0; i < again.ncases; i++) {
		const struct cx_junit_case *a = &again.cases[i], *b = &out.cases[i + 1];
		FUZZ_CHECK(strcmp(a->name, b->name) == 0 && strcmp(a->classname, b->classname) == 0 &&
		           a->status == b->status && a->has_time == b->has_time &&
		           a->time_s == b->time_s,
		           "case %zu differs between two reads", i);
	}
	cx_junit_release(&again);
	cx_junit_release(&out);
	FUZZ_CHECK(out.cases == NULL && out.ncases == 0, "release left the list set");
	return 0;
}
