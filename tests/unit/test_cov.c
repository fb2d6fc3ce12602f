/* Unit tests: the gcov JSON and lcov readers (cx_cov.h) on real gcc 12 and
 * lcov 1.16 output, the shapes of newer tools, the counts' edge cases and
 * every malformed input, each error checked for its code and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "cx_cov.h"
#include "cx_limits.h"
#include "cov_check.h"

/* ---- real samples ---- */

/* /tmp/demo/src/y.c (with sub/h.h), built in /tmp/demo/build as
 * `gcc --coverage -O0 ../src/y.c -o y && ./y`, then `gcov -j -t y.gcda`
 * (gcc 12.2.0). Line 2 holds two functions, a() and b(): gcov lists it
 * once for each; never() never ran. */
static const char y_json[] =
	"{\"gcc_version\": \"12.2.0\", \"files\": [{\"lines\": [{\"branches\": [], "
	"\"count\": 1, \"line_number\": 2, \"unexecuted_block\": false, \"function_name\": "
	"\"a\"}, {\"branches\": [], \"count\": 1, \"line_number\": 2, \"unexecuted_block\": "
	"false, \"function_name\": \"b\"}, {\"branches\": [], \"count\": 0, \"line_number\": "
	"3, \"unexecuted_block\": true, \"function_name\": \"never\"}, {\"branches\": "
	"[], \"count\": 0, \"line_number\": 5, \"unexecuted_block\": true, \"function_name\": "
	"\"never\"}, {\"branches\": [], \"count\": 0, \"line_number\": 6, \"unexecuted_block\": "
	"true, \"function_name\": \"never\"}, {\"branches\": [], \"count\": 0, \"line_number\": "
	"7, \"unexecuted_block\": true, \"function_name\": \"never\"}, {\"branches\": "
	"[], \"count\": 1, \"line_number\": 9, \"unexecuted_block\": false, \"function_name\": "
	"\"main\"}, {\"branches\": [], \"count\": 1, \"line_number\": 12, \"unexecuted_block\": "
	"false, \"function_name\": \"main\"}, {\"branches\": [], \"count\": 0, \"line_number\": "
	"13, \"unexecuted_block\": true, \"function_name\": \"main\"}, {\"branches\": "
	"[], \"count\": 1, \"line_number\": 14, \"unexecuted_block\": false, \"function_name\": "
	"\"main\"}], \"functions\": [{\"blocks\": 2, \"end_column\": 32, \"start_line\": "
	"2, \"name\": \"a\", \"blocks_executed\": 2, \"execution_count\": 1, \"demangled_name\": "
	"\"a\", \"start_column\": 12, \"end_line\": 2}, {\"blocks\": 2, \"end_column\": "
	"65, \"start_line\": 2, \"name\": \"b\", \"blocks_executed\": 2, \"execution_count\": "
	"1, \"demangled_name\": \"b\", \"start_column\": 45, \"end_line\": 2}, {\"blocks\": "
	"4, \"end_column\": 1, \"start_line\": 3, \"name\": \"never\", \"blocks_executed\": "
	"0, \"execution_count\": 0, \"demangled_name\": \"never\", \"start_column\": "
	"12, \"end_line\": 8}, {\"blocks\": 8, \"end_column\": 1, \"start_line\": 9,"
	" \"name\": \"main\", \"blocks_executed\": 6, \"execution_count\": 1, \"demangled_name\": "
	"\"main\", \"start_column\": 5, \"end_line\": 15}], \"file\": \"../src/y.c\"},"
	" {\"lines\": [{\"branches\": [], \"count\": 1, \"line_number\": 1, \"unexecuted_block\": "
	"false, \"function_name\": \"hinc\"}, {\"branches\": [], \"count\": 1, \"line_number\": "
	"3, \"unexecuted_block\": false, \"function_name\": \"hinc\"}], \"functions\": "
	"[{\"blocks\": 2, \"end_column\": 1, \"start_line\": 1, \"name\": \"hinc\","
	" \"blocks_executed\": 2, \"execution_count\": 1, \"demangled_name\": \"hinc\","
	" \"start_column\": 19, \"end_line\": 4}], \"file\": \"../src/sub/h.h\"}], "
	"\"format_version\": \"1\", \"current_working_directory\": \"/tmp/demo/build\","
	" \"data_file\": \"y.gcda\"}\n";

/* x.gcov.json.gz as `gcov -j x.gcda` wrote it (gcc 12.2.0) for
 * /tmp/demo/src/x.c, built and run like y.c. */
static const unsigned char x_gz[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xbd, 0x94,
	0xdb, 0x6e, 0xc3, 0x20, 0x0c, 0x86, 0x5f, 0xa5, 0xe2, 0xba, 0x4a, 0x4a,
	0xb6, 0x44, 0xed, 0x5e, 0x65, 0xaa, 0x10, 0x01, 0x9a, 0xa1, 0x82, 0xd9,
	0x38, 0x6c, 0x9d, 0xaa, 0xbe, 0xfb, 0xa0, 0x09, 0x5a, 0xba, 0x54, 0x9a,
	0x32, 0x45, 0xbb, 0xc3, 0x8e, 0xed, 0xef, 0x8f, 0x8d, 0x39, 0xa3, 0x8e,
	0x31, 0xf2, 0x2e, 0xac, 0x93, 0x06, 0xd0, 0xd3, 0x0a, 0xe1, 0xaa, 0xa8,
	0x8a, 0x0d, 0x5a, 0xaf, 0xd0, 0x41, 0x2a, 0xe1, 0xa2, 0xeb, 0xf9, 0x8c,
	0x94, 0x84, 0x7c, 0x6c, 0x2d, 0x05, 0xf6, 0xd2, 0x5b, 0xfb, 0x18, 0xc5,
	0x4c, 0x00, 0x1f, 0x8d, 0x2a, 0x9e, 0x53, 0x18, 0x81, 0xa0, 0x5b, 0x61,
	0xa3, 0xe7, 0x21, 0x7a, 0x02, 0x88, 0x93, 0x60, 0xc1, 0x0b, 0x4e, 0x5a,
	0x65, 0xd8, 0x31, 0xba, 0x0f, 0x54, 0x39, 0x91, 0xca, 0x07, 0x60, 0x3e,
	0x42, 0x09, 0x50, 0x2d, 0x12, 0xd9, 0xbd, 0xa1, 0xcb, 0x7a, 0x35, 0x87,
	0x50, 0x2f, 0x4c, 0xc0, 0x13, 0xc2, 0x76, 0x26, 0x41, 0x53, 0x09, 0x73,
	0x19, 0x78, 0xb3, 0x38, 0xa4, 0x99, 0x42, 0xf0, 0xe2, 0x90, 0x7a, 0x0a,
	0xa9, 0x16, 0x87, 0x4c, 0x87, 0x8e, 0xe7, 0xde, 0xab, 0x3f, 0xcd, 0xe4,
	0xf1, 0x3f, 0x20, 0x73, 0xef, 0x6f, 0x0f, 0xd9, 0x8f, 0x3e, 0xe5, 0xa5,
	0x4c, 0x99, 0x6e, 0x68, 0x97, 0x00, 0x4e, 0x98, 0x51, 0x41, 0xc3, 0x40,
	0x75, 0x9e, 0x5a, 0x4f, 0x12, 0x7b, 0xd8, 0xca, 0xd1, 0x3e, 0x44, 0xab,
	0x4f, 0x26, 0x59, 0x46, 0xae, 0x72, 0x35, 0x13, 0x7d, 0x3c, 0x0a, 0x2e,
	0x34, 0x85, 0x4e, 0x45, 0xb1, 0xb7, 0x35, 0x7a, 0xc4, 0x37, 0x35, 0xeb,
	0x18, 0xa0, 0x4d, 0xdf, 0x99, 0xac, 0x72, 0xf7, 0xab, 0xca, 0xed, 0x48,
	0xe5, 0xf5, 0xaf, 0xef, 0xea, 0xdc, 0xdd, 0xd5, 0x89, 0xef, 0xea, 0xcc,
	0x55, 0x7e, 0x28, 0xad, 0x6f, 0x85, 0xe2, 0xa6, 0x6f, 0x6f, 0x7c, 0xfa,
	0x52, 0x52, 0x51, 0x94, 0xce, 0xb2, 0xf2, 0x54, 0xb0, 0xa1, 0xed, 0xc6,
	0x6a, 0xea, 0x6f, 0x9e, 0xcb, 0x54, 0x93, 0x05, 0x6b, 0x05, 0x78, 0xf2,
	0x61, 0xec, 0x51, 0x42, 0x47, 0xb8, 0xb4, 0x82, 0x79, 0x63, 0x3f, 0x53,
	0x44, 0xe9, 0xf5, 0x6b, 0x19, 0xf5, 0x98, 0xb2, 0x0d, 0x52, 0xf1, 0x14,
	0xcf, 0xa9, 0xa7, 0x24, 0x33, 0x4e, 0x45, 0xc7, 0x38, 0x45, 0x97, 0x2f,
	0x30, 0x22, 0x3e, 0xc3, 0x8a, 0x05, 0x00, 0x00,
};

