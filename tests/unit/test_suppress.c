/* Unit tests: suppression comments in C source (cx_suppressions_scan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cx_limits.h"
#include "cx_model.h"

struct found {
	struct cx_suppression *v;
	size_t n;
};

static struct found scan_n(const char *text, size_t len)
{
	struct found f = { 0 };
	assert_int_equal(cx_suppressions_scan(text, len, &f.v, &f.n), 0);
	return f;
}

static struct found scan(const char *text)
{
	return scan_n(text, strlen(text));
}

static void release(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		cx_suppression_release(&f->v[i]);
	free(f->v);
}

static void check(const struct cx_suppression *s, enum cx_sup_kind kind, uint32_t line,
                  uint32_t column, uint32_t end_line, const char *rules, const char *reason)
{
	assert_int_equal(s->kind, kind);
	assert_int_equal(s->line, line);
	assert_int_equal(s->column, column);
	assert_int_equal(s->end_line, end_line);
	assert_string_equal(s->rules, rules);
	assert_string_equal(s->reason, reason);
}

/* text holds exactly one suppression, with these values */
static void one(const char *text, enum cx_sup_kind kind, uint32_t line, uint32_t column,
                uint32_t end_line, const char *rules, const char *reason)
{
	struct found f = scan(text);
	if (f.n != 1)
		fail_msg("%zu suppressions in \"%s\"", f.n, text);
	check(&f.v[0], kind, line, column, end_line, rules, reason);
	release(&f);
}

static void none(const char *text)
{
	struct found f = scan(text);
	if (f.n != 0)
		fail_msg("%zu suppressions in \"%s\"", f.n, text);
	assert_null(f.v);
}

static void test_marker_forms(void **state)
{
	(void)state;
	one("// cxscan-ignore(cxscan-npath,cxscan-crap): too big\nint f(void);", CX_SUP_IGNORE,
	    1, 4, 1, "cxscan-npath,cxscan-crap", "too big");
	one("// cxscan-ignore\n", CX_SUP_IGNORE, 1, 4, 1, "", "");
	one("// cxscan-ignore: generated\n", CX_SUP_IGNORE, 1, 4, 1, "", "generated");
	one("/* cxscan-ignore-begin(cxscan-cognitive): legacy */", CX_SUP_BEGIN, 1, 4, 1,
	    "cxscan-cognitive", "legacy");
	one("/* cxscan-ignore-end */", CX_SUP_END, 1, 4, 1, "", "");
	one("// cxscan-ignore-end(cxscan-cognitive)", CX_SUP_END, 1, 4, 1, "cxscan-cognitive", "");
	one("int x; // NOLINT", CX_SUP_NOLINT, 1, 11, 1, "", "");
	one("int x; // NOLINT(readability-function-size)", CX_SUP_NOLINT, 1, 11, 1,
	    "readability-function-size", "");
	one("// NOLINTNEXTLINE(cxscan-ccn)\nint f(void);", CX_SUP_NOLINTNEXTLINE, 1, 4, 1,
	    "cxscan-ccn", "");
	one("// NOLINTBEGIN(cxscan-ccn)", CX_SUP_BEGIN, 1, 4, 1, "cxscan-ccn", "");
	one("// NOLINTEND(cxscan-ccn)", CX_SUP_END, 1, 4, 1, "cxscan-ccn", "");
	one("//NOLINTEND", CX_SUP_END, 1, 3, 1, "", "");
	one("/*NOLINT*/", CX_SUP_NOLINT, 1, 3, 1, "", "");
}

