/* diff.c: changed lines from a unified diff (cx_diff.h), for --changed-only.
 *
 * The input is `git diff -U0 --no-color --no-ext-diff --src-prefix=a/
 * --dst-prefix=b/ ...` output (plain `diff -u` output parses too). It is
 * read line by line ('\n'; a '\r' before it is dropped). Outside a hunk a
 * line is a header or skipped; inside one it is content, never a header:
 * the hunk's old and new line counts say where it ends, so a content line
 * "+++ b/x" or "@@ -1 +1 @@" is only counted.
 *
 * Decisions:
 * - the new path is the "+++" name, else "rename to" / "copy to", else the
 *   "diff --git" line's second name (binary files, mode changes, renames
 *   without content changes); "+++" and "diff --git" names must carry the
 *   b/ prefix (the caller passes --dst-prefix=b/, which also overrides
 *   diff.noprefix and diff.mnemonicPrefix): without it, "+++" is an error
 *   and a "diff --git" line gives no name. An unquoted "+++" name ends at a
 *   tab (git appends one to names with blanks; plain diffs a timestamp).
 * - combined diffs ("diff --cc", "diff --combined", "@@@" hunks: `git diff`
 *   during a conflicted merge) are rejected with an error saying so: their
 *   content lines have one column per parent and the lines they add cannot
 *   be told without interpreting them, and guessing would miss changes.
 *   `git diff --cached` prints "* Unmerged path" lines there, skipped.
 * - a file is kept even without ranges (binary, mode change, pure rename);
 *   a deleted one ("deleted file mode", "+++ /dev/null") is left out.
 * - a hunk that ends early or has more lines than its header says is an
 *   error: the diff is truncated or not git's, and --changed-only would
 *   silently miss changes.
 * Invariants of the result: each file has a non-empty path without NUL
 * bytes, and its ranges are sorted, merged (neither overlapping nor
 * adjacent), 1 <= first <= last. On error *out is left empty. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_diff.h"
#include "cx_limits.h"
#include "cx_util.h"

/* The file whose headers or hunks are being read. */
struct cur {
	bool active;
	bool ext;     /* in a "diff --git" block's extended headers */
	bool plus;    /* its "+++" line was read */
	bool deleted; /* left out at its end */
	size_t header_line;
	char *path;
	struct cx_line_range *r;
	size_t n, cap;
};

struct dparse {
	const char *name;
	struct cx_ctx *ctx;
	struct cx_diff *out;
	size_t lineno;
	size_t nranges;             /* over all files */
	bool expect_plus;           /* the line before was "---" */
	uint64_t rem_old, rem_new;  /* lines the current hunk still holds */
	struct cur f;
};

#define SNIP 80 /* bytes of a bad line quoted in a message */

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

static int oom(struct dparse *p)
{
	return cx_error(p->ctx, CX_ENOMEM, "%s:%zu: out of memory", p->name, p->lineno);
}

static int bad_name(struct dparse *p, const char *s, size_t n)
{
	return cx_error(p->ctx, CX_EINVAL, "%s:%zu: malformed file name '%.*s'", p->name,
	                p->lineno, (int)(n < SNIP ? n : SNIP), s);
}

/* ---- names ---- */

static bool octal_digit(char c, char max)
{
	return c >= '0' && c <= max;
}

/* The byte of the escape at s[*i] == '\\' (git's quote_c_style: the C
 * escapes and three octal digits); advances *i past it. */
static bool unescape(const char *s, size_t n, size_t *i, char *c)
{
	static const char from[] = "abtnvfr\"\\", to[] = "\a\b\t\n\v\f\r\"\\";
	size_t k = *i + 1;
	if (k >= n)
		return false;
	const char *hit = memchr(from, s[k], sizeof from - 1);
	if (hit) {
		*c = to[hit - from];
		*i = k + 1;
		return true;
	}
	if (k + 2 >= n || !octal_digit(s[k], '3') || !octal_digit(s[k + 1], '7') ||
	    !octal_digit(s[k + 2], '7'))
		return false;
	*c = (char)((s[k] - '0') << 6 | (s[k + 1] - '0') << 3 | (s[k + 2] - '0'));
	*i = k + 3;
	return true;
}

/* Unquotes the C-quoted name at s (s[0] == '"') into buf (n bytes at
 * least); *len gets its length and *used the bytes it took, quotes
 * included. False when it is malformed or unterminated. */
