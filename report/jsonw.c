/* jsonw.c: the streaming JSON writer of jsonw.h. Reports are written by
 * one thread, so the _unlocked stdio calls skip a lock per character. */
#include <inttypes.h>
#include <string.h>

#include "jsonw.h"

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->f = f;
	w->first[0] = true;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (n == 0 || (s[0] >= 0xF8))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	uint32_t cp = n == 2 ? (s[0] & 0x1Fu) : n == 3 ? (s[0] & 0x0Fu) : (s[0] & 0x07u);
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3Fu);
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

void jw_quote(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	putc_unlocked('"', f);
	while (*s) {
		unsigned char c = *s;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
			s++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': fputs_unlocked("\\n", f); break;
			case '\t': fputs_unlocked("\\t", f); break;
			case '\r': fputs_unlocked("\\r", f); break;
			default: fprintf(f, "\\u%04x", c);
			}
			s++;
		} else {
			size_t n = utf8_len(s);
			if (n == 0) {
				fputs_unlocked("\\ufffd", f);
				s++;
			} else {
				fwrite_unlocked(s, 1, n, f);
				s += n;
			}
		}
	}
	putc_unlocked('"', f);
}

static void sep(struct jw *w)
{
	if (w->key_pending) {
		w->key_pending = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		putc_unlocked(',', w->f);
	w->first[w->depth] = false;
	if (w->inline_[w->depth]) {
		putc_unlocked(' ', w->f);
	} else {
		putc_unlocked('\n', w->f);
		for (int i = 0; i < w->depth; i++)
			fputs_unlocked("  ", w->f);
	}
}

void jw_key(struct jw *w, const char *key)
{
	sep(w);
	jw_quote(w->f, key);
	fputs_unlocked(": ", w->f);
	w->key_pending = true;
}

static void begin(struct jw *w, char c, bool one_line)
{
	sep(w);
	putc_unlocked(c, w->f);
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
	if (!empty && !inl) {
		putc_unlocked('\n', w->f);
		for (int i = 0; i < w->depth; i++)
			fputs_unlocked("  ", w->f);
	}
	putc_unlocked(c, w->f);
	if (w->depth == 0)
		putc_unlocked('\n', w->f);
}

void jw_begin_object(struct jw *w, bool one_line) { begin(w, '{', one_line); }
void jw_begin_array(struct jw *w, bool one_line) { begin(w, '[', one_line); }
void jw_end_object(struct jw *w) { end(w, '}'); }
void jw_end_array(struct jw *w) { end(w, ']'); }

void jw_string(struct jw *w, const char *s)
{
	sep(w);
	jw_quote(w->f, s);
}

void jw_int(struct jw *w, int64_t v)
{
	sep(w);
	/* the report's hottest call: no printf */
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof buf - p), w->f);
}

void jw_bool(struct jw *w, bool v)
{
	sep(w);
	fputs_unlocked(v ? "true" : "false", w->f);
}

void jw_double(struct jw *w, double v, int decimals)
{
	sep(w);
	fprintf(w->f, "%.*f", decimals, v);
}

void jw_null(struct jw *w)
{
	sep(w);
	fputs_unlocked("null", w->f);
}
