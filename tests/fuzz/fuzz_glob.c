/* fuzz_glob: cx_glob_match over arbitrary globs and paths.
 *
 * Input: the glob, then a NUL or '\n', then the path (to its end or to the
 * next NUL). Without a separator the whole input is the glob and the path
 * is empty.
 *
 * Invariants:
 * - matching is a pure function: the same pair gives the same answer;
 * - "**" matches every path, and "*" every path (some component of any
 *   path, even an empty one, matches it);
 * - a glob without special characters ( * ? [ \ ) and without '/' matches
 *   exactly when it equals some '/'-separated component of the path; with
 *   a '/' (a leading one dropped) exactly when it equals the path or a
 *   directory prefix of it;
 * - a relative path (not starting with '/') matches itself escaped: each
 *   special character preceded by a backslash. */
#include "cx_scanner.h"
#include "fuzz_common.h"

static bool is_special(char c)
{
	return c == '*' || c == '?' || c == '[' || c == '\\';
}

static bool literal_match(const char *g, const char *path)
{
	size_t gl, pl = strlen(path);
	if (!strchr(g, '/')) {
		gl = strlen(g);
		for (const char *c = path;;) {
			const char *e = strchr(c, '/');
			size_t n = e ? (size_t)(e - c) : strlen(c);
			if (n == gl && memcmp(c, g, n) == 0)
				return true;
			if (!e)
				return false;
			c = e + 1;
		}
	}
	if (g[0] == '/')
		g++;
	gl = strlen(g);
	return gl <= pl && memcmp(g, path, gl) == 0 && (path[gl] == '\0' || path[gl] == '/');
}

static char *escape(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *o = out;
	FUZZ_CHECK(out != NULL, "out of memory");
	for (; *s; s++) {
		if (is_special(*s))
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 2);
	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = '\0';
	char *sep = buf;
	while (*sep && *sep != '\n')
		sep++;
	const char *glob = buf, *path = sep + (sep < buf + size);
	*sep = '\0';

	bool m = cx_glob_match(glob, path);
	FUZZ_CHECK(cx_glob_match(glob, path) == m, "two answers for '%s' vs '%s'", glob, path);
	FUZZ_CHECK(cx_glob_match("**", path), "'**' does not match '%s'", path);
	FUZZ_CHECK(cx_glob_match("*", path), "'*' does not match '%s'", path);

	bool literal = true;
	for (const char *p = glob; *p && literal; p++)
		literal = !is_special(*p);
	if (literal)
		FUZZ_CHECK(m == literal_match(glob, path), "literal '%s' vs '%s': %d", glob, path, m);

	if (path[0] != '/') {
		char *e = escape(path);
		FUZZ_CHECK(cx_glob_match(e, path), "'%s' does not match its escape '%s'", path, e);
		free(e);
	}
	free(buf);
	return 0;
}
