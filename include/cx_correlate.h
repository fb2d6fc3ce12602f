/* cx_correlate.h: per-test coverage and time joined with the complexity of
 * a scan (`cxscan --correlate DIR`). The math is CORRELATE.md's:
 *   w(t,f) = L(t,f) / L(t)   L: the sum of line counts (f's lines; all lines
 *                            the test's coverage has, harness included)
 *   touch time T(f)  = sum of d_t over the tests that touch f
 *   attributed A(f)  = sum over t of base_t * w(t,f), base_t = the test's
 *                      user CPU time less u0 when recorded, else d_t - d0;
 *                      u0 and d0, the fixed cost of running any test (the
 *                      process, ctest's own work), are the smallest user
 *                      time and duration of the tests with coverage (0
 *                      with fewer than 2 such tests)
 *   hot H(f)         = CC(f) * A(f) (and log2(NPATH(f)) * A(f))
 *   CRAP(f)          = CC^2 * (1 - cov)^3 + CC, cov the line coverage over
 *                      all tests (0 when no test has data for f's file)
 *   footprint(t)     = sum over f of w(t,f) * CC(f) */
#ifndef CX_CORRELATE_H
#define CX_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cx_cov.h"
#include "cx_err.h"
#include "cx_model.h"
#include "cx_util.h"

/* ---- the tests, as recorded ---- */

struct cx_test_run {
	char *id;   /* its directory under DIR (tests/ID in the recorded layout) */
	char *name; /* the CTest name (TEST@CASE for a cmocka case) */
	enum cx_test_status status;
	double duration_s, user_s, sys_s;
	bool has_time, has_cpu;
	bool has_coverage;  /* at least one coverage file was read */
	struct cx_cov cov;  /* one entry a path, lines merged */
};

struct cx_tests {
	struct cx_test_run *v;
	size_t n;
	/* every instrumented line, counts 0 (recorded layout: baseline/, gcov
	 * of each .gcno alone): a function no test runs has coverage 0, not
	 * "no data" */
	struct cx_cov baseline;
	struct cx_strv warnings; /* bad files that were skipped, one line each */
	char *layout;            /* "recorded" (manifest.json) or "bare" */
};

/* Reads DIR: the layout `cxscan record` writes (manifest.json,
 * tests/ID/test.json, tests/ID/gcda/ with .gcov.json[.gz] files,
 * baseline/), or the bare form (a directory a test, its .gcov.json[.gz]
 * files anywhere below, test times from `junit`, a CTest JUnit file; NULL:
 * DIR/junit.xml or the only .xml file in DIR). A damaged coverage or
 * test file is skipped with a warning; a DIR that is neither layout is
 * CX_EINVAL. The tests' files are read on up to `jobs` threads. */
int cx_tests_load(const char *dir, const char *junit, unsigned jobs, struct cx_tests *out,
                  struct cx_ctx *ctx) CX_MUST_CHECK;

/* The same, handing each test to `each` in order as soon as its coverage
 * is read, then freeing that coverage (run->has_coverage stays): memory
 * holds a batch of tests, not all. The baseline is read last and kept.
 * `each` returns 0 or a cx_err, which stops the load. */
