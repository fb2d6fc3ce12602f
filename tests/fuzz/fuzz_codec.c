/* fuzz_codec: cx_codec_decode and cx_sources_decode over arbitrary bytes (a
 * cached result blob, or a memoized TU list, read back from a cache file
 * someone else may have written).
 *
 * Invariants:
 * - the result is 0, CX_EINVAL or CX_ENOMEM; on an error nothing is
 *   returned (files NULL, nfiles 0, skips untouched) and nothing leaks;
 * - on success the model is within its ranges: statuses and kinds are
 *   known values, npath >= 0, increments fit 16 bits, flags are bools,
 *   and each skip group's keys are strictly ascending;
 * - re-encoding the decoded data succeeds, is never longer than the input
 *   (the encoder writes minimal varints), and decodes again to the same
 *   data, which re-encodes to the same bytes;
 * - the TU list decoder likewise: 0, CX_EINVAL or CX_ENOMEM, nothing
 *   appended on an error, non-empty paths and directories on success, and
 *   a re-encoding no longer than the input that decodes to the same list;
 * - the result store's memo form (cx_store_decode), given the input with
 *   its checksum appended (else nothing gets past the checksum): 0,
 *   CX_EINVAL or CX_ENOMEM; once accepted, reading every file gives 0,
 *   CX_EINVAL or CX_ENOMEM, and nothing leaks. */
#include "cx_scanner.h"
#include "cx_store.h"
#include <xxhash.h>
#include "cx_cache.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_model(const struct cx_file *files, size_t nfiles, const struct cx_skips *sk)
{
	for (size_t i = 0; i < nfiles; i++) {
		const struct cx_file *f = &files[i];
		FUZZ_CHECK(f->path != NULL, "file %zu without a path", i);
		FUZZ_CHECK((unsigned)f->status <= CX_FILE_ERROR, "file %zu status %d", i, f->status);
		FUZZ_CHECK(f->ndiags == 0 || f->diags, "file %zu: %zu diags, no array", i, f->ndiags);
		for (size_t d = 0; d < f->ndiags; d++)
			FUZZ_CHECK(f->diags[d] != NULL, "file %zu diag %zu is NULL", i, d);
		FUZZ_CHECK(f->nfuncs == 0 || f->funcs, "file %zu: %zu funcs, no array", i, f->nfuncs);
		for (size_t k = 0; k < f->nfuncs; k++) {
			const struct cx_function *fn = &f->funcs[k];
			FUZZ_CHECK(fn->name != NULL, "function %zu.%zu without a name", i, k);
			FUZZ_CHECK(fn->npath >= 0, "function %zu.%zu npath %lld", i, k,
			           (long long)fn->npath);
			FUZZ_CHECK(fn->nblocks == 0 || fn->blocks, "function %zu.%zu blocks", i, k);
			FUZZ_CHECK(fn->nincs == 0 || fn->incs, "function %zu.%zu incs", i, k);
			for (size_t b = 0; b < fn->nblocks; b++)
				FUZZ_CHECK((unsigned)fn->blocks[b].kind < CX_K_COUNT, "block kind %d",
				           fn->blocks[b].kind);
			for (size_t b = 0; b < fn->nincs; b++)
				FUZZ_CHECK((unsigned)fn->incs[b].kind < CX_K_COUNT, "increment kind %d",
				           fn->incs[b].kind);
		}
	}
	FUZZ_CHECK(sk->n <= sk->cap && (sk->n == 0 || sk->v), "bad skip list");
	for (size_t g = 0; g < sk->n; g++) {
		const struct cx_skip_group *sg = &sk->v[g];
		FUZZ_CHECK(sg->path != NULL, "group %zu without a path", g);
		FUZZ_CHECK(sg->n <= sg->cap && (sg->n == 0 || sg->keys), "group %zu keys", g);
		for (size_t k = 1; k < sg->n; k++)
			FUZZ_CHECK(sg->keys[k - 1] < sg->keys[k], "group %zu keys %zu, %zu not ascending",
			           g, k - 1, k);
	}
}

