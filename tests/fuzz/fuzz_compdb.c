/* fuzz_compdb: cx_compdb_parse over arbitrary compile_commands.json text.
 *
 * The database's own directory (`base`, which a relative "directory"
 * resolves against) is a private temporary directory created once (under
 * $TMPDIR, default /tmp), holding a few response files so that @file
 * expansion is exercised too: a plain one, a nested one, one that includes
 * itself (the nesting limit) and one with an unterminated quote. An absolute
 * "directory" can still point the response files elsewhere: cx_read_file
 * only reads regular files, so that is harmless.
 *
 * cx_compdb_objects_parse gets the same bytes: 0 or CX_EINVAL / CX_ELIMIT,
 * as many objects as sources, all normalized absolute paths.
 *
 * Invariants:
 * - the result is 0 or CX_EINVAL / CX_EIO / CX_ELIMIT with a message;
 * - entries appended before an error are still released without leaks;
 * - on success every source has a normalized absolute path and directory,
 *   no two sources share a path, and its arguments pass
 *   fuzz_check_clang_args (fuzz_common.h). */
#include <limits.h>
#include <unistd.h>

#include "cx_scanner.h"
#include "fuzz_common.h"

static char g_base[PATH_MAX];

static const struct {
	const char *name, *text;
} g_rsp[] = {
	{"a.rsp", "-DA=1 -Iinc '-DQ=a b' -o out.o -MD -MF dep.d x.c\n"},
	{"nest.rsp", "-DNEST @a.rsp \"-DS=\\\"s\\\"\"\n"},
	{"loop.rsp", "-DLOOP @loop.rsp\n"},
	{"bad.rsp", "-D'unterminated\n"},
};

static void cleanup(void)
{
	char path[PATH_MAX + 32];
	for (size_t i = 0; i < sizeof g_rsp / sizeof *g_rsp; i++) {
		snprintf(path, sizeof path, "%s/%s", g_base, g_rsp[i].name);
		unlink(path);
	}
	rmdir(g_base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_mkdtemp(g_base, sizeof g_base, "compdb");
	atexit(cleanup);
	char path[PATH_MAX + 32];
	for (size_t i = 0; i < sizeof g_rsp / sizeof *g_rsp; i++) {
		snprintf(path, sizeof path, "%s/%s", g_base, g_rsp[i].name);
		FILE *fp = fopen(path, "w");
		FUZZ_CHECK(fp != NULL, "cannot write %s", path);
		fputs(g_rsp[i].text, fp);
		fclose(fp);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_sources out = {0};
	struct cx_ctx ctx = {0};
	int rc = cx_compdb_parse((const char *)data, size, "fuzz.json", g_base, &out, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_EIO || rc == CX_ELIMIT,
	           "unexpected result %d: %s", rc, ctx.msg);
	if (rc)
		FUZZ_CHECK(ctx.err == rc && ctx.msg[0], "error %d without a message", rc);
	FUZZ_CHECK(out.n <= out.cap && (out.n == 0 || out.v), "bad source list");
	FUZZ_CHECK(out.compdb == NULL, "compdb set by a parse");
	for (size_t i = 0; rc == 0 && i < out.n; i++) {
		const struct cx_source *s = &out.v[i];
		FUZZ_CHECK(s->path && fuzz_is_normalized_abs(s->path), "source %zu path '%s'", i,
		           s->path ? s->path : "(null)");
		FUZZ_CHECK(s->directory && fuzz_is_normalized_abs(s->directory),
		           "source %zu directory '%s'", i, s->directory ? s->directory : "(null)");
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(out.v[k].path, s->path) != 0, "sources %zu and %zu are both '%s'",
			           k, i, s->path);
		/* the file as written is not known here: check against its path,
		 * which an argument equal to it must not be either */
		fuzz_check_clang_args(s->args, s->nargs, s->directory, s->path);
	}
	cx_sources_release(&out);
	/* the objects reader (test code from the build), on the same bytes */
	struct cx_strv srcs = {0}, objs = {0};
	rc = cx_compdb_objects_parse((const char *)data, size, "fuzz.json", g_base, &srcs, &objs,
	                             &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "objects: unexpected result %d: %s",
	           rc, ctx.msg);
	FUZZ_CHECK(srcs.n == objs.n, "objects: %zu sources, %zu objects", srcs.n, objs.n);
	for (size_t i = 0; rc == 0 && i < srcs.n; i++)
		FUZZ_CHECK(fuzz_is_normalized_abs(srcs.v[i]) && fuzz_is_normalized_abs(objs.v[i]),
		           "objects: entry %zu '%s' -> '%s'", i, srcs.v[i], objs.v[i]);
	cx_strv_release(&srcs);
	cx_strv_release(&objs);
	return 0;
}
