/* The analyzer: the only module that talks to libclang. It parses one
 * translation unit and measures every function defined in it.
 *
 * cxscan itself never links libclang: the analyzer is a module
 * (cxscan-analyzer.so) that the scanner loads with cx_analyzer_api_load only
 * when some TU has to be parsed, so that a fully cached run does not pay for
 * loading libclang. Unit tests and fuzz targets link the functions below
 * directly. */
#ifndef CX_ANALYZER_H
#define CX_ANALYZER_H

#include "cx_err.h"
#include "cx_model.h"

struct cx_analyzer;

/* A file's text that the parse sees in place of what is on disk (--staged:
 * the index's version). path is absolute. */
struct cx_unsaved {
	const char *path;
	const char *data;
	size_t len;
};

struct cx_tu_job {
	const char *path;      /* source file to parse (absolute) */
	const char *directory; /* working directory of its compile command */
	const char *const *args; /* clang arguments, sanitized, without the file */
	size_t nargs;
	const char *root;      /* absolute scan root: functions outside it are
	                          reported only when in the main file */
	enum cx_macro_mode macros;
	const struct cx_unsaved *unsaved; /* texts in place of files on disk */
	size_t nunsaved;
};

/* What one TU produced. */
struct cx_tu_out {
	/* one cx_file per source file that holds a reported function, the main
	 * file first (always present, with status and diagnostics); paths are
	 * absolute real paths */
	struct cx_file *files;
	size_t nfiles;
	/* real paths of every file the TU included (main file excluded) */
	char **deps;
	size_t ndeps;
	double parse_s, analyze_s; /* seconds (wall clock) spent in each */
};

/* Frees what out owns. */
void cx_tu_out_release(struct cx_tu_out *out);

/* Called for each function found in a file other than the main file
 * (a header) inside the root; returning false skips it (it is reported
 * through another TU). */
typedef bool (*cx_header_filter)(void *arg, const char *realpath,
                                 uint32_t line, uint32_t column);

/* Creates an analyzer (one libclang index, for one thread). NULL on ENOMEM. */
struct cx_analyzer *cx_analyzer_new(void);
void cx_analyzer_free(struct cx_analyzer *self);

/* Parses and measures one TU into *out (the caller releases it). Returns 0,
 * or a negative cx_err only for allocation failure: a file that cannot be
 * parsed is an out file with status CX_FILE_ERROR. */
int cx_analyzer_run(struct cx_analyzer *self, const struct cx_tu_job *job,
                    cx_header_filter filter, void *filter_arg,
                    struct cx_tu_out *out, struct cx_ctx *ctx) CX_MUST_CHECK;

/* Parses one TU exactly as cx_analyzer_run does and throws the AST away
 * (--parse-only, the floor of a scan). Returns 1 when libclang produced a
 * TU without errors, 0 when it failed or reported errors. */
int cx_analyzer_parse_only(struct cx_analyzer *self, const struct cx_tu_job *job,
                           double *parse_s);

/* Version string of the libclang in use ("clang version 14.0.6"). The
 * caller frees it. */
char *cx_analyzer_clang_version(void);

/* Process-wide set-up; call once, before any thread creates an analyzer. */
void cx_analyzer_global_init(void);

/* The analyzer as a table of functions: what the module exports. */
#define CX_ANALYZER_ABI 2
struct cx_analyzer_api {
	unsigned abi; /* CX_ANALYZER_ABI */
	void (*global_init)(void);
	struct cx_analyzer *(*create)(void);
	void (*destroy)(struct cx_analyzer *);
	int (*run)(struct cx_analyzer *, const struct cx_tu_job *, cx_header_filter, void *,
	           struct cx_tu_out *, struct cx_ctx *);
	int (*parse_only)(struct cx_analyzer *, const struct cx_tu_job *, double *);
	char *(*clang_version)(void);
};

/* Loads the analyzer module (once per process; thread-safe after the first
 * call returned) and calls its global_init. Looks in $CXSCAN_ANALYZER, then
 * next to the executable, then in ../lib/cxscan/ relative to it, then in
 * the install directory. Errors name the paths tried. */
int cx_analyzer_api_load(const struct cx_analyzer_api **api, struct cx_ctx *ctx)
	CX_MUST_CHECK;

/* The same table, from the functions linked into this program (tests). */
const struct cx_analyzer_api *cx_analyzer_api_linked(void);

#endif
