/* Unit tests: the result codec (scanner/codec.c) and the SQLite result
 * cache (scanner/cache.c): round trips, malformed blobs, hits and misses
 * across runs, the stat fast path and the racy rules, damaged cache files,
 * prune, clear, meta and the schema version. Each cache test works in a
 * directory of its own under one temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cx_cache.h"
#include "cx_limits.h"
#include "cx_store.h"
#include "cx_model.h"
#include "cx_util.h"

#define TMPDIR_PREFIX "cxscan-cache"
#include "tmpdir.h"

#define HOUR_NS (3600LL * 1000000000LL)
#define SEC_NS 1000000000LL

/* ---- helpers ---- */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * SEC_NS + ts.tv_nsec;
}

/* A fresh directory tmpdir/name; the path is the caller's. */
static char *mkdir_t(const char *name)
{
	char *d = cx_asprintf("%s/%s", tmpdir, name);
	assert_non_null(d);
	assert_int_equal(mkdir(d, 0777), 0);
	return d;
}

static char *join(const char *dir, const char *name)
{
	char *p = cx_asprintf("%s/%s", dir, name);
	assert_non_null(p);
	return p;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

static void write_str(const char *path, const char *s)
{
	write_bytes(path, s, strlen(s));
}

/* The whole file (NUL-terminated), its length in *len. */
static char *read_all(const char *path, size_t *len)
{
	char *buf = NULL;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_read_file(path, 64 << 20, &buf, len, &ctx), 0);
	return buf;
}

static void set_mtime_ns(const char *path, int64_t t)
{
	struct timespec ts[2] = {{t / SEC_NS, t % SEC_NS}, {t / SEC_NS, t % SEC_NS}};
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int64_t mtime_ns(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (int64_t)st.st_mtim.tv_sec * SEC_NS + st.st_mtim.tv_nsec;
}

static struct cx_digest dg(const char *s)
{
	struct cx_digest d;
	cx_digest_buf(s, strlen(s), &d);
	return d;
}

static struct cx_cache *open_c(const char *path)
{
	struct cx_cache *c = NULL;
	struct cx_ctx ctx = {0};
	int rc = cx_cache_open(path, true, &c, &ctx);
	if (rc)
		fprintf(stderr, "cx_cache_open: %s\n", ctx.msg);
	assert_int_equal(rc, 0);
	assert_non_null(c);
	return c;
}

static void store(struct cx_cache *c, const char *tu, const char *config, const char *content,
                  char *const *deps, size_t ndeps, int64_t since, const char *blob)
{
	struct cx_cache_entry e = {tu, dg(config), dg(content), deps, ndeps, since, blob, strlen(blob)};
	assert_int_equal(cx_cache_store(c, &e, NULL), 0);
}

/* 1 on a hit, 0 on a miss; on a hit, the loaded blob must be `want` (if
 * not NULL). */
static int lookup(struct cx_cache *c, const char *tu, const char *config, const char *content,
                  const char *want)
{
	struct cx_digest cf = dg(config), ct = dg(content);
	int64_t id = -1;
	int rc = cx_cache_lookup(c, tu, &cf, &ct, &id);
	assert_true(rc == 0 || rc == 1);
	if (rc == 1 && want) {
		void *blob = NULL;
		size_t len = 0;
		assert_int_equal(cx_cache_load(c, id, &blob, &len), 0);
		assert_int_equal(len, strlen(want));
		assert_memory_equal(blob, want, len);
		free(blob);
	}
	return rc;
}

static uint64_t reads_of(const struct cx_cache *c)
{
	uint64_t r = 0, s = 0;
	cx_cache_io(c, &r, &s);
	return r;
}

static uint64_t stats_of(const struct cx_cache *c)
{
	uint64_t r = 0, s = 0;
	cx_cache_io(c, &r, &s);
	return s;
}

static struct cx_cache_stats cstats(struct cx_cache *c)
{
	struct cx_cache_stats st;
	assert_int_equal(cx_cache_stats(c, &st), 0);
	return st;
}

/* The one file of dir named `base`.corrupt-<digits> (NULL if none);
 * asserts there is at most one. */
static char *find_aside(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *found = NULL;
	char *prefix = cx_asprintf("%s.corrupt-", base);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		const char *t = e->d_name + strlen(prefix);
		bool digits = *t != '\0';
		for (; *t; t++)
			digits = digits && *t >= '0' && *t <= '9';
		assert_true(digits);
		assert_null(found);
		found = join(dir, e->d_name);
	}
	closedir(d);
	free(prefix);
	return found;
}

/* A valid blob of the codec: the model of test_codec_round_trip. */
static struct cx_block blocks_a[] = {
	{CX_K_WHILE, 11, 29, 2, 7, 13},
	{CX_K_STMT_EXPR, 101, 202, 3, 4, 5},
};
static struct cx_increment incs_a[] = {
	{CX_K_GNU_TERNARY, 12, 44, 1, 65535, 300},
	{CX_K_RECURSION, 70000, 4000000000u, 1, 2, 3},
	{CX_K_OR, 17, 18, 0, 19, 20},
};
static struct cx_block blocks_b[] = {
	{CX_K_SWITCH, 301, 302, 1, 303, 304},
};
static struct cx_increment incs_b[] = {
	{CX_K_CASE, 305, 306, 1, 307, 308},
};
static struct cx_function funcs_a[] = {
	{.name = "alpha", .line = 10, .column = 20, .end_line = 30, .start_line = 9, .ccn = 40, .ccn_modified = 39,
	 .npath = INT64_MAX, .cognitive = 41, .max_nesting = 5, .params = 6, .variadic = true,
	 .nloc = 7, .tokens = 800, .statements = 90, .length = 21, .from_macro = false,
	 .blocks = blocks_a, .nblocks = 2, .incs = incs_a, .nincs = 3},
	{.name = "b\xc3\xa9ta", .line = UINT32_MAX, .column = 22, .end_line = 4000000001u,
	 .ccn = 23, .ccn_modified = 24, .npath = 123456789012345LL, .cognitive = 25,
	 .max_nesting = 26, .params = 27, .variadic = false, .nloc = 28, .tokens = 29,
	 .statements = 31, .length = 32, .from_macro = true, .blocks = blocks_b, .nblocks = 1,
	 .incs = incs_b, .nincs = 1},
};
static struct cx_function funcs_b[] = {
	{.name = "gamma", .line = 50, .column = 51, .end_line = 52, .start_line = 50, .ccn = 53, .ccn_modified = 54,
	 .npath = 55, .cognitive = 56, .max_nesting = 57, .params = 58, .variadic = true,
	 .nloc = 59, .tokens = 60, .statements = 61, .length = 62, .from_macro = true,
	 .blocks = blocks_b, .nblocks = 1, .incs = incs_a, .nincs = 3},
};
static struct cx_suppression sups_b[] = {
	{CX_SUP_IGNORE, 49, 4, 49, "cxscan-npath,cxscan-crap", "a generated \"table\""},
	{CX_SUP_NOLINTNEXTLINE, UINT32_MAX, 1, UINT32_MAX, "", ""},
};
static char *diags_a[] = {"src/a.c:3:4: error: unknown type name 'foo'", "second, \"quoted\""};
static char *diags_b[] = {"include/b.h:1:1: fatal error: 'x.h' file not found"};
static struct cx_file sample[] = {
	{.path = "src/a.c", .status = CX_FILE_DEGRADED, .diags = diags_a, .ndiags = 2,
	 .funcs = funcs_a, .nfuncs = 2},
	{.path = "include/b.h", .status = CX_FILE_ERROR, .diags = diags_b, .ndiags = 1,
	 .funcs = funcs_b, .nfuncs = 1, .sups = sups_b, .nsups = 2},
};

