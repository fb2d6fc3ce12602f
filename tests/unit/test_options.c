/* Unit tests: command-line parsing and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cx_options.h"

static int parse(struct cx_options *o, struct cx_ctx *ctx, int argc, char **argv)
{
	return cx_options_parse(argc, argv, o, ctx);
}

static void test_defaults_and_values(void **state)
{
	(void)state;
	char *argv[] = {"cxscan", "--format=json", "-o", "out.json", "--top", "5",
	                "--sort=npath", "--macros", "expand", "-p", "build", "--include",
	                "src/**", "--exclude=*_test.c", "src", "lib", "--", "-DX", "-Iy"};
	struct cx_options o;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(&o, &ctx, sizeof argv / sizeof argv[0], argv), 0);
	assert_int_equal(o.format, CX_FMT_JSON);
	assert_string_equal(o.output, "out.json");
	assert_int_equal(o.top, 5);
	assert_int_equal(o.sort, CX_M_NPATH);
	assert_int_equal(o.macros, CX_MACROS_EXPAND);
	assert_string_equal(o.compdb_dir, "build");
	assert_int_equal(o.paths.n, 2);
	assert_string_equal(o.paths.v[1], "lib");
	assert_string_equal(o.includes.v[0], "src/**");
	assert_string_equal(o.excludes.v[0], "*_test.c");
	assert_int_equal(o.extra.n, 2);
	assert_string_equal(o.extra.v[0], "-DX");
	cx_options_release(&o);

	char *argv2[] = {"cxscan"};
	assert_int_equal(parse(&o, &ctx, 1, argv2), 0);
	assert_int_equal(o.format, CX_FMT_TEXT);
	assert_int_equal(o.top, 20);
	assert_int_equal(o.sort, CX_M_CCN);
	assert_int_equal(o.macros, CX_MACROS_IGNORE);
	cx_options_release(&o);
}

static void expect_bad(const char *a, const char *b, const char *needle)
{
	char *argv[] = {"cxscan", (char *)a, (char *)b};
	struct cx_options o;
	struct cx_ctx ctx = {0};
	assert_int_equal(parse(&o, &ctx, b ? 3 : 2, argv), CX_EINVAL);
	if (!strstr(ctx.msg, needle))
		fail_msg("message '%s' lacks '%s'", ctx.msg, needle);
	cx_options_release(&o);
}

static void test_errors(void **state)
{
	(void)state;
	expect_bad("--format=xml", NULL, "'xml'");
	expect_bad("--macros=both", NULL, "'both'");
	expect_bad("--top", "-3", "'-3'");
	expect_bad("--top=x", NULL, "'x'");
	expect_bad("--sort=speed", NULL, "'speed'");
	expect_bad("--frobnicate", NULL, "'--frobnicate'");
	expect_bad("-Z", NULL, "'-Z'");
	expect_bad("--help=yes", NULL, "takes no value");
	expect_bad("-o", NULL, "needs a value");
	expect_bad("--explain=a.c", NULL, "FILE:FUNCTION");
	expect_bad("--color=sometimes", NULL, "'sometimes'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
