/* correlate.c: the text report of `--correlate` (the JSON one is json.c's
 * with the correlation's fields added). Sections: the complex functions
 * that drive slow tests (by H), complex untested code (by CRAP), slow
 * tests and the complex code they run, refactoring suggestions, and the
 * time that could not be attributed. */
#include <stdlib.h>
#include <string.h>

#include "cx_correlate.h"
#include "cx_report.h"

#define TOP_DEFAULT 10

struct view {
	const struct cx_correlation *c;
	size_t *idx;
	size_t n;
};

static const struct cx_correlation *sort_c;

static int by_hot(const void *a, const void *b)
{
	const struct cx_corr_fn *x = &sort_c->fn[*(const size_t *)a], *y = &sort_c->fn[*(const size_t *)b];
	if (x->hot != y->hot)
		return x->hot < y->hot ? 1 : -1;
	int s = strcmp(x->path, y->path);
	return s ? s : (x->line > y->line) - (x->line < y->line);
}

static int by_crap(const void *a, const void *b)
{
	const struct cx_corr_fn *x = &sort_c->fn[*(const size_t *)a], *y = &sort_c->fn[*(const size_t *)b];
	if (x->crap != y->crap)
		return x->crap < y->crap ? 1 : -1;
	int s = strcmp(x->path, y->path);
	return s ? s : (x->line > y->line) - (x->line < y->line);
}

static int by_duration(const void *a, const void *b)
{
	const struct cx_corr_test *x = &sort_c->test[*(const size_t *)a];
	const struct cx_corr_test *y = &sort_c->test[*(const size_t *)b];
	double dx = x->run->has_time ? x->run->duration_s : 0;
	double dy = y->run->has_time ? y->run->duration_s : 0;
	if (dx != dy)
		return dx < dy ? 1 : -1;
	return strcmp(x->run->name, y->run->name);
}

/* The product functions passing keep(), ranked by cmp (not thread-safe:
 * the comparators read sort_c). */
static int ranked(const struct cx_correlation *c, bool (*keep)(const struct cx_corr_fn *),
                  int (*cmp)(const void *, const void *), struct view *v)
{
	v->c = c;
	v->n = 0;
	v->idx = malloc((c->nfn + 1) * sizeof *v->idx);
	if (!v->idx)
		return CX_ENOMEM;
	for (size_t i = 0; i < c->nfn; i++)
		if (!c->fn[i].test_code && keep(&c->fn[i]))
			v->idx[v->n++] = i;
	sort_c = c;
	qsort(v->idx, v->n, sizeof *v->idx, cmp);
	return 0;
}

static bool hot_kept(const struct cx_corr_fn *f) { return f->hot > 0; }
static bool crap_kept(const struct cx_corr_fn *f) { return f->coverage < 1 && f->ccn > 1; }

static void cov_str(char *buf, size_t n, const struct cx_corr_fn *f)
{
	if (f->has_cov)
		snprintf(buf, n, "%5.1f%%", 100.0 * f->coverage);
	else
		snprintf(buf, n, "%6s", "-");
}

static void section_hot(FILE *out, const struct view *v, size_t top)
{
	fprintf(out, "\nComplex functions that drive slow tests (H = CC x attributed time)\n");
	if (!v->n) {
		fputs("  none: no product function has attributed time\n", out);
		return;
	}
	fprintf(out, "  %10s %4s %11s %9s %5s %6s  %s\n", "H", "CC", "attributed", "touch", "tests",
	        "cover", "function");
	for (size_t i = 0; i < v->n && i < top; i++) {
		const struct cx_corr_fn *f = &v->c->fn[v->idx[i]];
		char cov[16];
		cov_str(cov, sizeof cov, f);
		fprintf(out, "  %10.4f %4u %10.4fs %8.3fs %5zu %6s  %s:%u %s\n", f->hot, f->ccn,
		        f->attributed_s, f->touch_s, f->tests, cov, f->path, f->line, f->name);
	}
}

static void section_crap(FILE *out, const struct view *v, size_t top)
{
	fprintf(out, "\nComplex untested code (CRAP = CC^2 x (1 - coverage)^3 + CC; > 30 is crappy)\n");
	if (!v->n) {
		fputs("  none: every function with decisions is fully covered\n", out);
		return;
	}
	fprintf(out, "  %8s %4s %6s %5s  %s\n", "CRAP", "CC", "cover", "tests", "function");
	for (size_t i = 0; i < v->n && i < top; i++) {
		const struct cx_corr_fn *f = &v->c->fn[v->idx[i]];
		char cov[16];
		cov_str(cov, sizeof cov, f);
		fprintf(out, "  %8.1f %4u %6s %5zu  %s:%u %s%s\n", f->crap, f->ccn, cov, f->tests, f->path,
		        f->line, f->name, f->has_cov ? "" : "  (no coverage data for it)");
	}
}

