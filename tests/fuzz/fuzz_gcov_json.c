/* fuzz_gcov_json: cx_gcov_json_read over arbitrary bytes, as they come and
 * gzip'd by the harness (so that mutated JSON reaches the parser through
 * the decompressor too; mutated gzip mostly exercises its error paths).
 *
 * Invariants:
 * - the result is 0, CX_EINVAL or CX_ELIMIT, with a message on error;
 * - the list read into already holds a file: a failed read leaves it as
 *   it was, a successful one appends after it;
 * - every file read has a normalized absolute path (base is absolute),
 *   lines strictly ascending from 1, and functions with a name, a line
 *   from 1, an end line 0 or not before it, sorted by line;
 * - the same bytes gzip'd read the same: result, message and files;
 * - nothing leaks (ASan). */
#include <zlib.h>

#include "cx_cov.h"
#include "fuzz_cov.h"

#define BASE "/fuzz/base"

static const char g_first[] =
	"{\"format_version\": \"1\", \"current_working_directory\": \"/first\", \"files\": "
	"[{\"file\": \"a.c\", \"functions\": [{\"name\": \"f\", \"start_line\": 1, "
	"\"end_line\": 2, \"execution_count\": 3}], \"lines\": [{\"line_number\": 2, "
	"\"count\": 3}]}]}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int read_into(const uint8_t *data, size_t size, struct cx_cov *cov, struct cx_ctx *ctx)
{
	struct cx_ctx c0 = {0};
	int rc = cx_gcov_json_read(g_first, sizeof g_first - 1, NULL, cov, &c0);
	FUZZ_CHECK(rc == 0 && cov->nfiles == 1, "the first read failed: %s", c0.msg);
	rc = cx_gcov_json_read(data, size, BASE, cov, ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "unexpected result %d: %s", rc,
	           ctx->msg);
	if (rc) {
		FUZZ_CHECK(ctx->err == rc && ctx->msg[0], "error %d without a message", rc);
		FUZZ_CHECK(cov->nfiles == 1, "a failed read left %zu files", cov->nfiles);
	}
	fuzz_cov_first(cov);
	fuzz_cov_check_files(cov, 1, false);
	return rc;
}

/* One gzip member of data; NULL when zlib cannot (out of memory). */
static unsigned char *gzip(const uint8_t *data, size_t size, size_t *len)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&zs, (uLong)size);
	unsigned char *out = malloc(cap);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (!out || deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		free(out);
		deflateEnd(&zs);
		return NULL;
	}
	*len = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_cov plain = {0};
	struct cx_ctx ctx = {0};
	int rc = read_into(data, size, &plain, &ctx);
	bool is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	size_t zlen = 0;
	unsigned char *z = is_gzip || size > (1u << 20) ? NULL : gzip(data, size, &zlen);
	if (z) {
		struct cx_cov zipped = {0};
		struct cx_ctx zctx = {0};
		int zrc = read_into(z, zlen, &zipped, &zctx);
		FUZZ_CHECK(zrc == rc, "result %d plain, %d gzip'd (%s / %s)", rc, zrc, ctx.msg,
		           zctx.msg);
		FUZZ_CHECK(strcmp(ctx.msg, zctx.msg) == 0, "message '%s' plain, '%s' gzip'd",
		           ctx.msg, zctx.msg);
		fuzz_cov_check_same(&plain, &zipped, "once gzip'd");
		cx_cov_release(&zipped);
		free(z);
	}
	cx_cov_release(&plain);
	FUZZ_CHECK(plain.files == NULL && plain.nfiles == 0, "release left data");
	return 0;
}
