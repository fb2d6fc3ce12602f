/* glob.c: path globs for --include/--exclude (and later, config overrides).
 * `*` and `?` stay within a component, `**` spans components, `[...]` is a
 * class (`[!...]` negated), `\` escapes. A glob without `/` is tried against
 * every component (like .gitignore); a glob with `/` against the whole path
 * and against every directory prefix of it, so `src/gen` covers its files. */
#include <stdbool.h>
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

/* Matches g against the whole of s[0..n). */
static bool match(const char *g, const char *s, const char *end)
{
	while (*g) {
		if (g[0] == '*' && g[1] == '*') {
			g += 2;
			bool slash = *g == '/';
			if (slash)
				g++;
			for (const char *t = s;; t++) {
				if ((!slash || t == s || t[-1] == '/') && match(g, t, end))
					return true;
				if (t == end)
					return false;
			}
		}
		if (*g == '*') {
			g++;
			for (const char *t = s;; t++) {
				if (match(g, t, end))
					return true;
				if (t == end || *t == '/')
					return false;
			}
		}
		if (s == end)
			return false;
		if (*g == '?') {
			if (*s == '/')
				return false;
		} else if (*g == '[') {
			if (*s == '/' || !class_match(&g, *s))
				return false;
			s++;
			continue;
		} else {
			if (*g == '\\' && g[1])
				g++;
			if (*g != *s)
				return false;
		}
		g++;
		s++;
	}
	return s == end;
}

bool cx_glob_match(const char *glob, const char *path)
{
	const char *end = path + strlen(path);
	if (!strchr(glob, '/')) {
		for (const char *c = path; c <= end;) {
			const char *e = strchr(c, '/');
			if (!e)
				e = end;
			if (match(glob, c, e))
				return true;
			c = e + 1;
		}
		return false;
	}
	if (glob[0] == '/')
		glob++;
	for (const char *e = path; e <= end; e++)
		if ((e == end || *e == '/') && match(glob, path, e))
			return true;
	return false;
}
