/* modes.c: the scan and explain modes: resolve the root and paths, run the
 * scan, write the report (to -o FILE through a temporary file and rename,
 * so that a failed run never leaves half a report). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_cli.h"
#include "cx_correlate.h"
#include "cx_record.h"
#include "cx_report.h"
#include "cx_scanner.h"

struct prepared {
	struct cx_strv paths; /* absolute real paths */
	char *root;
	char *cache;
	struct cx_scan_opts so;
};

static int real(const char *p, char **out, struct cx_ctx *ctx)
{
	char buf[PATH_MAX];
	if (!realpath(p, buf))
		return cx_error(ctx, CX_EINVAL, "cannot scan '%s': %s", p, strerror(errno));
	*out = cx_strdup(buf);
	return *out ? 0 : cx_error(ctx, CX_ENOMEM, "out of memory");
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* -j N, else the online cores (at most 256). */
static unsigned jobs_of(const struct cx_options *o)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return o->jobs ? o->jobs : cores > 0 ? (unsigned)(cores < 256 ? cores : 256) : 1;
}

static int prepare(const struct cx_options *o, const struct cx_strv *paths,
                   struct prepared *pr, struct cx_ctx *ctx)
{
	memset(pr, 0, sizeof *pr);
	int rc = 0;
	for (size_t i = 0; i < paths->n && rc == 0; i++) {
		char *r = NULL;
		rc = real(paths->v[i], &r, ctx);
		if (rc == 0 && cx_strv_push_owned(&pr->paths, r))
			rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	if (rc == 0 && pr->paths.n == 0) {
		char *r = NULL;
		rc = real(".", &r, ctx);
		if (rc == 0 && cx_strv_push_owned(&pr->paths, r))
			rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	if (rc == 0) {
		const char *root = o->root ? o->root : is_dir(pr->paths.v[0]) ? pr->paths.v[0] : ".";
		if (o->root && !is_dir(o->root))
			return cx_error(ctx, CX_EINVAL, "--root '%s' is not a directory", o->root);
		rc = real(root, &pr->root, ctx);
	}
	char *compdb = NULL;
	if (rc == 0 && o->compdb_dir) {
		if (!is_dir(o->compdb_dir))
			return cx_error(ctx, CX_EINVAL, "-p '%s' is not a directory", o->compdb_dir);
		rc = real(o->compdb_dir, &compdb, ctx);
	}
	if (rc == 0 && !o->no_cache) {
		pr->cache = o->cache ? cx_strdup(o->cache) : cx_cache_default_path(pr->root);
		if (!pr->cache)
			rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	pr->so = (struct cx_scan_opts){
		.root = pr->root,
		.paths = (const char *const *)pr->paths.v, .npaths = pr->paths.n,
		.compdb_dir = compdb,
		.includes = (const char *const *)o->includes.v, .nincludes = o->includes.n,
		.excludes = (const char *const *)o->excludes.v, .nexcludes = o->excludes.n,
		.extra_args = (const char *const *)o->extra.v, .nextra = o->extra.n,
		.macros = o->macros, .quiet = o->quiet,
		.jobs = jobs_of(o),
		.cache_path = pr->cache, .parse_only = o->parse_only,
		.keep_increments = o->explain != NULL,
		.progress = !o->quiet && isatty(2),
	};
	return rc;
}

static void release(struct prepared *pr)
{
	cx_strv_release(&pr->paths);
	free(pr->root);
	free(pr->cache);
	free((char *)pr->so.compdb_dir);
}

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
	FILE *out = stdout;
	char *tmp = NULL;
	if (o->output) {
		/* A new or regular file is replaced whole (written beside it, then
		 * renamed), so a failed run leaves the old report. Anything else
		 * (a device such as /dev/null, a FIFO, a symbolic link) is written
		 * through: renaming over it would replace the device or the link
		 * itself, and as root /dev/null would become a plain file. */
		struct stat st;
		bool replace = lstat(o->output, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
		if (replace)
			tmp = cx_asprintf("%s.tmp.%ld", o->output, (long)getpid());
		out = replace ? (tmp ? fopen(tmp, "w") : NULL) : fopen(o->output, "w");
		if (!out) {
			int e = errno;
			free(tmp);
			return cx_error(ctx, CX_EIO, "cannot write '%s': %s", o->output, strerror(e));
		}
	}
	int rc;
	if (corr && o->format == CX_FMT_TEXT)
		rc = cx_report_correlate_text(out, corr, tests, o->top, ctx);
	else if (corr && o->format == CX_FMT_MARKDOWN)
		rc = cx_report_correlate_markdown(out, corr, tests, o->top, ctx);
	else if (o->format < sizeof writers / sizeof writers[0] && writers[o->format])
		rc = writers[o->format](out, res, &ro, ctx);
	else
		rc = cx_error(ctx, CX_EINVAL, "no such report format here");
	if (o->output) {
		if (fclose(out) != 0 && rc == 0)
			rc = cx_error(ctx, CX_EIO, "cannot write '%s': %s", o->output, strerror(errno));
		if (tmp && rc == 0 && rename(tmp, o->output) != 0)
			rc = cx_error(ctx, CX_EIO, "cannot write '%s': %s", o->output, strerror(errno));
		if (tmp && rc)
			unlink(tmp);
	}
	free(tmp);
	return rc;
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

int cx_mode_scan(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct prepared pr;
	struct cx_result res = {0};
	if (o->ngates)
		return cx_error(ctx, CX_EINVAL, "--fail-on %s needs --correlate DIR", o->gates[0].text),
		       CX_EXIT_USAGE;
	if (o->format == CX_FMT_MARKDOWN)
		return cx_error(ctx, CX_EINVAL, "--format=markdown is a format of --correlate"),
		       CX_EXIT_USAGE;
	int rc = prepare(o, &o->paths, &pr, ctx);
	if (rc == 0 && o->list_tus) {
		rc = list_tus(&pr, ctx);
		release(&pr);
		return rc ? CX_EXIT_USAGE : CX_EXIT_OK;
	}
	if (rc == 0)
		rc = cx_scan_run(&pr.so, &res, ctx);
	if (rc == 0 && o->parse_only) {
		const struct cx_scan_stats *st = &res.stats;
		if (!o->quiet)
			fprintf(stderr, "parsed %zu TUs (%zu with errors) in %.3f s with -j %zu\n",
			        st->parsed, st->parse_errors, res.elapsed_s, st->jobs);
	} else if (rc == 0) {
		double t0 = cx_mono_s();
		rc = write_report(o, &res, NULL, NULL, ctx);
		res.stats.output_s = cx_mono_s() - t0;
	}
	if (rc == 0 && o->stats)
		print_stats(&res.stats, res.elapsed_s + res.stats.output_s);
	cx_result_release(&res);
	release(&pr);
	return rc ? CX_EXIT_USAGE : CX_EXIT_OK;
}

int cx_mode_explain(const struct cx_options *o, struct cx_ctx *ctx)
{
	const char *colon = strrchr(o->explain, ':');
	char *file = cx_strndup(o->explain, (size_t)(colon - o->explain));
	const char *func = colon + 1;
	struct cx_strv paths = {0};
	struct prepared pr;
	struct cx_result res = {0};
	int rc = file ? 0 : cx_error(ctx, CX_ENOMEM, "out of memory");
	/* with no PATH, scan just FILE when it is a source file on disk */
	for (size_t i = 0; rc == 0 && i < o->paths.n; i++)
		rc = cx_strv_push(&paths, o->paths.v[i]);
	bool direct = rc == 0 && paths.n == 0 && access(file, R_OK) == 0 &&
	              strlen(file) > 2 && strcmp(file + strlen(file) - 2, ".c") == 0;
	if (direct)
		rc = cx_strv_push(&paths, file);
	struct cx_options local = *o;
	if (direct && !o->root)
		local.root = ".";
	if (rc == 0)
		rc = prepare(&local, &paths, &pr, ctx);
	/* before the scan: libclang may change the working directory */
	char abs[PATH_MAX];
	char *rel = rc == 0 && realpath(file, abs) ? cx_path_relative(pr.root, abs) : NULL;
	if (rc == 0)
		rc = cx_scan_run(&pr.so, &res, ctx);
	if (rc == 0)
		rc = cx_report_explain(stdout, &res, rel ? rel : file, func, ctx);
	free(rel);
	cx_result_release(&res);
	if (rc == 0 || pr.root)
		release(&pr);
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

int cx_mode_correlate(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct cx_tests tests = {0};
	struct cx_strv gw = {0};
	int rc = 0;
	if (o->build_dir) { /* raw .gcda files: gcov first */
		struct cx_record_summary s;
		rc = cx_gcov_convert(o->build_dir, o->correlate, jobs_of(o), &gw, &s, ctx);
		if (rc == 0 && !o->quiet) {
			for (size_t i = 0; i < gw.n; i++)
				fprintf(stderr, "cxscan: warning: %s\n", gw.v[i]);
			if (s.gcov_runs)
				fprintf(stderr, "gcov: %zu of %zu new .gcda files counted something (%zu runs) "
				        "in %.2f s\n", s.gcda - s.gcda_zero, s.gcda, s.gcov_runs, s.gcov_s);
		}
		cx_strv_release(&gw);
	}
	if (rc)
		return CX_EXIT_USAGE;
	/* the scan first: each test's coverage is joined as it is read, then
	 * freed (memory holds a batch of tests, not all) */
	struct prepared pr;
	struct cx_result res = {0};
	struct cx_correlation corr = {0};
	rc = prepare(o, &o->paths, &pr, ctx);
	if (rc == 0)
		rc = cx_scan_run(&pr.so, &res, ctx);
	struct cx_strv test_src = {0}, product_src = {0};
	bool known = false;
	if (rc == 0 && !o->test_code.n)
		rc = cx_manifest_sources(o->correlate, &test_src, &product_src, &known, ctx);
	struct cx_correlate_opts co = {
		.test_globs = (const char *const *)o->test_code.v, .ntest_globs = o->test_code.n,
		.test_sources = known ? &test_src : NULL, .product_sources = known ? &product_src : NULL,
	};
	struct join j = {.corr = &corr, .ctx = ctx};
	if (rc == 0)
		rc = cx_correlate_begin(&res, &co, 0, &corr, ctx);
	if (rc == 0)
		rc = cx_tests_load_each(o->correlate, o->junit, jobs_of(o), join_test, &j, &tests, ctx);
	if (rc == 0)
		rc = cx_correlate_end(&corr, &tests, ctx);
	if (rc == 0 && !o->quiet)
		for (size_t i = 0; i < tests.warnings.n; i++)
			fprintf(stderr, "cxscan: warning: %s\n", tests.warnings.v[i]);
	if (rc == 0)
		rc = write_report(o, &res, &corr, &tests, ctx);
	size_t crossed = rc == 0 ? check_gates(o, &corr) : 0;
	cx_correlation_release(&corr);
	cx_result_release(&res);
	cx_strv_release(&test_src);
	cx_strv_release(&product_src);
	if (rc == 0 || pr.root)
		release(&pr);
	cx_tests_release(&tests);
	return rc ? CX_EXIT_USAGE : crossed ? CX_EXIT_FINDINGS : CX_EXIT_OK;
}

int cx_mode_record(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct cx_record_opts ro = {
		.build_dir = o->build_dir, .out_dir = o->out, .repeat = o->repeat ? o->repeat : 1,
		.jobs = jobs_of(o),
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
