/* llvm_json.c: `llvm-cov export -format=text` of clang's source-based
 * coverage (-fprofile-instr-generate -fcoverage-mapping), cx_cov.h.
 *
 * What llvm-cov 14 writes (one document, on one line):
 *   {"type": "llvm.coverage.json.export", "version": "2.0.1",
 *    "data": [{"files": [{"filename": "/abs/x.c",
 *                         "segments": [[line, col, count, hasCount,
 *                                       isRegionEntry, isGapRegion], ...],
 *                         "branches", "expansions", "summary"}],
 *              "functions": [{"name": "f" or "x.c:f", "count": N,
 *                             "regions": [[lineStart, colStart, lineEnd,
 *                                          colEnd, count, fileID,
 *                                          expandedFileID, kind], ...],
 *                             "branches", "filenames": [...]}],
 *              "totals": {...}}]}
 * "data" holds one element (several are read alike, each with its own
 * files and functions). "functions" is absent with -skip-functions;
 * "segments" with -summary-only, which has no line counts and is refused.
 * Older llvm-cov wrote version "2.0.0": segments of 5 values (no
 * isGapRegion: read as false) and counts as int64_t(count). Keys not read
 * here are ignored. Version 3.x (newer llvm-cov, adding MC/DC records,
 * with the keys read here unchanged) is refused: this reader is for 2.x.
 *
 * Line counts. A file's segments mark where the count changes: each one
 * starts a stretch of the file (up to the next one) with its count. The
 * per-line counts are derived exactly as llvm-cov 14 derives them for its
 * line view and its `-format=lcov` DA records (LineCoverageStats and
 * LineCoverageIterator in lib/ProfileData/Coverage/CoverageMapping.cpp),
 * from the segments in the order given:
 * - the segments of a line are those starting on it; the "wrapped" segment
 *   of a line is the last segment of the nearest line above it that has
 *   segments (none above the first segment's line);
 * - a segment "starts a region" when it has a count, is a region entry and
 *   is not a gap region;
 * - a line is mapped (has a count; the other lines are not code, and are
 *   left out as the DA records leave them out) when its first segment is
 *   not the entry of a skipped region (hasCount false, isRegionEntry true:
 *   code #if'd out, for one) and either its wrapped segment has a count or
 *   one of its segments starts a region;
 * - a mapped line's count is the wrapped segment's count (0 without one),
 *   raised to the largest count of the segments that start a region on it;
 * - lines after the last segment's line are never mapped.
 * A stretch of lines without segments (the inside of a long block) is
 * mapped as a whole by the same rule (all of it takes the wrapped count, or
 * none of it is mapped), so the work is bounded by the segments and the
 * lines kept, never by the line numbers. Later llvm-cov also maps a line
 * whose first segment enters a skipped region when another segment on it
 * starts a counted one; llvm-cov 14 does not, and neither does this reader.
 * Checked against `llvm-cov-14 export -format=lcov` on the same profiles
 * (a small program, and cxscan's own unit tests and binary built with
 * clang 14's coverage: 51 files, 12,422 DA lines, 700 functions): the DA
 * lines of every file are the lines read here, count for count, except a
 * count of 2^63 or more (below); the FN lines and FNDA counts are the
 * functions' lines and counts.
 *
 * Functions. A function belongs to the file of its filenames[0] (as in
 * llvm-cov's lcov export: the file its body is in, file ID 0 of its
 * regions), matched against the "files" of the same data element; a
 * function whose file is not among them (left out with
 * -ignore-filename-regex or a list of sources) is dropped with it. Its
 * line is the start line of its first region, which is the function body:
 * the line of its '{', not the line of its name when the brace is on a
 * line of its own (llvm-cov's lcov FN gives the same line). Its end line is
 * the largest end line of its regions in file ID 0 (a macro's body and
 * other expansions have file IDs of their own), 0 when before the start.
 * Its count is "count". A static function is named "<its TU's file>:name":
 * what follows the last lone ':' is kept (C names hold none; C++'s "::" is
 * not one), as the lcov reader does. Functions of one file are not merged
 * here (a static inline function of a header is listed once for each TU
 * using it): cx_cov_fold sums them.
 *
 * Counts of 2^63 or more saturate at UINT64_MAX: llvm-cov clamps its
 * counts at INT64_MAX, so the JSON cannot tell them apart (to_count); on
 * a line with such a count the lcov export's DA differs (it prints the
 * uint64 as it is). Line numbers are 1 to UINT32_MAX. Segments must come in
 * line order (llvm-cov's own line walk would never end otherwise); columns
 * are checked but not used. The lines one read derives are limited
 * (MAX_LINES). The data is untrusted: every value read is checked for its
 * type and range, and an error names it
 * ("data[0].files[2].segments[7][0] (line)"). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cx_cov.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "internal.h"

#define PFX "llvm-cov JSON: "

#define EXPORT_TYPE "llvm.coverage.json.export"

/* Lines one read may derive, over all its files: 2^24 entries (256 MiB).
 * Two segments can span any number of lines, so the count is not bounded
 * by the input's size: without a limit a few bytes could cost gigabytes.
 * 16.7 million mapped lines is far more code than one test binary holds;
 * an export beyond it is refused (CX_ELIMIT), not truncated. */
