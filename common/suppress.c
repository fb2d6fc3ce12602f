/* suppress.c: suppression comments in C source text (cx_suppressions_scan).
 *
 * A small lexer walks the bytes once and tells comments from code, string
 * and character literals (escapes included; an unterminated literal ends at
 * its line end, as clang's lexer ends it) and pp-numbers (so that a C23
 * digit separator, 1'000, does not open a character literal). No
 * preprocessing: a // comment continued with a backslash-newline goes on
 * to the next line, but other line splices are not undone. Only '\n' breaks
 * a line ("\r\n" is one break; a lone '\r' is an ordinary byte), and NUL is
 * an ordinary byte to the lexer.
 *
 * In each comment the markers are found as whole words: a cxscan-ignore
 * marker not touching [A-Za-z0-9_-], a NOLINT marker not touching
 * [A-Za-z0-9_] (clang-tidy's rule: NOLINT must be followed by '(' or a
 * non-identifier byte). A rule list must follow the marker directly, as in
 * clang-tidy, and close on the same line: otherwise there is no list, and
 * the '(' that follows the marker also means no reason. A reason is the
 * rest of its line within the comment (less a // comment's continuing
 * backslash and the stars of a closing "**" + "/"); a marker in it is
 * reported too, one in a rule list is not. Rules and reason are C strings,
 * so they end at a NUL byte. Invariants of the result: in
 * text order, line <= end_line, every line within the text's lines (1 +
 * the number of '\n'; saturated at UINT32_MAX), column >= 1. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_limits.h"
#include "cx_model.h"
#include "cx_util.h"

/* The line of offset pos and where that line starts; moves only forwards. */
struct cursor {
	size_t pos, line_start;
	uint32_t line;
};

struct sup_scan {
	const char *t;
	size_t len;
	struct cursor cur; /* at the start of the last comment seen */
	struct cx_suppression *v;
	size_t n, cap;
	bool full; /* CX_MAX_SUPPRESSIONS reached */
	int err;
};

/* A comment: its text is t[body, end) (without the // or the delimiters). */
struct comment {
	size_t body, end;
	uint32_t end_line;
	bool line; /* a // comment */
};

struct marker {
	const char *word;
	size_t n;
	enum cx_sup_kind kind;
	bool dash; /* '-' is part of the word, so it may not touch one */
};

