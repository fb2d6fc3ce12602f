/* codec.c: the binary form of a TU's results in the cache (and of the
 * pieces of a scan's result store, store.c). Little-endian base-128 varints and
 * length-prefixed strings; the decoder trusts nothing: every count is
 * checked against the bytes left before anything is allocated, so a
 * corrupt blob is CX_EINVAL, never a crash or a huge allocation.
 *
 *   blob   := "CXR2" nfiles file* nskip group*
 *   file   := str(path) u(status) u(ndiags) str* u(nfuncs) func* u(nsups) sup*
 *   func   := str(name) u(line col end_line start_line ccn ccn_modified) u(npath)
 *             u(cognitive max_nesting params) u(flags) u(nloc tokens
 *             statements length) u(nblocks) block* u(nincs) inc*
 *   block  := u(kind line end_line depth ccn cognitive)
 *   inc    := u(kind line column ccn cognitive nesting)
 *   sup    := u(kind line column end_line) str(rules) str(reason)
 *   group  := str(path) u(n) u(key)*      (keys ascending, delta-coded)
 *
 * and the TUs a compile database gave a scan (the discovery memo):
 *
 *   list   := "CXD1" n source*
 *   source := str(path) str(directory) u(nargs) str* */
#include <stdlib.h>
#include <string.h>

#include "cx_cache.h"
#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_util.h"

static const char magic[4] = {'C', 'X', 'R', '2'};

void cx_buf_put_varint(struct cx_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		tmp[n++] |= v ? 0x80 : 0;
	} while (v);
	cx_buf_put(b, tmp, n);
}

static void put_str(struct cx_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	cx_buf_put_varint(b, n);
	cx_buf_put(b, s, n);
}

static void put_function(struct cx_buf *b, const struct cx_function *f)
{
	put_str(b, f->name);
	const uint64_t head[] = {f->line, f->column, f->end_line, f->start_line, f->ccn,
	                         f->ccn_modified,
	                         (uint64_t)f->npath, f->cognitive, f->max_nesting, f->params,
	                         (uint64_t)f->variadic | (uint64_t)f->from_macro << 1,
	                         f->nloc, f->tokens, f->statements, f->length};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		cx_buf_put_varint(b, head[i]);
	cx_buf_put_varint(b, f->nblocks);
	for (size_t i = 0; i < f->nblocks; i++) {
		const struct cx_block *k = &f->blocks[i];
		const uint64_t v[] = {k->kind, k->line, k->end_line, k->depth, k->ccn, k->cognitive};
		for (size_t j = 0; j < 6; j++)
			cx_buf_put_varint(b, v[j]);
	}
	cx_buf_put_varint(b, f->nincs);
	for (size_t i = 0; i < f->nincs; i++) {
		const struct cx_increment *k = &f->incs[i];
		const uint64_t v[] = {k->kind, k->line, k->column, k->ccn, k->cognitive, k->nesting};
		for (size_t j = 0; j < 6; j++)
			cx_buf_put_varint(b, v[j]);
	}
}

static void put_sups(struct cx_buf *b, const struct cx_suppression *v, size_t n)
{
	cx_buf_put_varint(b, n);
	for (size_t i = 0; i < n; i++) {
		const uint64_t head[] = {v[i].kind, v[i].line, v[i].column, v[i].end_line};
		for (size_t j = 0; j < 4; j++)
			cx_buf_put_varint(b, head[j]);
		put_str(b, v[i].rules);
		put_str(b, v[i].reason);
	}
}