#define MAX_LINES (1u << 24)

/* ---- values ---- */

static const cJSON *get(const cJSON *obj, const char *key)
{
	/* llvm-cov's keys are lower case; cJSON_GetObjectItem would also
	 * match "Count" */
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* How a message names a value: "<where>.key", or for an element of an
 * array of arrays "<where>.list[j][k] (label)". */
struct vname {
	const char *where;
	const char *list; /* NULL: an object's key */
	size_t j;
	size_t k;
	const char *key; /* the key, or the label of element k */
};

/* Formats the name into buf, only when a message needs it. */
static const char *vname_fmt(const struct vname *n, char *buf, size_t size)
{
	if (n->list)
		snprintf(buf, size, "%s.%s[%zu][%zu] (%s)", n->where, n->list, n->j, n->k, n->key);
	else
		snprintf(buf, size, "%s.%s", n->where, n->key);
	return buf;
}

static int bad(struct cx_ctx *ctx, const struct vname *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CX_EINVAL with "<name> <what>". */
static int bad(struct cx_ctx *ctx, const struct vname *n, const char *fmt, ...)
{
	char name[256], what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return cx_error(ctx, CX_EINVAL, PFX "%s %s", vname_fmt(n, name, sizeof name), what);
}

/* A value that is not there: "<where>: missing "key"", as the other
 * readers say it. */
static int missing(struct cx_ctx *ctx, const struct vname *n)
{
	if (n->list) /* not reached: the arrays' lengths are checked first */
		return bad(ctx, n, "is missing");
	return cx_error(ctx, CX_EINVAL, PFX "%s: missing \"%s\"", n->where, n->key);
}

/* An integer in [min, max] (line numbers, columns, file IDs). */
static int to_uint(const cJSON *v, const struct vname *n, uint32_t min, uint32_t max,
                   uint32_t *out, struct cx_ctx *ctx)
{
	if (!v)
		return missing(ctx, n);
	if (!cJSON_IsNumber(v))
		return bad(ctx, n, "is not a number");
	double d = v->valuedouble;
	if (!(d >= (double)min && d <= (double)max))
		return bad(ctx, n, "is out of range (%g; expected %u to %u)", d, min, max);
	if ((double)(uint32_t)d != d)
		return bad(ctx, n, "is not an integer (%g)", d);
	*out = (uint32_t)d;
	return 0;
}

/* An execution count. cJSON reads numbers as doubles: beyond 2^53 a count
 * is approximate (off by less than 1 in 2^53, which no use of the counts
 * can see). llvm-cov clamps its uint64 counts at INT64_MAX (2^63 - 1, which
 * reads as 2^63): such a count is "2^63 - 1 or more", so 2^63 and above
 * saturates at UINT64_MAX (+inf too: 1e999 parses as inf). No program runs
 * a line 2^63 times: these are the wrapped "negative" counts of racy
 * counters (threads without -fprofile-update=atomic) or of counter
 * expressions, which llvm-cov's lcov export prints as they are (e.g.
 * 2^64 - 20). A negative count n in [-2^63, 0) is version 2.0.0's
 * int64_t(count) of such a count: it reads as 2^64 + n, what the lcov
 * export prints. A fraction, or a count below -2^63, is an error: no
 * llvm-cov writes one. */
static int to_count(const cJSON *v, const struct vname *n, uint64_t *out, struct cx_ctx *ctx)
{
	if (!v)
		return missing(ctx, n);
	if (!cJSON_IsNumber(v))
		return bad(ctx, n, "is not a number");
	double d = v->valuedouble;
	const double two63 = 9223372036854775808.0;
	if (d != d) /* no JSON text parses to NaN; checked all the same */
		return bad(ctx, n, "is not a number");
	if (d < -two63)
		return bad(ctx, n, "is out of range (%g; counts are -2^63 or more)", d);
	if (d < two63) {
		double mag = d < 0 ? -d : d;
		if ((double)(uint64_t)mag != mag)
			return bad(ctx, n, "is not an integer (%g)", d);
	}
	if (d < 0)
		*out = (uint64_t)(int64_t)d; /* exact: an integer in [-2^63, 0) */
	else if (d >= two63)
		*out = UINT64_MAX;
	else
		*out = (uint64_t)d;
	return 0;
}

static int to_bool(const cJSON *v, const struct vname *n, bool *out, struct cx_ctx *ctx)
{
	if (!v)
		return missing(ctx, n);
	if (!cJSON_IsBool(v))
		return bad(ctx, n, "is not true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* ---- line counts ---- */

struct seg {
	uint64_t count;
	uint32_t line;
	bool has_count, entry, gap;
};

static void put(struct cx_cov_line *out, uint64_t *m, uint32_t line, uint64_t count)
{
	if (out)
		out[*m] = (struct cx_cov_line){line, count};
	(*m)++;
}

static bool starts_region(const struct seg *g)
{
	return g->has_count && g->entry && !g->gap;
}

/* The lines after w's (the wrapped segment) and before `line` have no
 * segment: all of them take w's count when it has one. */
static void put_gap(const struct seg *w, uint32_t line, struct cx_cov_line *out, uint64_t *m)
{
	if (!w || !w->has_count || line - w->line <= 1)
		return;
	if (!out) {
		*m += line - w->line - 1;
		return;
	}
	for (uint32_t l = w->line + 1; l < line; l++)
		put(out, m, l, w->count);
}

/* The segments of s[i]'s line: s[i] up to the index returned. *starts:
 * whether one of them starts a region; *most: the largest count of those
 * that do (0 if none). */
static size_t line_segments(const struct seg *s, size_t i, size_t n, bool *starts,
                            uint64_t *most)
{
	size_t k = i;
	*starts = false;
	*most = 0;
	for (; k < n && s[k].line == s[i].line; k++) {
		if (!starts_region(&s[k]))
			continue;
		*starts = true;
		if (s[k].count > *most)
			*most = s[k].count;
	}
	return k;
}

/* A mapped line's count: the wrapped segment's (0 without one), raised to
 * the largest count of the segments that start a region on it. */
static uint64_t line_count(const struct seg *w, bool starts, uint64_t most)
{
	uint64_t c = w ? w->count : 0;
	return starts && most > c ? most : c;
}

/* The mapped lines of segments s[0..n) (in line order), by llvm-cov 14's
 * rule (see the top of the file), stored into out unless it is NULL;
 * returns how many there are. */
static uint64_t walk(const struct seg *s, size_t n, struct cx_cov_line *out)
{
	uint64_t m = 0;
	const struct seg *w = NULL; /* the wrapped segment */
	for (size_t i = 0; i < n;) {
		uint32_t line = s[i].line;
		put_gap(w, line, out, &m);
		bool starts;
		uint64_t most;
		size_t k = line_segments(s, i, n, &starts, &most);
		bool skipped = !s[i].has_count && s[i].entry;
		bool wrapped = w && w->has_count;
		if (!skipped && (wrapped || starts))
			put(out, &m, line, line_count(w, starts, most));
		w = &s[k - 1];
		i = k;
	}
	return m;
}

/* Segment j of a file (v, at `where`) into *g. */
static int read_segment(const cJSON *v, const char *where, size_t j, struct seg *g,
                        struct cx_ctx *ctx)
{
	if (!cJSON_IsArray(v))
		return cx_error(ctx, CX_EINVAL, PFX "%s.segments[%zu] is not an array", where, j);
	int nv = cJSON_GetArraySize(v);
	if (nv < 5)
		return cx_error(ctx, CX_EINVAL, PFX "%s.segments[%zu] has %d values (line, col, "
		                "count, hasCount, isRegionEntry[, isGapRegion] expected)", where, j,
		                nv);
	struct vname nm = {where, "segments", j, 0, "line"};
	const cJSON *e = v->child;
	uint32_t col;
	int rc = to_uint(e, &nm, 1, UINT32_MAX, &g->line, ctx);
	if (rc)
		return rc;
	nm.k = 1, nm.key = "col", e = e->next;
	if ((rc = to_uint(e, &nm, 0, UINT32_MAX, &col, ctx)) != 0)
		return rc;
	nm.k = 2, nm.key = "count", e = e->next;
	if ((rc = to_count(e, &nm, &g->count, ctx)) != 0)
		return rc;
	nm.k = 3, nm.key = "hasCount", e = e->next;
	if ((rc = to_bool(e, &nm, &g->has_count, ctx)) != 0)
		return rc;
	nm.k = 4, nm.key = "isRegionEntry", e = e->next;
	if ((rc = to_bool(e, &nm, &g->entry, ctx)) != 0)
		return rc;
	nm.k = 5, nm.key = "isGapRegion", e = e->next;
	return e ? to_bool(e, &nm, &g->gap, ctx) : 0;
}

/* Segment j must not start on a line before segment j - 1's. */
static int check_order(const struct seg *s, size_t j, const char *where, struct cx_ctx *ctx)
{
	if (j == 0 || s[j].line >= s[j - 1].line)
		return 0;
	return cx_error(ctx, CX_EINVAL, PFX "%s.segments[%zu] is out of order (line %u "
	                "after line %u)", where, j, s[j].line, s[j - 1].line);
}

/* The mapped lines of segments s[0..n) into f->lines, within *budget. */
static int store_lines(const struct seg *s, size_t n, const char *where, struct cx_cov_file *f,
                       uint64_t *budget, struct cx_ctx *ctx)
{
	uint64_t m = walk(s, n, NULL);
	if (m > *budget)
		return cx_error(ctx, CX_ELIMIT, PFX "%s: more than %u mapped lines in the "
		                "export (the limit of one read)", where, MAX_LINES);
	if (m == 0)
		return 0;
	/* m <= MAX_LINES: the size cannot overflow */
	f->lines = malloc((size_t)m * sizeof *f->lines);
	if (!f->lines)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	f->nlines = (size_t)walk(s, n, f->lines);
	*budget -= m;
	return 0;
}

/* A file's "segments" read into f->lines; *budget is what MAX_LINES
 * leaves for this read. */
static int read_segments(const cJSON *segs, const char *where, struct cx_cov_file *f,
                         uint64_t *budget, struct cx_ctx *ctx)
{
	size_t n = (size_t)cJSON_GetArraySize(segs), j = 0;
	if (n == 0)
		return 0;
	struct seg *s = calloc(n, sizeof *s);
	if (!s)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	int rc = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, segs) {
		rc = read_segment(v, where, j, &s[j], ctx);
		if (rc == 0)
			rc = check_order(s, j, where, ctx);
		if (rc)
			break;
		j++;
	}
	if (rc == 0 && j != n) /* cannot happen: the list is the one counted */
		rc = cx_error(ctx, CX_EINVAL, PFX "%s.segments changed while read", where);
	if (rc == 0)
		rc = store_lines(s, n, where, f, budget, ctx);
	free(s);
	return rc;
}

/* ---- functions ---- */

/* A function read; path is its file's (made absolute like the files'). */
struct func {
	char *path;
	struct cx_cov_func fn;
};

/* What a function's region tells of its extent. */
struct region {
	uint32_t start, stop, file; /* lineStart, lineEnd, fileID */
};

/* Region j of a function (v, at `where`) whose file IDs are below nfiles. */
static int read_region(const cJSON *v, const char *where, size_t j, uint32_t nfiles,
                       struct region *r, struct cx_ctx *ctx)
{
	if (!cJSON_IsArray(v))
		return cx_error(ctx, CX_EINVAL, PFX "%s.regions[%zu] is not an array", where, j);
	int nv = cJSON_GetArraySize(v);
	if (nv < 8)
		return cx_error(ctx, CX_EINVAL, PFX "%s.regions[%zu] has %d values (lineStart, "
		                "colStart, lineEnd, colEnd, count, fileID, expandedFileID, kind "
		                "expected)", where, j, nv);
	struct vname nm = {where, "regions", j, 0, "lineStart"};
	const cJSON *e = v->child;
	int rc = to_uint(e, &nm, 1, UINT32_MAX, &r->start, ctx);
	if (rc)
		return rc;
	nm.k = 2, nm.key = "lineEnd", e = e->next->next;
	if ((rc = to_uint(e, &nm, 1, UINT32_MAX, &r->stop, ctx)) != 0)
		return rc;
	nm.k = 5, nm.key = "fileID", e = e->next->next->next;
	return to_uint(e, &nm, 0, nfiles - 1, &r->file, ctx);
}

static int read_regions(const cJSON *regions, const char *where, uint32_t nfiles,
                        struct cx_cov_func *fn, struct cx_ctx *ctx)
{
	size_t j = 0;
	uint32_t end = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, regions) {
		struct region r;
		int rc = read_region(v, where, j, nfiles, &r, ctx);
		if (rc)
			return rc;
		if (j == 0)
			fn->line = r.start;
		if (r.file == 0 && r.stop > end)
			end = r.stop;
		j++;
	}
	if (j == 0)
		return cx_error(ctx, CX_EINVAL, PFX "%s.regions is empty", where);
	fn->end_line = end < fn->line ? 0 : end;
	return 0;
}

/* A function's "filenames" (an array): strings, at least one, the first
 * not empty; *nfiles how many (at most UINT32_MAX: file IDs are 32-bit). */
static int read_filenames(const cJSON *names, const char *where, uint32_t *nfiles,
                          struct cx_ctx *ctx)
{
	size_t n = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, names) {
		if (!cJSON_IsString(v))
			return cx_error(ctx, CX_EINVAL, PFX "%s.filenames[%zu] is not a string", where,
			                n);
		n++;
	}
	if (n == 0)
		return cx_error(ctx, CX_EINVAL, PFX "%s.filenames is empty", where);
	if (!names->child->valuestring[0])
		return cx_error(ctx, CX_EINVAL, PFX "%s.filenames[0] is empty", where);
	*nfiles = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	return 0;
}

/* A function's "name", "filenames", "regions" type-checked, and its
 * "count" read. */
static int read_function_keys(const cJSON *fe, const char *where, struct func *out,
                              struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(fe))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	int rc = cx_cov_string(PFX, get(fe, "name"), where, "name", ctx);
	if (rc == 0)
		rc = cx_cov_array(PFX, get(fe, "filenames"), where, "filenames", ctx);
	if (rc == 0)
		rc = cx_cov_array(PFX, get(fe, "regions"), where, "regions", ctx);
	if (rc)
		return rc;
	struct vname nm = {where, NULL, 0, 0, "count"};
	return to_count(get(fe, "count"), &nm, &out->fn.count, ctx);
}

