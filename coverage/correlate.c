/* correlate.c: joins the tests' coverage with the scan's functions and
 * computes touch time, attributed time, hot complexity, CRAP and each
 * test's footprint (cx_correlate.h has the formulas).
 *
 * The join is by extent: a coverage line of a file belongs to the scanned
 * function whose lines [name line, end line] hold it, the file matched by
 * real path. That keeps the same-named statics of two files apart, sums a
 * static inline header function over every object that has a copy (the
 * readers' files are merged per path), and needs no name demangling. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cx_correlate.h"
#include "cx_scanner.h"
#include "cx_store.h"

/* One test's L(t,f) and whether it touched f. */
struct acc {
	double l;
	bool touched;
};

/* A scanned file: its functions are fn[first .. first + n). */
struct sfile {
	char *real;
	size_t first, n;
	uint32_t maxline;
	uint8_t *seen; /* per line: 0 not instrumented, 1 instrumented, 2 run */
};

/* A test's L(t,f) of one function (tests are added one by one and their
 * coverage freed; the time they are worth is known only at the end). */
struct share {
	size_t fn;
	double l;
};

struct one {
	struct share *v;
	size_t n;
	double total, unmatched;
};

struct cx_corr_build {
	struct cx_correlation *c;
	const struct cx_correlate_opts *o;
	const char *root;
	struct sfile *f;
	size_t nf, capf;
	size_t capfn;
	struct acc *acc; /* scratch of cx_correlate_add, one a function */
	struct one *per; /* one a test */
	size_t capt;     /* room in per and c->test */
};

static bool default_test_path(const char *path)
{
	static const char *const dirs[] = {"test", "tests", "testing", "unittest", "unittests"};
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		size_t n = (size_t)(slash - p);
		for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
			if (strlen(dirs[i]) == n && strncmp(p, dirs[i], n) == 0)
				return true;
		p = slash + 1;
	}
	size_t n = strlen(p);
	return strncmp(p, "test_", 5) == 0 || (n > 7 && strcmp(p + n - 7, "_test.c") == 0) ||
	       (n > 8 && strcmp(p + n - 8, "_tests.c") == 0);
}

static bool listed(const struct cx_strv *v, const char *real)
{
	return v && cx_strv_has(v, real);
}

static bool matches_a_glob(const struct cx_correlate_opts *o, const char *path)
{
	for (size_t i = 0; i < o->ntest_globs; i++)
		if (cx_glob_match(o->test_globs[i], path))
			return true;
	return false;
}

/* path: as reported (relative to the root); real: its real path. The
 * globs, when given, decide alone; else the lists of test and product
 * sources, then the default path rule. */
static bool is_test_code(const struct cx_correlate_opts *o, const char *path, const char *real)
{
	if (o && o->ntest_globs)
		return matches_a_glob(o, path);
	if (o && listed(o->test_sources, real))
		return true;
	if (o && listed(o->product_sources, real))
		return false;
	return default_test_path(path);
}

static char *real_of(const char *root, const char *path)
{
	char *joined = path[0] == '/' ? cx_path_normalize(path) : cx_path_join(root, path);
	if (!joined)
		return NULL;
	char *r = realpath(joined, NULL);
	if (r) {
		free(joined);
		return r;
	}
	return joined;
}

static int copy_blocks(struct cx_corr_fn *fn, const struct cx_function *g)
{
	if (!g->nblocks)
		return 0;
	if (!(fn->blocks = malloc(g->nblocks * sizeof *fn->blocks)))
		return CX_ENOMEM;
	memcpy(fn->blocks, g->blocks, g->nblocks * sizeof *fn->blocks);
	fn->nblocks = g->nblocks;
	return 0;
}

/* Function g of the scanned file sf (reported as path; test code or not)
 * appended to c->fn, which has room for it. */