static void make_skips(struct cx_skips *s)
{
	memset(s, 0, sizeof *s);
	/* unsorted, with repeats, and h1.h coming back after h2.h */
	assert_int_equal(cx_skips_add(s, "inc/h1.h", 5, 3), 0);
	assert_int_equal(cx_skips_add(s, "inc/h1.h", 2, 9), 0);
	assert_int_equal(cx_skips_add(s, "inc/h2.h", UINT32_MAX, UINT32_MAX), 0);
	assert_int_equal(cx_skips_add(s, "inc/h2.h", 7, 1), 0);
	assert_int_equal(cx_skips_add(s, "inc/h1.h", 5, 3), 0);
	assert_int_equal(cx_skips_add(s, "inc/h2.h", 7, 1), 0);
	assert_int_equal(cx_skips_add(s, "inc/h1.h", 2, 8), 0);
	cx_skips_normalize(s);
}

static void encode_sample(struct cx_buf *b, const struct cx_skips *sk)
{
	memset(b, 0, sizeof *b);
	assert_int_equal(cx_codec_encode(b, sample, 2, sk), 0);
	assert_int_equal(b->err, 0);
	assert_true(b->n > 4);
}

static void check_function(const struct cx_function *g, const struct cx_function *w)
{
	assert_string_equal(g->name, w->name);
	assert_int_equal(g->line, w->line);
	assert_int_equal(g->column, w->column);
	assert_int_equal(g->end_line, w->end_line);
	assert_int_equal(g->start_line, w->start_line);
	assert_int_equal(g->ccn, w->ccn);
	assert_int_equal(g->ccn_modified, w->ccn_modified);
	assert_true(g->npath == w->npath);
	assert_int_equal(g->cognitive, w->cognitive);
	assert_int_equal(g->max_nesting, w->max_nesting);
	assert_int_equal(g->params, w->params);
	assert_int_equal(g->variadic, w->variadic);
	assert_int_equal(g->nloc, w->nloc);
	assert_int_equal(g->tokens, w->tokens);
	assert_int_equal(g->statements, w->statements);
	assert_int_equal(g->length, w->length);
	assert_int_equal(g->from_macro, w->from_macro);
	assert_int_equal(g->nblocks, w->nblocks);
	for (size_t i = 0; i < w->nblocks; i++) {
		const struct cx_block *x = &g->blocks[i], *y = &w->blocks[i];
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->end_line, y->end_line);
		assert_int_equal(x->depth, y->depth);
		assert_int_equal(x->ccn, y->ccn);
		assert_int_equal(x->cognitive, y->cognitive);
	}
	assert_int_equal(g->nincs, w->nincs);
	for (size_t i = 0; i < w->nincs; i++) {
		const struct cx_increment *x = &g->incs[i], *y = &w->incs[i];
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->column, y->column);
		assert_int_equal(x->ccn, y->ccn);
		assert_int_equal(x->cognitive, y->cognitive);
		assert_int_equal(x->nesting, y->nesting);
	}
}

static void check_files(const struct cx_file *g, size_t ng, const struct cx_file *w, size_t nw)
{
	assert_int_equal(ng, nw);
	for (size_t i = 0; i < nw; i++) {
		assert_string_equal(g[i].path, w[i].path);
		assert_int_equal(g[i].status, w[i].status);
		assert_int_equal(g[i].ndiags, w[i].ndiags);
		for (size_t d = 0; d < w[i].ndiags; d++)
			assert_string_equal(g[i].diags[d], w[i].diags[d]);
		assert_int_equal(g[i].nfuncs, w[i].nfuncs);
		for (size_t k = 0; k < w[i].nfuncs; k++)
			check_function(&g[i].funcs[k], &w[i].funcs[k]);
		assert_int_equal(g[i].nsups, w[i].nsups);
		for (size_t k = 0; k < w[i].nsups; k++) {
			const struct cx_suppression *x = &g[i].sups[k], *y = &w[i].sups[k];
			assert_int_equal(x->kind, y->kind);
			assert_int_equal(x->line, y->line);
			assert_int_equal(x->column, y->column);
			assert_int_equal(x->end_line, y->end_line);
			assert_string_equal(x->rules, y->rules);
			assert_string_equal(x->reason, y->reason);
		}
	}
}

static void release_files(struct cx_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cx_file_release(&f[i]);
	free(f);
}

/* ---- codec ---- */

static void test_skips_normalize(void **state)
{
	(void)state;
	struct cx_skips s;
	make_skips(&s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].path, "inc/h1.h");
	assert_int_equal(s.v[0].n, 3);
	assert_true(s.v[0].keys[0] == ((uint64_t)2 << 32 | 8));
	assert_true(s.v[0].keys[1] == ((uint64_t)2 << 32 | 9));
	assert_true(s.v[0].keys[2] == ((uint64_t)5 << 32 | 3));
	assert_string_equal(s.v[1].path, "inc/h2.h");
	assert_int_equal(s.v[1].n, 2);
	assert_true(s.v[1].keys[0] == ((uint64_t)7 << 32 | 1));
	assert_true(s.v[1].keys[1] == UINT64_MAX);
	cx_skips_release(&s);
	assert_int_equal(s.n, 0);
	assert_null(s.v);
}

static void test_codec_round_trip(void **state)
{
	(void)state;
	struct cx_skips sk;
	make_skips(&sk);
	struct cx_buf b;
	encode_sample(&b, &sk);
	assert_memory_equal(b.p, "CXR2", 4);

	struct cx_file *files = NULL;
	size_t nfiles = 0;
	struct cx_skips out = {0};
	assert_int_equal(cx_codec_decode(b.p, b.n, &files, &nfiles, &out), 0);
	check_files(files, nfiles, sample, 2);
	assert_int_equal(out.n, sk.n);
	for (size_t g = 0; g < sk.n; g++) {
		assert_string_equal(out.v[g].path, sk.v[g].path);
		assert_int_equal(out.v[g].n, sk.v[g].n);
		assert_memory_equal(out.v[g].keys, sk.v[g].keys, sk.v[g].n * sizeof *sk.v[g].keys);
	}

	/* the decoded data encodes to the same bytes */
	struct cx_buf b2 = {0};
	assert_int_equal(cx_codec_encode(&b2, files, nfiles, &out), 0);
	assert_int_equal(b2.n, b.n);
	assert_memory_equal(b2.p, b.p, b.n);
	cx_buf_release(&b2);
	assert_null(b2.p);
	release_files(files, nfiles);
	cx_skips_release(&out);

	/* skips may be NULL on either side */
	assert_int_equal(cx_codec_decode(b.p, b.n, &files, &nfiles, NULL), 0);
	check_files(files, nfiles, sample, 2);
	release_files(files, nfiles);
	struct cx_buf b3 = {0};
	assert_int_equal(cx_codec_encode(&b3, sample, 2, NULL), 0);
	out.n = 99;
	assert_int_equal(cx_codec_decode(b3.p, b3.n, &files, &nfiles, &out), 0);
	check_files(files, nfiles, sample, 2);
	assert_int_equal(out.n, 0);
	release_files(files, nfiles);
	cx_skips_release(&out);
	cx_buf_release(&b3);

	/* no files at all: the magic, 0 files, 0 groups */
	struct cx_buf e = {0};
	assert_int_equal(cx_codec_encode(&e, NULL, 0, NULL), 0);
	assert_int_equal(e.n, 6);
	assert_memory_equal(e.p, "CXR2\0\0", 6);
	files = (struct cx_file *)&e;
	assert_int_equal(cx_codec_decode(e.p, e.n, &files, &nfiles, NULL), 0);
	assert_int_equal(nfiles, 0);
	free(files);
	cx_buf_release(&e);

	cx_buf_release(&b);
	cx_skips_release(&sk);
}