static int read_function(const cJSON *fe, const char *where, const char *base, struct func *out,
                         struct cx_ctx *ctx)
{
	int rc = read_function_keys(fe, where, out, ctx);
	if (rc)
		return rc;
	const cJSON *name = get(fe, "name"), *names = get(fe, "filenames");
	uint32_t nfiles = 0;
	if ((rc = read_filenames(names, where, &nfiles, ctx)) != 0)
		return rc;
	if ((rc = read_regions(get(fe, "regions"), where, nfiles, &out->fn, ctx)) != 0)
		return rc;
	out->fn.name = cx_strdup(name->valuestring);
	out->path = cx_cov_path(base, names->child->valuestring);
	if (!out->fn.name || !out->path)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	cx_cov_strip_file_prefix(out->fn.name);
	return 0;
}

/* ---- one data element ---- */

/* A file's path and index, sorted to find functions' files. */
struct pathidx {
	const char *path;
	size_t i;
};

static int pathidx_cmp(const void *a, const void *b)
{
	const struct pathidx *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return (x->i > y->i) - (x->i < y->i);
}

/* The index of the first file of that path; (size_t)-1 when none. */
static size_t find_file(const struct pathidx *idx, size_t n, const char *path)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(idx[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(idx[lo].path, path) == 0 ? idx[lo].i : (size_t)-1;
}

/* What one data element is read into before it is pushed. */
struct elem {
	struct cx_cov_file *files;
	size_t *fcap; /* each file's function capacity */
	size_t nfiles;
	struct pathidx *idx;
};

static void elem_release(struct elem *e)
{
	for (size_t i = 0; i < e->nfiles; i++)
		cx_cov_file_release(&e->files[i]);
	free(e->files);
	free(e->fcap);
	free(e->idx);
	memset(e, 0, sizeof *e);
}

static int read_file_entry(const cJSON *fe, const char *where, const char *base,
                           struct cx_cov_file *f, uint64_t *budget, struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(fe))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	const cJSON *name = get(fe, "filename"), *segs = get(fe, "segments");
	int rc = cx_cov_string(PFX, name, where, "filename", ctx);
	if (rc)
		return rc;
	if (!segs)
		return cx_error(ctx, CX_EINVAL, PFX "%s: missing \"segments\" (an export made with "
		                "-summary-only has no line counts)", where);
	if ((rc = cx_cov_array(PFX, segs, where, "segments", ctx)) != 0)
		return rc;
	f->path = cx_cov_path(base, name->valuestring);
	if (!f->path)
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	return read_segments(segs, where, f, budget, ctx);
}

