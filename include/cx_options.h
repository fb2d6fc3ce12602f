/* Command-line options: one table drives parsing and --help. */
#ifndef CX_OPTIONS_H
#define CX_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "cx_err.h"
#include "cx_model.h"
#include "cx_rules.h"
#include "cx_util.h"

enum cx_format { CX_FMT_TEXT, CX_FMT_JSON, CX_FMT_CSV, CX_FMT_MARKDOWN };
enum cx_color { CX_COLOR_AUTO, CX_COLOR_ALWAYS, CX_COLOR_NEVER };

enum cx_cache_cmd { CX_CACHE_NONE, CX_CACHE_STATS, CX_CACHE_CLEAR };

/* --fail-on gates of --correlate: a product function crossing one makes
 * the exit status 1. */
enum cx_gate_kind { CX_GATE_CRAP, CX_GATE_HOT, CX_GATE_SLOW_CC };
struct cx_gate {
	enum cx_gate_kind kind;
	double limit;      /* CRAP, H or CC above this crosses */
	double attributed; /* CX_GATE_SLOW_CC: ... in a function with more attributed seconds */
	const char *text;  /* as given */
};
#define CX_MAX_GATES 16
#define CX_MAX_REPORTS 16

/* Where a gating report goes (--format FMT -o FILE, or --sarif=FILE ...). */
struct cx_report_out {
	int format;       /* enum cx_findings_format */
	const char *path; /* NULL: stdout */
};

/* --fail-on LEVEL: findings at or above it make the exit status 1. */
enum cx_fail_on { CX_FAIL_ERROR = 0, CX_FAIL_WARNING, CX_FAIL_NEVER };

struct cx_options {
	bool help, version, quiet, no_cache, stats, parse_only, list_tus;
	unsigned jobs;           /* -j N, 0 = online cores */
	const char *cache;       /* --cache FILE */
	enum cx_cache_cmd cache_cmd; /* `cxscan cache stats|clear` */
	enum cx_color color;
	enum cx_format format;
	const char *output;      /* -o FILE, or NULL for stdout */
	size_t top;              /* 0 = all */
	enum cx_metric sort;
	const char *explain;     /* FILE:FUNCTION */
	const char *compdb_dir;  /* -p DIR */
	const char *root;        /* --root DIR */
	enum cx_macro_mode macros;
	bool macros_set;         /* --macros given (it wins over the configuration) */
	const char *correlate;   /* --correlate DIR */
	const char *junit;       /* --junit FILE */
	bool record;             /* `cxscan record` */
	const char *build_dir;   /* record: --build-dir DIR */
	const char *out;         /* record: --out DIR */
	unsigned repeat;         /* record: --repeat K (0: once) */
	bool per_case;           /* record: --per-case */
	struct cx_gate gates[CX_MAX_GATES];
	size_t ngates;
	int findings_format;     /* --format gcc|sarif|...: enum cx_findings_format, or -1 */
	struct cx_report_out reports[CX_MAX_REPORTS]; /* --sarif=FILE, --gcc=FILE, ... */
	size_t nreports;
	enum cx_fail_on fail_on; /* default error */
	bool exit_zero;          /* --exit-zero: findings never change the status */
	const char *config;      /* --config FILE */
	bool no_config;          /* --no-config */
	const char *baseline;    /* --baseline FILE */
	bool update_baseline;    /* --update-baseline: write it (needs --baseline) */
	const char *changed_only; /* --changed-only[=auto|staged|REF]; NULL: off */
	bool staged;             /* --staged: measure the index's version of files */
	const char *explain_rule; /* --explain RULE-ID */
	bool install_hook;       /* `cxscan install-hook` */
	bool warn_only, force;   /* install-hook --warn-only, --force */
	struct cx_strv paths, includes, excludes, extra, test_code;
	struct cx_strv owned;    /* strings cx_options_absolute made */
};

/* Parses argv into o (strings point into argv). Errors name the bad
 * argument; the caller exits 2. Release o with cx_options_release. */
int cx_options_parse(int argc, char **argv, struct cx_options *o, struct cx_ctx *ctx)
	CX_MUST_CHECK;
void cx_options_release(struct cx_options *o);
/* Makes the file and directory options absolute against the current
 * directory: libclang changes the process's working directory while it
 * parses a TU with -working-directory (its driver's real file system does
 * a chdir), so a path resolved after a scan must not be relative. */
int cx_options_absolute(struct cx_options *o, struct cx_ctx *ctx) CX_MUST_CHECK;
/* Prints --help, generated from the option table. */
void cx_options_help(FILE *out);

#endif
