/* Unit tests: --staged's reading of git's answers (cx_index_texts_parse,
 * cx_git.h): `git diff --raw -z --no-abbrev --no-renames` (the index
 * against the working tree) and `git cat-file --batch` for the regular
 * files' index oids. The raw records follow git 2.39's output in a scratch
 * repository (a modified, a deleted, an executable, a symbolic link, an
 * unmerged path: git prints its "U" record, then "M" with the index's
 * stage-2 id, which is taken). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_git.h"

#define Z40 "0000000000000000000000000000000000000000"
#define A40 "b09eb0b461eed1a0f57006da93544306ebc6594e"
#define B40 "3f252ff3f710d868e8d09c1ea33d3a73d084b72b"
#define C40 "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
#define L40 "1111111111111111111111111111111111111111"

/* raw and batch are string literals with NULs inside: sizeof - 1 */
#define PARSE(top, raw, batch, t, ctx)                                                    \
	cx_index_texts_parse(top, raw, sizeof raw - 1, batch, sizeof batch - 1, t, ctx)

static char g_top[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	/* a real directory: full paths resolve their directory */
	return realpath("/tmp", g_top) ? 0 : -1;
}

static void test_modified_deleted_and_skipped(void **state)
{
	(void)state;
	static const char raw[] =
		":100644 100644 " A40 " " Z40 " M\0src/a.c\0"
		":100755 100755 " B40 " " Z40 " D\0run.h\0"
		":120000 120000 " L40 " " Z40 " M\0link.h\0"   /* a symbolic link */
		":000000 100644 " Z40 " " Z40 " U\0conflict.c\0" /* unmerged */
		":160000 160000 " L40 " " Z40 " M\0sub\0";     /* a submodule */
	static const char batch[] =
		A40 " blob 13\nint a(void);\n\n"
		B40 " blob 0\n\n";
	struct cx_index_texts t;
	struct cx_ctx ctx = {0};
	assert_int_equal(PARSE(g_top, raw, batch, &t, &ctx), 0);
	assert_int_equal(t.n, 2);
	char want[PATH_MAX + 16];
	snprintf(want, sizeof want, "%s/src/a.c", g_top);
	assert_string_equal(t.v[0].path, want);
	assert_int_equal(t.v[0].len, 13);
	assert_memory_equal(t.v[0].data, "int a(void);\n", 13);
	snprintf(want, sizeof want, "%s/run.h", g_top);
	assert_string_equal(t.v[1].path, want);
	assert_int_equal(t.v[1].len, 0);
	cx_index_texts_release(&t);
	assert_null(t.v);
	assert_int_equal(t.n, 0);
}

static void test_nothing_differs(void **state)
{
	(void)state;
	struct cx_index_texts t;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_index_texts_parse(g_top, "", 0, "", 0, &t, &ctx), 0);
	assert_int_equal(t.n, 0);
	cx_index_texts_release(&t);
}

static void test_binary_blob_stays_on_disk(void **state)
{
	(void)state;
	static const char raw[] = ":100644 100644 " A40 " " Z40 " M\0blob.c\0"
	                          ":100644 100644 " C40 " " Z40 " M\0b.c\0";
	static const char batch[] = A40 " blob 3\na\0b\n" C40 " blob 2\nhi\n";
	struct cx_index_texts t;
	struct cx_ctx ctx = {0};
	assert_int_equal(PARSE(g_top, raw, batch, &t, &ctx), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].len, 2);
	assert_memory_equal(t.v[0].data, "hi", 2);
	cx_index_texts_release(&t);
}

static void test_sha256_ids(void **state)
{
	(void)state;
	static const char raw[] = ":100644 100644 " A40 "abcdef0123456789abcdef01 " Z40
	                          "000000000000000000000000 M\0x.c\0";
	static const char batch[] = A40 "abcdef0123456789abcdef01 blob 1\nx\n";
	struct cx_index_texts t;
	struct cx_ctx ctx = {0};
	assert_int_equal(PARSE(g_top, raw, batch, &t, &ctx), 0);
	assert_int_equal(t.n, 1);
	assert_memory_equal(t.v[0].data, "x", 1);
	cx_index_texts_release(&t);
}