/* Room in e for n files (none allocated when n is 0). */
static int elem_alloc(struct elem *e, size_t n)
{
	if (n == 0)
		return 0;
	e->files = calloc(n, sizeof *e->files);
	e->fcap = calloc(n, sizeof *e->fcap);
	e->idx = calloc(n, sizeof *e->idx);
	return e->files && e->fcap && e->idx ? 0 : CX_ENOMEM;
}

/* An element's "files" into e (which has room for them), and e->idx
 * sorted by path. */
static int read_files(const cJSON *files, const char *where, const char *base, struct elem *e,
                      uint64_t *budget, struct cx_ctx *ctx)
{
	size_t n = (size_t)cJSON_GetArraySize(files);
	const cJSON *v;
	cJSON_ArrayForEach(v, files) {
		if (e->nfiles == n) /* cannot happen: the list is the one counted */
			break;
		char w[192];
		snprintf(w, sizeof w, "%s.files[%zu]", where, e->nfiles);
		struct cx_cov_file *f = &e->files[e->nfiles++];
		int rc = read_file_entry(v, w, base, f, budget, ctx);
		if (rc)
			return rc;
		e->idx[e->nfiles - 1] = (struct pathidx){f->path, e->nfiles - 1};
	}
	if (e->nfiles > 1)
		qsort(e->idx, e->nfiles, sizeof *e->idx, pathidx_cmp);
	return 0;
}

