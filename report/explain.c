/* explain.c: --explain FILE:FUNCTION, every increment of a function with
 * its line and reason (like clang-tidy's DescribeBasicIncrements) and its
 * biggest blocks, the candidates for extraction. */
#include <stdlib.h>
#include <string.h>

#include "cx_report.h"
#include "cx_store.h"

static bool path_matches(const char *path, const char *want)
{
	size_t n = strlen(path), m = strlen(want);
	if (m > n)
		return false;
	if (strcmp(path + n - m, want) != 0)
		return false;
	return m == n || path[n - m - 1] == '/';
}

static void reason(FILE *out, const struct cx_increment *in)
{
	fputs(cx_kind_name(in->kind), out);
	if (in->kind == CX_K_AND || in->kind == CX_K_OR)
		fputs(in->cognitive ? " (starts a sequence)" : " (continues a sequence)", out);
	else if (in->cognitive > 1)
		fprintf(out, " (+%u for nesting)", in->cognitive - 1u);
	else if (in->kind == CX_K_RECURSION)
		fputs(" (on a call cycle)", out);
}

static int cmp_block(const void *a, const void *b)
{
	const struct cx_block *x = a, *y = b;
	if (x->ccn != y->ccn)
		return x->ccn > y->ccn ? -1 : 1;
	if (x->cognitive != y->cognitive)
		return x->cognitive > y->cognitive ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Every increment of fn, one a line after the function entry's. */
static void explain_increments(FILE *out, const struct cx_function *fn)
{
	fputs("  line:col     ccn  cognitive  reason\n", out);
	fprintf(out, "  %-10s  +1   %9s  function entry\n", "", "");
	for (size_t i = 0; i < fn->nincs; i++) {
		const struct cx_increment *in = &fn->incs[i];
		char lc[32], cg[16] = "";
		snprintf(lc, sizeof lc, "%u:%u", in->line, in->column);
		if (in->cognitive)
			snprintf(cg, sizeof cg, "+%u", in->cognitive);
		fprintf(out, "  %-10s  %-3s  %-9s  ", lc, in->ccn ? "+1" : "", cg);
		reason(out, in);
		fputc('\n', out);
	}
}

/* fn's five biggest blocks (by ccn, then cognitive). */
static int explain_blocks(FILE *out, const struct cx_function *fn)
{
	if (fn->nblocks == 0) {
		fputs("  no control blocks\n", out);
		return 0;
	}
	struct cx_block *b = malloc(fn->nblocks * sizeof *b);
	if (!b)
		return CX_ENOMEM;
	memcpy(b, fn->blocks, fn->nblocks * sizeof *b);
	qsort(b, fn->nblocks, sizeof *b, cmp_block);
	fputs("  biggest blocks (extracting one moves its ccn and cognitive out):\n", out);
	for (size_t i = 0; i < fn->nblocks && i < 5; i++)
		fprintf(out, "    %-6s lines %u-%u  depth %u  ccn %u  cognitive %u\n",
		        cx_kind_name(b[i].kind), b[i].line, b[i].end_line, b[i].depth, b[i].ccn,
		        b[i].cognitive);
	free(b);
	return 0;
}

static int explain_one(FILE *out, const struct cx_file *f, const struct cx_function *fn)
{
	fprintf(out, "%s:%u:%u: %s: ccn %u (modified %u), npath %lld, cognitive %u, "
	        "max_nesting %u, nloc %u, statements %u, params %u%s\n",
	        f->path, fn->line, fn->column, fn->name, fn->ccn, fn->ccn_modified,
	        (long long)fn->npath, fn->cognitive, fn->max_nesting, fn->nloc,
	        fn->statements, fn->params, fn->from_macro ? " (body from a macro)" : "");
	if (f->status != CX_FILE_OK) /* a parse with errors may have lost code */
		fprintf(out, "  note: %s is %s, the numbers may be low: %s\n", f->path,
		        cx_file_status_name(f->status), f->ndiags ? f->diags[0] : "");
	explain_increments(out, fn);
	return explain_blocks(out, fn);
}

struct explain_arg {
	FILE *out;
	const char *file, *function;
	size_t found;
};

static int explain_file(void *arg, const struct cx_file *f)
{
	struct explain_arg *a = arg;
	if (a->file && *a->file && !path_matches(f->path, a->file))
		return 0;
	for (size_t k = 0; k < f->nfuncs; k++) {
		if (strcmp(f->funcs[k].name, a->function) != 0)
			continue;
		if (a->found++)
			fputc('\n', a->out);
		if (explain_one(a->out, f, &f->funcs[k]))
			return CX_ENOMEM;
	}
	return 0;
}

int cx_report_explain(FILE *out, const struct cx_result *res, const char *file,
                      const char *function, struct cx_ctx *ctx)
{
	struct explain_arg a = {.out = out, .file = file, .function = function};
	int rc = cx_result_each(res, explain_file, &a);
	if (rc == CX_ENOMEM)
		return cx_error(ctx, rc, "out of memory");
	if (rc)
		return cx_error(ctx, rc, "cannot read the stored results");
	if (!a.found)
		return cx_error(ctx, CX_EINVAL, "no function '%s' in '%s'", function, file);
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the explanation");
	return 0;
}
