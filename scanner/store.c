/* store.c: a scan's merged results kept encoded (cx_store.h).
 *
 * Each file a TU contributes is encoded on its own (a "piece", the cache's
 * codec: "CXR2" 1 file 0) into one growing buffer, with a small index entry
 * (path, offset, length, status, order of arrival). Decoded, a function
 * takes several hundred bytes (name, blocks, allocator overhead); encoded,
 * a few dozen: mm/ with 9,913 functions holds 0.5 MB instead of 7 MB.
 * Reports read the store through cx_result_each, one folded file at a time.
 *
 * The memo form (cx_store_encode) is what the cache keeps as a scan's
 * merged result:
 *   "CXT1" u(files functions degraded errors band*4) u(n) (u(len) piece)*
 *   u64le(XXH3-64 of everything before it)
 * with one piece per file, already folded and in path order. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cx_limits.h"
#include "cx_store.h"
#include "cx_util.h"

struct piece {
	char *path; /* NULL in a store read from a memo: pieces are files */
	size_t off, len;
	size_t seq;
	enum cx_file_status status;
};

struct cx_store {
	struct cx_buf buf;
	struct piece *v;
	size_t n, cap;
	struct cx_totals totals;
};

static const char memo_magic[4] = {'C', 'X', 'T', '1'};

static void store_free(struct cx_store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->v[i].path);
	free(st->v);
	cx_buf_release(&st->buf);
	free(st);
}

static struct cx_store *store_of(struct cx_result *res)
{
	if (!res->store) {
		res->store = calloc(1, sizeof *res->store);
		res->store_free = store_free;
	}
	return res->store;
}

static void count_functions(struct cx_totals *t, const struct cx_file *f)
{
	t->functions += f->nfuncs;
	for (size_t k = 0; k < f->nfuncs; k++) {
		uint32_t c = f->funcs[k].ccn;
		t->bands[c <= 10 ? 0 : c <= 20 ? 1 : c <= 50 ? 2 : 3]++;
	}
}

int cx_store_add(struct cx_result *res, const struct cx_file *f)
{
	struct cx_store *st = store_of(res);
	if (!st || cx_grow(&st->v, &st->cap, st->n + 1, sizeof *st->v))
		return CX_ENOMEM;
	struct piece *p = &st->v[st->n];
	p->off = st->buf.n;
	p->seq = st->n;
	p->status = f->status;
	if (cx_codec_encode(&st->buf, f, 1, NULL) || st->buf.err ||
	    !(p->path = cx_strdup(f->path))) {
		st->buf.n = p->off;
		st->buf.err = 0;
		return CX_ENOMEM;
	}
	p->len = st->buf.n - p->off;
	st->n++;
	count_functions(&st->totals, f);
	return 0;
}

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether pieces i and j (i < j, in order) belong to one file. */
static bool same_file(const struct cx_store *st, size_t i, size_t j)
{
	return st->v[i].path && st->v[j].path && strcmp(st->v[i].path, st->v[j].path) == 0;
}

/* The end of the run of pieces (in order) of piece i's file. */
static size_t file_end(const struct cx_store *st, size_t i)
{
	size_t j = i + 1;
	while (j < st->n && same_file(st, i, j))
		j++;
	return j;
}

int cx_store_finish(struct cx_result *res)
{
	struct cx_store *st = res->store;
	if (!st)
		return 0;
	if (st->n > 1)
		qsort(st->v, st->n, sizeof *st->v, cmp_piece);
	struct cx_totals *t = &st->totals;
	t->files = t->degraded = t->errors = 0;
	for (size_t i = 0; i < st->n;) {
		enum cx_file_status worst = st->v[i].status;
		size_t j = i + 1;
		for (; j < st->n && same_file(st, i, j); j++)
			if (st->v[j].status > worst)
				worst = st->v[j].status;
		t->files++;
		t->degraded += worst == CX_FILE_DEGRADED;
		t->errors += worst == CX_FILE_ERROR;
		i = j;
	}
	return 0;
}

/* Appends src's functions to dst's; src is left without any. */
static int fold_funcs(struct cx_file *dst, struct cx_file *src)
{
	if (!src->nfuncs)
		return 0; /* dst->funcs may be NULL, and NULL + 0 is undefined */
	size_t cap = dst->nfuncs; /* a decoded file's array is exactly full */
	if (cx_grow(&dst->funcs, &cap, dst->nfuncs + src->nfuncs, sizeof *dst->funcs))
		return CX_ENOMEM;
	memcpy(dst->funcs + dst->nfuncs, src->funcs, src->nfuncs * sizeof *dst->funcs);
	dst->nfuncs += src->nfuncs;
	src->nfuncs = 0;
	return 0;
}

