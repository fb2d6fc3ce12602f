/* findings_util.h: what the writers of findings (report/findings_*.c)
 * share, private to report/: the escaping of each output syntax (XML,
 * URI, GitHub workflow commands, Markdown table cells),
 * runs of findings of one file or one function, fingerprints made unique
 * per finding, and the final write check. */
#ifndef CX_FINDINGS_UTIL_H
#define CX_FINDINGS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cx_findings.h"
#include "cx_util.h"

/* 0 when every write to out went through (flushes it), else CX_EIO. */
int fu_finish(FILE *out);

/* A column as written: 1 for an unknown one (0), as the gcc format does. */
uint32_t fu_col(uint32_t column);

/* "error" for CX_LEVEL_ERROR, "warning" for anything else. */
const char *fu_level_name(enum cx_level level);

/* The UTF-8 sequence at s (not at its NUL): its length, 1 to 4, and its
 * code point in *cp; an invalid or overlong sequence or a surrogate is one
 * byte long with *cp = -1. */
size_t fu_utf8(const unsigned char *s, long *cp);

/* Writes s (NULL: "") escaped for XML 1.0: & < > " ' as entities;
 * characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE,
 * U+FFFF) and invalid UTF-8 become U+FFFD. In an attribute (attr) tab, LF
 * and CR are character references too, so that parsers do not turn them
 * into spaces; in text CR is one (a parser would drop it), tab and LF stay. */
void fu_xml(FILE *out, const char *s, bool attr);

/* Byte c of a URI path, percent-encoded per RFC 3986 into out (room for
 * 3): the unreserved characters (A-Z a-z 0-9 - . _ ~) and '/' stay, every
 * other byte becomes %XX (upper-case hex), so spaces, ':' and non-ASCII
 * UTF-8 are safe. Returns the length written, 1 or 3. */
size_t fu_uri_byte(unsigned char c, char *out);

/* Writes s (NULL: "") escaped for a GitHub Actions workflow command: in the
 * data (after "::") % CR LF become %25 %0D %0A; in a property value (prop)
 * ':' and ',' become %3A and %2C as well. */
void fu_gh(FILE *out, const char *s, bool prop);

/* Appends s (NULL: "") as the text of a Markdown table cell: the ASCII
 * punctuation Markdown could read as syntax (\ ` * _ [ ] < > | & ~ $) is
 * backslash-escaped, CR, LF and tab become spaces, invalid UTF-8 U+FFFD. */
void fu_md_cell(struct cx_buf *b, const char *s);

/* End of the run of findings from i on that share i's path (by_function:
 * and its function and line, i.e. are the findings of one function). */
size_t fu_run_end(const struct cx_findings *f, size_t i, bool by_function);

/* Fingerprints unique per finding: v[i] is finding i's own fingerprint,
 * except for the second and later findings (in finding order) that share
 * one, which is possible for two static functions of one name in one file:
 * those get the 16 hex digits of a hash of the fingerprint and their
 * ordinal, the same on every run over the same findings. */
struct fu_fps {
	const char **v;
	char *own; /* 17 bytes a finding, for the replacements */
};
/* 0 or CX_ENOMEM. */
int fu_fps_init(struct fu_fps *p, const struct cx_findings *f) CX_MUST_CHECK;
void fu_fps_release(struct fu_fps *p);

#endif
