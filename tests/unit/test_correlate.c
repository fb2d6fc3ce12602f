/* Unit tests: the join and the math of --correlate (cx_correlate.h) on a
 * hand-built scan and hand-built per-test coverage, every number worked
 * out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_correlate.h"
#include "cx_gcda.h"
#include "cx_record.h"
#include "cx_report.h"

#define TMPDIR_PREFIX "cxscan-test-correlate"
#include "tmpdir.h"

static struct cx_block f1_blocks[] = {
	{CX_K_IF, 3, 6, 1, 6, 8},
	{CX_K_FOR, 7, 9, 1, 3, 4},
	{CX_K_IF, 4, 5, 2, 1, 2},
};
static struct cx_function a_funcs[] = {
	{.name = "f1", .line = 1, .end_line = 10, .ccn = 10, .cognitive = 14, .npath = 64,
	 .blocks = f1_blocks, .nblocks = 3},
	{.name = "f2", .line = 12, .end_line = 14, .ccn = 1, .npath = 1},
	{.name = "f3", .line = 16, .end_line = 18, .ccn = 3, .npath = 3},
};
static struct cx_function t_funcs[] = {
	{.name = "main", .line = 1, .end_line = 5, .ccn = 1, .npath = 1},
};
static struct cx_file files[] = {
	{.path = "src/a.c", .funcs = a_funcs, .nfuncs = 3},
	{.path = "tests/t.c", .funcs = t_funcs, .nfuncs = 1},
};
static struct cx_result res = {.root = "/nonexistent-cx-root", .files = files, .nfiles = 2};

#define A_C "/nonexistent-cx-root/src/a.c"
#define T_C "/nonexistent-cx-root/tests/t.c"

static struct cx_cov_file cov_file(const char *path, const struct cx_cov_line *l, size_t n)
{
	struct cx_cov_file f = {.path = strdup(path), .nlines = n};
	f.lines = malloc(n * sizeof *l);
	memcpy(f.lines, l, n * sizeof *l);
	return f;
}

static void add_file(struct cx_cov *c, struct cx_cov_file f)
{
	c->files = realloc(c->files, (c->nfiles + 1) * sizeof *c->files);
	c->files[c->nfiles++] = f;
}

static void add_run(struct cx_tests *t, const char *name, double dur, bool cpu, double user)
{
	t->v = realloc(t->v, (t->n + 1) * sizeof *t->v);
	struct cx_test_run *r = &t->v[t->n++];
	memset(r, 0, sizeof *r);
	r->id = strdup(name);
	r->name = strdup(name);
	r->duration_s = dur;
	r->has_time = true;
	r->has_cpu = cpu;
	r->user_s = user;
}

/* T1: 2.0 s, user 1.5 s; lines: a.c 2:1000 3:0 13:10, t.c 2:90, other.c
 *     1:100 -> L(T1) = 1200.
 * T2: 1.0 s, no CPU time: a.c 12:5 13:5, t.c 2:10 (d0 = 1.0: its base 0).
 * T3: 3.0 s, no CPU time: a.c 2:50 -> base 3.0 - d0 = 2.0.
 * T4: 5.0 s, no coverage.
 * baseline: a.c 17 and 20 (20 is outside every function). */
static void build_tests(struct cx_tests *t)
{
	memset(t, 0, sizeof *t);
	add_run(t, "T1", 2.0, true, 1.5);
	add_run(t, "T2", 1.0, false, 0);
	add_run(t, "T3", 3.0, false, 0);
	add_run(t, "T4", 5.0, false, 0);
	struct cx_cov_line a1[] = {{2, 1000}, {3, 0}, {13, 10}}, t1[] = {{2, 90}}, o1[] = {{1, 100}};
	add_file(&t->v[0].cov, cov_file(A_C, a1, 3));
	add_file(&t->v[0].cov, cov_file("/nonexistent-cx-root/other.c", o1, 1));
	add_file(&t->v[0].cov, cov_file(T_C, t1, 1));
	struct cx_cov_line a2[] = {{12, 5}, {13, 5}}, t2[] = {{2, 10}};
	add_file(&t->v[1].cov, cov_file(A_C, a2, 2));
	add_file(&t->v[1].cov, cov_file(T_C, t2, 1));
	struct cx_cov_line a3[] = {{2, 50}};
	add_file(&t->v[2].cov, cov_file(A_C, a3, 1));
	for (int i = 0; i < 3; i++)
		t->v[i].has_coverage = true;
	struct cx_cov_line b[] = {{17, 0}, {20, 0}};
	add_file(&t->baseline, cov_file(A_C, b, 2));
}