/* `lcov --capture --directory . --rc lcov_branch_coverage=1` (lcov 1.16)
 * in /tmp/demo/build after x and y ran: no FNF/LF summaries, no TN before
 * the third record, line 2 of y.c twice. */
static const char demo_info[] =
	"TN:\n"
	"SF:/tmp/demo/src/x.c\n"
	"FN:3,sq\n"
	"FNDA:2,sq\n"
	"FN:8,main\n"
	"FNDA:1,main\n"
	"DA:3,2\n"
	"DA:5,2\n"
	"DA:8,1\n"
	"DA:10,1\n"
	"DA:11,6\n"
	"BRDA:11,0,0,5\n"
	"BRDA:11,0,1,1\n"
	"DA:12,5\n"
	"BRDA:12,0,0,2\n"
	"BRDA:12,0,1,3\n"
	"DA:13,2\n"
	"DA:14,1\n"
	"DA:15,1\n"
	"end_of_record\n"
	"TN:\n"
	"SF:/tmp/demo/src/y.c\n"
	"FN:2,a\n"
	"FNDA:1,a\n"
	"FN:2,b\n"
	"FNDA:1,b\n"
	"FN:3,never\n"
	"FNDA:0,never\n"
	"FN:9,main\n"
	"FNDA:1,main\n"
	"DA:2,1\n"
	"DA:2,1\n"
	"DA:3,0\n"
	"DA:5,0\n"
	"BRDA:5,0,0,-\n"
	"BRDA:5,0,1,-\n"
	"DA:6,0\n"
	"DA:7,0\n"
	"DA:9,1\n"
	"DA:12,1\n"
	"BRDA:12,0,0,0\n"
	"BRDA:12,0,1,1\n"
	"DA:13,0\n"
	"DA:14,1\n"
	"end_of_record\n"
	"SF:/tmp/demo/src/sub/h.h\n"
	"FN:1,hinc\n"
	"FNDA:1,hinc\n"
	"DA:1,1\n"
	"DA:3,1\n"
	"end_of_record\n";

/* `clang-14 -fprofile-instr-generate -fcoverage-mapping -O0 ../src/y.c`
 * in /tmp/demo/llvm, run, then `llvm-cov-14 export -format=lcov`: statics
 * named "y.c:name" (hinc too, from the header), a function's line is the
 * line its body starts on, paths not normalized. */
static const char llvm_info[] =
	"SF:/tmp/demo/llvm/../src/sub/h.h\n"
	"FN:2,y.c:hinc\n"
	"FNDA:1,y.c:hinc\n"
	"FNF:1\n"
	"FNH:1\n"
	"DA:2,1\n"
	"DA:3,1\n"
	"DA:4,1\n"
	"BRF:0\n"
	"BRH:0\n"
	"LF:3\n"
	"LH:3\n"
	"end_of_record\n"
	"SF:/tmp/demo/llvm/../src/y.c\n"
	"FN:10,main\n"
	"FN:4,y.c:never\n"
	"FN:2,y.c:a\n"
	"FN:2,y.c:b\n"
	"FNDA:1,main\n"
	"FNDA:0,y.c:never\n"
	"FNDA:1,y.c:a\n"
	"FNDA:1,y.c:b\n"
	"FNF:4\n"
	"FNH:3\n"
	"DA:2,1\n"
	"DA:4,0\n"
	"DA:5,0\n"
	"DA:6,0\n"
	"DA:7,0\n"
	"DA:8,0\n"
	"DA:10,1\n"
	"DA:11,1\n"
	"DA:12,1\n"
	"DA:13,0\n"
	"DA:14,1\n"
	"DA:15,1\n"
	"BRDA:5,0,0,-\n"
	"BRDA:5,0,1,-\n"
	"BRDA:12,0,0,0\n"
	"BRDA:12,0,1,1\n"
	"BRF:4\n"
	"BRH:1\n"
	"LF:13\n"
	"LH:7\n"
	"end_of_record\n";

/* ---- helpers ---- */

/* Two reads gave the same files. */
static void assert_cov_equal(const struct cx_cov *a, const struct cx_cov *b)
{
	assert_int_equal(a->nfiles, b->nfiles);
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct cx_cov_file *x = &a->files[i], *y = &b->files[i];
		assert_string_equal(x->path, y->path);
		assert_int_equal(x->nlines, y->nlines);
		for (size_t k = 0; k < x->nlines; k++)
			check_line(y, k, x->lines[k].line, x->lines[k].count);
		assert_int_equal(x->nfuncs, y->nfuncs);
		for (size_t k = 0; k < x->nfuncs; k++)
			check_func(y, k, x->funcs[k].name, x->funcs[k].line, x->funcs[k].end_line,
			           x->funcs[k].count);
	}
}

