/* gcov_json.c: gcov's JSON intermediate format (cx_cov.h).
 *
 * What gcc 12 writes (`gcov -j -t`, one document a line for several
 * .gcda, or one gzip'd document in NAME.gcov.json.gz):
 *   {"gcc_version": "12.2.0", "format_version": "1",
 *    "current_working_directory": "/build", "data_file": "x.gcda",
 *    "files": [{"file": "x.c",
 *      "functions": [{"name", "demangled_name", "start_line", "start_column",
 *                     "end_line", "end_column", "blocks", "blocks_executed",
 *                     "execution_count"}],
 *      "lines": [{"line_number", "count", "function_name",
 *                 "unexecuted_block", "branches": [...]}]}]}
 * "current_working_directory" is absent when gcov found no .gcda. gcc 14
 * (format "2") adds keys ("block_ids", "calls", "conditions", ...): only
 * the keys read here matter, the others are ignored. A line holding
 * several functions is listed once for each: their counts are summed.
 *
 * The data is untrusted: every key read is checked for its type and
 * range, and an error names it ("files[2].lines[7].line_number"). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <zlib.h>

#include "cx_cov.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "internal.h"

#define PFX "gcov JSON: "

/* ---- gzip ---- */

/* One pass of inflate_all over the input. */
struct gz {
	z_stream zs;
	const unsigned char *in;
	size_t len, fed; /* the input, bytes of it handed to zlib */
	char *dst;       /* where the output goes; NULL: only measured */
	size_t cap, n;   /* dst's size, bytes out */
};

static void gz_feed(struct gz *g)
{
	if (g->zs.avail_in == 0 && g->fed < g->len) {
		/* avail_in is an unsigned int: hand over at most that */
		size_t chunk = g->len - g->fed > UINT_MAX ? UINT_MAX : g->len - g->fed;
		g->zs.next_in = (unsigned char *)g->in + g->fed;
		g->zs.avail_in = (unsigned)chunk;
		g->fed += chunk;
	}
}

/* Counts (and copies to dst, if any) the got bytes zlib wrote to buf. */
static int gz_keep(struct gz *g, const unsigned char *buf, size_t got, struct cx_ctx *ctx)
{
	if (got > CX_MAX_COVERAGE_BYTES - g->n)
		return cx_error(ctx, CX_ELIMIT, PFX "more than %u bytes once decompressed",
		                CX_MAX_COVERAGE_BYTES);
	if (g->dst) {
		if (got > g->cap - g->n) /* the same input cannot inflate to more */
			return cx_error(ctx, CX_EINVAL, PFX "gzip data changed while read");
		memcpy(g->dst + g->n, buf, got);
	}
	g->n += got;
	return 0;
}

/* At the end of a gzip member: 1 when the input ends there too, 0 when
 * another member follows (zlib reset for it). */
static int gz_next_member(struct gz *g, struct cx_ctx *ctx)
{
	size_t at = g->fed - g->zs.avail_in, left = g->len - at;
	if (left == 0)
		return 1;
	/* another member must follow; zlib's own detection would take a zlib
	 * header here too, which gzip(1) does not */
	if (left < 2 || g->in[at] != 0x1f || g->in[at + 1] != 0x8b)
		return cx_error(ctx, CX_EINVAL, PFX "%zu bytes of trailing garbage after "
		                "the gzip data", left);
	inflateReset(&g->zs);
	return 0;
}

/* An error inflate reported itself. */
static int gz_failed(const struct gz *g, int zr, struct cx_ctx *ctx)
{
	if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR)
		return cx_error(ctx, CX_EINVAL, PFX "corrupt gzip data (%s)",
		                g->zs.msg ? g->zs.msg : "bad stream");
	if (zr == Z_MEM_ERROR)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory decompressing");
	return 0;
}

/* After inflate returned zr (not Z_STREAM_END) with got bytes out: an
 * error, or 0 to go on. */
