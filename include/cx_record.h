/* cx_record.h: `cxscan record`, per-test coverage and times of a CTest
 * suite into the directory `--correlate` reads (README, "Correlating").
 *   DIR/manifest.json   format "cxscan-gcov", version 1, build and source
 *                       directories, prefix strip, gcov and ctest versions
 *   DIR/timings.tsv     id, name, status, duration_s, user_s, sys_s
 *   DIR/tests/ID/       test.json, junit.xml (CTest's), ctest.log, and
 *                       gcda/ with each .gcda and its .gcov.json.gz
 *   DIR/baseline/       gcov of every .gcno alone: the instrumented lines */
#ifndef CX_RECORD_H
#define CX_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "cx_err.h"
#include "cx_util.h"

struct cx_record_opts {
	const char *build_dir;         /* default: build if it has tests, else . */
	const char *out_dir;           /* default: gcov */
	unsigned repeat;               /* runs a test, the median time kept (>= 1) */
	unsigned jobs;                 /* gcov processes at once */
	bool per_case;                 /* one run a cmocka case (cxscan-cmocka-case.so) */
	bool quiet;
	const char *const *ctest_args; /* selection (-R, -L, -E ...) */
	size_t nctest_args;
};

struct cx_record_summary {
	size_t tests, failed, no_coverage;
	size_t gcda, gcda_zero, gcov_runs, gcov_warnings;
	double tests_s, gcov_s;
};

int cx_record(const struct cx_record_opts *o, struct cx_record_summary *sum,
              struct cx_ctx *ctx) CX_MUST_CHECK;

/* Which sources of a CMake build are test or harness code (test_code.c):
 * test gets the real paths of the sources whose every object
 * (compile_commands.json, CMakeFiles/TARGET.dir/) belongs to the target of
 * an executable a test runs (test_exes: each test's first command word)
 * that the build does not install; product gets the other sources. Both
 * sorted. *known is false when the build does not tell (no compile
 * database, or no object under CMakeFiles/TARGET.dir/). */
int cx_build_test_sources(const char *build, const struct cx_strv *test_exes,
                          struct cx_strv *test, struct cx_strv *product, bool *known,
                          struct cx_ctx *ctx) CX_MUST_CHECK;

/* Runs gcov on every .gcda under dir that has no .gcov.json.gz beside it
 * yet and counted something, with the .gcno of build_dir at the longest
 * tail of its path; writes X.gcda.gcov.json.gz beside each. Complaints go
 * to warnings. `--correlate DIR --build-dir B` on raw .gcda files. */
int cx_gcov_convert(const char *build_dir, const char *dir, unsigned jobs,
                    struct cx_strv *warnings, struct cx_record_summary *sum,
                    struct cx_ctx *ctx) CX_MUST_CHECK;

#endif