int cx_codec_encode(struct cx_buf *b, const struct cx_file *files, size_t nfiles,
                    const struct cx_skips *skips)
{
	cx_buf_put(b, magic, sizeof magic);
	cx_buf_put_varint(b, nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		const struct cx_file *f = &files[i];
		put_str(b, f->path);
		cx_buf_put_varint(b, f->status);
		cx_buf_put_varint(b, f->ndiags);
		for (size_t d = 0; d < f->ndiags; d++)
			put_str(b, f->diags[d]);
		cx_buf_put_varint(b, f->nfuncs);
		for (size_t k = 0; k < f->nfuncs; k++)
			put_function(b, &f->funcs[k]);
		put_sups(b, f->sups, f->nsups);
	}
	cx_buf_put_varint(b, skips ? skips->n : 0);
	for (size_t g = 0; skips && g < skips->n; g++) {
		const struct cx_skip_group *sg = &skips->v[g];
		put_str(b, sg->path);
		cx_buf_put_varint(b, sg->n);
		uint64_t prev = 0;
		for (size_t k = 0; k < sg->n; k++) {
			cx_buf_put_varint(b, sg->keys[k] - prev);
			prev = sg->keys[k];
		}
	}
	return b->err;
}

/* ---- decoding ---- */

struct rd {
	const uint8_t *p, *end;
	bool bad;
};

size_t cx_varint_get(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0, i = 0; shift < 64 && p + i < end; shift += 7, i++) {
		uint8_t c = p[i];
		if (shift == 63 && c > 1)
			break; /* more than 64 bits */
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return i + 1;
	}
	*v = 0;
	return 0;
}

/* The readers below set r->bad on malformed input and go on (what they
 * read after that means nothing), so that a run of fields is read without
 * a check after each; whatever allocates or returns checks r->bad. */

static uint64_t get_u(struct rd *r)
{
	uint64_t v;
	size_t n = cx_varint_get(r->p, r->end, &v);
	r->bad |= n == 0;
	r->p += n;
	return v;
}

/* A value that must fit in 32 bits. */
static uint32_t get_u32(struct rd *r)
{
	uint64_t v = get_u(r);
	if (v > UINT32_MAX)
		r->bad = true;
	return (uint32_t)v;
}

static uint16_t get_u16(struct rd *r)
{
	uint32_t v = get_u32(r);
	if (v > UINT16_MAX)
		r->bad = true;
	return (uint16_t)v;
}

static enum cx_kind get_kind(struct rd *r)
{
	uint32_t v = get_u32(r);
	if (v >= CX_K_COUNT) {
		r->bad = true;
		return CX_K_IF;
	}
	return (enum cx_kind)v;
}

/* A count of items of at least `min_size` bytes each: never more than the
 * bytes left could hold. */
static size_t get_count(struct rd *r, size_t min_size)
{
	uint64_t v = get_u(r);
	if (v > (uint64_t)(r->end - r->p) / min_size)
		r->bad = true;
	return r->bad ? 0 : (size_t)v;
}

/* NULL with r->bad on malformed input, NULL with bad unset on ENOMEM. */
static char *get_str(struct rd *r)
{
	size_t n = get_count(r, 1);
	if (r->bad)
		return NULL;
	if (memchr(r->p, '\0', n)) {
		r->bad = true;
		return NULL;
	}
	char *s = cx_strndup((const char *)r->p, n);
	r->p += n;
	return s;
}

/* Why a get_str returned NULL. */
static int str_err(const struct rd *r)
{
	return r->bad ? CX_EINVAL : CX_ENOMEM;
}

static int rd_rc(const struct rd *r)
{
	return r->bad ? CX_EINVAL : 0;
}

/* `want` strings into v, counted in *n as they come (for the release). */
static int get_strs(struct rd *r, char **v, size_t *n, size_t want)
{
	for (; *n < want; (*n)++)
		if (!(v[*n] = get_str(r)))
			return str_err(r);
	return 0;
}