/* fn's function to the list of its file, which takes its name; one whose
 * file is not in e is left to the caller to free. */
static int add_function(struct elem *e, struct func *fn, struct cx_ctx *ctx)
{
	size_t k = find_file(e->idx, e->nfiles, fn->path);
	if (k == (size_t)-1)
		return 0;
	struct cx_cov_file *f = &e->files[k];
	if (cx_grow(&f->funcs, &e->fcap[k], f->nfuncs + 1, sizeof *f->funcs))
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	f->funcs[f->nfuncs++] = fn->fn;
	fn->fn.name = NULL;
	return 0;
}

/* An element's "functions" (NULL: none) into the lists of their files. */
static int read_functions(const cJSON *funcs, const char *where, const char *base,
                          struct elem *e, struct cx_ctx *ctx)
{
	size_t i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, funcs) {
		char w[192];
		snprintf(w, sizeof w, "%s.functions[%zu]", where, i++);
		struct func fn = {0};
		int rc = read_function(v, w, base, &fn, ctx);
		if (rc == 0)
			rc = add_function(e, &fn, ctx);
		free(fn.fn.name); /* an error, or a file left out of the export */
		free(fn.path);
		if (rc)
			return rc;
	}
	return 0;
}

static int read_element(const cJSON *de, size_t d, const char *base, struct elem *e,
                        uint64_t *budget, struct cx_ctx *ctx)
{
	char where[160];
	snprintf(where, sizeof where, "data[%zu]", d);
	if (!cJSON_IsObject(de))
		return cx_error(ctx, CX_EINVAL, PFX "%s is not an object", where);
	const cJSON *files = get(de, "files"), *funcs = get(de, "functions");
	int rc = cx_cov_array(PFX, files, where, "files", ctx);
	/* absent with -skip-functions */
	if (rc == 0 && funcs)
		rc = cx_cov_array(PFX, funcs, where, "functions", ctx);
	if (rc)
		return rc;
	if (elem_alloc(e, (size_t)cJSON_GetArraySize(files)))
		return cx_error(ctx, CX_ENOMEM, PFX "out of memory");
	rc = read_files(files, where, base, e, budget, ctx);
	if (rc == 0)
		rc = read_functions(funcs, where, base, e, ctx);
	if (rc)
		return rc;
	for (size_t k = 0; k < e->nfiles; k++)
		cx_cov_file_finish(&e->files[k]);
	return 0;
}