static int gz_check(const struct gz *g, int zr, size_t got, struct cx_ctx *ctx)
{
	int rc = gz_failed(g, zr, ctx);
	if (rc)
		return rc;
	/* Z_OK or Z_BUF_ERROR: room left in buf means zlib wants input */
	if (g->zs.avail_out > 0 && g->zs.avail_in == 0 && g->fed == g->len)
		return cx_error(ctx, CX_EINVAL, PFX "truncated gzip data (%zu bytes, ends "
		                "inside the stream)", g->len);
	if (zr == Z_BUF_ERROR && got == 0 && g->zs.avail_in > 0) {
		/* no progress with input and room: never spin on it */
		return cx_error(ctx, CX_EINVAL, PFX "corrupt gzip data (no progress)");
	}
	return 0;
}

/* Inflates the gzip stream `in` (several members one after the other, as
 * gzip(1) reads them) through a small buffer, copying the output into dst
 * when dst is not NULL; *total is the decompressed size. Beyond
 * CX_MAX_COVERAGE_BYTES it stops: a gzip bomb costs time bounded by the
 * limit, never memory. */
static int inflate_all(const unsigned char *in, size_t len, char *dst, size_t cap,
                       size_t *total, struct cx_ctx *ctx)
{
	unsigned char buf[64 * 1024];
	struct gz g;
	memset(&g, 0, sizeof g);
	g.in = in;
	g.len = len;
	g.dst = dst;
	g.cap = cap;
	/* 15 + 32: a 32 KiB window, the header detected (only gzip's gets
	 * here: the caller checked the magic) */
	int zr = inflateInit2(&g.zs, 15 + 32);
	if (zr != Z_OK)
		return cx_error(ctx, zr == Z_MEM_ERROR ? CX_ENOMEM : CX_EINVAL,
		                PFX "cannot start decompressing (zlib error %d)", zr);
	int rc = 0; /* 1: the end of the input */
	while (rc == 0) {
		gz_feed(&g);
		g.zs.next_out = buf;
		g.zs.avail_out = sizeof buf;
		zr = inflate(&g.zs, Z_NO_FLUSH);
		size_t got = sizeof buf - g.zs.avail_out;
		rc = gz_keep(&g, buf, got, ctx);
		if (rc == 0)
			rc = zr == Z_STREAM_END ? gz_next_member(&g, ctx) : gz_check(&g, zr, got, ctx);
	}
	inflateEnd(&g.zs);
	*total = g.n;
	return rc < 0 ? rc : 0;
}

/* Two passes, the first only measuring: the buffer is allocated once at
 * its final size, and a bomb is refused before any of it is kept. */
static int gunzip(const unsigned char *in, size_t len, char **text, size_t *tlen,
                  struct cx_ctx *ctx)
{
	size_t total = 0;
	int rc = inflate_all(in, len, NULL, 0, &total, ctx);
	if (rc)
		return rc;
	char *buf = malloc(total + 1);
	if (!buf)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory decompressing");
	size_t got = 0;
	rc = inflate_all(in, len, buf, total, &got, ctx);
	if (rc == 0 && got != total)
		rc = cx_error(ctx, CX_EINVAL, PFX "gzip data changed while read");
	if (rc) {
		free(buf);
		return rc;
	}
	buf[total] = '\0';
	*text = buf;
	*tlen = total;
	return 0;
}

/* ---- values ---- */

