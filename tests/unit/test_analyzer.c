/* Unit tests: the analyzer on small sources, for what the golden corpus
 * does not cover: GNU extensions, header functions, limits, blocks,
 * increments, inactive code, degraded and unreadable files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_analyzer.h"
#include "cx_util.h"

#define TMPDIR_PREFIX "cxscan-an"
#include "tmpdir.h"

static void put(const char *name, const char *text)
{
	char *p = cx_asprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fwrite(text, 1, strlen(text), f);
	fclose(f);
	free(p);
}

struct run {
	struct cx_file *files;
	size_t n;
};

static bool reject_all(void *arg, const char *rp, uint32_t line, uint32_t col)
{
	(void)arg; (void)rp; (void)line; (void)col;
	return false;
}

static struct run analyse(const char *name, enum cx_macro_mode mode, cx_header_filter filter)
{
	struct cx_analyzer *an = cx_analyzer_new();
	assert_non_null(an);
	char *path = cx_asprintf("%s/%s", tmpdir, name);
	const char *args[] = {"-std=gnu11", "-w"};
	struct cx_tu_job job = {.path = path, .directory = tmpdir, .args = args, .nargs = 2,
	                        .root = tmpdir, .macros = mode};
	struct run r = {0};
	struct cx_ctx ctx = {0};
	struct cx_tu_out out;
	assert_int_equal(cx_analyzer_run(an, &job, filter, NULL, &out, &ctx), 0);
	r.files = out.files;
	r.n = out.nfiles;
	out.files = NULL;
	out.nfiles = 0;
	cx_tu_out_release(&out);
	cx_analyzer_free(an);
	free(path);
	return r;
}

static void release(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		cx_file_release(&r->files[i]);
	free(r->files);
}

static const struct cx_function *fn(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->files[i].nfuncs; k++)
			if (strcmp(r->files[i].funcs[k].name, name) == 0)
				return &r->files[i].funcs[k];
	fail_msg("no function %s", name);
	return NULL;
}

static void test_gnu_extensions(void **state)
{
	(void)state;
	put("gnu.c",
	    "int elvis(int a, int b)\n{\n    if (a ?: b)\n        return 1;\n    return 0;\n}\n"
	    "int range(int c)\n{\n    switch (c) {\n    case 1 ... 9: return 1;\n"
	    "    default: return 0;\n    }\n}\n"
	    "int stmt_expr(int a)\n{\n    return ({ int t = a; if (t) t++; t; });\n}\n");
	struct run r = analyse("gnu.c", CX_MACROS_IGNORE, NULL);
	const struct cx_function *f = fn(&r, "elvis");
	assert_int_equal(f->ccn, 3);       /* if, ?: */
	assert_int_equal(f->npath, 4);     /* (0 + 0 + 2) + 1 + 1 */
	assert_int_equal(f->cognitive, 1); /* GNU ?: adds none */
	f = fn(&r, "range");
	assert_int_equal(f->ccn, 2); /* a case range counts once */
	assert_int_equal(f->ccn_modified, 2);
	assert_int_equal(f->npath, 2);
	f = fn(&r, "stmt_expr");
	assert_int_equal(f->ccn, 2);
	assert_int_equal(f->npath, 2);     /* the statement expression's paths */
	assert_int_equal(f->cognitive, 2); /* if nested once inside ({ }) */
	assert_int_equal(f->max_nesting, 1);
	release(&r);
}

static void test_signature(void **state)
{
	(void)state;
	put("sig.c", "int v(const char *fmt, ...)\n{\n    return fmt != 0;\n}\n"
	             "int knr(a, b)\n    int a; int b;\n{\n    return a + b;\n}\n"
	             "int none(void) { return 0; }\n"
	             "#define DEF(n) int n(int a) { if (a) return 1; return 0; }\nDEF(gen)\n");
	struct run r = analyse("sig.c", CX_MACROS_IGNORE, NULL);
	const struct cx_function *f = fn(&r, "v");
	assert_int_equal(f->params, 1);
	assert_true(f->variadic);
	f = fn(&r, "knr");
	assert_int_equal(f->params, 2);
	assert_false(f->variadic);
	assert_int_equal(fn(&r, "none")->params, 0);
	f = fn(&r, "gen");
	assert_true(f->from_macro);
	assert_int_equal(f->line, 12);
	assert_int_equal(f->ccn, 1); /* ignore mode: nothing is written in its text */
	release(&r);
	r = analyse("sig.c", CX_MACROS_EXPAND, NULL);
	assert_int_equal(fn(&r, "gen")->ccn, 2);
	release(&r);
}

