/* staged.c: --staged: the index's version of every file whose working-tree
 * copy differs from it, for the scan to parse in place of the file.
 *
 *   git diff --raw -z --no-abbrev --no-renames   (index against working tree)
 *     ":100644 100644 <index oid> <0...> M" NUL path NUL, one per file;
 *   git cat-file --batch   (the index oids on its standard input)
 *     "<oid> blob <size>" LF <size bytes> LF, one per oid.
 *
 * Only regular files of the index are taken (a symbolic link's blob is its
 * target, a submodule has none, an unmerged path has no single version);
 * a blob with a NUL byte or over CX_MAX_SOURCE_BYTES cannot be a source,
 * and its file stays as it is on disk. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cx_limits.h"
#include "cx_util.h"
#include "cx_git.h"

#define OID_MAX 64 /* hex digits of a SHA-256 object id; SHA-1 has 40 */

/* One entry of the raw diff that names a regular file of the index. */
struct entry {
	char oid[OID_MAX + 1];
	const char *path; /* relative to the top, into the diff's text */
};

static bool regular_mode(const char *m)
{
	return strncmp(m, "100644 ", 7) == 0 || strncmp(m, "100755 ", 7) == 0;
}

/* The length of the object id at p (up to end) when it is one (40 or 64
 * lowercase hex digits followed by a space), else 0. */
static size_t oid_len(const char *p, const char *end)
{
	size_t n = 0;
	while (p + n < end && n <= OID_MAX && p[n] && strchr("0123456789abcdef", p[n]))
		n++;
	return (n == 40 || n == OID_MAX) && p + n < end && p[n] == ' ' ? n : 0;
}

/* Whether c[0..n) is an empty, "." or ".." component. */
static bool dot_or_empty(const char *c, size_t n)
{
	return n == 0 || (n <= 2 && strspn(c, ".") == n);
}

/* Whether a path is a name inside the top directory: relative, without
 * empty, "." or ".." components (git prints no other). */
static bool relative_name(const char *p)
{
	if (*p == '/')
		return false;
	for (;;) {
		size_t n = strcspn(p, "/");
		if (dot_or_empty(p, n))
			return false; /* also the empty name after a trailing '/' */
		if (!p[n])
			return true;
		p += n + 1;
	}
}

/* The length of the object ids in the raw record header rec[0..nul)
 * (":" mode SP mode SP oid SP oid SP status), or 0 when it is malformed. */
static size_t raw_header(const char *rec, const char *nul)
{
	if (nul - rec < 15 || rec[0] != ':' || rec[7] != ' ' || rec[14] != ' ')
		return 0;
	size_t n = oid_len(rec + 15, nul);
	const char *dst = rec + 15 + n + 1;
	return n && oid_len(dst, nul) == n && dst + n + 1 < nul ? n : 0;
}

/* Parses one raw record at *p (its header, NUL, path, NUL); *take and *e
 * are set when it names a regular file of the index. Returns false on
 * malformed input. */
static bool raw_record(const char **p, const char *end, struct entry *e, bool *take)
{
	const char *rec = *p, *nul = memchr(rec, '\0', (size_t)(end - rec));
	size_t n = nul ? raw_header(rec, nul) : 0;
	const char *path = n ? nul + 1 : NULL;
	const char *pend = path ? memchr(path, '\0', (size_t)(end - path)) : NULL;
	if (!pend || !relative_name(path))
		return false;
	const char *oid = rec + 15;
	*take = regular_mode(rec + 1) && strspn(oid, "0") < n;
	if (*take) {
		memcpy(e->oid, oid, n);
		e->oid[n] = '\0';
		e->path = path;
	}
	*p = pend + 1;
	return true;
}

static int parse_raw(const char *text, size_t len, struct entry **v, size_t *n,
                     struct cx_ctx *ctx)
{
	const char *p = text, *end = text + len;
	size_t cap = 0;
	while (p < end) {
		struct entry e;
		bool take = false;
		if (!raw_record(&p, end, &e, &take))
			return cx_error(ctx, CX_EINVAL, "git diff --raw: malformed record at byte %zu",
			                (size_t)(p - text));
		if (!take)
			continue;
		if (*n == CX_MAX_DIFF_FILES)
			return cx_error(ctx, CX_ELIMIT, "git diff --raw: more than %u files",
			                CX_MAX_DIFF_FILES);
		if (cx_grow(v, &cap, *n + 1, sizeof **v))
			return cx_error(ctx, CX_ENOMEM, "out of memory");
		(*v)[(*n)++] = e;
	}
	return 0;
}

/* The absolute path of a file of the repository, its directory resolved
 * (the names the analyzer and the cache use are real paths). */
static char *full_path(const char *top, const char *rel)
{
	char *p = cx_asprintf("%s/%s", top, rel);
	char *slash = p ? strrchr(p, '/') : NULL;
	char dir[PATH_MAX];
	if (!slash)
		return p;
	*slash = '\0';
	char *r = realpath(p, dir) ? cx_asprintf("%s/%s", dir, slash + 1) : NULL;
	*slash = '/';
	if (!r)
		return p;
	free(p);
	return r;
}

/* The error for an answer that is not e's blob (its file named on one
 * line). */
static int no_blob(const struct entry *e, struct cx_ctx *ctx)
{
	char name[48];
	return cx_error(ctx, CX_EINVAL, "git cat-file: no blob %s for '%s'", e->oid,
	                cx_quote_line(e->path, name, sizeof name));
}

/* Whether p..lf is the header line of the blob oid ("OID blob SIZE"),
 * and its size. */