/* ---- the document ---- */

/* "2", "2.0", "2.0.1", ...: major version 2 */
static bool version_ok(const char *s)
{
	bool ok = s[0] == '2';
	for (s++; ok && *s;) {
		ok = s[0] == '.' && s[1] >= '0' && s[1] <= '9';
		for (s++; ok && *s >= '0' && *s <= '9'; s++)
			;
	}
	return ok;
}

static int read_type(const cJSON *root, struct cx_ctx *ctx)
{
	char q[48];
	const cJSON *type = get(root, "type");
	if (!type)
		return cx_error(ctx, CX_EINVAL, PFX "missing \"type\" (not an llvm-cov export?)");
	if (!cJSON_IsString(type))
		return cx_error(ctx, CX_EINVAL, PFX "type is not a string");
	if (strcmp(type->valuestring, EXPORT_TYPE) != 0)
		return cx_error(ctx, CX_EINVAL, PFX "unsupported type \"%s\" (expected \"%s\")",
		                cx_quote_line(type->valuestring, q, sizeof q), EXPORT_TYPE);
	return 0;
}

static int read_header(const cJSON *root, struct cx_ctx *ctx)
{
	char q[48];
	int rc = read_type(root, ctx);
	if (rc)
		return rc;
	const cJSON *version = get(root, "version");
	if (!version)
		return cx_error(ctx, CX_EINVAL, PFX "missing \"version\"");
	if (!cJSON_IsString(version))
		return cx_error(ctx, CX_EINVAL, PFX "version is not a string");
	if (!version_ok(version->valuestring))
		return cx_error(ctx, CX_EINVAL, PFX "unsupported version \"%s\" (known: 2.x)",
		                cx_quote_line(version->valuestring, q, sizeof q));
	return 0;
}

