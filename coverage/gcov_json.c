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

/* Inflates the gzip stream `in` (several members one after the other, as
 * gzip(1) reads them) through a small buffer, copying the output into dst
 * when dst is not NULL; *total is the decompressed size. Beyond
 * CX_MAX_COVERAGE_BYTES it stops: a gzip bomb costs time bounded by the
 * limit, never memory. */
static int inflate_all(const unsigned char *in, size_t len, char *dst, size_t cap,
                       size_t *total, struct cx_ctx *ctx)
{
	unsigned char buf[64 * 1024];
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	/* 15 + 32: a 32 KiB window, the header detected (only gzip's gets
	 * here: the caller checked the magic) */
	int zr = inflateInit2(&zs, 15 + 32);
	if (zr != Z_OK)
		return cx_error(ctx, zr == Z_MEM_ERROR ? CX_ENOMEM : CX_EINVAL,
		                PFX "cannot start decompressing (zlib error %d)", zr);
	size_t fed = 0, n = 0; /* bytes handed to zlib, bytes out */
	int rc = 0;
	for (;;) {
		if (zs.avail_in == 0 && fed < len) {
			/* avail_in is an unsigned int: hand over at most that */
			size_t chunk = len - fed > UINT_MAX ? UINT_MAX : len - fed;
			zs.next_in = (unsigned char *)in + fed;
			zs.avail_in = (unsigned)chunk;
			fed += chunk;
		}
		zs.next_out = buf;
		zs.avail_out = sizeof buf;
		zr = inflate(&zs, Z_NO_FLUSH);
		size_t got = sizeof buf - zs.avail_out;
		if (got > CX_MAX_COVERAGE_BYTES - n) {
			rc = cx_error(ctx, CX_ELIMIT, PFX "more than %u bytes once decompressed",
			              CX_MAX_COVERAGE_BYTES);
			break;
		}
		if (dst) {
			if (got > cap - n) { /* the same input cannot inflate to more */
				rc = cx_error(ctx, CX_EINVAL, PFX "gzip data changed while read");
				break;
			}
			memcpy(dst + n, buf, got);
		}
		n += got;
		if (zr == Z_STREAM_END) {
			size_t at = fed - zs.avail_in, left = len - at;
			if (left == 0)
				break;
			/* another member must follow; zlib's own detection would
			 * take a zlib header here too, which gzip(1) does not */
			if (left < 2 || in[at] != 0x1f || in[at + 1] != 0x8b) {
				rc = cx_error(ctx, CX_EINVAL, PFX "%zu bytes of trailing garbage after "
				              "the gzip data", left);
				break;
			}
			inflateReset(&zs);
			continue;
		}
		if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR) {
			rc = cx_error(ctx, CX_EINVAL, PFX "corrupt gzip data (%s)",
			              zs.msg ? zs.msg : "bad stream");
			break;
		}
		if (zr == Z_MEM_ERROR) {
			rc = cx_error(ctx, CX_ENOMEM, PFX "out of memory decompressing");
			break;
		}
		/* Z_OK or Z_BUF_ERROR: room left in buf means zlib wants input */
		if (zs.avail_out > 0 && zs.avail_in == 0 && fed == len) {
			rc = cx_error(ctx, CX_EINVAL, PFX "truncated gzip data (%zu bytes, ends "
			              "inside the stream)", len);
			break;
		}
		if (zr == Z_BUF_ERROR && got == 0 && zs.avail_in > 0) {
			/* no progress with input and room: never spin on it */
			rc = cx_error(ctx, CX_EINVAL, PFX "corrupt gzip data (no progress)");
			break;
		}
	}
	inflateEnd(&zs);
	*total = n;
	return rc;
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

