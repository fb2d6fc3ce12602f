/* modes.c: the scan and explain modes: resolve the root and paths, run the
 * scan, write the report (to -o FILE through a temporary file and rename,
 * so that a failed run never leaves half a report). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_correlate.h"
#include "cx_findings.h"
#include "cx_record.h"
#include "cx_report.h"
#include "internal.h"

typedef int (*writer_fn)(FILE *, const struct cx_result *, const struct cx_report_opts *,
                         struct cx_ctx *);

static int write_report(const struct cx_options *o, const struct cx_result *res,
                        const struct cx_correlation *corr, const struct cx_tests *tests,
                        struct cx_ctx *ctx)
{
	static const writer_fn writers[] = {
		[CX_FMT_TEXT] = cx_report_text, [CX_FMT_JSON] = cx_report_json,
		[CX_FMT_CSV] = cx_report_csv,
	};
	const char *nc = getenv("NO_COLOR");
	bool color = !(nc && *nc) && !o->output &&
	             (o->color == CX_COLOR_ALWAYS || (o->color == CX_COLOR_AUTO && isatty(1)));
	struct cx_report_opts ro = {
		.tool_version = CX_VERSION, .clang_version = res->clang_version, .top = o->top,
		.sort = o->sort, .color = color, .stats = o->stats, .corr = corr, .tests = tests,
	};
	struct cx_outfile of;
	if (cx_outfile_open(&of, o->output, ctx))
		return ctx->err;
	FILE *out = of.f;
	int rc;
	if (corr && o->format == CX_FMT_TEXT)
		rc = cx_report_correlate_text(out, corr, tests, o->top, ctx);
	else if (corr && o->format == CX_FMT_MARKDOWN)
		rc = cx_report_correlate_markdown(out, corr, tests, o->top, ctx);
	else if (o->format < sizeof writers / sizeof writers[0] && writers[o->format])
		rc = writers[o->format](out, res, &ro, ctx);
	else
		rc = cx_error(ctx, CX_EINVAL, "no such report format here");
	return cx_outfile_close(&of, rc, ctx);
}

static void print_stats(const struct cx_scan_stats *st, double wall)
{
	fprintf(stderr,
	        "stats: %zu TUs: %zu cache hits, %zu misses, %zu parsed (-j %zu%s%s)\n"
	        "stats: discovery %.3f s, stat+hash %.3f s, cache lookups %.3f s\n"
	        "stats: parsing %.3f s, analysis %.3f s (summed over workers)\n"
	        "stats: merge %.3f s, cache writes %.3f s, output %.3f s\n"
	        "stats: files read %llu, stat'ed %llu; wall %.3f s; peak RSS %ld KiB\n",
	        st->tus, st->hits, st->misses, st->parsed, st->jobs,
	        st->cached ? "" : ", no cache", st->memo ? ", merged result from the cache" : "",
	        st->discovery_s, st->stat_hash_s, st->lookup_s,
	        st->parse_s, st->analysis_s, st->merge_s, st->store_s, st->output_s,
	        (unsigned long long)st->files_read, (unsigned long long)st->files_stated, wall,
	        st->peak_rss_kb);
}

/* --list-tus: what libclang would get for each TU, as JSON lines. */
static int list_tus(const struct prepared *pr, struct cx_ctx *ctx)
{
	struct cx_sources srcs;
	int rc = cx_sources_discover(&pr->so, NULL, &srcs, ctx);
	if (rc)
		return rc;
	for (size_t i = 0; i < srcs.n; i++) {
		const struct cx_source *s = &srcs.v[i];
		cx_json_line(stdout, s->path, s->directory, (const char *const *)s->args, s->nargs);
	}
	cx_sources_release(&srcs);
	if (fflush(stdout) != 0 || ferror(stdout))
		return cx_error(ctx, CX_EIO, "cannot write the list of TUs");
	return 0;
}

static int scan_usage(const struct cx_options *o, struct cx_ctx *ctx)
{
	if (o->ngates)
		return cx_error(ctx, CX_EINVAL, "--fail-on %s needs --correlate DIR", o->gates[0].text);
	return 0;
}