/* Decoding must fail with CX_EINVAL and leave nothing behind. */
static void expect_einval(const void *p, size_t n)
{
	struct cx_file *files = (struct cx_file *)&files;
	size_t nfiles = 77;
	struct cx_skips sk = {0};
	assert_int_equal(cx_codec_decode(p, n, &files, &nfiles, &sk), CX_EINVAL);
	assert_null(files);
	assert_int_equal(nfiles, 0);
	assert_null(sk.v);
	assert_int_equal(sk.n, 0);
}

static void expect_ok(const void *p, size_t n)
{
	struct cx_file *files = NULL;
	size_t nfiles = 0;
	struct cx_skips sk = {0};
	assert_int_equal(cx_codec_decode(p, n, &files, &nfiles, &sk), 0);
	release_files(files, nfiles);
	cx_skips_release(&sk);
}

/* A hand-written blob builder, independent of the encoder. */
static void u(struct cx_buf *b, uint64_t v)
{
	do {
		uint8_t c = (uint8_t)(v & 0x7f);
		v >>= 7;
		c |= v ? 0x80 : 0;
		assert_int_equal(cx_grow(&b->p, &b->cap, b->n + 1, 1), 0);
		b->p[b->n++] = c;
	} while (v);
}

static void raw(struct cx_buf *b, const void *p, size_t n)
{
	assert_int_equal(cx_grow(&b->p, &b->cap, b->n + n + 1, 1), 0);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void str(struct cx_buf *b, const char *s, size_t n)
{
	u(b, n);
	raw(b, s, n);
}

/* What can vary in a one-file, one-function blob. */
struct shape {
	const char *path;
	size_t pathlen;
	uint64_t pathcount; /* the length written, if not 0 */
	uint64_t status, ndiags, nfuncs, npath, flags, nblocks, block_kind, nincs, inc_kind,
		inc_ccn, nsups, sup_kind, ngroups, nkeys, key1, key2;
	bool trailing;
};

static const struct shape good = {
	.path = "a.c", .pathlen = 3, .status = CX_FILE_ERROR, .ndiags = 0, .nfuncs = 1,
	.npath = INT64_MAX, .flags = 3, .nblocks = 1, .block_kind = CX_K_STMT_EXPR, .nincs = 1,
	.inc_kind = CX_K_STMT_EXPR, .inc_ccn = UINT16_MAX, .nsups = 1,
	.sup_kind = CX_SUP_NOLINTNEXTLINE, .ngroups = 1, .nkeys = 2, .key1 = 5,
	.key2 = 6,
};

static void build(struct cx_buf *b, const struct shape *s)
{
	memset(b, 0, sizeof *b);
	raw(b, "CXR2", 4);
	u(b, 1);
	u(b, s->pathcount ? s->pathcount : s->pathlen);
	raw(b, s->path, s->pathlen);
	u(b, s->status);
	u(b, s->ndiags);
	u(b, s->nfuncs);
	str(b, "f", 1);
	u(b, 1), u(b, 2), u(b, 3), u(b, 1);          /* line column end_line start_line */
	u(b, 4), u(b, 5);                            /* ccn ccn_mod */
	u(b, s->npath);
	u(b, 6), u(b, 7), u(b, 8);                   /* cognitive max_nesting params */
	u(b, s->flags);
	u(b, 9), u(b, 10), u(b, 11), u(b, 12);       /* nloc tokens statements length */
	u(b, s->nblocks);
	u(b, s->block_kind);
	for (int i = 0; i < 5; i++)
		u(b, UINT32_MAX);
	u(b, s->nincs);
	u(b, s->inc_kind), u(b, 1), u(b, 2), u(b, s->inc_ccn), u(b, 3), u(b, 4);
	u(b, s->nsups);
	u(b, s->sup_kind), u(b, 1), u(b, 2), u(b, 1); /* kind line column end_line */
	str(b, "cxscan-npath", 12);
	str(b, "why", 3);
	u(b, s->ngroups);
	str(b, "h.h", 3);
	u(b, s->nkeys);
	u(b, s->key1);
	u(b, s->key2 - s->key1);
	if (s->trailing)
		u(b, 0);
}

static void check_shape(const struct shape *s, bool ok)
{
	struct cx_buf b;
	build(&b, s);
	if (ok)
		expect_ok(b.p, b.n);
	else
		expect_einval(b.p, b.n);
	cx_buf_release(&b);
}

/* What the store gives back: every file once, in path order, a header's
 * pieces from several TUs folded (functions by line, worst status,
 * diagnostics once). */
struct seen {
	char paths[4][32];
	size_t nfuncs[4];
	uint32_t first_line[4];
	enum cx_file_status status[4];
	size_t ndiags[4];
	size_t n;
};

static int see(void *arg, const struct cx_file *f)
{
	struct seen *s = arg;
	assert_true(s->n < 4);
	snprintf(s->paths[s->n], sizeof s->paths[s->n], "%s", f->path);
	s->nfuncs[s->n] = f->nfuncs;
	s->first_line[s->n] = f->nfuncs ? f->funcs[0].line : 0;
	s->status[s->n] = f->status;
	s->ndiags[s->n] = f->ndiags;
	for (size_t k = 1; k < f->nfuncs; k++)
		assert_true(f->funcs[k - 1].line <= f->funcs[k].line);
	s->n++;
	return 0;
}

static void check_store_result(const struct cx_result *res)
{
	struct seen s = {0};
	assert_int_equal(cx_result_each(res, see, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.paths[0], "include/b.h");
	assert_int_equal(s.nfuncs[0], 3); /* gamma, then the two of src/a.c's piece */
	assert_int_equal(s.first_line[0], 10);
	assert_int_equal(s.status[0], CX_FILE_ERROR);
	assert_int_equal(s.ndiags[0], 3); /* its own, then a.c's two (one repeated) */
	assert_string_equal(s.paths[1], "src/a.c");
	assert_int_equal(s.nfuncs[1], 2);
	assert_int_equal(s.status[1], CX_FILE_DEGRADED);
	struct cx_totals t;
	cx_result_totals(res, &t);
	assert_int_equal(t.files, 2);
	assert_int_equal(t.functions, 5);
	assert_int_equal(t.degraded, 1);
	assert_int_equal(t.errors, 1);
	/* ccn 40, 23 (twice: a.c and its copy in b.h), 53, 40 */
	assert_int_equal(t.bands[0], 0);
	assert_int_equal(t.bands[1], 0);
	assert_int_equal(t.bands[2], 4);
	assert_int_equal(t.bands[3], 1);
}

static void test_store(void **state)
{
	(void)state;
	struct cx_result res = {0};
	/* a.c, then b.h, then a piece of b.h that another TU measured (a.c's
	 * functions under b.h's path, with a repeated diagnostic) */
	struct cx_file extra = sample[0];
	extra.path = "include/b.h";
	extra.diags = (char *[]){diags_a[0], diags_b[0], diags_a[1]};
	extra.ndiags = 3;
	assert_int_equal(cx_store_add(&res, &sample[0]), 0);
	assert_int_equal(cx_store_add(&res, &sample[1]), 0);
	assert_int_equal(cx_store_add(&res, &extra), 0);
	assert_int_equal(cx_store_finish(&res), 0);
	check_store_result(&res);

	/* the memo form, read back */
	struct cx_buf b = {0};
	assert_int_equal(cx_store_encode(&res, &b), 0);
	struct cx_result back = {0};
	assert_int_equal(cx_store_decode(&back, b.p, b.n), 0);
	check_store_result(&back);
	/* damaged: every truncation and a flipped bit in each byte are refused */
	struct cx_result bad = {0};
	for (size_t n = 0; n < b.n; n++)
		assert_int_equal(cx_store_decode(&bad, b.p, n), CX_EINVAL);
	for (size_t i = 0; i < b.n; i++) {
		b.p[i] ^= 0x10;
		assert_int_equal(cx_store_decode(&bad, b.p, b.n), CX_EINVAL);
		b.p[i] ^= 0x10;
	}
	assert_null(bad.store);
	cx_buf_release(&b);
	cx_result_release(&back);
	cx_result_release(&res);
}

static void test_codec_malformed(void **state)
{
	(void)state;
	struct cx_skips sk;
	make_skips(&sk);
	struct cx_buf b;
	encode_sample(&b, &sk);

	/* every strict prefix */
	for (size_t n = 0; n < b.n; n++)
		expect_einval(b.p, n);
	/* a trailing byte */
	uint8_t *t = malloc(b.n + 1);
	memcpy(t, b.p, b.n);
	t[b.n] = 0;
	expect_einval(t, b.n + 1);
	/* a wrong magic */
	expect_ok(t, b.n);
	t[3] = '1';
	expect_einval(t, b.n);
	free(t);

	/* the hand-built blob is valid; each change below breaks one thing */
	check_shape(&good, true);
	struct shape s = good;
	s.trailing = true;
	check_shape(&s, false);
	s = good;
	s.path = "a\0c";
	check_shape(&s, false); /* a NUL inside a string */
	s = good;
	s.status = CX_FILE_ERROR + 1;
	check_shape(&s, false);
	s = good;
	s.block_kind = CX_K_COUNT;
	check_shape(&s, false);
	s = good;
	s.inc_kind = CX_K_COUNT;
	check_shape(&s, false);
	s = good;
	s.inc_ccn = UINT16_MAX + 1;
	check_shape(&s, false);
	s = good;
	s.flags = 4;
	check_shape(&s, false);
	s = good;
	s.npath = (uint64_t)INT64_MAX + 1;
	check_shape(&s, false);
	s = good;
	s.sup_kind = CX_SUP_NOLINTNEXTLINE + 1;
	check_shape(&s, false);
	s = good;
	s.key2 = s.key1; /* a repeated key (delta 0) */
	check_shape(&s, false);
	/* huge counts: CX_EINVAL before any allocation (ASan would abort on
	 * a calloc of 2^60 elements) */
	const uint64_t huge = (uint64_t)1 << 60;
	s = good;
	s.pathcount = huge;
	check_shape(&s, false);
	s = good;
	s.ndiags = huge;
	check_shape(&s, false);
	s = good;
	s.nfuncs = huge;
	check_shape(&s, false);
	s = good;
	s.nblocks = huge;
	check_shape(&s, false);
	s = good;
	s.nincs = huge;
	check_shape(&s, false);
	s = good;
	s.nsups = huge;
	check_shape(&s, false);
	s = good;
	s.nsups = CX_MAX_SUPPRESSIONS + 1; /* the bytes could not hold them anyway */
	check_shape(&s, false);
	s = good;
	s.ngroups = huge;
	check_shape(&s, false);
	s = good;
	s.nkeys = huge;
	check_shape(&s, false);
	s = good;
	s.nfuncs = 2; /* one more function than the bytes hold */
	check_shape(&s, false);

	/* 2^60 files */
	struct cx_buf h = {0};
	raw(&h, "CXR2", 4);
	u(&h, huge);
	raw(&h, "\0\0\0\0\0\0\0\0", 8);
	expect_einval(h.p, h.n);
	cx_buf_release(&h);

	/* a varint of 11 bytes (more than 64 bits) as the file count, and
	 * its 10-byte maximum, which is valid but too large a count */
	static const uint8_t v11[] = {'C', 'X', 'R', '2', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	                              0x80, 0x80, 0x80, 0x80, 0x00, 0x00};
	expect_einval(v11, sizeof v11);
	static const uint8_t v10[] = {'C', 'X', 'R', '2', 0xff, 0xff, 0xff, 0xff, 0xff,
	                              0xff, 0xff, 0xff, 0xff, 0x01, 0x00};
	expect_einval(v10, sizeof v10);
	static const uint8_t empty[] = {'C', 'X', 'R', '2', 0x00, 0x00};
	expect_ok(empty, sizeof empty);

	cx_buf_release(&b);
	cx_skips_release(&sk);
}

/* ---- the cache ---- */

static void test_cache_runs(void **state)
{
	(void)state;
	char *dir = mkdir_t("runs");
	char *cpath = join(dir, "a/b/cache.sqlite");
	char *h1 = join(dir, "h1.h"), *h2 = join(dir, "h2.h"), *missing = join(dir, "nope.h");
	char *tu_t = join(dir, "t.c"), *tu_u = join(dir, "u.c");
	int64_t old = now_ns() - HOUR_NS;
	write_str(h1, "#define H1 1\n");
	write_str(h2, "#define H2 2\n");
	set_mtime_ns(h1, old);
	set_mtime_ns(h2, old);

	/* run 1: a new cache, with its directories */
	struct cx_cache *c = open_c(cpath);
	struct stat st;
	char *ab = join(dir, "a/b");
	assert_int_equal(stat(ab, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(stat(cpath, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	free(ab);
	struct cx_digest d, want = dg("#define H1 1\n");
	bool present = false;
	assert_int_equal(cx_cache_file_digest(c, h1, &d, &present), 0);
	assert_true(present);
	assert_memory_equal(d.b, want.b, sizeof d.b);
	assert_int_equal(reads_of(c), 1);
	/* memoized: no second stat or read */
	assert_int_equal(cx_cache_file_digest(c, h1, &d, &present), 0);
	assert_memory_equal(d.b, want.b, sizeof d.b);
	assert_int_equal(reads_of(c), 1);
	assert_int_equal(stats_of(c), 1);
	present = true;
	assert_int_equal(cx_cache_file_digest(c, missing, &d, &present), 0);
	assert_false(present);

	char *deps_t[] = {h1, h2}, *deps_u[] = {h1};
	store(c, tu_t, "cfg", "content-t", deps_t, 2, now_ns(), "blob-t-1");
	store(c, tu_u, "cfg", "content-u", deps_u, 1, now_ns(), "blob-u-1");
	assert_int_equal(reads_of(c), 2); /* h1 once, h2 once */
	assert_int_equal(cx_cache_flush(c), 0);
	struct cx_cache_stats cs = cstats(c);
	assert_int_equal(cs.tus, 2);
	assert_int_equal(cs.files, 2); /* the missing file has no row */
	assert_int_equal(cs.result_bytes, 16);
	assert_true(cs.bytes > 0);
	assert_int_equal(cs.reads, 2);
	cx_cache_close(c);

	/* run 2: nothing changed, nothing read */
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-t", "blob-t-1"), 1);
	assert_int_equal(lookup(c, tu_u, "cfg", "content-u", "blob-u-1"), 1);
	assert_int_equal(lookup(c, tu_t, "cfg2", "content-t", NULL), 0);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-t2", NULL), 0);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-u", NULL), 0);
	assert_int_equal(lookup(c, "/no/such/tu.c", "cfg", "content-t", NULL), 0);
	assert_int_equal(reads_of(c), 0);
	assert_int_equal(stats_of(c), 2);
	cs = cstats(c);
	assert_int_equal(cs.reads, 0);
	assert_int_equal(cs.stats, 2);
	cx_cache_close(c);

	/* run 3: h2 rewritten (same size, other bytes, other mtime) */
	write_str(h2, "#define H2 3\n");
	set_mtime_ns(h2, old + 7 * SEC_NS);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-t", NULL), 0);
	assert_int_equal(lookup(c, tu_u, "cfg", "content-u", "blob-u-1"), 1);
	assert_int_equal(reads_of(c), 1); /* h2 only */
	assert_int_equal(cx_cache_file_digest(c, h2, &d, &present), 0);
	want = dg("#define H2 3\n");
	assert_true(present);
	assert_memory_equal(d.b, want.b, sizeof d.b);
	assert_int_equal(reads_of(c), 1);
	cx_cache_close(c);

	/* run 4: h1 touched, same bytes: re-read once, still a hit */
	set_mtime_ns(h1, old - 5 * SEC_NS);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu_u, "cfg", "content-u", "blob-u-1"), 1);
	assert_int_equal(reads_of(c), 1);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-t", NULL), 0); /* h2 still changed */
	assert_int_equal(reads_of(c), 1);
	/* t.c re-stored (replaced), and under a second configuration */
	store(c, tu_t, "cfg", "content-t", deps_t, 2, now_ns(), "blob-t-2");
	store(c, tu_t, "cfg2", "content-t", deps_t, 2, now_ns(), "blob-t-cfg2");
	assert_int_equal(reads_of(c), 1);
	assert_int_equal(cx_cache_flush(c), 0);
	assert_int_equal(cstats(c).tus, 3);
	cx_cache_close(c);

	/* run 5: nothing changed since run 4 */
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu_u, "cfg", "content-u", "blob-u-1"), 1);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-t", "blob-t-2"), 1);
	assert_int_equal(lookup(c, tu_t, "cfg2", "content-t", "blob-t-cfg2"), 1);
	assert_int_equal(reads_of(c), 0);
	assert_int_equal(stats_of(c), 2);
	cx_cache_close(c);

	/* run 6: h1 deleted: every entry depending on it misses */
	assert_int_equal(unlink(h1), 0);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu_u, "cfg", "content-u", NULL), 0);
	assert_int_equal(lookup(c, tu_t, "cfg", "content-t", NULL), 0);
	assert_int_equal(cx_cache_file_digest(c, h1, &d, &present), 0);
	assert_false(present);
	cx_cache_close(c);

	free(h1), free(h2), free(missing), free(tu_t), free(tu_u), free(cpath), free(dir);
}

