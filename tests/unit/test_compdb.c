/* Unit tests: compile database parsing, shell splitting, argument
 * sanitizing and their error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cx_scanner.h"

static void free_words(char **w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

static void test_shell_split(void **state)
{
	(void)state;
	struct cx_ctx ctx = {0};
	char **w = NULL;
	size_t n = 0;
	assert_int_equal(cx_shell_split("cc -DX=\"a b\" 'c d' e\\ f \"q\\\"x\"", &w, &n, &ctx), 0);
	assert_int_equal(n, 5);
	assert_string_equal(w[0], "cc");
	assert_string_equal(w[1], "-DX=a b");
	assert_string_equal(w[2], "c d");
	assert_string_equal(w[3], "e f");
	assert_string_equal(w[4], "q\"x");
	free_words(w, n);
	assert_int_equal(cx_shell_split("  ", &w, &n, &ctx), 0);
	assert_int_equal(n, 0);
	free_words(w, n);
	assert_int_equal(cx_shell_split("cc 'open", &w, &n, &ctx), CX_EINVAL);
	assert_non_null(strstr(ctx.msg, "unterminated"));
}

static bool has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void test_sanitize(void **state)
{
	(void)state;
	char *argv[] = {"ccache", "gcc", "-Iinc", "-DA=1", "-c", "-o", "x.o", "-MD", "-MF",
	                "x.d", "-Wp,-MMD,y.d", "-Werror", "-Werror=format", "-fconserve-stack",
	                "--param", "max-inline=10", "-O2", "-MJ", "frag.json",
	                "-mpreferred-stack-boundary=3", "-ftrivial-auto-var-init=zero", "-fmodules",
	                "-fmodules-cache-path=/tmp/mc", "src/x.c",
	                "--", "junk"};
	size_t argc = sizeof argv / sizeof argv[0];
	struct cx_ctx ctx = {0};
	char **out = NULL;
	size_t n = 0;
	assert_int_equal(cx_args_sanitize(argv, argc, "/proj/build", "src/x.c", &out, &n, &ctx), 0);
	assert_true(has(out, n, "-Iinc"));
	assert_true(has(out, n, "-DA=1"));
	assert_true(has(out, n, "-O2"));
	assert_true(has(out, n, "-working-directory=/proj/build"));
	const char *gone[] = {"gcc", "-c", "-o", "x.o", "-MD", "-MF", "x.d", "-Wp,-MMD,y.d",
	                      "-Werror", "-Werror=format", "-fconserve-stack", "--param",
	                      "max-inline=10", "-MJ", "frag.json", "-mpreferred-stack-boundary=3",
	                      "-ftrivial-auto-var-init=zero", "-fmodules",
	                      "-fmodules-cache-path=/tmp/mc", "src/x.c", "--", "junk"};
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		assert_false(has(out, n, gone[i]));
	free_words(out, n);
}

static void test_sanitize_missing_rsp(void **state)
{
	(void)state;
	char *argv[] = {"cc", "@flags.rsp", "x.c"};
	struct cx_ctx ctx = {0};
	char **out = NULL;
	size_t n = 0;
	assert_int_equal(cx_args_sanitize(argv, 3, "/nonexistent-dir", "x.c", &out, &n, &ctx),
	                 CX_EIO);
	assert_non_null(strstr(ctx.msg, "/nonexistent-dir/flags.rsp"));
}

static void test_parse_entries(void **state)
{
	(void)state;
	const char *db =
		"[{\"directory\": \"/p\", \"file\": \"a.c\", \"arguments\": [\"cc\", \"-DX\", \"a.c\"]},\n"
		" {\"directory\": \"sub\", \"file\": \"b.c\", \"command\": \"cc -DY b.c\"},\n"
		" {\"directory\": \"/p\", \"file\": \"/p/a.c\", \"command\": \"cc -DZ a.c\"}]";
	struct cx_sources s = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_compdb_parse(db, strlen(db), "db.json", "/base", &s, &ctx), 0);
	assert_int_equal(s.n, 2); /* the second a.c entry is a duplicate */
	assert_string_equal(s.v[0].path, "/p/a.c");
	assert_true(has(s.v[0].args, s.v[0].nargs, "-DX"));
	assert_string_equal(s.v[1].path, "/base/sub/b.c");
	assert_string_equal(s.v[1].directory, "/base/sub");
	assert_true(has(s.v[1].args, s.v[1].nargs, "-DY"));
	cx_sources_release(&s);
}

