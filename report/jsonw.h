/* jsonw.h: a streaming JSON writer (private to report/). Output is written
 * as it is produced, never held whole; integers are printed exactly (NPATH
 * goes past 2^53, where a double would lose digits); strings are escaped
 * and invalid UTF-8 becomes U+FFFD, so the output always parses. */
#ifndef CX_JSONW_H
#define CX_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE *f;
	int depth;
	bool first[JW_MAX_DEPTH];
	bool inline_[JW_MAX_DEPTH]; /* members on one line */
	bool key_pending;
};

void jw_init(struct jw *w, FILE *f);
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
/* Writes s as a JSON string literal (quotes included) to f. */
void jw_quote(FILE *f, const char *s);

#endif
