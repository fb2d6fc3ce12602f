/* modes.c: the scan and explain modes: resolve the root and paths, run the
 * scan, write the report (to -o FILE through a temporary file and rename,
 * so that a failed run never leaves half a report). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_analyzer.h"
#include "cx_cli.h"
#include "cx_report.h"
#include "cx_scanner.h"

struct prepared {
	struct cx_strv paths; /* absolute real paths */
	char *root;
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
	pr->so = (struct cx_scan_opts){
		.root = pr->root,
		.paths = (const char *const *)pr->paths.v, .npaths = pr->paths.n,
		.compdb_dir = compdb,
		.includes = (const char *const *)o->includes.v, .nincludes = o->includes.n,
		.excludes = (const char *const *)o->excludes.v, .nexcludes = o->excludes.n,
		.extra_args = (const char *const *)o->extra.v, .nextra = o->extra.n,
		.macros = o->macros, .quiet = o->quiet,
	};
	return rc;
}

static void release(struct prepared *pr)
{
	cx_strv_release(&pr->paths);
	free(pr->root);
	free((char *)pr->so.compdb_dir);
}

typedef int (*writer_fn)(FILE *, const struct cx_result *, const struct cx_report_opts *,
                         struct cx_ctx *);

static int write_report(const struct cx_options *o, const struct cx_result *res,
                        struct cx_ctx *ctx)
{
	static const writer_fn writers[] = {
		[CX_FMT_TEXT] = cx_report_text, [CX_FMT_JSON] = cx_report_json,
		[CX_FMT_CSV] = cx_report_csv,
	};
	char *clang = cx_analyzer_clang_version();
	const char *nc = getenv("NO_COLOR");
	bool color = !(nc && *nc) && !o->output &&
	             (o->color == CX_COLOR_ALWAYS || (o->color == CX_COLOR_AUTO && isatty(1)));
	struct cx_report_opts ro = {
		.tool_version = CX_VERSION, .clang_version = clang, .top = o->top,
		.sort = o->sort, .color = color,
	};
	FILE *out = stdout;
	char *tmp = NULL;
	if (o->output) {
		tmp = cx_asprintf("%s.tmp.%ld", o->output, (long)getpid());
		out = tmp ? fopen(tmp, "w") : NULL;
		if (!out) {
			free(tmp);
			free(clang);
			return cx_error(ctx, CX_EIO, "cannot write '%s': %s", o->output, strerror(errno));
		}
	}
	int rc = writers[o->format](out, res, &ro, ctx);
	if (o->output) {
		if (fclose(out) != 0 && rc == 0)
			rc = cx_error(ctx, CX_EIO, "cannot write '%s': %s", o->output, strerror(errno));
		if (rc == 0 && rename(tmp, o->output) != 0)
			rc = cx_error(ctx, CX_EIO, "cannot write '%s': %s", o->output, strerror(errno));
		if (rc)
			unlink(tmp);
	}
	free(tmp);
	free(clang);
	return rc;
}

int cx_mode_scan(const struct cx_options *o, struct cx_ctx *ctx)
{
	struct prepared pr;
	struct cx_result res = {0};
	int rc = prepare(o, &o->paths, &pr, ctx);
	if (rc == 0)
		rc = cx_scan_run(&pr.so, &res, ctx);
	if (rc == 0)
		rc = write_report(o, &res, ctx);
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
	if (rc == 0)
		rc = cx_scan_run(&pr.so, &res, ctx);
	if (rc == 0) {
		char abs[PATH_MAX];
		char *rel = realpath(file, abs) ? cx_path_relative(pr.root, abs) : NULL;
		rc = cx_report_explain(stdout, &res, rel ? rel : file, func, ctx);
		free(rel);
	}
	cx_result_release(&res);
	if (rc == 0 || pr.root)
		release(&pr);
	cx_strv_release(&paths);
	free(file);
	return rc ? CX_EXIT_USAGE : CX_EXIT_OK;
}
