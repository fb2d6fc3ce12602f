/* fuzz_lcov: cx_lcov_read over arbitrary bytes, and over the same bytes
 * with CRLF line ends.
 *
 * Invariants:
 * - the result is 0, CX_EINVAL or CX_ELIMIT, with a message on error;
 * - the list read into already holds a file: a failed read leaves it as
 *   it was, a successful one appends after it;
 * - every file read has a normalized absolute path (base is absolute),
 *   lines strictly ascending from 1, and functions with a name, a line
 *   from 1, an end line 0 or not before it, sorted by line;
 * - input without CR reads the same with every LF made CRLF: result,
 *   message (line numbers included) and files;
 * - nothing leaks (ASan). */
#include "cx_cov.h"
#include "fuzz_common.h"

#define BASE "/fuzz/base"

static const char g_first[] = "SF:/first/a.c\nFN:1,2,f\nFNDA:3,f\nDA:2,3\nend_of_record\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_first(const struct cx_cov *cov)
{
	FUZZ_CHECK(cov->nfiles >= 1 && cov->files, "the file read first is gone");
	const struct cx_cov_file *f = &cov->files[0];
	FUZZ_CHECK(strcmp(f->path, "/first/a.c") == 0 && f->nlines == 1 && f->lines[0].line == 2 &&
	           f->lines[0].count == 3 && f->nfuncs == 1 && strcmp(f->funcs[0].name, "f") == 0 &&
	           f->funcs[0].count == 3 && f->funcs[0].end_line == 2,
	           "the file read first changed");
}

static void check_files(const struct cx_cov *cov, size_t from)
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
			FUZZ_CHECK(!strchr(fn->name, '\n') && !strchr(fn->name, '\r'),
			           "file %zu: function name with a line end", i);
			FUZZ_CHECK(fn->line >= 1 && (fn->end_line == 0 || fn->end_line >= fn->line),
			           "file %zu: function %s at %u-%u", i, fn->name, fn->line, fn->end_line);
			FUZZ_CHECK(k == 0 || fn->line >= f->funcs[k - 1].line,
			           "file %zu: functions not sorted by line", i);
		}
	}
}

static void check_same(const struct cx_cov *a, const struct cx_cov *b)
{
	FUZZ_CHECK(a->nfiles == b->nfiles, "%zu files with LF, %zu with CRLF", a->nfiles,
	           b->nfiles);
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct cx_cov_file *x = &a->files[i], *y = &b->files[i];
		FUZZ_CHECK(strcmp(x->path, y->path) == 0 && x->nlines == y->nlines &&
		           x->nfuncs == y->nfuncs, "file %zu differs with CRLF", i);
		for (size_t k = 0; k < x->nlines; k++)
			FUZZ_CHECK(x->lines[k].line == y->lines[k].line &&
			           x->lines[k].count == y->lines[k].count,
			           "file %zu: line entry %zu differs with CRLF", i, k);
		for (size_t k = 0; k < x->nfuncs; k++)
			FUZZ_CHECK(strcmp(x->funcs[k].name, y->funcs[k].name) == 0 &&
			           x->funcs[k].line == y->funcs[k].line &&
			           x->funcs[k].end_line == y->funcs[k].end_line &&
			           x->funcs[k].count == y->funcs[k].count,
			           "file %zu: function %zu differs with CRLF", i, k);
	}
}

static int read_into(const void *data, size_t size, struct cx_cov *cov, struct cx_ctx *ctx)
{
	struct cx_ctx c0 = {0};
	int rc = cx_lcov_read(g_first, sizeof g_first - 1, NULL, cov, &c0);
	FUZZ_CHECK(rc == 0 && cov->nfiles == 1, "the first read failed: %s", c0.msg);
	rc = cx_lcov_read(data, size, BASE, cov, ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "unexpected result %d: %s", rc,
	           ctx->msg);
	if (rc) {
		FUZZ_CHECK(ctx->err == rc && ctx->msg[0], "error %d without a message", rc);
		FUZZ_CHECK(cov->nfiles == 1, "a failed read left %zu files", cov->nfiles);
	}
	check_first(cov);
	check_files(cov, 1);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_cov lf = {0};
	struct cx_ctx ctx = {0};
	int rc = read_into(data, size, &lf, &ctx);
	char *dos = memchr(data, '\r', size) ? NULL : malloc(2 * size + 1);
	if (dos) {
		size_t n = 0;
		for (size_t i = 0; i < size; i++) {
			if (data[i] == '\n')
				dos[n++] = '\r';
			dos[n++] = (char)data[i];
		}
		struct cx_cov crlf = {0};
		struct cx_ctx cctx = {0};
		int crc = read_into(dos, n, &crlf, &cctx);
		FUZZ_CHECK(crc == rc, "result %d with LF, %d with CRLF (%s / %s)", rc, crc, ctx.msg,
		           cctx.msg);
		FUZZ_CHECK(strcmp(ctx.msg, cctx.msg) == 0, "message '%s' with LF, '%s' with CRLF",
		           ctx.msg, cctx.msg);
		check_same(&lf, &crlf);
		cx_cov_release(&crlf);
		free(dos);
	}
	cx_cov_release(&lf);
	FUZZ_CHECK(lf.files == NULL && lf.nfiles == 0, "release left data");
	return 0;
}