/* The findings report replaces the metrics report on stdout (-o) with a
 * findings --format, or markdown outside --correlate; --changed-only
 * (hook mode) defaults to gcc. */
static bool findings_main(const struct cx_options *o)
{
	return o->findings_format >= 0 || o->format == CX_FMT_MARKDOWN || o->changed_only;
}

/* After the scan: the metrics report unless the findings take stdout, then
 * the gate. */
static int report_and_gate(const struct cx_options *o, const struct prepared *pr,
                           struct cx_result *res, bool *failed, struct cx_ctx *ctx)
{
	double t0 = cx_mono_s();
	int rc = findings_main(o) ? 0 : write_report(o, res, NULL, NULL, ctx);
	if (rc == 0)
		rc = cx_gate(o, pr, res, findings_main(o), NULL, NULL, failed, ctx);
	res->stats.output_s = cx_mono_s() - t0;
	return rc;
}

static void print_parse_only(const struct cx_options *o, const struct cx_result *res)
{
	const struct cx_scan_stats *st = &res->stats;
	if (!o->quiet)
		fprintf(stderr, "parsed %zu TUs (%zu with errors) in %.3f s with -j %zu\n", st->parsed,
		        st->parse_errors, res->elapsed_s, st->jobs);
}

/* The scan, then its report and gate (or --parse-only's line), and
 * --stats. */
static int scan_and_report(const struct cx_options *o, struct prepared *pr,
                           struct cx_result *res, bool *failed, struct cx_ctx *ctx)
{
	int rc = cx_scan_run(&pr->so, res, ctx);
	if (rc == 0 && o->parse_only)
		print_parse_only(o, res);
	else if (rc == 0)
		rc = report_and_gate(o, pr, res, failed, ctx);
	if (rc == 0 && o->stats)
		print_stats(&res->stats, res->elapsed_s + res->stats.output_s);
	return rc;
}

int cx_mode_scan(const struct cx_options *o, struct cx_ctx *ctx)
{
	if (o->explain_rule)
		return cx_explain_rule(o->explain_rule, stdout, ctx) ? CX_EXIT_USAGE : CX_EXIT_OK;
	struct prepared pr = {0};
	struct cx_result res = {0};
	bool failed = false;
	int rc = scan_usage(o, ctx);
	if (rc == 0)
		rc = cx_prepare(o, &o->paths, &pr, ctx);
	if (rc == 0)
		rc = o->list_tus ? list_tus(&pr, ctx) : scan_and_report(o, &pr, &res, &failed, ctx);
	cx_result_release(&res);
	cx_prepared_release(&pr);
	return rc ? CX_EXIT_USAGE : failed ? CX_EXIT_FINDINGS : CX_EXIT_OK;
}

/* The paths --explain scans: the PATHs given, else FILE alone when it is
 * a source file on disk (reported relative to . unless --root says). */
static int explain_paths(const struct cx_options *o, const char *file, struct cx_strv *paths,
                         struct cx_options *local)
{
	*local = *o;
	for (size_t i = 0; i < o->paths.n; i++)
		if (cx_strv_push(paths, o->paths.v[i]))
			return CX_ENOMEM;
	size_t n = strlen(file);
	if (paths->n || access(file, R_OK) != 0 || n <= 2 || strcmp(file + n - 2, ".c") != 0)
		return 0;
	if (!o->root)
		local->root = ".";
	return cx_strv_push(paths, file);
}

int cx_mode_explain(const struct cx_options *o, struct cx_ctx *ctx)
{
	const char *colon = strrchr(o->explain, ':');
	char *file = cx_strndup(o->explain, (size_t)(colon - o->explain));
	const char *func = colon + 1;
	struct cx_strv paths = {0};
	struct prepared pr = {0};
	struct cx_result res = {0};
	struct cx_options local;
	int rc = file ? explain_paths(o, file, &paths, &local) : CX_ENOMEM;
	if (rc)
		rc = cx_error(ctx, rc, "out of memory");
	if (rc == 0)
		rc = cx_prepare(&local, &paths, &pr, ctx);
	/* before the scan: libclang may change the working directory */
	char abs[PATH_MAX];
	char *rel = rc == 0 && realpath(file, abs) ? cx_path_relative(pr.root, abs) : NULL;
	if (rc == 0)
		rc = cx_scan_run(&pr.so, &res, ctx);
	if (rc == 0)
		rc = cx_report_explain(stdout, &res, rel ? rel : file, func, ctx);
	free(rel);
	cx_result_release(&res);
	cx_prepared_release(&pr);
	cx_strv_release(&paths);
	free(file);
	return rc ? CX_EXIT_USAGE : CX_EXIT_OK;
}