static int read_document(const cJSON *root, const char *base, struct cx_cov *cov,
                         struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(root))
		return cx_error(ctx, CX_EINVAL, PFX "the top level is not an object");
	int rc = read_header(root, ctx);
	if (rc)
		return rc;
	const cJSON *data = get(root, "data");
	if (!data)
		return cx_error(ctx, CX_EINVAL, PFX "missing \"data\"");
	if (!cJSON_IsArray(data))
		return cx_error(ctx, CX_EINVAL, PFX "data is not an array");
	uint64_t budget = MAX_LINES;
	size_t d = 0, cap = 0;
	const cJSON *de;
	cJSON_ArrayForEach(de, data) {
		struct elem e = {0};
		rc = read_element(de, d++, base, &e, &budget, ctx);
		for (size_t i = 0; rc == 0 && i < e.nfiles; i++)
			if (cx_cov_push_file(cov, &cap, &e.files[i]))
				rc = cx_error(ctx, CX_ENOMEM, PFX "out of memory");
		elem_release(&e); /* what was not pushed */
		if (rc)
			return rc;
	}
	return 0;
}

static bool is_gzip(const char *p, size_t n)
{
	return n >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b;
}

/* Only white space may follow the document that ends at end. */
static int check_trailing(const char *text, size_t len, size_t pos, const char *end,
                          struct cx_ctx *ctx)
{
	if (!end || end < text + pos || end > text + len)
		return 0;
	size_t p = cx_cov_skip_space(text, len, (size_t)(end - text));
	if (p == len)
		return 0;
	unsigned line, col;
	cx_cov_position(text, text + p, &line, &col);
	return cx_error(ctx, CX_EINVAL, PFX "trailing data after the JSON document at %u:%u",
	                line, col);
}