/* File ids far apart (most rows pruned) take the binary search instead of
 * the id table; lookups inside a read transaction, then a write. */
static void test_cache_sparse_ids(void **state)
{
	(void)state;
	enum { NH = 1500 };
	char *dir = mkdir_t("sparse");
	char *cpath = join(dir, "cache.sqlite");
	char *tu_a = join(dir, "a.c"), *tu_b = join(dir, "b.c");
	char *h1 = join(dir, "h1.h"), *h2 = join(dir, "h2.h");
	int64_t old = now_ns() - HOUR_NS;
	char **hs = calloc(NH, sizeof *hs);
	assert_non_null(hs);
	for (size_t i = 0; i < NH; i++) {
		char name[32];
		snprintf(name, sizeof name, "g%zu.h", i);
		hs[i] = join(dir, name);
		write_str(hs[i], name);
		set_mtime_ns(hs[i], old);
	}
	write_str(tu_a, "a");
	write_str(h1, "1");
	write_str(h2, "2");
	set_mtime_ns(h1, old);
	set_mtime_ns(h2, old);
	char *deps_b[] = {h1, h2};

	struct cx_cache *c = open_c(cpath);
	store(c, tu_a, "cfg", "ca", hs, NH, now_ns(), "blob-a");
	store(c, tu_b, "cfg", "cb", deps_b, 2, now_ns(), "blob-b");
	assert_int_equal(cx_cache_flush(c), 0);
	cx_cache_close(c);

	/* dense ids: the id table */
	c = open_c(cpath);
	cx_cache_read_begin(c);
	cx_cache_read_begin(c); /* a second begin is a no-op */
	assert_int_equal(lookup(c, tu_a, "cfg", "ca", "blob-a"), 1);
	assert_int_equal(lookup(c, tu_b, "cfg", "cb", "blob-b"), 1);
	cx_cache_read_end(c);
	cx_cache_read_end(c);
	cx_cache_close(c);

	/* a.c and its headers go: their rows are pruned */
	for (size_t i = 0; i < NH; i++)
		assert_int_equal(unlink(hs[i]), 0);
	assert_int_equal(unlink(tu_a), 0);
	c = open_c(cpath);
	cx_cache_read_begin(c);
	assert_int_equal(lookup(c, tu_a, "cfg", "ca", NULL), 0);
	assert_int_equal(lookup(c, tu_b, "cfg", "cb", "blob-b"), 1);
	/* a write inside the read transaction ends it first */
	char *keep[] = {tu_b};
	assert_int_equal(cx_cache_prune(c, keep, 1), 0);
	cx_cache_close(c);

	/* two rows left, ids above 1500: the binary search */
	c = open_c(cpath);
	assert_int_equal(cstats(c).files, 2);
	assert_int_equal(cstats(c).tus, 1);
	cx_cache_read_begin(c);
	assert_int_equal(lookup(c, tu_b, "cfg", "cb", "blob-b"), 1);
	assert_int_equal(lookup(c, tu_a, "cfg", "ca", NULL), 0);
	write_str(h2, "two");
	cx_cache_close(c);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu_b, "cfg", "cb", NULL), 0);
	cx_cache_close(c);

	for (size_t i = 0; i < NH; i++)
		free(hs[i]);
	free(hs);
	free(tu_a);
	free(tu_b);
	free(h1);
	free(h2);
	free(cpath);
	free(dir);
}