static void test_math(void **state)
{
	(void)state;
	struct cx_tests t;
	build_tests(&t);
	struct cx_correlation c;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_correlate(&res, &t, NULL, &c, &ctx), 0);
	assert_int_equal(c.nfn, 4);
	assert_int_equal(c.ntest, 4);
	const struct cx_corr_fn *f1 = &c.fn[0], *f2 = &c.fn[1], *f3 = &c.fn[2], *m = &c.fn[3];
	assert_string_equal(f1->name, "f1");
	assert_string_equal(m->path, "tests/t.c");
	assert_true(m->test_code);
	assert_false(f1->test_code);
	assert_true(fabs(c.d0 - 1.0) < 1e-12);
	assert_int_equal(c.tests_without_coverage, 1);
	assert_true(fabs(c.total_s - 11.0) < 1e-12);
	/* f1: A = 1.5 * 1000/1200 + 2.0 = 3.25, H = 32.5, T = 2 + 3,
	 * lines 2 (run) and 3 (not): coverage 0.5, CRAP 100 * 0.125 + 10 */
	assert_true(fabs(f1->attributed_s - 3.25) < 1e-9);
	assert_true(fabs(f1->hot - 32.5) < 1e-9);
	assert_true(fabs(f1->hot_npath - 6 * 3.25) < 1e-9); /* log2(64) = 6 */
	assert_true(fabs(f1->touch_s - 5.0) < 1e-12);
	assert_int_equal(f1->tests, 2);
	assert_int_equal(f1->lines, 2);
	assert_int_equal(f1->lines_hit, 1);
	assert_true(fabs(f1->coverage - 0.5) < 1e-12);
	assert_true(fabs(f1->crap - 22.5) < 1e-9);
	/* f2: A = 1.5 * 10/1200 + 0 (T2's base is 0); touched by T1 and T2 */
	assert_true(fabs(f2->attributed_s - 0.0125) < 1e-12);
	assert_true(fabs(f2->touch_s - 3.0) < 1e-12);
	assert_int_equal(f2->tests, 2);
	assert_true(fabs(f2->coverage - 1.0) < 1e-12);
	assert_true(fabs(f2->crap - 1.0) < 1e-12);
	/* f3: only the baseline knows line 17: coverage 0, CRAP 9 + 3 */
	assert_true(f3->has_cov);
	assert_int_equal(f3->lines, 1);
	assert_int_equal(f3->tests, 0);
	assert_true(fabs(f3->crap - 12.0) < 1e-12);
	assert_true(f3->attributed_s == 0);
	/* the harness and the other file take their shares of T1 */
	assert_true(fabs(c.harness_s - 1.5 * 90 / 1200) < 1e-12);
	assert_true(fabs(c.unmatched_s - 1.5 * 100 / 1200) < 1e-12);
	assert_true(fabs(c.product_s - (3.25 + 0.0125)) < 1e-9);
	/* T1's footprint: (1000 * 10 + 10 * 1) / 1200; its top: f1 then f2 */
	const struct cx_corr_test *t1 = &c.test[0];
	assert_true(fabs(t1->footprint - 10010.0 / 1200) < 1e-9);
	assert_true(fabs(t1->base_s - 1.5) < 1e-12);
	assert_int_equal(t1->ntop, 2);
	assert_int_equal(t1->top[0], 0);
	assert_int_equal(t1->top[1], 1);
	assert_true(fabs(t1->top_s[0] - 1.25) < 1e-9);
	assert_true(fabs(c.test[2].base_s - 2.0) < 1e-12);
	assert_true(c.test[3].base_s == 0);
	/* the most even split of f1 (CC 10): the if of CC 6 leaves 4 and
	 * makes 7 (the for: 7 and 4, not better) */
	assert_int_equal(cx_refactor_block(f1), 0);
	assert_int_equal(cx_refactor_block(f2), -1);

	/* the text report: the sections and the numbers above */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(cx_report_correlate_text(out, &c, &t, 0, &ctx), 0);
	fclose(out);
	assert_non_null(strstr(buf, "   32.5000   10     3.2500s    5.000s     2  50.0%  src/a.c:1 f1\n"));
	assert_non_null(strstr(buf, "      22.5   10  50.0%     2  src/a.c:1 f1\n"));
	assert_non_null(strstr(buf, "      12.0    3   0.0%     0  src/a.c:16 f3\n"));
	assert_non_null(strstr(buf, "1 test without coverage (its time is not attributed): T4"));
	assert_null(strstr(buf, "main"));
	free(buf);
	cx_correlation_release(&c);

	/* in steps, the tests added as they come (no count up front): the
	 * same numbers */
	struct cx_correlation s2;
	assert_int_equal(cx_correlate_begin(&res, NULL, 0, &s2, &ctx), 0);
	for (size_t i = 0; i < t.n; i++)
		assert_int_equal(cx_correlate_add(&s2, i, &t.v[i], &ctx), 0);
	assert_int_equal(cx_correlate_end(&s2, &t, &ctx), 0);
	assert_int_equal(s2.ntest, 4);
	assert_true(fabs(s2.fn[0].attributed_s - 3.25) < 1e-9);
	assert_true(fabs(s2.fn[2].crap - 12.0) < 1e-12);
	assert_true(fabs(s2.test[0].footprint - 10010.0 / 1200) < 1e-9);
	assert_true(fabs(s2.unmatched_s - 1.5 * 100 / 1200) < 1e-12);
	cx_correlation_release(&s2);
	cx_correlation_release(&s2); /* twice is safe */

	/* --test-code globs replace the default: then t.c is product code */
	const char *globs[] = {"nothing/**"};
	struct cx_correlate_opts o = {.test_globs = globs, .ntest_globs = 1};
	assert_int_equal(cx_correlate(&res, &t, &o, &c, &ctx), 0);
	assert_false(c.fn[3].test_code);
	assert_true(c.harness_s == 0);
	cx_correlation_release(&c);
	cx_tests_release(&t);
}