/* gzip (one member) of n bytes; NULL never (fails the test). */
static unsigned char *gzip(const void *data, size_t n, size_t *len)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&zs, (uLong)n);
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*len = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

typedef int (*reader)(const void *, size_t, const char *, struct cx_cov *, struct cx_ctx *);

/* A read that fails with rc and a message holding needle, leaving a list
 * that already holds a file as it was. */
static void expect_error_n(reader read, const void *data, size_t len, int rc,
                           const char *needle)
{
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_lcov_read("SF:/kept.c\nDA:1,1\nend_of_record\n", 32, NULL, &cov, &ctx),
	                 0);
	assert_int_equal(cov.nfiles, 1);
	int got = read(data, len, "/base", &cov, &ctx);
	if (got != rc)
		fail_msg("result %d, expected %d (message '%s', expected '%s')", got, rc, ctx.msg,
		         needle);
	assert_int_equal(ctx.err, rc);
	if (!strstr(ctx.msg, needle))
		fail_msg("message '%s' lacks '%s'", ctx.msg, needle);
	assert_int_equal(cov.nfiles, 1);
	assert_string_equal(cov.files[0].path, "/kept.c");
	check_line(&cov.files[0], 0, 1, 1);
	cx_cov_release(&cov);
}

static void expect_error(reader read, const char *text, const char *needle)
{
	expect_error_n(read, text, strlen(text), CX_EINVAL, needle);
}

/* ---- gcov JSON ---- */

static void check_y(const struct cx_cov *cov, size_t first)
{
	const struct cx_cov_file *y = &cov->files[first], *h = &cov->files[first + 1];
	assert_string_equal(y->path, "/tmp/demo/src/y.c");
	assert_int_equal(y->nlines, 9);
	check_line(y, 0, 2, 2); /* a() and b(), once each */
	check_line(y, 1, 3, 0);
	check_line(y, 2, 5, 0);
	check_line(y, 3, 6, 0);
	check_line(y, 4, 7, 0);
	check_line(y, 5, 9, 1);
	check_line(y, 6, 12, 1);
	check_line(y, 7, 13, 0);
	check_line(y, 8, 14, 1);
	assert_int_equal(y->nfuncs, 4);
	check_func(y, 0, "a", 2, 2, 1);
	check_func(y, 1, "b", 2, 2, 1);
	check_func(y, 2, "never", 3, 8, 0);
	check_func(y, 3, "main", 9, 15, 1);
	assert_string_equal(h->path, "/tmp/demo/src/sub/h.h");
	assert_int_equal(h->nlines, 2);
	check_line(h, 0, 1, 1);
	check_line(h, 1, 3, 1);
	assert_int_equal(h->nfuncs, 1);
	check_func(h, 0, "hinc", 1, 4, 1);
}

static void check_x(const struct cx_cov_file *x)
{
	static const uint32_t lines[][2] = {{3, 2}, {5, 2}, {8, 1}, {10, 1}, {11, 6},
	                                    {12, 5}, {13, 2}, {14, 1}, {15, 1}};
	assert_string_equal(x->path, "/tmp/demo/src/x.c");
	assert_int_equal(x->nlines, 9);
	for (size_t i = 0; i < 9; i++)
		check_line(x, i, lines[i][0], lines[i][1]);
	assert_int_equal(x->nfuncs, 2);
	check_func(x, 0, "sq", 3, 6, 2);
	check_func(x, 1, "main", 8, 16, 1);
}