static int add_fn(struct cx_correlation *c, struct sfile *sf, const struct cx_function *g,
                  const char *path, bool test)
{
	struct cx_corr_fn *fn = &c->fn[c->nfn];
	memset(fn, 0, sizeof *fn);
	fn->path = path;
	fn->line = g->line;
	fn->end_line = g->end_line < g->line ? g->line : g->end_line;
	fn->ccn = g->ccn;
	fn->cognitive = g->cognitive;
	fn->npath = g->npath;
	fn->test_code = test;
	if (!(fn->name = cx_strdup(g->name)))
		return CX_ENOMEM;
	c->nfn++;
	if (copy_blocks(fn, g))
		return CX_ENOMEM;
	if (fn->end_line > sf->maxline)
		sf->maxline = fn->end_line;
	return 0;
}

static int add_file(void *arg, const struct cx_file *file)
{
	struct cx_corr_build *b = arg;
	struct cx_correlation *c = b->c;
	if (!file->nfuncs)
		return 0;
	if (cx_strv_push(&c->strings, file->path) || cx_grow(&b->f, &b->capf, b->nf + 1, sizeof *b->f) ||
	    cx_grow(&c->fn, &b->capfn, c->nfn + file->nfuncs, sizeof *c->fn))
		return CX_ENOMEM;
	const char *path = c->strings.v[c->strings.n - 1];
	struct sfile *sf = &b->f[b->nf];
	memset(sf, 0, sizeof *sf);
	if (!(sf->real = real_of(b->root, path)))
		return CX_ENOMEM;
	b->nf++;
	sf->first = c->nfn;
	bool test = is_test_code(b->o, path, sf->real);
	for (size_t k = 0; k < file->nfuncs; k++)
		if (add_fn(c, sf, &file->funcs[k], path, test))
			return CX_ENOMEM;
	sf->n = file->nfuncs;
	if (!(sf->seen = calloc((size_t)sf->maxline + 1, 1)))
		return CX_ENOMEM;
	return 0;
}

static int cmp_real(const void *a, const void *b)
{
	return strcmp(((const struct sfile *)a)->real, ((const struct sfile *)b)->real);
}

static struct sfile *find_sfile(struct cx_corr_build *b, const char *real)
{
	struct sfile key = {.real = (char *)real};
	return bsearch(&key, b->f, b->nf, sizeof *b->f, cmp_real);
}

/* The function of sf that holds `line` (functions ascend and do not
 * overlap), or -1. */
static long fn_at(const struct cx_corr_build *b, const struct sfile *sf, uint32_t line)
{
	size_t lo = 0, hi = sf->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cx_corr_fn *fn = &b->c->fn[sf->first + mid];
		if (line < fn->line)
			hi = mid;
		else if (line > fn->end_line)
			lo = mid + 1;
		else
			return (long)(sf->first + mid);
	}
	return -1;
}

/* A line's mark in seen: 2 when it ran, else at least 1 (instrumented). */
static void mark_seen(uint8_t *s, uint64_t count)
{
	if (count > 0)
		*s = 2;
	else if (*s == 0)
		*s = 1;
}

/* One coverage line of a test (its shares in one, its time d) in the
 * scanned file sf (NULL: a file not scanned); *touched counts the
 * functions it ran. */
static void gather_line(struct cx_corr_build *b, struct one *one, struct sfile *sf,
                        const struct cx_cov_line *ln, double d, size_t *touched)
{
	struct cx_correlation *c = b->c;
	/* a counter past 2^63 is a wrapped one (threads updating counters
	 * without atomics): it would take all of the test's time, so it
	 * counts as unknown */
	if (ln->count >= UINT64_C(1) << 63) {
		c->corrupt_lines++;
		return;
	}
	double cnt = (double)ln->count;
	one->total += cnt;
	long fi = sf ? fn_at(b, sf, ln->line) : -1;
	if (fi < 0) {
		one->unmatched += cnt;
		return;
	}
	struct acc *acc = &b->acc[fi];
	if (acc->l == 0 && cnt > 0)
		(*touched)++;
	acc->l += cnt;
	mark_seen(&sf->seen[ln->line], ln->count);
	if (ln->count > 0 && !acc->touched) {
		acc->touched = true;
		c->fn[fi].tests++;
		c->fn[fi].touch_s += d;
	}
}

