/* fuzz_source: the analyzer (libclang parse + metric walkers) over
 * arbitrary C source bytes.
 *
 * Each input is written to <tmp>/input.c in a private temporary directory
 * created once (under $TMPDIR, default /tmp), and analysed with
 * "-std=gnu11 -w", the scan root being that directory. The first byte's
 * low bit picks the macro mode (odd: expand, even or empty: ignore). Like cxscan
 * (scanner/scan.c), the analyzer runs on a thread with CX_ANALYZER_STACK
 * bytes of stack, which the metric walkers' recursion (bounded by
 * CX_MAX_AST_DEPTH) relies on.
 *
 * libclang's crash recovery stays on, as in cxscan: a crash inside libclang
 * becomes an error file, except a stack overflow there, which kills the
 * process with a bare SIGSEGV (no report, no saved input). Run with
 * LIBCLANG_DISABLE_CRASH_RECOVERY=1 to get ASan's report instead.
 *
 * Invariants:
 * - cx_analyzer_run returns 0 (it fails only on ENOMEM);
 * - the main file comes first, with the input's real path; an input with a
 *   NUL byte is an error file; an error file has a diagnostic and no
 *   functions and is the only file; an ok file has no diagnostic, a
 *   degraded one has at least one and at most CX_MAX_DIAGNOSTICS + 1;
 * - other files (headers) lie under the scan root;
 * - per function: a name, end_line >= line, length = end_line - line + 1,
 *   nloc <= length and nloc <= tokens; blocks have a depth in
 *   [1, max_nesting]; increments have a valid kind, and (for a measured
 *   function) ccn = 1 + the sum of the increments' ccn and cognitive = the
 *   sum of their cognitive (the --explain output adds up). */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>

#include "cx_analyzer.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "fuzz_common.h"

static char g_dir[PATH_MAX];
static char g_input[PATH_MAX];
static struct cx_analyzer *g_an;

static void cleanup(void)
{
	cx_analyzer_free(g_an);
	g_an = NULL;
	unlink(g_input);
	rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char tmpl[PATH_MAX];
	fuzz_mkdtemp(tmpl, sizeof tmpl, "source");
	FUZZ_CHECK(realpath(tmpl, g_dir) != NULL, "realpath of %s", tmpl);
	snprintf(g_input, sizeof g_input, "%s/input.c", g_dir);
	g_an = cx_analyzer_new();
	FUZZ_CHECK(g_an != NULL, "cannot create an analyzer");
	atexit(cleanup);
	return 0;
}

struct run {
	struct cx_tu_job job;
	struct cx_file *files;
	size_t nfiles;
	struct cx_ctx ctx;
	int rc;
};

static void *run_thread(void *arg)
{
	struct run *r = arg;
	struct cx_tu_out out;
	r->rc = cx_analyzer_run(g_an, &r->job, NULL, NULL, &out, &r->ctx);
	r->files = out.files;
	r->nfiles = out.nfiles;
	out.files = NULL;
	out.nfiles = 0;
	cx_tu_out_release(&out);
	return NULL;
}