static void expect_error(const char *db, const char *needle)
{
	struct cx_sources s = {0};
	struct cx_ctx ctx = {0};
	assert_int_not_equal(cx_compdb_parse(db, strlen(db), "db.json", "/b", &s, &ctx), 0);
	if (!strstr(ctx.msg, needle))
		fail_msg("message '%s' lacks '%s'", ctx.msg, needle);
	cx_sources_release(&s);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("[{\"directory\": \"/p\",\n \"file\": ", "db.json:2:");
	expect_error("{}", "expected an array");
	expect_error("[{\"directory\": \"/p\", \"command\": \"cc\"}]", "entry 0");
	expect_error("[1]", "entry 0 is not an object");
	expect_error("[{\"directory\": \"/p\", \"file\": \"a.c\", \"arguments\": [1]}]", "non-string");
	expect_error("[{\"directory\": \"/p\", \"file\": \"a.c\", \"command\": \"cc 'x\"}]",
	             "unterminated");
	expect_error("[{\"directory\": \"/p\", \"file\": \"a.c\"}]", "needs \"arguments\"");
	expect_error("[{\"directory\": \"/p\", \"file\": \"a.c\", \"command\": \"\"}]", "empty command");
	expect_error("", "malformed JSON");
}

/* The objects of a database: "output", else the word after -o; an entry
 * per object, so a source built into two targets appears twice. */
static void test_objects(void **state)
{
	(void)state;
	const char *db =
		"[{\"directory\": \"/b\", \"file\": \"/s/a.c\", \"output\": \"CMakeFiles/lib.dir/a.c.o\","
		"  \"command\": \"cc -c /s/a.c\"},\n"
		" {\"directory\": \"/b\", \"file\": \"../s/a.c\","
		"  \"command\": \"cc -o CMakeFiles/t.dir/a.c.o -c ../s/a.c\"},\n"
		" {\"directory\": \"sub\", \"file\": \"h.c\", \"arguments\": [\"cc\", \"-oh.o\", \"h.c\"]},\n"
		" {\"directory\": \"/b\", \"file\": \"n.c\", \"command\": \"cc -fsyntax-only n.c\"}]";
	struct cx_strv src = {0}, obj = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_compdb_objects_parse(db, strlen(db), "db.json", "/base", &src, &obj, &ctx), 0);
	assert_int_equal(src.n, 3);
	assert_int_equal(obj.n, 3);
	assert_string_equal(src.v[0], "/s/a.c");
	assert_string_equal(obj.v[0], "/b/CMakeFiles/lib.dir/a.c.o");
	assert_string_equal(src.v[1], "/s/a.c");
	assert_string_equal(obj.v[1], "/b/CMakeFiles/t.dir/a.c.o");
	assert_string_equal(src.v[2], "/base/sub/h.c");
	assert_string_equal(obj.v[2], "/base/sub/h.o");
	cx_strv_release(&src);
	cx_strv_release(&obj);
	/* the same malformed input as the sources reader, the same messages */
	static const char *const bad[][2] = {
		{"[{\"directory\": \"/p\",\n \"file\": ", "db.json:2:"},
		{"{}", "expected an array"},
		{"[1]", "entry 0 is not an object"},
		{"[{\"directory\": \"/p\", \"command\": \"cc -o x\"}]", "entry 0: needs string"},
		{"[{\"directory\": \"/p\", \"file\": \"a.c\", \"command\": \"cc 'x\"}]", "unterminated"},
		{"[{\"directory\": \"/p\", \"file\": \"a.c\"}]", "needs \"arguments\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(cx_compdb_objects_parse(bad[i][0], strlen(bad[i][0]), "db.json", "/b",
		                                         &src, &obj, &ctx), CX_EINVAL);
		if (!strstr(ctx.msg, bad[i][1]))
			fail_msg("message '%s' lacks '%s'", ctx.msg, bad[i][1]);
		assert_int_equal(src.n, obj.n);
		cx_strv_release(&src);
		cx_strv_release(&obj);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_split), cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sanitize_missing_rsp), cmocka_unit_test(test_parse_entries),
		cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