/* The functions with L(t,f) > 0 (touched of them) from b->acc into one. */
static int keep_shares(const struct cx_corr_build *b, struct one *one, size_t touched)
{
	const struct acc *acc = b->acc;
	if (touched && !(one->v = malloc(touched * sizeof *one->v)))
		return CX_ENOMEM;
	for (size_t f = 0; f < b->c->nfn && one->n < touched; f++)
		if (acc[f].l > 0)
			one->v[one->n++] = (struct share){f, acc[f].l};
	return 0;
}

/* Test ti's line counts: L(t,f) of each function it ran (kept sparse),
 * the touched flags and touch times, the lines seen; the attribution waits
 * for cx_correlate_end (it needs every test's time). */
static int gather(struct cx_corr_build *b, size_t ti, const struct cx_test_run *run, char **reals)
{
	struct one *one = &b->per[ti];
	if (!run->has_coverage)
		return 0;
	double d = run->has_time ? run->duration_s : 0;
	memset(b->acc, 0, b->c->nfn * sizeof *b->acc);
	size_t touched = 0;
	for (size_t i = 0; i < run->cov.nfiles; i++) {
		const struct cx_cov_file *cf = &run->cov.files[i];
		struct sfile *sf = reals[i] ? find_sfile(b, reals[i]) : NULL;
		for (size_t k = 0; k < cf->nlines; k++)
			gather_line(b, one, sf, &cf->lines[k], d, &touched);
	}
	return keep_shares(b, one, touched);
}

/* Share a of function f kept if among the test's three biggest, biggest
 * first. */
static void keep_top(struct cx_corr_test *ct, double a, size_t f)
{
	size_t pos = ct->ntop;
	while (pos > 0 && a > ct->top_s[pos - 1]) {
		if (pos < 3) {
			ct->top_s[pos] = ct->top_s[pos - 1];
			ct->top[pos] = ct->top[pos - 1];
		}
		pos--;
	}
	if (pos >= 3)
		return;
	ct->top_s[pos] = a;
	ct->top[pos] = f;
	if (ct->ntop < 3)
		ct->ntop++;
}

/* Test ti's time over the functions it ran. */
static void attribute(struct cx_corr_build *b, size_t ti, const struct cx_test_run *run)
{
	struct cx_correlation *c = b->c;
	struct cx_corr_test *ct = &c->test[ti];
	const struct one *one = &b->per[ti];
	ct->run = run;
	if (!run->has_coverage)
		return;
	double d = run->has_time ? run->duration_s : 0;
	double base = run->has_cpu ? run->user_s - c->u0 : d - c->d0;
	ct->base_s = base > 0 ? base : 0;
	if (one->total <= 0)
		return;
	c->unmatched_s += ct->base_s * one->unmatched / one->total;
	for (size_t k = 0; k < one->n; k++) {
		size_t f = one->v[k].fn;
		struct cx_corr_fn *fn = &c->fn[f];
		double w = one->v[k].l / one->total, a = ct->base_s * w;
		fn->attributed_s += a;
		if (fn->test_code) {
			c->harness_s += a;
			continue;
		}
		c->product_s += a;
		ct->product_s += a;
		ct->footprint += w * fn->ccn;
		keep_top(ct, a, f);
	}
}

/* The real path of a coverage file (as recorded when it no longer exists);
 * NULL only when out of memory. */
static char *cov_real(const char *path)
{
	char *r = realpath(path, NULL);
	return r ? r : cx_strdup(path);
}

/* The lines the baseline knows are instrumented (seen 1 unless run). */
static int mark_baseline(struct cx_corr_build *b, const struct cx_cov *base)
{
	for (size_t i = 0; i < base->nfiles; i++) {
		const struct cx_cov_file *cf = &base->files[i];
		char *real = cov_real(cf->path);
		if (!real)
			return CX_ENOMEM;
		struct sfile *sf = find_sfile(b, real);
		free(real);
		for (size_t k = 0; sf && k < cf->nlines; k++) {
			uint32_t l = cf->lines[k].line;
			if (l <= sf->maxline && sf->seen[l] == 0 && fn_at(b, sf, l) >= 0)
				sf->seen[l] = 1;
		}
	}
	return 0;
}