/* With two tests that have CPU times, the smaller is the fixed cost of a
 * test (u0): T1 1.5 - 0.5 = 1.0 s goes to f1, T2 0.5 - 0.5 = 0 to f2. */
static void test_fixed_cost(void **state)
{
	(void)state;
	struct cx_tests t = {0};
	add_run(&t, "T1", 2.0, true, 1.5);
	add_run(&t, "T2", 0.7, true, 0.5);
	/* line 3's count wrapped: left out, not 2^64 - 5 counts of f1 */
	struct cx_cov_line a[] = {{2, 10}, {3, UINT64_MAX - 4}}, b[] = {{12, 10}};
	add_file(&t.v[0].cov, cov_file(A_C, a, 2));
	add_file(&t.v[1].cov, cov_file(A_C, b, 1));
	t.v[0].has_coverage = t.v[1].has_coverage = true;
	struct cx_correlation c;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_correlate(&res, &t, NULL, &c, &ctx), 0);
	assert_true(fabs(c.u0 - 0.5) < 1e-12);
	assert_true(fabs(c.d0 - 0.7) < 1e-12);
	assert_true(fabs(c.fn[0].attributed_s - 1.0) < 1e-12);
	assert_true(c.fn[1].attributed_s == 0);
	assert_int_equal(c.corrupt_lines, 1);
	assert_int_equal(c.fn[0].lines, 1); /* line 3 unknown, not instrumented */
	assert_true(fabs(c.fn[1].touch_s - 0.7) < 1e-12);
	cx_correlation_release(&c);
	cx_tests_release(&t);
}

