/* lcov.c: lcov tracefiles (.info), as lcov, llvm-cov export -format=lcov
 * and the other tools that write the format produce them (cx_cov.h).
 *
 * One record a source file:
 *   TN:<test name>                       (ignored)
 *   SF:<path>                            opens the record
 *   FN:<line>,<name>                     a function (lcov 1.x)
 *   FN:<line>,<end line>,<name>          the same with its end (lcov 2.0, 2.1)
 *   FNDA:<count>,<name>                  its entry count, joined by name
 *   FNL:<index>,<line>[,<end line>]      a function (lcov 2.2 on) ...
 *   FNA:<index>,<count>,<name>           ... and each of its names
 *   DA:<line>,<count>[,<checksum>]       a line's count
 *   end_of_record                        closes it
 * FNF, FNH, LF, LH, BRDA, BRF, BRH, VER, MCDC and any other KEY:value are
 * ignored. Note that the line of a function is the tool's: lcov from gcov
 * gives the line of its name, llvm-cov the line its body starts on.
 *
 * Decisions on malformed input (lcov never writes any of this):
 * - a line that is neither KEY:value nor end_of_record is an error: the
 *   input is not a tracefile, and reading it as "no coverage" would blame
 *   every function for being untested; blank lines are skipped, a CR
 *   before the LF is dropped (CRLF files), any other control character
 *   but a tab is an error (a bare CR: old Mac line ends; NUL: binary
 *   data), so no name or path holds one;
 * - FN, FNDA, FNL, FNA or DA outside a record (before any SF, after an
 *   end_of_record) is an error: whose lines they are is unknown; a stray
 *   end_of_record closes nothing and is ignored;
 * - SF inside an open record, or the end of the input inside one (no
 *   end_of_record), is an error: that is what a truncated tracefile looks
 *   like, and its cut record would read as code that never ran;
 * - an input without any record is an error (lcov refuses to write one);
 * - a repeated DA line is summed (lcov repeats a line that holds several
 *   functions), counts saturate at UINT64_MAX and a negative count (lcov
 *   1.x passes gcov's corrupted counters through) reads as 0;
 * - line numbers are 1 to UINT32_MAX, else an error; an end line before
 *   its start line reads as "not recorded" (0);
 * - a function name loses the "file.c:" prefix llvm-cov gives statics;
 * - a function named twice by FN in one record is one function (lcov keys
 *   them by name; the first line wins); FNDA counts of one name are
 *   summed; an FNDA without its FN, or an FNA without its FNL, has no line
 *   and is ignored.
 * An error names the input line and what is wrong with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_cov.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "internal.h"

#define PFX "lcov: "

/* A function as FN, FNDA or FNA gives it; seq keeps the input order
 * through the sorts that join them. */
struct fn {
	char *name;
	uint64_t count, index; /* index: FNL/FNA */
	uint32_t line, end;
	size_t seq;
};

struct fnvec {
	struct fn *v;
	size_t n, cap;
};

/* The record being read. */
struct rec {
	size_t sf_line; /* input line of its SF; 0 when no record is open */
	struct cx_cov_file f;
	size_t lcap;
	struct fnvec fn, fnda, fnl, fna;
};

struct reader {
	const char *base;
	size_t lineno;
	struct rec r;
	struct cx_cov cov;
	size_t cap;
	struct cx_ctx *ctx;
};

static void fnvec_release(struct fnvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].name);
	free(v->v);
	memset(v, 0, sizeof *v);
}

static void rec_release(struct rec *r)
{
	cx_cov_file_release(&r->f);
	fnvec_release(&r->fn);
	fnvec_release(&r->fnda);
	fnvec_release(&r->fnl);
	fnvec_release(&r->fna);
	memset(r, 0, sizeof *r);
}

/* Appends fn, named by a copy of the nlen bytes at name (no name when
 * name is NULL), numbered by its place in the input. */
