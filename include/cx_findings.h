/* Findings: the rules as data (rules/NAME.json, embedded in the binary at
 * build time by rules/embed.cmake), the finding model that every gating
 * output format writes (gcc, sarif, codeclimate, checkstyle, junit,
 * markdown, github), and the writers.
 *
 * A finding is raised when a function's value of a rule's metric is greater
 * than the rule's threshold for the function's path (METRICS.md defaults,
 * .cxscan.json overrides). Suppression comments and a baseline then hide
 * some; what is left is written. */
#ifndef CX_FINDINGS_H
#define CX_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cx_err.h"
#include "cx_model.h"
#include "cx_rules.h"

/* ---- the rules ---- */

struct cx_rule {
	const char *id;                /* "cxscan-cyclomatic-complexity" */
	const char *name;              /* "CyclomaticComplexity" (SARIF rule name) */
	const char *metric;            /* the JSON metric name ("ccn", "npath", ...),
	                                  "crap", or NULL (cxscan-parse-error) */
	const char *short_description; /* one line, no final period */
	const char *full_description;  /* a paragraph */
	const char *help;              /* `cxscan --explain RULE`; SARIF help.text */
	const char *message;           /* template with {function}, {value},
	                                  {threshold}, {detail} */
	struct cx_threshold def;       /* default thresholds; -1: none */
};

/* All the rules, sorted by id (generated: rules_data.c). */
extern const struct cx_rule cx_rules[];
extern const size_t cx_nrules;

/* Index of the rule with this id in cx_rules, or -1. */
long cx_rule_find(const char *id);

/* ---- the finding model ---- */

struct cx_finding {
	size_t rule;            /* index into cx_rules */
	enum cx_level level;    /* CX_LEVEL_WARNING or CX_LEVEL_ERROR */
	char *path;             /* relative to the scan root, '/'-separated */
	uint32_t line, column;  /* the function's name (1-based); a file finding
	                           (parse error): 1, 1 */
	uint32_t start_line;    /* the first line of the function's declaration
	                           (<= line); = line for a file */
	uint32_t end_line;      /* the function's last line; = line for a file */
	char *function;         /* the function's name; NULL for a file finding */
	int64_t value;          /* the measured value (parse error: error count) */
	int64_t threshold;      /* the threshold it is above */
	char *message;          /* the rule's message filled in, e.g. "function
	                           'f' has cyclomatic complexity of 14 (threshold
	                           10)" */
	char *fingerprint;      /* 16 lowercase hex digits, a hash of the rule id,
	                           path and function (never the line): stable
	                           across edits that move the function */
};

/* A note on a suppression comment: one without a reason, or one that
 * suppresses nothing. */
struct cx_note {
	char *path;
	uint32_t line, column;
	char *message;          /* "suppression of cxscan-npath has no reason" */
};

struct cx_findings {
	struct cx_finding *v;   /* sorted by path, line, column, rule id */
	size_t n, cap;
	struct cx_note *notes;  /* sorted by path, line, column */
	size_t nnotes, capnotes;
	size_t functions;       /* functions examined */
	size_t files;           /* files examined */
	size_t suppressed;      /* findings hidden by suppression comments */
	size_t baselined;       /* findings hidden by the baseline */
};

void cx_findings_release(struct cx_findings *f);

/* Counts of findings at each level. */
size_t cx_findings_count(const struct cx_findings *f, enum cx_level level);

/* ---- making findings ---- */

struct cx_config;
struct cx_baseline;
struct cx_diff;

/* The CRAP score of fn (path: its report path); false when there is no
 * coverage for it. */
typedef bool (*cx_crap_fn)(void *arg, const char *path, const struct cx_function *fn,
                           double *crap);

struct cx_findings_opts {
	const struct cx_config *config;     /* thresholds; NULL: the defaults */
	const struct cx_baseline *baseline; /* NULL: none */
	const struct cx_diff *diff;         /* --changed-only; NULL: everything */
	const char *diff_prefix;            /* the scan root relative to the
	                                       repository top ("" or "a/b") */
	cx_crap_fn crap;                    /* NULL: no cxscan-crap findings */
	void *crap_arg;
};

/* The findings of a scan's result (rules/findings.c; see there for the
 * stages). o may be NULL. 0 or CX_ENOMEM (*out then empty). */
int cx_findings_build(const struct cx_result *res, const struct cx_findings_opts *o,
                      struct cx_findings *out, struct cx_ctx *ctx) CX_MUST_CHECK;

/* ---- writers ---- */

enum cx_findings_format {
	CX_FF_GCC,         /* file:line:col: warning: message [rule] */
	CX_FF_SARIF,       /* SARIF 2.1.0, one run */
	CX_FF_CODECLIMATE, /* GitLab code quality: a JSON array */
	CX_FF_CHECKSTYLE,  /* Checkstyle XML (Jenkins warnings-ng) */
	CX_FF_JUNIT,       /* JUnit XML: one testcase per function with findings */
	CX_FF_MARKDOWN,    /* a summary for a PR comment, under a byte budget */
	CX_FF_GITHUB,      /* GitHub Actions workflow commands (::warning ...) */
	CX_FF_COUNT
};

/* "gcc", "sarif", ...; and back (-1 when unknown). */
const char *cx_findings_format_name(enum cx_findings_format f);
int cx_findings_format_from_name(const char *name);

struct cx_findings_meta {
	const char *root;          /* absolute scan root (SARIF %SRCROOT%) */
	const char *version;       /* cxscan's version ("0.1.0") */
	size_t markdown_budget;    /* markdown: at most this many bytes; 0 =
	                              65536, GitHub's comment limit */
};

/* Writes f in format fmt to out. 0, or CX_EIO when writing fails. */
int cx_findings_write(FILE *out, enum cx_findings_format fmt, const struct cx_findings *f,
                      const struct cx_findings_meta *meta, struct cx_ctx *ctx) CX_MUST_CHECK;

/* The writers, one per format (report/findings_*.c). Same contract. */
int cx_findings_write_gcc(FILE *out, const struct cx_findings *f,
                          const struct cx_findings_meta *meta);
int cx_findings_write_sarif(FILE *out, const struct cx_findings *f,
                            const struct cx_findings_meta *meta);
int cx_findings_write_codeclimate(FILE *out, const struct cx_findings *f,
                                  const struct cx_findings_meta *meta);
int cx_findings_write_checkstyle(FILE *out, const struct cx_findings *f,
                                 const struct cx_findings_meta *meta);
int cx_findings_write_junit(FILE *out, const struct cx_findings *f,
                            const struct cx_findings_meta *meta);
int cx_findings_write_markdown(FILE *out, const struct cx_findings *f,
                               const struct cx_findings_meta *meta);
int cx_findings_write_github(FILE *out, const struct cx_findings *f,
                             const struct cx_findings_meta *meta);

#endif
