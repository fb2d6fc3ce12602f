/* prepare.c: from the options to a scan ready to run: real paths, the
 * root, the compile database directory, the cache, and the configuration
 * (.cxscan.json) merged under the command line: its include and exclude
 * globs and added flags come after the command line's, its compile
 * database and macro mode apply when the command line gives none. Also
 * the report files every mode writes. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_limits.h"
#include "internal.h"

unsigned cx_jobs_of(const struct cx_options *o)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return o->jobs ? o->jobs : cores > 0 ? (unsigned)(cores < CX_MAX_JOBS ? cores : CX_MAX_JOBS) : 1;
}

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

static int add_real(struct cx_strv *v, const char *p, struct cx_ctx *ctx)
{
	char *r = NULL;
	int rc = real(p, &r, ctx);
	if (rc == 0 && cx_strv_push_owned(v, r))
		rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	return rc;
}

static int resolve_paths(const struct cx_options *o, const struct cx_strv *paths,
                         struct prepared *pr, struct cx_ctx *ctx)
{
	int rc = 0;
	for (size_t i = 0; i < paths->n && rc == 0; i++)
		rc = add_real(&pr->paths, paths->v[i], ctx);
	if (rc == 0 && pr->paths.n == 0)
		rc = add_real(&pr->paths, ".", ctx);
	if (rc)
		return rc;
	if (o->root && !is_dir(o->root))
		return cx_error(ctx, CX_EINVAL, "--root '%s' is not a directory", o->root);
	const char *root = o->root ? o->root : is_dir(pr->paths.v[0]) ? pr->paths.v[0] : ".";
	return real(root, &pr->root, ctx);
}

static int load_config(const struct cx_options *o, struct prepared *pr, struct cx_ctx *ctx)
{
	if (cx_config_init(&pr->cfg))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	if (o->no_config)
		return 0;
	char *found = NULL;
	if (!o->config && cx_config_find(pr->root, &found))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	const char *path = o->config ? o->config : found;
	int rc = path ? cx_config_load(path, &pr->cfg, ctx) : 0;
	free(found);
	return rc;
}

static int append_all(struct cx_strv *dst, const struct cx_strv *a, const struct cx_strv *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (cx_strv_push(dst, a->v[i]))
			return CX_ENOMEM;
	for (size_t i = 0; i < b->n; i++)
		if (cx_strv_push(dst, b->v[i]))
			return CX_ENOMEM;
	return 0;
}

/* The command line's globs are checked as the configuration's are. */
static int check_globs(const char *opt, const struct cx_strv *v, struct cx_ctx *ctx)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *why = cx_glob_problem(v->v[i]);
		if (why)
			return cx_error(ctx, CX_EINVAL, "%s '%s': bad glob: %s", opt, v->v[i], why);
	}
	return 0;
}

static int merge_lists(const struct cx_options *o, struct prepared *pr, struct cx_ctx *ctx)
{
	const struct cx_config *c = &pr->cfg;
	int rc = check_globs("--include", &o->includes, ctx);
	if (rc || (rc = check_globs("--exclude", &o->excludes, ctx)) != 0)
		return rc;
	if (append_all(&pr->includes, &o->includes, &c->include) ||
	    append_all(&pr->excludes, &o->excludes, &c->exclude) ||
	    append_all(&pr->extra, &o->extra, &c->add_flags))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	return 0;
}

static int resolve_compdb(const struct cx_options *o, struct prepared *pr, struct cx_ctx *ctx)
{
	const char *dir = o->compdb_dir ? o->compdb_dir : pr->cfg.compile_database;
	if (!dir)
		return 0;
	if (!is_dir(dir))
		return cx_error(ctx, CX_EINVAL, "%s '%s' is not a directory",
		                o->compdb_dir ? "-p" : "compile_database", dir);
	return real(dir, &pr->compdb, ctx);
}

