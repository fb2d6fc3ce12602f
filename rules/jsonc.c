/* jsonc.c: the strict JSON-with-comments reader of jsonc.h.
 *
 * A recursive descent over the bytes, one token at a time, that keeps the
 * line and column of the next character. Recursion is bounded by
 * CX_MAX_JSON_DEPTH, so hostile nesting cannot exhaust the stack; the
 * input is bounded by CX_MAX_CONFIG_BYTES, and the tree by
 * CX_MAX_JSON_VALUES values (a value takes 56 bytes, plus its strings and
 * the growth room of its array).
 * Every error is reported at the first bad character in document order (a
 * duplicate key at its second occurrence, as soon as it is read), and a
 * partly built tree stays releasable. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cx_limits.h"
#include "cx_util.h"
#include "jsonc.h"

struct parser {
	const char *p, *end;
	uint32_t line, col; /* of *p */
	unsigned depth;
	size_t values; /* array elements and object members so far */
	const char *name;
	struct cx_ctx *ctx;
};

struct pos {
	uint32_t line, col;
};

/* A growing string under construction. */
struct sbuf {
	char *v;
	size_t n, cap;
};

/* ---- errors ---- */

static int vfail(struct cx_ctx *ctx, int err, const char *name, struct pos at, const char *fmt,
                 va_list ap) __attribute__((format(printf, 5, 0)));

static int vfail(struct cx_ctx *ctx, int err, const char *name, struct pos at, const char *fmt,
                 va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof msg, fmt, ap);
	return cx_error(ctx, err, "%s:%u:%u: %s", name, at.line, at.col, msg);
}

