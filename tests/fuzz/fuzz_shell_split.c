/* fuzz_shell_split: cx_shell_split over arbitrary bytes, as found in the
 * "command" string of a compile database entry or in a response file.
 *
 * The input is copied into a NUL-terminated buffer (the API takes a C
 * string), so an embedded NUL ends the command.
 *
 * Invariants:
 * - the result is 0, CX_EINVAL (unterminated quote) or CX_ELIMIT (too many
 *   words), and an error comes with a message;
 * - on success there are at most CX_MAX_ARGS words, each a string no longer
 *   than the command, and words are non-NULL;
 * - an unquoted command without quotes or backslashes splits into exactly
 *   its blank-separated fields;
 * - quoting every word again (in single quotes, ' as '\'') and splitting
 *   that gives back the same words. */
#include "cx_limits.h"
#include "cx_scanner.h"
#include "fuzz_common.h"

static void free_words(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Number of blank-separated fields of s. */
static size_t fields(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		if (!is_blank(*p) && (p == s || is_blank(p[-1])))
			n++;
	return n;
}

/* The words joined back into one command, each in single quotes. */
static char *requote(char **v, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += 4 * strlen(v[i]) + 3;
	char *out = malloc(len);
	FUZZ_CHECK(out != NULL, "out of memory");
	char *o = out;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ' ';
		*o++ = '\'';
		for (const char *p = v[i]; *p; p++) {
			if (*p == '\'') {
				memcpy(o, "'\\''", 4);
				o += 4;
			} else {
				*o++ = *p;
			}
		}
		*o++ = '\'';
	}
	*o = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cmd = malloc(size + 1);
	FUZZ_CHECK(cmd != NULL, "out of memory");
	memcpy(cmd, data, size);
	cmd[size] = '\0';
	size_t len = strlen(cmd);

	char **v = NULL;
	size_t n = 0;
	struct cx_ctx ctx = {0};
	int rc = cx_shell_split(cmd, &v, &n, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "unexpected result %d", rc);
	if (rc) {
		FUZZ_CHECK(ctx.err == rc && ctx.msg[0], "error %d without a message", rc);
		free(cmd);
		return 0;
	}
	FUZZ_CHECK(n <= CX_MAX_ARGS, "%zu words", n);
	FUZZ_CHECK(n == 0 || v != NULL, "%zu words in a NULL array", n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(v[i] != NULL, "word %zu is NULL", i);
		FUZZ_CHECK(strlen(v[i]) <= len, "word %zu is longer than the command", i);
	}
	if (!strpbrk(cmd, "'\"\\"))
		FUZZ_CHECK(n == fields(cmd), "%zu words for %zu plain fields", n, fields(cmd));

	char *again = requote(v, n);
	char **w = NULL;
	size_t m = 0;
	rc = cx_shell_split(again, &w, &m, &ctx);
	FUZZ_CHECK(rc == 0, "re-quoted words do not split: %s", ctx.msg);
	FUZZ_CHECK(m == n, "%zu words, %zu after re-quoting", n, m);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(v[i], w[i]) == 0, "word %zu '%s' came back as '%s'", i, v[i],
		           w[i]);
	free_words(w, m);
	free(again);
	free_words(v, n);
	free(cmd);
	return 0;
}
