/* junit.c: JUnit XML test results (cx_cov.h) -> one entry a test case.
 *
 * The XML is untrusted input, parsed with expat. A DOCTYPE stops the parse
 * before its internal subset is read, and an entity declaration does too
 * (should one ever be reported), so no entity can be declared, expanded
 * (billion laughs) or loaded from outside (XXE): only the five predefined
 * entities and character references remain. No character data handler is
 * set: nothing of system-out or failure text is kept.
 *
 * Shapes accepted, as real producers write them:
 * - CTest 3.25 `--output-junit`: a bare <testsuite> whose <testcase>s
 *   carry status="run"|"fail"|"notrun"|"disabled" and a <failure> or
 *   <skipped> child;
 * - cmocka 1.1.5 (CMOCKA_MESSAGE_OUTPUT=XML): <testsuites><testsuite>
 *   per group, with <failure>/<skipped> children. With several groups it
 *   writes one <testsuites> document after another into the same stream
 *   (the second without an XML declaration), so a document that follows a
 *   complete one is read as a document of its own;
 * - the common <testsuites>/<testsuite>/<testcase> with <failure>, <error>
 *   and <skipped> children, suites nested in suites.
 * The structure is checked where it decides what a case is: the root must
 * be a suite, a case must sit in a suite (<testsuite> or <testsuites>) and
 * cannot hold a case or a suite. Any other element (properties,
 * system-out, ...) is skipped whole, cases in it included. Names are kept
 * as given, in UTF-8 whatever the document's encoding (expat converts
 * UTF-16 and ISO-8859-1 and rejects malformed bytes). */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <expat.h>

#include "cx_cov.h"
#include "cx_limits.h"
#include "cx_util.h"

/* A time attribute longer than this is not a time: no producer writes one,
 * and strtod would otherwise be handed megabytes of digits. */
#define TIME_MAX_CHARS 64

struct jstate {
	XML_Parser p;
	struct cx_junit *out;
	size_t cap; /* of out->cases, as far as this read knows */
	struct cx_ctx *ctx;
	int rc;     /* first error; the parser is stopped once it is set */
	/* where this document starts in the whole input, for messages */
	unsigned long base_line, base_col;
	locale_t c_locale; /* for strtod_l, made when first needed */
	unsigned long salt; /* expat's hash salt, one for all documents */

	bool root_done;       /* this document's root element has ended */
	size_t suite_depth;   /* open testsuite(s) elements */
	size_t ignore_depth;  /* open elements of a skipped subtree */
	bool in_case;
	struct cx_junit_case cur; /* the open testcase, owned until it ends */
	bool cur_failed, cur_skipped;
};

/* The parser's current position in the whole input: line 1-based, column
 * 1-based (expat counts columns from 0). A document after the first one
 * starts mid-line, so only its first line is shifted by base_col. */
static void position(const struct jstate *st, unsigned long *line, unsigned long *col)
{
	unsigned long l = (unsigned long)XML_GetCurrentLineNumber(st->p);
	unsigned long c = (unsigned long)XML_GetCurrentColumnNumber(st->p);
	*line = st->base_line + (l ? l - 1 : 0);
	*col = (l <= 1 ? st->base_col : 0) + c + 1;
}

/* Records an error found by a handler (the first one wins) and stops the
 * parser; expat may still deliver a few events, which are then ignored. */