static bool unquote(const char *s, size_t n, char *buf, size_t *len, size_t *used)
{
	size_t i = 1, o = 0;
	while (i < n && s[i] != '"') {
		if (s[i] != '\\')
			buf[o++] = s[i++];
		else if (!unescape(s, n, &i, &buf[o++]))
			return false;
	}
	*len = o;
	*used = i + 1;
	return i < n;
}

/* The file name at s: C-quoted, or raw up to the line end (to a tab when
 * tab_ends). *used (may be NULL) gets the bytes it took. NUL bytes and
 * empty names are malformed. */
static int read_name(struct dparse *p, const char *s, size_t n, bool tab_ends, char **out,
                     size_t *used)
{
	char *buf = malloc(n + 1);
	if (!buf)
		return oom(p);
	size_t len = n, took = n;
	const char *tab = tab_ends ? memchr(s, '\t', n) : NULL;
	bool ok = true;
	if (n && s[0] == '"') {
		ok = unquote(s, n, buf, &len, &took);
	} else {
		len = took = tab ? (size_t)(tab - s) : n;
		memcpy(buf, s, len);
	}
	if (!ok || len == 0 || memchr(buf, '\0', len)) {
		free(buf);
		return bad_name(p, s, n);
	}
	buf[len] = '\0';
	*out = buf;
	if (used)
		*used = took;
	return 0;
}

/* Drops the leading "b/" of *name in place; false when it has none. */
static bool strip_dst_prefix(char *name)
{
	if (strncmp(name, "b/", 2) != 0 || name[2] == '\0')
		return false;
	memmove(name, name + 2, strlen(name + 2) + 1);
	return true;
}

/* The second name of a "diff --git" line whose first name is quoted or
 * whose second is: where the second starts, or 0. */
static size_t quoted_second(struct dparse *p, const char *s, size_t n, int *rc)
{
	if (s[0] != '"') {
		const char *q = memchr(s, '"', n);
		return q && q > s && q[-1] == ' ' ? (size_t)(q - s) : 0;
	}
	char *first = NULL;
	size_t used = 0;
	*rc = read_name(p, s, n, false, &first, &used);
	free(first);
	return !*rc && used < n && s[used] == ' ' ? used + 1 : 0;
}

/* Where the second name of "a/P b/P" starts, or 0 when s is not that. */
static size_t same_names(const char *s, size_t n)
{
	size_t k = n / 2;
	bool same = n % 2 && n > 5 && s[k] == ' ' && starts(s, n, "a/") &&
	            starts(s + k + 1, n - k - 1, "b/") && memcmp(s + 2, s + k + 3, k - 2) == 0;
	return same ? k + 1 : 0;
}

/* The new path of a "diff --git a/X b/Y" line, or NULL when it cannot be
 * told (then "rename to", "copy to" or "+++" must tell it). Unquoted names
 * are only told apart when they are the same: "a/P b/P". */
static int git_line_path(struct dparse *p, const char *s, size_t n, char **path)
{
	int rc = 0;
	*path = NULL;
	size_t second = n ? quoted_second(p, s, n, &rc) : 0;
	if (rc)
		return rc;
	second = second ? second : same_names(s, n);
	if (!second)
		return 0;
	rc = read_name(p, s + second, n - second, false, path, NULL);
	if (rc == 0 && !strip_dst_prefix(*path)) {
		free(*path);
		*path = NULL;
	}
	return rc;
}

/* ---- files ---- */

