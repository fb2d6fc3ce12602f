/* discover.c: which translation units a scan covers, with which flags.
 *
 * With a compile database (-p DIR, else compile_commands.json in the root
 * or in a build* directory under it) its C entries under the scanned paths
 * are the TUs. Without one, every .c file under the paths is a TU with
 * fallback flags; the walk skips hidden and build directories, does not
 * follow symlinked directories (so links cannot loop), and inside a git
 * work tree skips what git ignores. Sources come out sorted by path. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_cache.h"
#include "cx_git.h"
#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_util.h"

struct walk_state {
	const struct cx_scan_opts *opts;
	struct cx_strv files;    /* absolute .c paths */
	struct cx_strv incdirs;  /* absolute include/ directories */
	char **git;              /* sorted absolute paths git does not ignore */
	size_t ngit;
	bool use_git;
	struct cx_ctx *ctx;
};

static bool is_build_dir(const char *name)
{
	return strncmp(name, "build", 5) == 0 || strncmp(name, "cmake-build-", 12) == 0 ||
	       strcmp(name, "CMakeFiles") == 0;
}

/* git's NUL-separated list buf[0..len) of paths relative to dir, as
 * sorted absolute paths. */
static int git_paths(const char *dir, const char *buf, size_t len, struct cx_strv *sv)
{
	int rc = 0;
	for (size_t p = 0; p < len && rc == 0;) {
		size_t e = p;
		while (e < len && buf[e])
			e++;
		char *rel = cx_strndup(buf + p, e - p);
		rc = rel ? cx_strv_push_owned(sv, cx_path_join(dir, rel)) : CX_ENOMEM;
		free(rel);
		p = e + 1;
	}
	if (rc == 0)
		cx_strv_sort(sv);
	return rc;
}

/* Runs `git -C dir ls-files -z --cached --others --exclude-standard` and
 * keeps the absolute paths. Not a work tree, or no git: *use = false. */
static int git_files(const char *dir, struct walk_state *ws)
{
	static const char *const args[] = {"ls-files", "-z", "--cached", "--others",
	                                   "--exclude-standard", NULL};
	struct cx_strv sv = {0};
	struct cx_ctx quiet = {0};
	char *buf = NULL;
	size_t len = 0;
	int status = 0;
	/* git missing, or not a work tree: the walk alone */
	int rc = cx_git(dir, (const char *const *)args, &buf, &len, &status, &quiet);
	if (rc == 0 && status == 0) {
		rc = git_paths(dir, buf, len, &sv);
		if (rc == 0) {
			ws->git = sv.v;
			ws->ngit = sv.n;
			ws->use_git = true;
			sv = (struct cx_strv){0};
		}
	}
	cx_strv_release(&sv);
	free(buf);
	if (rc == CX_ENOMEM)
		return cx_error(ws->ctx, rc, "out of memory listing git files");
	return 0;
}

static bool git_keeps(const struct walk_state *ws, const char *path)
{
	if (!ws->use_git)
		return true;
	return bsearch(&path, ws->git, ws->ngit, sizeof *ws->git, cx_cmp_str) != NULL;
}

static bool filtered(const struct cx_scan_opts *o, const char *abs)
{
	char *rel = cx_path_relative(o->root, abs);
	bool keep = rel != NULL;
	if (keep && o->nincludes) {
		keep = false;
		for (size_t i = 0; i < o->nincludes && !keep; i++)
			keep = cx_glob_match(o->includes[i], rel);
	}
	for (size_t i = 0; keep && i < o->nexcludes; i++)
		keep = !cx_glob_match(o->excludes[i], rel);
	free(rel);
	return !keep;
}

/* A .c file found by the walk: regular files (through links too) are kept
 * under their real path, so that a link to a file is not measured twice;
 * anything else is named in a warning. */