static const cJSON *get(const cJSON *obj, const char *key)
{
	/* gcov's keys are lower case; cJSON_GetObjectItem would also match
	 * "File" or "COUNT" */
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A line number: an integer in [1, UINT32_MAX] (min 0 for end_line). */
static int to_line(const cJSON *v, const char *where, const char *key, uint32_t min,
                   uint32_t *out, struct cx_ctx *ctx)
{
	if (!v)
		return cx_error(ctx, CX_EINVAL, PFX "%s: missing \"%s\"", where, key);
	if (!cJSON_IsNumber(v))
		return cx_error(ctx, CX_EINVAL, PFX "%s.%s is not a number", where, key);
	double d = v->valuedouble;
	if (!(d >= (double)min && d <= (double)UINT32_MAX))
		return cx_error(ctx, CX_EINVAL, PFX "%s.%s is out of range (%g; lines are %u to %u)",
		                where, key, d, min, UINT32_MAX);
	if ((double)(uint32_t)d != d)
		return cx_error(ctx, CX_EINVAL, PFX "%s.%s is not an integer (%g)", where, key, d);
	*out = (uint32_t)d;
	return 0;
}

/* An execution count. gcov's counters are 64-bit signed and written as
 * integers; cJSON reads numbers as doubles, so a count beyond 2^53 is
 * approximate (off by less than 1 in 2^53, which no use of the counts can
 * see). A count of 2^64 or more saturates at UINT64_MAX. A negative count
 * reads as 0: gcov prints one when counters are corrupted (racy updates
 * in threaded code built without -fprofile-update=atomic, a counter that
 * wrapped), which loses that counter, not the rest of the data. A
 * fraction is an error: no gcov writes one, so the data is not gcov's. */
static int to_count(const cJSON *v, const char *where, const char *key, uint64_t *out,
                    struct cx_ctx *ctx)
{
	if (!v)
		return cx_error(ctx, CX_EINVAL, PFX "%s: missing \"%s\"", where, key);
	if (!cJSON_IsNumber(v))
		return cx_error(ctx, CX_EINVAL, PFX "%s.%s is not a number", where, key);
	double d = v->valuedouble;
	if (d != d) /* no JSON text parses to NaN; checked all the same */
		return cx_error(ctx, CX_EINVAL, PFX "%s.%s is not a number", where, key);
	const double two64 = 18446744073709551616.0;
	if (d > -two64 && d < two64) {
		double mag = d < 0 ? -d : d;
		if ((double)(uint64_t)mag != mag)
			return cx_error(ctx, CX_EINVAL, PFX "%s.%s is not an integer (%g)", where,
			                key, d);
	}
	if (d <= 0) /* -inf too */
		*out = 0;
	else if (d >= two64) /* +inf too (1e999 parses as inf) */
		*out = UINT64_MAX;
	else
		*out = (uint64_t)d;
	return 0;
}

/* ---- files ---- */

/* A function's lines and count into out (its name left alone). */
static int read_function_numbers(const cJSON *fn, const char *where, struct cx_cov_func *out,
                                 struct cx_ctx *ctx)
{
	int rc = to_line(get(fn, "start_line"), where, "start_line", 1, &out->line, ctx);
	/* end_line is in every gcov that writes JSON, but only informative:
	 * missing reads as "not recorded" (0) */
	const cJSON *e = get(fn, "end_line");
	if (rc == 0 && e)
		rc = to_line(e, where, "end_line", 0, &out->end_line, ctx);
	if (rc == 0)
		rc = to_count(get(fn, "execution_count"), where, "execution_count", &out->count, ctx);
	return rc;
}

static int read_function(const cJSON *fn, const char *where, struct cx_cov_func *out,
                         struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(fn))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	/* "name" as the source spells it (C: the same as "demangled_name") */
	const cJSON *name = get(fn, "name");
	int rc = cx_cov_string(PFX, name, where, "name", ctx);
	if (rc)
		return rc;
	struct cx_cov_func v = {0};
	rc = read_function_numbers(fn, where, &v, ctx);
	if (rc)
		return rc;
	/* an end before the start (a #line directive between them) is not
	 * an extent: not recorded */
	if (v.end_line < v.line)
		v.end_line = 0;
	v.name = cx_strdup(name->valuestring);
	if (!v.name)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	*out = v;
	return 0;
}

static int read_line(const cJSON *v, const char *where, struct cx_cov_line *l, struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(v))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	int rc = to_line(get(v, "line_number"), where, "line_number", 1, &l->line, ctx);
	if (rc == 0)
		rc = to_count(get(v, "count"), where, "count", &l->count, ctx);
	return rc;
}

typedef int (*item_fn)(const cJSON *v, const char *where, void *item, struct cx_ctx *ctx);

