/* util.c: allocation, files, paths and string lists (cx_util.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cx_util.h"

char *cx_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *cx_strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

char *cx_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&out, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : out;
}

uint64_t cx_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

int cx_grow(void *vp, size_t *cap, size_t need, size_t size)
{
	void **v = vp;
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 8;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / size)
			return CX_ENOMEM;
		nc *= 2;
	}
	void *nv = realloc(*v, nc * size);
	if (!nv)
		return CX_ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

int cx_grow2(void *va, size_t asize, void *vb, size_t bsize, size_t *cap, size_t need)
{
	size_t ca = *cap, cb = *cap;
	if (cx_grow(va, &ca, need, asize) || cx_grow(vb, &cb, need, bsize))
		return CX_ENOMEM;
	*cap = ca < cb ? ca : cb;
	return 0;
}

/* Opens path and checks that it is a regular file of at most max bytes;
 * its size (at fstat time) in *size. */
static int open_regular(const char *path, size_t max, FILE **out, size_t *size,
                        struct cx_ctx *ctx)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	if (!fp)
		return cx_error(ctx, CX_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return cx_error(ctx, CX_EIO, "cannot read '%s': not a regular file", path);
	}
	if ((unsigned long long)st.st_size > max) {
		fclose(fp);
		return cx_error(ctx, CX_ELIMIT, "'%s' is larger than the limit of %zu bytes",
		                path, max);
	}
	*out = fp;
	*size = (size_t)st.st_size;
	return 0;
}

/* The buffer is full: the file grew since fstat. Makes room to read on
 * within max. Returns 0 when there is room, 1 when the file ends here after
 * all, CX_ELIMIT when it goes on past the limit (or the room cannot be had). */
static int grow_or_end(FILE *fp, char **b, size_t *cap, size_t max)
{
	if (*cap - 1 < max && cx_grow(b, cap, *cap * 2 > max + 1 ? max + 1 : *cap * 2, 1) == 0)
		return 0;
	return fgetc(fp) == EOF ? 1 : CX_ELIMIT;
}

/* Reads fp to its end into *b (capacity *cap, *n bytes used), leaving room
 * for a terminator. 0 or CX_ELIMIT; read errors are left in ferror(fp). */
static int read_stream(FILE *fp, char **b, size_t *cap, size_t *n, size_t max)
{
	for (;;) {
		*n += fread(*b + *n, 1, *cap - 1 - *n, fp);
		if (*n < *cap - 1)
			return 0;
		int g = grow_or_end(fp, b, cap, max);
		if (g != 0)
			return g < 0 ? g : 0;
	}
}

int cx_read_file(const char *path, size_t max, char **buf, size_t *len, struct cx_ctx *ctx)
{
	FILE *fp = NULL;
	size_t size = 0;
	int rc = open_regular(path, max, &fp, &size, ctx);
	if (rc != 0)
		return rc;
	size_t cap = size + 1, n = 0;
	char *b = malloc(cap);
	if (!b) {
		fclose(fp);
		return cx_error(ctx, CX_ENOMEM, "out of memory reading '%s'", path);
	}
	rc = read_stream(fp, &b, &cap, &n, max);
	bool err = ferror(fp) != 0;
	fclose(fp);
	if (rc != 0) {
		free(b);
		return cx_error(ctx, CX_ELIMIT, "'%s' is larger than the limit of %zu bytes",
		                path, max);
	}
	if (err) {
		free(b);
		return cx_error(ctx, CX_EIO, "cannot read '%s': read error", path);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

char *cx_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return cx_strdup(".");
	return slash == path ? cx_strdup("/") : cx_strndup(path, (size_t)(slash - path));
}

/* Whether the path segment s[0..n) is exactly name. */
static bool segment_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(s, name, n) == 0;
}

/* Drops the last segment of out[0..o) and its slash, not going below base;
 * returns the new length. */
static size_t drop_segment(const char *out, size_t o, size_t base)
{
	while (o > base && out[o - 1] != '/')
		o--;
	if (o > base)
		o--;
	return o;
}

/* Appends segment s[0..n) and a slash before it (not at the start). */
static size_t append_segment(char *out, size_t o, const char *s, size_t n)
{
	if (o > 0 && out[o - 1] != '/')
		out[o++] = '/';
	memcpy(out + o, s, n);
	return o + n;
}

/* A ".." takes away the segment before it; with none left it vanishes at
 * "/" and stays in a relative path (*keep: the bytes of the leading "../"
 * that stay). */
static size_t add_up(char *out, size_t o, bool abs, size_t *keep)
{
	size_t base = abs ? 1 : *keep;
	if (o > base)
		return drop_segment(out, o, base);
	if (abs)
		return o;
	o = append_segment(out, o, "..", 2);
	*keep = o;
	return o;
}