/* A time right-aligned in 9 columns ("1.234s"), "?" when unknown. */
static void time_str(char *buf, size_t n, bool known, double s)
{
	if (known)
		snprintf(buf, n, "%8.3fs", s);
	else
		snprintf(buf, n, "%9s", "?");
}

/* The percentage of test t's time its k-th biggest share is. */
static double share_pct(const struct cx_corr_test *t, size_t k)
{
	return t->base_s > 0 ? 100.0 * t->top_s[k] / t->base_s : 0.0;
}

/* Where test t's time goes: its biggest shares, or that it has no
 * coverage. */
static void test_top(FILE *out, const struct cx_correlation *c, const struct cx_corr_test *t)
{
	if (!t->run->has_coverage)
		fputs("no coverage (it wrote none: crashed or timed out?)", out);
	for (size_t k = 0; k < t->ntop; k++) {
		const struct cx_corr_fn *f = &c->fn[t->top[k]];
		fprintf(out, "%s%s (CC %u, %.0f%%)", k ? ", " : "", f->name, f->ccn, share_pct(t, k));
	}
}

static void section_tests(FILE *out, const struct cx_correlation *c, size_t *order, size_t top)
{
	fprintf(out, "\nSlow tests and the complex code they run (footprint = sum of share x CC)\n");
	fprintf(out, "  %9s %9s %-7s %9s  %-30s %s\n", "duration", "user", "status", "footprint",
	        "test", "where its time goes");
	for (size_t i = 0; i < c->ntest && i < top; i++) {
		const struct cx_corr_test *t = &c->test[order[i]];
		const struct cx_test_run *r = t->run;
		char dur[32], usr[32];
		time_str(dur, sizeof dur, r->has_time, r->duration_s);
		time_str(usr, sizeof usr, r->has_cpu, r->user_s);
		fprintf(out, "  %s %s %-7s %9.2f  %-30s ", dur, usr, cx_test_status_name(r->status),
		        t->footprint, r->name);
		test_top(out, c, t);
		fputc('\n', out);
	}
}

static const char *why_of(const struct cx_corr_fn *f)
{
	bool hot = f->hot > 0, untested = f->coverage < 1;
	return hot && untested ? "hot and partly untested" : hot ? "hot" : "untested";
}

/* The functions to split: the top three by H and by CRAP with CC > 10. */
static size_t pick_refactor(const struct view *hot, const struct view *crap, size_t picked[6])
{
	const struct view *vs[2] = {hot, crap};
	size_t np = 0;
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0, taken = 0; i < vs[s]->n && taken < 3; i++) {
			size_t fi = vs[s]->idx[i];
			if (vs[s]->c->fn[fi].ccn <= 10)
				continue;
			bool dup = false;
			for (size_t k = 0; k < np; k++)
				dup = dup || picked[k] == fi;
			if (!dup)
				picked[np++] = fi;
			taken++;
		}
	return np;
}

/* What to extract from f, one sentence (no line break). */
static void suggestion(FILE *out, const struct cx_corr_fn *f)
{
	long b = cx_refactor_block(f);
	if (b < 0) {
		fputs("no single block splits it: its decisions are side by side (a table or a "
		      "dispatch may fit better)", out);
		return;
	}
	const struct cx_block *bl = &f->blocks[b];
	fprintf(out, "extract the %s block of lines %u-%u: CC %u stays (cognitive at least %u), the "
	        "new function gets CC %u (cognitive at most %u)", cx_kind_name(bl->kind), bl->line,
	        bl->end_line, f->ccn - bl->ccn,
	        f->cognitive > bl->cognitive ? f->cognitive - bl->cognitive : 0, 1 + bl->ccn,
	        bl->cognitive);
}

static void section_refactor(FILE *out, const struct view *hot, const struct view *crap)
{
	fprintf(out, "\nRefactoring suggestions (CC > 10, the top by H and by CRAP)\n");
	size_t picked[6], np = pick_refactor(hot, crap, picked);
	for (size_t k = 0; k < np; k++) {
		const struct cx_corr_fn *f = &hot->c->fn[picked[k]];
		fprintf(out, "  %s:%u %s (CC %u, cognitive %u; %s)\n    ", f->path, f->line, f->name,
		        f->ccn, f->cognitive, why_of(f));
		suggestion(out, f);
		fputc('\n', out);
	}
	if (!np)
		fputs("  none: no top function has CC > 10\n", out);
}

/* Time of tests with coverage outside what was attributed (I/O, kernel,
 * the fixed cost of a test). */
