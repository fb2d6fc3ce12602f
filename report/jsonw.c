/* jsonw.c: the streaming JSON writer of jsonw.h. Reports are written by
 * one thread: bytes are copied into the writer's buffer (no stdio call, no
 * lock per token) and handed to the FILE in 64 KiB pieces. */
#include <inttypes.h>
#include <string.h>

#include "findings_util.h"
#include "jsonw.h"

void jw_init(struct jw *w, FILE *f)
{
	w->f = f;
	w->n = 0;
	w->depth = 0;
	w->key_pending = false;
	memset(w->first, 0, sizeof w->first);
	memset(w->inline_, 0, sizeof w->inline_);
	w->first[0] = true;
}

static void flush(struct jw *w)
{
	if (w->n)
		fwrite_unlocked(w->buf, 1, w->n, w->f);
	w->n = 0;
}

void jw_raw(struct jw *w, const void *p, size_t n)
{
	if (w->n + n > sizeof w->buf) {
		flush(w);
		if (n > sizeof w->buf) {
			fwrite_unlocked(p, 1, n, w->f);
			return;
		}
	}
	memcpy(w->buf + w->n, p, n);
	w->n += n;
}

static void putch(struct jw *w, char c)
{
	if (w->n == sizeof w->buf)
		flush(w);
	w->buf[w->n++] = c;
}

#define PUTS(w, lit) jw_raw((w), (lit), sizeof(lit) - 1)

/* Length of the valid UTF-8 sequence at s, or 0 (findings_util.c decodes). */
static size_t utf8_len(const unsigned char *s)
{
	long cp;
	size_t n = fu_utf8(s, &cp);
	return cp < 0 ? 0 : n;
}

/* Bytes that go into a string as they are. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void put_control(struct jw *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	switch (c) {
	case '\n': PUTS(w, "\\n"); break;
	case '\t': PUTS(w, "\\t"); break;
	case '\r': PUTS(w, "\\r"); break;
	default: {
		char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
		jw_raw(w, u, sizeof u);
	}
	}
}

/* Writes the byte at s (not plain, not NUL) escaped, or the UTF-8 sequence
 * it starts, or U+FFFD; returns the bytes taken. */
static size_t put_special(struct jw *w, const unsigned char *s)
{
	if (*s == '"' || *s == '\\') {
		putch(w, '\\');
		putch(w, (char)*s);
		return 1;
	}
	if (*s < 0x20) {
		put_control(w, *s);
		return 1;
	}
	size_t n = utf8_len(s);
	if (n == 0) {
		PUTS(w, "\\ufffd");
		return 1;
	}
	jw_raw(w, s, n);
	return n;
}

void jw_quote(struct jw *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	putch(w, '"');
	while (*s) {
		/* the run of bytes that are copied as they are */
		const unsigned char *run = s;
		while (plain(*s))
			s++;
		if (s > run)
			jw_raw(w, run, (size_t)(s - run));
		if (*s)
			s += put_special(w, s);
	}
	putch(w, '"');
}

static void newline(struct jw *w)
{
	static const char spaces[] = "\n                                                                ";
	size_t n = 1 + 2 * (size_t)w->depth;
	if (n > sizeof spaces - 1)
		n = sizeof spaces - 1;
	jw_raw(w, spaces, n);
}

void jw_next(struct jw *w)
{
	if (w->key_pending) {
		w->key_pending = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		putch(w, ',');
	w->first[w->depth] = false;
	if (w->inline_[w->depth])
		putch(w, ' ');
	else
		newline(w);
}

void jw_key(struct jw *w, const char *key)
{
	jw_next(w);
	/* keys are the report's own ASCII names: nothing to escape */
	putch(w, '"');
	jw_raw(w, key, strlen(key));
	PUTS(w, "\": ");
	w->key_pending = true;
}

static void begin(struct jw *w, char c, bool one_line)
{
	jw_next(w);
	putch(w, c);
	if (w->depth + 1 < JW_MAX_DEPTH) {
		w->depth++;
		w->first[w->depth] = true;
		w->inline_[w->depth] = one_line || w->inline_[w->depth - 1];
	}
}

static void end(struct jw *w, char c)
{
	bool empty = w->first[w->depth], inl = w->inline_[w->depth];
	w->depth--;
	if (!empty && !inl)
		newline(w);
	putch(w, c);
	if (w->depth == 0) {
		putch(w, '\n');
		flush(w);
	}
}

void jw_begin_object(struct jw *w, bool one_line) { begin(w, '{', one_line); }
void jw_begin_array(struct jw *w, bool one_line) { begin(w, '[', one_line); }
void jw_end_object(struct jw *w) { end(w, '}'); }
void jw_end_array(struct jw *w) { end(w, ']'); }

void jw_string(struct jw *w, const char *s)
{
	jw_next(w);
	jw_quote(w, s);
}

static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";

char *jw_dec(char *p, int64_t v)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		*p++ = '-';
	char t[20], *e = t + sizeof t, *q = e;
	while (u >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * u, 2);
	} else {
		*--q = (char)('0' + u);
	}
	memcpy(p, q, (size_t)(e - q));
	return p + (e - q);
}

void jw_int(struct jw *w, int64_t v)
{
	jw_next(w);
	/* the report's hottest call: no printf */
	char buf[24];
	jw_raw(w, buf, (size_t)(jw_dec(buf, v) - buf));
}

void jw_bool(struct jw *w, bool v)
{
	jw_next(w);
	if (v)
		PUTS(w, "true");
	else
		PUTS(w, "false");
}

void jw_double(struct jw *w, double v, int decimals)
{
	jw_next(w);
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
	if (n > 0)
		jw_raw(w, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void jw_null(struct jw *w)
{
	jw_next(w);
	PUTS(w, "null");
}

void jw_kv_str(struct jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_string(w, v);
}

void jw_kv_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}