static int read_function_item(const cJSON *v, const char *where, void *item,
                              struct cx_ctx *ctx)
{
	return read_function(v, where, item, ctx);
}

static int read_line_item(const cJSON *v, const char *where, void *item, struct cx_ctx *ctx)
{
	return read_line(v, where, item, ctx);
}

/* An array of a file entry: its key, the size of an item, its reader. */
struct item_kind {
	const char *key;
	size_t size;
	item_fn read;
};

static const struct item_kind functions_kind = {"functions", sizeof(struct cx_cov_func),
                                                read_function_item};
static const struct item_kind lines_kind = {"lines", sizeof(struct cx_cov_line),
                                            read_line_item};

/* The array (at `where`) into *items; *n counts the items read, so that a
 * failure leaves what to release. */
static int read_items(const cJSON *arr, const char *where, const struct item_kind *k,
                      void **items, size_t *n, struct cx_ctx *ctx)
{
	size_t cap = (size_t)cJSON_GetArraySize(arr);
	if (cap && !(*items = calloc(cap, k->size)))
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	const cJSON *v;
	cJSON_ArrayForEach(v, arr) {
		char w[128];
		snprintf(w, sizeof w, "%s.%s[%zu]", where, k->key, *n);
		int rc = k->read(v, w, (char *)*items + *n * k->size, ctx);
		if (rc)
			return rc;
		++*n;
	}
	return 0;
}

static int read_file_entry(const cJSON *fe, size_t idx, const char *dir, struct cx_cov_file *f,
                           struct cx_ctx *ctx)
{
	char where[96];
	snprintf(where, sizeof where, "files[%zu]", idx);
	if (!cJSON_IsObject(fe))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	const cJSON *file = get(fe, "file");
	int rc = cx_cov_string(PFX, file, where, "file", ctx);
	if (rc)
		return rc;
	const cJSON *funcs = get(fe, "functions"), *lines = get(fe, "lines");
	rc = cx_cov_array(PFX, funcs, where, "functions", ctx);
	if (rc == 0)
		rc = cx_cov_array(PFX, lines, where, "lines", ctx);
	if (rc)
		return rc;
	f->path = cx_cov_path(dir, file->valuestring);
	if (!f->path)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	void *fv = NULL, *lv = NULL; /* (no struct ** as void **) */
	rc = read_items(funcs, where, &functions_kind, &fv, &f->nfuncs, ctx);
	f->funcs = fv;
	if (rc == 0)
		rc = read_items(lines, where, &lines_kind, &lv, &f->nlines, ctx);
	f->lines = lv;
	if (rc == 0)
		cx_cov_file_finish(f);
	return rc;
}

static int read_version(const cJSON *root, struct cx_ctx *ctx)
{
	const cJSON *v = get(root, "format_version");
	if (!v)
		return cx_error(ctx, CX_EINVAL, PFX "missing \"format_version\" (not gcov's JSON?)");
	/* a string in every gcc so far; a number is taken too */
	if (cJSON_IsString(v)) {
		if (strcmp(v->valuestring, "1") == 0 || strcmp(v->valuestring, "2") == 0)
			return 0;
		char q[48];
		return cx_error(ctx, CX_EINVAL, PFX "unsupported format_version \"%s\" "
		                "(known: \"1\", \"2\")", cx_quote_line(v->valuestring, q, sizeof q));
	}
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == 1 || v->valuedouble == 2)
			return 0;
		return cx_error(ctx, CX_EINVAL, PFX "unsupported format_version %g (known: \"1\", "
		                "\"2\")", v->valuedouble);
	}
	return cx_error(ctx, CX_EINVAL, PFX "format_version is not a string or number");
}

/* A document's "current_working_directory" (*cwd, NULL when absent) and
 * "files" (*files), type-checked. */