static double outside_s(const struct cx_correlation *c)
{
	double io = 0;
	for (size_t i = 0; i < c->ntest; i++) {
		const struct cx_test_run *r = c->test[i].run;
		if (r->has_coverage && r->has_time && r->duration_s > c->test[i].base_s)
			io += r->duration_s - c->test[i].base_s;
	}
	return io;
}

/* The names of the tests without coverage (the first 10), after `lead`. */
static void no_coverage_list(FILE *out, const struct cx_correlation *c, const char *lead,
                             void (*name)(FILE *, const char *))
{
	if (!c->tests_without_coverage)
		return;
	fprintf(out, "%s%zu test%s without coverage (%s time is not attributed):", lead,
	        c->tests_without_coverage, c->tests_without_coverage == 1 ? "" : "s",
	        c->tests_without_coverage == 1 ? "its" : "their");
	for (size_t i = 0, k = 0; i < c->ntest && k < 10; i++)
		if (!c->test[i].run->has_coverage) {
			fputs(k++ ? ", " : " ", out);
			name(out, c->test[i].run->name);
		}
	fputc('\n', out);
}

static void plain_name(FILE *out, const char *s)
{
	fputs(s, out);
}

static void section_unattributed(FILE *out, const struct cx_correlation *c)
{
	fprintf(out, "\nNot attributed to product functions\n");
	fprintf(out, "  %9.3fs outside the attributed time (I/O, kernel, and the fixed cost of a test: "
	        "%.3fs of CPU, %.3fs of duration)\n", outside_s(c), c->u0, c->d0);
	fprintf(out, "  %9.3fs in test and harness code\n", c->harness_s);
	fprintf(out, "  %9.3fs on lines outside every scanned function (other files, libraries)\n",
	        c->unmatched_s);
	if (c->corrupt_lines)
		fprintf(out, "  %zu line count%s of 2^63 or more left out (counters wrapped: threads "
		        "updating them without -fprofile-update=atomic?)\n", c->corrupt_lines,
		        c->corrupt_lines == 1 ? "" : "s");
	no_coverage_list(out, c, "  ", plain_name);
}

/* The rankings every report of the correlation shows. */
struct views {
	struct view hot, crap;
	size_t *order; /* tests by duration, longest first */
	size_t product; /* product functions */
};

static void views_release(struct views *v)
{
	free(v->order);
	free(v->hot.idx);
	free(v->crap.idx);
}

static int views_make(const struct cx_correlation *c, struct views *v)
{
	memset(v, 0, sizeof *v);
	v->order = malloc((c->ntest + 1) * sizeof *v->order);
	if (!v->order || ranked(c, hot_kept, by_hot, &v->hot) ||
	    ranked(c, crap_kept, by_crap, &v->crap)) {
		views_release(v);
		return CX_ENOMEM;
	}
	for (size_t i = 0; i < c->ntest; i++)
		v->order[i] = i;
	sort_c = c;
	qsort(v->order, c->ntest, sizeof *v->order, by_duration);
	for (size_t i = 0; i < c->nfn; i++)
		v->product += !c->fn[i].test_code;
	return 0;
}

int cx_report_correlate_text(FILE *out, const struct cx_correlation *c, const struct cx_tests *t,
                             size_t top, struct cx_ctx *ctx)
{
	struct views v;
	if (views_make(c, &v))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	if (!top)
		top = TOP_DEFAULT;
	fprintf(out, "%zu tests (%zu with coverage), %.3f s; %zu product and %zu test functions; "
	        "%.3f s attributed to product code\n", c->ntest, c->ntest - c->tests_without_coverage,
	        c->total_s, v.product, c->nfn - v.product, c->product_s);
	for (size_t i = 0; i < t->warnings.n; i++)
		fprintf(out, "warning: %s\n", t->warnings.v[i]);
	section_hot(out, &v.hot, top);
	section_crap(out, &v.crap, top);
	section_tests(out, c, v.order, top);
	section_refactor(out, &v.hot, &v.crap);
	section_unattributed(out, c);
	views_release(&v);
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the report");
	return 0;
}

/* ---- markdown (a pull request comment) ---- */

/* Text in a table cell or a list: the characters markdown would take for
 * markup are escaped, line breaks become spaces. */
static void md_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_{}[]<>()#+-!|~", *s))
			fputc('\\', out);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
	}
}

static void md_fn(FILE *out, const struct cx_corr_fn *f)
{
	md_text(out, f->path);
	fprintf(out, ":%u ", f->line);
	md_text(out, f->name);
}

static void md_cov(FILE *out, const struct cx_corr_fn *f)
{
	if (f->has_cov)
		fprintf(out, "%.0f%%", 100.0 * f->coverage);
	else
		fputs("no data", out);
}

