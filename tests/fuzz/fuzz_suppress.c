/* fuzz_suppress: cx_suppressions_scan over arbitrary bytes (any C source
 * file a scan reads).
 *
 * Invariants:
 * - the result is 0 or CX_ENOMEM; on CX_ENOMEM nothing is returned;
 * - at most CX_MAX_SUPPRESSIONS, in text order (line, then column, rising);
 * - each has a known kind, 1 <= line <= end_line <= the text's line count
 *   (1 + its '\n' bytes), a column within its line, and the marker word of
 *   its kind written at that line and column;
 * - rules hold no blank, reason no line break and no blank at either end;
 * - scanning the same bytes again gives the same suppressions;
 * - releasing frees everything (the leak checker sees the rest). */
#include "cx_err.h"
#include "cx_limits.h"
#include "cx_model.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Offsets where each line starts; *nlines gets their count. */
static size_t *line_starts(const uint8_t *data, size_t size, size_t *nlines)
{
	size_t n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	size_t *starts = malloc(n * sizeof *starts);
	FUZZ_CHECK(starts != NULL, "out of memory");
	size_t k = 0;
	starts[k++] = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			starts[k++] = i + 1;
	*nlines = n;
	return starts;
}

static bool word_at(const uint8_t *data, size_t size, size_t at, const char *word)
{
	size_t n = strlen(word);
	return at <= size && size - at >= n && memcmp(data + at, word, n) == 0;
}

static bool kind_word_at(const uint8_t *data, size_t size, size_t at, enum cx_sup_kind kind)
{
	switch (kind) {
	case CX_SUP_IGNORE:
		return word_at(data, size, at, "cxscan-ignore");
	case CX_SUP_BEGIN:
		return word_at(data, size, at, "cxscan-ignore-begin") ||
		       word_at(data, size, at, "NOLINTBEGIN");
	case CX_SUP_END:
		return word_at(data, size, at, "cxscan-ignore-end") ||
		       word_at(data, size, at, "NOLINTEND");
	case CX_SUP_NOLINT:
		return word_at(data, size, at, "NOLINT");
	case CX_SUP_NOLINTNEXTLINE:
		return word_at(data, size, at, "NOLINTNEXTLINE");
	}
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}

static void check_sup(const struct cx_suppression *s, size_t i, const uint8_t *data,
                      size_t size, const size_t *starts, size_t nlines)
{
	FUZZ_CHECK(s->line >= 1 && s->line <= s->end_line && s->end_line <= nlines,
	           "%zu: line %u end_line %u of %zu lines", i, s->line, s->end_line, nlines);
	size_t start = starts[s->line - 1];
	size_t line_end = s->line < nlines ? starts[s->line] : size;
	FUZZ_CHECK(s->column >= 1 && start + s->column - 1 < line_end,
	           "%zu: column %u outside line %u", i, s->column, s->line);
	FUZZ_CHECK(kind_word_at(data, size, start + s->column - 1, s->kind),
	           "%zu: kind %d not written at %u:%u", i, (int)s->kind, s->line, s->column);
	FUZZ_CHECK(s->rules && s->reason, "%zu: NULL rules or reason", i);
	for (const char *c = s->rules; *c; c++)
		FUZZ_CHECK(!is_blank(*c), "%zu: blank in rules '%s'", i, s->rules);
	size_t rn = strlen(s->reason);
	FUZZ_CHECK(!strchr(s->reason, '\n'), "%zu: reason of several lines", i);
	FUZZ_CHECK(rn == 0 || (!is_blank(s->reason[0]) && !is_blank(s->reason[rn - 1])),
	           "%zu: untrimmed reason '%s'", i, s->reason);
}

static void release(struct cx_suppression *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cx_suppression_release(&v[i]);
	free(v);
}

static void check_all(const struct cx_suppression *v, size_t n, const uint8_t *data,
                      size_t size)
{
	FUZZ_CHECK(n <= CX_MAX_SUPPRESSIONS, "%zu suppressions", n);
	FUZZ_CHECK((n == 0) == (v == NULL), "%zu suppressions in %p", n, (const void *)v);
	size_t nlines;
	size_t *starts = line_starts(data, size, &nlines);
	for (size_t i = 0; i < n; i++) {
		check_sup(&v[i], i, data, size, starts, nlines);
		FUZZ_CHECK(i == 0 || v[i - 1].line < v[i].line ||
		           (v[i - 1].line == v[i].line && v[i - 1].column < v[i].column),
		           "%zu: out of order", i);
	}
	free(starts);
}

/* A second scan of the same bytes gives the same suppressions. */
static void check_again(const struct cx_suppression *v, size_t n, const uint8_t *data,
                        size_t size)
{
	struct cx_suppression *w = NULL;
	size_t m = 0;
	FUZZ_CHECK(cx_suppressions_scan((const char *)data, size, &w, &m) == 0 && m == n,
	           "a second scan gives %zu, the first %zu", m, n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(w[i].kind == v[i].kind && w[i].line == v[i].line &&
		           w[i].column == v[i].column && w[i].end_line == v[i].end_line &&
		           strcmp(w[i].rules, v[i].rules) == 0 &&
		           strcmp(w[i].reason, v[i].reason) == 0,
		           "%zu differs between two scans", i);
	release(w, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_suppression *v = NULL;
	size_t n = 0;
	int rc = cx_suppressions_scan((const char *)data, size, &v, &n);
	FUZZ_CHECK(rc == 0 || rc == CX_ENOMEM, "unexpected result %d", rc);
	if (rc) {
		FUZZ_CHECK(v == NULL && n == 0, "a result with CX_ENOMEM");
		return 0;
	}
	check_all(v, n, data, size);
	check_again(v, n, data, size);
	release(v, n);
	return 0;
}