/* The product functions crossing each --fail-on gate, one line each on
 * stderr; returns how many crossings. */
static size_t check_gates(const struct cx_options *o, const struct cx_correlation *c)
{
	size_t n = 0;
	for (size_t g = 0; g < o->ngates; g++) {
		const struct cx_gate *gt = &o->gates[g];
		for (size_t i = 0; i < c->nfn; i++) {
			const struct cx_corr_fn *f = &c->fn[i];
			bool crossed = !f->test_code &&
			               (gt->kind == CX_GATE_CRAP  ? f->crap > gt->limit
			                : gt->kind == CX_GATE_HOT ? f->hot > gt->limit
			                                          : f->ccn > gt->limit &&
			                                                f->attributed_s > gt->attributed);
			if (!crossed)
				continue;
			n++;
			fprintf(stderr,
			        "%s:%u: %s: --fail-on %s: CC %u, CRAP %.1f, H %.4f, attributed %.4f s\n",
			        f->path, f->line, f->name, gt->text, f->ccn, f->crap, f->hot,
			        f->attributed_s);
		}
	}
	return n;
}

struct join {
	struct cx_correlation *corr;
	struct cx_ctx *ctx;
};

static int join_test(void *arg, size_t i, const struct cx_test_run *run)
{
	struct join *j = arg;
	return cx_correlate_add(j->corr, i, run, j->ctx);
}

/* --correlate DIR --build-dir B: gcov on the raw .gcda files first. */
static int gcov_first(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct cx_strv gw = {0};
	struct cx_record_summary s;
	int rc = cx_gcov_convert(o->build_dir, o->correlate, cx_jobs_of(o), &gw, &s, ctx);
	for (size_t i = 0; rc == 0 && !o->quiet && i < gw.n; i++)
		fprintf(stderr, "cxscan: warning: %s\n", gw.v[i]);
	if (rc == 0 && !o->quiet && s.gcov_runs)
		fprintf(stderr, "gcov: %zu of %zu new .gcda files counted something (%zu runs) in %.2f s\n",
		        s.gcda - s.gcda_zero, s.gcda, s.gcov_runs, s.gcov_s);
	cx_strv_release(&gw);
	return rc;
}

/* What a correlation run holds. */
struct corr_run {
	struct prepared pr;
	struct cx_result res;
	struct cx_correlation corr;
	struct cx_tests tests;
	struct cx_strv test_src, product_src;
	size_t *by_place; /* corr.fn indexes sorted by (path, line, name) */
};

static void corr_run_release(struct corr_run *r)
{
	cx_correlation_release(&r->corr);
	cx_result_release(&r->res);
	cx_strv_release(&r->test_src);
	cx_strv_release(&r->product_src);
	cx_prepared_release(&r->pr);
	cx_tests_release(&r->tests);
	free(r->by_place);
}

/* The scan first, then each test's coverage joined as it is read and
 * freed (memory holds a batch of tests, not all). */
