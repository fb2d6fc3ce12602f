/* text.c: the default report, a ranked table of the most complex functions
 * and a summary (files, functions, degraded and failed files, ccn bands).
 * Files are read one at a time; only the functions listed are kept. */
#include <stdlib.h>
#include <string.h>

#include "cx_report.h"
#include "cx_store.h"
#include "cx_util.h"

static const enum cx_metric columns[] = {
	CX_M_CCN, CX_M_NPATH, CX_M_COGNITIVE, CX_M_MAX_NESTING, CX_M_NLOC, CX_M_PARAMS,
};
static const char *const headers[] = {"ccn", "npath", "cognitive", "nesting", "nloc", "params"};
#define NCOLS (sizeof columns / sizeof columns[0])

/* A ranked function, copied out of its file (files are read one at a time
 * from the result store). */
struct rec {
	char *path, *name;
	uint32_t line, ccn;
	bool from_macro;
	int64_t key;          /* the ranking metric */
	int64_t vals[NCOLS];
};

/* Whether x ranks before y: the metric descending, then ccn descending,
 * path, line, name. */
static bool before(const struct rec *x, const struct rec *y)
{
	if (x->key != y->key)
		return x->key > y->key;
	if (x->ccn != y->ccn)
		return x->ccn > y->ccn;
	int c = strcmp(x->path, y->path);
	if (c)
		return c < 0;
	if (x->line != y->line)
		return x->line < y->line;
	return strcmp(x->name, y->name) < 0; /* functions a macro made on one line */
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* The `top` best functions (all when top is 0): with a limit, a heap whose
 * root is the last kept one, so memory stays at `top` records. */
struct ranking {
	enum cx_metric sort;
	size_t top;
	struct rec *v;
	size_t n, cap;
	struct cx_strv bad; /* "status path: first diagnostic" of files not ok */
};

static void rec_free(struct rec *r)
{
	free(r->path);
	free(r->name);
}

static void sift_down(struct ranking *rk, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < rk->n && before(&rk->v[w], &rk->v[l]))
			w = l;
		if (r < rk->n && before(&rk->v[w], &rk->v[r]))
			w = r;
		if (w == i)
			return;
		struct rec t = rk->v[i];
		rk->v[i] = rk->v[w];
		rk->v[w] = t;
		i = w;
	}
}

static void sift_up(struct ranking *rk, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!before(&rk->v[p], &rk->v[i]))
			return;
		struct rec t = rk->v[i];
		rk->v[i] = rk->v[p];
		rk->v[p] = t;
		i = p;
	}
}

static int offer(struct ranking *rk, const struct cx_file *f, const struct cx_function *fn)
{
	/* compared with the borrowed path first; copied only when kept */
	struct rec r = {.path = f->path, .name = fn->name, .line = fn->line, .ccn = fn->ccn,
	                .from_macro = fn->from_macro, .key = cx_metric_value(fn, rk->sort)};
	bool full = rk->top && rk->n == rk->top;
	if (full && !before(&r, &rk->v[0]))
		return 0;
	for (size_t c = 0; c < NCOLS; c++)
		r.vals[c] = cx_metric_value(fn, columns[c]);
	r.path = cx_strdup(f->path);
	r.name = r.path ? cx_strdup(fn->name) : NULL;
	if (!r.name) {
		free(r.path);
		return CX_ENOMEM;
	}
	if (full) {
		rec_free(&rk->v[0]);
		rk->v[0] = r;
		sift_down(rk, 0);
		return 0;
	}
	if (cx_grow(&rk->v, &rk->cap, rk->n + 1, sizeof *rk->v)) {
		rec_free(&r);
		return CX_ENOMEM;
	}
	rk->v[rk->n++] = r;
	if (rk->top)
		sift_up(rk, rk->n - 1);
	return 0;
}

static int rank_file(void *arg, const struct cx_file *f)
{
	struct ranking *rk = arg;
	for (size_t k = 0; k < f->nfuncs; k++) {
		int rc = offer(rk, f, &f->funcs[k]);
		if (rc)
			return rc;
	}
	if (f->status == CX_FILE_OK)
		return 0;
	return cx_strv_push_owned(&rk->bad, cx_asprintf("%s %s: %s", cx_file_status_name(f->status),
	                                                f->path, f->ndiags ? f->diags[0] : ""));
}

static void ranking_release(struct ranking *rk)
{
	for (size_t i = 0; i < rk->n; i++)
		rec_free(&rk->v[i]);
	free(rk->v);
	cx_strv_release(&rk->bad);
}