/* The fixed fields of a function, after its name. */
static void get_head(struct rd *r, struct cx_function *f)
{
	f->line = get_u32(r);
	f->column = get_u32(r);
	f->end_line = get_u32(r);
	f->start_line = get_u32(r);
	f->ccn = get_u32(r);
	f->ccn_modified = get_u32(r);
	uint64_t np = get_u(r);
	if (np > INT64_MAX)
		r->bad = true;
	f->npath = (int64_t)np;
	f->cognitive = get_u32(r);
	f->max_nesting = get_u32(r);
	f->params = get_u32(r);
	uint64_t flags = get_u(r);
	if (flags > 3)
		r->bad = true;
	f->variadic = flags & 1;
	f->from_macro = (flags >> 1) & 1;
	f->nloc = get_u32(r);
	f->tokens = get_u32(r);
	f->statements = get_u32(r);
	f->length = get_u32(r);
}

static void get_block(struct rd *r, struct cx_block *k)
{
	k->kind = get_kind(r);
	k->line = get_u32(r);
	k->end_line = get_u32(r);
	k->depth = get_u32(r);
	k->ccn = get_u32(r);
	k->cognitive = get_u32(r);
}

static void get_inc(struct rd *r, struct cx_increment *k)
{
	k->kind = get_kind(r);
	k->line = get_u32(r);
	k->column = get_u32(r);
	k->ccn = get_u16(r);
	k->cognitive = get_u16(r);
	k->nesting = get_u16(r);
}

/* Blocks and increments stop at the first bad one (the rest stays
 * zeroed). Only CX_ENOMEM is returned; the caller checks r->bad. */
static int get_blocks(struct rd *r, struct cx_function *f)
{
	f->nblocks = get_count(r, 6);
	if (f->nblocks && !(f->blocks = calloc(f->nblocks, sizeof *f->blocks)))
		return CX_ENOMEM;
	for (size_t i = 0; i < f->nblocks && !r->bad; i++)
		get_block(r, &f->blocks[i]);
	return 0;
}

static int get_incs(struct rd *r, struct cx_function *f)
{
	f->nincs = get_count(r, 6);
	if (f->nincs && !(f->incs = calloc(f->nincs, sizeof *f->incs)))
		return CX_ENOMEM;
	for (size_t i = 0; i < f->nincs && !r->bad; i++)
		get_inc(r, &f->incs[i]);
	return 0;
}

static int get_function(struct rd *r, struct cx_function *f)
{
	if (!(f->name = get_str(r)))
		return str_err(r);
	get_head(r, f);
	if (get_blocks(r, f) || get_incs(r, f))
		return CX_ENOMEM;
	return rd_rc(r);
}

static int get_sup(struct rd *r, struct cx_suppression *u)
{
	uint32_t kind = get_u32(r);
	if (kind > CX_SUP_NOLINTNEXTLINE)
		r->bad = true;
	u->kind = (enum cx_sup_kind)kind;
	u->line = get_u32(r);
	u->column = get_u32(r);
	u->end_line = get_u32(r);
	if (r->bad)
		return CX_EINVAL;
	if (!(u->rules = get_str(r)) || !(u->reason = get_str(r)))
		return str_err(r);
	return 0;
}

static int get_sups(struct rd *r, struct cx_file *f)
{
	size_t n = get_count(r, 6);
	if (n > CX_MAX_SUPPRESSIONS)
		r->bad = true;
	if (r->bad)
		return CX_EINVAL;
	if (n && !(f->sups = calloc(n, sizeof *f->sups)))
		return CX_ENOMEM;
	int rc = 0;
	for (; f->nsups < n && rc == 0; f->nsups++)
		rc = get_sup(r, &f->sups[f->nsups]);
	return rc;
}

/* Only CX_ENOMEM is returned; the caller checks r->bad. */
static int get_diags(struct rd *r, struct cx_file *f)
{
	size_t n = get_count(r, 1);
	if (n && !(f->diags = calloc(n, sizeof *f->diags)))
		return CX_ENOMEM;
	return get_strs(r, f->diags, &f->ndiags, n);
}

static int get_funcs(struct rd *r, struct cx_file *f)
{
	size_t n = get_count(r, 18);
	if (n && !(f->funcs = calloc(n, sizeof *f->funcs)))
		return CX_ENOMEM;
	int rc = rd_rc(r);
	/* counted as they come, the one that failed too (for the release) */
	for (; f->nfuncs < n && rc == 0; f->nfuncs++)
		rc = get_function(r, &f->funcs[f->nfuncs]);
	return rc;
}

