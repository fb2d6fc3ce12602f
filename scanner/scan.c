/* scan.c: the scan driver. Discovers the sources, runs the analyzer over
 * each TU on a thread with a large stack (deeply nested input must not
 * overflow it), reports each header function once (through the first TU in
 * path order that includes it, unless the header is itself a TU), and
 * assembles a result sorted by path and line with paths relative to the
 * root. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cx_analyzer.h"
#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_util.h"

/* Set of "realpath:line:col" keys of header functions already reported. */
struct seen {
	char **slot;
	size_t cap, n;
	const struct cx_sources *srcs; /* a header that is itself a TU reports itself */
	int err;
};

static bool seen_insert(struct seen *s, char *key)
{
	if (s->n * 2 >= s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024;
		char **ns = calloc(nc, sizeof *ns);
		if (!ns) {
			s->err = CX_ENOMEM;
			free(key);
			return false;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t j = cx_hash_str(s->slot[i]) & (nc - 1);
			while (ns[j])
				j = (j + 1) & (nc - 1);
			ns[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = nc;
	}
	size_t j = cx_hash_str(key) & (s->cap - 1);
	while (s->slot[j]) {
		if (strcmp(s->slot[j], key) == 0) {
			free(key);
			return false;
		}
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = key;
	s->n++;
	return true;
}

/* srcs->v is sorted by path */
static bool is_tu(const struct cx_sources *srcs, const char *path)
{
	size_t lo = 0, hi = srcs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(srcs->v[mid].path, path);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool header_filter(void *arg, const char *realpath, uint32_t line, uint32_t col)
{
	struct seen *s = arg;
	if (is_tu(s->srcs, realpath))
		return false;
	char *key = cx_asprintf("%s:%u:%u", realpath, line, col);
	if (!key) {
		s->err = CX_ENOMEM;
		return false;
	}
	return seen_insert(s, key);
}

struct job {
	const struct cx_scan_opts *opts;
	const struct cx_sources *srcs;
	struct cx_result *res;
	struct cx_ctx *ctx;
	size_t cap;
	int rc;
};

static int add_files(struct job *j, struct cx_file *files, size_t n)
{
	struct cx_result *res = j->res;
	if (cx_grow(&res->files, &j->cap, res->nfiles + n, sizeof *res->files))
		return CX_ENOMEM;
	/* files[0] is the TU; it is moved out in the first iteration */
	enum cx_file_status tu_status = n ? files[0].status : CX_FILE_OK;
	const char *tu_path = NULL;
	for (size_t i = 0; i < n; i++) {
		char *rel = cx_path_relative(res->root, files[i].path);
		if (!rel)
			return CX_ENOMEM;
		free(files[i].path);
		files[i].path = rel;
		if (i == 0)
			tu_path = rel;
		/* a header measured through a degraded TU may be off as well */
		if (i > 0 && tu_status != CX_FILE_OK && files[i].status == CX_FILE_OK) {
			files[i].status = CX_FILE_DEGRADED;
			char *msg = cx_asprintf("measured through '%s', which has errors", tu_path);
			int rc = msg ? cx_file_add_diag(&files[i], msg) : CX_ENOMEM;
			free(msg);
			if (rc)
				return rc;
		}
		res->files[res->nfiles++] = files[i];
		memset(&files[i], 0, sizeof files[i]);
	}
	return 0;
}

static void *scan_thread(void *arg)
{
	struct job *j = arg;
	struct seen seen = {.srcs = j->srcs};
	struct cx_analyzer *an = cx_analyzer_new();
	if (!an) {
		j->rc = cx_error(j->ctx, CX_ENOMEM, "cannot create a libclang index");
		return NULL;
	}
	for (size_t i = 0; i < j->srcs->n && j->rc == 0; i++) {
		const struct cx_source *s = &j->srcs->v[i];
		struct cx_tu_job tj = {
			.path = s->path, .directory = s->directory,
			.args = (const char *const *)s->args, .nargs = s->nargs,
			.root = j->res->root, .macros = j->opts->macros,
		};
		struct cx_file *files = NULL;
		size_t n = 0;
		j->rc = cx_analyzer_run(an, &tj, header_filter, &seen, &files, &n, j->ctx);
		if (j->rc == 0 && seen.err)
			j->rc = cx_error(j->ctx, seen.err, "out of memory");
		if (j->rc == 0 && (j->rc = add_files(j, files, n)) != 0)
			cx_error(j->ctx, j->rc, "out of memory");
		for (size_t k = 0; k < n; k++)
			cx_file_release(&files[k]);
		free(files);
	}
	cx_analyzer_free(an);
	for (size_t i = 0; i < seen.cap; i++)
		free(seen.slot[i]);
	free(seen.slot);
	return NULL;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct cx_file *)a)->path, ((const struct cx_file *)b)->path);
}

static int cmp_func(const void *a, const void *b)
{
	const struct cx_function *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cx_scan_run(const struct cx_scan_opts *opts, struct cx_result *res, struct cx_ctx *ctx)
{
	double t0 = now_s();
	struct cx_sources srcs;
	memset(res, 0, sizeof *res);
	res->macros = opts->macros;
	res->root = cx_strdup(opts->root);
	if (!res->root)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	int rc = cx_sources_discover(opts, &srcs, ctx);
	if (rc)
		return rc;
	struct job j = {.opts = opts, .srcs = &srcs, .res = res, .ctx = ctx};
	pthread_attr_t attr;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CX_ANALYZER_STACK);
	if (pthread_create(&th, &attr, scan_thread, &j) != 0) {
		rc = cx_error(ctx, CX_ENOMEM, "cannot start the analyzer thread");
	} else {
		pthread_join(th, NULL);
		rc = j.rc;
	}
	pthread_attr_destroy(&attr);
	cx_sources_release(&srcs);
	if (rc == 0) {
		if (res->nfiles > 1)
			qsort(res->files, res->nfiles, sizeof *res->files, cmp_file);
		for (size_t i = 0; i < res->nfiles; i++)
			if (res->files[i].nfuncs > 1)
				qsort(res->files[i].funcs, res->files[i].nfuncs,
				      sizeof *res->files[i].funcs, cmp_func);
	}
	res->elapsed_s = now_s() - t0;
	return rc;
}