static bool blob_header(const char *p, const char *lf, const char *oid,
                        unsigned long long *size)
{
	size_t on = strlen(oid);
	if ((size_t)(lf - p) <= on + 6 || memcmp(p, oid, on) != 0 ||
	    memcmp(p + on, " blob ", 6) != 0 || p[on + 6] < '0' || p[on + 6] > '9')
		return false;
	char *after = NULL;
	*size = strtoull(p + on + 6, &after, 10);
	return after == lf;
}

/* Takes the blob at *p (cat-file's answer for e) into t; *p moves past
 * it. Returns 0, or an error for an answer that is not the blob asked. */
static int take_blob(struct cx_index_texts *t, const char *top, const struct entry *e,
                     const char **p, const char *end, struct cx_ctx *ctx)
{
	const char *lf = memchr(*p, '\n', (size_t)(end - *p));
	unsigned long long size = 0;
	/* the text and its final LF */
	if (!lf || !blob_header(*p, lf, e->oid, &size) ||
	    size >= (unsigned long long)(end - lf - 1) || lf[1 + size] != '\n')
		return no_blob(e, ctx);
	const char *data = lf + 1;
	*p = data + size + 1;
	if (size > CX_MAX_SOURCE_BYTES || memchr(data, '\0', (size_t)size))
		return 0; /* not a source: the file on disk stays */
	char *path = full_path(top, e->path);
	if (!path || cx_strv_push_owned(&t->paths, path))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	t->v[t->n++] = (struct cx_unsaved){path, data, (size_t)size};
	return 0;
}

/* Matches cat-file's answers (batch, len bytes, which t->raw then owns)
 * to the entries v[0..n) asked for. */
static int take_blobs(const char *top, const struct entry *v, size_t n, char *batch, size_t len,
                      struct cx_index_texts *t, struct cx_ctx *ctx)
{
	t->raw = batch;
	if (!(t->v = calloc(n + 1, sizeof *t->v)))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	const char *p = batch, *end = batch + len;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = take_blob(t, top, &v[i], &p, end, ctx);
	if (rc == 0 && p != end)
		rc = cx_error(ctx, CX_EINVAL, "git cat-file: more output than blobs asked for");
	return rc;
}

/* The blobs of v[0..n), from one git cat-file --batch run in top. */
static int read_blobs(const char *top, const struct entry *v, size_t n, char **batch,
                      size_t *len, struct cx_ctx *ctx)
{
	char *input = malloc(n * (OID_MAX + 1) + 1);
	size_t in = 0;
	if (!input)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t on = strlen(v[i].oid);
		memcpy(input + in, v[i].oid, on);
		input[in + on] = '\n';
		in += on + 1;
	}
	const char *args[] = {"cat-file", "--batch", NULL};
	struct cx_git_in gi = {input, in, CX_MAX_STAGED_BYTES};
	int status;
	int rc = cx_git_io(top, args, &gi, batch, len, &status, ctx);
	free(input);
	if (rc == 0 && status != 0)
		rc = cx_error(ctx, CX_EINVAL, "git cat-file failed in '%s'", top);
	return rc;
}

int cx_index_texts_parse(const char *top, const char *raw, size_t rawlen, const char *batch,
                         size_t batchlen, struct cx_index_texts *t, struct cx_ctx *ctx)
{
	memset(t, 0, sizeof *t);
	struct entry *v = NULL;
	size_t n = 0;
	char *copy = malloc(batchlen + 1);
	int rc = copy ? parse_raw(raw, rawlen, &v, &n, ctx)
	              : cx_error(ctx, CX_ENOMEM, "out of memory");
	if (copy && batchlen)
		memcpy(copy, batch, batchlen);
	if (rc == 0)
		rc = take_blobs(top, v, n, copy, batchlen, t, ctx);
	else
		free(copy);
	free(v);
	if (rc)
		cx_index_texts_release(t);
	return rc;
}

/* A copy of the repository's top directory: known_top, else git's. */
static int repo_top(const char *root, const char *known_top, char **top, struct cx_ctx *ctx)
{
	const char *q[] = {"rev-parse", "--show-toplevel", NULL};
	if (!known_top)
		return cx_git_line(root, q, top, ctx);
	*top = cx_strdup(known_top);
	return *top ? 0 : cx_error(ctx, CX_ENOMEM, "out of memory");
}

int cx_index_texts(const char *root, const char *known_top, struct cx_index_texts *t,
                   struct cx_ctx *ctx)
{
	memset(t, 0, sizeof *t);
	const char *dq[] = {"diff", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff",
	                    "--no-textconv", "--ignore-submodules", NULL};
	char *top = NULL, *raw = NULL, *batch = NULL;
	size_t len = 0, blen = 0;
	int status;
	struct entry *v = NULL;
	size_t n = 0;
	/* relative names in the raw diff are relative to the top (git runs
	 * there, so that diff.relative changes nothing) */
	int rc = repo_top(root, known_top, &top, ctx);
	if (rc == 0)
		rc = cx_git(top, dq, &raw, &len, &status, ctx);
	if (rc == 0)
		rc = parse_raw(raw, len, &v, &n, ctx);
	if (rc == 0 && n)
		rc = read_blobs(top, v, n, &batch, &blen, ctx);
	if (rc == 0 && n)
		rc = take_blobs(top, v, n, batch, blen, t, ctx);
	else
		free(batch);
	free(v);
	free(raw);
	free(top);
	if (rc)
		cx_index_texts_release(t);
	return rc;
}

void cx_index_texts_release(struct cx_index_texts *t)
{
	free(t->v);
	free(t->raw);
	cx_strv_release(&t->paths);
	memset(t, 0, sizeof *t);
}
