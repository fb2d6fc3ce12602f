/* Changed lines from a unified diff (`git diff -U0 --no-color
 * --no-ext-diff`, also with --cached or against a merge base): for each
 * file of the new side, the ranges of lines that were added or changed,
 * and for a pure deletion the line it happened at. --changed-only keeps
 * the findings of functions whose extent intersects these ranges. */
#ifndef CX_DIFF_H
#define CX_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx_err.h"

struct cx_line_range {
	uint32_t first, last; /* 1-based, inclusive; first <= last */
};

struct cx_diff_file {
	char *path;           /* new-side path as git prints it after "b/" (or
	                         the --dst-prefix), C-quoted names unquoted;
	                         relative to the repository root */
	struct cx_line_range *ranges; /* sorted, merged, non-overlapping */
	size_t nranges;
};

struct cx_diff {
	struct cx_diff_file *files; /* in diff order; a deleted file (+++ /dev/null)
	                               is left out */
	size_t n, cap;
	size_t *by_path; /* indexes of files sorted by path (ties in diff order),
	                    for cx_diff_find; NULL: it searches linearly */
};

/* Parses a unified diff. A hunk "@@ -a,b +c,d @@" adds lines c..c+d-1 of
 * the new side (d = 0, a pure deletion, adds line max(c, 1), so that a
 * function that lost lines counts as changed); "d" omitted means 1.
 * Renames and copies ("rename to", "+++ b/new") use the new path; binary
 * files have no ranges. Lines other than headers and hunk headers are
 * skipped without being interpreted. Malformed hunk headers or file
 * headers: CX_EINVAL with "NAME:LINE: message". Past CX_MAX_DIFF_FILES
 * files or CX_MAX_DIFF_RANGES ranges in all: CX_ELIMIT. */
int cx_diff_parse(const char *text, size_t len, const char *name, struct cx_diff *out,
                  struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_diff_release(struct cx_diff *d);

/* The first file in diff order with this path (exact), or NULL; a binary
 * search over by_path. */
const struct cx_diff_file *cx_diff_find(const struct cx_diff *d, const char *path);

/* True when lines first..last of f intersect one of its ranges. */
bool cx_diff_touches(const struct cx_diff_file *f, uint32_t first, uint32_t last);

#endif
