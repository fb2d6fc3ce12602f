/* cx_cov.h: coverage and test results as the readers give them, whatever
 * tool produced them (gcov JSON, lcov .info; JUnit XML for the tests).
 * The readers take bytes (the caller reads the file, within the limits of
 * cx_limits.h), never crash or hang on malformed input, and report bad
 * input with a one-line message in the context naming what is wrong
 * (CX_EINVAL) or too big (CX_ELIMIT). On an error, what was appended to
 * the output before it stays valid and must still be released. */
#ifndef CX_COV_H
#define CX_COV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx_err.h"

/* ---- coverage of one run (one test), per source file ---- */

struct cx_cov_line {
	uint32_t line;  /* 1-based */
	uint64_t count; /* execution count, saturating at UINT64_MAX */
};

struct cx_cov_func {
	char *name;              /* as the source spells it (no "file.c:" prefix) */
	uint32_t line, end_line; /* the name line; end_line 0 when not recorded */
	uint64_t count;          /* times entered (saturating) */
};

struct cx_cov_file {
	/* As recorded, made absolute (against the data's own working
	 * directory, else the reader's base) when relative; lexically
	 * normalized (cx_path_normalize), symbolic links not resolved. */
	char *path;
	struct cx_cov_func *funcs;
	size_t nfuncs;
	struct cx_cov_line *lines; /* ascending, one entry a line (repeated lines summed) */
	size_t nlines;
};

struct cx_cov {
	struct cx_cov_file *files;
	size_t nfiles;
};

void cx_cov_release(struct cx_cov *cov);

/* gcov's JSON intermediate format (`gcov -j -t`, or a .gcov.json.gz):
 * format_version "1" (gcc 12) and "2" (gcc 14), unknown keys ignored.
 * Gzip is recognised by its magic bytes (decompressed size limited by
 * CX_MAX_COVERAGE_BYTES). Relative file names are made absolute against
 * current_working_directory, else against base (may be NULL: kept
 * relative). Appends the data's files to *out (a file that is already in
 * *out gets its own entry again: merging is the caller's). */
int cx_gcov_json_read(const void *data, size_t len, const char *base, struct cx_cov *out,
                      struct cx_ctx *ctx) CX_MUST_CHECK;

/* lcov tracefile (.info): TN, SF, FN (name line[,end line]), FNDA, DA,
 * end_of_record; other records ignored. Relative SF paths are made
 * absolute against base (may be NULL). Appends to *out. */
int cx_lcov_read(const void *data, size_t len, const char *base, struct cx_cov *out,
                 struct cx_ctx *ctx) CX_MUST_CHECK;

/* `llvm-cov export -format=text` of clang's source-based coverage
 * (-fprofile-instr-generate -fcoverage-mapping): type
 * "llvm.coverage.json.export", version 2.x, unknown keys ignored. Line
 * counts are derived from each file's segments as llvm-cov derives its
 * lcov DA records; a function's line is the line its body starts on (its
 * '{'), as in llvm-cov's lcov export, and a static's "file.c:" prefix is
 * dropped. Relative file names are made absolute against base (may be
 * NULL). Appends to *out. */
int cx_llvm_json_read(const void *data, size_t len, const char *base, struct cx_cov *out,
                      struct cx_ctx *ctx) CX_MUST_CHECK;

/* ---- test results ---- */

enum cx_test_status {
	CX_TEST_PASSED = 0,
	CX_TEST_FAILED = 1,  /* a failure or error element, or CTest status="fail" */
	CX_TEST_SKIPPED = 2, /* a skipped element, or CTest status="notrun"/"disabled" */
};

struct cx_junit_case {
	char *name;
	char *classname; /* "" when absent */
	double time_s;   /* 0 when has_time is false */
	bool has_time;
	enum cx_test_status status;
};

struct cx_junit {
	struct cx_junit_case *cases;
	size_t ncases;
};

/* JUnit XML: CTest's --output-junit, cmocka's XML output, and the common
 * <testsuites>/<testsuite>/<testcase> shape. Times in seconds ("time"
 * attribute; a missing, negative or non-numeric time leaves has_time
 * false). No DTD or external entity is ever loaded. Appends to *out. */
int cx_junit_read(const void *data, size_t len, struct cx_junit *out,
                  struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_junit_release(struct cx_junit *j);

const char *cx_test_status_name(enum cx_test_status st); /* "passed", ... */

#endif