static int get_file(struct rd *r, struct cx_file *f)
{
	if (!(f->path = get_str(r)))
		return str_err(r);
	uint64_t st = get_u(r);
	if (st > CX_FILE_ERROR)
		r->bad = true;
	f->status = (enum cx_file_status)st;
	int rc = get_diags(r, f);
	if (rc == 0)
		rc = get_funcs(r, f);
	if (rc == 0)
		rc = get_sups(r, f);
	return rc ? rc : rd_rc(r);
}

/* The next key of a group, after prev (keys are strictly ascending). */
static uint64_t get_key(struct rd *r, uint64_t prev, bool first)
{
	uint64_t d = get_u(r);
	if ((!first && d == 0) || d > UINT64_MAX - prev)
		r->bad = true;
	return prev + d;
}

static int get_group(struct rd *r, struct cx_skip_group *g)
{
	if (!(g->path = get_str(r)))
		return str_err(r);
	size_t n = get_count(r, 1);
	if (n && !(g->keys = malloc(n * sizeof *g->keys)))
		return CX_ENOMEM;
	g->cap = n;
	uint64_t prev = 0;
	for (; g->n < n && !r->bad; g->n++)
		prev = g->keys[g->n] = get_key(r, prev, g->n == 0);
	return rd_rc(r);
}

/* The files into *fs and *nf (to be released by the caller whatever the
 * result, once *nf is set). */
static int get_files(struct rd *r, struct cx_file **fs, size_t *nf)
{
	size_t n = get_count(r, 4);
	if (r->bad)
		return CX_EINVAL;
	if (n && !(*fs = calloc(n, sizeof **fs)))
		return CX_ENOMEM;
	*nf = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = get_file(r, &(*fs)[i]);
	return rc;
}

static int get_groups(struct rd *r, struct cx_skips *sk)
{
	size_t n = get_count(r, 2);
	if (r->bad)
		return CX_EINVAL;
	if (n && !(sk->v = calloc(n, sizeof *sk->v)))
		return CX_ENOMEM;
	sk->cap = n;
	int rc = 0;
	for (; rc == 0 && sk->n < n; sk->n++)
		rc = get_group(r, &sk->v[sk->n]);
	return rc;
}

static void release_files(struct cx_file *fs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cx_file_release(&fs[i]);
	free(fs);
}

int cx_codec_decode(const void *data, size_t len, struct cx_file **files, size_t *nfiles,
                    struct cx_skips *skips)
{
	struct rd r = {.p = data, .end = (const uint8_t *)data + len};
	struct cx_file *fs = NULL;
	struct cx_skips sk = {0};
	size_t nf = 0;
	*files = NULL;
	*nfiles = 0;
	if (len < sizeof magic || memcmp(data, magic, sizeof magic) != 0)
		return CX_EINVAL;
	r.p += sizeof magic;
	int rc = get_files(&r, &fs, &nf);
	if (rc == 0)
		rc = get_groups(&r, &sk);
	if (rc == 0 && r.p != r.end)
		rc = CX_EINVAL; /* trailing bytes */
	if (rc != 0) {
		release_files(fs, nf);
		cx_skips_release(&sk);
		return rc;
	}
	*files = fs;
	*nfiles = nf;
	if (skips)
		*skips = sk;
	else
		cx_skips_release(&sk);
	return 0;
}

/* ---- skips ---- */

void cx_skips_release(struct cx_skips *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].keys);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* The group of path: most often the last one, but the same header may come
 * back after another one. */
static struct cx_skip_group *find_group(struct cx_skips *s, const char *path)
{
	for (size_t i = s->n; i-- > 0;)
		if (strcmp(s->v[i].path, path) == 0)
			return &s->v[i];
	return NULL;
}