/* Appends segment s[0..n) to out[0..o), resolving "." and ".."; returns
 * the new length. */
static size_t add_segment(char *out, size_t o, bool abs, size_t *keep, const char *s, size_t n)
{
	if (n == 0 || segment_is(s, n, "."))
		return o;
	if (segment_is(s, n, ".."))
		return add_up(out, o, abs, keep);
	return append_segment(out, o, s, n);
}

char *cx_path_normalize(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 2);
	if (!out)
		return NULL;
	size_t o = 0, keep = 0;
	const char *p = path;
	bool abs = *p == '/';
	if (abs)
		out[o++] = '/';
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		o = add_segment(out, o, abs, &keep, s, (size_t)(p - s));
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

char *cx_path_join(const char *base, const char *rel)
{
	if (rel[0] == '/')
		return cx_path_normalize(rel);
	char *j = cx_asprintf("%s/%s", base, rel);
	if (!j)
		return NULL;
	char *n = cx_path_normalize(j);
	free(j);
	return n;
}

bool cx_path_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

char *cx_path_relative(const char *root, const char *path)
{
	if (!cx_path_under(root, path))
		return cx_strdup(path);
	size_t n = strlen(root);
	if (n == 1)
		return cx_strdup(path + 1);
	if (path[n] == '\0')
		return cx_strdup(".");
	return cx_strdup(path + n + 1);
}

int cx_strv_push_owned(struct cx_strv *sv, char *s)
{
	if (!s || cx_grow(&sv->v, &sv->cap, sv->n + 2, sizeof *sv->v)) {
		free(s);
		return CX_ENOMEM;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

int cx_strv_push(struct cx_strv *sv, const char *s)
{
	return cx_strv_push_owned(sv, cx_strdup(s));
}

void cx_strv_release(struct cx_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

double cx_mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t cx_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* mkdir that accepts a directory that is already there. */
static bool mkdir_ok(const char *d)
{
	return mkdir(d, 0777) == 0 || errno == EEXIST;
}

int cx_mkdirs(const char *path, bool last)
{
	char *d = cx_strdup(path);
	if (!d)
		return CX_ENOMEM;
	int rc = 0;
	for (char *p = d + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (!mkdir_ok(d))
			rc = CX_EIO;
		*p = '/';
	}
	if (rc == 0 && last && !mkdir_ok(d))
		rc = CX_EIO;
	int e = errno;
	free(d);
	errno = e;
	return rc;
}

int cx_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void cx_strv_sort(struct cx_strv *sv)
{
	if (sv->n)
		qsort(sv->v, sv->n, sizeof *sv->v, cx_cmp_str);
}

bool cx_strv_has(const struct cx_strv *sv, const char *s)
{
	return sv->n && bsearch(&s, sv->v, sv->n, sizeof *sv->v, cx_cmp_str) != NULL;
}

const char *cx_quote_line(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	for (; s[n] && n < 40 && n + 4 < size; n++)
		buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	if (s[n] && n + 4 <= size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Length of the character a UTF-8 lead byte starts: 1 to 4, or 0 when c
 * cannot lead one (a continuation byte, an overlong C0/C1, F5 and above). */
static size_t utf8_lead(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

/* Whether code point c, written in n bytes, is a character: not overlong,
 * not a surrogate, at most U+10FFFF. */
static bool utf8_ok(uint32_t c, size_t n)
{
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	return c >= min[n] && (c < 0xD800 || c > 0xDFFF) && c <= 0x10FFFF;
}

size_t cx_utf8_char(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t n = avail ? utf8_lead(s[0]) : 0;
	if (!n || n > avail)
		return 0;
	uint32_t c = n == 1 ? s[0] : s[0] & (0x7Fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3Fu);
	}
	if (!utf8_ok(c, n))
		return 0;
	if (cp)
		*cp = c;
	return n;
}

void cx_buf_release(struct cx_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void cx_buf_put(struct cx_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return; /* (b->p may still be NULL) */
	if (b->err || n > SIZE_MAX / 2 - b->n || cx_grow(&b->p, &b->cap, b->n + n, 1)) {
		b->err = CX_ENOMEM;
		return;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void cx_buf_puts(struct cx_buf *b, const char *s)
{
	cx_buf_put(b, s, strlen(s));
}

void cx_buf_printf(struct cx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || b->err || (size_t)n > SIZE_MAX / 2 - b->n ||
	    cx_grow(&b->p, &b->cap, b->n + (size_t)n + 1, 1)) {
		if (n != 0)
			b->err = CX_ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

bool cx_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool cx_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