#define MARKER(w, k, d) { w, sizeof(w) - 1, k, d }
static const struct marker g_markers[] = {
	MARKER("cxscan-ignore-begin", CX_SUP_BEGIN, true),
	MARKER("cxscan-ignore-end", CX_SUP_END, true),
	MARKER("cxscan-ignore", CX_SUP_IGNORE, true),
	MARKER("NOLINTNEXTLINE", CX_SUP_NOLINTNEXTLINE, false),
	MARKER("NOLINTBEGIN", CX_SUP_BEGIN, false),
	MARKER("NOLINTEND", CX_SUP_END, false),
	MARKER("NOLINT", CX_SUP_NOLINT, false),
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII identifier bytes (a UTF-8 byte is not one: clang-tidy's isalnum). */
static bool ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* A byte that would make a marker part of a longer word. */
static bool word_char(char c, bool dash)
{
	return ident_char(c) || (dash && c == '-');
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static uint32_t sat32(size_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void cursor_move(struct cursor *c, const char *t, size_t to)
{
	while (c->pos < to) {
		const char *nl = memchr(t + c->pos, '\n', to - c->pos);
		if (!nl) {
			c->pos = to;
			return;
		}
		c->pos = (size_t)(nl - t) + 1;
		c->line_start = c->pos;
		if (c->line < UINT32_MAX)
			c->line++;
	}
}

/* True when the line break at t[nl] is escaped by a backslash (optionally
 * followed by '\r'), looking no further back than `from`. */
static bool continued(const char *t, size_t from, size_t nl)
{
	size_t k = nl;
	if (k > from && t[k - 1] == '\r')
		k--;
	return k > from && t[k - 1] == '\\';
}

/* The '\n' that ends a // comment whose text starts at i (or len). */
static size_t line_comment_end(const char *t, size_t len, size_t i)
{
	size_t from = i;
	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		if (!nl)
			return len;
		size_t e = (size_t)(nl - t);
		if (!continued(t, from, e))
			return e;
		i = e + 1;
	}
	return len;
}

/* The '*' of the star-slash that closes a block comment whose text starts
 * at i (or len when it is unterminated). */
static size_t block_comment_end(const char *t, size_t len, size_t i)
{
	while (i + 1 < len) {
		const char *star = memchr(t + i, '*', len - i - 1);
		if (!star)
			return len;
		size_t s = (size_t)(star - t);
		if (t[s + 1] == '/')
			return s;
		i = s + 1;
	}
	return len;
}

/* Bytes taken by the escape sequence at t[i] == '\\'. */
static size_t escape_len(const char *t, size_t len, size_t i)
{
	if (i + 2 < len && t[i + 1] == '\r' && t[i + 2] == '\n')
		return 3;
	return i + 1 < len ? 2 : 1;
}

/* The offset after a literal opened by q whose contents start at i: after
 * its closing quote, or its line's '\n' when it is unterminated. */
static size_t quoted_end(const char *t, size_t len, size_t i, char q)
{
	while (i < len) {
		char c = t[i];
		if (c == q)
			return i + 1;
		if (c == '\n')
			return i;
		i += c == '\\' ? escape_len(t, len, i) : 1;
	}
	return len;
}

static bool exponent_char(char c)
{
	return c == 'e' || c == 'E' || c == 'p' || c == 'P';
}

/* The end of the pp-number whose first byte is at i - 1. */
static size_t number_end(const char *t, size_t len, size_t i)
{
	while (i < len) {
		char c = t[i];
		if ((c == '+' || c == '-') && exponent_char(t[i - 1]))
			i++;
		else if (c == '\'' && i + 1 < len && ident_char(t[i + 1]))
			i += 2;
		else if (ident_char(c) || c == '.')
			i++;
		else
			break;
	}
	return i;
}

/* The marker starting at t[i] as a whole word, or NULL. t[i - 1] exists:
 * a comment's text comes after its opening delimiter. */
static const struct marker *match_marker(const char *t, size_t end, size_t i)
{
	for (size_t k = 0; k < sizeof g_markers / sizeof g_markers[0]; k++) {
		const struct marker *m = &g_markers[k];
		if (m->n > end - i || memcmp(t + i, m->word, m->n) != 0)
			continue;
		char after = i + m->n < end ? t[i + m->n] : ' ';
		if (!word_char(t[i - 1], m->dash) && !word_char(after, m->dash))
			return m;
	}
	return NULL;
}

/* A rule list "(...)" at t[p] closed on its line: its contents are
 * t[*lo, *hi). */
static bool list_bounds(const char *t, size_t end, size_t p, size_t *lo, size_t *hi)
{
	if (p >= end || t[p] != '(')
		return false;
	for (size_t q = p + 1; q < end && t[q] != '\n'; q++) {
		if (t[q] == ')') {
			*lo = p + 1;
			*hi = q;
			return true;
		}
	}
	return false;
}

static char *strip_blanks(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if (!blank(s[i]) && s[i] != '\n')
			out[o++] = s[i];
	out[o] = '\0';
	return out;
}

/* Where the reason after a ':' at or after t[p] starts (blanks before the
 * colon allowed), or 0 when there is none. */
static size_t reason_start(const char *t, const struct comment *c, size_t p)
{
	while (p < c->end && (t[p] == ' ' || t[p] == '\t'))
		p++;
	return p < c->end && t[p] == ':' ? p + 1 : 0;
}

/* Where the reason starting at t[a] ends: at its line's end within the
 * comment. In a // comment the backslash that continues the line is not
 * part of it, and neither are the stars before a block comment's closing
 * slash. */
static size_t reason_end(const char *t, const struct comment *c, size_t a)
{
	const char *nl = memchr(t + a, '\n', c->end - a);
	size_t b = nl ? (size_t)(nl - t) : c->end;
	if (c->line && nl && continued(t, a, b))
		return t[b - 1] == '\r' ? b - 2 : b - 1;
	if (c->line || b != c->end)
		return b;
	while (b > a && t[b - 1] == '*')
		b--;
	return b;
}

/* The reason after the marker or its list ending at t[p], trimmed; ""
 * when there is none. */
static char *reason_text(const char *t, const struct comment *c, size_t p)
{
	size_t a = reason_start(t, c, p);
	if (!a)
		return cx_strdup("");
	size_t b = reason_end(t, c, a);
	const char *nul = memchr(t + a, '\0', b - a); /* a C string ends there */
	if (nul)
		b = (size_t)(nul - t);
	while (a < b && blank(t[a]))
		a++;
	while (b > a && blank(t[b - 1]))
		b--;
	return cx_strndup(t + a, b - a);
}

/* Records the marker m at t[at]; returns the offset after it and its list
 * (a list is not searched for markers). */
static size_t add_sup(struct sup_scan *s, const struct comment *c, const struct marker *m,
                      size_t at, const struct cursor *where)
{
	size_t p = at + m->n, lo = 0, hi = 0;
	bool list = list_bounds(s->t, c->end, p, &lo, &hi);
	if (list)
		p = hi + 1;
	if (cx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v)) {
		s->err = CX_ENOMEM;
		return p;
	}
	struct cx_suppression *sup = &s->v[s->n];
	sup->kind = m->kind;
	sup->line = where->line;
	sup->column = sat32(at - where->line_start + 1);
	sup->end_line = c->end_line;
	sup->rules = list ? strip_blanks(s->t + lo, hi - lo) : cx_strdup("");
	sup->reason = reason_text(s->t, c, p);
	s->n++;
	if (!sup->rules || !sup->reason)
		s->err = CX_ENOMEM;
	s->full = s->n >= CX_MAX_SUPPRESSIONS;
	return p;
}

static void scan_comment(struct sup_scan *s, struct comment *c)
{
	cursor_move(&s->cur, s->t, c->body);
	struct cursor last = s->cur, where = s->cur;
	cursor_move(&last, s->t, c->end);
	c->end_line = last.line;
	for (size_t i = c->body; i < c->end && !s->full && !s->err; i++) {
		if (s->t[i] != 'c' && s->t[i] != 'N')
			continue;
		const struct marker *m = match_marker(s->t, c->end, i);
		if (!m)
			continue;
		cursor_move(&where, s->t, i);
		i = add_sup(s, c, m, i, &where) - 1;
	}
}

/* Scans the comment whose text starts at t[body]; returns the offset
 * after it (a // comment's '\n' is left to the caller). */
static size_t comment(struct sup_scan *s, size_t body, bool line)
{
	size_t end = line ? line_comment_end(s->t, s->len, body)
	                  : block_comment_end(s->t, s->len, body);
	struct comment cm = { .body = body, .end = end, .line = line };
	scan_comment(s, &cm);
	return line || end == s->len ? end : end + 2;
}

/* Lexes the token or comment at t[i]; returns the offset after it. */
static size_t lex_step(struct sup_scan *s, size_t i)
{
	const char *t = s->t;
	char c = t[i], d = i + 1 < s->len ? t[i + 1] : ' ';
	if (c == '/' && (d == '/' || d == '*'))
		return comment(s, i + 2, d == '/');
	if (c == '"' || c == '\'')
		return quoted_end(t, s->len, i + 1, c);
	if (is_digit(c) && (i == 0 || !ident_char(t[i - 1])))
		return number_end(t, s->len, i + 1);
	return i + 1;
}

int cx_suppressions_scan(const char *text, size_t len, struct cx_suppression **out,
                         size_t *n)
{
	struct sup_scan s = { .t = text, .len = len, .cur = { .line = 1 } };
	*out = NULL;
	*n = 0;
	size_t i = 0;
	while (i < len && !s.full && !s.err)
		i = lex_step(&s, i);
	if (s.err) {
		for (size_t k = 0; k < s.n; k++)
			cx_suppression_release(&s.v[k]);
		free(s.v);
		return s.err;
	}
	*out = s.v;
	*n = s.n;
	return 0;
}