static void test_blocks_and_increments(void **state)
{
	(void)state;
	put("blk.c", "int blk(int *v, int n)\n{\n    int s = 0;\n"
	             "    for (int i = 0; i < n; i++) {\n"
	             "        if (v[i] > 0 && v[i] < 10)\n            s += v[i];\n    }\n"
	             "    return s;\n}\n");
	struct run r = analyse("blk.c", CX_MACROS_IGNORE, NULL);
	const struct cx_function *f = fn(&r, "blk");
	assert_int_equal(f->ccn, 4);
	assert_int_equal(f->cognitive, 4);
	assert_int_equal(f->npath, 4);
	assert_int_equal(f->statements, 6);
	assert_int_equal(f->max_nesting, 2);
	assert_int_equal(f->nblocks, 2);
	assert_int_equal(f->blocks[0].kind, CX_K_FOR);
	assert_int_equal(f->blocks[0].line, 4);
	assert_int_equal(f->blocks[0].end_line, 7);
	assert_int_equal(f->blocks[0].depth, 1);
	assert_int_equal(f->blocks[0].ccn, 3);
	assert_int_equal(f->blocks[0].cognitive, 4);
	assert_int_equal(f->blocks[1].kind, CX_K_IF);
	assert_int_equal(f->blocks[1].line, 5);
	assert_int_equal(f->blocks[1].end_line, 6);
	assert_int_equal(f->blocks[1].ccn, 2);
	assert_int_equal(f->blocks[1].cognitive, 3);
	assert_int_equal(f->nincs, 3);
	assert_int_equal(f->incs[1].kind, CX_K_IF);
	assert_int_equal(f->incs[1].line, 5);
	assert_int_equal(f->incs[1].column, 9);
	assert_int_equal(f->incs[1].cognitive, 2);
	assert_int_equal(f->incs[1].nesting, 1);
	assert_int_equal(f->incs[2].kind, CX_K_AND);
	release(&r);
}

/* Every increment is where its node starts, whatever the node: a braceless
 * else that is an expression statement, a ternary, && inside a call. */
static void test_increment_positions(void **state)
{
	(void)state;
	put("pos.c", "int g(int);\n"
	             "int pos(int a, int b)\n{\n"
	             "    if (a)\n        return 1;\n    else\n        b++;\n"
	             "    return g(a && b) + (a > 0 ? b : -b);\n}\n");
	struct run r = analyse("pos.c", CX_MACROS_IGNORE, NULL);
	const struct cx_function *f = fn(&r, "pos");
	static const struct {
		enum cx_kind kind;
		uint32_t line, column;
	} want[] = {
		{CX_K_IF, 4, 5}, {CX_K_ELSE, 7, 9}, {CX_K_AND, 8, 14}, {CX_K_TERNARY, 8, 25},
	};
	assert_int_equal(f->nincs, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < f->nincs; i++) {
		assert_int_equal(f->incs[i].kind, want[i].kind);
		assert_int_equal(f->incs[i].line, want[i].line);
		assert_int_equal(f->incs[i].column, want[i].column);
	}
	release(&r);
}

static void test_inactive_code_and_directives(void **state)
{
	(void)state;
	put("pp.c", "int pp(int a)\n{\n#if 0\n    if (a) return 2;\n#endif\n#define X \\\n  1\n"
	            "    return a + X;\n}\n");
	struct run r = analyse("pp.c", CX_MACROS_IGNORE, NULL);
	const struct cx_function *f = fn(&r, "pp");
	assert_int_equal(f->ccn, 1);
	assert_int_equal(f->nloc, 4);
	assert_int_equal(f->tokens, 12);
	assert_int_equal(f->length, 9);
	release(&r);
}