static void fail(struct jstate *st, int err, const char *what, const char *name)
{
	if (st->rc)
		return;
	unsigned long line, col;
	position(st, &line, &col);
	if (err == CX_ENOMEM)
		st->rc = cx_error(st->ctx, err, "JUnit XML: out of memory at %lu:%lu", line, col);
	else
		st->rc = cx_error(st->ctx, err, "JUnit XML: %lu:%lu: %s%.64s%s", line, col, what,
		                  name ? name : "", name ? ">" : "");
	XML_StopParser(st->p, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Past the digits at p, counted into *digits. */
static const char *skip_digits(const char *p, size_t *digits)
{
	while (is_digit(*p))
		p++, (*digits)++;
	return p;
}

/* Past an exponent's sign and digits at p (after the 'e'); NULL without a
 * digit. */
static const char *scan_exponent(const char *p)
{
	size_t digits = 0;
	if (*p == '+' || *p == '-')
		p++;
	if (!is_digit(*p))
		return NULL;
	return skip_digits(p, &digits);
}

/* The end of the plain decimal at s (digits, an optional fraction and
 * exponent); NULL when s does not start with one. */
static const char *scan_decimal(const char *s)
{
	size_t digits = 0;
	const char *p = skip_digits(s, &digits);
	if (*p == '.')
		p = skip_digits(p + 1, &digits);
	if (digits == 0)
		return NULL;
	if (*p == 'e' || *p == 'E')
		return scan_exponent(p + 1);
	return p;
}

/* The C locale, made when first needed; (locale_t)0 when it cannot be. */
static locale_t c_locale(struct jstate *st)
{
	if (!st->c_locale)
		st->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return st->c_locale;
}

static bool blank_rest(const char *p)
{
	while (is_space(*p))
		p++;
	return *p == '\0';
}

/* The plain decimal from s to end converted in the C locale; false unless
 * finite and not negative. */
static bool c_strtod(struct jstate *st, const char *s, const char *end, double *out)
{
	locale_t loc = c_locale(st);
	if (!loc)
		return false;
	char *e = NULL;
	double v = strtod_l(s, &e, loc);
	if (e != end || !isfinite(v) || v < 0)
		return false;
	*out = v;
	return true;
}

/* "time" in seconds: a plain non-negative decimal (digits, an optional
 * fraction and exponent; XML blanks around it), finite. Anything else
 * (a sign, hex, inf, nan, a comma, units) is not a time. Converted in the
 * C locale: a caller's setlocale() must not turn "0.25" into garbage. */
static bool parse_time(struct jstate *st, const char *s, double *out)
{
	if (strlen(s) > TIME_MAX_CHARS)
		return false;
	while (is_space(*s))
		s++;
	const char *end = scan_decimal(s);
	if (!end || !blank_rest(end))
		return false;
	return c_strtod(st, s, end, out);
}

static void case_free(struct jstate *st)
{
	free(st->cur.name);
	free(st->cur.classname);
	memset(&st->cur, 0, sizeof st->cur);
	st->in_case = false;
}

/* The open case's time and CTest's status attributes. */
static void case_attrs(struct jstate *st, const XML_Char **atts)
{
	const char *t = attr(atts, "time");
	st->cur.has_time = t && parse_time(st, t, &st->cur.time_s);
	if (!st->cur.has_time)
		st->cur.time_s = 0;
	/* CTest's status; Google Test writes "run"/"notrun" too. Other values
	 * leave the children to decide. */
	const char *s = attr(atts, "status");
	if (s && strcmp(s, "fail") == 0)
		st->cur_failed = true;
	else if (s && (strcmp(s, "notrun") == 0 || strcmp(s, "disabled") == 0))
		st->cur_skipped = true;
}

static void case_start(struct jstate *st, const XML_Char **atts)
{
	const char *name = attr(atts, "name");
	if (!name) {
		fail(st, CX_EINVAL, "<testcase> without a name attribute", NULL);
		return;
	}
	const char *cls = attr(atts, "classname");
	st->in_case = true;
	st->cur_failed = st->cur_skipped = false;
	st->cur.name = cx_strdup(name);
	st->cur.classname = cx_strdup(cls ? cls : "");
	if (!st->cur.name || !st->cur.classname) {
		fail(st, CX_ENOMEM, "", NULL);
		return;
	}
	case_attrs(st, atts);
}

static void case_end(struct jstate *st)
{
	st->cur.status = st->cur_failed    ? CX_TEST_FAILED
	                 : st->cur_skipped ? CX_TEST_SKIPPED
	                                   : CX_TEST_PASSED;
	if (cx_grow(&st->out->cases, &st->cap, st->out->ncases + 1, sizeof *st->out->cases)) {
		fail(st, CX_ENOMEM, "", NULL);
		return;
	}
	st->out->cases[st->out->ncases++] = st->cur;
	memset(&st->cur, 0, sizeof st->cur); /* now owned by out */
	st->in_case = false;
}

static bool is_suite(const char *name)
{
	return strcmp(name, "testsuite") == 0 || strcmp(name, "testsuites") == 0;
}

/* A direct child of the open case: its verdict, else skipped. */
static void case_child(struct jstate *st, const XML_Char *name)
{
	if (strcmp(name, "failure") == 0 || strcmp(name, "error") == 0)
		st->cur_failed = true;
	else if (strcmp(name, "skipped") == 0)
		st->cur_skipped = true;
	else if (strcmp(name, "testcase") == 0 || is_suite(name))
		fail(st, CX_EINVAL, "<testcase> holds a <", name);
	st->ignore_depth = 1;
}

/* An element in a suite, outside any case. */
static void suite_child(struct jstate *st, const XML_Char *name, const XML_Char **atts)
{
	if (is_suite(name))
		st->suite_depth++;
	else if (strcmp(name, "testcase") == 0)
		case_start(st, atts);
	else
		st->ignore_depth = 1;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct jstate *st = ud;
	if (st->rc)
		return;
	if (st->ignore_depth) {
		st->ignore_depth++;
		return;
	}
	if (st->in_case) {
		case_child(st, name);
		return;
	}
	if (st->suite_depth == 0) {
		if (!is_suite(name))
			fail(st, CX_EINVAL, "root element is not <testsuites> or <testsuite> but <",
			     name);
		st->suite_depth = 1;
		return;
	}
	suite_child(st, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct jstate *st = ud;
	(void)name; /* expat has matched it with its start tag */
	if (st->rc)
		return;
	if (st->ignore_depth)
		st->ignore_depth--;
	else if (st->in_case)
		case_end(st);
	else if (st->suite_depth && --st->suite_depth == 0)
		st->root_done = true;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	fail(ud, CX_EINVAL, "a DOCTYPE is not accepted (no DTD or entity is ever loaded)",
	     NULL);
}

// cxscan-ignore(cxscan-parameter-count): expat's XML_EntityDeclHandler signature
static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len,
                                   const XML_Char *base, const XML_Char *sysid,
                                   const XML_Char *pubid, const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid,
		(void)pubid, (void)notation;
	fail(ud, CX_EINVAL, "an entity declaration is not accepted", NULL);
}

/* expat copies what it is given into its own buffer (XML_CONTEXT_BYTES
 * builds, Debian's included), so a document is fed in chunks: handing it
 * all the rest of the input for every document of a long concatenation
 * would copy the input once a document. The first chunk is small and each
 * one doubles, so what is fed past a document's end (the start of the
 * next one) is at most about its own size plus FEED_FIRST. */
#define FEED_FIRST 256u
#define FEED_MAX (1u << 20)

/* st->p ready for a new document: one parser, reset between documents
 * (creating one costs more than parsing a small document). */
static int start_parser(struct jstate *st)
{
	if (!st->p)
		st->p = XML_ParserCreate(NULL);
	else if (!XML_ParserReset(st->p, NULL))
		return cx_error(st->ctx, CX_ENOMEM, "JUnit XML: out of memory");
	if (!st->p)
		return cx_error(st->ctx, CX_ENOMEM, "JUnit XML: out of memory");
	if (st->salt)
		XML_SetHashSalt(st->p, st->salt);
	XML_SetUserData(st->p, st);
	XML_SetElementHandler(st->p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(st->p, on_doctype);
	XML_SetEntityDeclHandler(st->p, on_entity_decl);
	XML_SetParamEntityParsing(st->p, XML_PARAM_ENTITY_PARSING_NEVER);
	st->root_done = false;
	st->suite_depth = st->ignore_depth = 0;
	return 0;
}

/* Feeds data to expat in growing chunks until it stops or data ends. */
static enum XML_Status feed(struct jstate *st, const char *data, size_t len)
{
	enum XML_Status status = XML_STATUS_OK;
	size_t pos = 0, chunk = FEED_FIRST;
	while (status == XML_STATUS_OK && pos < len) {
		size_t n = len - pos < chunk ? len - pos : chunk;
		status = XML_Parse(st->p, data + pos, (int)n, pos + n == len);
		pos += n;
		if (chunk < FEED_MAX)
			chunk *= 2;
	}
	return status;
}

/* Whether expat's error `code` at byte `at` is the start of another
 * document after a complete one (cmocka, or files concatenated). */
static bool another_document(const struct jstate *st, const char *data, size_t len,
                             XML_Index at, enum XML_Error code)
{
	if (!st->root_done || at <= 0 || (size_t)at >= len || data[at] != '<')
		return false;
	return code == XML_ERROR_JUNK_AFTER_DOC_ELEMENT || code == XML_ERROR_MISPLACED_XML_PI;
}

/* expat stopped with an error of its own: another document follows (*next
 * set to its offset, 0 returned), or the error. */
static int parse_error(struct jstate *st, const char *data, size_t len, size_t *next)
{
	enum XML_Error code = XML_GetErrorCode(st->p);
	XML_Index at = XML_GetCurrentByteIndex(st->p);
	unsigned long line, col;
	position(st, &line, &col);
	if (!another_document(st, data, len, at, code))
		return cx_error(st->ctx, CX_EINVAL, "JUnit XML: %lu:%lu: %s", line, col,
		                XML_ErrorString(code));
	*next = (size_t)at;
	st->base_line = line;
	st->base_col = col - 1;
	return 0;
}

/* Parses one document from data. On success *next is 0, or the offset of
 * another document that follows this one. */
static int parse_document(struct jstate *st, const char *data, size_t len, size_t *next)
{
	*next = 0;
	int rc = start_parser(st);
	if (rc)
		return rc;
	enum XML_Status status = feed(st, data, len);
	if (status != XML_STATUS_OK && st->rc == 0)
		rc = parse_error(st, data, len, next);
	if (st->rc)
		rc = st->rc;
	return rc;
}

static int check_input(const void *data, size_t len, const struct cx_junit *out,
                       struct cx_ctx *ctx)
{
	if (!out || (!data && len))
		return cx_error(ctx, CX_EINVAL, "JUnit XML: no input");
	/* also keeps the length within expat's int */
	if (len > CX_MAX_JUNIT_BYTES)
		return cx_error(ctx, CX_ELIMIT, "JUnit XML: %zu bytes is over the limit of %u bytes",
		                len, (unsigned)CX_MAX_JUNIT_BYTES);
	if (len == 0)
		return cx_error(ctx, CX_EINVAL, "JUnit XML: empty input");
	return 0;
}

static void jstate_release(struct jstate *st)
{
	case_free(st);
	if (st->p)
		XML_ParserFree(st->p);
	if (st->c_locale)
		freelocale(st->c_locale);
}

int cx_junit_read(const void *data, size_t len, struct cx_junit *out, struct cx_ctx *ctx)
{
	int rc = check_input(data, len, out, ctx);
	if (rc)
		return rc;
	struct jstate st = {.out = out, .cap = out->ncases, .ctx = ctx, .base_line = 1};
	/* Left alone, expat asks the kernel for a salt for every parser, which
	 * dominates a long run of tiny documents: one random salt serves them
	 * all (0, when none can be had, has expat make its own). */
	if (getrandom(&st.salt, sizeof st.salt, GRND_NONBLOCK) != (ssize_t)sizeof st.salt)
		st.salt = 0;
	const char *p = data;
	size_t off = 0, next = 0;
	do {
		rc = parse_document(&st, p + off, len - off, &next);
		off += next;
	} while (rc == 0 && next);
	jstate_release(&st);
	return rc;
}

void cx_junit_release(struct cx_junit *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->ncases; i++) {
		free(j->cases[i].name);
		free(j->cases[i].classname);
	}
	free(j->cases);
	j->cases = NULL;
	j->ncases = 0;
}

const char *cx_test_status_name(enum cx_test_status st)
{
	switch (st) {
	case CX_TEST_PASSED:
		return "passed";
	case CX_TEST_FAILED:
		return "failed";
	case CX_TEST_SKIPPED:
		return "skipped";
	}
	return "unknown";
}