/* The document at text + pos (the only one) into *root, which the caller
 * deletes. */
static int parse(const char *text, size_t len, size_t pos, cJSON **root, struct cx_ctx *ctx)
{
	const char *end = NULL;
	*root = cJSON_ParseWithLengthOpts(text + pos, len - pos, &end, false);
	if (!*root)
		return cx_cov_malformed(PFX, text, len, pos, end, ctx);
	int rc = check_trailing(text, len, pos, end, ctx);
	if (rc) {
		cJSON_Delete(*root);
		*root = NULL;
	}
	return rc;
}

int cx_llvm_json_read(const void *data, size_t len, const char *base, struct cx_cov *out,
                      struct cx_ctx *ctx)
{
	const char *text = data;
	if (len > CX_MAX_COVERAGE_BYTES)
		return cx_error(ctx, CX_ELIMIT, PFX "larger than the limit of %u bytes",
		                CX_MAX_COVERAGE_BYTES);
	size_t pos = cx_cov_skip_space(text, len, 0);
	if (pos == len)
		return cx_error(ctx, CX_EINVAL, PFX "empty input");
	if (is_gzip(text + pos, len - pos))
		return cx_error(ctx, CX_EINVAL, PFX "gzip data (decompress it first)");
	cJSON *root;
	int rc = parse(text, len, pos, &root, ctx);
	if (rc)
		return rc;
	struct cx_cov add = {0};
	rc = read_document(root, base, &add, ctx);
	cJSON_Delete(root);
	return cx_cov_take(out, &add, rc, PFX, ctx);
}