static void test_cache_racy(void **state)
{
	(void)state;
	char *dir = mkdir_t("racy");
	char *cpath = join(dir, "cache.sqlite");
	char *fresh = join(dir, "fresh.h"), *old = join(dir, "old.h"), *ws = join(dir, "ws.h");
	char *tu[7];
	for (int i = 0; i < 7; i++)
		tu[i] = cx_asprintf("%s/r%d.c", dir, i);
	int64_t now = now_ns();
	if (now % SEC_NS == 0)
		now++; /* a sub-second part: the 10 ms window */
	int64_t whole = (now / SEC_NS - 3600) * SEC_NS; /* no sub-second part: 2 s */
	write_str(fresh, "fresh\n");
	write_str(old, "old\n");
	write_str(ws, "whole seconds\n");
	set_mtime_ns(fresh, now);
	set_mtime_ns(old, now - HOUR_NS);
	set_mtime_ns(ws, whole);
	assert_true(mtime_ns(fresh) == now); /* nanosecond timestamps */

	struct cx_cache *c = open_c(cpath);
	char *deps_racy[] = {old, fresh}, *deps_old[] = {old}, *deps_ws[] = {ws};
	/* modified when the parse started: unknown digest */
	store(c, tu[0], "cfg", "r", deps_racy, 2, now, "racy-now");
	/* modified 5 ms before: still inside the window */
	store(c, tu[1], "cfg", "r", deps_racy, 2, now + 5000000, "racy-5ms");
	/* modified 20 ms before: known */
	store(c, tu[2], "cfg", "r", deps_racy, 2, now + 20000000, "ok-20ms");
	/* modified after the parse started */
	store(c, tu[3], "cfg", "r", deps_racy, 2, now - SEC_NS, "racy-after");
	store(c, tu[4], "cfg", "r", deps_old, 1, now, "ok-old");
	/* whole-second mtimes: a 2 s window */
	store(c, tu[5], "cfg", "r", deps_ws, 1, whole + 1500000000, "racy-1.5s");
	store(c, tu[6], "cfg", "r", deps_ws, 1, whole + 3 * SEC_NS, "ok-3s");
	cx_cache_close(c);

	c = open_c(cpath);
	assert_int_equal(lookup(c, tu[0], "cfg", "r", NULL), 0);
	assert_int_equal(lookup(c, tu[1], "cfg", "r", NULL), 0);
	assert_int_equal(lookup(c, tu[2], "cfg", "r", "ok-20ms"), 1);
	assert_int_equal(lookup(c, tu[3], "cfg", "r", NULL), 0);
	assert_int_equal(lookup(c, tu[4], "cfg", "r", "ok-old"), 1);
	assert_int_equal(lookup(c, tu[5], "cfg", "r", NULL), 0);
	assert_int_equal(lookup(c, tu[6], "cfg", "r", "ok-3s"), 1);
	/* the same dependencies, stored well after the change, hit */
	store(c, tu[0], "cfg", "r", deps_racy, 2, now + 2 * SEC_NS, "settled");
	store(c, tu[5], "cfg", "r", deps_ws, 1, whole + 2 * SEC_NS, "settled-ws");
	cx_cache_close(c);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu[0], "cfg", "r", "settled"), 1);
	assert_int_equal(lookup(c, tu[5], "cfg", "r", "settled-ws"), 1);
	cx_cache_close(c);

	/* a file hashed within the racy window of its mtime (here: a minute
	 * in the future) is read again by every run; once old, only stat'ed */
	char *future = join(dir, "future.h");
	write_str(future, "future\n");
	set_mtime_ns(future, now_ns() + 60 * SEC_NS);
	struct cx_digest d;
	bool present;
	for (int run = 0; run < 2; run++) {
		c = open_c(cpath);
		assert_int_equal(cx_cache_file_digest(c, future, &d, &present), 0);
		assert_true(present);
		assert_int_equal(reads_of(c), 1);
		cx_cache_close(c);
	}
	set_mtime_ns(future, now_ns() - HOUR_NS);
	for (int run = 0; run < 2; run++) {
		c = open_c(cpath);
		assert_int_equal(cx_cache_file_digest(c, future, &d, &present), 0);
		assert_true(present);
		assert_int_equal(reads_of(c), run == 0 ? 1 : 0);
		assert_int_equal(stats_of(c), 1);
		cx_cache_close(c);
	}
	struct cx_digest want = dg("future\n");
	assert_memory_equal(d.b, want.b, sizeof d.b);

	for (int i = 0; i < 7; i++)
		free(tu[i]);
	free(future), free(fresh), free(old), free(ws), free(cpath), free(dir);
}