static int cmp_range(const void *a, const void *b)
{
	const struct cx_line_range *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

static size_t merge_ranges(struct cx_line_range *r, size_t n)
{
	if (n == 0)
		return 0;
	qsort(r, n, sizeof *r, cmp_range);
	size_t o = 1;
	for (size_t i = 1; i < n; i++) {
		struct cx_line_range *last = &r[o - 1];
		if ((uint64_t)last->last + 1 >= r[i].first)
			last->last = r[i].last > last->last ? r[i].last : last->last;
		else
			r[o++] = r[i];
	}
	return o;
}

static void cur_release(struct cur *f)
{
	free(f->path);
	free(f->r);
	memset(f, 0, sizeof *f);
}

/* Ends the current file: into the result unless it was deleted. */
static int file_end(struct dparse *p)
{
	struct cur *f = &p->f;
	if (!f->active || f->deleted) {
		cur_release(f);
		return 0;
	}
	if (!f->path)
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: cannot tell the new path from the 'diff --git' line "
		                "(expected \"a/PATH b/PATH\" or a 'rename to' or '+++' line)",
		                p->name, f->header_line);
	if (p->out->n >= CX_MAX_DIFF_FILES)
		return cx_error(p->ctx, CX_ELIMIT, "%s:%zu: more than %d files", p->name,
		                f->header_line, CX_MAX_DIFF_FILES);
	if (cx_grow(&p->out->files, &p->out->cap, p->out->n + 1, sizeof *p->out->files))
		return oom(p);
	struct cx_diff_file *d = &p->out->files[p->out->n++];
	d->path = f->path;
	d->ranges = f->r;
	d->nranges = merge_ranges(f->r, f->n);
	memset(f, 0, sizeof *f);
	return 0;
}

static int file_start(struct dparse *p, bool git)
{
	int rc = file_end(p);
	p->f.active = true;
	p->f.ext = git;
	p->f.header_line = p->lineno;
	return rc;
}

static int add_range(struct dparse *p, uint32_t first, uint32_t last)
{
	struct cur *f = &p->f;
	if (p->nranges >= CX_MAX_DIFF_RANGES)
		return cx_error(p->ctx, CX_ELIMIT, "%s:%zu: more than %d changed-line ranges",
		                p->name, p->lineno, CX_MAX_DIFF_RANGES);
	if (cx_grow(&f->r, &f->cap, f->n + 1, sizeof *f->r))
		return oom(p);
	f->r[f->n++] = (struct cx_line_range){ first, last };
	p->nranges++;
	return 0;
}

/* ---- hunk headers ---- */

enum { HUNK_OK, HUNK_MALFORMED, HUNK_RANGE };

struct hlex {
	const char *s;
	size_t n, i;
	int bad;
};

static void want(struct hlex *l, char c)
{
	if (l->bad)
		return;
	if (l->i < l->n && l->s[l->i] == c)
		l->i++;
	else
		l->bad = HUNK_MALFORMED;
}

static uint32_t number(struct hlex *l)
{
	uint64_t v = 0;
	size_t from = l->i;
	while (!l->bad && l->i < l->n && l->s[l->i] >= '0' && l->s[l->i] <= '9') {
		v = v * 10 + (uint64_t)(l->s[l->i++] - '0');
		if (v > UINT32_MAX)
			l->bad = HUNK_RANGE;
	}
	if (!l->bad && l->i == from)
		l->bad = HUNK_MALFORMED;
	return (uint32_t)v;
}

/* "START[,COUNT]" (COUNT 1 when omitted) */
static void hunk_range(struct hlex *l, uint32_t *start, uint32_t *count)
{
	*start = number(l);
	*count = 1;
	if (!l->bad && l->i < l->n && l->s[l->i] == ',') {
		l->i++;
		*count = number(l);
	}
}

/* "-a[,b] +c[,d] @@[ text]" (after "@@ ") into v = {a, b, c, d}. */
static int parse_hunk_header(const char *s, size_t n, uint32_t v[4])
{
	struct hlex l = { s, n, 0, HUNK_OK };
	want(&l, '-');
	hunk_range(&l, &v[0], &v[1]);
	want(&l, ' ');
	want(&l, '+');
	hunk_range(&l, &v[2], &v[3]);
	want(&l, ' ');
	want(&l, '@');
	want(&l, '@');
	if (!l.bad && l.i < n && s[l.i] != ' ')
		l.bad = HUNK_MALFORMED;
	if (!l.bad && (uint64_t)v[2] + v[3] > (uint64_t)UINT32_MAX + 1)
		l.bad = HUNK_RANGE;
	return l.bad;
}

/* ---- header lines; rest is the line after the prefix ---- */