static int read_function(const cJSON *fn, const char *where, struct cx_cov_func *out,
                         struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(fn))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	/* "name" as the source spells it (C: the same as "demangled_name") */
	const cJSON *name = get(fn, "name");
	if (!name)
		return cx_error(ctx, CX_EINVAL, PFX "%s: missing \"name\"", where);
	if (!cJSON_IsString(name))
		return cx_error(ctx, CX_EINVAL, PFX "%s.name is not a string", where);
	if (!name->valuestring[0])
		return cx_error(ctx, CX_EINVAL, PFX "%s.name is empty", where);
	uint32_t line = 0, end = 0;
	uint64_t count = 0;
	int rc = to_line(get(fn, "start_line"), where, "start_line", 1, &line, ctx);
	/* end_line is in every gcov that writes JSON, but only informative:
	 * missing reads as "not recorded" (0) */
	const cJSON *e = get(fn, "end_line");
	if (rc == 0 && e)
		rc = to_line(e, where, "end_line", 0, &end, ctx);
	if (rc == 0)
		rc = to_count(get(fn, "execution_count"), where, "execution_count", &count, ctx);
	if (rc)
		return rc;
	/* an end before the start (a #line directive between them) is not
	 * an extent: not recorded */
	if (end < line)
		end = 0;
	out->name = cx_strdup(name->valuestring);
	if (!out->name)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	out->line = line;
	out->end_line = end;
	out->count = count;
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
	if (!file)
		return cx_error(ctx, CX_EINVAL, PFX "%s: missing \"file\"", where);
	if (!cJSON_IsString(file))
		return cx_error(ctx, CX_EINVAL, PFX "%s.file is not a string", where);
	if (!file->valuestring[0])
		return cx_error(ctx, CX_EINVAL, PFX "%s.file is empty", where);
	const cJSON *funcs = get(fe, "functions"), *lines = get(fe, "lines");
	int rc = cx_cov_array(PFX, funcs, where, "functions", ctx);
	if (rc == 0)
		rc = cx_cov_array(PFX, lines, where, "lines", ctx);
	if (rc)
		return rc;
	f->path = cx_cov_path(dir, file->valuestring);
	if (!f->path)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");

	size_t n = (size_t)cJSON_GetArraySize(funcs), i = 0;
	if (n && !(f->funcs = calloc(n, sizeof *f->funcs)))
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	const cJSON *v;
	cJSON_ArrayForEach(v, funcs) {
		char w[128];
		snprintf(w, sizeof w, "%s.functions[%zu]", where, i);
		if ((rc = read_function(v, w, &f->funcs[i], ctx)) != 0)
			return rc;
		f->nfuncs = ++i;
	}

	n = (size_t)cJSON_GetArraySize(lines);
	i = 0;
	if (n && !(f->lines = calloc(n, sizeof *f->lines)))
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	cJSON_ArrayForEach(v, lines) {
		char w[128];
		snprintf(w, sizeof w, "%s.lines[%zu]", where, i);
		if (!cJSON_IsObject(v))
			return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", w);
		struct cx_cov_line *l = &f->lines[i];
		if ((rc = to_line(get(v, "line_number"), w, "line_number", 1, &l->line, ctx)) != 0 ||
		    (rc = to_count(get(v, "count"), w, "count", &l->count, ctx)) != 0)
			return rc;
		f->nlines = ++i;
	}
	cx_cov_file_finish(f);
	return 0;
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
		                "(known: \"1\", \"2\")", cx_cov_quote(v->valuestring, q, sizeof q));
	}
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == 1 || v->valuedouble == 2)
			return 0;
		return cx_error(ctx, CX_EINVAL, PFX "unsupported format_version %g (known: \"1\", "
		                "\"2\")", v->valuedouble);
	}
	return cx_error(ctx, CX_EINVAL, PFX "format_version is not a string or number");
}

/* One document: its files are pushed to *cov (capacity *cap). */
static int read_document(const cJSON *root, const char *base, struct cx_cov *cov, size_t *cap,
                         struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(root))
		return cx_error(ctx, CX_EINVAL, PFX "the top level is not an object");
	int rc = read_version(root, ctx);
	if (rc)
		return rc;
	const cJSON *cwd = get(root, "current_working_directory");
	if (cwd && !cJSON_IsString(cwd))
		return cx_error(ctx, CX_EINVAL, PFX "current_working_directory is not a string");
	const cJSON *files = get(root, "files");
	if (!files)
		return cx_error(ctx, CX_EINVAL, PFX "missing \"files\"");
	if (!cJSON_IsArray(files))
		return cx_error(ctx, CX_EINVAL, PFX "files is not an array");
	/* the directory relative names are relative to: gcov's cwd (itself
	 * relative to base if relative), else base */
	char *dir = NULL;
	if (cwd && cwd->valuestring[0]) {
		if (!(dir = cx_cov_path(base, cwd->valuestring)))
			return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	} else if (base && !(dir = cx_strdup(base))) {
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	}
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
		while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' ||
		                     text[pos] == '\r'))
			pos++;
		if (pos == len)
			break;
		const char *end = NULL;
		cJSON *root = cJSON_ParseWithLengthOpts(text + pos, len - pos, &end, false);
		if (!root) {
			unsigned line, col;
			/* cJSON leaves end at the start of the value it failed
			 * on (or unset) */
			if (!end || end < text + pos || end > text + len)
				end = text + pos;
			cx_cov_position(text, end, &line, &col);
			return cx_error(ctx, CX_EINVAL, PFX "malformed JSON at %u:%u", line, col);
		}
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
	if (rc) {
		cx_cov_release(&add);
		return rc;
	}
	if (cx_cov_splice(out, &add))
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	return 0;
}
