/* cov.c: releasing coverage data (cx_cov.h), folding the entries of one
 * path (cx_cov_fold), and what the gcov JSON and lcov readers share
 * (internal.h): saturating counts, paths made absolute, a file's lines
 * sorted with repeated lines summed, and the all-or-nothing append of a
 * read's files to the caller's list. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cx_cov.h"
#include "cx_correlate.h"
#include "cx_util.h"
#include "internal.h"

uint64_t cx_cov_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* `file` made absolute against `dir` (itself absolute or NULL), lexically
 * normalized; relative (normalized, leading ".." kept) when there is no
 * `dir`. NULL only on ENOMEM. */
char *cx_cov_path(const char *dir, const char *file)
{
	if (file[0] == '/' || !dir || !dir[0])
		return cx_path_normalize(file);
	return cx_path_join(dir, file);
}

void cx_cov_file_release(struct cx_cov_file *f)
{
	free(f->path);
	for (size_t i = 0; i < f->nfuncs; i++)
		free(f->funcs[i].name);
	free(f->funcs);
	free(f->lines);
	memset(f, 0, sizeof *f);
}

void cx_cov_release(struct cx_cov *cov)
{
	if (!cov)
		return;
	for (size_t i = 0; i < cov->nfiles; i++)
		cx_cov_file_release(&cov->files[i]);
	free(cov->files);
	memset(cov, 0, sizeof *cov);
}

static int line_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct cx_cov_line *)a)->line;
	uint32_t y = ((const struct cx_cov_line *)b)->line;
	return (x > y) - (x < y);
}

/* By name line, then end line and name: the order does not depend on the
 * order the tool happened to write them in. */
static int func_cmp(const void *a, const void *b)
{
	const struct cx_cov_func *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->end_line != y->end_line)
		return x->end_line < y->end_line ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Sorts the lines ascending and sums the entries of a repeated line (gcov
 * and lcov repeat a line that holds several functions, one entry each), so
 * that each line appears once; sorts the functions by line. */
void cx_cov_file_finish(struct cx_cov_file *f)
{
	if (f->nlines > 1) {
		qsort(f->lines, f->nlines, sizeof *f->lines, line_cmp);
		size_t o = 0;
		for (size_t i = 1; i < f->nlines; i++) {
			if (f->lines[i].line == f->lines[o].line)
				f->lines[o].count = cx_cov_sat_add(f->lines[o].count, f->lines[i].count);
			else
				f->lines[++o] = f->lines[i];
		}
		f->nlines = o + 1;
	}
	if (f->nfuncs > 1)
		qsort(f->funcs, f->nfuncs, sizeof *f->funcs, func_cmp);
}

/* Moves *f (finished) to the end of cov->files (capacity *cap); *f is
 * emptied either way, released on ENOMEM. */
int cx_cov_push_file(struct cx_cov *cov, size_t *cap, struct cx_cov_file *f)
{
	if (cx_grow(&cov->files, cap, cov->nfiles + 1, sizeof *cov->files)) {
		cx_cov_file_release(f);
		return CX_ENOMEM;
	}
	cov->files[cov->nfiles++] = *f;
	memset(f, 0, sizeof *f);
	return 0;
}

/* Appends add's files to out (whose capacity is unknown: struct cx_cov
 * keeps none, so exactly what is needed is allocated) and empties *add.
 * On ENOMEM out is unchanged and add is released. A reader collects a
 * whole read in its own list and splices it only on success, so a failed
 * read leaves *out as it was. */
int cx_cov_splice(struct cx_cov *out, struct cx_cov *add)
{
	if (add->nfiles == 0) {
		cx_cov_release(add);
		return 0;
	}
	if (out->nfiles == 0 && !out->files) {
		*out = *add;
		memset(add, 0, sizeof *add);
		return 0;
	}
	if (add->nfiles > SIZE_MAX / sizeof *out->files - out->nfiles) {
		cx_cov_release(add);
		return CX_ENOMEM;
	}
	struct cx_cov_file *v = realloc(out->files, (out->nfiles + add->nfiles) * sizeof *v);
	if (!v) {
		cx_cov_release(add);
		return CX_ENOMEM;
	}
	memcpy(v + out->nfiles, add->files, add->nfiles * sizeof *v);
	out->files = v;
	out->nfiles += add->nfiles;
	free(add->files);
	memset(add, 0, sizeof *add);
	return 0;
}

/* ---- folding the entries of one path ---- */

int cx_cov_take(struct cx_cov *out, struct cx_cov *add, int rc, const char *pfx,
                struct cx_ctx *ctx)
{
	if (rc) {
		cx_cov_release(add);
		return rc;
	}
	if (cx_cov_splice(out, add))
		return cx_error(ctx, CX_ENOMEM, "%sout of memory", pfx);
	return 0;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cx_cov_file *)a)->path, ((const struct cx_cov_file *)b)->path);
}

