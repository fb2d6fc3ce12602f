/* Unit tests: paths, saturating arithmetic, bounded file reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_model.h"
#include "cx_util.h"

static void check_norm(const char *in, const char *want)
{
	char *got = cx_path_normalize(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	check_norm("/a/./b/../c", "/a/c");
	check_norm("/../..", "/");
	check_norm("//a//b/", "/a/b");
	check_norm("a/../../b", "../b");
	check_norm(".", ".");
	check_norm("/a/b/..", "/a");
	/* a relative path keeps the ".." it cannot take away */
	check_norm("../../a", "../../a");
	check_norm("a/../../../b", "../../b");
	check_norm("../../x/../y", "../../y");
	check_norm("x/../..", "..");
	check_norm("", ".");
}

static void test_join_relative(void **state)
{
	(void)state;
	char *j = cx_path_join("/root/proj", "src/../lib/x.c");
	assert_string_equal(j, "/root/proj/lib/x.c");
	free(j);
	j = cx_path_join("/root/proj", "/abs/y.c");
	assert_string_equal(j, "/abs/y.c");
	free(j);
	char *r = cx_path_relative("/root/proj", "/root/proj/lib/x.c");
	assert_string_equal(r, "lib/x.c");
	free(r);
	r = cx_path_relative("/root/proj", "/root/project/x.c");
	assert_string_equal(r, "/root/project/x.c");
	free(r);
	r = cx_path_relative("/", "/etc/x.c");
	assert_string_equal(r, "etc/x.c");
	free(r);
	assert_true(cx_path_under("/a/b", "/a/b"));
	assert_true(cx_path_under("/a/b", "/a/b/c"));
	assert_false(cx_path_under("/a/b", "/a/bc"));
}

static void test_saturation(void **state)
{
	(void)state;
	assert_int_equal(cx_sat_add(2, 3), 5);
	assert_true(cx_sat_add(INT64_MAX - 1, 5) == INT64_MAX);
	assert_true(cx_sat_mul(INT64_MAX / 2, 3) == INT64_MAX);
	assert_int_equal(cx_sat_mul(1LL << 31, 1LL << 31), 1LL << 62);
	assert_true(cx_sat_mul(1LL << 32, 1LL << 31) == INT64_MAX);
	assert_int_equal(cx_sat_mul(0, INT64_MAX), 0);
}

static void test_read_file(void **state)
{
	(void)state;
	char path[] = "/tmp/cxscan-util-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello world", 11), 11);
	close(fd);
	struct cx_ctx ctx = {0};
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(cx_read_file(path, 100, &buf, &len, &ctx), 0);
	assert_int_equal(len, 11);
	assert_string_equal(buf, "hello world");
	free(buf);
	assert_int_equal(cx_read_file(path, 5, &buf, &len, &ctx), CX_ELIMIT);
	assert_non_null(strstr(ctx.msg, path));
	unlink(path);
	assert_int_equal(cx_read_file(path, 100, &buf, &len, &ctx), CX_EIO);
	assert_non_null(strstr(ctx.msg, "cannot read"));
	assert_int_equal(cx_read_file("/tmp", 100, &buf, &len, &ctx), CX_EIO);
}

static void test_strv(void **state)
{
	(void)state;
	struct cx_strv sv = {0};
	for (int i = 0; i < 100; i++)
		assert_int_equal(cx_strv_push(&sv, "x"), 0);
	assert_int_equal(sv.n, 100);
	assert_null(sv.v[100]);
	cx_strv_release(&sv);
	assert_int_equal(sv.n, 0);
}

static void test_grow2(void **state)
{
	(void)state;
	uint64_t *a = NULL;
	char *b = NULL;
	size_t cap = 0;
	for (size_t n = 0; n < 1000; n++) {
		assert_int_equal(cx_grow2(&a, sizeof *a, &b, 1, &cap, n + 1), 0);
		assert_true(cap >= n + 1);
		a[n] = n * 3;
		b[n] = (char)(n & 0x7f);
	}
	for (size_t n = 0; n < 1000; n++) {
		assert_int_equal(a[n], n * 3);
		assert_int_equal(b[n], (char)(n & 0x7f));
	}
	size_t before = cap;
	assert_int_equal(cx_grow2(&a, sizeof *a, &b, 1, &cap, 10), 0); /* no shrinking */
	assert_int_equal(cap, before);
	assert_int_equal(cx_grow2(&a, sizeof *a, &b, 1, &cap, SIZE_MAX / 4), CX_ENOMEM);
	assert_int_equal(cap, before);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize), cmocka_unit_test(test_join_relative),
		cmocka_unit_test(test_saturation), cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_strv), cmocka_unit_test(test_grow2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