static void fill_scan_opts(const struct cx_options *o, struct prepared *pr)
{
	bool cfg_macros = !o->macros_set && pr->cfg.macros >= 0;
	pr->so = (struct cx_scan_opts){
		.root = pr->root,
		.paths = (const char *const *)pr->paths.v, .npaths = pr->paths.n,
		.compdb_dir = pr->compdb,
		.includes = (const char *const *)pr->includes.v, .nincludes = pr->includes.n,
		.excludes = (const char *const *)pr->excludes.v, .nexcludes = pr->excludes.n,
		.extra_args = (const char *const *)pr->extra.v, .nextra = pr->extra.n,
		.remove_args = (const char *const *)pr->cfg.remove_flags.v,
		.nremove = pr->cfg.remove_flags.n,
		.fallback_args = (const char *const *)pr->cfg.fallback_flags.v,
		.nfallback = pr->cfg.fallback_flags.n, .has_fallback = pr->cfg.has_fallback,
		.macros = cfg_macros ? (enum cx_macro_mode)pr->cfg.macros : o->macros,
		.quiet = o->quiet,
		.jobs = cx_jobs_of(o),
		.cache_path = pr->cache, .parse_only = o->parse_only,
		.keep_increments = o->explain != NULL,
		.progress = !o->quiet && isatty(2),
	};
}

/* --changed-only's diff, and the index's texts to measure when --staged
 * asks for them or the diff's new side is the index. */
static int read_changes(const struct cx_options *o, struct prepared *pr, struct cx_ctx *ctx)
{
	int rc = o->changed_only ? cx_changed_lines(pr->root, o->changed_only, o->staged,
	                                            &pr->changes, ctx)
	                         : 0;
	if (rc == 0 && (o->staged || pr->changes.index))
		rc = cx_index_texts(pr->root, pr->changes.top, &pr->index, ctx);
	pr->so.unsaved = pr->index.v;
	pr->so.nunsaved = pr->index.n;
	return rc;
}

int cx_prepare(const struct cx_options *o, const struct cx_strv *paths, struct prepared *pr,
               struct cx_ctx *ctx)
{
	memset(pr, 0, sizeof *pr);
	int rc = resolve_paths(o, paths, pr, ctx);
	if (rc == 0)
		rc = load_config(o, pr, ctx);
	if (rc == 0)
		rc = merge_lists(o, pr, ctx);
	if (rc == 0)
		rc = resolve_compdb(o, pr, ctx);
	if (rc == 0 && !o->no_cache) {
		pr->cache = o->cache ? cx_strdup(o->cache) : cx_cache_default_path(pr->root);
		if (!pr->cache)
			rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	if (rc == 0)
		fill_scan_opts(o, pr);
	if (rc == 0)
		rc = read_changes(o, pr, ctx);
	return rc;
}

void cx_prepared_release(struct prepared *pr)
{
	cx_strv_release(&pr->paths);
	free(pr->root);
	free(pr->cache);
	free(pr->compdb);
	cx_config_release(&pr->cfg);
	cx_strv_release(&pr->includes);
	cx_strv_release(&pr->excludes);
	cx_strv_release(&pr->extra);
	cx_changes_release(&pr->changes);
	cx_index_texts_release(&pr->index);
	memset(pr, 0, sizeof *pr);
}

int cx_outfile_open(struct cx_outfile *of, const char *path, struct cx_ctx *ctx)
{
	memset(of, 0, sizeof *of);
	of->path = path;
	if (!path) {
		of->f = stdout;
		return 0;
	}
	/* renaming over a device or a link would replace it (as root,
	 * /dev/null would become a plain file) */
	struct stat st;
	bool replace = lstat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
	if (replace && !(of->tmp = cx_asprintf("%s.tmp.%ld", path, (long)getpid())))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	of->f = fopen(replace ? of->tmp : path, "w");
	if (of->f)
		return 0;
	int e = errno;
	free(of->tmp);
	of->tmp = NULL;
	return cx_error(ctx, CX_EIO, "cannot write '%s': %s", path, strerror(e));
}

int cx_outfile_close(struct cx_outfile *of, int rc, struct cx_ctx *ctx)
{
	if (!of->path) {
		if (fflush(stdout) != 0 && rc == 0)
			rc = cx_error(ctx, CX_EIO, "cannot write the report: %s", strerror(errno));
		return rc;
	}
	if (fclose(of->f) != 0 && rc == 0)
		rc = cx_error(ctx, CX_EIO, "cannot write '%s': %s", of->path, strerror(errno));
	if (of->tmp && rc == 0 && rename(of->tmp, of->path) != 0)
		rc = cx_error(ctx, CX_EIO, "cannot write '%s': %s", of->path, strerror(errno));
	if (of->tmp && rc)
		unlink(of->tmp);
	free(of->tmp);
	of->tmp = NULL;
	return rc;
}