static void check_function(const struct cx_function *fn, size_t fi)
{
	FUZZ_CHECK(fn->name != NULL, "function %zu has no name", fi);
	const char *nm = fn->name;
	FUZZ_CHECK(fn->end_line >= fn->line, "%s: end_line %u < line %u", nm, fn->end_line,
	           fn->line);
	FUZZ_CHECK(fn->length == fn->end_line - fn->line + 1, "%s: length %u for lines %u-%u", nm,
	           fn->length, fn->line, fn->end_line);
	FUZZ_CHECK(fn->nloc <= fn->length, "%s: nloc %u > length %u", nm, fn->nloc, fn->length);
	FUZZ_CHECK(fn->nloc <= fn->tokens, "%s: nloc %u > tokens %u", nm, fn->nloc, fn->tokens);
	FUZZ_CHECK(fn->nblocks == 0 || fn->blocks, "%s: NULL blocks", nm);
	FUZZ_CHECK(fn->nincs == 0 || fn->incs, "%s: NULL increments", nm);
	for (size_t b = 0; b < fn->nblocks; b++) {
		const struct cx_block *bl = &fn->blocks[b];
		FUZZ_CHECK(bl->kind < CX_K_COUNT, "%s: block %zu kind %d", nm, b, (int)bl->kind);
		FUZZ_CHECK(bl->depth >= 1 && bl->depth <= fn->max_nesting,
		           "%s: block %zu depth %u, max_nesting %u", nm, b, bl->depth,
		           fn->max_nesting);
	}
	uint64_t ccn = 0, cog = 0;
	bool saturated = false;
	for (size_t i = 0; i < fn->nincs; i++) {
		const struct cx_increment *in = &fn->incs[i];
		FUZZ_CHECK(in->kind < CX_K_COUNT, "%s: increment %zu kind %d", nm, i, (int)in->kind);
		FUZZ_CHECK(in->ccn <= 1, "%s: increment %zu ccn %u", nm, i, in->ccn);
		ccn += in->ccn;
		cog += in->cognitive;
		saturated |= in->cognitive == UINT16_MAX;
	}
	if (fn->ccn == 0) /* not measured (no body) */
		return;
	FUZZ_CHECK(fn->ccn == 1 + ccn, "%s: ccn %u, increments add up to 1 + %llu", nm, fn->ccn,
	           (unsigned long long)ccn);
	FUZZ_CHECK(saturated || fn->cognitive == cog,
	           "%s: cognitive %u, increments add up to %llu", nm, fn->cognitive,
	           (unsigned long long)cog);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = open(g_input, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_CHECK(fd >= 0, "cannot write %s", g_input);
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		FUZZ_CHECK(w > 0, "cannot write %s", g_input);
		off += (size_t)w;
	}
	close(fd);

	static const char *const args[] = {"-std=gnu11", "-w"};
	struct run r = {
		.job = {
			.path = g_input, .directory = g_dir, .args = args,
			.nargs = sizeof args / sizeof *args, .root = g_dir,
			.macros = size && (data[0] & 1) ? CX_MACROS_EXPAND : CX_MACROS_IGNORE,
		},
	};
	pthread_attr_t attr;
	pthread_t th;
	FUZZ_CHECK(pthread_attr_init(&attr) == 0, "pthread_attr_init");
	FUZZ_CHECK(pthread_attr_setstacksize(&attr, CX_ANALYZER_STACK) == 0, "stack size");
	FUZZ_CHECK(pthread_create(&th, &attr, run_thread, &r) == 0, "cannot start a thread");
	pthread_join(th, NULL);
	pthread_attr_destroy(&attr);

	FUZZ_CHECK(r.rc == 0, "cx_analyzer_run: %d: %s", r.rc, r.ctx.msg);
	FUZZ_CHECK(r.nfiles >= 1 && r.files, "%zu files", r.nfiles);
	const struct cx_file *mf = &r.files[0];
	FUZZ_CHECK(mf->path && strcmp(mf->path, g_input) == 0, "main file '%s'",
	           mf->path ? mf->path : "(null)");
	if (memchr(data, '\0', size))
		FUZZ_CHECK(mf->status == CX_FILE_ERROR, "a NUL byte, but status %d", mf->status);
	if (mf->status == CX_FILE_ERROR)
		FUZZ_CHECK(mf->ndiags >= 1 && mf->nfuncs == 0 && r.nfiles == 1,
		           "error file with %zu diagnostics, %zu functions, %zu files", mf->ndiags,
		           mf->nfuncs, r.nfiles);
	for (size_t i = 0; i < r.nfiles; i++) {
		const struct cx_file *f = &r.files[i];
		FUZZ_CHECK(f->path != NULL, "file %zu has no path", i);
		FUZZ_CHECK(i == 0 || cx_path_under(g_dir, f->path), "file %zu '%s' outside the root",
		           i, f->path);
		FUZZ_CHECK(f->status == CX_FILE_OK || f->status == CX_FILE_DEGRADED ||
		           f->status == CX_FILE_ERROR, "file %zu status %d", i, (int)f->status);
		FUZZ_CHECK((f->status == CX_FILE_OK) == (f->ndiags == 0),
		           "file %zu status %d with %zu diagnostics", i, (int)f->status, f->ndiags);
		FUZZ_CHECK(f->ndiags <= CX_MAX_DIAGNOSTICS + 1, "file %zu: %zu diagnostics", i,
		           f->ndiags);
		for (size_t d = 0; d < f->ndiags; d++)
			FUZZ_CHECK(f->diags[d] && f->diags[d][0], "file %zu diagnostic %zu empty", i, d);
		FUZZ_CHECK(f->nfuncs == 0 || f->funcs, "file %zu: NULL functions", i);
		for (size_t k = 0; k < f->nfuncs; k++)
			check_function(&f->funcs[k], k);
	}
	for (size_t i = 0; i < r.nfiles; i++)
		cx_file_release(&r.files[i]);
	free(r.files);
	return 0;
}