static void test_fold(void **state)
{
	(void)state;
	struct cx_cov c = {0};
	struct cx_cov_line x[] = {{5, 1}, {7, UINT64_MAX - 1}}, y[] = {{7, 5}, {3, 2}};
	add_file(&c, cov_file("/b.h", x, 2));
	add_file(&c, cov_file("/a.c", x, 1));
	add_file(&c, cov_file("/b.h", y, 2));
	c.files[0].funcs = calloc(1, sizeof *c.files[0].funcs);
	c.files[0].funcs[0] = (struct cx_cov_func){strdup("clamp"), 4, 9, 3};
	c.files[0].nfuncs = 1;
	c.files[2].funcs = calloc(1, sizeof *c.files[2].funcs);
	c.files[2].funcs[0] = (struct cx_cov_func){strdup("clamp"), 4, 9, 4};
	c.files[2].nfuncs = 1;
	assert_int_equal(cx_cov_fold(&c), 0);
	assert_int_equal(c.nfiles, 2);
	assert_string_equal(c.files[0].path, "/a.c");
	const struct cx_cov_file *h = &c.files[1];
	assert_string_equal(h->path, "/b.h");
	assert_int_equal(h->nlines, 3);
	assert_int_equal(h->lines[0].line, 3);
	assert_int_equal(h->lines[1].line, 5);
	assert_int_equal(h->lines[2].line, 7);
	assert_true(h->lines[2].count == UINT64_MAX); /* saturated */
	assert_int_equal(h->nfuncs, 1);
	assert_int_equal(h->funcs[0].count, 7); /* a static inline's copies add up */
	cx_cov_release(&c);
}

/* Real gcc 12.2 .gcda files: other.c's, never entered (counters written
 * compactly as a negative length), and z.c's, whose main ran. */
static const uint8_t gcda_zero[] = {
	0x61, 0x64, 0x63, 0x67, 0x2a, 0x32, 0x32, 0x42, 0x07, 0x26, 0xa6, 0xff, 0x30, 0x92, 0xbb,
	0x3f, 0x00, 0x00, 0x00, 0xa1, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00, 0xde, 0xe2, 0x04, 0x5e, 0xfd,
	0x1f, 0x69, 0xbb, 0x1c, 0xe2, 0x7c, 0xc2, 0x00, 0x00, 0xa1, 0x01, 0xf0, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00};
static const uint8_t gcda_ran[] = {
	0x61, 0x64, 0x63, 0x67, 0x2a, 0x32, 0x32, 0x42, 0xa0, 0x5d, 0x9f, 0xff, 0xb5, 0x34, 0x26,
	0x7e, 0x00, 0x00, 0x00, 0xa1, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00, 0xeb, 0x72, 0x70, 0x06, 0xdf,
	0x87, 0xfd, 0x57, 0x21, 0xf2, 0xed, 0xf1, 0x00, 0x00, 0xa1, 0x01, 0x18, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00,
	0x00, 0x00, 0x10, 0x24, 0x2a, 0x56, 0x88, 0x72, 0xe2, 0x1f, 0x1e, 0xff, 0x3b, 0x3a, 0x00,
	0x00, 0xa1, 0x01, 0xf0, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00,
	0xcc, 0xe5, 0x33, 0x04, 0xdd, 0x46, 0x92, 0xcf, 0x1c, 0xe2, 0x7c, 0xc2, 0x00, 0x00, 0xa1,
	0x01, 0xf0, 0xff, 0xff, 0xff};