static bool same_function(const struct cx_function *a, const struct cx_function *b)
{
	if (strcmp(a->name, b->name) != 0 || a->line != b->line || a->column != b->column ||
	    a->end_line != b->end_line || a->ccn != b->ccn || a->ccn_modified != b->ccn_modified ||
	    a->npath != b->npath || a->cognitive != b->cognitive ||
	    a->max_nesting != b->max_nesting || a->params != b->params ||
	    a->variadic != b->variadic || a->nloc != b->nloc || a->tokens != b->tokens ||
	    a->statements != b->statements || a->length != b->length ||
	    a->from_macro != b->from_macro || a->nblocks != b->nblocks || a->nincs != b->nincs)
		return false;
	for (size_t i = 0; i < a->nblocks; i++) {
		const struct cx_block *x = &a->blocks[i], *y = &b->blocks[i];
		if (x->kind != y->kind || x->line != y->line || x->end_line != y->end_line ||
		    x->depth != y->depth || x->ccn != y->ccn || x->cognitive != y->cognitive)
			return false;
	}
	for (size_t i = 0; i < a->nincs; i++) {
		const struct cx_increment *x = &a->incs[i], *y = &b->incs[i];
		if (x->kind != y->kind || x->line != y->line || x->column != y->column ||
		    x->ccn != y->ccn || x->cognitive != y->cognitive || x->nesting != y->nesting)
			return false;
	}
	return true;
}

static void check_same(const struct cx_file *a, size_t na, const struct cx_skips *sa,
                       const struct cx_file *b, size_t nb, const struct cx_skips *sb)
{
	FUZZ_CHECK(na == nb, "%zu files, then %zu", na, nb);
	for (size_t i = 0; i < na; i++) {
		FUZZ_CHECK(strcmp(a[i].path, b[i].path) == 0 && a[i].status == b[i].status &&
		           a[i].ndiags == b[i].ndiags && a[i].nfuncs == b[i].nfuncs,
		           "file %zu differs after a round trip", i);
		for (size_t d = 0; d < a[i].ndiags; d++)
			FUZZ_CHECK(strcmp(a[i].diags[d], b[i].diags[d]) == 0, "file %zu diag %zu differs",
			           i, d);
		for (size_t k = 0; k < a[i].nfuncs; k++)
			FUZZ_CHECK(same_function(&a[i].funcs[k], &b[i].funcs[k]),
			           "file %zu function %zu differs after a round trip", i, k);
	}
	FUZZ_CHECK(sa->n == sb->n, "%zu skip groups, then %zu", sa->n, sb->n);
	for (size_t g = 0; g < sa->n; g++)
		FUZZ_CHECK(strcmp(sa->v[g].path, sb->v[g].path) == 0 && sa->v[g].n == sb->v[g].n &&
		           (sa->v[g].n == 0 ||
		            memcmp(sa->v[g].keys, sb->v[g].keys, sa->v[g].n * sizeof(uint64_t)) == 0),
		           "skip group %zu differs after a round trip", g);
}

static void release(struct cx_file *files, size_t n, struct cx_skips *sk)
{
	for (size_t i = 0; i < n; i++)
		cx_file_release(&files[i]);
	free(files);
	cx_skips_release(sk);
}

static void check_sources(const uint8_t *data, size_t size)
{
	struct cx_sources a = {0}, b = {0};
	int rc = cx_sources_decode(data, size, &a);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ENOMEM, "sources: unexpected %d", rc);
	if (rc) {
		FUZZ_CHECK(a.n == 0, "sources: error %d appended %zu", rc, a.n);
		cx_sources_release(&a);
		return;
	}
	for (size_t i = 0; i < a.n; i++)
		FUZZ_CHECK(a.v[i].path && a.v[i].path[0] && a.v[i].directory && a.v[i].directory[0] &&
		           (a.v[i].nargs == 0 || a.v[i].args),
		           "source %zu incomplete", i);
	struct cx_buf e = {0};
	if (cx_sources_encode(&e, a.v, a.n) == 0) {
		FUZZ_CHECK(e.n <= size, "sources re-encoded to %zu bytes from %zu", e.n, size);
		rc = cx_sources_decode(e.p, e.n, &b);
		FUZZ_CHECK(rc == 0 || rc == CX_ENOMEM, "re-encoded sources do not decode: %d", rc);
		if (rc == 0) {
			FUZZ_CHECK(b.n == a.n, "%zu sources, then %zu", a.n, b.n);
			for (size_t i = 0; i < a.n; i++) {
				bool same = strcmp(a.v[i].path, b.v[i].path) == 0 &&
				            strcmp(a.v[i].directory, b.v[i].directory) == 0 &&
				            a.v[i].nargs == b.v[i].nargs;
				for (size_t k = 0; same && k < a.v[i].nargs; k++)
					same = strcmp(a.v[i].args[k], b.v[i].args[k]) == 0;
				FUZZ_CHECK(same, "source %zu differs after a round trip", i);
			}
		}
	}
	cx_buf_release(&e);
	cx_sources_release(&a);
	cx_sources_release(&b);
}

