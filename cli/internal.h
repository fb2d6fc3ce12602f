/* What the modes of the cxscan command share (cli/ only). */
#ifndef CX_CLI_INTERNAL_H
#define CX_CLI_INTERNAL_H

#include <stdio.h>

#include "cx_cli.h"
#include "cx_config.h"
#include "cx_findings.h"
#include "cx_scanner.h"
#include "cx_git.h"

/* A scan made ready: real paths, root, cache, the configuration that
 * applies (.cxscan.json) and the scan options from both. */
struct prepared {
	struct cx_strv paths;  /* absolute real paths */
	char *root;
	char *cache;
	char *compdb;
	struct cx_config cfg;
	struct cx_strv includes, excludes, extra; /* command line, then configuration */
	struct cx_scan_opts so;
	struct cx_changes changes;   /* --changed-only's diff (read before the scan) */
	struct cx_index_texts index; /* --staged: what the scan parses in place of files */
};

/* -j N, else the online cores (at most 256). */
unsigned cx_jobs_of(const struct cx_options *o);

/* Resolves paths (none: .), the root, -p, the cache and the configuration
 * into pr; reads --changed-only's diff, and with --staged (or a diff whose
 * new side is the index) the index's version of the files that differ.
 * Errors name the bad path or configuration line; pr is then
 * still released with cx_prepared_release. */
int cx_prepare(const struct cx_options *o, const struct cx_strv *paths, struct prepared *pr,
               struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_prepared_release(struct prepared *pr);

/* A report file: a new or regular file is written beside it and renamed
 * over it on success (a failed run leaves the old report); anything else
 * (a device such as /dev/null, a FIFO, a symbolic link) is written
 * through. path NULL: stdout. */
struct cx_outfile {
	FILE *f;
	const char *path;
	char *tmp;
};
int cx_outfile_open(struct cx_outfile *of, const char *path, struct cx_ctx *ctx) CX_MUST_CHECK;
/* Closes it; rc is the writer's result (nonzero: the old file stays).
 * Returns rc, or the close/rename error. */
int cx_outfile_close(struct cx_outfile *of, int rc, struct cx_ctx *ctx);

/* The gate of a scan: findings from the result with the configuration,
 * baseline and --changed-only; the findings report on stdout/-o when
 * --format is a findings format, every --sarif=FILE etc., the baseline
 * with --update-baseline; cxscan-crap findings when crap is given
 * (--correlate). *failed: findings at or above --fail-on. */
int cx_gate(const struct cx_options *o, const struct prepared *pr, const struct cx_result *res,
            bool main_report, cx_crap_fn crap, void *crap_arg, bool *failed,
            struct cx_ctx *ctx) CX_MUST_CHECK;

/* --explain RULE: its descriptions, thresholds and help. */
int cx_explain_rule(const char *id, FILE *out, struct cx_ctx *ctx);

#endif