static void cell(FILE *out, int64_t v, int width, enum cx_level lvl, bool color)
{
	const char *on = !color ? "" : lvl == CX_LEVEL_ERROR ? "\033[1;31m"
	                             : lvl == CX_LEVEL_WARNING ? "\033[33m" : "";
	fprintf(out, "  %s%*lld%s", on, width, (long long)v, *on ? "\033[0m" : "");
}

static void summary(FILE *out, const struct cx_result *res, const struct cx_totals *t,
                    const struct ranking *rk)
{
	size_t nfunc = t->functions;
	fprintf(out, "\n%zu files, %zu functions, %zu degraded, %zu errors (macros: %s)\n",
	        t->files, nfunc, t->degraded, t->errors,
	        res->macros == CX_MACROS_EXPAND ? "expand" : "ignore");
	static const char *const names[4] = {"1-10", "11-20", "21-50", ">50"};
	fputs("ccn bands:", out);
	for (int b = 0; b < 4; b++)
		fprintf(out, "  %s %.1f%% (%zu)", names[b],
		        nfunc ? 100.0 * (double)t->bands[b] / (double)nfunc : 0.0, t->bands[b]);
	fputc('\n', out);
	for (size_t i = 0; i < rk->bad.n; i++)
		fprintf(out, "%s\n", rk->bad.v[i]);
	const struct cx_scan_stats *st = &res->stats;
	if (st->cached)
		fprintf(out, "%zu TUs: %zu cache hits, %zu parsed; elapsed %.2f s\n", st->tus,
		        st->hits, st->parsed, res->elapsed_s);
	else
		fprintf(out, "%zu TUs parsed (no cache); elapsed %.2f s\n", st->parsed,
		        res->elapsed_s);
}

/* The widths of the table's columns. */
struct widths {
	int loc, fn, col[NCOLS];
};

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* The widths the listed functions need, at least the headers'. */
static void measure(const struct ranking *rk, struct widths *w)
{
	char loc[4200];
	w->loc = 8;
	w->fn = 8;
	for (size_t c = 0; c < NCOLS; c++)
		w->col[c] = (int)strlen(headers[c]);
	for (size_t i = 0; i < rk->n; i++) {
		const struct rec *r = &rk->v[i];
		w->loc = max_int(snprintf(loc, sizeof loc, "%s:%u", r->path, r->line), w->loc);
		w->fn = max_int((int)strlen(r->name), w->fn);
		for (size_t c = 0; c < NCOLS; c++)
			w->col[c] = max_int(snprintf(NULL, 0, "%lld", (long long)r->vals[c]), w->col[c]);
	}
}

static void print_header(FILE *out, const struct widths *w)
{
	fprintf(out, "%-*s  %-*s", w->loc, "location", w->fn, "function");
	for (size_t c = 0; c < NCOLS; c++)
		fprintf(out, "  %*s", w->col[c], headers[c]);
	fputc('\n', out);
}

static void print_row(FILE *out, const struct rec *r, const struct widths *w, bool color)
{
	char loc[4200];
	snprintf(loc, sizeof loc, "%s:%u", r->path, r->line);
	fprintf(out, "%-*s  %-*s", w->loc, loc, w->fn, r->name);
	for (size_t c = 0; c < NCOLS; c++) {
		int64_t v = r->vals[c];
		cell(out, v, w->col[c], cx_threshold_level(cx_default_threshold(columns[c]), v), color);
	}
	if (r->from_macro)
		fputs("  (body from a macro)", out);
	fputc('\n', out);
}

/* The ranked functions (sorted), under a header when there are any. */
static void print_table(FILE *out, const struct ranking *rk, bool color)
{
	struct widths w;
	measure(rk, &w);
	if (rk->n)
		print_header(out, &w);
	for (size_t i = 0; i < rk->n; i++)
		print_row(out, &rk->v[i], &w, color);
}

int cx_report_text(FILE *out, const struct cx_result *res, const struct cx_report_opts *o,
                   struct cx_ctx *ctx)
{
	struct cx_totals t;
	cx_result_totals(res, &t);
	struct ranking rk = {.sort = o->sort, .top = o->top};
	int rc = cx_result_each(res, rank_file, &rk);
	if (rc) {
		ranking_release(&rk);
		return cx_error(ctx, rc, rc == CX_ENOMEM ? "out of memory"
		                                         : "cannot read the stored results");
	}
	if (rk.n > 1)
		qsort(rk.v, rk.n, sizeof *rk.v, cmp_rec);
	print_table(out, &rk, o->color);
	if (rk.n < t.functions)
		fprintf(out, "... %zu more functions (--top 0 lists all)\n", t.functions - rk.n);
	summary(out, res, &t, &rk);
	ranking_release(&rk);
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the report");
	return 0;
}
