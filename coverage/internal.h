/* internal.h: what the coverage readers share (cov.c). */
#ifndef CX_COVERAGE_INTERNAL_H
#define CX_COVERAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cx_cov.h"

struct cJSON;

uint64_t cx_cov_sat_add(uint64_t a, uint64_t b);
char *cx_cov_path(const char *dir, const char *file);
void cx_cov_file_release(struct cx_cov_file *f);
void cx_cov_file_finish(struct cx_cov_file *f);
int cx_cov_push_file(struct cx_cov *cov, size_t *cap, struct cx_cov_file *f);
int cx_cov_splice(struct cx_cov *out, struct cx_cov *add);
/* What a reader read into add (rc: how it went) appended to out: add is
 * released on an error, spliced on success (CX_ENOMEM "<pfx>out of
 * memory" when that fails). Returns rc or that error. */
int cx_cov_take(struct cx_cov *out, struct cx_cov *add, int rc, const char *pfx,
                struct cx_ctx *ctx);
/* llvm-cov's "file.c:name" of a static function -> "name" (C++'s "::" kept) */
void cx_cov_strip_file_prefix(char *name);
/* 0 when v (an object's `key`, at `where`) is an array; else CX_EINVAL
 * with "<pfx><where>: missing "key"" or "<pfx><where>.key is not an
 * array". */
int cx_cov_array(const char *pfx, const struct cJSON *v, const char *where, const char *key,
                 struct cx_ctx *ctx);
/* 0 when v (an object's `key`, at `where`) is a non-empty string; else
 * CX_EINVAL with "<pfx><where>: missing "key"", "... is not a string" or
 * "... is empty". */
int cx_cov_string(const char *pfx, const struct cJSON *v, const char *where, const char *key,
                  struct cx_ctx *ctx);
/* 1-based line and column of `at` in text */
void cx_cov_position(const char *text, const char *at, unsigned *line, unsigned *col);
/* The first position from pos on that is not JSON white space (or len). */
size_t cx_cov_skip_space(const char *text, size_t len, size_t pos);
/* CX_EINVAL "<pfx>malformed JSON at LINE:COL" for the document at
 * text + pos that cJSON failed on; end is where cJSON stopped (it may be
 * unset or outside the document: then the document's start). */
int cx_cov_malformed(const char *pfx, const char *text, size_t len, size_t pos,
                     const char *end, struct cx_ctx *ctx);

#endif
