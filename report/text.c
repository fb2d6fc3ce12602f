/* text.c: the default report, a ranked table of the most complex functions
 * and a summary (files, functions, degraded and failed files, ccn bands). */
#include <stdlib.h>
#include <string.h>

#include "cx_report.h"

struct cx_ranked *cx_rank(const struct cx_result *res, enum cx_metric m, size_t *n);

static enum cx_metric g_sort; /* qsort has no context argument */

static int cmp_ranked(const void *a, const void *b)
{
	const struct cx_ranked *x = a, *y = b;
	int64_t vx = cx_metric_value(x->fn, g_sort), vy = cx_metric_value(y->fn, g_sort);
	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->fn->ccn != y->fn->ccn)
		return x->fn->ccn > y->fn->ccn ? -1 : 1;
	int c = strcmp(x->file->path, y->file->path);
	if (c)
		return c;
	return x->fn->line < y->fn->line ? -1 : x->fn->line > y->fn->line;
}

struct cx_ranked *cx_rank(const struct cx_result *res, enum cx_metric m, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < res->nfiles; i++)
		total += res->files[i].nfuncs;
	*n = 0;
	if (total == 0)
		return NULL;
	struct cx_ranked *r = malloc(total * sizeof *r);
	if (!r)
		return NULL;
	for (size_t i = 0; i < res->nfiles; i++)
		for (size_t k = 0; k < res->files[i].nfuncs; k++)
			r[(*n)++] = (struct cx_ranked){&res->files[i], &res->files[i].funcs[k]};
	g_sort = m;
	qsort(r, *n, sizeof *r, cmp_ranked);
	return r;
}

static const enum cx_metric columns[] = {
	CX_M_CCN, CX_M_NPATH, CX_M_COGNITIVE, CX_M_MAX_NESTING, CX_M_NLOC, CX_M_PARAMS,
};
static const char *const headers[] = {"ccn", "npath", "cognitive", "nesting", "nloc", "params"};
#define NCOLS (sizeof columns / sizeof columns[0])

static void cell(FILE *out, int64_t v, int width, enum cx_level lvl, bool color)
{
	const char *on = !color ? "" : lvl == CX_LEVEL_ERROR ? "\033[1;31m"
	                             : lvl == CX_LEVEL_WARNING ? "\033[33m" : "";
	fprintf(out, "  %s%*lld%s", on, width, (long long)v, *on ? "\033[0m" : "");
}

static void summary(FILE *out, const struct cx_result *res, size_t nfunc)
{
	size_t bands[4] = {0}, ndeg = 0, nerr = 0;
	for (size_t i = 0; i < res->nfiles; i++) {
		const struct cx_file *f = &res->files[i];
		ndeg += f->status == CX_FILE_DEGRADED;
		nerr += f->status == CX_FILE_ERROR;
		for (size_t k = 0; k < f->nfuncs; k++) {
			uint32_t c = f->funcs[k].ccn;
			bands[c <= 10 ? 0 : c <= 20 ? 1 : c <= 50 ? 2 : 3]++;
		}
	}
	fprintf(out, "\n%zu files, %zu functions, %zu degraded, %zu errors (macros: %s)\n",
	        res->nfiles, nfunc, ndeg, nerr,
	        res->macros == CX_MACROS_EXPAND ? "expand" : "ignore");
	static const char *const names[4] = {"1-10", "11-20", "21-50", ">50"};
	fputs("ccn bands:", out);
	for (int b = 0; b < 4; b++)
		fprintf(out, "  %s %.1f%% (%zu)", names[b],
		        nfunc ? 100.0 * (double)bands[b] / (double)nfunc : 0.0, bands[b]);
	fputc('\n', out);
	for (size_t i = 0; i < res->nfiles; i++) {
		const struct cx_file *f = &res->files[i];
		if (f->status != CX_FILE_OK)
			fprintf(out, "%s %s: %s\n", cx_file_status_name(f->status), f->path,
			        f->ndiags ? f->diags[0] : "");
	}
	const struct cx_scan_stats *st = &res->stats;
	if (st->cached)
		fprintf(out, "%zu TUs: %zu cache hits, %zu parsed; elapsed %.2f s\n", st->tus,
		        st->hits, st->parsed, res->elapsed_s);
	else
		fprintf(out, "%zu TUs parsed (no cache); elapsed %.2f s\n", st->parsed,
		        res->elapsed_s);
}

int cx_report_text(FILE *out, const struct cx_result *res, const struct cx_report_opts *o,
                   struct cx_ctx *ctx)
{
	size_t n = 0;
	struct cx_ranked *r = cx_rank(res, o->sort, &n);
	if (n && !r)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	size_t shown = o->top && o->top < n ? o->top : n;
	int locw = 8, fnw = 8, w[NCOLS];
	char loc[4200];
	for (size_t c = 0; c < NCOLS; c++)
		w[c] = (int)strlen(headers[c]);
	for (size_t i = 0; i < shown; i++) {
		int l = snprintf(loc, sizeof loc, "%s:%u", r[i].file->path, r[i].fn->line);
		locw = l > locw ? l : locw;
		int fl = (int)strlen(r[i].fn->name);
		fnw = fl > fnw ? fl : fnw;
		for (size_t c = 0; c < NCOLS; c++) {
			int vl = snprintf(NULL, 0, "%lld",
			                  (long long)cx_metric_value(r[i].fn, columns[c]));
			w[c] = vl > w[c] ? vl : w[c];
		}
	}
	if (shown) {
		fprintf(out, "%-*s  %-*s", locw, "location", fnw, "function");
		for (size_t c = 0; c < NCOLS; c++)
			fprintf(out, "  %*s", w[c], headers[c]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < shown; i++) {
		snprintf(loc, sizeof loc, "%s:%u", r[i].file->path, r[i].fn->line);
		fprintf(out, "%-*s  %-*s", locw, loc, fnw, r[i].fn->name);
		for (size_t c = 0; c < NCOLS; c++) {
			int64_t v = cx_metric_value(r[i].fn, columns[c]);
			cell(out, v, w[c], cx_threshold_level(cx_default_threshold(columns[c]), v),
			     o->color);
		}
		if (r[i].fn->from_macro)
			fputs("  (body from a macro)", out);
		fputc('\n', out);
	}
	if (shown < n)
		fprintf(out, "... %zu more functions (--top 0 lists all)\n", n - shown);
	summary(out, res, n);
	free(r);
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the report");
	return 0;
}