static int add_walked_file(struct walk_state *ws, const char *path, const struct stat *lst)
{
	struct stat st;
	char real[PATH_MAX];
	const char *why = NULL;
	if (stat(path, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	if (why) {
		if (!ws->opts->quiet)
			fprintf(stderr, "cxscan: warning: skipping '%s': %s\n", path, why);
		return 0;
	}
	if (!git_keeps(ws, path) || filtered(ws->opts, path))
		return 0;
	if (S_ISLNK(lst->st_mode) && realpath(path, real))
		path = real; /* duplicates go in cx_sources_dedupe */
	return cx_strv_push(&ws->files, path);
}

static int walk_dir(struct walk_state *ws, const char *dir, int depth);

/* The names in dir, hidden ones left out, sorted; a directory that cannot
 * be read is named in a warning and has none. */
static int list_dir(const struct walk_state *ws, const char *dir, struct cx_strv *names)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (!ws->opts->quiet)
			fprintf(stderr, "cxscan: warning: cannot read directory '%s': %s\n", dir,
			        strerror(errno));
		return 0;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL && rc == 0)
		if (de->d_name[0] != '.')
			rc = cx_strv_push(names, de->d_name);
	closedir(d);
	cx_strv_sort(names);
	return rc;
}

/* One entry (name, at path) of a directory at the given depth: a
 * directory is walked (an include/ one also noted), a .c file added. */
static int walk_entry(struct walk_state *ws, const char *path, const char *name, int depth)
{
	struct stat lst;
	if (strlen(path) >= CX_MAX_PATH || lstat(path, &lst) != 0)
		return 0;
	if (!S_ISDIR(lst.st_mode))
		return cx_ends_with(name, ".c") ? add_walked_file(ws, path, &lst) : 0;
	if (is_build_dir(name))
		return 0;
	if (strcmp(name, "include") == 0 && cx_strv_push(&ws->incdirs, path))
		return CX_ENOMEM;
	return walk_dir(ws, path, depth + 1);
}

static int walk_dir(struct walk_state *ws, const char *dir, int depth)
{
	if (depth > CX_MAX_WALK_DEPTH)
		return 0;
	struct cx_strv names = {0};
	int rc = list_dir(ws, dir, &names);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *path = cx_asprintf("%s/%s", dir, names.v[i]);
		rc = path ? walk_entry(ws, path, names.v[i], depth) : CX_ENOMEM;
		free(path);
	}
	cx_strv_release(&names);
	return rc;
}

/* The -I arguments of the fallback flags: the file's directory, the root
 * and the include/ directories. */
static int push_include_dirs(struct cx_strv *a, const char *dir, const struct cx_scan_opts *o,
                             const struct cx_strv *incdirs)
{
	int rc = cx_strv_push_owned(a, cx_asprintf("-I%s", dir));
	if (rc == 0)
		rc = cx_strv_push_owned(a, cx_asprintf("-I%s", o->root));
	for (size_t i = 0; rc == 0 && i < incdirs->n; i++)
		rc = cx_strv_push_owned(a, cx_asprintf("-I%s", incdirs->v[i]));
	return rc;
}

/* Whether an argument is one of the flags to remove (.cxscan.json
 * flags.remove). */
static bool removed(const struct cx_scan_opts *o, const char *arg)
{
	for (size_t i = 0; i < o->nremove; i++) {
		const char *r = o->remove_args[i];
		size_t n = strlen(r);
		bool prefix = n && r[n - 1] == '*';
		if (prefix ? strncmp(arg, r, n - 1) == 0 : strcmp(arg, r) == 0)
			return true;
	}
	return false;
}

/* Drops the removed flags from args in place. */
static void drop_removed(const struct cx_scan_opts *o, char **args, size_t *n)
{
	size_t w = 0;
	for (size_t i = 0; i < *n; i++) {
		if (removed(o, args[i]))
			free(args[i]);
		else
			args[w++] = args[i];
	}
	*n = w;
}

/* The language flags of a file without a compile command. */
static int push_base_flags(struct cx_strv *a, const struct cx_scan_opts *o)
{
	if (!o->has_fallback)
		return cx_strv_push(a, "-std=gnu11");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < o->nfallback; i++)
		rc = cx_strv_push(a, o->fallback_args[i]);
	return rc;
}