static struct cx_skip_group *new_group(struct cx_skips *s, const char *path)
{
	if (cx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v))
		return NULL;
	struct cx_skip_group *g = &s->v[s->n];
	memset(g, 0, sizeof *g);
	if (!(g->path = cx_strdup(path)))
		return NULL;
	s->n++;
	return g;
}

int cx_skips_add(struct cx_skips *s, const char *path, uint32_t line, uint32_t column)
{
	struct cx_skip_group *g = find_group(s, path);
	if (!g && !(g = new_group(s, path)))
		return CX_ENOMEM;
	if (cx_grow(&g->keys, &g->cap, g->n + 1, sizeof *g->keys))
		return CX_ENOMEM;
	g->keys[g->n++] = (uint64_t)line << 32 | column;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void cx_skips_normalize(struct cx_skips *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct cx_skip_group *g = &s->v[i];
		if (g->n < 2)
			continue;
		qsort(g->keys, g->n, sizeof *g->keys, cmp_key);
		size_t w = 1;
		for (size_t k = 1; k < g->n; k++)
			if (g->keys[k] != g->keys[w - 1])
				g->keys[w++] = g->keys[k];
		g->n = w;
	}
}

/* ---- the discovery memo ---- */

static const char sources_magic[4] = {'C', 'X', 'D', '1'};

int cx_sources_encode(struct cx_buf *b, const struct cx_source *v, size_t n)
{
	cx_buf_put(b, sources_magic, sizeof sources_magic);
	cx_buf_put_varint(b, n);
	for (size_t i = 0; i < n; i++) {
		put_str(b, v[i].path);
		put_str(b, v[i].directory);
		cx_buf_put_varint(b, v[i].nargs);
		for (size_t k = 0; k < v[i].nargs; k++)
			put_str(b, v[i].args[k]);
	}
	return b->err;
}

/* A string that must not be empty (a path). */
static int get_path(struct rd *r, char **s)
{
	if (!(*s = get_str(r)))
		return str_err(r);
	return (*s)[0] ? 0 : CX_EINVAL;
}

/* One source into s (zeroed; released by the caller on an error). */
static int get_source(struct rd *r, struct cx_source *s)
{
	int rc = get_path(r, &s->path);
	if (rc == 0)
		rc = get_path(r, &s->directory);
	if (rc)
		return rc;
	size_t n = get_count(r, 1);
	if (r->bad)
		return CX_EINVAL;
	if (!(s->args = calloc(n + 1, sizeof *s->args)))
		return CX_ENOMEM;
	return get_strs(r, s->args, &s->nargs, n);
}

/* n sources appended to out (each one whole, or released). */
static int get_sources(struct rd *r, struct cx_sources *out, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct cx_source *s = &out->v[out->n];
		memset(s, 0, sizeof *s);
		if ((rc = get_source(r, s)) != 0)
			cx_source_release(s);
		else
			out->n++;
	}
	return rc;
}

/* Drops the sources appended after the first `base`. */
static void truncate_sources(struct cx_sources *out, size_t base)
{
	for (size_t i = base; i < out->n; i++)
		cx_source_release(&out->v[i]);
	out->n = base;
}

int cx_sources_decode(const void *data, size_t len, struct cx_sources *out)
{
	struct rd r = {.p = data, .end = (const uint8_t *)data + len};
	if (len < sizeof sources_magic || memcmp(data, sources_magic, sizeof sources_magic))
		return CX_EINVAL;
	r.p += sizeof sources_magic;
	size_t n = get_count(&r, 3); /* two strings and a count, a byte each at least */
	if (r.bad)
		return CX_EINVAL;
	size_t base = out->n;
	int rc = cx_grow(&out->v, &out->cap, base + n, sizeof *out->v);
	if (rc == 0)
		rc = get_sources(&r, out, n);
	if (rc == 0 && r.p != r.end)
		rc = CX_EINVAL;
	if (rc)
		truncate_sources(out, base);
	return rc;
}
