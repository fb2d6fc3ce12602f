/* fuzz_llvm_json: cx_llvm_json_read over arbitrary bytes.
 *
 * Invariants:
 * - the result is 0, CX_EINVAL or CX_ELIMIT, with a one-line message
 *   naming the format on error;
 * - the list read into already holds a file: a failed read leaves it as
 *   it was, a successful one appends after it;
 * - every file read has a normalized absolute path (base is absolute),
 *   lines strictly ascending from 1 (at most 2^24 of them in all), and
 *   functions with a name, a line from 1, an end line 0 or not before it,
 *   sorted by line;
 * - the lines of each file are those of a literal port of llvm-cov 14's
 *   own line walk (LineCoverageIterator: line by line from 1, so only for
 *   files whose segments end by line 65536) over the segments as cJSON
 *   reads them, count for count;
 * - the same bytes read again read the same;
 * - nothing leaks (ASan). */
#include <cJSON.h>

#include "cx_cov.h"
#include "fuzz_common.h"
#include "fuzz_cov.h"

#define BASE "/fuzz/base"

static const char g_first[] =
	"{\"type\": \"llvm.coverage.json.export\", \"version\": \"2.0.1\", \"data\": [{\"files\":"
	" [{\"filename\": \"/first/a.c\", \"segments\": [[2, 1, 3, true, true, false],"
	" [2, 9, 0, false, false, false]]}], \"functions\": [{\"name\": \"f\", \"count\": 3,"
	" \"regions\": [[2, 1, 2, 9, 3, 0, 0, 0]], \"filenames\": [\"/first/a.c\"]}]}]}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_first(const struct cx_cov *cov)
{
	const struct cx_cov_file *f = fuzz_cov_first(cov);
	FUZZ_CHECK(f->funcs[0].line == 2 && f->funcs[0].end_line == 2,
	           "the function read first changed");
}

/* The shared checks (fuzz_cov.h), and the limit of lines one read keeps. */
static void check_files(const struct cx_cov *cov, size_t from)
{
	/* JSON strings can hold a line end ("a\nb"): names are taken as
	 * they are */
	fuzz_cov_check_files(cov, from, false);
	size_t total = 0;
	for (size_t i = from; i < cov->nfiles; i++)
		total += cov->files[i].nlines;
	FUZZ_CHECK(total <= (1u << 24), "%zu lines read, beyond the limit", total);
}

/* ---- the oracle: llvm-cov 14's line walk, as it is written ---- */

struct oseg {
	unsigned line;
	uint64_t count;
	bool has_count, entry, gap;
};

/* The count as the reader documents it (the conversion is not what is
 * checked here; the walk is). */
static uint64_t ocount(double d)
{
	if (d < 0)
		return (uint64_t)(int64_t)d;
	if (d >= 9223372036854775808.0)
		return UINT64_MAX;
	return (uint64_t)d;
}

static bool start_of_region(const struct oseg *s)
{
	return !s->gap && s->has_count && s->entry;
}

/* LineCoverageStats: a line's count, false when not mapped. */
static bool line_stats(const struct oseg *const *segs, size_t n, const struct oseg *wrapped,
                       uint64_t *count)
{
	unsigned min_region_count = 0;
	for (size_t i = 0; i < n && min_region_count < 2; i++)
		if (start_of_region(segs[i]))
			min_region_count++;
	bool start_of_skipped = n > 0 && !segs[0]->has_count && segs[0]->entry;
	bool mapped = !start_of_skipped &&
	              ((wrapped && wrapped->has_count) || min_region_count > 0);
	if (!mapped)
		return false;
	*count = 0;
	if (wrapped)
		*count = wrapped->count;
	if (!min_region_count)
		return true;
	for (size_t i = 0; i < n; i++)
		if (start_of_region(segs[i]) && segs[i]->count > *count)
			*count = segs[i]->count;
	return true;
}

/* The file's segments through LineCoverageIterator(CD, 1) (what the lcov
 * export's DA lines are), compared with f's lines. */