static int read_file(void *arg, const struct cx_file *f)
{
	size_t *n = arg;
	FUZZ_CHECK(f->path != NULL, "a stored file without a path");
	(*n)++;
	return 0;
}

static void check_store(const uint8_t *data, size_t size)
{
	uint8_t *m = malloc(size + 8);
	if (!m)
		return;
	memcpy(m, data, size);
	uint64_t h = XXH3_64bits(data, size);
	for (int k = 0; k < 8; k++)
		m[size + k] = (uint8_t)(h >> (8 * k));
	struct cx_result res = {0};
	int rc = cx_store_decode(&res, m, size + 8);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ENOMEM, "store: unexpected %d", rc);
	if (rc == 0) {
		size_t n = 0;
		rc = cx_result_each(&res, read_file, &n);
		FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ENOMEM, "store read: %d", rc);
	} else {
		FUZZ_CHECK(res.store == NULL, "store: error %d kept a store", rc);
	}
	cx_result_release(&res);
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_store(data, size);
	check_sources(data, size);
	struct cx_file *files = (struct cx_file *)&files;
	size_t nfiles = 12345;
	struct cx_skips sk = {0};
	int rc = cx_codec_decode(data, size, &files, &nfiles, &sk);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ENOMEM, "unexpected result %d", rc);
	if (rc) {
		FUZZ_CHECK(files == NULL && nfiles == 0, "error %d returned files", rc);
		FUZZ_CHECK(sk.v == NULL && sk.n == 0 && sk.cap == 0, "error %d returned skips", rc);
		return 0;
	}
	FUZZ_CHECK(nfiles == 0 || files != NULL, "%zu files, no array", nfiles);
	check_model(files, nfiles, &sk);

	struct cx_buf b1 = {0};
	rc = cx_codec_encode(&b1, files, nfiles, &sk);
	FUZZ_CHECK(rc == 0 || rc == CX_ENOMEM, "encode: %d", rc);
	if (rc) {
		cx_buf_release(&b1);
		release(files, nfiles, &sk);
		return 0;
	}
	FUZZ_CHECK(b1.n <= size, "re-encoded to %zu bytes from %zu", b1.n, size);

	struct cx_file *files2 = NULL;
	size_t nfiles2 = 0;
	struct cx_skips sk2 = {0};
	rc = cx_codec_decode(b1.p, b1.n, &files2, &nfiles2, &sk2);
	FUZZ_CHECK(rc == 0 || rc == CX_ENOMEM, "the re-encoded blob does not decode: %d", rc);
	if (rc == 0) {
		check_same(files, nfiles, &sk, files2, nfiles2, &sk2);
		struct cx_buf b2 = {0};
		rc = cx_codec_encode(&b2, files2, nfiles2, &sk2);
		FUZZ_CHECK(rc == 0 || rc == CX_ENOMEM, "encode: %d", rc);
		if (rc == 0)
			FUZZ_CHECK(b2.n == b1.n && memcmp(b2.p, b1.p, b1.n) == 0,
			           "the second encoding differs (%zu bytes, then %zu)", b1.n, b2.n);
		cx_buf_release(&b2);
		release(files2, nfiles2, &sk2);
	}
	cx_buf_release(&b1);
	release(files, nfiles, &sk);
	return 0;
}
