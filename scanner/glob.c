/* glob.c: path globs for --include/--exclude (and later, config overrides).
 * `*` and `?` stay within a component, `**` spans components, `[...]` is a
 * class (`[!...]` negated), `\` escapes. A glob without `/` is tried against
 * every component (like .gitignore); a glob with `/` against the whole path
 * and against every directory prefix of it, so `src/gen` covers its files. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cx_scanner.h"

static bool class_match(const char **gp, char c)
{
	const char *g = *gp + 1;
	bool neg = *g == '!' || *g == '^';
	if (neg)
		g++;
	bool hit = false;
	bool first = true;
	while (*g && (first || *g != ']')) {
		first = false;
		char lo = *g, hi = lo;
		if (g[1] == '-' && g[2] && g[2] != ']') {
			hi = g[2];
			g += 2;
		}
		if (c >= lo && c <= hi)
			hit = true;
		g++;
	}
	if (*g != ']')
		return false; /* unterminated class: matches nothing */
	*gp = g + 1;
	return hit != neg;
}

/* Positions (glob, path) already known not to match: without this, a
 * glob like `*a*a*a*a*b` backtracks exponentially. */
struct memo {
	const char *g0, *s0;
	size_t glen, slen;
	unsigned char *failed; /* (glen + 1) * (slen + 1) bits */
};

static bool known_fail(const struct memo *m, const char *g, const char *s)
{
	size_t k = (size_t)(g - m->g0) * (m->slen + 1) + (size_t)(s - m->s0);
	return m->failed && (m->failed[k / 8] >> (k % 8)) & 1;
}

static bool fail_at(const struct memo *m, const char *g, const char *s)
{
	size_t k = (size_t)(g - m->g0) * (m->slen + 1) + (size_t)(s - m->s0);
	if (m->failed)
		m->failed[k / 8] |= (unsigned char)(1u << (k % 8));
	return false;
}

/* Matches g against the whole of s[0..end). */
static bool match(const struct memo *m, const char *g, const char *s, const char *end)
{
	if (known_fail(m, g, s))
		return false;
	const char *g_in = g, *s_in = s;
	while (*g) {
		if (g[0] == '*' && g[1] == '*') {
			g += 2;
			bool slash = *g == '/';
			if (slash)
				g++;
			for (const char *t = s;; t++) {
				if ((!slash || t == s || t[-1] == '/') && match(m, g, t, end))
					return true;
				if (t == end)
					return fail_at(m, g_in, s_in);
			}
		}
		if (*g == '*') {
			g++;
			for (const char *t = s;; t++) {
				if (match(m, g, t, end))
					return true;
				if (t == end || *t == '/')
					return fail_at(m, g_in, s_in);
			}
		}
		if (s == end)
			return fail_at(m, g_in, s_in);
		if (*g == '?') {
			if (*s == '/')
				return fail_at(m, g_in, s_in);
		} else if (*g == '[') {
			if (*s == '/' || !class_match(&g, *s))
				return fail_at(m, g_in, s_in);
			s++;
			continue;
		} else {
			if (*g == '\\' && g[1])
				g++;
			if (*g != *s)
				return fail_at(m, g_in, s_in);
		}
		g++;
		s++;
	}
	return s == end || fail_at(m, g_in, s_in);
}

/* Matches glob against path[0..end) with a fresh memo. */
static bool match_whole(const char *glob, const char *path, const char *end)
{
	struct memo m = {.g0 = glob, .s0 = path, .glen = strlen(glob),
	                 .slen = (size_t)(end - path)};
	size_t bits = (m.glen + 1) * (m.slen + 1);
	m.failed = calloc(bits / 8 + 1, 1); /* NULL: no memo, still correct */
	bool r = match(&m, glob, path, end);
	free(m.failed);
	return r;
}

bool cx_glob_match(const char *glob, const char *path)
{
	const char *end = path + strlen(path);
	if (!strchr(glob, '/')) {
		for (const char *c = path; c <= end;) {
			const char *e = strchr(c, '/');
			if (!e)
				e = end;
			if (match_whole(glob, c, e))
				return true;
			c = e + 1;
		}
		return false;
	}
	if (glob[0] == '/')
		glob++;
	for (const char *e = path; e <= end; e++)
		if ((e == end || *e == '/') && match_whole(glob, path, e))
			return true;
	return false;
}
