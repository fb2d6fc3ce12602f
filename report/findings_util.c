/* findings_util.c: the helpers of findings_util.h. Every escaper walks its
 * input as UTF-8 (fu_utf8) and never passes an invalid byte on: XML and
 * Markdown consumers reject or mangle it, so it becomes U+FFFD. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_util.h"
#include "findings_util.h"

#define FFFD "\xEF\xBF\xBD"

int fu_finish(FILE *out)
{
	if (fflush(out) != 0 || ferror(out))
		return CX_EIO;
	return 0;
}

uint32_t fu_col(uint32_t column)
{
	return column ? column : 1;
}

const char *fu_level_name(enum cx_level level)
{
	return level == CX_LEVEL_ERROR ? "error" : "warning";
}

size_t fu_utf8(const unsigned char *s, long *cp)
{
	/* a NUL ends the string: never look past it (a NUL itself is U+0000) */
	uint32_t c;
	size_t n = cx_utf8_char(s, s[0] ? strnlen((const char *)s, 4) : 1, &c);
	*cp = n ? (long)c : -1;
	return n ? n : 1;
}

/* ---- XML ---- */

static const char *xml_entity(long cp, bool attr)
{
	static const char *const ent[] = {
	    ['\t'] = "&#9;", ['\n'] = "&#10;",  ['\r'] = "&#13;", ['"'] = "&quot;",
	    ['&'] = "&amp;", ['\''] = "&apos;", ['<'] = "&lt;",   ['>'] = "&gt;",
	};
	if (cp < 0 || (size_t)cp >= sizeof ent / sizeof *ent)
		return NULL;
	if (!attr && (cp == '\t' || cp == '\n'))
		return NULL;
	return ent[cp];
}

/* XML 1.0's Char production (invalid UTF-8, cp < 0, is not one). */
static bool xml_allowed(long cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp != 0xFFFE && cp != 0xFFFF;
}

void fu_xml(FILE *out, const char *str, bool attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	while (*s) {
		long cp;
		size_t n = fu_utf8(s, &cp);
		const char *e = xml_entity(cp, attr);
		if (e)
			fputs(e, out);
		else if (xml_allowed(cp))
			fwrite(s, 1, n, out);
		else
			fputs(FFFD, out);
		s += n;
	}
}

/* ---- URI ---- */

static bool uri_unreserved(unsigned char c)
{
	static const char keep[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789-._~/";
	return c != '\0' && strchr(keep, c) != NULL;
}

size_t fu_uri_byte(unsigned char c, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	if (uri_unreserved(c)) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '%';
	out[1] = hex[c >> 4];
	out[2] = hex[c & 15];
	return 3;
}

/* ---- GitHub workflow commands ---- */

static const char *gh_escape(char c, bool prop)
{
	switch (c) {
	case '%': return "%25";
	case '\r': return "%0D";
	case '\n': return "%0A";
	case ':': return prop ? "%3A" : NULL;
	case ',': return prop ? "%2C" : NULL;
	default: return NULL;
	}
}

void fu_gh(FILE *out, const char *str, bool prop)
{
	for (const char *s = str ? str : ""; *s; s++) {
		const char *e = gh_escape(*s, prop);
		if (e)
			fputs(e, out);
		else
			putc(*s, out);
	}
}

/* ---- Markdown ---- */

static void md_char(struct cx_buf *b, const unsigned char *s, size_t n, long cp)
{
	if (cp < 0) {
		cx_buf_puts(b, FFFD);
	} else if (cp < 0x20) {
		cx_buf_put(b, " ", 1);
	} else {
		if (cp < 0x80 && strchr("\\`*_[]<>|&~$", (int)cp))
			cx_buf_put(b, "\\", 1);
		cx_buf_put(b, (const char *)s, n);
	}
}

void fu_md_cell(struct cx_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	while (*s) {
		long cp;
		size_t n = fu_utf8(s, &cp);
		md_char(b, s, n, cp);
		s += n;
	}
}

/* ---- runs and fingerprints ---- */

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_run(const struct cx_finding *a, const struct cx_finding *b, bool by_function)
{
	if (!same_str(a->path, b->path))
		return false;
	return !by_function || (a->line == b->line && same_str(a->function, b->function));
}

size_t fu_run_end(const struct cx_findings *f, size_t i, bool by_function)
{
	size_t j = i + 1;
	while (j < f->n && same_run(&f->v[i], &f->v[j], by_function))
		j++;
	return j;
}

struct fp_ix {
	const char *fp;
	size_t i;
};

static int cmp_fp(const void *a, const void *b)
{
	const struct fp_ix *x = a, *y = b;
	int c = strcmp(x->fp, y->fp);
	if (c)
		return c;
	return (x->i > y->i) - (x->i < y->i);
}

static void fp_replace(struct fu_fps *p, size_t i, const char *fp, size_t ordinal)
{
	char key[96];
	char *o = p->own + 17 * i;
	snprintf(key, sizeof key, "%.64s#%zu", fp, ordinal);
	snprintf(o, 17, "%016" PRIx64, cx_hash_str(key));
	p->v[i] = o;
}

int fu_fps_init(struct fu_fps *p, const struct cx_findings *f)
{
	size_t n = f->n ? f->n : 1;
	struct fp_ix *ix = calloc(n, sizeof *ix);
	p->v = calloc(n, sizeof *p->v);
	p->own = calloc(n, 17);
	if (!ix || !p->v || !p->own) {
		free(ix);
		fu_fps_release(p);
		return CX_ENOMEM;
	}
	for (size_t i = 0; i < f->n; i++) {
		const char *fp = f->v[i].fingerprint ? f->v[i].fingerprint : "";
		ix[i] = (struct fp_ix){fp, i};
		p->v[i] = fp;
	}
	/* by fingerprint, then finding order: the ordinal of a duplicate is
	 * its rank among the findings that share its fingerprint */
	qsort(ix, f->n, sizeof *ix, cmp_fp);
	for (size_t k = 1, ord = 0; k < f->n; k++) {
		ord = strcmp(ix[k].fp, ix[k - 1].fp) == 0 ? ord + 1 : 0;
		if (ord)
			fp_replace(p, ix[k].i, ix[k].fp, ord);
	}
	free(ix);
	return 0;
}

void fu_fps_release(struct fu_fps *p)
{
	free(p->v);
	free(p->own);
	p->v = NULL;
	p->own = NULL;
}