static int fnvec_push(struct fnvec *v, const char *name, size_t nlen, struct fn fn)
{
	fn.name = NULL;
	if (name && !(fn.name = cx_strndup(name, nlen)))
		return CX_ENOMEM;
	if (cx_grow(&v->v, &v->cap, v->n + 1, sizeof *v->v)) {
		free(fn.name);
		return CX_ENOMEM;
	}
	fn.seq = v->n;
	v->v[v->n] = fn;
	v->n++;
	return 0;
}

/* ---- fields ---- */

/* A field: the bytes up to the next comma (or the end of the line). */
struct field {
	const char *s;
	size_t n;
};

/* The value of a record, read field by field. */
struct cursor {
	const char *p, *end;
	bool done; /* the last field was taken */
};

static bool next_field(struct cursor *c, struct field *f)
{
	if (c->done)
		return false;
	const char *comma = memchr(c->p, ',', (size_t)(c->end - c->p));
	f->s = c->p;
	f->n = (size_t)((comma ? comma : c->end) - c->p);
	if (comma) {
		c->p = comma + 1;
	} else {
		c->p = c->end;
		c->done = true;
	}
	return true;
}

/* The rest of the line (a function name, which may hold commas: C++
 * names demangled by lcov do); empty when there is none. */
static struct field rest(const struct cursor *c)
{
	return c->done ? (struct field){c->end, 0} : (struct field){c->p, (size_t)(c->end - c->p)};
}

/* Decimal digits only, at least one; saturates at UINT64_MAX. */
static bool parse_u64(struct field f, uint64_t *v)
{
	if (f.n == 0)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < f.n; i++) {
		unsigned d = (unsigned char)f.s[i] - '0';
		if (d > 9)
			return false;
		x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
	}
	*v = x;
	return true;
}

/* A count: digits with an optional '-' (negative reads as 0, see above). */
static bool parse_count(struct field f, uint64_t *v)
{
	if (f.n > 0 && f.s[0] == '-') {
		f.s++;
		f.n--;
		uint64_t ignored;
		if (!parse_u64(f, &ignored))
			return false;
		*v = 0;
		return true;
	}
	return parse_u64(f, v);
}

static int bad(struct reader *rd, const char *what, struct field f)
{
	char field[48], q[48];
	size_t n = f.n < 40 ? f.n : 40; /* at most 40 bytes of it */
	memcpy(field, f.s, n);
	field[n] = '\0';
	return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: %s '%s'", rd->lineno, what,
	                cx_quote_line(field, q, sizeof q));
}

static int get_line(struct reader *rd, const char *key, const char *what, struct field f,
                    uint32_t min, uint32_t *out)
{
	uint64_t v;
	if (!parse_u64(f, &v)) {
		char w[64];
		snprintf(w, sizeof w, "%s: %s is not a number:", key, what);
		return bad(rd, w, f);
	}
	if (v < min || v > UINT32_MAX) {
		char w[80];
		snprintf(w, sizeof w, "%s: %s out of range (lines are %u to %u):", key, what, min,
		         UINT32_MAX);
		return bad(rd, w, f);
	}
	*out = (uint32_t)v;
	return 0;
}

static int get_count(struct reader *rd, const char *key, struct field f, uint64_t *out)
{
	if (parse_count(f, out))
		return 0;
	char w[64];
	snprintf(w, sizeof w, "%s: count is not an integer:", key);
	return bad(rd, w, f);
}

/* ---- records ---- */