/* The numbers of a hunk header, checked, into v = {a, b, c, d}. */
static int hunk_header(struct dparse *p, const char *rest, size_t n, uint32_t v[4])
{
	if (!p->f.active || !p->f.plus)
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: hunk header outside a file (no '+++' line before it)",
		                p->name, p->lineno);
	int bad = parse_hunk_header(rest, n, v);
	if (bad == HUNK_MALFORMED)
		return cx_error(p->ctx, CX_EINVAL, "%s:%zu: malformed hunk header '@@ %.*s'",
		                p->name, p->lineno, (int)(n < SNIP ? n : SNIP), rest);
	if (bad == HUNK_RANGE)
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: line number out of range in hunk header", p->name,
		                p->lineno);
	if (v[2] == 0 && v[3] > 0)
		return cx_error(p->ctx, CX_EINVAL, "%s:%zu: hunk header adds lines at line 0",
		                p->name, p->lineno);
	return 0;
}

static int on_hunk(struct dparse *p, const char *rest, size_t n)
{
	uint32_t v[4] = { 0, 0, 0, 0 };
	int rc = hunk_header(p, rest, n, v);
	if (rc)
		return rc;
	p->f.ext = false;
	p->rem_old = v[1];
	p->rem_new = v[3];
	if (p->f.deleted)
		return 0;
	uint32_t first = v[2] ? v[2] : 1;
	return add_range(p, first, v[3] ? v[2] + (v[3] - 1) : first);
}

static int on_git(struct dparse *p, const char *rest, size_t n)
{
	int rc = file_start(p, true);
	return rc ? rc : git_line_path(p, rest, n, &p->f.path);
}

static int on_combined(struct dparse *p, const char *rest, size_t n)
{
	(void)rest;
	(void)n;
	return cx_error(p->ctx, CX_EINVAL,
	                "%s:%zu: combined diff (a merge in progress) is not supported: "
	                "diff against one side", p->name, p->lineno);
}

static int on_minus(struct dparse *p, const char *rest, size_t n)
{
	(void)rest;
	(void)n;
	int rc = p->f.active && p->f.ext ? 0 : file_start(p, false);
	p->f.ext = false;
	p->expect_plus = true;
	return rc;
}

static int on_plus(struct dparse *p, const char *rest, size_t n)
{
	char *path = NULL;
	if (!p->expect_plus)
		return cx_error(p->ctx, CX_EINVAL, "%s:%zu: '+++' line without a '---' line before it",
		                p->name, p->lineno);
	p->expect_plus = false;
	p->f.plus = true;
	if (starts(rest, n, "/dev/null") && (n == 9 || rest[9] == '\t')) {
		p->f.deleted = true;
		return 0;
	}
	int rc = read_name(p, rest, n, true, &path, NULL);
	if (rc)
		return rc;
	if (!strip_dst_prefix(path)) {
		free(path);
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: '+++' path '%.*s' is not b/PATH (run git diff with "
		                "--dst-prefix=b/)", p->name, p->lineno,
		                (int)(n < SNIP ? n : SNIP), rest);
	}
	free(p->f.path);
	p->f.path = path;
	return 0;
}

/* "rename to NAME", "copy to NAME": the new name, without a prefix */
static int on_new_name(struct dparse *p, const char *rest, size_t n)
{
	char *path = NULL;
	if (!p->f.ext)
		return 0;
	int rc = read_name(p, rest, n, false, &path, NULL);
	if (rc)
		return rc;
	free(p->f.path);
	p->f.path = path;
	return 0;
}

static int on_deleted(struct dparse *p, const char *rest, size_t n)
{
	(void)rest;
	(void)n;
	if (p->f.ext)
		p->f.deleted = true;
	return 0;
}

static const struct header {
	const char *prefix;
	int (*fn)(struct dparse *p, const char *rest, size_t n);
} g_headers[] = {
	{ "diff --git ", on_git },
	{ "diff --cc ", on_combined },
	{ "diff --combined ", on_combined },
	{ "@@@", on_combined },
	{ "@@ ", on_hunk },
	{ "--- ", on_minus },
	{ "+++ ", on_plus },
	{ "rename to ", on_new_name },
	{ "copy to ", on_new_name },
	{ "deleted file mode ", on_deleted },
};

static int header_line(struct dparse *p, const char *s, size_t n)
{
	if (p->expect_plus && !starts(s, n, "+++ "))
		return cx_error(p->ctx, CX_EINVAL, "%s:%zu: '---' line not followed by a '+++' line",
		                p->name, p->lineno);
	for (size_t k = 0; k < sizeof g_headers / sizeof g_headers[0]; k++) {
		const struct header *h = &g_headers[k];
		size_t len = strlen(h->prefix);
		if (starts(s, n, h->prefix))
			return h->fn(p, s + len, n - len);
	}
	return 0; /* "index", "new file mode", "Binary files", text before a diff... */
}