static int fallback_args(const struct cx_scan_opts *o, const struct cx_strv *incdirs,
                         const char *file, char ***out, size_t *nout)
{
	struct cx_strv a = {0};
	char *dir = cx_path_dirname(file);
	int rc = dir ? push_base_flags(&a, o) : CX_ENOMEM;
	if (rc == 0)
		rc = push_include_dirs(&a, dir, o, incdirs);
	for (size_t i = 0; rc == 0 && i < o->nextra; i++)
		rc = cx_strv_push(&a, o->extra_args[i]);
	if (rc == 0)
		rc = cx_strv_push(&a, "-w");
	free(dir);
	if (rc) {
		cx_strv_release(&a);
		return rc;
	}
	drop_removed(o, a.v, &a.n);
	*out = a.v;
	*nout = a.n;
	return 0;
}

/* -p DIR: the database there, which must exist. */
static int given_compdb(const char *dir, char **path, struct cx_ctx *ctx)
{
	struct stat st;
	char *p = cx_asprintf("%s/compile_commands.json", dir);
	if (!p)
		return CX_ENOMEM;
	if (stat(p, &st) != 0) {
		int e = errno;
		cx_error(ctx, CX_EINVAL, "no compile database at '%s': %s", p, strerror(e));
		free(p);
		return CX_EINVAL;
	}
	*path = p;
	return 0;
}

/* The database of the first (by name) build* directory under root that
 * has one; *path stays NULL when none has. */
static int build_dir_compdb(const char *root, char **path)
{
	DIR *d = opendir(root);
	if (!d)
		return 0;
	struct cx_strv cands = {0};
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL && rc == 0) {
		if (strncmp(de->d_name, "build", 5) != 0)
			continue;
		char *c = cx_asprintf("%s/%s/compile_commands.json", root, de->d_name);
		if (c && cx_is_file(c))
			rc = cx_strv_push_owned(&cands, c);
		else
			free(c);
	}
	closedir(d);
	if (rc == 0 && cands.n) {
		cx_strv_sort(&cands);
		*path = cx_strdup(cands.v[0]);
	}
	cx_strv_release(&cands);
	return rc;
}

static int find_compdb(const struct cx_scan_opts *o, char **path, struct cx_ctx *ctx)
{
	*path = NULL;
	if (o->compdb_dir)
		return given_compdb(o->compdb_dir, path, ctx);
	char *p = cx_asprintf("%s/compile_commands.json", o->root);
	if (!p)
		return CX_ENOMEM;
	if (cx_is_file(p)) {
		*path = p;
		return 0;
	}
	free(p);
	return build_dir_compdb(o->root, path);
}

void cx_source_release(struct cx_source *s)
{
	free(s->path);
	free(s->directory);
	for (size_t a = 0; a < s->nargs; a++)
		free(s->args[a]);
	free(s->args);
}

/* Index order by (path, position): the first of equal paths sorts first. */
static const struct cx_source *g_dedupe; /* qsort has no context argument */

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(g_dedupe[x].path, g_dedupe[y].path);
	return c ? c : (x > y) - (x < y);
}