static int name_seq_cmp(const void *a, const void *b)
{
	const struct fn *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int index_seq_cmp(const void *a, const void *b)
{
	const struct fn *x = a, *y = b;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Moves a function into the file's list (which has room). */
static void take(struct cx_cov_file *f, struct fn *fn)
{
	cx_cov_strip_file_prefix(fn->name);
	f->funcs[f->nfuncs++] = (struct cx_cov_func){fn->name, fn->line, fn->end, fn->count};
	fn->name = NULL;
}

/* The first FNL of that index in fl (sorted by index), or NULL. */
static struct fn *find_fnl(const struct fnvec *fl, uint64_t index)
{
	size_t lo = 0, hi = fl->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fl->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == fl->n || fl->v[lo].index != index)
		return NULL;
	return &fl->v[lo];
}

/* fn's count plus that of each FNDA of its name; *k walks da (sorted by
 * name, as the FNs are). */
static void add_fnda(struct fn *fn, const struct fnvec *da, size_t *k)
{
	while (*k < da->n && strcmp(da->v[*k].name, fn->name) < 0)
		(*k)++;
	for (; *k < da->n && strcmp(da->v[*k].name, fn->name) == 0; (*k)++)
		fn->count = cx_cov_sat_add(fn->count, da->v[*k].count);
}

/* The FNs into the file (which has room for them), joined with the FNDAs
 * by name. */
static void join_fn(struct rec *r)
{
	struct fnvec *fn = &r->fn;
	size_t k = 0;
	const char *prev = NULL; /* the last name kept (now the file's) */
	for (size_t i = 0; i < fn->n; i++) {
		if (prev && strcmp(fn->v[i].name, prev) == 0)
			continue; /* named twice: the first (lowest seq) is kept */
		prev = fn->v[i].name;
		add_fnda(&fn->v[i], &r->fnda, &k);
		take(&r->f, &fn->v[i]);
	}
}

/* The FNAs into the file (which has room for them), their lines from the
 * FNL of their index; one without is left out. */
static void join_fna(struct rec *r)
{
	struct fnvec *fa = &r->fna;
	for (size_t i = 0; i < fa->n; i++) {
		const struct fn *l = find_fnl(&r->fnl, fa->v[i].index);
		if (!l)
			continue;
		fa->v[i].line = l->line;
		fa->v[i].end = l->end;
		take(&r->f, &fa->v[i]);
	}
}

static void sort_fns(struct rec *r)
{
	if (r->fn.n > 1)
		qsort(r->fn.v, r->fn.n, sizeof *r->fn.v, name_seq_cmp);
	if (r->fnda.n > 1)
		qsort(r->fnda.v, r->fnda.n, sizeof *r->fnda.v, name_seq_cmp);
	if (r->fnl.n > 1)
		qsort(r->fnl.v, r->fnl.n, sizeof *r->fnl.v, index_seq_cmp);
}

/* end_of_record: FN joined with FNDA by name, FNA with FNL by index
 * (sorted merges: a record of many functions costs n log n, not n^2),
 * then the file is finished and kept. */
static int close_record(struct reader *rd)
{
	struct rec *r = &rd->r;
	sort_fns(r);
	size_t room = r->fn.n + r->fna.n;
	if (room && !(r->f.funcs = calloc(room, sizeof *r->f.funcs)))
		return cx_error(rd->ctx, CX_ENOMEM, PFX "out of memory");
	join_fn(r);
	join_fna(r);
	cx_cov_file_finish(&r->f);
	int rc = cx_cov_push_file(&rd->cov, &rd->cap, &r->f);
	rec_release(r);
	return rc ? cx_error(rd->ctx, rc, PFX "out of memory") : 0;
}

static int need_record(struct reader *rd, const char *key)
{
	if (rd->r.sf_line)
		return 0;
	return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: %s outside a record (no SF before it)",
	                rd->lineno, key);
}

/* An end line before its start line is no extent: not recorded (0). */
static uint32_t end_after(uint32_t line, uint32_t end)
{
	return end < line ? 0 : end;
}

static int record_sf(struct reader *rd, const char *v, const char *end)
{
	if (rd->r.sf_line)
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: SF inside the record opened at "
		                "line %zu (missing end_of_record)", rd->lineno, rd->r.sf_line);
	if (v == end)
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: SF with an empty path",
		                rd->lineno);
	char *raw = cx_strndup(v, (size_t)(end - v));
	rd->r.f.path = raw ? cx_cov_path(rd->base, raw) : NULL;
	free(raw);
	if (!rd->r.f.path)
		return cx_error(rd->ctx, CX_ENOMEM, PFX "out of memory");
	rd->r.sf_line = rd->lineno;
	return 0;
}