static void oracle_file(const cJSON *segments, const struct cx_cov_file *f, size_t fi)
{
	size_t n = (size_t)cJSON_GetArraySize(segments);
	if (n == 0) {
		FUZZ_CHECK(f->nlines == 0, "file %zu: lines without segments", fi);
		return;
	}
	struct oseg *s = calloc(n, sizeof *s);
	const struct oseg **cur = calloc(n, sizeof *cur);
	FUZZ_CHECK(s && cur, "out of memory");
	size_t j = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, segments) {
		const cJSON *e = v->child;
		s[j].line = (unsigned)e->valuedouble;
		s[j].count = ocount(e->next->next->valuedouble);
		s[j].has_count = cJSON_IsTrue(e->next->next->next);
		s[j].entry = cJSON_IsTrue(e->next->next->next->next);
		const cJSON *g = e->next->next->next->next->next;
		s[j].gap = g && cJSON_IsTrue(g);
		j++;
	}
	if (s[n - 1].line <= 65536) {
		size_t next = 0, ncur = 0, k = 0;
		const struct oseg *wrapped = NULL;
		for (unsigned line = 1; next < n; line++) {
			if (ncur)
				wrapped = cur[ncur - 1];
			ncur = 0;
			while (next < n && s[next].line == line)
				cur[ncur++] = &s[next++];
			uint64_t count;
			if (line_stats(cur, ncur, wrapped, &count)) {
				FUZZ_CHECK(k < f->nlines && f->lines[k].line == line &&
				           f->lines[k].count == count,
				           "file %zu: llvm-cov maps line %u with %llu, read: %u:%llu", fi,
				           line, (unsigned long long)count,
				           k < f->nlines ? f->lines[k].line : 0,
				           k < f->nlines ? (unsigned long long)f->lines[k].count : 0);
				k++;
			}
		}
		FUZZ_CHECK(k == f->nlines, "file %zu: %zu lines read, llvm-cov maps %zu", fi,
		           f->nlines, k);
	}
	free(cur);
	free(s);
}

/* A successful read: the files are the data elements' files in order. */
static void oracle(const uint8_t *data, size_t size, const struct cx_cov *cov)
{
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	if (!root) {
		/* the reader skips leading white space, which cJSON does too:
		 * only a trailing-space difference could get here */
		return;
	}
	size_t fi = 1; /* after the file read first */
	const cJSON *de, *fe;
	cJSON_ArrayForEach(de, cJSON_GetObjectItemCaseSensitive(root, "data")) {
		cJSON_ArrayForEach(fe, cJSON_GetObjectItemCaseSensitive(de, "files")) {
			FUZZ_CHECK(fi < cov->nfiles, "fewer files read than the data has");
			oracle_file(cJSON_GetObjectItemCaseSensitive(fe, "segments"), &cov->files[fi],
			            fi);
			fi++;
		}
	}
	FUZZ_CHECK(fi == cov->nfiles, "%zu files read, the data has %zu", cov->nfiles - 1,
	           fi - 1);
	cJSON_Delete(root);
}

static int read_into(const uint8_t *data, size_t size, struct cx_cov *cov, struct cx_ctx *ctx)
{
	struct cx_ctx c0 = {0};
	int rc = cx_llvm_json_read(g_first, sizeof g_first - 1, NULL, cov, &c0);
	FUZZ_CHECK(rc == 0 && cov->nfiles == 1, "the first read failed: %s", c0.msg);
	rc = cx_llvm_json_read(data, size, BASE, cov, ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "unexpected result %d: %s", rc,
	           ctx->msg);
	if (rc) {
		FUZZ_CHECK(ctx->err == rc && ctx->msg[0], "error %d without a message", rc);
		FUZZ_CHECK(fuzz_starts_with(ctx->msg, "llvm-cov JSON: ") && !strchr(ctx->msg, '\n'),
		           "message '%s'", ctx->msg);
		FUZZ_CHECK(cov->nfiles == 1, "a failed read left %zu files", cov->nfiles);
	}
	check_first(cov);
	check_files(cov, 1);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_cov a = {0}, b = {0};
	struct cx_ctx ctx = {0}, ctx2 = {0};
	int rc = read_into(data, size, &a, &ctx);
	if (rc == 0)
		oracle(data, size, &a);
	int rc2 = read_into(data, size, &b, &ctx2);
	FUZZ_CHECK(rc == rc2 && strcmp(ctx.msg, ctx2.msg) == 0, "read again: %d '%s', then %d '%s'",
	           rc, ctx.msg, rc2, ctx2.msg);
	fuzz_cov_check_same(&a, &b, "when read again");
	cx_cov_release(&a);
	cx_cov_release(&b);
	FUZZ_CHECK(a.files == NULL && a.nfiles == 0, "release left data");
	return 0;
}