static int correlate_join(const struct cx_options *o, struct corr_run *r, struct cx_ctx *ctx)
{
	bool known = false;
	int rc = cx_prepare(o, &o->paths, &r->pr, ctx);
	if (rc == 0)
		rc = cx_scan_run(&r->pr.so, &r->res, ctx);
	if (rc == 0 && !o->test_code.n)
		rc = cx_manifest_sources(o->correlate, &r->test_src, &r->product_src, &known, ctx);
	struct cx_correlate_opts co = {
		.test_globs = (const char *const *)o->test_code.v, .ntest_globs = o->test_code.n,
		.test_sources = known ? &r->test_src : NULL,
		.product_sources = known ? &r->product_src : NULL,
	};
	struct join j = {.corr = &r->corr, .ctx = ctx};
	if (rc == 0)
		rc = cx_correlate_begin(&r->res, &co, 0, &r->corr, ctx);
	if (rc == 0)
		rc = cx_tests_load_each(o->correlate, o->junit, cx_jobs_of(o), join_test, &j, &r->tests,
		                        ctx);
	if (rc == 0)
		rc = cx_correlate_end(&r->corr, &r->tests, ctx);
	for (size_t i = 0; rc == 0 && !o->quiet && i < r->tests.warnings.n; i++)
		fprintf(stderr, "cxscan: warning: %s\n", r->tests.warnings.v[i]);
	return rc;
}

static int cmp_place(const struct cx_corr_fn *x, const char *path, uint32_t line,
                     const char *name)
{
	int c = strcmp(x->path, path);
	if (c)
		return c;
	if (x->line != line)
		return x->line < line ? -1 : 1;
	return strcmp(x->name, name);
}

static int cmp_by_place(const void *a, const void *b, void *arg)
{
	const struct cx_correlation *c = arg;
	const struct cx_corr_fn *y = &c->fn[*(const size_t *)b];
	return cmp_place(&c->fn[*(const size_t *)a], y->path, y->line, y->name);
}

/* cx_crap_fn over the correlation: product functions with coverage. */
static bool crap_of(void *arg, const char *path, const struct cx_function *fn, double *crap)
{
	const struct corr_run *r = arg;
	size_t lo = 0, hi = r->corr.nfn;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cx_corr_fn *f = &r->corr.fn[r->by_place[mid]];
		int c = cmp_place(f, path, fn->line, fn->name);
		if (c == 0) {
			*crap = f->crap;
			return f->has_cov && !f->test_code;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int index_places(struct corr_run *r, struct cx_ctx *ctx)
{
	if (!(r->by_place = malloc((r->corr.nfn + 1) * sizeof *r->by_place)))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->corr.nfn; i++)
		r->by_place[i] = i;
	qsort_r(r->by_place, r->corr.nfn, sizeof *r->by_place, cmp_by_place, &r->corr);
	return 0;
}

int cx_mode_correlate(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct corr_run r = {0};
	bool failed = false;
	int rc = o->build_dir ? gcov_first(o, ctx) : 0;
	if (rc == 0)
		rc = correlate_join(o, &r, ctx);
	if (rc == 0)
		rc = write_report(o, &r.res, &r.corr, &r.tests, ctx);
	if (rc == 0)
		rc = index_places(&r, ctx);
	if (rc == 0)
		rc = cx_gate(o, &r.pr, &r.res, false, crap_of, &r, &failed, ctx);
	size_t crossed = rc == 0 ? check_gates(o, &r.corr) : 0;
	corr_run_release(&r);
	return rc ? CX_EXIT_USAGE : crossed || failed ? CX_EXIT_FINDINGS : CX_EXIT_OK;
}

int cx_mode_record(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct cx_record_opts ro = {
		.build_dir = o->build_dir, .out_dir = o->out, .repeat = o->repeat ? o->repeat : 1,
		.jobs = cx_jobs_of(o),
		.quiet = o->quiet, .per_case = o->per_case,
		.ctest_args = (const char *const *)o->extra.v, .nctest_args = o->extra.n,
	};
	struct cx_record_summary s;
	if (cx_record(&ro, &s, ctx) != 0)
		return CX_EXIT_USAGE;
	if (!o->quiet)
		fprintf(stderr,
		        "recorded %zu tests (%zu failed, %zu without coverage) in %.2f s; gcov: %zu of %zu "
		        ".gcda files counted something (%zu runs, %zu warnings) in %.2f s -> %s\n",
		        s.tests, s.failed, s.no_coverage, s.tests_s, s.gcda - s.gcda_zero, s.gcda,
		        s.gcov_runs, s.gcov_warnings, s.gcov_s, o->out ? o->out : "gcov");
	return CX_EXIT_OK;
}
