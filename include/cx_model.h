/* The result model: what a scan produces and every report, rule and the
 * cache consume. Plain data, no libclang types. */
#ifndef CX_MODEL_H
#define CX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cx_macro_mode { CX_MACROS_IGNORE = 0, CX_MACROS_EXPAND = 1 };

/* Kinds of control blocks and of complexity increments. */
enum cx_kind {
	CX_K_IF, CX_K_ELSE_IF, CX_K_ELSE, CX_K_FOR, CX_K_WHILE, CX_K_DO,
	CX_K_SWITCH, CX_K_CASE, CX_K_DEFAULT, CX_K_TERNARY, CX_K_GNU_TERNARY,
	CX_K_AND, CX_K_OR, CX_K_GOTO, CX_K_RECURSION, CX_K_STMT_EXPR,
	CX_K_COUNT
};

/* Printable name of a kind ("if", "for", "&&", ...). */
const char *cx_kind_name(enum cx_kind kind);

/* A control block (if chain, loop, switch) with what sits inside it. */
struct cx_block {
	enum cx_kind kind;
	uint32_t line, end_line;
	uint32_t depth;     /* 1 for a block directly in the function body */
	uint32_t ccn;       /* ccn increments inside, its own included */
	uint32_t cognitive; /* cognitive increments inside, its own included */
};

/* One increment of ccn and/or cognitive complexity, for --explain. */
struct cx_increment {
	enum cx_kind kind;
	uint32_t line, column;
	uint16_t ccn;       /* 0 or 1 */
	uint16_t cognitive; /* 0..: 1 + nesting where nesting is penalized */
	uint16_t nesting;   /* the nesting level the increment was taken at */
};

struct cx_function {
	char *name;
	uint32_t line, column, end_line;
	uint32_t start_line; /* where its declaration begins (the return type
	                        line in GNU style); <= line */
	uint32_t ccn, ccn_modified;
	int64_t npath; /* saturates at INT64_MAX */
	uint32_t cognitive, max_nesting;
	uint32_t params;
	bool variadic;
	uint32_t nloc, tokens, statements, length;
	bool from_macro;
	struct cx_block *blocks;
	size_t nblocks;
	struct cx_increment *incs;
	size_t nincs;
};

/* A suppression comment (common/suppress.c finds them):
 *   // cxscan-ignore(rule[,rule]): reason       on or just above a function
 *   // cxscan-ignore-begin(rule[,rule]): reason ... // cxscan-ignore-end
 *   // NOLINT(rule[,rule])  // NOLINTNEXTLINE(rule[,rule])
 *   // NOLINTBEGIN(rule[,rule]) ... // NOLINTEND(rule[,rule])
 * A missing or empty rule list means every rule. */
enum cx_sup_kind {
	CX_SUP_IGNORE,        /* cxscan-ignore */
	CX_SUP_BEGIN,         /* cxscan-ignore-begin, NOLINTBEGIN */
	CX_SUP_END,           /* cxscan-ignore-end, NOLINTEND */
	CX_SUP_NOLINT,        /* NOLINT: its own line */
	CX_SUP_NOLINTNEXTLINE /* NOLINTNEXTLINE: the line after the comment */
};

struct cx_suppression {
	enum cx_sup_kind kind;
	uint32_t line, column; /* where the marker word starts (1-based) */
	uint32_t end_line;     /* the comment's last line */
	char *rules;           /* the list as written, blanks removed
	                          ("cxscan-npath,cxscan-crap"; "" = every rule) */
	char *reason;          /* the text after ':' following the marker or its
	                          list, trimmed; "" = none */
};

enum cx_file_status { CX_FILE_OK = 0, CX_FILE_DEGRADED = 1, CX_FILE_ERROR = 2 };

const char *cx_file_status_name(enum cx_file_status st);

struct cx_file {
	char *path; /* relative to the scan root where possible */
	enum cx_file_status status;
	char **diags;
	size_t ndiags;
	struct cx_function *funcs;
	size_t nfuncs;
	struct cx_suppression *sups; /* sorted by line, column */
	size_t nsups;
};

/* Where a scan's time went (--stats). Phase times of the workers are sums
 * over threads. */
struct cx_scan_stats {
	size_t tus, hits, misses, parsed, parse_errors, jobs;
	double discovery_s, stat_hash_s, lookup_s, parse_s, analysis_s, store_s,
	       merge_s, output_s;
	uint64_t files_read, files_stated;
	long peak_rss_kb;
	char **parsed_files; /* report paths of the TUs parsed */
	size_t nparsed_files;
	bool cached;         /* a cache was used */
	bool memo;           /* the merged result came whole from the cache */
};

/* Counts over a whole result; bands count functions by ccn: 1-10, 11-20,
 * 21-50, over 50. */
struct cx_totals {
	size_t files, functions, degraded, errors;
	size_t bands[4];
};

/* A scan's results, kept encoded (scanner/store.c): a few dozen bytes a
 * function instead of the decoded model's several hundred, so that memory
 * does not grow with the size of the scan. */
struct cx_store;

struct cx_result {
	char *root; /* absolute */
	enum cx_macro_mode macros;
	/* The files, sorted by path, functions by line: in memory (files), or
	 * in a store, decoded one file at a time by cx_result_each. */
	struct cx_file *files;
	size_t nfiles;
	struct cx_store *store;
	void (*store_free)(struct cx_store *store);
	double elapsed_s;
	char *clang_version; /* of the libclang that measured (or cached) it */
	struct cx_scan_stats stats;
};

/* Frees what the struct owns (not the struct itself). NULL is a no-op. */
void cx_function_release(struct cx_function *fn);
void cx_file_release(struct cx_file *file);
void cx_result_release(struct cx_result *res);

void cx_suppression_release(struct cx_suppression *s);

/* The suppression comments of a C source text, in order, into *out (the
 * caller frees each with cx_suppression_release, then the array). Comments
 * are told from string and character literals, and a // comment continued
 * with a backslash goes on to the next line. At most CX_MAX_SUPPRESSIONS
 * are kept (the rest are dropped). 0 or CX_ENOMEM. Never reads past len;
 * NUL bytes are ordinary characters. */
int cx_suppressions_scan(const char *text, size_t len, struct cx_suppression **out,
                         size_t *n) __attribute__((warn_unused_result));

/* Appends a diagnostic line (copied) to the file. 0 or CX_ENOMEM. */
int cx_file_add_diag(struct cx_file *file, const char *msg)
	__attribute__((warn_unused_result));

/* Saturating arithmetic for NPATH. */
int64_t cx_sat_add(int64_t a, int64_t b);
int64_t cx_sat_mul(int64_t a, int64_t b);

#endif