/* Appends src's diagnostics that dst does not have yet, up to the limit. */
static int fold_diags(struct cx_file *dst, const struct cx_file *src)
{
	for (size_t d = 0; d < src->ndiags; d++) {
		bool dup = false;
		for (size_t e = 0; e < dst->ndiags && !dup; e++)
			dup = strcmp(dst->diags[e], src->diags[d]) == 0;
		if (!dup && dst->ndiags < CX_MAX_DIAGNOSTICS && cx_file_add_diag(dst, src->diags[d]))
			return CX_ENOMEM;
	}
	return 0;
}

/* Appends the functions, worst status and distinct diagnostics of src to
 * dst, and its suppressions when dst has none; src is left empty. */
static int fold(struct cx_file *dst, struct cx_file *src)
{
	if (fold_funcs(dst, src))
		return CX_ENOMEM;
	if (src->status > dst->status)
		dst->status = src->status;
	if (!dst->nsups) { /* every piece of a file read the same bytes */
		dst->sups = src->sups;
		dst->nsups = src->nsups;
		src->sups = NULL;
		src->nsups = 0;
	}
	return fold_diags(dst, src);
}

static int cmp_func(const void *a, const void *b)
{
	const struct cx_function *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

/* Decodes piece i into *f (one file). */
static int decode_piece(const struct cx_store *st, size_t i, struct cx_file *f)
{
	struct cx_file *files = NULL;
	size_t n = 0;
	struct cx_skips none = {0};
	int rc = cx_codec_decode(st->buf.p + st->v[i].off, st->v[i].len, &files, &n, &none);
	cx_skips_release(&none);
	if (rc == 0 && n != 1)
		rc = CX_EINVAL;
	if (rc == 0)
		*f = files[0];
	else
		for (size_t k = 0; k < n; k++)
			cx_file_release(&files[k]);
	free(files);
	return rc;
}

/* Decodes pieces [i, j) of one file, folds and sorts them, and calls fn. */
static int read_file(const struct cx_store *st, size_t i, size_t j, cx_file_fn fn, void *arg)
{
	struct cx_file f;
	int rc = decode_piece(st, i, &f);
	if (rc)
		return rc;
	for (size_t k = i + 1; rc == 0 && k < j; k++) {
		struct cx_file g;
		rc = decode_piece(st, k, &g);
		if (rc == 0) {
			rc = fold(&f, &g);
			cx_file_release(&g);
		}
	}
	if (rc == 0 && f.nfuncs > 1)
		qsort(f.funcs, f.nfuncs, sizeof *f.funcs, cmp_func);
	if (rc == 0)
		rc = fn(arg, &f);
	cx_file_release(&f);
	return rc;
}

int cx_result_each(const struct cx_result *res, cx_file_fn fn, void *arg)
{
	const struct cx_store *st = res->store;
	if (!st) {
		for (size_t i = 0; i < res->nfiles; i++) {
			int rc = fn(arg, &res->files[i]);
			if (rc)
				return rc;
		}
		return 0;
	}
	for (size_t i = 0; i < st->n;) {
		size_t j = file_end(st, i);
		int rc = read_file(st, i, j, fn, arg);
		if (rc)
			return rc;
		i = j;
	}
	return 0;
}

void cx_result_totals(const struct cx_result *res, struct cx_totals *t)
{
	if (res->store) {
		*t = res->store->totals;
		return;
	}
	memset(t, 0, sizeof *t);
	t->files = res->nfiles;
	for (size_t i = 0; i < res->nfiles; i++) {
		const struct cx_file *f = &res->files[i];
		t->degraded += f->status == CX_FILE_DEGRADED;
		t->errors += f->status == CX_FILE_ERROR;
		count_functions(t, f);
	}
}

/* ---- the memo form ---- */

static int encode_file(void *arg, const struct cx_file *f)
{
	struct cx_buf *b = arg, piece = {0};
	int rc = cx_codec_encode(&piece, f, 1, NULL);
	if (rc == 0 && !piece.err) {
		cx_buf_put_varint(b, piece.n);
		cx_buf_put(b, piece.p, piece.n);
	}
	rc = rc ? rc : piece.err;
	cx_buf_release(&piece);
	return rc ? rc : b->err;
}

/* The store's pieces, one per file: a file of one piece is copied as it is
 * (functions are sorted when read); only a header's several pieces are
 * folded. */
static int encode_pieces(const struct cx_store *st, struct cx_buf *b)
{
	int rc = 0;
	for (size_t i = 0; i < st->n && rc == 0;) {
		size_t j = file_end(st, i);
		if (j == i + 1) {
			cx_buf_put_varint(b, st->v[i].len);
			cx_buf_put(b, st->buf.p + st->v[i].off, st->v[i].len);
		} else {
			rc = read_file(st, i, j, encode_file, b);
		}
		i = j;
	}
	return rc;
}

/* The XXH3-64 of what b holds from start on, little-endian. */
static void put_checksum(struct cx_buf *b, size_t start)
{
	uint64_t h = XXH3_64bits(b->p + start, b->n - start);
	uint8_t le[8];
	for (int k = 0; k < 8; k++)
		le[k] = (uint8_t)(h >> (8 * k));
	cx_buf_put(b, le, sizeof le);
}

int cx_store_encode(const struct cx_result *res, struct cx_buf *b)
{
	struct cx_totals t;
	cx_result_totals(res, &t);
	size_t start = b->n;
	cx_buf_put(b, memo_magic, sizeof memo_magic);
	uint64_t head[] = {t.files,    t.functions, t.degraded, t.errors,
	                   t.bands[0], t.bands[1],  t.bands[2], t.bands[3]};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		cx_buf_put_varint(b, head[i]);
	cx_buf_put_varint(b, t.files);
	int rc = res->store ? encode_pieces(res->store, b) : cx_result_each(res, encode_file, b);
	if (rc == 0 && !b->err)
		put_checksum(b, start);
	return rc ? rc : b->err;
}

/* Where the checksum of a memo starts (the end of what it covers), or NULL
 * when data is not an intact memo. */
static const uint8_t *memo_end(const uint8_t *p, size_t len)
{
	if (len < sizeof memo_magic + 8 || memcmp(p, memo_magic, sizeof memo_magic) != 0)
		return NULL;
	const uint8_t *end = p + len - 8;
	uint64_t h = 0;
	for (int k = 7; k >= 0; k--)
		h = h << 8 | end[k];
	return XXH3_64bits(p, (size_t)(end - p)) == h ? end : NULL;
}

/* The memo's totals and its number of files (head[8]), read at *p. */
static bool get_memo_head(const uint8_t **p, const uint8_t *end, uint64_t head[9])
{
	for (size_t i = 0; i < 9; i++) {
		size_t k = cx_varint_get(*p, end, &head[i]);
		if (!k)
			return false;
		*p += k;
	}
	return true;
}

/* A store with room for n pieces (at least one). */
static struct cx_store *store_new(uint64_t n)
{
	struct cx_store *st = calloc(1, sizeof *st);
	if (!st || cx_grow(&st->v, &st->cap, n ? n : 1, sizeof *st->v)) {
		store_free(st);
		return NULL;
	}
	return st;
}

/* Indexes the n pieces from p to end, which they must fill exactly, and
 * copies them into the store's buffer. */
static int load_pieces(struct cx_store *st, const uint8_t *p, const uint8_t *end, uint64_t n)
{
	const uint8_t *base = p;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t l;
		size_t k = cx_varint_get(p, end, &l);
		if (!k || l > (uint64_t)(end - p - k))
			return CX_EINVAL;
		p += k;
		st->v[st->n++] = (struct piece){.off = (size_t)(p - base), .len = (size_t)l,
		                                .seq = (size_t)i};
		p += l;
	}
	if (p != end)
		return CX_EINVAL;
	cx_buf_put(&st->buf, base, (size_t)(end - base));
	return st->buf.err;
}

int cx_store_decode(struct cx_result *res, const void *data, size_t len)
{
	const uint8_t *p = data, *end = memo_end(data, len);
	uint64_t head[9];
	if (!end)
		return CX_EINVAL;
	p += sizeof memo_magic;
	if (!get_memo_head(&p, end, head))
		return CX_EINVAL;
	uint64_t n = head[8];
	if (n != head[0] || n > (uint64_t)(end - p))
		return CX_EINVAL;
	struct cx_store *st = store_new(n);
	if (!st)
		return CX_ENOMEM;
	int rc = load_pieces(st, p, end, n);
	if (rc) {
		store_free(st);
		return rc;
	}
	st->totals = (struct cx_totals){
		.files = head[0], .functions = head[1], .degraded = head[2], .errors = head[3],
		.bands = {head[4], head[5], head[6], head[7]},
	};
	if (res->store_free)
		res->store_free(res->store);
	res->store = st;
	res->store_free = store_free;
	return 0;
}
