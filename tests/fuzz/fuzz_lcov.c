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
#include "fuzz_cov.h"

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
	const struct cx_cov_file *f = fuzz_cov_first(cov);
	FUZZ_CHECK(f->funcs[0].count == 3 && f->funcs[0].end_line == 2,
	           "the function read first changed");
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
	fuzz_cov_check_files(cov, 1, true);
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
		fuzz_cov_check_same(&lf, &crlf, "with CRLF");
		cx_cov_release(&crlf);
		free(dos);
	}
	cx_cov_release(&lf);
	FUZZ_CHECK(lf.files == NULL && lf.nfiles == 0, "release left data");
	return 0;
}
