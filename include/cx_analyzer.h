/* The analyzer: the only module that talks to libclang. It parses one
 * translation unit and measures every function defined in it. */
#ifndef CX_ANALYZER_H
#define CX_ANALYZER_H

#include "cx_err.h"
#include "cx_model.h"

struct cx_analyzer;

struct cx_tu_job {
	const char *path;      /* source file to parse (absolute) */
	const char *directory; /* working directory of its compile command */
	const char *const *args; /* clang arguments, sanitized, without the file */
	size_t nargs;
	const char *root;      /* absolute scan root: functions outside it are
	                          reported only when in the main file */
	enum cx_macro_mode macros;
};

/* Called for each function found in a file other than the main file
 * (a header); returning false drops it (already reported elsewhere). */
typedef bool (*cx_header_filter)(void *arg, const char *realpath,
                                 uint32_t line, uint32_t column);

/* Creates an analyzer (one libclang index). Returns NULL on ENOMEM. */
struct cx_analyzer *cx_analyzer_new(void);
void cx_analyzer_free(struct cx_analyzer *self);

/* Parses and measures one TU. `out` receives one cx_file per source file
 * that holds a reported function (the main file first, always present,
 * with status and diagnostics); paths are absolute real paths. The caller
 * owns *out (release each file, free the array). Returns 0, or a negative
 * cx_err only for allocation failure: a file that cannot be parsed is an
 * out file with status CX_FILE_ERROR. */
int cx_analyzer_run(struct cx_analyzer *self, const struct cx_tu_job *job,
                    cx_header_filter filter, void *filter_arg,
                    struct cx_file **out, size_t *nout, struct cx_ctx *ctx)
	CX_MUST_CHECK;

/* Version string of the libclang in use ("clang version 14.0.6"). The
 * caller frees it. */
char *cx_analyzer_clang_version(void);

#endif