/* fn, named `name` (which must not be empty), onto v. */
static int push_fn(struct reader *rd, struct fnvec *v, const char *key, struct field name,
                   struct fn fn)
{
	if (name.n == 0)
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: %s without a function name",
		                rd->lineno, key);
	if (fnvec_push(v, name.s, name.n, fn))
		return cx_error(rd->ctx, CX_ENOMEM, PFX "out of memory");
	return 0;
}

/* FN:<line>,<name> or FN:<line>,<end>,<name>: a field of digits followed
 * by another comma is the end line (lcov's own reading; no C function is
 * named by digits). */
static int record_fn(struct reader *rd, struct cursor *c)
{
	struct field f, e;
	uint32_t line, endl = 0;
	next_field(c, &f);
	int rc = get_line(rd, "FN", "line", f, 1, &line);
	if (rc)
		return rc;
	struct cursor at_end = *c;
	uint64_t ignored;
	if (!(next_field(c, &e) && !c->done && parse_u64(e, &ignored)))
		*c = at_end; /* no end line: the name starts here */
	else if ((rc = get_line(rd, "FN", "end line", e, 0, &endl)) != 0)
		return rc;
	return push_fn(rd, &rd->r.fn, "FN", rest(c),
	               (struct fn){.line = line, .end = end_after(line, endl)});
}

/* FNDA:<count>,<name> */
static int record_fnda(struct reader *rd, struct cursor *c)
{
	struct field f;
	uint64_t count;
	next_field(c, &f);
	int rc = get_count(rd, "FNDA", f, &count);
	return rc ? rc : push_fn(rd, &rd->r.fnda, "FNDA", rest(c), (struct fn){.count = count});
}

/* FNA:<index>,<count>,<name> */
static int record_fna(struct reader *rd, struct cursor *c)
{
	struct field f;
	uint64_t index, count;
	next_field(c, &f);
	if (!parse_u64(f, &index))
		return bad(rd, "FNA: index is not a number:", f);
	if (!next_field(c, &f))
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: FNA without a count", rd->lineno);
	int rc = get_count(rd, "FNA", f, &count);
	return rc ? rc : push_fn(rd, &rd->r.fna, "FNA", rest(c),
	                         (struct fn){.count = count, .index = index});
}

/* FNL:<index>,<line>[,<end line>] */
static int record_fnl(struct reader *rd, struct cursor *c)
{
	struct field f;
	uint64_t index;
	uint32_t line, endl = 0;
	next_field(c, &f);
	if (!parse_u64(f, &index))
		return bad(rd, "FNL: index is not a number:", f);
	if (!next_field(c, &f))
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: FNL without a line", rd->lineno);
	int rc = get_line(rd, "FNL", "line", f, 1, &line);
	if (rc == 0 && next_field(c, &f))
		rc = get_line(rd, "FNL", "end line", f, 0, &endl);
	if (rc)
		return rc;
	struct fn fn = {.index = index, .line = line, .end = end_after(line, endl)};
	if (fnvec_push(&rd->r.fnl, NULL, 0, fn))
		return cx_error(rd->ctx, CX_ENOMEM, PFX "out of memory");
	return 0;
}

/* DA:<line>,<count>[,<checksum>] */
static int record_da(struct reader *rd, struct cursor *c)
{
	struct field f;
	uint32_t line;
	uint64_t count;
	next_field(c, &f);
	int rc = get_line(rd, "DA", "line", f, 1, &line);
	if (rc)
		return rc;
	if (!next_field(c, &f))
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: DA without a count", rd->lineno);
	if ((rc = get_count(rd, "DA", f, &count)) != 0)
		return rc;
	struct cx_cov_file *fl = &rd->r.f;
	if (cx_grow(&fl->lines, &rd->r.lcap, fl->nlines + 1, sizeof *fl->lines))
		return cx_error(rd->ctx, CX_ENOMEM, PFX "out of memory");
	fl->lines[fl->nlines++] = (struct cx_cov_line){line, count};
	return 0;
}