static double crap_of(double cc, double cov)
{
	double u = 1 - cov;
	return cc * cc * u * u * u + cc;
}

static void finish(struct cx_corr_build *b)
{
	struct cx_correlation *c = b->c;
	for (size_t i = 0; i < b->nf; i++) {
		const struct sfile *sf = &b->f[i];
		for (size_t k = 0; k < sf->n; k++) {
			struct cx_corr_fn *fn = &c->fn[sf->first + k];
			for (uint32_t l = fn->line; l <= fn->end_line && l <= sf->maxline; l++) {
				fn->lines += sf->seen[l] != 0;
				fn->lines_hit += sf->seen[l] == 2;
			}
			fn->has_cov = fn->lines > 0;
			fn->coverage = fn->lines ? (double)fn->lines_hit / fn->lines : 0;
			fn->hot = fn->ccn * fn->attributed_s;
			fn->hot_npath = (fn->npath > 1 ? log2((double)fn->npath) : 0) * fn->attributed_s;
			fn->crap = crap_of(fn->ccn, fn->coverage);
		}
	}
}

static void build_release(struct cx_corr_build *b, size_t ntests)
{
	for (size_t i = 0; i < b->nf; i++) {
		free(b->f[i].real);
		free(b->f[i].seen);
	}
	free(b->f);
	free(b->acc);
	for (size_t t = 0; b->per && t < ntests && t < b->capt; t++)
		free(b->per[t].v);
	free(b->per);
	free(b);
}

/* Room for tests [0, n) in c->test and b->per (zeroed). */
static int room(struct cx_corr_build *b, size_t n)
{
	struct cx_correlation *c = b->c;
	if (n <= b->capt)
		return 0;
	size_t cap = n < 2 * b->capt ? 2 * b->capt : n;
	struct cx_corr_test *t = realloc(c->test, cap * sizeof *t);
	if (!t)
		return CX_ENOMEM;
	c->test = t;
	struct one *p = realloc(b->per, cap * sizeof *p);
	if (!p)
		return CX_ENOMEM;
	b->per = p;
	memset(c->test + b->capt, 0, (cap - b->capt) * sizeof *t);
	memset(b->per + b->capt, 0, (cap - b->capt) * sizeof *p);
	b->capt = cap;
	return 0;
}

int cx_correlate_begin(const struct cx_result *res, const struct cx_correlate_opts *o,
                       size_t ntests, struct cx_correlation *out, struct cx_ctx *ctx)
{
	memset(out, 0, sizeof *out);
	struct cx_corr_build *b = calloc(1, sizeof *b);
	int rc = b ? 0 : CX_ENOMEM;
	if (b) {
		*b = (struct cx_corr_build){.c = out, .o = o, .root = res->root};
		out->st = b;
		rc = cx_result_each(res, add_file, b);
	}
	if (rc == 0 && b->nf)
		qsort(b->f, b->nf, sizeof *b->f, cmp_real);
	if (rc == 0 && (room(b, ntests + 1) || !(b->acc = calloc(out->nfn + 1, sizeof *b->acc))))
		rc = CX_ENOMEM;
	out->ntest = ntests;
	if (rc) {
		cx_correlation_release(out);
		return cx_error(ctx, rc, rc == CX_ENOMEM ? "out of memory"
		                                         : "cannot read the stored results");
	}
	return 0;
}

int cx_correlate_add(struct cx_correlation *c, size_t ti, const struct cx_test_run *run,
                     struct cx_ctx *ctx)
{
	struct cx_corr_build *b = c->st;
	if (!b)
		return cx_error(ctx, CX_EINVAL, "no correlation begun");
	if (room(b, ti + 1))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	if (ti >= c->ntest)
		c->ntest = ti + 1;
	char **reals = run->cov.nfiles ? calloc(run->cov.nfiles, sizeof *reals) : NULL;
	if (run->cov.nfiles && !reals)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	for (size_t i = 0; i < run->cov.nfiles; i++)
		reals[i] = cov_real(run->cov.files[i].path);
	int rc = gather(b, ti, run, reals);
	for (size_t i = 0; i < run->cov.nfiles; i++)
		free(reals[i]);
	free(reals);
	return rc ? cx_error(ctx, rc, "out of memory") : 0;
}

