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
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cx_cache.h"
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

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Runs `git -C dir ls-files -z --cached --others --exclude-standard` and
 * keeps the absolute paths. Not a work tree, or no git: *use = false. */
static int git_files(const char *dir, struct walk_state *ws)
{
	int fd[2];
	if (pipe(fd) != 0)
		return 0;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return 0;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(fd[1], 1);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		close(fd[0]);
		execlp("git", "git", "-C", dir, "ls-files", "-z", "--cached", "--others",
		       "--exclude-standard", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	struct cx_strv sv = {0};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[65536];
	ssize_t got;
	int rc = 0;
	while ((got = read(fd[0], chunk, sizeof chunk)) > 0) {
		if (cx_grow(&buf, &cap, len + (size_t)got + 1, 1)) {
			rc = CX_ENOMEM;
			break;
		}
		memcpy(buf + len, chunk, (size_t)got);
		len += (size_t)got;
	}
	close(fd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		for (size_t p = 0; p < len && rc == 0;) {
			size_t e = p;
			while (e < len && buf[e])
				e++;
			char *rel = cx_strndup(buf + p, e - p);
			rc = rel ? cx_strv_push_owned(&sv, cx_path_join(dir, rel)) : CX_ENOMEM;
			free(rel);
			p = e + 1;
		}
		if (rc == 0) {
			qsort(sv.v, sv.n, sizeof *sv.v, cx_cmp_str);
			ws->git = sv.v;
			ws->ngit = sv.n;
			ws->use_git = true;
			sv = (struct cx_strv){0};
		}
	}
	cx_strv_release(&sv);
	free(buf);
	return rc ? cx_error(ws->ctx, rc, "out of memory listing git files") : 0;
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

static int walk_dir(struct walk_state *ws, const char *dir, int depth)
{
	if (depth > CX_MAX_WALK_DEPTH)
		return 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (!ws->opts->quiet)
			fprintf(stderr, "cxscan: warning: cannot read directory '%s': %s\n", dir,
			        strerror(errno));
		return 0;
	}
	struct cx_strv names = {0};
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL && rc == 0)
		if (de->d_name[0] != '.')
			rc = cx_strv_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cx_cmp_str);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *path = cx_asprintf("%s/%s", dir, names.v[i]);
		struct stat lst;
		if (!path) {
			rc = CX_ENOMEM;
			break;
		}
		if (strlen(path) >= CX_MAX_PATH || lstat(path, &lst) != 0) {
			free(path);
			continue;
		}
		if (S_ISDIR(lst.st_mode)) {
			if (!is_build_dir(names.v[i])) {
				if (strcmp(names.v[i], "include") == 0)
					rc = cx_strv_push(&ws->incdirs, path);
				if (rc == 0)
					rc = walk_dir(ws, path, depth + 1);
			}
		} else if (ends_with(names.v[i], ".c")) {
			rc = add_walked_file(ws, path, &lst);
		}
		free(path);
	}
	cx_strv_release(&names);
	return rc;
}

static int fallback_args(const struct cx_scan_opts *o, const struct cx_strv *incdirs,
                         const char *file, char ***out, size_t *nout)
{
	struct cx_strv a = {0};
	char *dir = cx_strdup(file);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*slash = '\0';
	int rc = dir ? 0 : CX_ENOMEM;
	if (rc == 0)
		rc = cx_strv_push(&a, "-std=gnu11");
	if (rc == 0)
		rc = cx_strv_push_owned(&a, cx_asprintf("-I%s", dir));
	if (rc == 0)
		rc = cx_strv_push_owned(&a, cx_asprintf("-I%s", o->root));
	for (size_t i = 0; rc == 0 && i < incdirs->n; i++)
		rc = cx_strv_push_owned(&a, cx_asprintf("-I%s", incdirs->v[i]));
	for (size_t i = 0; rc == 0 && i < o->nextra; i++)
		rc = cx_strv_push(&a, o->extra_args[i]);
	if (rc == 0)
		rc = cx_strv_push(&a, "-w");
	free(dir);
	if (rc) {
		cx_strv_release(&a);
		return rc;
	}
	*out = a.v;
	*nout = a.n;
	return 0;
}

