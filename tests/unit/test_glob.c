/* Unit tests: --include/--exclude globs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cx_scanner.h"

static void test_component_globs(void **state)
{
	(void)state;
	assert_true(cx_glob_match("*.c", "a.c"));
	assert_true(cx_glob_match("*.c", "src/deep/a.c"));
	assert_false(cx_glob_match("*.c", "a.h"));
	assert_true(cx_glob_match("vendor", "vendor/x/y.c"));
	assert_true(cx_glob_match("vendor", "src/vendor/y.c"));
	assert_false(cx_glob_match("vendor", "src/vendors/y.c"));
	assert_true(cx_glob_match("test_?.c", "t/test_a.c"));
	assert_false(cx_glob_match("test_?.c", "t/test_ab.c"));
	assert_true(cx_glob_match("[a-c]x.c", "bx.c"));
	assert_false(cx_glob_match("[!a-c]x.c", "bx.c"));
	assert_false(cx_glob_match("[a-c", "a"));
}

static void test_path_globs(void **state)
{
	(void)state;
	assert_true(cx_glob_match("src/*.c", "src/a.c"));
	assert_false(cx_glob_match("src/*.c", "src/sub/a.c"));
	assert_true(cx_glob_match("src/**/*.c", "src/a.c"));
	assert_true(cx_glob_match("src/**/*.c", "src/sub/deeper/a.c"));
	assert_false(cx_glob_match("src/**/*.c", "lib/src/a.c"));
	assert_true(cx_glob_match("**/gen/*.c", "a/b/gen/x.c"));
	assert_true(cx_glob_match("**/gen/*.c", "gen/x.c"));
	assert_false(cx_glob_match("**/gen/*.c", "agen/x.c"));
	assert_true(cx_glob_match("src/gen", "src/gen/x.c"));
	assert_true(cx_glob_match("/src/gen", "src/gen/x.c"));
	assert_false(cx_glob_match("src/gen", "src/generated/x.c"));
	assert_true(cx_glob_match("a\\*b", "a*b"));
	assert_false(cx_glob_match("a\\*b", "axb"));
}

static void test_backtracking_is_bounded(void **state)
{
	(void)state;
	/* exponential without the memo (found by fuzz_glob) */
	char path[101], stars[40];
	memset(path, 'a', 100);
	path[100] = '\0';
	memset(stars, '*', 32);
	strcpy(stars + 32, "b");
	assert_false(cx_glob_match("*a*a*a*a*a*a*b", path));
	assert_false(cx_glob_match(stars, path));
	assert_true(cx_glob_match("*a*a*a*a*a*a*", path));
	assert_false(cx_glob_match("**/**/**/**/**/**/x", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/y"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_component_globs),
		cmocka_unit_test(test_path_globs),
		cmocka_unit_test(test_backtracking_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