/* Stores one entry (one old dependency), then, in a new run, expects it to
 * hit: the cache at cpath works. */
static void check_cache_works(const char *dir, const char *cpath)
{
	char *dep = join(dir, "dep.h"), *tu = join(dir, "w.c");
	write_str(dep, "dep\n");
	set_mtime_ns(dep, now_ns() - HOUR_NS);
	struct cx_cache *c = open_c(cpath);
	char *deps[] = {dep};
	store(c, tu, "cfg", "w", deps, 1, now_ns(), "works");
	assert_int_equal(cx_cache_flush(c), 0);
	cx_cache_close(c);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu, "cfg", "w", "works"), 1);
	cx_cache_close(c);
	free(dep), free(tu);
}

/* The file at cpath (holding `len` bytes `orig`) is moved aside at open,
 * kept intact, and a new cache works. */
static void check_moved_aside(const char *dir, const char *cpath, const char *orig, size_t len)
{
	assert_null(find_aside(dir, "cache.sqlite"));
	struct cx_cache *c = open_c(cpath);
	char *aside = find_aside(dir, "cache.sqlite");
	assert_non_null(aside);
	size_t n = 0;
	char *got = read_all(aside, &n);
	assert_int_equal(n, len);
	assert_memory_equal(got, orig, len);
	free(got);
	struct cx_cache_stats st = cstats(c);
	assert_int_equal(st.tus, 0);
	assert_int_equal(st.files, 0);
	cx_cache_close(c);
	check_cache_works(dir, cpath);
	/* not moved again */
	char *again = find_aside(dir, "cache.sqlite");
	assert_string_equal(again, aside);
	free(again);
	free(aside);
}

static void test_cache_garbage(void **state)
{
	(void)state;
	char *dir = mkdir_t("garbage");
	char *cpath = join(dir, "cache.sqlite");
	char *junk = malloc(4096);
	memset(junk, 'x', 4096);
	write_bytes(cpath, junk, 4096);
	check_moved_aside(dir, cpath, junk, 4096);
	free(junk), free(cpath), free(dir);
}

static void test_cache_truncated(void **state)
{
	(void)state;
	char *dir = mkdir_t("truncated");
	char *cpath = join(dir, "cache.sqlite");
	char *dep = join(dir, "d.h");
	write_str(dep, "d\n");
	set_mtime_ns(dep, now_ns() - HOUR_NS);
	struct cx_cache *c = open_c(cpath);
	char blob[600];
	char *deps[] = {dep};
	for (int i = 0; i < 300; i++) {
		snprintf(blob, sizeof blob, "%0*d", (int)sizeof blob - 1, i);
		char *tu = cx_asprintf("%s/tu%03d.c", dir, i);
		store(c, tu, "cfg", "x", deps, 1, now_ns(), blob);
		free(tu);
	}
	assert_int_equal(cx_cache_flush(c), 0);
	assert_int_equal(cstats(c).tus, 300);
	cx_cache_close(c);
	char *wal = cx_asprintf("%s-wal", cpath);
	assert_int_equal(access(wal, F_OK), -1); /* all in the main file */
	free(wal);

	size_t n = 0;
	char *full = read_all(cpath, &n);
	assert_true(n >= 16 * 4096);
	assert_int_equal(truncate(cpath, (off_t)(n / 2)), 0);
	check_moved_aside(dir, cpath, full, n / 2);
	free(full), free(dep), free(cpath), free(dir);
}