/* Moves the lines and functions of src to the end of dst's. */
static int absorb(struct cx_cov_file *dst, struct cx_cov_file *src)
{
	size_t capl = dst->nlines, capf = dst->nfuncs;
	if (cx_grow(&dst->lines, &capl, dst->nlines + src->nlines, sizeof *dst->lines) ||
	    cx_grow(&dst->funcs, &capf, dst->nfuncs + src->nfuncs, sizeof *dst->funcs))
		return CX_ENOMEM;
	if (src->nlines)
		memcpy(dst->lines + dst->nlines, src->lines, src->nlines * sizeof *src->lines);
	if (src->nfuncs)
		memcpy(dst->funcs + dst->nfuncs, src->funcs, src->nfuncs * sizeof *src->funcs);
	dst->nlines += src->nlines;
	dst->nfuncs += src->nfuncs;
	free(src->lines);
	free(src->funcs);
	free(src->path);
	memset(src, 0, sizeof *src);
	return 0;
}

/* Sums the entries of one function of several objects (same name line
 * and name; f's functions sorted): each appears once. */
static void merge_funcs(struct cx_cov_file *f)
{
	if (f->nfuncs == 0)
		return;
	size_t o = 0;
	for (size_t k = 1; k < f->nfuncs; k++) {
		struct cx_cov_func *a = &f->funcs[o], *b = &f->funcs[k];
		if (a->line == b->line && strcmp(a->name, b->name) == 0) {
			a->count = cx_cov_sat_add(a->count, b->count);
			if (b->end_line > a->end_line)
				a->end_line = b->end_line;
			free(b->name);
		} else {
			f->funcs[++o] = *b;
		}
	}
	f->nfuncs = o + 1;
}

int cx_cov_fold(struct cx_cov *cov)
{
	if (cov->nfiles == 0)
		return 0;
	qsort(cov->files, cov->nfiles, sizeof *cov->files, path_cmp);
	size_t w = 0;
	for (size_t i = 1; i < cov->nfiles; i++) {
		if (strcmp(cov->files[i].path, cov->files[w].path) == 0) {
			if (absorb(&cov->files[w], &cov->files[i]))
				return CX_ENOMEM;
		} else if (++w != i) {
			cov->files[w] = cov->files[i];
			memset(&cov->files[i], 0, sizeof cov->files[i]);
		}
	}
	cov->nfiles = w + 1;
	for (size_t i = 0; i < cov->nfiles; i++) {
		cx_cov_file_finish(&cov->files[i]);
		merge_funcs(&cov->files[i]);
	}
	return 0;
}

/* llvm-cov export names a static function "<its TU's file>:name" (the
 * TU's even for a function of a header it includes); the name as the
 * source spells it follows the last lone ':' (C names hold none; C++'s
 * "::" is not one). */
void cx_cov_strip_file_prefix(char *name)
{
	size_t n = strlen(name), at = 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (name[i] == ':' && name[i + 1] != ':' && (i == 0 || name[i - 1] != ':'))
			at = i + 1;
	if (at)
		memmove(name, name + at, n - at + 1);
}

void cx_cov_position(const char *text, const char *at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

size_t cx_cov_skip_space(const char *text, size_t len, size_t pos)
{
	while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' ||
	                     text[pos] == '\r'))
		pos++;
	return pos;
}

int cx_cov_malformed(const char *pfx, const char *text, size_t len, size_t pos,
                     const char *end, struct cx_ctx *ctx)
{
	unsigned line, col;
	/* cJSON leaves end at the start of the value it failed on (or unset) */
	if (!end || end < text + pos || end > text + len)
		end = text + pos;
	cx_cov_position(text, end, &line, &col);
	return cx_error(ctx, CX_EINVAL, "%smalformed JSON at %u:%u", pfx, line, col);
}

int cx_cov_array(const char *pfx, const struct cJSON *v, const char *where, const char *key,
                 struct cx_ctx *ctx)
{
	if (!v)
		return cx_error(ctx, CX_EINVAL, "%s%s: missing \"%s\"", pfx, where, key);
	if (!cJSON_IsArray(v))
		return cx_error(ctx, CX_EINVAL, "%s%s.%s is not an array", pfx, where, key);
	return 0;
}

int cx_cov_string(const char *pfx, const struct cJSON *v, const char *where, const char *key,
                  struct cx_ctx *ctx)
{
	if (!v)
		return cx_error(ctx, CX_EINVAL, "%s%s: missing \"%s\"", pfx, where, key);
	if (!cJSON_IsString(v))
		return cx_error(ctx, CX_EINVAL, "%s%s.%s is not a string", pfx, where, key);
	if (!v->valuestring[0])
		return cx_error(ctx, CX_EINVAL, "%s%s.%s is empty", pfx, where, key);
	return 0;
}