/* A line inside a hunk: ' ' (or an empty line) is on both sides, '-' on
 * the old, '+' on the new; "\ No newline at end of file" on neither. */
enum { OLD = 1, NEW = 2, NEITHER = 4 };

static unsigned line_sides(char c)
{
	switch (c) {
	case ' ':
		return OLD | NEW;
	case '-':
		return OLD;
	case '+':
		return NEW;
	case '\\':
		return NEITHER;
	default:
		return 0;
	}
}

static int hunk_line(struct dparse *p, const char *s, size_t n)
{
	char c = n ? s[0] : ' ';
	unsigned sides = line_sides(c);
	bool old = sides & OLD, added = sides & NEW;
	if (!sides)
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: hunk ends early (%llu old and %llu new lines missing)",
		                p->name, p->lineno, (unsigned long long)p->rem_old,
		                (unsigned long long)p->rem_new);
	if ((old && !p->rem_old) || (added && !p->rem_new))
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: '%c' line beyond the hunk's line counts", p->name,
		                p->lineno, c);
	p->rem_old -= old;
	p->rem_new -= added;
	return 0;
}

static int parse_line(struct dparse *p, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (p->rem_old || p->rem_new)
		return hunk_line(p, s, n);
	return header_line(p, s, n);
}

/* What the end of the text leaves unfinished. */
static int parse_end(struct dparse *p)
{
	if (p->rem_old || p->rem_new)
		return cx_error(p->ctx, CX_EINVAL,
		                "%s:%zu: diff ends inside a hunk (%llu old and %llu new lines "
		                "missing)", p->name, p->lineno, (unsigned long long)p->rem_old,
		                (unsigned long long)p->rem_new);
	if (p->expect_plus)
		return cx_error(p->ctx, CX_EINVAL, "%s:%zu: '---' line not followed by a '+++' line",
		                p->name, p->lineno);
	return file_end(p);
}

static int cmp_index(const void *a, const void *b, void *arg)
{
	const struct cx_diff_file *f = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(f[x].path, f[y].path);
	return c ? c : (x > y) - (x < y);
}

/* The files' indexes sorted by path, for cx_diff_find (none for an empty
 * diff, which then holds no memory). */
static int index_paths(struct cx_diff *d, struct cx_ctx *ctx)
{
	if (d->n == 0)
		return 0;
	if (!(d->by_path = malloc(d->n * sizeof *d->by_path)))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->n; i++)
		d->by_path[i] = i;
	qsort_r(d->by_path, d->n, sizeof *d->by_path, cmp_index, d->files);
	return 0;
}

int cx_diff_parse(const char *text, size_t len, const char *name, struct cx_diff *out,
                  struct cx_ctx *ctx)
{
	struct dparse p = { .name = name ? name : "diff", .ctx = ctx, .out = out };
	memset(out, 0, sizeof *out);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		p.lineno++;
		rc = parse_line(&p, text + i, e - i);
		i = e + 1;
	}
	if (rc == 0)
		rc = parse_end(&p);
	if (rc == 0)
		rc = index_paths(out, ctx);
	cur_release(&p.f);
	if (rc)
		cx_diff_release(out);
	return rc;
}

void cx_diff_release(struct cx_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->files[i].path);
		free(d->files[i].ranges);
	}
	free(d->files);
	free(d->by_path);
	memset(d, 0, sizeof *d);
}

const struct cx_diff_file *cx_diff_find(const struct cx_diff *d, const char *path)
{
	if (!d || !path)
		return NULL;
	if (!d->by_path) {
		for (size_t i = 0; i < d->n; i++)
			if (strcmp(d->files[i].path, path) == 0)
				return &d->files[i];
		return NULL;
	}
	/* the first index whose path is not below `path` */
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->files[d->by_path[mid]].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->n && strcmp(d->files[d->by_path[lo]].path, path) == 0)
		return &d->files[d->by_path[lo]];
	return NULL;
}

bool cx_diff_touches(const struct cx_diff_file *f, uint32_t first, uint32_t last)
{
	if (!f || first > last)
		return false;
	/* the first range that ends at or after `first` */
	size_t lo = 0, hi = f->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->ranges[mid].last < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nranges && f->ranges[lo].first <= last;
}