typedef int (*cx_test_fn)(void *arg, size_t i, const struct cx_test_run *run);
int cx_tests_load_each(const char *dir, const char *junit, unsigned jobs, cx_test_fn each,
                       void *arg, struct cx_tests *out, struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_tests_release(struct cx_tests *t);

/* The readers of cx_tests_load, on bytes: tests/ID/test.json into run
 * (its name, status and times) and manifest.json's format and version.
 * NULL when usable, else why not (static text). */
const char *cx_test_json_parse(const void *data, size_t len, struct cx_test_run *run);
const char *cx_manifest_parse(const void *data, size_t len);
/* manifest.json's optional "sources" (what `record` learnt from the build:
 * which sources are test code) into test and product, sorted; *known
 * false when it has none. NULL when usable, else why not (static text);
 * *err is CX_ENOMEM when memory ran out. */
const char *cx_manifest_sources_parse(const void *data, size_t len, struct cx_strv *test,
                                      struct cx_strv *product, bool *known, int *err);
/* The same from DIR/manifest.json; no manifest is *known false. */
int cx_manifest_sources(const char *dir, struct cx_strv *test, struct cx_strv *product,
                        bool *known, struct cx_ctx *ctx) CX_MUST_CHECK;

/* Folds the entries of one path into one, sorted by path (summing the
 * counts of a line, and of a function with the same name line and name: a
 * static inline header function is counted in every object that has a
 * copy). */
int cx_cov_fold(struct cx_cov *cov) CX_MUST_CHECK;

/* ---- the join ---- */

struct cx_corr_fn {
	const char *path; /* report path (into the correlation's own strings) */
	char *name;
	uint32_t line, end_line;
	uint32_t ccn, cognitive;
	int64_t npath;
	struct cx_block *blocks; /* a copy */
	size_t nblocks;
	bool test_code;   /* a file of the tests or their harness */
	bool has_cov;     /* some test has data for its file */
	uint32_t lines, lines_hit; /* instrumented lines in its extent, those run */
	double coverage;  /* lines_hit / lines, 0 without data */
	size_t tests;     /* tests that touch it */
	double touch_s, attributed_s, hot, crap;
	double hot_npath; /* log2(NPATH) * A: H by paths instead of decisions */
};

struct cx_corr_build;

struct cx_corr_test {
	const struct cx_test_run *run;
	double base_s;       /* the time attributed over its lines */
	double product_s;    /* of which to product functions */
	double footprint;    /* sum of w * CC over product functions */
	size_t top[3];       /* its three product functions by attributed time */
	double top_s[3];     /* and the time attributed to each in this test */
	size_t ntop;
};

struct cx_correlation {
	struct cx_corr_fn *fn; /* in the scan's order: files by path, functions by line */
	size_t nfn;
	struct cx_corr_test *test; /* in the order of the tests */
	size_t ntest;
	double d0, u0;         /* the per-test fixed costs subtracted (duration, user CPU) */
	double total_s;        /* sum of test durations */
	double base_total_s;   /* sum of base_s */
	double product_s;      /* attributed to product functions */
	double harness_s;      /* attributed to test and harness functions */
	double unmatched_s;    /* attributed to lines outside every scanned function */
	size_t tests_without_coverage;
	size_t corrupt_lines;  /* line counts of 2^63 or more, left out (wrapped counters) */
	struct cx_strv strings; /* paths */
	struct cx_corr_build *st; /* between cx_correlate_begin and _end */
};

struct cx_correlate_opts {
	/* globs (cx_glob) of report paths that are test or harness code; none:
	 * the sources below, else files under a test/tests/testing/unittest(s)
	 * directory, or named test_*.c, *_test.c, *_tests.c */
	const char *const *test_globs;
	size_t ntest_globs;
	/* without globs: real paths (sorted) of the sources the build tells
	 * are test code or product code (manifest.json "sources"); a path in
	 * neither (a header) falls back to the rule above */
	const struct cx_strv *test_sources, *product_sources;
};

/* The same in steps, so that a test's coverage can be freed once added:
 * begin (the scan's functions, room for ntests), add each test (its
 * coverage is read then, and no longer needed after), end (the times of
 * all the tests, and the baseline). After a failed step, *out is of no use
 * (cx_correlation_release is safe on it, also twice). */
int cx_correlate_begin(const struct cx_result *res, const struct cx_correlate_opts *o,
                       size_t ntests, struct cx_correlation *out,
                       struct cx_ctx *ctx) CX_MUST_CHECK;
int cx_correlate_add(struct cx_correlation *c, size_t ti, const struct cx_test_run *run,
                     struct cx_ctx *ctx) CX_MUST_CHECK;
int cx_correlate_end(struct cx_correlation *c, const struct cx_tests *tests,
                     struct cx_ctx *ctx) CX_MUST_CHECK;

int cx_correlate(const struct cx_result *res, const struct cx_tests *tests,
                 const struct cx_correlate_opts *o, struct cx_correlation *out,
                 struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_correlation_release(struct cx_correlation *c);

/* The block of fn to extract: the one that leaves the most even split of
 * CC between what remains and the new function (blocks of depth >= 1 with
 * ccn >= 2). Returns its index, or -1 when no block helps. */
long cx_refactor_block(const struct cx_corr_fn *fn);

#endif
