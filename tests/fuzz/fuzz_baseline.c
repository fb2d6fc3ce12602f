/* fuzz_baseline: cx_baseline_parse over arbitrary bytes (a baseline file a
 * repository commits), and cx_baseline_write of what it read.
 *
 * Writes go to a private temporary directory created once (under $TMPDIR,
 * default /tmp) and removed at exit.
 *
 * Invariants:
 * - the result is 0 or CX_EINVAL / CX_ELIMIT, an error with a one-line
 *   message "fuzz.json:LINE:COL: ..." (LINE, COL at least 1), and the
 *   baseline is left empty (nothing leaks);
 * - on success the entries are strictly sorted by (path, function with
 *   null first, rule), so no key repeats; every rule is a known rule id,
 *   every path non-empty, every function NULL or non-empty, every value
 *   >= 0; cx_baseline_get finds each entry with its value, and misses a
 *   key that is not there;
 * - writing the entries as findings and reading the file back gives the
 *   same entries, and writing them again gives the same bytes;
 * - parsing the same bytes again gives the same result and message. */
#include <limits.h>
#include <unistd.h>

#include "cx_config.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "fuzz_common.h"

#define NAME "fuzz.json"

static char g_dir[PATH_MAX];
static char g_out[PATH_MAX + 32], g_out2[PATH_MAX + 32];

static void cleanup(void)
{
	unlink(g_out);
	unlink(g_out2);
	rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_mkdtemp(g_dir, sizeof g_dir, "baseline");
	snprintf(g_out, sizeof g_out, "%s/one.json", g_dir);
	snprintf(g_out2, sizeof g_out2, "%s/two.json", g_dir);
	atexit(cleanup);
	return 0;
}

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_entries(const struct cx_baseline_entry *a, const struct cx_baseline_entry *b)
{
	int d = strcmp(a->path, b->path);
	if (d == 0)
		d = cmp_opt(a->function, b->function);
	return d ? d : strcmp(a->rule, b->rule);
}

static void check_entries(const struct cx_baseline *b)
{
	FUZZ_CHECK(b->n <= b->cap && (b->n == 0 || b->v), "bad entry list");
	for (size_t i = 0; i < b->n; i++) {
		const struct cx_baseline_entry *e = &b->v[i];
		FUZZ_CHECK(e->rule && cx_rule_find(e->rule) >= 0, "entry %zu: rule", i);
		FUZZ_CHECK(e->path && *e->path, "entry %zu: path", i);
		FUZZ_CHECK(!e->function || *e->function, "entry %zu: empty function", i);
		FUZZ_CHECK(e->value >= 0, "entry %zu: value %lld", i, (long long)e->value);
		FUZZ_CHECK(i == 0 || cmp_entries(&b->v[i - 1], e) < 0, "entries %zu and %zu out of order",
		           i - 1, i);
		int64_t v = -1;
		FUZZ_CHECK(cx_baseline_get(b, e->rule, e->path, e->function, &v) && v == e->value,
		           "entry %zu not found by cx_baseline_get", i);
	}
	FUZZ_CHECK(!cx_baseline_get(b, "cxscan-npath", "", NULL, NULL), "found an empty path");
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx ctx = {0};
	FUZZ_CHECK(cx_read_file(path, CX_MAX_CONFIG_BYTES, &buf, &len, &ctx) == 0, "read: %s",
	           ctx.msg);
	return buf;
}

/* Writes b's entries as findings (in reverse order, to exercise the sort),
 * twice, and reads the first file back. */
static void check_round_trip(const struct cx_baseline *b)
{
	struct cx_findings f = {0};
	f.v = calloc(b->n + 1, sizeof *f.v);
	FUZZ_CHECK(f.v != NULL, "out of memory");
	for (size_t i = 0; i < b->n; i++) {
		const struct cx_baseline_entry *e = &b->v[b->n - 1 - i];
		f.v[i] = (struct cx_finding){.rule = (size_t)cx_rule_find(e->rule), .path = e->path,
		                             .function = e->function, .value = e->value};
	}
	f.n = f.cap = b->n;
	struct cx_ctx ctx = {0};
	FUZZ_CHECK(cx_baseline_write(g_out, &f, &ctx) == 0, "write: %s", ctx.msg);
	FUZZ_CHECK(cx_baseline_write(g_out2, &f, &ctx) == 0, "write again: %s", ctx.msg);
	char *one = slurp(g_out), *two = slurp(g_out2);
	FUZZ_CHECK(strcmp(one, two) == 0, "two writes differ:\n%s\n%s", one, two);

	struct cx_baseline back;
	int rc = cx_baseline_parse(one, strlen(one), "written", &back, &ctx);
	FUZZ_CHECK(rc == 0, "the written baseline does not parse: %s\n%s", ctx.msg, one);
	FUZZ_CHECK(back.n == b->n, "%zu entries read back, %zu written", back.n, b->n);
	for (size_t i = 0; i < b->n; i++)
		FUZZ_CHECK(cmp_entries(&back.v[i], &b->v[i]) == 0 && back.v[i].value == b->v[i].value,
		           "entry %zu differs after a round trip", i);
	cx_baseline_release(&back);
	free(one);
	free(two);
	free(f.v);
}

static void check_message(int rc, const struct cx_ctx *ctx, size_t size)
{
	FUZZ_CHECK(ctx->err == rc && fuzz_starts_with(ctx->msg, NAME ":"),
	           "error %d with the message '%s'", rc, ctx->msg);
	FUZZ_CHECK(!strchr(ctx->msg, '\n'), "message of several lines: '%s'", ctx->msg);
	unsigned line = 0, col = 0;
	FUZZ_CHECK(size > CX_MAX_CONFIG_BYTES ||
	           (sscanf(ctx->msg, NAME ":%u:%u: ", &line, &col) == 2 && line >= 1 && col >= 1),
	           "message without a position: '%s'", ctx->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_baseline b;
	struct cx_ctx ctx = {0};
	int rc = cx_baseline_parse((const char *)data, size, NAME, &b, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "unexpected result %d: %s", rc,
	           ctx.msg);
	if (rc) {
		check_message(rc, &ctx, size);
		FUZZ_CHECK(b.v == NULL && b.n == 0, "entries left after an error");
	} else {
		check_entries(&b);
		check_round_trip(&b);
	}

	struct cx_baseline again;
	struct cx_ctx ctx2 = {0};
	int rc2 = cx_baseline_parse((const char *)data, size, NAME, &again, &ctx2);
	FUZZ_CHECK(rc2 == rc && strcmp(ctx.msg, ctx2.msg) == 0 && again.n == b.n,
	           "a second parse gives %d '%s', the first %d '%s'", rc2, ctx2.msg, rc, ctx.msg);
	cx_baseline_release(&again);
	cx_baseline_release(&b);
	return 0;
}