static void test_gcda(void **state)
{
	(void)state;
	assert_int_equal(cx_gcda_all_zero(gcda_zero, sizeof gcda_zero), 1);
	assert_int_equal(cx_gcda_all_zero(gcda_ran, sizeof gcda_ran), 0);
	/* the counts of main zeroed by hand: all zero */
	uint8_t b[sizeof gcda_ran];
	memcpy(b, gcda_ran, sizeof b);
	memset(b + 60, 0, 24);
	assert_int_equal(cx_gcda_all_zero(b, sizeof b), 1);
	/* byte-swapped (a big-endian writer): the same answers */
	uint8_t sw[sizeof gcda_ran];
	for (size_t i = 0; i < sizeof sw; i += 4)
		for (int k = 0; k < 4; k++)
			sw[i + k] = gcda_ran[i + 3 - k];
	assert_int_equal(cx_gcda_all_zero(sw, sizeof sw), 0);
	/* cut inside the header or a record: -1 (let gcov judge); cut
	 * between records: what was there (main's counts are bytes 60..83) */
	for (size_t n = 0; n < sizeof gcda_ran; n++) {
		bool boundary = n == 16 || n == 32 || n == 52 || n == 84 || n == 104 || n == 112 ||
		                n == 132 || n == 140;
		int want = n >= 84 ? 0 : boundary ? 1 : -1;
		assert_int_equal(cx_gcda_all_zero(gcda_ran, n), want);
	}
	assert_int_equal(cx_gcda_all_zero("oncg....", 8), -1);
	assert_int_equal(cx_gcda_all_zero("gcov-json and more", 18), -1);
	/* a length beyond the end */
	memcpy(b, gcda_zero, sizeof gcda_zero);
	b[20] = 0xff;
	assert_int_equal(cx_gcda_all_zero(b, sizeof gcda_zero), -1);
}

