/* fuzz_staged: cx_index_texts_parse over arbitrary bytes (what --staged
 * reads from `git diff --raw -z` and `git cat-file --batch`). The first
 * two bytes give the raw diff's length (little-endian), the rest after it
 * is cat-file's answer.
 *
 * Invariants:
 * - the result is 0, CX_EINVAL, CX_ELIMIT or CX_ENOMEM; an error comes with
 *   a one-line message starting "git " and an empty result;
 * - every text's path is the top directory, "/", and a non-empty name
 *   without "." or ".." components;
 * - every text lies inside the batch copy the result owns, is at most
 *   CX_MAX_SOURCE_BYTES long and has no NUL byte;
 * - parsing the same bytes again gives the same result or message;
 * - releasing frees everything and empties the struct. */
#include <limits.h>
#include <unistd.h>

#include "cx_git.h"
#include "cx_limits.h"
#include "fuzz_common.h"

static char g_dir[4096], g_top[PATH_MAX];

static void cleanup(void)
{
	rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_mkdtemp(g_dir, sizeof g_dir, "staged");
	/* the parser resolves the directories of the names it returns */
	FUZZ_CHECK(realpath(g_dir, g_top) != NULL, "cannot resolve %s", g_dir);
	atexit(cleanup);
	return 0;
}

static void check_text(const struct cx_index_texts *t, size_t i, size_t batchlen)
{
	const struct cx_unsaved *u = &t->v[i];
	size_t tl = strlen(g_top);
	FUZZ_CHECK(u->path && strncmp(u->path, g_top, tl) == 0 && u->path[tl] == '/' &&
	           u->path[tl + 1], "text %zu: path '%s' not in %s", i, u->path, g_top);
	const char *name = u->path + tl + 1;
	FUZZ_CHECK(!strstr(name, "//") && strncmp(name, "../", 3) && strncmp(name, "./", 2) &&
	           !strstr(name, "/../") && !strstr(name, "/./"),
	           "text %zu: name '%s'", i, name);
	FUZZ_CHECK(u->data >= t->raw && u->data + u->len <= t->raw + batchlen,
	           "text %zu outside the batch", i);
	FUZZ_CHECK(u->len <= CX_MAX_SOURCE_BYTES, "text %zu of %zu bytes", i, u->len);
	FUZZ_CHECK(!memchr(u->data, '\0', u->len), "text %zu has a NUL byte", i);
}

static bool same(const struct cx_index_texts *a, const struct cx_index_texts *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].path, b->v[i].path) || a->v[i].len != b->v[i].len ||
		    memcmp(a->v[i].data, b->v[i].data, a->v[i].len))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t rawlen = (size_t)data[0] | (size_t)data[1] << 8;
	if (rawlen > size - 2)
		rawlen = size - 2;
	const char *raw = (const char *)data + 2, *batch = raw + rawlen;
	size_t batchlen = size - 2 - rawlen;
	struct cx_index_texts t;
	struct cx_ctx ctx = {0};
	int rc = cx_index_texts_parse(g_top, raw, rawlen, batch, batchlen, &t, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT || rc == CX_ENOMEM,
	           "unexpected result %d: %s", rc, ctx.msg);
	if (rc) {
		FUZZ_CHECK(ctx.err == rc && fuzz_starts_with(ctx.msg, "git "),
		           "error %d with the message '%s'", rc, ctx.msg);
		FUZZ_CHECK(!strchr(ctx.msg, '\n'), "message of several lines: '%s'", ctx.msg);
		FUZZ_CHECK(t.n == 0 && t.v == NULL && t.raw == NULL, "a result with error %d", rc);
	}
	for (size_t i = 0; i < t.n; i++)
		check_text(&t, i, batchlen);

	struct cx_index_texts again;
	struct cx_ctx ctx2 = {0};
	int rc2 = cx_index_texts_parse(g_top, raw, rawlen, batch, batchlen, &again, &ctx2);
	FUZZ_CHECK(rc2 == rc && strcmp(ctx.msg, ctx2.msg) == 0 && same(&t, &again),
	           "a second parse gives %d '%s', the first %d '%s'", rc2, ctx2.msg, rc, ctx.msg);
	cx_index_texts_release(&again);
	cx_index_texts_release(&t);
	FUZZ_CHECK(t.v == NULL && t.n == 0 && t.raw == NULL, "release left the texts set");
	return 0;
}
