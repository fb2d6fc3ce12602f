/* fuzz_cov.h: the invariants every coverage reader's fuzz target checks
 * on what it read (cx_cov.h). */
#ifndef FUZZ_COV_H
#define FUZZ_COV_H

#include <stdbool.h>

#include "cx_cov.h"
#include "fuzz_common.h"

/* Files [from, n): a normalized absolute path, lines strictly ascending
 * from 1, functions named (with one_line_names, no line end in a name: a
 * line-based format cannot carry one), from line 1, with an end line 0 or
 * not before it, sorted by line. */
static inline void fuzz_cov_check_files(const struct cx_cov *cov, size_t from,
                                        bool one_line_names)
{
	for (size_t i = from; i < cov->nfiles; i++) {
		const struct cx_cov_file *f = &cov->files[i];
		FUZZ_CHECK(f->path && fuzz_is_normalized_abs(f->path), "file %zu path '%s'", i,
		           f->path ? f->path : "(null)");
		FUZZ_CHECK(f->nlines == 0 || f->lines, "file %zu: lines NULL", i);
		for (size_t k = 0; k < f->nlines; k++)
			FUZZ_CHECK(f->lines[k].line >= 1 &&
			           (k == 0 || f->lines[k].line > f->lines[k - 1].line),
			           "file %zu: line entry %zu (%u) not ascending", i, k, f->lines[k].line);
		FUZZ_CHECK(f->nfuncs == 0 || f->funcs, "file %zu: functions NULL", i);
		for (size_t k = 0; k < f->nfuncs; k++) {
			const struct cx_cov_func *fn = &f->funcs[k];
			FUZZ_CHECK(fn->name && fn->name[0], "file %zu: function %zu unnamed", i, k);
			FUZZ_CHECK(!one_line_names || (!strchr(fn->name, '\n') && !strchr(fn->name, '\r')),
			           "file %zu: function name with a line end", i);
			FUZZ_CHECK(fn->line >= 1 && (fn->end_line == 0 || fn->end_line >= fn->line),
			           "file %zu: function %s at %u-%u", i, fn->name, fn->line, fn->end_line);
			FUZZ_CHECK(k == 0 || fn->line >= f->funcs[k - 1].line,
			           "file %zu: functions not sorted by line", i);
		}
	}
}

/* a and b hold the same files; `how` names the second reading. */
static inline void fuzz_cov_check_same(const struct cx_cov *a, const struct cx_cov *b,
                                       const char *how)
{
	FUZZ_CHECK(a->nfiles == b->nfiles, "%zu files, %zu %s", a->nfiles, b->nfiles, how);
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct cx_cov_file *x = &a->files[i], *y = &b->files[i];
		FUZZ_CHECK(strcmp(x->path, y->path) == 0 && x->nlines == y->nlines &&
		           x->nfuncs == y->nfuncs, "file %zu differs %s", i, how);
		for (size_t k = 0; k < x->nlines; k++)
			FUZZ_CHECK(x->lines[k].line == y->lines[k].line &&
			           x->lines[k].count == y->lines[k].count,
			           "file %zu: line entry %zu differs %s", i, k, how);
		for (size_t k = 0; k < x->nfuncs; k++)
			FUZZ_CHECK(strcmp(x->funcs[k].name, y->funcs[k].name) == 0 &&
			           x->funcs[k].line == y->funcs[k].line &&
			           x->funcs[k].end_line == y->funcs[k].end_line &&
			           x->funcs[k].count == y->funcs[k].count,
			           "file %zu: function %zu differs %s", i, k, how);
	}
}

/* The file every target reads first (g_first) is still there, unchanged:
 * /first/a.c with line 2 run 3 times and one function f. Returns it for
 * the checks of what only some formats give. */
static inline const struct cx_cov_file *fuzz_cov_first(const struct cx_cov *cov)
{
	FUZZ_CHECK(cov->nfiles >= 1 && cov->files, "the file read first is gone");
	const struct cx_cov_file *f = &cov->files[0];
	FUZZ_CHECK(strcmp(f->path, "/first/a.c") == 0 && f->nlines == 1 && f->lines[0].line == 2 &&
	           f->lines[0].count == 3 && f->nfuncs == 1 && strcmp(f->funcs[0].name, "f") == 0,
	           "the file read first changed");
	return f;
}

#endif