static void md_hot(FILE *out, const struct cx_correlation *c, const struct view *hot, size_t top)
{
	fputs("\n**Complex functions that drive slow tests** (H = CC × attributed time)\n\n"
	      "| H | CC | attributed | touch | tests | coverage | function |\n"
	      "|---:|---:|---:|---:|---:|---:|---|\n", out);
	for (size_t i = 0; i < hot->n && i < top; i++) {
		const struct cx_corr_fn *f = &c->fn[hot->idx[i]];
		fprintf(out, "| %.4f | %u | %.4f s | %.3f s | %zu | ", f->hot, f->ccn, f->attributed_s,
		        f->touch_s, f->tests);
		md_cov(out, f);
		fputs(" | ", out);
		md_fn(out, f);
		fputs(" |\n", out);
	}
}

static void md_crap(FILE *out, const struct cx_correlation *c, const struct view *crap,
                    size_t top)
{
	fputs("\n**Complex untested code** (CRAP = CC² × (1 − coverage)³ + CC)\n\n"
	      "| CRAP | CC | coverage | tests | function |\n|---:|---:|---:|---:|---|\n", out);
	for (size_t i = 0; i < crap->n && i < top; i++) {
		const struct cx_corr_fn *f = &c->fn[crap->idx[i]];
		fprintf(out, "| %.1f | %u | ", f->crap, f->ccn);
		md_cov(out, f);
		fprintf(out, " | %zu | ", f->tests);
		md_fn(out, f);
		fputs(" |\n", out);
	}
}

/* One row of the slow tests' table. */
static void md_test(FILE *out, const struct cx_correlation *c, const struct cx_corr_test *ct)
{
	if (ct->run->has_time)
		fprintf(out, "| %.3f s ", ct->run->duration_s);
	else
		fputs("| ? ", out);
	fprintf(out, "| %s | %.2f | ", cx_test_status_name(ct->run->status), ct->footprint);
	md_text(out, ct->run->name);
	fputs(" | ", out);
	if (!ct->run->has_coverage)
		fputs("no coverage", out);
	for (size_t k = 0; k < ct->ntop; k++) {
		fputs(k ? ", " : "", out);
		md_text(out, c->fn[ct->top[k]].name);
		fprintf(out, " (%.0f%%)", share_pct(ct, k));
	}
	fputs(" |\n", out);
}

static void md_tests(FILE *out, const struct cx_correlation *c, const size_t *order, size_t top)
{
	fputs("\n**Slow tests**\n\n| duration | status | footprint | test | where its time goes |\n"
	      "|---:|---|---:|---|---|\n", out);
	for (size_t i = 0; i < c->ntest && i < top; i++)
		md_test(out, c, &c->test[order[i]]);
}

static void md_refactor(FILE *out, const struct cx_correlation *c, const struct views *v)
{
	size_t picked[6], np = pick_refactor(&v->hot, &v->crap, picked);
	if (np)
		fputs("\n**Refactoring suggestions**\n\n", out);
	for (size_t k = 0; k < np; k++) {
		const struct cx_corr_fn *f = &c->fn[picked[k]];
		fputs("- ", out);
		md_fn(out, f);
		fprintf(out, " (CC %u, %s): ", f->ccn, why_of(f));
		suggestion(out, f);
		fputc('\n', out);
	}
}

static void md_unattributed(FILE *out, const struct cx_correlation *c)
{
	fprintf(out, "\n<details><summary>Not attributed</summary>\n\n"
	        "- %.3f s outside the attributed time (I/O, kernel, the fixed cost of a test)\n"
	        "- %.3f s in test and harness code\n- %.3f s outside every scanned function\n",
	        outside_s(c), c->harness_s, c->unmatched_s);
	no_coverage_list(out, c, "- ", md_text);
	fputs("\n</details>\n", out);
}

int cx_report_correlate_markdown(FILE *out, const struct cx_correlation *c,
                                 const struct cx_tests *t, size_t top, struct cx_ctx *ctx)
{
	struct views v;
	if (views_make(c, &v))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	if (!top)
		top = TOP_DEFAULT;
	fprintf(out, "### cxscan: complexity and tests\n\n%zu tests (%zu with coverage), %.3f s; "
	        "%.3f s attributed to product code.\n", c->ntest, c->ntest - c->tests_without_coverage,
	        c->total_s, c->product_s);
	for (size_t i = 0; i < t->warnings.n; i++) {
		fputs("\n> warning: ", out);
		md_text(out, t->warnings.v[i]);
		fputc('\n', out);
	}
	md_hot(out, c, &v.hot, top);
	md_crap(out, c, &v.crap, top);
	md_tests(out, c, v.order, top);
	md_refactor(out, c, &v);
	md_unattributed(out, c);
	views_release(&v);
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the report");
	return 0;
}
