/* jsonw.h: a streaming JSON writer (private to report/). Output goes
 * through a 64 KiB buffer of the writer's own to the FILE, never held whole
 * (the buffer is written out when full and when the top-level value ends); integers are printed exactly (NPATH
 * goes past 2^53, where a double would lose digits); strings are escaped
 * and invalid UTF-8 becomes U+FFFD, so the output always parses. */
#ifndef CX_JSONW_H
#define CX_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

#define JW_BUF 65536

struct jw {
	FILE *f;
	size_t n; /* bytes in buf */
	int depth;
	bool first[JW_MAX_DEPTH];
	bool inline_[JW_MAX_DEPTH]; /* members on one line */
	bool key_pending;
	char buf[JW_BUF];
};

void jw_init(struct jw *w, FILE *f);
/* key: a name of the report, printable ASCII without '"' or '\\' */
void jw_key(struct jw *w, const char *key);
void jw_begin_object(struct jw *w, bool one_line);
void jw_begin_array(struct jw *w, bool one_line);
void jw_end_object(struct jw *w);
void jw_end_array(struct jw *w);
void jw_string(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_double(struct jw *w, double v, int decimals);
void jw_null(struct jw *w);
/* A member: its key, then its value. */
void jw_kv_str(struct jw *w, const char *key, const char *v);
void jw_kv_int(struct jw *w, const char *key, int64_t v);

/* For writers of hot, fixed-shape values (a function's line): jw_next
 * writes what comes before a value (a comma, the line break or space), the
 * value then goes in raw with jw_raw; jw_quote writes a string escaped as
 * jw_string does; jw_dec writes v in decimal at p (at most 20 bytes) and
 * returns the end. */
void jw_next(struct jw *w);
void jw_raw(struct jw *w, const void *p, size_t n);
void jw_quote(struct jw *w, const char *s);
char *jw_dec(char *p, int64_t v);

#endif