int cx_sources_dedupe(struct cx_sources *s)
{
	if (s->n < 2)
		return 0;
	size_t *idx = malloc(s->n * sizeof *idx);
	bool *drop = calloc(s->n, sizeof *drop);
	if (!idx || !drop) {
		free(idx);
		free(drop);
		return CX_ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		idx[i] = i;
	g_dedupe = s->v;
	qsort(idx, s->n, sizeof *idx, cmp_index);
	for (size_t i = 1; i < s->n; i++)
		drop[idx[i]] = strcmp(s->v[idx[i]].path, s->v[idx[i - 1]].path) == 0;
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (drop[i])
			cx_source_release(&s->v[i]);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
	free(idx);
	free(drop);
	return 0;
}

static int cmp_source(const void *a, const void *b)
{
	return strcmp(((const struct cx_source *)a)->path, ((const struct cx_source *)b)->path);
}

static bool under_paths(const struct cx_scan_opts *o, const char *path)
{
	for (size_t i = 0; i < o->npaths; i++)
		if (cx_path_under(o->paths[i], path))
			return true;
	return false;
}

/* Keeps the database entries that are C files under the scanned paths. */
static bool want_compdb_entry(void *arg, const char *path)
{
	const struct cx_scan_opts *o = arg;
	return cx_ends_with(path, ".c") && under_paths(o, path) && !filtered(o, path);
}

static int add_extra(const struct cx_scan_opts *o, struct cx_source *s)
{
	drop_removed(o, s->args, &s->nargs);
	if (!o->nextra)
		return 0;
	char **nv = realloc(s->args, (s->nargs + o->nextra + 1) * sizeof *nv);
	if (!nv)
		return CX_ENOMEM;
	s->args = nv;
	for (size_t i = 0; i < o->nextra; i++)
		if (!(s->args[s->nargs++] = cx_strdup(o->extra_args[i])))
			return CX_ENOMEM;
	return 0;
}

static int add_fallback(const struct cx_scan_opts *o, struct walk_state *ws,
                        struct cx_sources *out)
{
	int rc = 0;
	for (size_t i = 0; i < ws->files.n && rc == 0; i++) {
		const char *f = ws->files.v[i];
		struct cx_source s = {0};
		s.path = cx_strdup(f);
		s.directory = cx_strdup(o->root);
		rc = s.path && s.directory ? fallback_args(o, &ws->incdirs, f, &s.args, &s.nargs)
		                           : CX_ENOMEM;
		if (rc == 0 && (rc = cx_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v)) == 0) {
			out->v[out->n++] = s;
			continue;
		}
		cx_source_release(&s);
	}
	return rc;
}

/* The key of the compile database's TUs for this scan: the database's
 * identity (path, size, mtime, ctime, inode) and every option that selects
 * or changes entries. false when the database is too recent for its stat
 * to tell a later rewrite apart (or cannot be stat'ed). */
static bool memo_key(const struct cx_scan_opts *o, const char *compdb, struct cx_digest *key)
{
	struct stat st;
	if (stat(compdb, &st) != 0)
		return false;
	int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	int64_t ct = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	int64_t newest = mt > ct ? mt : ct;
	if (newest + cx_cache_racy_ns(newest) > cx_wall_ns())
		return false;
	struct cx_digest_state *d = cx_digest_begin();
	if (!d)
		return false;
	int64_t id[4] = {(int64_t)st.st_size, mt, ct, (int64_t)st.st_ino};
	cx_digest_add_str(d, "cxscan discovery 1");
	cx_digest_add_str(d, compdb);
	cx_digest_add(d, id, sizeof id);
	cx_digest_add_str(d, o->root);
	const char *const *lists[] = {o->paths, o->includes, o->excludes, o->extra_args,
	                              o->remove_args};
	size_t counts[] = {o->npaths, o->nincludes, o->nexcludes, o->nextra, o->nremove};
	for (size_t l = 0; l < 5; l++) {
		uint64_t n = counts[l];
		cx_digest_add(d, &n, sizeof n);
		for (size_t i = 0; i < counts[l]; i++)
			cx_digest_add_str(d, lists[l][i]);
	}
	cx_digest_end(d, key);
	return true;
}

/* The sources of the memo under key: 0 when it has them, 1 when it has
 * none (or a damaged one), or CX_ENOMEM. */
static int memo_sources(struct cx_cache *cache, const struct cx_digest *key,
                        struct cx_sources *out, struct cx_ctx *ctx)
{
	void *blob = NULL;
	size_t len = 0;
	if (!cx_cache_memo_get(cache, key, &blob, &len))
		return 1;
	int rc = cx_sources_decode(blob, len, out);
	free(blob);
	if (rc == CX_ENOMEM)
		return cx_error(ctx, rc, "out of memory");
	return rc == 0 ? 0 : 1;
}

static int memo_put_sources(struct cx_cache *cache, const struct cx_digest *key,
                            const struct cx_sources *out)
{
	struct cx_buf b = {0};
	int rc = 0;
	if (cx_sources_encode(&b, out->v, out->n) == 0)
		rc = cx_cache_memo_put(cache, key, b.p, b.n);
	cx_buf_release(&b);
	return rc;
}