static void test_lists(void **state)
{
	(void)state;
	one("// NOLINT()", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("// NOLINT( a , b\t)", CX_SUP_NOLINT, 1, 4, 1, "a,b", "");
	one("// cxscan-ignore( cxscan-npath , cxscan-crap ) : x", CX_SUP_IGNORE, 1, 4, 1,
	    "cxscan-npath,cxscan-crap", "x");
	/* the list follows the marker directly, as clang-tidy wants */
	one("// NOLINT (a): r", CX_SUP_NOLINT, 1, 4, 1, "", "");
	/* unclosed: no list and no reason */
	one("// NOLINT(a: reason", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("// cxscan-ignore(a", CX_SUP_IGNORE, 1, 4, 1, "", "");
	/* a list closes on its own line */
	one("/* NOLINT(a,\n b) */", CX_SUP_NOLINT, 1, 4, 2, "", "");
	/* a marker inside a list is part of the list */
	one("// NOLINT(cxscan-ignore)", CX_SUP_NOLINT, 1, 4, 1, "cxscan-ignore", "");
}

static void test_reasons(void **state)
{
	(void)state;
	one("// NOLINT(a)  :  spaced out  ", CX_SUP_NOLINT, 1, 4, 1, "a", "spaced out");
	one("// NOLINT:", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("// NOLINT - not a reason", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("/* cxscan-ignore: table-driven */ int f(void);", CX_SUP_IGNORE, 1, 4, 1, "",
	    "table-driven");
	/* the first line of a multi-line reason */
	one("/* cxscan-ignore: first line\n * second line\n */", CX_SUP_IGNORE, 1, 4, 3, "",
	    "first line");
	one("/* cxscan-ignore:\n   on the next line */", CX_SUP_IGNORE, 1, 4, 2, "", "");
	one("/** NOLINT: doc style **/", CX_SUP_NOLINT, 1, 5, 1, "", "doc style");
	one("/* NOLINT: a*b */", CX_SUP_NOLINT, 1, 4, 1, "", "a*b");
	one("// NOLINT: why \\\n more", CX_SUP_NOLINT, 1, 4, 2, "", "why");
	one("// NOLINT: why\\\r\n more", CX_SUP_NOLINT, 1, 4, 2, "", "why");
	one("// NOLINT: a\tb\r\n", CX_SUP_NOLINT, 1, 4, 1, "", "a\tb");
}

static void test_literals(void **state)
{
	(void)state;
	none("const char *s = \"// NOLINT\";");
	none("const char *s = \"/* NOLINT */\";");
	none("const char *s = \"\\\" // NOLINT\";");
	none("f('/', '/'); g(\"/\" \"/ NOLINT\");");
	none("const char *s = \"abc\\\n// NOLINT\";");
	none("int c = '//'; /* no marker */");
	one("char q = '\"'; // NOLINT", CX_SUP_NOLINT, 1, 18, 1, "", "");
	one("char q = '\\''; // NOLINT", CX_SUP_NOLINT, 1, 19, 1, "", "");
	one("char q = '\\\\'; // NOLINT", CX_SUP_NOLINT, 1, 19, 1, "", "");
	one("s = \"\\\\\"; // NOLINT", CX_SUP_NOLINT, 1, 14, 1, "", "");
	one("s = \"http://x\"; // NOLINT", CX_SUP_NOLINT, 1, 20, 1, "", "");
	one("s = L\"x\" u8\"y\" U'z'; // NOLINT", CX_SUP_NOLINT, 1, 25, 1, "", "");
	/* unterminated literals end at the line end */
	one("x = 'a; // NOLINT\n// NOLINT(b)", CX_SUP_NOLINT, 2, 4, 2, "b", "");
	one("x = \"abc\n// NOLINT(b)", CX_SUP_NOLINT, 2, 4, 2, "b", "");
	/* a C23 digit separator opens no character literal */
	one("int x = 1'000'000; // NOLINT", CX_SUP_NOLINT, 1, 23, 1, "", "");
	one("double d = 1e+5'0; // NOLINT", CX_SUP_NOLINT, 1, 23, 1, "", "");
	/* quotes in comments are not literals */
	one("/* \" */ int x; // NOLINT", CX_SUP_NOLINT, 1, 19, 1, "", "");
	one("// it's\nint x; // NOLINT", CX_SUP_NOLINT, 2, 11, 2, "", "");
	one("x = a / b; /*/ NOLINT */", CX_SUP_NOLINT, 1, 16, 1, "", "");
	none("/*/ x */ \"/* NOLINT */\"");
}

static void test_macros_and_continuations(void **state)
{
	(void)state;
	one("#define M(x) \\\n\tdo { x; } while (0) /* NOLINT */ \\\n\t/* more */\n",
	    CX_SUP_NOLINT, 2, 25, 2, "", "");
	one("#define M 1 // comment \\\n  NOLINT(a): r\nint y;", CX_SUP_NOLINT, 2, 3, 2, "a", "r");
	one("// one \\\r\n two \\\r\n NOLINT\r\nint z;", CX_SUP_NOLINT, 3, 2, 3, "", "");
	/* a backslash before a blank does not continue the comment */
	one("// x \\ \nNOLINT(a) // NOLINT(b)", CX_SUP_NOLINT, 2, 14, 2, "b", "");
	/* spans lines */
	one("/*\n * text\n * cxscan-ignore(cxscan-npath): long\n * reason\n */\nint f(void);",
	    CX_SUP_IGNORE, 3, 4, 5, "cxscan-npath", "long");
}

static void test_line_endings(void **state)
{
	(void)state;
	struct found f =
		scan("int a;\r\n// NOLINT(x) : because \r\nint b; /* NOLINTNEXTLINE */\r\n");
	assert_int_equal(f.n, 2);
	check(&f.v[0], CX_SUP_NOLINT, 2, 4, 2, "x", "because");
	check(&f.v[1], CX_SUP_NOLINTNEXTLINE, 3, 11, 3, "", "");
	release(&f);
	/* a lone CR breaks no line */
	one("// a\r NOLINT\rx", CX_SUP_NOLINT, 1, 7, 1, "", "");
	one("x;\r\r\n\t// NOLINT", CX_SUP_NOLINT, 2, 5, 2, "", "");
}

static void test_end_of_input(void **state)
{
	(void)state;
	one("// NOLINT", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("int x;\n/* NOLINT(a): unterminated", CX_SUP_NOLINT, 2, 4, 2, "a", "unterminated");
	one("/* NOLINT(a): x\n", CX_SUP_NOLINT, 1, 4, 2, "a", "x");
	one("// NOLINT(", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("// NOLINT \\\n", CX_SUP_NOLINT, 1, 4, 2, "", "");
	one("/* NOLINT *", CX_SUP_NOLINT, 1, 4, 1, "", "");
	none("\"// NOLINT");
	none("'// NOLINT");
	none("x = \"\\");
	none("/");
	none("/*");
	none("");
	struct found f = scan_n(NULL, 0);
	assert_int_equal(f.n, 0);
	assert_null(f.v);
}

static void test_multiple_markers(void **state)
{
	(void)state;
	struct found f = scan("/* NOLINT(a) cxscan-ignore(b): r NOLINTNEXTLINE */\n"
	                      "int f(void); // NOLINTBEGIN\n// NOLINTEND NOLINTEND(x)");
	assert_int_equal(f.n, 6);
	check(&f.v[0], CX_SUP_NOLINT, 1, 4, 1, "a", "");
	check(&f.v[1], CX_SUP_IGNORE, 1, 14, 1, "b", "r NOLINTNEXTLINE");
	check(&f.v[2], CX_SUP_NOLINTNEXTLINE, 1, 34, 1, "", "");
	check(&f.v[3], CX_SUP_BEGIN, 2, 17, 2, "", "");
	check(&f.v[4], CX_SUP_END, 3, 4, 3, "", "");
	check(&f.v[5], CX_SUP_END, 3, 14, 3, "x", "");
	release(&f);
}

static void test_word_boundaries(void **state)
{
	(void)state;
	none("// NOLINTX");
	none("// XNOLINT");
	none("// NOLINT_");
	none("// NOLINT2");
	none("// nolint");
	none("// NOLINTNEXTLINES");
	none("// cxscan-ignored");
	none("// my-cxscan-ignore");
	none("// cxscan-ignore-");
	none("// cxscan-ignore-foo");
	none("// cxscan-ignore-beginning");
	none("// xcxscan-ignore");
	none("// cxscan-ignore_x");
	none("// CXSCAN-IGNORE");
	one("// NOLINT-ish", CX_SUP_NOLINT, 1, 4, 1, "", "");
	one("// see-NOLINT.", CX_SUP_NOLINT, 1, 8, 1, "", "");
	one("// (cxscan-ignore)", CX_SUP_IGNORE, 1, 5, 1, "", "");
	one("// cxscan-ignore.", CX_SUP_IGNORE, 1, 4, 1, "", "");
	one("// \xc3\xa9NOLINT\xc3\xa9", CX_SUP_NOLINT, 1, 6, 1, "", "");
	one("// cxscan-cxscan-ignore-end cxscan-ignore-end", CX_SUP_END, 1, 29, 1, "", "");
}

static void test_nul_and_tabs(void **state)
{
	(void)state;
	static const char text[] = "\0\t// NOLINT(a\0b): x\0y\n'\0' // NOLINTNEXTLINE";
	struct found f = scan_n(text, sizeof text - 1);
	assert_int_equal(f.n, 2);
	/* rules and reason are C strings: they end at a NUL byte */
	check(&f.v[0], CX_SUP_NOLINT, 1, 6, 1, "a", "x");
	check(&f.v[1], CX_SUP_NOLINTNEXTLINE, 2, 8, 2, "", "");
	release(&f);
	static const char trail[] = "// NOLINT: x \0y";
	f = scan_n(trail, sizeof trail - 1);
	assert_int_equal(f.n, 1);
	check(&f.v[0], CX_SUP_NOLINT, 1, 4, 1, "", "x");
	release(&f);
	/* len bounds the scan, not a NUL */
	static const char cut[] = "// NOLINT(a)";
	f = scan_n(cut, 10);
	assert_int_equal(f.n, 1);
	check(&f.v[0], CX_SUP_NOLINT, 1, 4, 1, "", "");
	release(&f);
	f = scan_n(cut, 8);
	assert_int_equal(f.n, 0);
}

static void test_limit(void **state)
{
	(void)state;
	size_t count = CX_MAX_SUPPRESSIONS + 10;
	const char line[] = "// NOLINT\n";
	size_t ll = sizeof line - 1;
	char *text = malloc(count * ll);
	assert_non_null(text);
	for (size_t i = 0; i < count; i++)
		memcpy(text + i * ll, line, ll);
	struct found f = scan_n(text, count * ll);
	assert_int_equal(f.n, CX_MAX_SUPPRESSIONS);
	check(&f.v[CX_MAX_SUPPRESSIONS - 1], CX_SUP_NOLINT, CX_MAX_SUPPRESSIONS, 4,
	      CX_MAX_SUPPRESSIONS, "", "");
	release(&f);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker_forms),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_macros_and_continuations),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_end_of_input),
		cmocka_unit_test(test_multiple_markers),
		cmocka_unit_test(test_word_boundaries),
		cmocka_unit_test(test_nul_and_tabs),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
