/* fuzz_args_sanitize: cx_args_sanitize over arbitrary compiler commands.
 *
 * Input: words separated by '\n' or NUL; the first word is the entry's
 * source file as written in the database ("file"), the others are the
 * command (argv[0] the compiler). The directory is one that does not exist,
 * so a response file (@file) can never be read; an input naming a response
 * file that would resolve outside it (@/abs, @../x) is skipped, so that no
 * file is ever read.
 *
 * Invariants:
 * - the result is 0, or CX_EIO when some word is a response file;
 * - on success the output passes fuzz_check_clang_args (fuzz_common.h);
 * - the kept arguments are copies of input words, in input order (the
 *   output is a subsequence of the command after argv[0]). */
#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_util.h"
#include "fuzz_common.h"

#define FUZZ_DIR "/nonexistent-cxscan-fuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* one buffer, separators turned into NULs, words pointing into it */
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	buf[size] = '\0';
	size_t nw = 1;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n')
			buf[i] = '\0';
		if (buf[i] == '\0')
			nw++;
	}
	char **words = malloc(nw * sizeof *words);
	FUZZ_CHECK(words != NULL, "out of memory");
	words[0] = buf;
	for (size_t i = 0, k = 1; i < size; i++)
		if (buf[i] == '\0')
			words[k++] = buf + i + 1;
	const char *src = words[0];
	char **argv = words + 1;
	size_t argc = nw - 1;

	bool rsp = false;
	for (size_t i = 0; i < argc; i++) {
		if (argv[i][0] != '@' || !argv[i][1])
			continue;
		rsp = true;
		char *p = cx_path_join(FUZZ_DIR, argv[i] + 1);
		bool inside = p && cx_path_under(FUZZ_DIR, p);
		free(p);
		if (!inside) {
			free(words);
			free(buf);
			return 0;
		}
	}

	char **out = NULL;
	size_t nout = 0;
	struct cx_ctx ctx = {0};
	int rc = cx_args_sanitize(argv, argc, FUZZ_DIR, src, &out, &nout, &ctx);
	if (rsp)
		FUZZ_CHECK(rc == 0 || rc == CX_EIO, "unexpected result %d: %s", rc, ctx.msg);
	else
		FUZZ_CHECK(rc == 0, "unexpected result %d: %s", rc, ctx.msg);
	if (rc) {
		FUZZ_CHECK(ctx.err == rc && ctx.msg[0], "error %d without a message", rc);
	} else {
		fuzz_check_clang_args(out, nout, FUZZ_DIR, src);
		FUZZ_CHECK(nout - 3 <= CX_MAX_ARGS, "%zu arguments kept", nout - 3);
		size_t k = argc ? 1 : 0; /* argv[0] (the compiler) is never kept */
		for (size_t i = 0; i + 3 < nout; i++) {
			while (k < argc && strcmp(argv[k], out[i]) != 0)
				k++;
			FUZZ_CHECK(k < argc, "argument %zu '%s' is not an input word in order", i,
			           out[i]);
			k++;
		}
		for (size_t i = 0; i < nout; i++)
			free(out[i]);
		free(out);
	}
	free(words);
	free(buf);
	return 0;
}