static bool is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool key_is(const char *k, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(k, want, n) == 0;
}

/* A line of text: no control character but a tab. */
static int check_text(struct reader *rd, const char *s, const char *end)
{
	for (const char *p = s; p < end; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: control character 0x%02x "
			                "(not text)", rd->lineno, (unsigned char)*p);
	return 0;
}

/* The KEY of a KEY:value line: the ':' after it, or NULL when the line is
 * not one. */
static const char *key_end(const char *s, const char *end)
{
	const char *p = s;
	while (p < end && is_key_char(*p))
		p++;
	if (p == s || p == end || *p != ':')
		return NULL;
	return p;
}

/* The record of key k (kn bytes), its value at c. */
static int read_record(struct reader *rd, const char *k, size_t kn, struct cursor *c)
{
	if (key_is(k, kn, "SF"))
		return record_sf(rd, c->p, c->end);
	static const struct {
		const char *key;
		int (*read)(struct reader *, struct cursor *);
	} records[] = {
		{"DA", record_da}, {"FN", record_fn}, {"FNDA", record_fnda},
		{"FNL", record_fnl}, {"FNA", record_fna},
	};
	for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
		if (!key_is(k, kn, records[i].key))
			continue;
		int rc = need_record(rd, records[i].key);
		return rc ? rc : records[i].read(rd, c);
	}
	return 0; /* TN, FNF, LF, BRDA, ...: not needed */
}

/* One line of input, without its end of line. */
static int read_line(struct reader *rd, const char *s, const char *end)
{
	if (s == end)
		return 0;
	int rc = check_text(rd, s, end);
	if (rc)
		return rc;
	if (key_is(s, (size_t)(end - s), "end_of_record"))
		return rd->r.sf_line ? close_record(rd) : 0;
	const char *p = key_end(s, end);
	if (!p)
		return cx_error(rd->ctx, CX_EINVAL, PFX "line %zu: not a record (KEY:value or "
		                "end_of_record): '%.*s'", rd->lineno,
		                end - s > 40 ? 40 : (int)(end - s), s);
	struct cursor c = {p + 1, end, false};
	return read_record(rd, s, (size_t)(p - s), &c);
}

/* The lines of data, until one is in error. */
static int read_lines(struct reader *rd, const char *data, size_t len)
{
	const char *s = data, *end = s + len;
	int rc = 0;
	while (rc == 0 && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		rd->lineno++;
		rc = read_line(rd, s, e > s && e[-1] == '\r' ? e - 1 : e);
		s = nl ? nl + 1 : end;
	}
	return rc;
}

/* After the last line: no record left open, at least one read. */
static int check_end(const struct reader *rd)
{
	if (rd->r.sf_line)
		return cx_error(rd->ctx, CX_EINVAL, PFX "the input ends inside the record opened "
		                "at line %zu (missing end_of_record: truncated?)", rd->r.sf_line);
	if (rd->cov.nfiles == 0)
		return cx_error(rd->ctx, CX_EINVAL, PFX "no record (SF:...end_of_record) in the "
		                "input");
	return 0;
}

int cx_lcov_read(const void *data, size_t len, const char *base, struct cx_cov *out,
                 struct cx_ctx *ctx)
{
	if (len == 0)
		return cx_error(ctx, CX_EINVAL, PFX "empty input");
	if (len > CX_MAX_COVERAGE_BYTES)
		return cx_error(ctx, CX_ELIMIT, PFX "larger than the limit of %u bytes",
		                CX_MAX_COVERAGE_BYTES);
	struct reader rd = {.base = base, .ctx = ctx};
	int rc = read_lines(&rd, data, len);
	if (rc == 0)
		rc = check_end(&rd);
	rec_release(&rd.r);
	return cx_cov_take(out, &rd.cov, rc, PFX, ctx);
}