/* Malformed raw records: CX_EINVAL, one line naming git diff --raw. */
static void test_malformed_raw(void **state)
{
	(void)state;
	static const struct {
		const char *raw;
		size_t len;
	} bad[] = {
#define B(s) {s, sizeof s - 1}
		B("x"),
		B(":100644 100644 " A40 " " Z40 " M"),          /* no NUL */
		B(":100644 100644 " A40 " " Z40 " M\0a.c"),     /* no NUL after the path */
		B(":100644 100644 " A40 " " Z40 " M\0\0"),      /* an empty path */
		B(":100644 100644 " A40 " " Z40 "\0a.c\0"),     /* no status */
		B(":100644 100644 " A40 "0 " Z40 " M\0a.c\0"),  /* 41 digits */
		B(":100644 100644 " A40 " " Z40 "00 M\0a.c\0"), /* ids of two lengths */
		B(":100644 100644 B09EB0B461EED1A0F57006DA93544306EBC6594E " Z40 " M\0a.c\0"),
		B(":100644100644 " A40 " " Z40 " M\0a.c\0"),
		B(":100644 100644 " A40 " " Z40 " M\0../a.c\0"), /* outside the top */
		B(":100644 100644 " A40 " " Z40 " M\0/etc/a.c\0"),
		B(":100644 100644 " A40 " " Z40 " M\0a//b.c\0"),
		B(":100644 100644 " A40 " " Z40 " M\0a/./b.c\0"),
		B(":100644 100644 " A40 " " Z40 " M\0dir/\0"),
#undef B
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cx_index_texts t;
		struct cx_ctx ctx = {0};
		assert_int_equal(cx_index_texts_parse(g_top, bad[i].raw, bad[i].len, "", 0, &t, &ctx),
		                 CX_EINVAL);
		assert_non_null(strstr(ctx.msg, "git diff --raw: malformed record at byte 0"));
		assert_null(t.v);
		assert_int_equal(t.n, 0);
	}
}

/* cat-file answers that are not the blobs asked for. */
static void test_malformed_batch(void **state)
{
	(void)state;
	static const char raw[] = ":100644 100644 " A40 " " Z40 " M\0a.c\0";
	static const char *const bad[] = {
		"",                          /* nothing */
		A40 " missing\n",            /* what cat-file says for an unknown id */
		B40 " blob 2\nhi\n",         /* another object */
		A40 " tree 2\nhi\n",         /* not a blob */
		A40 " blob 3\nhi\n",         /* shorter than announced */
		A40 " blob 2\nhi",           /* no final newline */
		A40 " blob 2\nhix",          /* something else after it */
		A40 " blob -2\nhi\n",        /* a negative size */
		A40 " blob 99999999999999999999999\nhi\n",
		A40 " blob 2",               /* no header line end */
		A40 " blob 2\nhi\n" A40 " blob 2\nhi\n", /* more than asked */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cx_index_texts t;
		struct cx_ctx ctx = {0};
		int rc = cx_index_texts_parse(g_top, raw, sizeof raw - 1, bad[i], strlen(bad[i]), &t,
		                              &ctx);
		assert_int_equal(rc, CX_EINVAL);
		assert_true(strncmp(ctx.msg, "git cat-file: ", 14) == 0);
		assert_null(strchr(ctx.msg, '\n'));
		assert_null(t.v);
	}
	struct cx_index_texts t;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_index_texts_parse(g_top, raw, sizeof raw - 1, bad[1], strlen(bad[1]),
	                                      &t, &ctx),
	                 CX_EINVAL);
	assert_string_equal(ctx.msg, "git cat-file: no blob " A40 " for 'a.c'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modified_deleted_and_skipped),
		cmocka_unit_test(test_nothing_differs),
		cmocka_unit_test(test_binary_blob_stays_on_disk),
		cmocka_unit_test(test_sha256_ids),
		cmocka_unit_test(test_malformed_raw),
		cmocka_unit_test(test_malformed_batch),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
