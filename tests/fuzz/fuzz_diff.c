/* fuzz_diff: cx_diff_parse over arbitrary bytes (the `git diff` output
 * --changed-only reads).
 *
 * Invariants:
 * - the result is 0, CX_EINVAL, CX_ELIMIT or CX_ENOMEM; an error comes with
 *   a one-line message "fuzz.diff:LINE: ..." and an empty result;
 * - at most CX_MAX_DIFF_FILES files and CX_MAX_DIFF_RANGES ranges;
 * - every file has a non-empty path; cx_diff_find finds the first file
 *   (in diff order) with it;
 * - its ranges are sorted and merged: 1 <= first <= last, and a gap of at
 *   least one line between two ranges; cx_diff_touches agrees with them
 *   (true on each range, false on each gap);
 * - parsing the same bytes again gives the same result or message;
 * - releasing frees everything and empties the struct. */
#include "cx_diff.h"
#include "cx_limits.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_file(const struct cx_diff *d, size_t i)
{
	const struct cx_diff_file *f = &d->files[i];
	FUZZ_CHECK(f->path && f->path[0], "file %zu without a path", i);
	const struct cx_diff_file *found = cx_diff_find(d, f->path);
	size_t first = 0;
	while (strcmp(d->files[first].path, f->path) != 0)
		first++;
	FUZZ_CHECK(found == &d->files[first], "file %zu '%s': found %p, not the first %zu", i,
	           f->path, (const void *)found, first);
	FUZZ_CHECK(f->nranges == 0 || f->ranges, "file %zu: %zu ranges in NULL", i, f->nranges);
	for (size_t k = 0; k < f->nranges; k++) {
		const struct cx_line_range *r = &f->ranges[k];
		FUZZ_CHECK(r->first >= 1 && r->first <= r->last, "file %zu range %zu: %u-%u", i, k,
		           r->first, r->last);
		FUZZ_CHECK(cx_diff_touches(f, r->first, r->last) &&
		           cx_diff_touches(f, r->last, r->last),
		           "file %zu range %zu %u-%u not touched", i, k, r->first, r->last);
		if (k == 0)
			continue;
		const struct cx_line_range *p = &f->ranges[k - 1];
		FUZZ_CHECK((uint64_t)p->last + 1 < r->first,
		           "file %zu ranges %u-%u and %u-%u not sorted and merged", i, p->first,
		           p->last, r->first, r->last);
		FUZZ_CHECK(!cx_diff_touches(f, p->last + 1, r->first - 1),
		           "file %zu: the gap %u-%u is touched", i, p->last + 1, r->first - 1);
	}
}

static bool same(const struct cx_diff *a, const struct cx_diff *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct cx_diff_file *x = &a->files[i], *y = &b->files[i];
		if (strcmp(x->path, y->path) != 0 || x->nranges != y->nranges)
			return false;
		if (x->nranges && memcmp(x->ranges, y->ranges, x->nranges * sizeof *x->ranges) != 0)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_diff d;
	struct cx_ctx ctx = { 0 };
	int rc = cx_diff_parse((const char *)data, size, "fuzz.diff", &d, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT || rc == CX_ENOMEM,
	           "unexpected result %d: %s", rc, ctx.msg);
	if (rc) {
		FUZZ_CHECK(ctx.err == rc && fuzz_starts_with(ctx.msg, "fuzz.diff:"),
		           "error %d with the message '%s'", rc, ctx.msg);
		FUZZ_CHECK(!strchr(ctx.msg, '\n'), "message of several lines: '%s'", ctx.msg);
		FUZZ_CHECK(d.n == 0 && d.files == NULL, "a result with error %d", rc);
	}
	FUZZ_CHECK(d.n <= CX_MAX_DIFF_FILES, "%zu files", d.n);
	size_t total = 0;
	for (size_t i = 0; i < d.n; i++) {
		check_file(&d, i);
		total += d.files[i].nranges;
	}
	FUZZ_CHECK(total <= CX_MAX_DIFF_RANGES, "%zu ranges", total);

	struct cx_diff again;
	struct cx_ctx ctx2 = { 0 };
	int rc2 = cx_diff_parse((const char *)data, size, "fuzz.diff", &again, &ctx2);
	FUZZ_CHECK(rc2 == rc && strcmp(ctx.msg, ctx2.msg) == 0 && same(&d, &again),
	           "a second parse gives %d '%s', the first %d '%s'", rc2, ctx2.msg, rc, ctx.msg);
	cx_diff_release(&again);
	cx_diff_release(&d);
	FUZZ_CHECK(d.files == NULL && d.n == 0, "release left the list set");
	return 0;
}