int cx_jsonc_fail(struct cx_ctx *ctx, const char *name, uint32_t line, uint32_t col,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vfail(ctx, CX_EINVAL, name, (struct pos){line, col}, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail(struct parser *ps, struct pos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, struct pos at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vfail(ps->ctx, CX_EINVAL, ps->name, at, fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(struct parser *ps)
{
	return cx_error(ps->ctx, CX_ENOMEM, "%s: out of memory", ps->name);
}

/* ---- reading characters ---- */

static struct pos here(const struct parser *ps)
{
	return (struct pos){ps->line, ps->col};
}

static int peek(const struct parser *ps)
{
	return ps->p < ps->end ? (unsigned char)*ps->p : -1;
}

/* Consumes one byte; a column is one UTF-8 character (continuation bytes
 * do not count). */
static void advance(struct parser *ps)
{
	unsigned char c = (unsigned char)*ps->p++;
	if (c == '\n') {
		ps->line++;
		ps->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		ps->col++;
	}
}

/* "'x'", "end of input" or "byte 0xNN" for the next character. */
static const char *describe(const struct parser *ps, char *buf, size_t size)
{
	int c = peek(ps);
	if (c < 0)
		return "end of input";
	if (c == '\'')
		snprintf(buf, size, "\"'\"");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", (unsigned)c);
	return buf;
}

/* "WHAT, found X" at the next character. */
static int fail_found(struct parser *ps, const char *what)
{
	char buf[16];
	return fail(ps, here(ps), "%s, found %s", what, describe(ps, buf, sizeof buf));
}

/* ---- white space and comments ---- */

/* At a slash-star: past the star-slash that closes it. */
static int skip_block_comment(struct parser *ps)
{
	struct pos at = here(ps);
	advance(ps);
	advance(ps);
	while (ps->p + 1 < ps->end && !(ps->p[0] == '*' && ps->p[1] == '/'))
		advance(ps);
	if (ps->p + 1 >= ps->end)
		return fail(ps, at, "unterminated comment");
	advance(ps);
	advance(ps);
	return 0;
}

/* At '/': past a comment. */
static int skip_comment(struct parser *ps)
{
	char next = ps->p + 1 < ps->end ? ps->p[1] : '\0';
	if (next == '*')
		return skip_block_comment(ps);
	if (next != '/')
		return fail(ps, here(ps), "unexpected '/' (a comment starts with // or /*)");
	while (ps->p < ps->end && *ps->p != '\n')
		advance(ps);
	return 0;
}

static int skip_ws(struct parser *ps)
{
	for (;;) {
		int c = peek(ps);
		if (c == '/') {
			int rc = skip_comment(ps);
			if (rc)
				return rc;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			advance(ps);
		} else {
			return 0;
		}
	}
}

/* ---- strings ---- */

static int put(struct sbuf *b, const char *bytes, size_t n)
{
	if (cx_grow(&b->v, &b->cap, b->n + n + 1, 1))
		return CX_ENOMEM;
	memcpy(b->v + b->n, bytes, n);
	b->n += n;
	b->v[b->n] = '\0';
	return 0;
}

static int put_utf8(struct sbuf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x80) {
		u[0] = (char)cp;
		return put(b, u, 1);
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return put(b, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return put(b, u, 3);
	}
	u[0] = (char)(0xf0 | cp >> 18);
	u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return put(b, u, 4);
}

/* Length of the well-formed UTF-8 character at s (avail bytes there), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
	return cx_utf8_char(s, avail, NULL);
}

bool cx_jsonc_utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t avail = strlen(str);
	while (avail) {
		size_t n = utf8_seq(s, avail);
		if (!n)
			return false;
		s += n;
		avail -= n;
	}
	return true;
}

static int copy_utf8(struct parser *ps, struct sbuf *b)
{
	size_t n = utf8_seq((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));
	if (!n)
		return fail(ps, here(ps), "invalid UTF-8 in a string");
	if (put(b, ps->p, n))
		return nomem(ps);
	for (size_t i = 0; i < n; i++)
		advance(ps);
	return 0;
}

static int hexval(int c)
{
	static const char digits[] = "0123456789abcdef";
	if (c >= 'A' && c <= 'F')
		c += 'a' - 'A';
	const char *h = c > 0 ? strchr(digits, c) : NULL;
	return h ? (int)(h - digits) : -1;
}

/* The 4 hex digits after "\u" (already consumed). */
static int hex4(struct parser *ps, struct pos at, uint32_t *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		int d = hexval(peek(ps));
		if (d < 0)
			return fail(ps, at, "invalid \\u escape (4 hex digits expected)");
		*cp = *cp << 4 | (uint32_t)d;
		advance(ps);
	}
	return 0;
}

/* The low half of a surrogate pair whose high half hi was just read. */
static int low_surrogate(struct parser *ps, struct pos at, uint32_t hi, uint32_t *cp)
{
	if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
		return fail(ps, at, "lone surrogate \\u%04X in a string", (unsigned)hi);
	advance(ps);
	advance(ps);
	uint32_t lo;
	int rc = hex4(ps, at, &lo);
	if (rc)
		return rc;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(ps, at, "lone surrogate \\u%04X in a string", (unsigned)hi);
	*cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* The code point of the escape "\uXXXX" just read into *cp (at: its
 * backslash): a high surrogate takes the low one that must follow, and NUL
 * and a lone low surrogate are errors. */
static int code_point(struct parser *ps, struct pos at, uint32_t *cp)
{
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return fail(ps, at, "lone surrogate \\u%04X in a string", (unsigned)*cp);
	if (*cp >= 0xd800 && *cp <= 0xdbff)
		return low_surrogate(ps, at, *cp, cp);
	if (*cp == 0)
		return fail(ps, at, "\\u0000 (NUL) is not allowed in a string");
	return 0;
}

/* "\uXXXX" (the backslash consumed, at its position), a surrogate pair
 * taken whole. */
static int parse_u(struct parser *ps, struct pos at, struct sbuf *b)
{
	uint32_t cp;
	advance(ps); /* u */
	int rc = hex4(ps, at, &cp);
	if (rc == 0)
		rc = code_point(ps, at, &cp);
	if (rc == 0 && put_utf8(b, cp))
		rc = nomem(ps);
	return rc;
}

static int parse_escape(struct parser *ps, struct sbuf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	struct pos at = here(ps);
	advance(ps); /* backslash */
	int c = peek(ps);
	if (c == 'u')
		return parse_u(ps, at, b);
	const char *k = c > 0 ? strchr(from, c) : NULL;
	if (!k) {
		char buf[16];
		return fail(ps, at, "invalid escape: backslash then %s", describe(ps, buf, sizeof buf));
	}
	advance(ps);
	return put(b, &to[k - from], 1) ? nomem(ps) : 0;
}

/* The next character of a string (not its closing quote). */
static int string_char(struct parser *ps, struct pos start, struct sbuf *b)
{
	int c = peek(ps);
	if (c < 0 || c == '\n')
		return fail(ps, start, "unterminated string");
	if (c == '\\')
		return parse_escape(ps, b);
	if (c < 0x20)
		return fail(ps, here(ps), "control character 0x%02x in a string (escape it)",
		            (unsigned)c);
	if (c >= 0x80)
		return copy_utf8(ps, b);
	advance(ps);
	char ch = (char)c;
	return put(b, &ch, 1) ? nomem(ps) : 0;
}

/* A string at the opening quote, into *out (allocated, NUL-terminated). */
static int parse_string(struct parser *ps, char **out)
{
	struct pos start = here(ps);
	struct sbuf b = {0};
	int rc = put(&b, "", 0) ? nomem(ps) : 0;
	if (rc == 0)
		advance(ps); /* opening quote */
	while (rc == 0 && peek(ps) != '"')
		rc = string_char(ps, start, &b);
	if (rc) {
		free(b.v);
		return rc;
	}
	advance(ps); /* closing quote */
	*out = b.v;
	return 0;
}

/* ---- numbers and literals ---- */

static size_t digits(struct parser *ps)
{
	size_t n = 0;
	for (int c = peek(ps); c >= '0' && c <= '9'; c = peek(ps), n++)
		advance(ps);
	return n;
}

/* The optional fraction and exponent; *real when there was either. */
static int number_tail(struct parser *ps, struct pos at, bool *real)
{
	*real = false;
	if (peek(ps) == '.') {
		advance(ps);
		if (!digits(ps))
			return fail(ps, at, "invalid number: digits expected after '.'");
		*real = true;
	}
	if (peek(ps) == 'e' || peek(ps) == 'E') {
		advance(ps);
		if (peek(ps) == '+' || peek(ps) == '-')
			advance(ps);
		if (!digits(ps))
			return fail(ps, at, "invalid number: digits expected in the exponent");
		*real = true;
	}
	return 0;
}

/* The kind of number v->text is, and its value when it fits int64_t. */
static void classify(struct cx_jsonc *v, bool real)
{
	v->num = CX_JSONC_REAL;
	v->i = 0;
	if (real)
		return;
	/* an integer beyond int64_t has more than 20 characters ("-" and 19
	 * digits): strtoll needs a terminated copy of no more than that */
	char buf[24];
	if (v->len >= sizeof buf) {
		v->num = CX_JSONC_BIGINT;
		return;
	}
	memcpy(buf, v->text, v->len);
	buf[v->len] = '\0';
	errno = 0;
	long long i = strtoll(buf, NULL, 10);
	v->num = errno == ERANGE ? CX_JSONC_BIGINT : CX_JSONC_INT;
	v->i = errno == ERANGE ? 0 : i;
}

static int parse_number(struct parser *ps, struct cx_jsonc *v)
{
	struct pos at = here(ps);
	const char *start = ps->p;
	if (peek(ps) == '-')
		advance(ps);
	const char *first = ps->p;
	size_t n = digits(ps);
	if (n == 0)
		return fail(ps, at, "invalid number: a digit expected");
	if (n > 1 && *first == '0')
		return fail(ps, at, "invalid number: leading zero");
	bool real;
	int rc = number_tail(ps, at, &real);
	if (rc)
		return rc;
	v->type = CX_JSONC_NUMBER;
	v->text = start;
	v->len = (size_t)(ps->p - start);
	classify(v, real);
	return 0;
}

static bool is_word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* true, false, null; any other bare word is an error naming it. */
static int parse_word(struct parser *ps, struct cx_jsonc *v)
{
	static const struct {
		const char *word;
		enum cx_jsonc_type type;
		bool b;
	} lit[] = {
		{"true", CX_JSONC_BOOL, true},
		{"false", CX_JSONC_BOOL, false},
		{"null", CX_JSONC_NULL, false},
	};
	struct pos at = here(ps);
	const char *w = ps->p;
	while (is_word_char(peek(ps)))
		advance(ps);
	size_t n = (size_t)(ps->p - w);
	for (size_t i = 0; i < sizeof lit / sizeof *lit; i++) {
		if (n == strlen(lit[i].word) && memcmp(w, lit[i].word, n) == 0) {
			v->type = lit[i].type;
			v->b = lit[i].b;
			return 0;
		}
	}
	return fail(ps, at, "unknown word '%.*s' (strings need double quotes)", n > 40 ? 40 : (int)n,
	            w);
}

/* ---- arrays and objects ---- */

static int parse_value(struct parser *ps, struct cx_jsonc *v);

/* Member keys seen in one object: open addressing over indices + 1, so
 * that a duplicate is found when it is read, in constant time. */
struct keyset {
	size_t *slot;
	size_t cap; /* a power of two, or 0 */
};

static size_t keyset_probe(const struct keyset *ks, const struct cx_jsonc *obj, const char *key)
{
	size_t mask = ks->cap - 1, h = (size_t)cx_hash_str(key) & mask;
	while (ks->slot[h] && strcmp(obj->items[ks->slot[h] - 1].key, key) != 0)
		h = (h + 1) & mask;
	return h;
}

static int keyset_grow(struct keyset *ks, const struct cx_jsonc *obj, size_t n)
{
	size_t cap = ks->cap ? ks->cap * 2 : 16;
	size_t *slot = calloc(cap, sizeof *slot);
	if (!slot)
		return CX_ENOMEM;
	free(ks->slot);
	ks->slot = slot;
	ks->cap = cap;
	for (size_t i = 0; i < n; i++)
		ks->slot[keyset_probe(ks, obj, obj->items[i].key)] = i + 1;
	return 0;
}

/* Adds the key of member idx (the last one): 0, 1 when it is already
 * there, CX_ENOMEM. */
static int keyset_add(struct keyset *ks, const struct cx_jsonc *obj, size_t idx)
{
	if ((idx + 1) * 2 > ks->cap && keyset_grow(ks, obj, idx))
		return CX_ENOMEM;
	size_t h = keyset_probe(ks, obj, obj->items[idx].key);
	if (ks->slot[h])
		return 1;
	ks->slot[h] = idx + 1;
	return 0;
}

/* A new zeroed element at the end of v's items into *out: 0, CX_ELIMIT
 * past CX_MAX_JSON_VALUES in the document, or CX_ENOMEM (with messages). */
static int add_item(struct parser *ps, struct cx_jsonc *v, struct cx_jsonc **out)
{
	if (++ps->values > CX_MAX_JSON_VALUES)
		return cx_error(ps->ctx, CX_ELIMIT, "%s:%u:%u: more than %u values", ps->name,
		                ps->line, ps->col, CX_MAX_JSON_VALUES);
	if (cx_grow(&v->items, &v->cap, v->n + 1, sizeof *v->items))
		return nomem(ps);
	*out = &v->items[v->n++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/* At '{' or '[': one level deeper, past the bracket and white space. */
static int open_container(struct parser *ps, struct cx_jsonc *v, enum cx_jsonc_type t)
{
	if (ps->depth >= CX_MAX_JSON_DEPTH)
		return cx_error(ps->ctx, CX_ELIMIT, "%s:%u:%u: nesting deeper than %d levels",
		                ps->name, ps->line, ps->col, CX_MAX_JSON_DEPTH);
	ps->depth++;
	v->type = t;
	advance(ps);
	return skip_ws(ps);
}

/* At the closing bracket of v: one level up, past it; the items array
 * shrinks to its size (millions of small arrays must not keep their
 * growth room). */
static int close_container(struct parser *ps, struct cx_jsonc *v)
{
	ps->depth--;
	advance(ps);
	if (v->cap > v->n) { /* n > 0: an empty one has no array */
		void *shrunk = realloc(v->items, v->n * sizeof *v->items);
		if (shrunk) {
			v->items = shrunk;
			v->cap = v->n;
		}
	}
	return 0;
}

/* After an element: ',' (consumed, *more) or the closing bracket (left
 * for close_container). */
static int separator(struct parser *ps, char close, bool *more)
{
	int rc = skip_ws(ps);
	if (rc)
		return rc;
	if (peek(ps) == close) {
		*more = false;
		return 0;
	}
	if (peek(ps) != ',')
		return fail_found(ps, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
	advance(ps);
	return skip_ws(ps);
}

static int parse_array(struct parser *ps, struct cx_jsonc *v)
{
	int rc = open_container(ps, v, CX_JSONC_ARRAY);
	bool more = peek(ps) != ']';
	while (rc == 0 && more) {
		struct cx_jsonc *it = NULL;
		rc = add_item(ps, v, &it);
		if (rc == 0)
			rc = parse_value(ps, it);
		if (rc == 0)
			rc = separator(ps, ']', &more);
	}
	return rc ? rc : close_container(ps, v);
}

/* A key at the next character, for member m of obj; a duplicate is
 * reported at its opening quote. */
static int parse_key(struct parser *ps, struct cx_jsonc *obj, struct cx_jsonc *m,
                     struct keyset *ks)
{
	if (peek(ps) != '"')
		return fail_found(ps, "expected a key in double quotes");
	m->key_line = ps->line;
	m->key_col = ps->col;
	int rc = parse_string(ps, &m->key);
	if (rc)
		return rc;
	rc = keyset_add(ks, obj, obj->n - 1);
	if (rc == CX_ENOMEM)
		return nomem(ps);
	if (rc) {
		char q[96];
		return fail(ps, (struct pos){m->key_line, m->key_col}, "duplicate key %s",
		            cx_jsonc_quote(m->key, q, sizeof q));
	}
	return skip_ws(ps);
}

static int parse_member(struct parser *ps, struct cx_jsonc *obj, struct keyset *ks)
{
	struct cx_jsonc *m = NULL;
	int rc = add_item(ps, obj, &m);
	if (rc == 0)
		rc = parse_key(ps, obj, m, ks);
	if (rc)
		return rc;
	if (peek(ps) != ':')
		return fail_found(ps, "expected ':' after the key");
	advance(ps);
	rc = skip_ws(ps);
	return rc ? rc : parse_value(ps, m);
}

static int parse_object(struct parser *ps, struct cx_jsonc *v)
{
	struct keyset ks = {0};
	int rc = open_container(ps, v, CX_JSONC_OBJECT);
	bool more = peek(ps) != '}';
	while (rc == 0 && more) {
		rc = parse_member(ps, v, &ks);
		if (rc == 0)
			rc = separator(ps, '}', &more);
	}
	free(ks.slot);
	return rc ? rc : close_container(ps, v);
}

static int parse_value(struct parser *ps, struct cx_jsonc *v)
{
	v->line = ps->line;
	v->col = ps->col;
	int c = peek(ps);
	if (c == '{')
		return parse_object(ps, v);
	if (c == '[')
		return parse_array(ps, v);
	if (c == '"') {
		v->type = CX_JSONC_STRING;
		return parse_string(ps, &v->s);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(ps, v);
	if (is_word_char(c))
		return parse_word(ps, v);
	return fail_found(ps, "expected a value");
}

/* ---- the document ---- */

/* One value with only white space and comments around it. */
static int parse_document(struct parser *ps, struct cx_jsonc *root)
{
	int rc = skip_ws(ps);
	if (rc)
		return rc;
	if (ps->p == ps->end)
		return fail(ps, here(ps), "empty input (no JSON value)");
	rc = parse_value(ps, root);
	if (rc == 0)
		rc = skip_ws(ps);
	if (rc == 0 && ps->p != ps->end)
		rc = fail_found(ps, "expected the end of the input after the value");
	return rc;
}

int cx_jsonc_parse(const char *text, size_t len, const char *name, struct cx_jsonc *root,
                   struct cx_ctx *ctx)
{
	memset(root, 0, sizeof *root);
	if (len > CX_MAX_CONFIG_BYTES)
		return cx_error(ctx, CX_ELIMIT, "%s: larger than the limit of %u bytes", name,
		                CX_MAX_CONFIG_BYTES);
	struct parser ps = {.p = text, .end = text + len, .line = 1, .col = 1, .name = name,
	                    .ctx = ctx};
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3; /* a byte order mark: not a column */
	int rc = parse_document(&ps, root);
	if (rc)
		cx_jsonc_release(root);
	return rc;
}

void cx_jsonc_release(struct cx_jsonc *v)
{
	if (!v)
		return;
	if (v->type == CX_JSONC_ARRAY || v->type == CX_JSONC_OBJECT) {
		for (size_t i = 0; i < v->n; i++)
			cx_jsonc_release(&v->items[i]);
		free(v->items);
	} else if (v->type == CX_JSONC_STRING) {
		free(v->s);
	}
	free(v->key);
	memset(v, 0, sizeof *v);
}

const char *cx_jsonc_kind(const struct cx_jsonc *v)
{
	static const char *const kinds[] = {
		[CX_JSONC_NULL] = "null", [CX_JSONC_BOOL] = "a boolean",
		[CX_JSONC_NUMBER] = "a number", [CX_JSONC_STRING] = "a string",
		[CX_JSONC_ARRAY] = "an array", [CX_JSONC_OBJECT] = "an object",
	};
	return (unsigned)v->type < sizeof kinds / sizeof *kinds ? kinds[v->type] : "?";
}

/* ---- quoting ---- */

/* The JSON spelling of byte c inside a string literal, into out[8];
 * its length. */
static size_t escape_byte(unsigned char c, char *out)
{
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	const char *k = c ? strchr(from, c) : NULL;
	if (k) {
		out[0] = '\\';
		out[1] = to[k - from];
		return 2;
	}
	if (c < 0x20)
		return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)c);
	out[0] = (char)c;
	return 1;
}

const char *cx_jsonc_quote(const char *s, char *buf, size_t size)
{
	size_t o = 0, limit = size > 24 ? size - 16 : 1;
	buf[o++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) != 0x80 && o >= limit) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		o += escape_byte(c, buf + o);
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

bool cx_jsonc_write_string(FILE *out, const char *s)
{
	if (!cx_jsonc_utf8_valid(s))
		return false;
	char piece[8];
	fputc('"', out);
	for (; *s; s++)
		fwrite(piece, 1, escape_byte((unsigned char)*s, piece), out);
	fputc('"', out);
	return true;
}

/* ---- reading a tree ---- */

int cx_jsonc_must(struct cx_ctx *ctx, const char *name, const struct cx_jsonc *v,
                  const char *path, const char *what)
{
	return cx_jsonc_fail(ctx, name, v->line, v->col, "\"%s\" must be %s", path, what);
}

static const struct cx_jsonc_field *find_field(const struct cx_jsonc_field *f, size_t n,
                                               const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return &f[i];
	return NULL;
}

static int unknown_key(const struct cx_jsonc *m, const char *where,
                       const struct cx_jsonc_field *f, size_t n, const char *name,
                       struct cx_ctx *ctx)
{
	char expected[256] = "", q[96], in[128] = "";
	size_t o = 0;
	for (size_t i = 0; i < n && o < sizeof expected; i++)
		o += (size_t)snprintf(expected + o, sizeof expected - o, "%s%s", i ? ", " : "",
		                      f[i].key);
	if (*where)
		snprintf(in, sizeof in, " in \"%s\"", where);
	return cx_jsonc_fail(ctx, name, m->key_line, m->key_col, "unknown key %s%s (expected %s)",
	                     cx_jsonc_quote(m->key, q, sizeof q), in, expected);
}

int cx_jsonc_walk(const struct cx_jsonc *obj, const char *where,
                  const struct cx_jsonc_field *fields, size_t nfields, void *self,
                  const char *name, struct cx_ctx *ctx)
{
	for (size_t i = 0; i < obj->n; i++) {
		const struct cx_jsonc *m = &obj->items[i];
		const struct cx_jsonc_field *f = find_field(fields, nfields, m->key);
		if (!f)
			return unknown_key(m, where, fields, nfields, name, ctx);
		char path[256];
		snprintf(path, sizeof path, "%s%s%s", where, *where ? "." : "", m->key);
		int rc = f->read(self, m, path);
		if (rc)
			return rc;
	}
	return 0;
}

int cx_jsonc_each(const struct cx_jsonc *arr, const char *where,
                  int (*read)(void *self, const struct cx_jsonc *v, const char *path),
                  void *self)
{
	for (size_t i = 0; i < arr->n; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s[%zu]", where, i);
		int rc = read(self, &arr->items[i], path);
		if (rc)
			return rc;
	}
	return 0;
}