static int find_compdb(const struct cx_scan_opts *o, char **path, struct cx_ctx *ctx)
{
	struct stat st;
	*path = NULL;
	if (o->compdb_dir) {
		char *p = cx_asprintf("%s/compile_commands.json", o->compdb_dir);
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
	char *p = cx_asprintf("%s/compile_commands.json", o->root);
	if (!p)
		return CX_ENOMEM;
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
		*path = p;
		return 0;
	}
	free(p);
	DIR *d = opendir(o->root);
	if (!d)
		return 0;
	struct cx_strv cands = {0};
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL && rc == 0) {
		if (strncmp(de->d_name, "build", 5) != 0)
			continue;
		char *c = cx_asprintf("%s/%s/compile_commands.json", o->root, de->d_name);
		if (c && stat(c, &st) == 0 && S_ISREG(st.st_mode))
			rc = cx_strv_push_owned(&cands, c);
		else
			free(c);
	}
	closedir(d);
	if (rc == 0 && cands.n) {
		qsort(cands.v, cands.n, sizeof *cands.v, cx_cmp_str);
		*path = cx_strdup(cands.v[0]);
	}
	cx_strv_release(&cands);
	return rc;
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
	return ends_with(path, ".c") && under_paths(o, path) && !filtered(o, path);
}

static int add_extra(const struct cx_scan_opts *o, struct cx_source *s)
{
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
	const char *const *lists[] = {o->paths, o->includes, o->excludes, o->extra_args};
	size_t counts[] = {o->npaths, o->nincludes, o->nexcludes, o->nextra};
	for (size_t l = 0; l < 4; l++) {
		uint64_t n = counts[l];
		cx_digest_add(d, &n, sizeof n);
		for (size_t i = 0; i < counts[l]; i++)
			cx_digest_add_str(d, lists[l][i]);
	}
	cx_digest_end(d, key);
	return true;
}

/* The database's TUs under the scanned paths, with the extra arguments:
 * from the cache's memo when it holds this configuration (parsing a big
 * compile_commands.json is most of a warm re-scan), else from the file. */
static int compdb_sources(const struct cx_scan_opts *o, struct cx_cache *cache,
                          struct cx_sources *out, struct cx_ctx *ctx)
{
	struct cx_digest key;
	bool keyed = cache && memo_key(o, out->compdb, &key);
	void *blob = NULL;
	size_t len = 0;
	if (keyed && cx_cache_memo_get(cache, &key, &blob, &len)) {
		int rc = cx_sources_decode(blob, len, out);
		free(blob);
		if (rc == 0)
			return 0;
		if (rc == CX_ENOMEM)
			return cx_error(ctx, rc, "out of memory");
		/* a damaged memo: read the database */
	}
	int rc = cx_compdb_load_filtered(out->compdb, want_compdb_entry, (void *)o, out, ctx);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		rc = add_extra(o, &out->v[i]);
	if (rc == 0 && keyed) {
		struct cx_buf b = {0};
		if (cx_sources_encode(&b, out->v, out->n) == 0)
			rc = cx_cache_memo_put(cache, &key, b.p, b.n);
		cx_buf_release(&b);
	}
	return rc;
}

int cx_sources_discover(const struct cx_scan_opts *o, struct cx_cache *cache,
                        struct cx_sources *out, struct cx_ctx *ctx)
{
	struct walk_state ws = {.opts = o, .ctx = ctx};
	memset(out, 0, sizeof *out);
	int rc = find_compdb(o, &out->compdb, ctx);
	if (rc == 0 && out->compdb)
		rc = compdb_sources(o, cache, out, ctx);
	/* walk the directories only without a database (git's list is only
	 * needed then); files named on the command line are scanned either way */
	if (rc == 0 && (out->compdb || (rc = git_files(o->root, &ws)) == 0)) {
		for (size_t i = 0; i < o->npaths && rc == 0; i++) {
			struct stat st;
			if (stat(o->paths[i], &st) != 0) {
				rc = cx_error(ctx, CX_EINVAL, "cannot scan '%s': %s", o->paths[i],
				              strerror(errno));
			} else if (S_ISDIR(st.st_mode)) {
				if (!out->compdb)
					rc = walk_dir(&ws, o->paths[i], 0);
			} else {
				rc = cx_strv_push(&ws.files, o->paths[i]);
			}
		}
	}
	if (rc == 0 && ws.incdirs.n == 0 && !out->compdb) {
		char *inc = cx_asprintf("%s/include", o->root);
		struct stat st;
		if (inc && stat(inc, &st) == 0 && S_ISDIR(st.st_mode))
			rc = cx_strv_push(&ws.incdirs, inc);
		free(inc);
	}
	if (rc == 0)
		rc = add_fallback(o, &ws, out);
	if (rc == 0)
		rc = cx_sources_dedupe(out); /* a database entry wins over fallback */
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_source);
	if (rc == CX_ENOMEM && !ctx->msg[0])
		cx_error(ctx, rc, "out of memory finding sources");
	cx_strv_release(&ws.files);
	cx_strv_release(&ws.incdirs);
	for (size_t i = 0; i < ws.ngit; i++)
		free(ws.git[i]);
	free(ws.git);
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
