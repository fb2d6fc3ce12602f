/* Report writers. Each derives its output from the result model alone. */
#ifndef CX_REPORT_H
#define CX_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "cx_err.h"
#include "cx_model.h"
#include "cx_rules.h"

struct cx_correlation;
struct cx_tests;

struct cx_report_opts {
	const char *tool_version;
	const char *clang_version;
	size_t top;         /* text: functions listed, 0 = all */
	enum cx_metric sort; /* text: ranking metric */
	bool color;         /* text: ANSI colours */
	bool stats;         /* json: add summary.stats (--stats) */
	/* json: --correlate's fields on each function, and the tests */
	const struct cx_correlation *corr;
	const struct cx_tests *tests;
};

/* One line of --list-tus: {"file":..,"directory":..,"arguments":[..]}. */
void cx_json_line(FILE *out, const char *file, const char *directory,
                  const char *const *args, size_t nargs);

/* Each returns 0 or CX_EIO (with the message in ctx) when writing fails. */
int cx_report_text(FILE *out, const struct cx_result *res,
                   const struct cx_report_opts *o, struct cx_ctx *ctx) CX_MUST_CHECK;
int cx_report_json(FILE *out, const struct cx_result *res,
                   const struct cx_report_opts *o, struct cx_ctx *ctx) CX_MUST_CHECK;
int cx_report_csv(FILE *out, const struct cx_result *res,
                  const struct cx_report_opts *o, struct cx_ctx *ctx) CX_MUST_CHECK;

/* --explain FILE:FUNCTION: every increment of the matching functions, with
 * line and reason, and the biggest blocks. `file` matches a report path by
 * suffix on a component boundary. Returns CX_EINVAL when nothing matches. */
int cx_report_explain(FILE *out, const struct cx_result *res, const char *file,
                      const char *function, struct cx_ctx *ctx) CX_MUST_CHECK;

/* The text report of --correlate (top: rows a section, 0 = 10). */
int cx_report_correlate_text(FILE *out, const struct cx_correlation *c,
                             const struct cx_tests *t, size_t top,
                             struct cx_ctx *ctx) CX_MUST_CHECK;

/* The same as markdown tables, for a pull request comment. */
int cx_report_correlate_markdown(FILE *out, const struct cx_correlation *c,
                                 const struct cx_tests *t, size_t top,
                                 struct cx_ctx *ctx) CX_MUST_CHECK;

/* Sorts functions by a metric, descending; ties by path, line. Returns a
 * malloc'd array of pointers into res (NULL with *n = 0 when empty). */
struct cx_ranked {
	const struct cx_file *file;
	const struct cx_function *fn;
};
struct cx_ranked *cx_rank(const struct cx_result *res, enum cx_metric m, size_t *n);

#endif
