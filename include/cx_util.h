/* Small shared helpers: allocation that reports, string building, paths. */
#ifndef CX_UTIL_H
#define CX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx_err.h"

/* strdup that returns NULL only on ENOMEM (NULL input gives NULL). */
char *cx_strdup(const char *s);
char *cx_strndup(const char *s, size_t n);
/* Formatted allocation; NULL on ENOMEM. */
char *cx_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *v (element size `size`) so that it holds at least `need` items. */
int cx_grow(void *vp, size_t *cap, size_t need, size_t size) CX_MUST_CHECK;
/* The same for two parallel arrays of one capacity (*cap is updated once
 * both have grown). */
int cx_grow2(void *va, size_t asize, void *vb, size_t bsize, size_t *cap,
             size_t need) CX_MUST_CHECK;

/* 64-bit FNV-1a of a NUL-terminated string (hash tables, USR keys). */
uint64_t cx_hash_str(const char *s);

/* The UTF-8 character at s (at most avail bytes there): its length, and
 * its code point in *cp (may be NULL); 0 when the bytes are not a
 * well-formed character (a continuation or C0/C1/F5+ lead byte, an
 * overlong form, a surrogate, past U+10FFFF, cut short). */
size_t cx_utf8_char(const unsigned char *s, size_t avail, uint32_t *cp);

/* Reads a whole file (at most `max` bytes) into a NUL-terminated buffer.
 * Errors name the path. */
int cx_read_file(const char *path, size_t max, char **buf, size_t *len,
                 struct cx_ctx *ctx) CX_MUST_CHECK;

/* A growable byte buffer; err latches the first allocation failure (the
 * content is then incomplete and further appends do nothing). */
struct cx_buf {
	uint8_t *p;
	size_t n, cap;
	int err;
};
void cx_buf_release(struct cx_buf *b);
void cx_buf_put(struct cx_buf *b, const void *p, size_t n);
void cx_buf_puts(struct cx_buf *b, const char *s);
void cx_buf_printf(struct cx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Creates the directories of path (mode 0777 less the umask), the last
 * component too when `last`; existing ones are fine. 0, CX_ENOMEM, or
 * CX_EIO with errno set. */
int cx_mkdirs(const char *path, bool last) CX_MUST_CHECK;

/* Lexically normalizes a path ("/a/./b/../c" -> "/a/c"; "a/../../b" ->
 * "../b": a relative path keeps the ".." it cannot take away; "" -> "."). */
char *cx_path_normalize(const char *path);
/* Joins base and rel (rel returned normalized if absolute). */
char *cx_path_join(const char *base, const char *rel);
/* Whether s ends with suffix. */
bool cx_ends_with(const char *s, const char *suffix);
/* Whether path names a regular file (symbolic links followed). */
bool cx_is_file(const char *path);

/* The directory part of path ("/a/b" -> "/a", "/a" -> "/", "b" -> "."). */
char *cx_path_dirname(const char *path);
/* `path` relative to `root` when inside it, else a copy of `path`. */
char *cx_path_relative(const char *root, const char *path);
/* True when `path` is `dir` or below it (both normalized, absolute). */
bool cx_path_under(const char *dir, const char *path);

/* Seconds on the monotonic clock (for durations), and wall-clock
 * nanoseconds (comparable with file mtimes). */
double cx_mono_s(void);
int64_t cx_wall_ns(void);

/* A growable list of owned strings. */
struct cx_strv {
	char **v;
	size_t n, cap;
};
int cx_strv_push(struct cx_strv *sv, const char *s) CX_MUST_CHECK;
/* qsort/bsearch comparator of char * elements, by strcmp. */
int cx_cmp_str(const void *a, const void *b);
/* Sorts the strings (strcmp order). */
void cx_strv_sort(struct cx_strv *sv);
/* Whether sorted sv holds s (a binary search). */
bool cx_strv_has(const struct cx_strv *sv, const char *s);

/* The first 40 bytes of s for a one-line message: control characters as
 * '?', "..." when cut. Returns buf (size >= 44 for the whole 40). */
const char *cx_quote_line(const char *s, char *buf, size_t size);
int cx_strv_push_owned(struct cx_strv *sv, char *s) CX_MUST_CHECK;
void cx_strv_release(struct cx_strv *sv);

#endif
