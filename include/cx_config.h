/* Configuration (.cxscan.json) and the baseline file: the two JSON files a
 * team commits next to its code.
 *
 * .cxscan.json is JSON with // and slash-star comments, validated strictly:
 * an unknown key, a value of the wrong type, a duplicate key or a bad glob
 * is an error "FILE:LINE:COLUMN: message" (CX_EINVAL; the CLI exits 2).
 * Keys are case-sensitive. The published schema is rules/config.schema.json.
 *
 *   {
 *     "$schema": "...",                       (ignored)
 *     "rules": {                              thresholds per rule id
 *       "cxscan-cyclomatic-complexity": {"warning": 10, "error": 20},
 *       "cxscan-npath": "off",
 *       "cxscan-function-length": {"warning": 80}    (error: the default)
 *     },
 *     "overrides": [                          in order; the last match wins
 *       {"paths": ["**_test.c", "gen_*.c"], "rules": {...same form...}}
 *     ],
 *     "include": ["src"], "exclude": ["third_party", "**.gen.c"],
 *     "compile_database": "build",            (a directory, relative to the file)
 *     "flags": {"add": ["-DX"], "remove": ["-Werror"], "fallback": ["-std=c11"]},
 *     "macros": "ignore" | "expand"
 *   }
 *
 * A threshold is an integer >= 0 or null (no finding at that level). */
#ifndef CX_CONFIG_H
#define CX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx_err.h"
#include "cx_findings.h"
#include "cx_model.h"
#include "cx_rules.h"
#include "cx_util.h"

/* One rule's setting in a "rules" object. */
struct cx_rule_setting {
	bool set;                /* the rule is named in this object */
	bool off;                /* "off" */
	bool has_warning, has_error; /* the key is present (its value may be null) */
	struct cx_threshold th;  /* -1: null */
};

struct cx_config_override {
	struct cx_strv paths;             /* ** globs, relative to the scan root */
	struct cx_rule_setting *rules;    /* cx_nrules entries */
};

struct cx_config {
	char *path;                       /* the file it was read from, or NULL */
	struct cx_rule_setting *rules;    /* cx_nrules entries (never NULL after
	                                     cx_config_init) */
	struct cx_config_override *overrides;
	size_t noverrides;
	struct cx_strv include, exclude;  /* globs */
	char *compile_database;           /* absolute, or NULL */
	struct cx_strv add_flags, remove_flags, fallback_flags;
	bool has_fallback;                /* "fallback" given (it may be empty) */
	int macros;                       /* -1 unset, else enum cx_macro_mode */
};

/* An empty configuration: every rule at its default. 0 or CX_ENOMEM. */
int cx_config_init(struct cx_config *c) CX_MUST_CHECK;
void cx_config_release(struct cx_config *c);

/* Parses text (name: for messages; dir: resolves "compile_database") into
 * c, which must be cx_config_init'ed. Errors: CX_EINVAL with
 * "NAME:LINE:COL: message", CX_ELIMIT past the limits of cx_limits.h,
 * CX_ENOMEM. On error c stays initialised (releasable) but incomplete. */
int cx_config_parse(const char *text, size_t len, const char *name, const char *dir,
                    struct cx_config *c, struct cx_ctx *ctx) CX_MUST_CHECK;

/* Reads the file at path (cx_config_parse, dir = its directory). */
int cx_config_load(const char *path, struct cx_config *c, struct cx_ctx *ctx) CX_MUST_CHECK;

/* The .cxscan.json that applies to a scan of root (absolute): the first one
 * found walking up from root, stopping after the repository root (the
 * first directory holding .git) or at /. *path is NULL when there is none.
 * 0 or CX_ENOMEM. */
int cx_config_find(const char *root, char **path) CX_MUST_CHECK;

/* The thresholds of rule r for a file (path relative to the scan root):
 * the rule's default, then the top-level "rules", then every override
 * whose paths match, in order (the last match wins; a matching override
 * that does not name the rule changes nothing). *off when the rule is
 * off there. */
struct cx_threshold cx_config_threshold(const struct cx_config *c, size_t r, const char *path,
                                        bool *off);

/* ---- the baseline ----
 *
 * {"version": 1, "tool": "cxscan",
 *  "findings": [{"rule": ID, "path": P, "function": F, "value": N}, ...]}
 * sorted by path, function, rule; keyed by (rule, path, function), never
 * by line. A file finding has "function": null. */

struct cx_baseline_entry {
	char *rule, *path, *function; /* function NULL for a file finding */
	int64_t value;
};

struct cx_baseline {
	struct cx_baseline_entry *v;  /* sorted by (path, function, rule) */
	size_t n, cap;
};

/* Parses a baseline (strict like the configuration: unknown keys, wrong
 * types and duplicate keys are "NAME:LINE:COL: message" errors, CX_EINVAL).
 * A repeated (rule, path, function) keeps the largest value. */
int cx_baseline_parse(const char *text, size_t len, const char *name, struct cx_baseline *b,
                      struct cx_ctx *ctx) CX_MUST_CHECK;
int cx_baseline_load(const char *path, struct cx_baseline *b, struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_baseline_release(struct cx_baseline *b);

/* The recorded value of (rule, path, function); false when absent. */
bool cx_baseline_get(const struct cx_baseline *b, const char *rule, const char *path,
                     const char *function, int64_t *value);

/* Writes the findings as a baseline to path: sorted, stable (the same
 * findings give the same bytes), written to a temporary file then renamed.
 * 0 or CX_EIO / CX_ENOMEM with a message naming the path. */
int cx_baseline_write(const char *path, const struct cx_findings *f,
                      struct cx_ctx *ctx) CX_MUST_CHECK;

#endif