static void put(const char *rel, const char *text)
{
	char *p = cx_path_join(tmpdir, rel);
	assert_non_null(p);
	assert_int_equal(cx_mkdirs(p, false), 0);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* One object of the database: source s (relative to tmpdir) into target t. */
static char *entry(const char *s, const char *t)
{
	return cx_asprintf("{\"directory\": \"%s/b\", \"file\": \"%s/%s\", \"command\": "
	                   "\"cc -o CMakeFiles/%s.dir/%s.o -c %s/%s\"}",
	                   tmpdir, tmpdir, s, t, s, tmpdir, s);
}

static void expect_list(const struct cx_strv *v, const char *const *rel, size_t n)
{
	assert_int_equal(v->n, n);
	for (size_t i = 0; i < n; i++) {
		char *want = cx_path_join(tmpdir, rel[i]);
		assert_string_equal(v->v[i], want);
		free(want);
	}
}

/* Test code from the build: a source only test targets compile; a tool a
 * test runs is product when the build installs it. */
static void test_build_sources(void **state)
{
	(void)state;
	static const char *const srcs[] = {"lib/a.c", "lib/shared.c", "harness/h.c",
	                                    "tools/tool.c", "tools/gen.c", "t/t1.c"};
	for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++)
		put(srcs[i], "int x;\n");
	char *e[] = {entry("lib/a.c", "lib"), entry("lib/shared.c", "lib"),
	             entry("lib/shared.c", "t1"), entry("harness/h.c", "t1"),
	             entry("t/t1.c", "t1"), entry("tools/tool.c", "tool"),
	             entry("tools/gen.c", "gen")};
	char *db = cx_asprintf("[%s,%s,%s,%s,%s,%s,%s]", e[0], e[1], e[2], e[3], e[4], e[5], e[6]);
	put("b/compile_commands.json", db);
	char *inst = cx_asprintf("file(INSTALL DESTINATION \"${CMAKE_INSTALL_PREFIX}/bin\" TYPE "
	                         "EXECUTABLE FILES \"%s/b/tools/tool\")\n", tmpdir);
	put("b/tools/cmake_install.cmake", inst);
	put("b/CMakeFiles/tool.dir/cmake_install.cmake", "\"/never/read\"\n");
	char *build = cx_path_join(tmpdir, "b");
	/* t1 and the installed tool and gen (not installed) are run by tests */
	char *exes_v[] = {cx_asprintf("%s/b/t1", tmpdir), cx_asprintf("%s/b/tools/tool", tmpdir),
	                  cx_asprintf("%s/b/tools/gen", tmpdir), "/usr/bin/python3"};
	struct cx_strv exes = {exes_v, 4, 4}, test = {0}, product = {0};
	struct cx_ctx ctx = {0};
	bool known = false;
	assert_int_equal(cx_build_test_sources(build, &exes, &test, &product, &known, &ctx), 0);
	assert_true(known);
	static const char *const want_test[] = {"harness/h.c", "t/t1.c", "tools/gen.c"};
	static const char *const want_product[] = {"lib/a.c", "lib/shared.c", "tools/tool.c"};
	expect_list(&test, want_test, 3);
	expect_list(&product, want_product, 3);
	cx_strv_release(&test);
	cx_strv_release(&product);
	/* a database without CMake targets does not tell */
	put("b/compile_commands.json", "[{\"directory\": \"/b\", \"file\": \"a.c\", "
	                               "\"command\": \"cc -o a.o -c a.c\"}]");
	assert_int_equal(cx_build_test_sources(build, &exes, &test, &product, &known, &ctx), 0);
	assert_false(known);
	cx_strv_release(&test);
	cx_strv_release(&product);
	/* a malformed one is an error naming it */
	put("b/compile_commands.json", "[{");
	assert_int_equal(cx_build_test_sources(build, &exes, &test, &product, &known, &ctx),
	                 CX_EINVAL);
	assert_non_null(strstr(ctx.msg, "compile_commands.json:1:"));
	assert_false(known);
	cx_strv_release(&test);
	cx_strv_release(&product);
	/* none: unknown, no error */
	char *dbp = cx_path_join(build, "compile_commands.json");
	assert_int_equal(unlink(dbp), 0);
	assert_int_equal(cx_build_test_sources(build, &exes, &test, &product, &known, &ctx), 0);
	assert_false(known);
	assert_int_equal(test.n + product.n, 0);
	free(dbp);
	for (size_t i = 0; i < 3; i++)
		free(exes_v[i]);
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		free(e[i]);
	free(db);
	free(inst);
	free(build);
}

static void test_manifest_sources(void **state)
{
	(void)state;
	struct cx_strv test = {0}, product = {0};
	bool known = true;
	int err = 0;
	const char *m = "{\"format\": \"cxscan-gcov\", \"version\": 1}";
	assert_null(cx_manifest_sources_parse(m, strlen(m), &test, &product, &known, &err));
	assert_false(known);
	m = "{\"sources\": {\"test\": [\"/t/z.c\", \"/t/a.c\"], \"product\": []}}";
	assert_null(cx_manifest_sources_parse(m, strlen(m), &test, &product, &known, &err));
	assert_true(known);
	assert_int_equal(test.n, 2);
	assert_string_equal(test.v[0], "/t/a.c"); /* sorted */
	assert_int_equal(product.n, 0);
	cx_strv_release(&test);
	static const char *const bad[] = {
		"{\"sources\": []}",
		"{\"sources\": {\"test\": [\"/a.c\"]}}",
		"{\"sources\": {\"test\": [\"rel.c\"], \"product\": []}}",
		"{\"sources\": {\"test\": [1], \"product\": []}}",
		"{\"sources\": {\"test\": [], \"product\": \"/a.c\"}}",
		"[",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = cx_manifest_sources_parse(bad[i], strlen(bad[i]), &test, &product,
		                                            &known, &err);
		assert_non_null(why);
		assert_false(known);
		assert_int_equal(test.n + product.n, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_math),
		cmocka_unit_test(test_fixed_cost),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_gcda),
		cmocka_unit_test(test_build_sources),
		cmocka_unit_test(test_manifest_sources),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