/* The database's TUs under the scanned paths, with the extra arguments:
 * from the cache's memo when it holds this configuration (parsing a big
 * compile_commands.json is most of a warm re-scan), else from the file. */
static int compdb_sources(const struct cx_scan_opts *o, struct cx_cache *cache,
                          struct cx_sources *out, struct cx_ctx *ctx)
{
	struct cx_digest key;
	bool keyed = cache && memo_key(o, out->compdb, &key);
	int rc = keyed ? memo_sources(cache, &key, out, ctx) : 1;
	if (rc <= 0)
		return rc;
	/* no memo, or a damaged one: read the database */
	rc = cx_compdb_load_filtered(out->compdb, want_compdb_entry, (void *)o, out, ctx);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		rc = add_extra(o, &out->v[i]);
	if (rc == 0 && keyed)
		rc = memo_put_sources(cache, &key, out);
	return rc;
}

/* A path named on the command line: a file is taken as it is, a directory
 * walked if walk. */
static int add_path(struct walk_state *ws, const char *path, bool walk)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return cx_error(ws->ctx, CX_EINVAL, "cannot scan '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cx_strv_push(&ws->files, path);
	return walk ? walk_dir(ws, path, 0) : 0;
}

/* The root's include/ directory, if it has one. */
static int root_incdir(const struct cx_scan_opts *o, struct walk_state *ws)
{
	char *inc = cx_asprintf("%s/include", o->root);
	struct stat st;
	int rc = 0;
	if (inc && stat(inc, &st) == 0 && S_ISDIR(st.st_mode))
		rc = cx_strv_push(&ws->incdirs, inc);
	free(inc);
	return rc;
}

/* The files to measure with fallback flags, and their include
 * directories. The directories are walked only without a database (git's
 * list is only needed then); files named on the command line are scanned
 * either way. */
static int gather_files(const struct cx_scan_opts *o, bool walk, struct walk_state *ws)
{
	int rc = walk ? git_files(o->root, ws) : 0;
	for (size_t i = 0; i < o->npaths && rc == 0; i++)
		rc = add_path(ws, o->paths[i], walk);
	if (rc == 0 && walk && ws->incdirs.n == 0)
		rc = root_incdir(o, ws);
	return rc;
}

/* Adds the gathered files with fallback flags, drops duplicates (a
 * database entry wins over fallback) and sorts by path. */
static int finish_sources(const struct cx_scan_opts *o, struct walk_state *ws,
                          struct cx_sources *out)
{
	int rc = add_fallback(o, ws, out);
	if (rc == 0)
		rc = cx_sources_dedupe(out);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_source);
	return rc;
}

static void walk_state_release(struct walk_state *ws)
{
	cx_strv_release(&ws->files);
	cx_strv_release(&ws->incdirs);
	for (size_t i = 0; i < ws->ngit; i++)
		free(ws->git[i]);
	free(ws->git);
}

int cx_sources_discover(const struct cx_scan_opts *o, struct cx_cache *cache,
                        struct cx_sources *out, struct cx_ctx *ctx)
{
	struct walk_state ws = {.opts = o, .ctx = ctx};
	memset(out, 0, sizeof *out);
	int rc = find_compdb(o, &out->compdb, ctx);
	if (rc == 0 && out->compdb)
		rc = compdb_sources(o, cache, out, ctx);
	if (rc == 0)
		rc = gather_files(o, !out->compdb, &ws);
	if (rc == 0)
		rc = finish_sources(o, &ws, out);
	if (rc == CX_ENOMEM && !ctx->msg[0])
		cx_error(ctx, rc, "out of memory finding sources");
	walk_state_release(&ws);
	if (rc)
		cx_sources_release(out);
	return rc;
}

void cx_sources_release(struct cx_sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		cx_source_release(&s->v[i]);
	free(s->v);
	free(s->compdb);
	memset(s, 0, sizeof *s);
}
