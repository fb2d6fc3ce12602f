/* The result store (scanner/store.c): a scan's merged results kept
 * encoded, in the cache's codec, and decoded one file at a time for the
 * reports. A header's functions may come from several TUs: its pieces are
 * folded into one file (functions by line, worst status, distinct
 * diagnostics) when it is read. */
#ifndef CX_STORE_H
#define CX_STORE_H

#include "cx_cache.h"
#include "cx_model.h"

/* Adds a file (path relative to the root, status and diagnostics final,
 * functions in any order) to res's store, creating it. f is not changed.
 * 0 or CX_ENOMEM. */
int cx_store_add(struct cx_result *res, const struct cx_file *f) CX_MUST_CHECK;

/* Orders the store by path and counts its files; call once all is added.
 * 0 or CX_ENOMEM. */
int cx_store_finish(struct cx_result *res) CX_MUST_CHECK;

/* The memo form of a finished result: its totals and one encoded piece
 * per file, in order (appended to b). 0 or CX_ENOMEM. */
int cx_store_encode(const struct cx_result *res, struct cx_buf *b) CX_MUST_CHECK;

/* Makes data (what cx_store_encode wrote, copied) res's store. 0,
 * CX_EINVAL when it is malformed (nothing is kept) or CX_ENOMEM. */
int cx_store_decode(struct cx_result *res, const void *data, size_t len) CX_MUST_CHECK;

/* Calls fn for each file of the result in path order (from res->files or
 * the store), stopping at the first non-zero return, which it returns;
 * CX_ENOMEM or CX_EINVAL when a stored piece cannot be decoded. The file
 * passed is valid during the call only. */
typedef int (*cx_file_fn)(void *arg, const struct cx_file *f);
int cx_result_each(const struct cx_result *res, cx_file_fn fn, void *arg);

/* Counts over the result. */
void cx_result_totals(const struct cx_result *res, struct cx_totals *t);

#endif