static void test_cache_foreign(void **state)
{
	(void)state;
	char *dir = mkdir_t("foreign");
	char *cpath = join(dir, "cache.sqlite");
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(cpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE people(name TEXT, age INTEGER);"
	                                  "INSERT INTO people VALUES ('ada', 36);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	size_t n = 0;
	char *orig = read_all(cpath, &n);
	assert_true(n > 0);
	check_moved_aside(dir, cpath, orig, n);
	free(orig);

	/* the moved file is still the other program's database */
	char *aside = find_aside(dir, "cache.sqlite");
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(aside, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT age FROM people", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 36);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(aside), free(cpath), free(dir);
}

/* Header fields that make a cache unusable are moved aside: a file format
 * write version SQLite does not write (it would open the file read-only
 * for ever), an unknown read version, and, in a cache of an older schema
 * (rebuilt in place), a largest root page of 2^32-1, with which SQLite
 * cannot create a table ("database or disk is full"). */
static void test_cache_bad_header_fields(void **state)
{
	(void)state;
	static const struct {
		size_t at;
		uint8_t bytes[8];
		size_t n;
	} patch[][2] = {
		{{18, {2, 3}, 2}, {0, {0}, 0}},
		{{18, {3, 2}, 2}, {0, {0}, 0}},
		{{18, {0, 1}, 2}, {0, {0}, 0}},
		{{52, {0xff, 0xff, 0xff, 0xff}, 4}, {60, {0, 0, 0, 1}, 4}},
	};
	for (size_t k = 0; k < sizeof patch / sizeof patch[0]; k++) {
		char *name = cx_asprintf("header%zu", k);
		char *dir = mkdir_t(name);
		char *cpath = join(dir, "cache.sqlite");
		struct cx_cache *c = open_c(cpath);
		store(c, "/nowhere/v.c", "cfg", "v", NULL, 0, now_ns(), "v");
		assert_int_equal(cx_cache_flush(c), 0);
		cx_cache_close(c);
		size_t n = 0;
		char *orig = read_all(cpath, &n);
		assert_true(n >= 100);
		assert_int_equal(orig[18], 2); /* WAL */
		for (size_t p = 0; p < 2; p++)
			memcpy(orig + patch[k][p].at, patch[k][p].bytes, patch[k][p].n);
		write_bytes(cpath, orig, n);
		check_moved_aside(dir, cpath, orig, n);
		free(orig), free(cpath), free(dir), free(name);
	}
}

/* TU paths in the tus table, sorted, joined with '\n'. */
static char *tu_paths(const char *cpath, const char *dir)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(cpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT path FROM tus ORDER BY path", -1, &st,
	                                    NULL),
	                 SQLITE_OK);
	char *out = cx_strdup("");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		size_t dl = strlen(dir);
		if (strncmp(p, dir, dl) == 0 && p[dl] == '/')
			p += dl + 1;
		char *n = cx_asprintf("%s%s\n", out, p);
		free(out);
		out = n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void test_cache_prune(void **state)
{
	(void)state;
	char *dir = mkdir_t("prune");
	char *cpath = join(dir, "cache.sqlite");
	char *hdr = join(dir, "hdr.h"), *goneh = join(dir, "gone.h");
	char *a = join(dir, "a.c"), *gone = join(dir, "gone.c"), *kept = join(dir, "kept.c");
	write_str(hdr, "hdr\n");
	write_str(goneh, "gone\n");
	write_str(a, "int a;\n");
	write_str(gone, "int gone;\n");
	set_mtime_ns(hdr, now_ns() - HOUR_NS);
	set_mtime_ns(goneh, now_ns() - HOUR_NS);
	struct cx_cache *c = open_c(cpath);
	char *deps_a[] = {hdr, goneh}, *deps[] = {hdr};
	store(c, a, "cfg", "a", deps_a, 2, now_ns(), "A");
	store(c, gone, "cfg", "g", deps, 1, now_ns(), "G");
	store(c, kept, "cfg", "k", deps, 1, now_ns(), "K");
	cx_cache_close(c);

	assert_int_equal(unlink(gone), 0);
	assert_int_equal(unlink(goneh), 0);
	c = open_c(cpath);
	struct cx_cache_stats st = cstats(c);
	assert_int_equal(st.tus, 3);
	assert_int_equal(st.files, 2);
	assert_int_equal(lookup(c, a, "cfg", "a", NULL), 0); /* gone.h is missing */
	char *keep[] = {kept};
	assert_int_equal(cx_cache_prune(c, keep, 1), 0);
	st = cstats(c);
	assert_int_equal(st.tus, 2);
	assert_int_equal(st.files, 1); /* gone.h's row */
	assert_int_equal(lookup(c, kept, "cfg", "k", "K"), 1);
	cx_cache_close(c);
	char *paths = tu_paths(cpath, dir);
	assert_string_equal(paths, "a.c\nkept.c\n");
	free(paths);

	/* without keep, the missing kept.c goes too */
	c = open_c(cpath);
	assert_int_equal(cx_cache_prune(c, NULL, 0), 0);
	assert_int_equal(cstats(c).tus, 1);
	assert_int_equal(cstats(c).files, 1);
	cx_cache_close(c);
	paths = tu_paths(cpath, dir);
	assert_string_equal(paths, "a.c\n");
	free(paths);

	/* no TU gone, only a file found missing: its row goes */
	assert_int_equal(unlink(hdr), 0);
	c = open_c(cpath);
	assert_int_equal(lookup(c, a, "cfg", "a", NULL), 0);
	char *keep_a[] = {a};
	assert_int_equal(cx_cache_prune(c, keep_a, 1), 0);
	st = cstats(c);
	assert_int_equal(st.tus, 1);
	assert_int_equal(st.files, 0);
	cx_cache_close(c);

	free(hdr), free(goneh), free(a), free(gone), free(kept), free(cpath), free(dir);
}

static void test_cache_clear_meta(void **state)
{
	(void)state;
	char *dir = mkdir_t("clear");
	char *cpath = join(dir, "cache.sqlite");
	char *dep = join(dir, "x.h"), *tu = join(dir, "x.c");
	write_str(dep, "x\n");
	set_mtime_ns(dep, now_ns() - HOUR_NS);
	struct cx_cache *c = open_c(cpath);
	assert_null(cx_cache_meta_get(c, "k"));
	assert_int_equal(cx_cache_meta_set(c, "k", "v1"), 0);
	char *v = cx_cache_meta_get(c, "k");
	assert_string_equal(v, "v1");
	free(v);
	assert_int_equal(cx_cache_meta_set(c, "k", "v2"), 0);
	assert_int_equal(cx_cache_meta_set(c, "other", ""), 0);
	v = cx_cache_meta_get(c, "k");
	assert_string_equal(v, "v2");
	free(v);
	v = cx_cache_meta_get(c, "other");
	assert_string_equal(v, "");
	free(v);
	char *deps[] = {dep};
	store(c, tu, "cfg", "x", deps, 1, now_ns(), "X");
	cx_cache_close(c);

	c = open_c(cpath);
	v = cx_cache_meta_get(c, "k"); /* persists */
	assert_string_equal(v, "v2");
	free(v);
	struct cx_cache_stats st = cstats(c);
	assert_int_equal(st.tus, 1);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.result_bytes, 1);
	assert_int_equal(cx_cache_clear(c), 0);
	st = cstats(c);
	assert_int_equal(st.tus, 0);
	assert_int_equal(st.files, 0);
	assert_int_equal(st.result_bytes, 0);
	assert_null(cx_cache_meta_get(c, "k"));
	assert_int_equal(lookup(c, tu, "cfg", "x", NULL), 0);
	assert_int_equal(cx_cache_meta_set(c, "k", "v3"), 0);
	cx_cache_close(c);

	c = open_c(cpath);
	st = cstats(c);
	assert_int_equal(st.tus, 0);
	assert_int_equal(st.files, 0);
	v = cx_cache_meta_get(c, "k");
	assert_string_equal(v, "v3");
	free(v);
	assert_int_equal(lookup(c, tu, "cfg", "x", NULL), 0);
	cx_cache_close(c);
	free(dep), free(tu), free(cpath), free(dir);
}

