/* jsonc.h (internal to rules/): a small strict JSON reader for the files a
 * team writes or commits (.cxscan.json, the baseline), with // and
 * slash-star comments, the position of every value and key, duplicate keys
 * rejected, and the limits of cx_limits.h. Errors are one line,
 * "NAME:LINE:COL: message", LINE and COL 1-based; COL counts characters
 * (UTF-8 code points; a tab is one). */
#ifndef CX_RULES_JSONC_H
#define CX_RULES_JSONC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cx_err.h"

enum cx_jsonc_type {
	CX_JSONC_NULL, CX_JSONC_BOOL, CX_JSONC_NUMBER, CX_JSONC_STRING,
	CX_JSONC_ARRAY, CX_JSONC_OBJECT
};

/* What a number is, as written. */
enum cx_jsonc_num {
	CX_JSONC_INT,    /* an integer that fits int64_t: .i holds it */
	CX_JSONC_BIGINT, /* an integer beyond int64_t */
	CX_JSONC_REAL,   /* with a fraction or an exponent (1.5, 1e3) */
};

/* A value. A member of an object also carries its key. The payload is a
 * union (a hostile file of 16 MB holds millions of values): read only the
 * members of the value's type. */
struct cx_jsonc {
	uint8_t type;               /* enum cx_jsonc_type */
	uint8_t num;                /* CX_JSONC_NUMBER: enum cx_jsonc_num */
	bool b;                     /* CX_JSONC_BOOL */
	uint32_t line, col;         /* the value's first character */
	uint32_t key_line, key_col; /* a member: the key's opening quote */
	char *key;                  /* a member: its key (UTF-8, no NUL); else NULL */
	union {
		struct {                /* CX_JSONC_NUMBER */
			int64_t i;          /* CX_JSONC_INT: the value; else 0 */
			const char *text;   /* the number as written: in the parsed
			                       input (valid while it is), not NUL-terminated */
			size_t len;
		};
		char *s;                /* CX_JSONC_STRING: the text (UTF-8, no NUL) */
		struct {                /* CX_JSONC_ARRAY, CX_JSONC_OBJECT */
			struct cx_jsonc *items; /* elements or members, in document order */
			size_t n, cap;
		};
	};
};

/* Parses text[0..len) (a NUL byte is an error outside comments) into
 * *root, which the caller releases with cx_jsonc_release (also after an
 * error: *root is then empty); numbers point into text. A leading UTF-8
 * byte order mark is skipped. Errors:
 * CX_EINVAL "NAME:LINE:COL: message" (syntax, duplicate key, bad escape,
 * lone surrogate, \u0000, invalid UTF-8, empty input), CX_ELIMIT past
 * CX_MAX_CONFIG_BYTES, CX_MAX_JSON_DEPTH or CX_MAX_JSON_VALUES, CX_ENOMEM. */
int cx_jsonc_parse(const char *text, size_t len, const char *name, struct cx_jsonc *root,
                   struct cx_ctx *ctx) CX_MUST_CHECK;

/* Frees what v holds (not v itself) and empties it; NULL is a no-op. */
void cx_jsonc_release(struct cx_jsonc *v);

/* "null", "a boolean", "a number", "a string", "an array", "an object". */
const char *cx_jsonc_kind(const struct cx_jsonc *v);

/* CX_EINVAL with "NAME:LINE:COL: " and the formatted message in ctx. */
int cx_jsonc_fail(struct cx_ctx *ctx, const char *name, uint32_t line, uint32_t col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "\"PATH\" must be WHAT" at v (CX_EINVAL). */
int cx_jsonc_must(struct cx_ctx *ctx, const char *name, const struct cx_jsonc *v,
                  const char *path, const char *what);

/* A known key of an object and what reads its value: self is the
 * caller's state, path the member's path for messages ("flags.add",
 * "overrides[1].rules.cxscan-npath"). 0 or an error already in the
 * context. */
struct cx_jsonc_field {
	const char *key;
	int (*read)(void *self, const struct cx_jsonc *v, const char *path);
};

/* Reads each member of obj (an object) with the field of its key, in
 * document order; the first error stops the walk. A key that no field
 * names is CX_EINVAL at the key: unknown key "K" in "WHERE" (expected A,
 * B), without the "in" part when where is "" (the top level). */
int cx_jsonc_walk(const struct cx_jsonc *obj, const char *where,
                  const struct cx_jsonc_field *fields, size_t nfields, void *self,
                  const char *name, struct cx_ctx *ctx) CX_MUST_CHECK;

/* Reads each element of arr (an array) with read, its path "WHERE[i]";
 * the first error stops. */
int cx_jsonc_each(const struct cx_jsonc *arr, const char *where,
                  int (*read)(void *self, const struct cx_jsonc *v, const char *path),
                  void *self) CX_MUST_CHECK;

/* s as a JSON string literal for a one-line message: quotes added,
 * control characters and quotes escaped, cut with "..." past about 60
 * characters. Returns buf (size >= 8). */
const char *cx_jsonc_quote(const char *s, char *buf, size_t size);

/* Writes s as a JSON string literal (quotes, `"`, `\` and control
 * characters escaped, other UTF-8 kept). Returns false when s is not valid
 * UTF-8 (nothing written then). */
bool cx_jsonc_write_string(FILE *out, const char *s);

/* True when s is well-formed UTF-8 (no overlong form, no surrogate,
 * nothing past U+10FFFF). */
bool cx_jsonc_utf8_valid(const char *s);

#endif