static void test_npath_saturates(void **state)
{
	(void)state;
	char *src = cx_strdup("int many(int a)\n{\n");
	for (int i = 0; i < 70; i++) {
		char *n = cx_asprintf("%s    if (a) a++;\n", src);
		free(src);
		src = n;
	}
	char *n = cx_asprintf("%s    return a;\n}\n", src);
	free(src);
	put("sat.c", n);
	free(n);
	struct run r = analyse("sat.c", CX_MACROS_IGNORE, NULL);
	assert_true(fn(&r, "many")->npath == INT64_MAX);
	assert_int_equal(fn(&r, "many")->ccn, 71);
	release(&r);
}

static void test_headers(void **state)
{
	(void)state;
	put("h.h", "static inline int hmax(int a, int b) { return a > b ? a : b; }\n");
	put("m.c", "#include \"h.h\"\nint use(int a) { return hmax(a, 1); }\n");
	struct run r = analyse("m.c", CX_MACROS_IGNORE, NULL);
	assert_int_equal(r.n, 2);
	assert_non_null(strstr(r.files[0].path, "/m.c"));
	assert_int_equal(r.files[0].nfuncs, 1);
	assert_non_null(strstr(r.files[1].path, "/h.h"));
	assert_string_equal(r.files[1].funcs[0].name, "hmax");
	assert_int_equal(r.files[1].funcs[0].ccn, 2);
	release(&r);
	r = analyse("m.c", CX_MACROS_IGNORE, reject_all);
	assert_int_equal(r.n, 1);
	release(&r);
}

static void test_degraded_and_errors(void **state)
{
	(void)state;
	put("bad.c", "int ok(int a) { if (a) return 1; return 0; }\nint broken(int a) { return a +; }\n");
	struct run r = analyse("bad.c", CX_MACROS_IGNORE, NULL);
	assert_int_equal(r.files[0].status, CX_FILE_DEGRADED);
	assert_true(r.files[0].ndiags >= 1);
	assert_non_null(strstr(r.files[0].diags[0], "bad.c:2:"));
	assert_non_null(strstr(r.files[0].diags[0], "error: "));
	assert_int_equal(fn(&r, "ok")->ccn, 2);
	release(&r);
	char *p = cx_asprintf("%s/nul.c", tmpdir);
	FILE *f = fopen(p, "wb");
	fwrite("int x;\0int y;", 1, 13, f);
	fclose(f);
	free(p);
	r = analyse("nul.c", CX_MACROS_IGNORE, NULL);
	assert_int_equal(r.files[0].status, CX_FILE_ERROR);
	assert_non_null(strstr(r.files[0].diags[0], "not a text file"));
	release(&r);
	r = analyse("missing.c", CX_MACROS_IGNORE, NULL);
	assert_int_equal(r.files[0].status, CX_FILE_ERROR);
	assert_non_null(strstr(r.files[0].diags[0], "cannot read"));
	release(&r);
}

static void test_braceless_branch_counts(void **state)
{
	(void)state;
	put("bl.c", "void f(int a)\n{\n    if (a) while (a) a--;\n}\n");
	struct run r = analyse("bl.c", CX_MACROS_IGNORE, NULL);
	assert_int_equal(fn(&r, "f")->cognitive, 3); /* clang-tidy says 1 */
	release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_extensions), cmocka_unit_test(test_signature),
		cmocka_unit_test(test_blocks_and_increments),
		cmocka_unit_test(test_increment_positions),
		cmocka_unit_test(test_inactive_code_and_directives),
		cmocka_unit_test(test_npath_saturates), cmocka_unit_test(test_headers),
		cmocka_unit_test(test_degraded_and_errors),
		cmocka_unit_test(test_braceless_branch_counts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