static void test_gcov_real(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	/* the data's own working directory wins over base */
	assert_int_equal(cx_gcov_json_read(y_json, strlen(y_json), "/elsewhere", &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 2);
	check_y(&cov, 0);
	/* appended after what is there */
	assert_int_equal(cx_gcov_json_read(x_gz, sizeof x_gz, NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 3);
	check_y(&cov, 0);
	check_x(&cov.files[2]);
	check_release(&cov);
}

static void test_gcov_gzip(void **state)
{
	(void)state;
	struct cx_cov plain = {0}, zipped = {0};
	struct cx_ctx ctx = {0};
	size_t zlen = 0;
	unsigned char *z = gzip(y_json, strlen(y_json), &zlen);
	assert_int_equal(cx_gcov_json_read(y_json, strlen(y_json), NULL, &plain, &ctx), 0);
	assert_int_equal(cx_gcov_json_read(z, zlen, NULL, &zipped, &ctx), 0);
	assert_cov_equal(&plain, &zipped);
	cx_cov_release(&zipped);

	/* two members one after the other (`cat a.gz b.gz`): one document each */
	unsigned char *two = malloc(zlen + sizeof x_gz);
	assert_non_null(two);
	memcpy(two, z, zlen);
	memcpy(two + zlen, x_gz, sizeof x_gz);
	assert_int_equal(cx_gcov_json_read(two, zlen + sizeof x_gz, NULL, &zipped, &ctx), 0);
	assert_int_equal(zipped.nfiles, 3);
	check_y(&zipped, 0);
	check_x(&zipped.files[2]);
	cx_cov_release(&zipped);
	cx_cov_release(&plain);
	free(two);
	free(z);
}

/* What `gcov -j -t y.gcda x.gcda` prints: one document a line. */
static void test_gcov_documents(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	char x_json[4096];
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)x_gz;
	zs.avail_in = sizeof x_gz;
	zs.next_out = (unsigned char *)x_json;
	zs.avail_out = sizeof x_json - 1;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	x_json[sizeof x_json - 1 - zs.avail_out] = '\0';
	inflateEnd(&zs);
	char *both = NULL;
	assert_true(asprintf(&both, "%s\n%s\r\n\n", y_json, x_json) > 0);
	assert_int_equal(cx_gcov_json_read(both, strlen(both), NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 3);
	check_y(&cov, 0);
	check_x(&cov.files[2]);
	cx_cov_release(&cov);
	free(both);
}

/* gcc 14's format 2 (keys as its manual lists them, and more), a number
 * for the version, keys that differ from gcov's only in case. */
static void test_gcov_format2(void **state)
{
	(void)state;
	const char *doc =
		"{\"gcc_version\": \"14.2.0\", \"format_version\": \"2\", \"data_file\": \"a.gcda\","
		" \"current_working_directory\": \"/w/build\", \"unknown\": {\"files\": 1},"
		" \"files\": [{\"file\": \"../src/a.c\", \"File\": \"/wrong.c\","
		"  \"functions\": [{\"blocks\": 4, \"blocks_executed\": 3, \"demangled_name\": \"f_d\","
		"    \"end_column\": 1, \"end_line\": 9, \"execution_count\": 7, \"name\": \"f\","
		"    \"start_column\": 5, \"start_line\": 4, \"Name\": \"F\", \"total\": null}],"
		"  \"lines\": [{\"block_ids\": [2, 3], \"branches\": [{\"count\": 7, \"fallthrough\":"
		"    true, \"throw\": false, \"source_block_id\": 2, \"destination_block_id\": 3}],"
		"    \"calls\": [{\"source_block_id\": 3, \"destination_block_id\": 0,"
		"    \"returned\": 7}], \"conditions\": [{\"count\": 2, \"covered\": 1,"
		"    \"not_covered_false\": [], \"not_covered_true\": [0]}], \"count\": 7,"
		"    \"Count\": 99, \"line_number\": 5, \"function_name\": \"f\","
		"    \"unexecuted_block\": false}, {\"line_number\": 4294967295, \"count\": 1.0}]}]}";
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_gcov_json_read(doc, strlen(doc), NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 1);
	const struct cx_cov_file *f = &cov.files[0];
	assert_string_equal(f->path, "/w/src/a.c");
	assert_int_equal(f->nlines, 2);
	check_line(f, 0, 5, 7);
	check_line(f, 1, UINT32_MAX, 1);
	assert_int_equal(f->nfuncs, 1);
	check_func(f, 0, "f", 4, 9, 7);
	cx_cov_release(&cov);

	const char *num = "{\"format_version\": 2, \"files\": [{\"file\": \"/b.c\", "
	                  "\"functions\": [], \"lines\": []}]}";
	assert_int_equal(cx_gcov_json_read(num, strlen(num), NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 1);
	assert_string_equal(cov.files[0].path, "/b.c");
	assert_int_equal(cov.files[0].nlines, 0);
	assert_int_equal(cov.files[0].nfuncs, 0);
	cx_cov_release(&cov);

	/* what gcov prints for a missing .gcda: no files, no directory */
	const char *none = "{\"gcc_version\": \"12.2.0\", \"files\": [], \"format_version\": \"1\","
	                   " \"data_file\": \"nonexist.gcda\"}";
	assert_int_equal(cx_gcov_json_read(none, strlen(none), NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 0);
	cx_cov_release(&cov);
}

static const char *gcov_path(const char *cwd, const char *file, const char *base,
                             struct cx_cov *cov)
{
	char doc[512];
	struct cx_ctx ctx = {0};
	if (cwd)
		snprintf(doc, sizeof doc, "{\"format_version\": \"1\", \"current_working_directory\":"
		         " \"%s\", \"files\": [{\"file\": \"%s\", \"functions\": [], \"lines\": []}]}",
		         cwd, file);
	else
		snprintf(doc, sizeof doc, "{\"format_version\": \"1\", \"files\": [{\"file\": \"%s\","
		         " \"functions\": [], \"lines\": []}]}", file);
	cx_cov_release(cov);
	assert_int_equal(cx_gcov_json_read(doc, strlen(doc), base, cov, &ctx), 0);
	assert_int_equal(cov->nfiles, 1);
	return cov->files[0].path;
}

static void test_gcov_paths(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	assert_string_equal(gcov_path(NULL, "src/a.c", "/base/dir", &cov), "/base/dir/src/a.c");
	assert_string_equal(gcov_path(NULL, "./src/../src/a.c", NULL, &cov), "src/a.c");
	assert_string_equal(gcov_path(NULL, "../a.c", NULL, &cov), "../a.c");
	assert_string_equal(gcov_path("build", "../a.c", "/p", &cov), "/p/a.c");
	assert_string_equal(gcov_path("", "a.c", "/p", &cov), "/p/a.c");
	assert_string_equal(gcov_path("/w//b/.", "../../../x.c", "/p", &cov), "/x.c");
	assert_string_equal(gcov_path("/w", "/abs//x/./y.c", "/p", &cov), "/abs/x/y.c");
	cx_cov_release(&cov);
}

static const struct cx_cov_file *gcov_one(const char *funcs, const char *lines,
                                          struct cx_cov *cov)
{
	char *doc = NULL;
	struct cx_ctx ctx = {0};
	assert_true(asprintf(&doc, "{\"format_version\": \"1\", \"files\": [{\"file\": \"/c.c\","
	                     " \"functions\": [%s], \"lines\": [%s]}]}", funcs, lines) > 0);
	cx_cov_release(cov);
	int rc = cx_gcov_json_read(doc, strlen(doc), NULL, cov, &ctx);
	if (rc)
		fail_msg("%s", ctx.msg);
	free(doc);
	assert_int_equal(cov->nfiles, 1);
	return &cov->files[0];
}

static void test_gcov_counts(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	/* repeated lines summed, sorted ascending */
	const struct cx_cov_file *f = gcov_one("",
		"{\"line_number\": 9, \"count\": 1}, {\"line_number\": 7, \"count\": 1},"
		"{\"line_number\": 7, \"count\": 2}, {\"line_number\": 1, \"count\": 0},"
		"{\"line_number\": 7, \"count\": 3}", &cov);
	assert_int_equal(f->nlines, 3);
	check_line(f, 0, 1, 0);
	check_line(f, 1, 7, 6);
	check_line(f, 2, 9, 1);
	/* exact up to 2^53; 2^64 and beyond saturate; sums saturate;
	 * negative counts read as 0 */
	f = gcov_one("",
		"{\"line_number\": 1, \"count\": 9007199254740992},"
		"{\"line_number\": 2, \"count\": 18446744073709551615},"
		"{\"line_number\": 3, \"count\": 1e30}, {\"line_number\": 4, \"count\": 1e999},"
		"{\"line_number\": 5, \"count\": 10000000000000000000},"
		"{\"line_number\": 5, \"count\": 10000000000000000000},"
		"{\"line_number\": 6, \"count\": -5}, {\"line_number\": 7, \"count\": -1e999},"
		"{\"line_number\": 8, \"count\": 0}, {\"line_number\": 8, \"count\": -3},"
		"{\"line_number\": 9, \"count\": 4611686018427387904}", &cov);
	assert_int_equal(f->nlines, 9);
	check_line(f, 0, 1, 9007199254740992ull);
	check_line(f, 1, 2, UINT64_MAX);
	check_line(f, 2, 3, UINT64_MAX);
	check_line(f, 3, 4, UINT64_MAX);
	check_line(f, 4, 5, UINT64_MAX);
	check_line(f, 5, 6, 0);
	check_line(f, 6, 7, 0);
	check_line(f, 7, 8, 0);
	check_line(f, 8, 9, 4611686018427387904ull);
	/* functions: sorted by line; an end before the start and a missing
	 * end read as 0; counts as for lines */
	f = gcov_one(
		"{\"name\": \"z\", \"start_line\": 20, \"end_line\": 30, \"execution_count\": 1e20},"
		"{\"name\": \"back\", \"start_line\": 10, \"end_line\": 5, \"execution_count\": -1},"
		"{\"name\": \"noend\", \"start_line\": 3, \"execution_count\": 4},"
		"{\"name\": \"zero\", \"start_line\": 3, \"end_line\": 0, \"execution_count\": 2}",
		"", &cov);
	assert_int_equal(f->nlines, 0);
	assert_int_equal(f->nfuncs, 4);
	check_func(f, 0, "noend", 3, 0, 4);
	check_func(f, 1, "zero", 3, 0, 2);
	check_func(f, 2, "back", 10, 0, 0);
	check_func(f, 3, "z", 20, 30, UINT64_MAX);
	cx_cov_release(&cov);
}

#define GJ(s) cx_gcov_json_read, (s)
#define GFILE(rest) "{\"format_version\": \"1\", \"files\": [" rest "]}"
#define GF(fields) GFILE("{\"file\": \"a.c\", " fields "}")
#define GL(line) GF("\"functions\": [], \"lines\": [" line "]")
#define GFN(fn) GF("\"lines\": [], \"functions\": [" fn "]")

static void test_gcov_errors(void **state)
{
	(void)state;
	expect_error(GJ(""), "gcov JSON: empty input");
	expect_error(GJ(" \n\t\r\n"), "gcov JSON: empty input");
	char cut[120];
	snprintf(cut, sizeof cut, "%.100s", y_json);
	expect_error(GJ(cut), "gcov JSON: malformed JSON at 1:");
	expect_error(GJ("{\"format_version\": \"1\", \"files\": ["), "malformed JSON at 1:34");
	expect_error(GJ("{\"format_version\": \"1\", \"files\": []}\n{"),
	             "malformed JSON at 2:");
	expect_error(GJ("{\"format_version\": \"1\", \"files\": []} x"), "malformed JSON at 1:");
	expect_error(GJ("[]"), "gcov JSON: the top level is not an object");
	expect_error(GJ("{\"files\": []}"), "gcov JSON: missing \"format_version\"");
	expect_error(GJ("{\"format_version\": \"3\", \"files\": []}"),
	             "gcov JSON: unsupported format_version \"3\"");
	expect_error(GJ("{\"format_version\": \"\", \"files\": []}"),
	             "unsupported format_version \"\"");
	expect_error(GJ("{\"format_version\": 1.5, \"files\": []}"),
	             "unsupported format_version 1.5");
	expect_error(GJ("{\"format_version\": true, \"files\": []}"),
	             "format_version is not a string or number");
	expect_error(GJ("{\"Format_version\": \"1\", \"files\": []}"), "missing \"format_version\"");
	expect_error(GJ("{\"format_version\": \"1\"}"), "gcov JSON: missing \"files\"");
	expect_error(GJ("{\"format_version\": \"1\", \"files\": {}}"), "files is not an array");
	expect_error(GJ("{\"format_version\": \"1\", \"current_working_directory\": 5, "
	                "\"files\": []}"), "current_working_directory is not a string");
	expect_error(GJ(GFILE("1")), "gcov JSON: files[0] is not an object");
	expect_error(GJ(GFILE("{\"lines\": [], \"functions\": []}")), "files[0]: missing \"file\"");
	expect_error(GJ(GFILE("{\"file\": 5}")), "files[0].file is not a string");
	expect_error(GJ(GFILE("{\"file\": \"\"}")), "files[0].file is empty");
	expect_error(GJ(GF("\"functions\": []")), "files[0]: missing \"lines\"");
	expect_error(GJ(GF("\"lines\": []")), "files[0]: missing \"functions\"");
	expect_error(GJ(GF("\"functions\": \"x\", \"lines\": []")),
	             "files[0].functions is not an array");
	expect_error(GJ(GF("\"functions\": [], \"lines\": {}")), "files[0].lines is not an array");
	expect_error(GJ(GL("3")), "files[0].lines[0] is not an object");
	expect_error(GJ(GL("{\"count\": 1}")), "files[0].lines[0]: missing \"line_number\"");
	expect_error(GJ(GL("{\"line_number\": 0, \"count\": 1}")),
	             "files[0].lines[0].line_number is out of range");
	expect_error(GJ(GL("{\"line_number\": -1, \"count\": 1}")),
	             "files[0].lines[0].line_number is out of range");
	expect_error(GJ(GL("{\"line_number\": 4294967296, \"count\": 1}")),
	             "files[0].lines[0].line_number is out of range");
	expect_error(GJ(GL("{\"line_number\": \"3\", \"count\": 1}")),
	             "files[0].lines[0].line_number is not a number");
	expect_error(GJ(GL("{\"line_number\": 2.5, \"count\": 1}")),
	             "files[0].lines[0].line_number is not an integer");
	expect_error(GJ(GL("{\"line_number\": 1, \"count\": 1}, {\"line_number\": 2}")),
	             "files[0].lines[1]: missing \"count\"");
	expect_error(GJ(GL("{\"line_number\": 1, \"count\": \"7\"}")),
	             "files[0].lines[0].count is not a number");
	expect_error(GJ(GL("{\"line_number\": 1, \"count\": null}")),
	             "files[0].lines[0].count is not a number");
	expect_error(GJ(GL("{\"line_number\": 1, \"count\": 1.5}")),
	             "files[0].lines[0].count is not an integer");
	expect_error(GJ(GL("{\"line_number\": 1, \"count\": -0.5}")),
	             "files[0].lines[0].count is not an integer");
	expect_error(GJ(GL("{\"line_number\": 1, \"COUNT\": 1}")), "missing \"count\"");
	expect_error(GJ(GFN("[]")), "files[0].functions[0] is not an object");
	expect_error(GJ(GFN("{\"start_line\": 1, \"execution_count\": 1}")),
	             "files[0].functions[0]: missing \"name\"");
	expect_error(GJ(GFN("{\"name\": 1, \"start_line\": 1, \"execution_count\": 1}")),
	             "files[0].functions[0].name is not a string");
	expect_error(GJ(GFN("{\"name\": \"\", \"start_line\": 1, \"execution_count\": 1}")),
	             "files[0].functions[0].name is empty");
	expect_error(GJ(GFN("{\"name\": \"f\", \"execution_count\": 1}")),
	             "files[0].functions[0]: missing \"start_line\"");
	expect_error(GJ(GFN("{\"name\": \"f\", \"start_line\": 0, \"execution_count\": 1}")),
	             "files[0].functions[0].start_line is out of range");
	expect_error(GJ(GFN("{\"name\": \"f\", \"start_line\": 1, \"end_line\": -1, "
	                    "\"execution_count\": 1}")),
	             "files[0].functions[0].end_line is out of range");
	expect_error(GJ(GFN("{\"name\": \"f\", \"start_line\": 1, \"end_line\": \"9\", "
	                    "\"execution_count\": 1}")),
	             "files[0].functions[0].end_line is not a number");
	expect_error(GJ(GFN("{\"name\": \"f\", \"start_line\": 1}")),
	             "files[0].functions[0]: missing \"execution_count\"");
	expect_error(GJ(GFN("{\"name\": \"f\", \"start_line\": 1, \"execution_count\": false}")),
	             "files[0].functions[0].execution_count is not a number");
	/* an error in a later file or document keeps none of the earlier ones */
	expect_error(GJ(GFILE("{\"file\": \"/ok.c\", \"functions\": [], \"lines\": []}, 7")),
	             "files[1] is not an object");
	expect_error(GJ("{\"format_version\": \"1\", \"files\": [{\"file\": \"/ok.c\", "
	                "\"functions\": [], \"lines\": []}]}\n{\"format_version\": \"9\"}"),
	             "unsupported format_version \"9\"");
}

/* A gzip bomb: 1 MiB of zeros deflated after a full flush is a
 * self-contained block, repeated here 1100 times: about 1 MB that
 * inflates to more than CX_MAX_COVERAGE_BYTES (its trailer is never
 * reached). */
static unsigned char *gzip_bomb(size_t *len)
{
	const size_t mib = 1024 * 1024, reps = 1100;
	unsigned char *zeros = calloc(1, mib);
	unsigned char block[2][8192];
	size_t blen[2];
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_non_null(zeros);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
	for (int i = 0; i < 2; i++) { /* [0] with the gzip header, [1] the block alone */
		zs.next_in = zeros;
		zs.avail_in = (uInt)mib;
		zs.next_out = block[i];
		zs.avail_out = sizeof block[i];
		assert_int_equal(deflate(&zs, Z_FULL_FLUSH), Z_OK);
		assert_int_equal(zs.avail_in, 0);
		assert_true(zs.avail_out > 0);
		blen[i] = sizeof block[i] - zs.avail_out;
	}
	deflateEnd(&zs);
	free(zeros);
	unsigned char *out = malloc(blen[0] + blen[1] * (reps - 1));
	assert_non_null(out);
	memcpy(out, block[0], blen[0]);
	for (size_t i = 0; i < reps - 1; i++)
		memcpy(out + blen[0] + i * blen[1], block[1], blen[1]);
	*len = blen[0] + blen[1] * (reps - 1);
	return out;
}

static void test_gcov_gzip_errors(void **state)
{
	(void)state;
	/* truncated anywhere: in the header, the data, the trailer */
	size_t cuts[] = {2, 9, 40, sizeof x_gz / 2, sizeof x_gz - 5, sizeof x_gz - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
		expect_error_n(cx_gcov_json_read, x_gz, cuts[i], CX_EINVAL, "truncated gzip data");
	unsigned char bad[sizeof x_gz + 3];
	memcpy(bad, x_gz, sizeof x_gz);
	bad[sizeof x_gz - 8] ^= 1; /* the CRC-32 */
	expect_error_n(cx_gcov_json_read, bad, sizeof x_gz, CX_EINVAL,
	               "corrupt gzip data (incorrect data check)");
	memcpy(bad, x_gz, sizeof x_gz);
	bad[3] = 0xe0; /* reserved flag bits */
	expect_error_n(cx_gcov_json_read, bad, sizeof x_gz, CX_EINVAL, "corrupt gzip data");
	memcpy(bad, x_gz, sizeof x_gz);
	memcpy(bad + sizeof x_gz, "\n\0\0", 3);
	expect_error_n(cx_gcov_json_read, bad, sizeof x_gz + 3, CX_EINVAL,
	               "gcov JSON: 3 bytes of trailing garbage after the gzip data");
	bad[sizeof x_gz] = 0x1f; /* a second member cut in its magic */
	expect_error_n(cx_gcov_json_read, bad, sizeof x_gz + 1, CX_EINVAL, "trailing garbage");
	size_t zlen;
	unsigned char *z = gzip("", 0, &zlen);
	expect_error_n(cx_gcov_json_read, z, zlen, CX_EINVAL, "gcov JSON: empty input");
	free(z);
	z = gzip("{\"format_version\": \"1\",", 23, &zlen);
	expect_error_n(cx_gcov_json_read, z, zlen, CX_EINVAL, "malformed JSON at 1:");
	free(z);
	z = gzip_bomb(&zlen);
	expect_error_n(cx_gcov_json_read, z, zlen, CX_ELIMIT,
	               "gcov JSON: more than 1073741824 bytes once decompressed");
	free(z);
}

/* ---- lcov ---- */

static void test_lcov_real(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_lcov_read(demo_info, strlen(demo_info), "/ignored", &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 3);
	const struct cx_cov_file *x = &cov.files[0], *y = &cov.files[1], *h = &cov.files[2];
	static const uint32_t xl[][2] = {{3, 2}, {5, 2}, {8, 1}, {10, 1}, {11, 6},
	                                 {12, 5}, {13, 2}, {14, 1}, {15, 1}};
	assert_string_equal(x->path, "/tmp/demo/src/x.c");
	assert_int_equal(x->nlines, 9);
	for (size_t i = 0; i < 9; i++)
		check_line(x, i, xl[i][0], xl[i][1]);
	assert_int_equal(x->nfuncs, 2);
	check_func(x, 0, "sq", 3, 0, 2);
	check_func(x, 1, "main", 8, 0, 1);
	assert_string_equal(y->path, "/tmp/demo/src/y.c");
	assert_int_equal(y->nlines, 9);
	check_line(y, 0, 2, 2);
	check_line(y, 1, 3, 0);
	check_line(y, 4, 7, 0);
	check_line(y, 8, 14, 1);
	assert_int_equal(y->nfuncs, 4);
	check_func(y, 0, "a", 2, 0, 1);
	check_func(y, 1, "b", 2, 0, 1);
	check_func(y, 2, "never", 3, 0, 0);
	check_func(y, 3, "main", 9, 0, 1);
	assert_string_equal(h->path, "/tmp/demo/src/sub/h.h");
	assert_int_equal(h->nlines, 2);
	check_line(h, 0, 1, 1);
	check_line(h, 1, 3, 1);
	assert_int_equal(h->nfuncs, 1);
	check_func(h, 0, "hinc", 1, 0, 1);
	/* the same with CRLF line endings */
	struct cx_cov crlf = {0};
	char *dos = malloc(2 * sizeof demo_info);
	size_t n = 0;
	assert_non_null(dos);
	for (const char *p = demo_info; *p; p++) {
		if (*p == '\n')
			dos[n++] = '\r';
		dos[n++] = *p;
	}
	assert_int_equal(cx_lcov_read(dos, n, NULL, &crlf, &ctx), 0);
	assert_cov_equal(&cov, &crlf);
	cx_cov_release(&crlf);
	free(dos);
	cx_cov_release(&cov);
}

/* lcov 2.x: VER, FN with end lines (2.0), FNL/FNA (2.2 on), summaries,
 * checksums, "-" branch counts, blank lines, no final newline. */
static void test_lcov_v2(void **state)
{
	(void)state;
	const char *info =
		"TN:unit\n"
		"VER:v1\n"
		"SF:src/m.c\n"
		"FN:4,9,alpha\n"
		"FN:12,f(int, char)\n"
		"FNDA:3,alpha\n"
		"FNDA:5,f(int, char)\n"
		"FNF:2\nFNH:2\n"
		"BRDA:5,0,0,-\nBRDA:5,0,1,2\nBRF:2\nBRH:1\n"
		"DA:5,3,kQ2fa7QkQ8ngYZs7ZqvJqg\n"
		"DA:4,3\n"
		"\n"
		"LF:2\nLH:2\n"
		"end_of_record\n"
		"SF:/abs/n.c\n"
		"FNL:0,20,30\n"
		"FNA:0,8,beta\n"
		"FNA:0,8,beta_alias\n"
		"FNL:1,40\n"
		"FNA:1,0,gamma\n"
		"DA:20,8\n"
		"MCDC:20,2,t,1,0,a && b\n"
		"end_of_record";
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_lcov_read(info, strlen(info), "/proj", &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 2);
	const struct cx_cov_file *m = &cov.files[0], *n = &cov.files[1];
	assert_string_equal(m->path, "/proj/src/m.c");
	assert_int_equal(m->nlines, 2);
	check_line(m, 0, 4, 3);
	check_line(m, 1, 5, 3);
	assert_int_equal(m->nfuncs, 2);
	check_func(m, 0, "alpha", 4, 9, 3);
	check_func(m, 1, "f(int, char)", 12, 0, 5);
	assert_string_equal(n->path, "/abs/n.c");
	assert_int_equal(n->nlines, 1);
	check_line(n, 0, 20, 8);
	assert_int_equal(n->nfuncs, 3);
	check_func(n, 0, "beta", 20, 30, 8);
	check_func(n, 1, "beta_alias", 20, 30, 8);
	check_func(n, 2, "gamma", 40, 0, 0);
	cx_cov_release(&cov);
	/* a tab is text; a relative SF without a base is kept relative */
	assert_int_equal(cx_lcov_read("SF:/t\tb.c\nend_of_record\n", 23, NULL, &cov, &ctx), 0);
	assert_string_equal(cov.files[0].path, "/t\tb.c");
	cx_cov_release(&cov);
	assert_int_equal(cx_lcov_read("SF:./a/../b.c\nend_of_record\n", 28, NULL, &cov, &ctx), 0);
	assert_string_equal(cov.files[0].path, "b.c");
	cx_cov_release(&cov);
}

static void test_lcov_llvm(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_lcov_read(llvm_info, strlen(llvm_info), NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 2);
	const struct cx_cov_file *h = &cov.files[0], *y = &cov.files[1];
	assert_string_equal(h->path, "/tmp/demo/src/sub/h.h");
	assert_int_equal(h->nlines, 3);
	check_line(h, 0, 2, 1);
	check_line(h, 2, 4, 1);
	assert_int_equal(h->nfuncs, 1);
	check_func(h, 0, "hinc", 2, 0, 1);
	assert_string_equal(y->path, "/tmp/demo/src/y.c");
	assert_int_equal(y->nlines, 12);
	check_line(y, 0, 2, 1);
	check_line(y, 1, 4, 0);
	check_line(y, 11, 15, 1);
	assert_int_equal(y->nfuncs, 4);
	check_func(y, 0, "a", 2, 0, 1);
	check_func(y, 1, "b", 2, 0, 1);
	check_func(y, 2, "never", 4, 0, 0);
	check_func(y, 3, "main", 10, 0, 1);
	cx_cov_release(&cov);
	/* only a lone ':' ends a prefix */
	const char *names = "SF:/n.c\nFN:1,ns::f(int)\nFN:2,/p/q.c:g\nFN:3,x:\nFN:4,:h\n"
	                    "FN:5,a.c:ns::k\nFNDA:7,/p/q.c:g\nend_of_record\n";
	assert_int_equal(cx_lcov_read(names, strlen(names), NULL, &cov, &ctx), 0);
	const struct cx_cov_file *f = &cov.files[0];
	assert_int_equal(f->nfuncs, 5);
	check_func(f, 0, "ns::f(int)", 1, 0, 0);
	check_func(f, 1, "g", 2, 0, 7);
	check_func(f, 2, "x:", 3, 0, 0);
	check_func(f, 3, "h", 4, 0, 0);
	check_func(f, 4, "ns::k", 5, 0, 0);
	cx_cov_release(&cov);
}

static void test_lcov_counts(void **state)
{
	(void)state;
	const char *info =
		"end_of_record\n" /* stray: ignored */
		"SF:/c.c\n"
		"DA:9,1\nDA:7,1\nDA:7,2\nDA:7,3\n"
		"DA:1,18446744073709551615\n"
		"DA:2,18446744073709551616\n"
		"DA:3,99999999999999999999999999999\n"
		"DA:4,10000000000000000000\nDA:4,10000000000000000000\n"
		"DA:5,-7\n"
		"DA:4294967295,1\n"
		"FN:30,dup\nFN:31,dup\nFNDA:2,dup\nFNDA:3,dup\n"
		"FNDA:9,no_fn\n"
		"FN:40,35,backwards\nFNDA:-1,backwards\n"
		"FN:50,50,one_line\n"
		"FN:60,123\n" /* digits, then no comma: a name */
		"FNA:7,1,no_fnl\n"
		"end_of_record\n"
		"end_of_record\n"
		"TN:after\n";
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_lcov_read(info, strlen(info), NULL, &cov, &ctx), 0);
	assert_int_equal(cov.nfiles, 1);
	const struct cx_cov_file *f = &cov.files[0];
	assert_int_equal(f->nlines, 8);
	check_line(f, 0, 1, UINT64_MAX);
	check_line(f, 1, 2, UINT64_MAX);
	check_line(f, 2, 3, UINT64_MAX);
	check_line(f, 3, 4, UINT64_MAX);
	check_line(f, 4, 5, 0);
	check_line(f, 5, 7, 6);
	check_line(f, 6, 9, 1);
	check_line(f, 7, UINT32_MAX, 1);
	assert_int_equal(f->nfuncs, 4);
	check_func(f, 0, "dup", 30, 0, 5);
	check_func(f, 1, "backwards", 40, 0, 0);
	check_func(f, 2, "one_line", 50, 50, 0);
	check_func(f, 3, "123", 60, 0, 0);
	cx_cov_release(&cov);
}

#define LC(s) cx_lcov_read, (s)

static void test_lcov_errors(void **state)
{
	(void)state;
	expect_error(LC(""), "lcov: empty input");
	expect_error(LC("\n\r\n"), "lcov: no record (SF:...end_of_record) in the input");
	expect_error(LC("TN:x\nBRF:0\n"), "lcov: no record");
	expect_error(LC("hello world\n"), "lcov: line 1: not a record (KEY:value or "
	                                   "end_of_record): 'hello world'");
	expect_error(LC("SF:/a.c\n DA:1,1\n"), "lcov: line 2: not a record");
	expect_error(LC("SF:/a.c\nend_of_record \n"), "line 2: not a record");
	expect_error(LC(":x\n"), "line 1: not a record");
	expect_error(LC("{\"format_version\": \"1\"}"), "line 1: not a record");
	expect_error(LC("TN:\nDA:1,1\n"), "lcov: line 2: DA outside a record (no SF before it)");
	expect_error(LC("FN:1,f\n"), "line 1: FN outside a record");
	expect_error(LC("SF:/a.c\nend_of_record\nFNDA:1,f\n"), "line 3: FNDA outside a record");
	expect_error(LC("FNL:0,1\n"), "line 1: FNL outside a record");
	expect_error(LC("FNA:0,1,f\n"), "line 1: FNA outside a record");
	expect_error(LC("SF:/a.c\nDA:1,1\nSF:/b.c\nend_of_record\n"),
	             "lcov: line 3: SF inside the record opened at line 1 (missing end_of_record)");
	expect_error(LC("TN:\nSF:/a.c\nDA:1,1\n"),
	             "lcov: the input ends inside the record opened at line 2 (missing "
	             "end_of_record: truncated?)");
	expect_error(LC("SF:/a.c\nDA:1,1\nend_of_recor"), "line 3: not a record");
	expect_error_n(cx_lcov_read, "SF:/a\0.c\nend_of_record\n", 23, CX_EINVAL,
	               "lcov: line 1: control character 0x00 (not text)");
	expect_error(LC("SF:/a.c\nFN:1,f\rx\nend_of_record\n"),
	             "lcov: line 2: control character 0x0d (not text)");
	expect_error(LC("SF:/a.c\rDA:1,1\rend_of_record\r"), "line 1: control character 0x0d");
	expect_error(LC("SF:\nend_of_record\n"), "lcov: line 1: SF with an empty path");
	expect_error(LC("SF:/a.c\nDA:0,1\n"), "lcov: line 2: DA: line out of range (lines are 1 "
	                                      "to 4294967295): '0'");
	expect_error(LC("SF:/a.c\nDA:4294967296,1\n"), "DA: line out of range");
	expect_error(LC("SF:/a.c\nDA:x,1\n"), "lcov: line 2: DA: line is not a number: 'x'");
	expect_error(LC("SF:/a.c\nDA:,1\n"), "DA: line is not a number: ''");
	expect_error(LC("SF:/a.c\nDA: 1,1\n"), "DA: line is not a number: ' 1'");
	expect_error(LC("SF:/a.c\nDA:1\n"), "lcov: line 2: DA without a count");
	expect_error(LC("SF:/a.c\nDA:1,abc\n"), "lcov: line 2: DA: count is not an integer: 'abc'");
	expect_error(LC("SF:/a.c\nDA:1,1.5\n"), "DA: count is not an integer: '1.5'");
	expect_error(LC("SF:/a.c\nDA:1,-\n"), "DA: count is not an integer: '-'");
	expect_error(LC("SF:/a.c\nDA:1,\n"), "DA: count is not an integer: ''");
	expect_error(LC("SF:/a.c\nFN:1\n"), "lcov: line 2: FN without a function name");
	expect_error(LC("SF:/a.c\nFN:1,\n"), "FN without a function name");
	expect_error(LC("SF:/a.c\nFN:1,5,\n"), "FN without a function name");
	expect_error(LC("SF:/a.c\nFN:0,f\n"), "FN: line out of range");
	expect_error(LC("SF:/a.c\nFN:f,1\n"), "FN: line is not a number: 'f'");
	expect_error(LC("SF:/a.c\nFN:1,99999999999,f\n"), "FN: end line out of range");
	expect_error(LC("SF:/a.c\nFNDA:x,f\n"), "lcov: line 2: FNDA: count is not an integer: 'x'");
	expect_error(LC("SF:/a.c\nFNDA:1\n"), "lcov: line 2: FNDA without a function name");
	expect_error(LC("SF:/a.c\nFNL:a,1\n"), "lcov: line 2: FNL: index is not a number: 'a'");
	expect_error(LC("SF:/a.c\nFNL:1\n"), "lcov: line 2: FNL without a line");
	expect_error(LC("SF:/a.c\nFNL:1,0\n"), "FNL: line out of range");
	expect_error(LC("SF:/a.c\nFNL:1,2,x\n"), "FNL: end line is not a number: 'x'");
	expect_error(LC("SF:/a.c\nFNA:x,1,f\n"), "lcov: line 2: FNA: index is not a number");
	expect_error(LC("SF:/a.c\nFNA:1\n"), "lcov: line 2: FNA without a count");
	expect_error(LC("SF:/a.c\nFNA:1,2\n"), "FNA without a function name");
	expect_error(LC("SF:/a.c\nFNA:1,z,f\n"), "FNA: count is not an integer: 'z'");
	/* the line number counts CRLF lines too; long text is cut in messages */
	expect_error(LC("TN:\r\nSF:/a.c\r\nDA:1,1,x\r\nDA:q,1\r\n"), "line 4: DA: line is not a "
	                                                          "number: 'q'");
	expect_error(LC("SF:/a.c\nDA:1,1234567890123456789012345678901234567890123456789x\n"),
	             "'1234567890123456789012345678901234567890'");
	/* an error in a later record keeps none of the earlier ones */
	expect_error(LC("SF:/a.c\nend_of_record\nSF:/b.c\nDA:0,0\nend_of_record\n"),
	             "line 4: DA: line out of range");
	/* lcov reads text: a gzip'd tracefile is not one */
	expect_error_n(cx_lcov_read, x_gz, sizeof x_gz, CX_EINVAL,
	               "line 1: control character 0x1f");
}

static void test_limits(void **state)
{
	(void)state;
	/* the size check comes first: the bytes are never touched */
	static const char byte = '{';
	expect_error_n(cx_gcov_json_read, &byte, (size_t)CX_MAX_COVERAGE_BYTES + 1, CX_ELIMIT,
	               "gcov JSON: larger than the limit of 1073741824 bytes");
	expect_error_n(cx_lcov_read, &byte, (size_t)CX_MAX_COVERAGE_BYTES + 1, CX_ELIMIT,
	               "lcov: larger than the limit of 1073741824 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcov_real),      cmocka_unit_test(test_gcov_gzip),
		cmocka_unit_test(test_gcov_documents), cmocka_unit_test(test_gcov_format2),
		cmocka_unit_test(test_gcov_paths),     cmocka_unit_test(test_gcov_counts),
		cmocka_unit_test(test_gcov_errors),    cmocka_unit_test(test_gcov_gzip_errors),
		cmocka_unit_test(test_lcov_real),      cmocka_unit_test(test_lcov_v2),
		cmocka_unit_test(test_lcov_llvm),      cmocka_unit_test(test_lcov_counts),
		cmocka_unit_test(test_lcov_errors),    cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