static int64_t user_version(const char *cpath)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(cpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_cache_schema_version(void **state)
{
	(void)state;
	char *dir = mkdir_t("schema");
	char *cpath = join(dir, "cache.sqlite");
	check_cache_works(dir, cpath);
	assert_int_equal(user_version(cpath), 2);
	struct cx_cache *c = open_c(cpath);
	assert_int_equal(cx_cache_meta_set(c, "k", "v"), 0);
	assert_int_equal(cstats(c).tus, 1);
	cx_cache_close(c);

	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(cpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(user_version(cpath), 99);

	c = open_c(cpath);
	struct cx_cache_stats st = cstats(c);
	assert_int_equal(st.tus, 0); /* rebuilt, not migrated */
	assert_int_equal(st.files, 0);
	assert_null(cx_cache_meta_get(c, "k"));
	char *tu = join(dir, "w.c");
	assert_int_equal(lookup(c, tu, "cfg", "w", NULL), 0);
	free(tu);
	cx_cache_close(c);
	assert_int_equal(user_version(cpath), 2);
	assert_null(find_aside(dir, "cache.sqlite")); /* not moved aside */
	check_cache_works(dir, cpath);
	free(cpath), free(dir);
}

/* --staged: a file's digest is that of the text parsed in its place; it
 * is neither stat'ed nor read, entries stored meanwhile record that
 * digest, and its row keeps what is on disk. */
static void test_cache_overlay(void **state)
{
	(void)state;
	char *dir = mkdir_t("overlay");
	char *cpath = join(dir, "cache.sqlite");
	char *h = join(dir, "h.h"), *gone = join(dir, "gone.h"), *tu = join(dir, "t.c");
	int64_t old = now_ns() - HOUR_NS;
	write_str(h, "disk\n");
	set_mtime_ns(h, old);

	/* run 1: the disk's h.h recorded */
	struct cx_cache *c = open_c(cpath);
	char *deps[] = {h, gone};
	store(c, tu, "cfg", "content", deps, 1, now_ns(), "blob-disk");
	cx_cache_close(c);

	/* run 2: h.h and the deleted gone.h overlaid with the index's texts */
	c = open_c(cpath);
	struct cx_digest dh = dg("index\n"), dgone = dg("gone\n"), d;
	assert_int_equal(cx_cache_overlay(c, h, &dh), 0);
	assert_int_equal(cx_cache_overlay(c, gone, &dgone), 0);
	bool present = false;
	assert_int_equal(cx_cache_file_digest(c, h, &d, &present), 0);
	assert_true(present);
	assert_memory_equal(d.b, dh.b, sizeof d.b);
	assert_int_equal(cx_cache_file_digest(c, gone, &d, &present), 0);
	assert_true(present);
	assert_memory_equal(d.b, dgone.b, sizeof d.b);
	assert_int_equal(lookup(c, tu, "cfg", "content", NULL), 0); /* the disk's entry */
	assert_int_equal(reads_of(c), 0);
	assert_int_equal(stats_of(c), 0);
	/* stored right after the parse: an overlaid file is never racy */
	store(c, tu, "cfg", "content", deps, 2, old, "blob-index");
	assert_int_equal(cx_cache_flush(c), 0);
	assert_int_equal(reads_of(c), 0);
	cx_cache_close(c);

	/* run 3: the same texts hit */
	c = open_c(cpath);
	assert_int_equal(cx_cache_overlay(c, h, &dh), 0);
	assert_int_equal(cx_cache_overlay(c, gone, &dgone), 0);
	assert_int_equal(lookup(c, tu, "cfg", "content", "blob-index"), 1);
	cx_cache_close(c);

	/* run 4: without them, the disk's h.h is read again (its row was not
	 * overwritten with the index's digest) and the entry misses; gone.h
	 * has a row no stat can match */
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu, "cfg", "content", NULL), 0);
	assert_int_equal(cx_cache_file_digest(c, h, &d, &present), 0);
	struct cx_digest dd = dg("disk\n");
	assert_memory_equal(d.b, dd.b, sizeof d.b);
	assert_int_equal(reads_of(c), 0); /* its recorded stat holds */
	assert_int_equal(cx_cache_file_digest(c, gone, &d, &present), 0);
	assert_false(present);
	/* the working tree catches up: the index's entry holds */
	write_str(h, "index\n");
	set_mtime_ns(h, old + SEC_NS);
	write_str(gone, "gone\n");
	set_mtime_ns(gone, old);
	cx_cache_close(c);
	c = open_c(cpath);
	assert_int_equal(lookup(c, tu, "cfg", "content", "blob-index"), 1);
	assert_int_equal(reads_of(c), 2);
	cx_cache_close(c);
	free(cpath);
	free(h);
	free(gone);
	free(tu);
	free(dir);
}

static void test_digest_stream(void **state)
{
	(void)state;
	struct cx_digest a, b, z = {{0}};
	cx_digest_buf("ab\0cd", 6, &a);
	struct cx_digest_state *s = cx_digest_begin();
	assert_non_null(s);
	cx_digest_add(s, "a", 1);
	cx_digest_add_str(s, "b");
	cx_digest_add(s, "cd", 3);
	cx_digest_end(s, &b);
	assert_memory_equal(a.b, b.b, sizeof a.b);
	assert_memory_not_equal(a.b, z.b, sizeof a.b);
	cx_digest_buf("ab\0ce", 6, &b);
	assert_memory_not_equal(a.b, b.b, sizeof a.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skips_normalize),
		cmocka_unit_test(test_codec_round_trip),
		cmocka_unit_test(test_codec_malformed),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_digest_stream),
		cmocka_unit_test(test_cache_runs),
		cmocka_unit_test(test_cache_sparse_ids),
		cmocka_unit_test(test_cache_racy),
		cmocka_unit_test(test_cache_overlay),
		cmocka_unit_test(test_cache_garbage),
		cmocka_unit_test(test_cache_truncated),
		cmocka_unit_test(test_cache_foreign),
		cmocka_unit_test(test_cache_bad_header_fields),
		cmocka_unit_test(test_cache_prune),
		cmocka_unit_test(test_cache_clear_meta),
		cmocka_unit_test(test_cache_schema_version),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
