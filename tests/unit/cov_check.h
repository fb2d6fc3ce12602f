/* Checks of a coverage reader's result (struct cx_cov_file, cx_cov.h)
 * that fail with the entry as read and as expected. Included by the unit
 * tests of the coverage readers, after cmocka.h. */
#ifndef CX_TEST_COV_CHECK_H
#define CX_TEST_COV_CHECK_H

#include <string.h>

#include "cx_cov.h"

static void check_line(const struct cx_cov_file *f, size_t i, uint32_t line, uint64_t count)
{
	assert_true(i < f->nlines);
	if (f->lines[i].line != line || f->lines[i].count != count)
		fail_msg("%s: line entry %zu is %u:%llu, expected %u:%llu", f->path, i,
		         f->lines[i].line, (unsigned long long)f->lines[i].count, line,
		         (unsigned long long)count);
}

static void check_func(const struct cx_cov_file *f, size_t i, const char *name, uint32_t line,
                       uint32_t end, uint64_t count)
{
	assert_true(i < f->nfuncs);
	const struct cx_cov_func *fn = &f->funcs[i];
	if (strcmp(fn->name, name) != 0 || fn->line != line || fn->end_line != end ||
	    fn->count != count)
		fail_msg("%s: function %zu is %s %u-%u x%llu, expected %s %u-%u x%llu", f->path, i,
		         fn->name, fn->line, fn->end_line, (unsigned long long)fn->count, name, line,
		         end, (unsigned long long)count);
}

/* Releasing empties cov; a second release, and one of NULL, are harmless. */
static void check_release(struct cx_cov *cov)
{
	cx_cov_release(cov);
	assert_null(cov->files);
	assert_int_equal(cov->nfiles, 0);
	cx_cov_release(cov);
	cx_cov_release(NULL);
}

#endif
