/* The scanner: finds the translation units of a project (compile database,
 * or a walk of the tree), gives each its compile arguments, runs the
 * analyzer over them and assembles the result model. */
#ifndef CX_SCANNER_H
#define CX_SCANNER_H

#include "cx_err.h"
#include "cx_model.h"
#include "cx_util.h"

struct cx_unsaved;

/* One translation unit to analyse. */
struct cx_source {
	char *path;      /* absolute, normalized */
	char *directory; /* absolute working directory of the compile */
	char **args;     /* sanitized clang arguments, without the source file */
	size_t nargs;
};

struct cx_sources {
	struct cx_source *v;
	size_t n, cap;
	char *compdb; /* path of the compile database used, or NULL */
};

struct cx_scan_opts {
	const char *root;          /* directory the report paths are relative to */
	const char *const *paths;  /* files or directories to scan (absolute) */
	size_t npaths;
	const char *compdb_dir;    /* -p DIR, or NULL to look for one */
	const char *const *includes; /* --include GLOBs (relative to root) */
	size_t nincludes;
	const char *const *excludes; /* --exclude GLOBs */
	size_t nexcludes;
	const char *const *extra_args; /* flags after `--` */
	size_t nextra;
	const char *const *remove_args; /* arguments dropped from every TU's (an item
	                                   ending in '*' drops every argument it
	                                   begins) */
	size_t nremove;
	const char *const *fallback_args; /* files without a compile command: these
	                                     in place of -std=gnu11 (if has_fallback) */
	size_t nfallback;
	bool has_fallback;
	enum cx_macro_mode macros;
	bool quiet;
	unsigned jobs;             /* worker threads, >= 1 */
	const char *cache_path;    /* SQLite cache file, or NULL for no cache */
	bool parse_only;           /* parse every TU, measure nothing */
	bool keep_increments;      /* keep cx_function.incs (--explain) */
	bool progress;             /* progress bar on stderr */
	const struct cx_unsaved *unsaved; /* texts parsed in place of these files
	                                     (--staged), cached by their digest */
	size_t nunsaved;
};

/* Finds the sources to scan. On error (unreadable or malformed compile
 * database, missing path) returns a negative cx_err with the message in
 * ctx. The caller releases `out` with cx_sources_release. With a cache
 * (may be NULL), the TUs taken from a compile database are memoized in it,
 * keyed by the database's stat and the options. */
struct cx_cache;
int cx_sources_discover(const struct cx_scan_opts *opts, struct cx_cache *cache,
                        struct cx_sources *out, struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_sources_release(struct cx_sources *s);
/* Frees what one source owns. */
void cx_source_release(struct cx_source *s);

/* Drops every entry whose path repeats an earlier entry's, keeping the
 * order of the rest (the first entry of a path wins). O(n log n). Returns
 * 0 or CX_ENOMEM (then nothing is dropped). */
int cx_sources_dedupe(struct cx_sources *s) CX_MUST_CHECK;

/* Reads compile_commands.json at `path` into `out` (entries appended),
 * sanitizing each command's arguments for libclang. Malformed input is an
 * error naming the file and the entry. */
int cx_compdb_load(const char *path, struct cx_sources *out,
                   struct cx_ctx *ctx) CX_MUST_CHECK;

/* The same, keeping only entries whose absolute, normalized path `want`
 * accepts; the commands of the others are not parsed. */
typedef bool (*cx_compdb_want)(void *arg, const char *path);
int cx_compdb_load_filtered(const char *path, cx_compdb_want want, void *arg,
                            struct cx_sources *out, struct cx_ctx *ctx) CX_MUST_CHECK;

/* Parses a compile database held in memory (`name` is used in messages,
 * `base` resolves a relative "directory"). Same contract as cx_compdb_load. */
int cx_compdb_parse(const char *text, size_t len, const char *name,
                    const char *base, struct cx_sources *out,
                    struct cx_ctx *ctx) CX_MUST_CHECK;

/* The objects of a compile database: for each entry that names one (its
 * "output", else the word after -o in its command), its source and object
 * as absolute normalized paths, appended to `sources` and `outputs` in
 * entry order (a source compiled into several targets appears once for
 * each). Malformed input is an error as in cx_compdb_load. */
int cx_compdb_objects_parse(const char *text, size_t len, const char *name, const char *base,
                            struct cx_strv *sources, struct cx_strv *outputs,
                            struct cx_ctx *ctx) CX_MUST_CHECK;
int cx_compdb_objects_load(const char *path, struct cx_strv *sources, struct cx_strv *outputs,
                           struct cx_ctx *ctx) CX_MUST_CHECK;

/* Splits a shell-quoted command line into words (the rules compile
 * databases use: '...', "...", backslash escapes). The caller frees each
 * word and the array. Unterminated quotes are an error. */
int cx_shell_split(const char *cmd, char ***argv, size_t *argc,
                   struct cx_ctx *ctx) CX_MUST_CHECK;

/* Turns a compiler command's arguments into arguments for libclang: drops
 * the compiler, the source file, outputs, dependency-file and other
 * side-effect flags, `--`, -Werror, gcc-only flags clang rejects; expands
 * @response files relative to `directory`; adds -working-directory.
 * `src` is the entry's source file as written in the database. */
int cx_args_sanitize(char *const *argv, size_t argc, const char *directory,
                     const char *src, char ***out, size_t *nout,
                     struct cx_ctx *ctx) CX_MUST_CHECK;

/* Matches a relative path against a glob: `*` and `?` stay within one path
 * component, `**` spans components, `[...]` is a class. A glob without a
 * `/` matches the last component anywhere (like .gitignore). */
bool cx_glob_match(const char *glob, const char *path);

/* Why glob is not one cx_glob_match can use, or NULL: empty, a trailing
 * backslash, an unterminated '[', or a component that no path relative to
 * the scan root has (empty, ".", "..", a trailing '/'). */
const char *cx_glob_problem(const char *glob);

/* Runs the whole scan: discover, look every TU up in the cache, analyse
 * the misses on opts->jobs threads, report each header function once
 * (through the first TU in path order that defines it), sort by path and
 * line. The output does not depend on jobs or on what was cached. The
 * caller releases `res`. */
int cx_scan_run(const struct cx_scan_opts *opts, struct cx_result *res,
                struct cx_ctx *ctx) CX_MUST_CHECK;

/* Identity of the analyzer that would be loaded (module and libclang
 * paths, sizes and mtimes), for cache keys; found without loading it.
 * The caller frees it; NULL on ENOMEM. */
char *cx_analyzer_identity(void);

/* The i-th place a file cxscan installs beside itself may be (NULL past
 * the last): $env_var alone when set, else the executable's directory, its
 * ../lib/cxscan, the install directory. The caller frees it. */
char *cx_helper_path(int i, const char *env_var, const char *name);

#endif
