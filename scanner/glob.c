/* glob.c: path globs for --include/--exclude (and later, config overrides).
 * `*` and `?` stay within a component, `**` spans components, `[...]` is a
 * class (`[!...]` negated), `\` escapes. A glob without `/` is tried against
 * every component (like .gitignore); a glob with `/` against the whole path
 * and against every directory prefix of it, so `src/gen` covers its files. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cx_scanner.h"

/* Reads one item of a class at *gp (`a`, or a range `a-z`), advancing past
 * it; whether c is in it. */
static bool class_item(const char **gp, char c)
{
	const char *g = *gp;
	char lo = *g, hi = lo;
	if (g[1] == '-' && g[2] && g[2] != ']') {
		hi = g[2];
		g += 2;
	}
	*gp = g + 1;
	return c >= lo && c <= hi;
}

/* The ']' that closes the class opening at g (a ']' first in the class,
 * after a '!' or '^', is a member), or NULL when there is none. */
static const char *class_end(const char *g)
{
	g++;
	if (*g == '!' || *g == '^')
		g++;
	if (*g == ']')
		g++;
	return *g ? strchr(g, ']') : NULL;
}

static bool class_match(const char **gp, char c)
{
	const char *end = class_end(*gp);
	if (!end)
		return false; /* unterminated class: matches nothing */
	const char *g = *gp + 1;
	bool neg = *g == '!' || *g == '^';
	if (neg)
		g++;
	bool hit = false;
	while (g < end)
		if (class_item(&g, c))
			hit = true;
	*gp = end + 1;
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

static bool match(const struct memo *m, const char *g, const char *s, const char *end);

/* `**` (g is past it): any run of characters, `/` included; `**` + `/`
 * only up to a component start. */
static bool match_globstar(const struct memo *m, const char *g, const char *s,
                           const char *end)
{
	bool slash = *g == '/';
	if (slash)
		g++;
	for (const char *t = s;; t++) {
		if ((!slash || t == s || t[-1] == '/') && match(m, g, t, end))
			return true;
		if (t == end)
			return false;
	}
}

/* `*` (g is past it): any run of characters within the component. */
static bool match_star(const struct memo *m, const char *g, const char *s, const char *end)
{
	for (const char *t = s;; t++) {
		if (match(m, g, t, end))
			return true;
		if (t == end || *t == '/')
			return false;
	}
}

/* g is at a `*`: matches it (or `**`) and the rest of g against s[0..end). */
static bool match_stars(const struct memo *m, const char *g, const char *s, const char *end)
{
	if (g[1] == '*')
		return match_globstar(m, g + 2, s, end);
	return match_star(m, g + 1, s, end);
}

/* Matches the one-character item at *gp (`?`, a class, an escaped or a
 * plain character) against c, which is not the end, advancing *gp past it. */
static bool match_one(const char **gp, char c)
{
	if (**gp == '?') {
		(*gp)++;
		return c != '/';
	}
	if (**gp == '[')
		return c != '/' && class_match(gp, c);
	if (**gp == '\\' && (*gp)[1])
		(*gp)++;
	bool hit = **gp == c;
	(*gp)++;
	return hit;
}

/* Matches g against the whole of s[0..end). */
static bool match(const struct memo *m, const char *g, const char *s, const char *end)
{
	if (known_fail(m, g, s))
		return false;
	const char *g_in = g, *s_in = s;
	while (*g) {
		if (*g == '*')
			return match_stars(m, g, s, end) || fail_at(m, g_in, s_in);
		if (s == end || !match_one(&g, *s))
			return fail_at(m, g_in, s_in);
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

/* ---- checking a glob ---- */

/* Why the component c[0..n) can never match (empty, ".", ".."), or NULL;
 * last: it ends the glob. */
static const char *component_problem(const char *c, size_t n, bool last)
{
	if (n == 0)
		return last ? "a trailing '/'" : "an empty path component";
	if (strspn(c, ".") == n && n <= 2)
		return "a '.' or '..' component (paths are relative to the scan root)";
	return NULL;
}

/* Why a component of g can never match a path relative to the scan root,
 * or NULL. */
static const char *components_problem(const char *g)
{
	const char *c = g[0] == '/' ? g + 1 : g;
	for (;;) {
		const char *e = strchr(c, '/');
		const char *why = component_problem(c, e ? (size_t)(e - c) : strlen(c), !e);
		if (why || !e)
			return why;
		c = e + 1;
	}
}

const char *cx_glob_problem(const char *g)
{
	if (!*g)
		return "it is empty";
	for (const char *p = g; *p; p++) {
		if (*p == '\\') {
			if (!*++p) /* the escaped character is literal, even '[' */
				return "a trailing backslash";
		} else if (*p == '[' && !(p = class_end(p))) {
			return "an unterminated '['";
		}
	}
	return components_problem(g);
}