/* v into the smallest (*min) of the *n values seen so far. */
static void track_min(double *min, size_t *n, double v)
{
	if ((*n)++ == 0 || v < *min)
		*min = v;
}

/* The total time, the tests without coverage, and d0, u0: the shortest
 * test with coverage, the cost of running any test (with one test,
 * nothing to compare with: 0). */
static void sum_tests(struct cx_correlation *c, const struct cx_tests *tests)
{
	double d0 = -1, u0 = -1;
	size_t nd = 0, nu = 0;
	for (size_t t = 0; t < tests->n; t++) {
		const struct cx_test_run *r = &tests->v[t];
		c->total_s += r->has_time ? r->duration_s : 0;
		c->tests_without_coverage += !r->has_coverage;
		if (!r->has_coverage)
			continue;
		if (r->has_time)
			track_min(&d0, &nd, r->duration_s);
		if (r->has_cpu)
			track_min(&u0, &nu, r->user_s);
	}
	c->d0 = nd >= 2 ? d0 : 0;
	c->u0 = nu >= 2 ? u0 : 0;
}

int cx_correlate_end(struct cx_correlation *c, const struct cx_tests *tests, struct cx_ctx *ctx)
{
	struct cx_corr_build *b = c->st;
	if (!b || tests->n < c->ntest)
		return cx_error(ctx, CX_EINVAL, "the tests are not the correlation's");
	if (room(b, tests->n + 1)) {
		cx_correlation_release(c);
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	c->ntest = tests->n;
	sum_tests(c, tests);
	for (size_t t = 0; t < tests->n; t++) {
		attribute(b, t, &tests->v[t]);
		c->base_total_s += c->test[t].base_s;
	}
	int rc = mark_baseline(b, &tests->baseline);
	if (rc == 0)
		finish(b);
	build_release(b, b->capt);
	c->st = NULL;
	if (rc) {
		cx_correlation_release(c);
		return cx_error(ctx, rc, "out of memory");
	}
	return 0;
}

int cx_correlate(const struct cx_result *res, const struct cx_tests *tests,
                 const struct cx_correlate_opts *o, struct cx_correlation *out,
                 struct cx_ctx *ctx)
{
	int rc = cx_correlate_begin(res, o, tests->n, out, ctx);
	for (size_t t = 0; rc == 0 && t < tests->n; t++)
		rc = cx_correlate_add(out, t, &tests->v[t], ctx);
	if (rc == 0)
		rc = cx_correlate_end(out, tests, ctx);
	else
		cx_correlation_release(out);
	return rc;
}

void cx_correlation_release(struct cx_correlation *c)
{
	if (c->st)
		build_release(c->st, c->st->capt);
	for (size_t i = 0; i < c->nfn; i++) {
		free(c->fn[i].name);
		free(c->fn[i].blocks);
	}
	free(c->fn);
	free(c->test);
	cx_strv_release(&c->strings);
	memset(c, 0, sizeof *c);
}

long cx_refactor_block(const struct cx_corr_fn *fn)
{
	long best = -1;
	uint32_t best_max = fn->ccn;
	for (size_t i = 0; i < fn->nblocks; i++) {
		const struct cx_block *k = &fn->blocks[i];
		if (k->depth < 1 || k->ccn < 2 || k->ccn >= fn->ccn)
			continue;
		/* what stays: the function less the block's decisions; the new
		 * function: 1 + the block's decisions */
		uint32_t stay = fn->ccn - k->ccn, moved = 1 + k->ccn;
		uint32_t worst = stay > moved ? stay : moved;
		if (worst < best_max) {
			best_max = worst;
			best = (long)i;
		}
	}
	return best;
}