static int read_document_keys(const cJSON *root, const cJSON **cwd, const cJSON **files,
                              struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(root))
		return cx_error(ctx, CX_EINVAL, PFX "the top level is not an object");
	int rc = read_version(root, ctx);
	if (rc)
		return rc;
	*cwd = get(root, "current_working_directory");
	if (*cwd && !cJSON_IsString(*cwd))
		return cx_error(ctx, CX_EINVAL, PFX "current_working_directory is not a string");
	*files = get(root, "files");
	if (!*files)
		return cx_error(ctx, CX_EINVAL, PFX "missing \"files\"");
	if (!cJSON_IsArray(*files))
		return cx_error(ctx, CX_EINVAL, PFX "files is not an array");
	return 0;
}

/* The directory relative names are relative to (*dir, caller frees; NULL
 * when there is none): gcov's cwd (itself relative to base if relative),
 * else base. */
static int document_dir(const cJSON *cwd, const char *base, char **dir, struct cx_ctx *ctx)
{
	*dir = NULL;
	if (cwd && cwd->valuestring[0]) {
		if (!(*dir = cx_cov_path(base, cwd->valuestring)))
			return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	} else if (base && !(*dir = cx_strdup(base))) {
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	}
	return 0;
}

/* One document: its files are pushed to *cov (capacity *cap). */
static int read_document(const cJSON *root, const char *base, struct cx_cov *cov, size_t *cap,
                         struct cx_ctx *ctx)
{
	const cJSON *cwd = NULL, *files = NULL;
	char *dir = NULL;
	int rc = read_document_keys(root, &cwd, &files, ctx);
	if (rc == 0)
		rc = document_dir(cwd, base, &dir, ctx);
	if (rc)
		return rc;
	size_t idx = 0;
	const cJSON *fe;
	cJSON_ArrayForEach(fe, files) {
		struct cx_cov_file f = {0};
		rc = read_file_entry(fe, idx++, dir, &f, ctx);
		if (rc == 0 && cx_cov_push_file(cov, cap, &f))
			rc = cx_error(ctx, CX_ENOMEM, PFX "out of memory");
		cx_cov_file_release(&f); /* a partial entry after an error */
		if (rc)
			break;
	}
	free(dir);
	return rc;
}

/* Documents one after the other, separated by white space: what
 * `gcov -j -t a.gcda b.gcda` prints. */
static int read_documents(const char *text, size_t len, const char *base, struct cx_cov *cov,
                          struct cx_ctx *ctx)
{
	size_t pos = 0, cap = 0, ndocs = 0;
	for (;;) {
		pos = cx_cov_skip_space(text, len, pos);
		if (pos == len)
			break;
		const char *end = NULL;
		cJSON *root = cJSON_ParseWithLengthOpts(text + pos, len - pos, &end, false);
		if (!root)
			return cx_cov_malformed(PFX, text, len, pos, end, ctx);
		int rc = read_document(root, base, cov, &cap, ctx);
		cJSON_Delete(root);
		if (rc)
			return rc;
		ndocs++;
		if (!end || end <= text + pos || end > text + len)
			break; /* cannot happen; never loop on the same bytes */
		pos = (size_t)(end - text);
	}
	if (ndocs == 0)
		return cx_error(ctx, CX_EINVAL, PFX "empty input");
	return 0;
}

int cx_gcov_json_read(const void *data, size_t len, const char *base, struct cx_cov *out,
                      struct cx_ctx *ctx)
{
	const unsigned char *in = data;
	if (len == 0)
		return cx_error(ctx, CX_EINVAL, PFX "empty input");
	if (len > CX_MAX_COVERAGE_BYTES)
		return cx_error(ctx, CX_ELIMIT, PFX "larger than the limit of %u bytes",
		                CX_MAX_COVERAGE_BYTES);
	char *unzipped = NULL;
	const char *text = data;
	size_t tlen = len;
	if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
		int rc = gunzip(in, len, &unzipped, &tlen, ctx);
		if (rc)
			return rc;
		text = unzipped;
	}
	struct cx_cov add = {0};
	int rc = read_documents(text, tlen, base, &add, ctx);
	free(unzipped);
	return cx_cov_take(out, &add, rc, PFX, ctx);
}
