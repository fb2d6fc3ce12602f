/* fuzz_config: cx_config_parse over arbitrary bytes (a .cxscan.json that a
 * repository commits, which cxscan reads on every run).
 *
 * Invariants:
 * - the result is 0 or CX_EINVAL / CX_ELIMIT, an error with a one-line
 *   message "fuzz.json:LINE:COL: ..." (LINE and COL at least 1, LINE at
 *   most the input's line count);
 * - a failed parse leaves the configuration releasable without leaks;
 * - on success: every rule setting is coherent ("off" has no thresholds,
 *   an unnamed rule has nothing set, thresholds are >= -1), every override
 *   has paths, every glob and flag is a non-empty UTF-8 string, the
 *   compile database is a normalized absolute path, macros is -1, 0 or
 *   1, and cx_config_threshold gives thresholds >= -1 for every rule on a
 *   few paths;
 * - on success the input is JSON once comments are gone: cJSON reads an
 *   object from it;
 * - parsing the same bytes again gives the same result and message. */
#include <cJSON.h>

#include "cx_config.h"
#include "cx_limits.h"
#include "fuzz_common.h"

#define NAME "fuzz.json"
#define BASE_DIR "/fuzz/dir"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Length of the UTF-8 sequence that lead byte c starts (0: not a lead
 * byte), and the smallest code point of that length into *min. */
static size_t seq_len(unsigned c, unsigned *min)
{
	static const struct {
		unsigned mask, lead, min;
		size_t n;
	} forms[] = {{0x80, 0x00, 0, 1}, {0xe0, 0xc0, 0x80, 2}, {0xf0, 0xe0, 0x800, 3},
	             {0xf8, 0xf0, 0x10000, 4}};
	for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
		if ((c & forms[f].mask) == forms[f].lead) {
			*min = forms[f].min;
			return forms[f].n;
		}
	}
	return 0;
}

/* One well-formed character at *sp (no overlong form, no surrogate,
 * nothing past U+10FFFF); *sp moves past it. */
static bool valid_char(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	unsigned min = 0;
	size_t n = seq_len(*s, &min);
	if (n == 0)
		return false;
	unsigned cp = n == 1 ? *s : *s & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false; /* the terminating NUL stops here too */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*sp = s + n;
	return cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/* A non-empty string of well-formed UTF-8. */
static bool valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	if (!*s)
		return false;
	while (*s)
		if (!valid_char(&s))
			return false;
	return true;
}

static void check_strv(const struct cx_strv *sv, const char *what)
{
	FUZZ_CHECK(sv->n <= sv->cap && (sv->n == 0 || sv->v), "%s: bad list", what);
	for (size_t i = 0; i < sv->n; i++)
		FUZZ_CHECK(sv->v[i] && valid_utf8(sv->v[i]), "%s[%zu] is empty or not UTF-8", what, i);
}

static void check_setting(const struct cx_rule_setting *s, const char *where, size_t r)
{
	if (!s->set)
		FUZZ_CHECK(!s->off && !s->has_warning && !s->has_error,
		           "%s rule %zu: not named but something set", where, r);
	if (s->off)
		FUZZ_CHECK(!s->has_warning && !s->has_error, "%s rule %zu: off with thresholds", where,
		           r);
	FUZZ_CHECK(!s->has_warning || s->th.warning >= -1, "%s rule %zu: warning %lld", where, r,
	           (long long)s->th.warning);
	FUZZ_CHECK(!s->has_error || s->th.error >= -1, "%s rule %zu: error %lld", where, r,
	           (long long)s->th.error);
}

static void check_thresholds(const struct cx_config *c)
{
	static const char *const paths[] = {"a.c", "src/a.c", "tests/unit/t.c", "x/y/z.h", NULL};
	for (size_t r = 0; r < cx_nrules; r++) {
		for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
			bool off = false;
			struct cx_threshold t = cx_config_threshold(c, r, paths[p], &off);
			FUZZ_CHECK(t.warning >= -1 && t.error >= -1, "rule %zu: thresholds %lld %lld", r,
			           (long long)t.warning, (long long)t.error);
		}
	}
}

static void check_config(const struct cx_config *c)
{
	FUZZ_CHECK(c->rules != NULL, "no rule settings");
	FUZZ_CHECK(c->path == NULL, "path set by a parse");
	for (size_t r = 0; r < cx_nrules; r++)
		check_setting(&c->rules[r], "top", r);
	FUZZ_CHECK(c->noverrides == 0 || c->overrides, "overrides missing");
	for (size_t i = 0; i < c->noverrides; i++) {
		FUZZ_CHECK(c->overrides[i].paths.n >= 1, "override %zu without paths", i);
		FUZZ_CHECK(c->overrides[i].rules != NULL, "override %zu without rules", i);
		check_strv(&c->overrides[i].paths, "override paths");
		for (size_t r = 0; r < cx_nrules; r++)
			check_setting(&c->overrides[i].rules[r], "override", r);
	}
	check_strv(&c->include, "include");
	check_strv(&c->exclude, "exclude");
	check_strv(&c->add_flags, "add");
	check_strv(&c->remove_flags, "remove");
	check_strv(&c->fallback_flags, "fallback");
	FUZZ_CHECK(c->has_fallback || c->fallback_flags.n == 0, "fallback flags without has_fallback");
	FUZZ_CHECK(c->macros >= -1 && c->macros <= 1, "macros %d", c->macros);
	if (c->compile_database)
		FUZZ_CHECK(fuzz_is_normalized_abs(c->compile_database),
		           "compile_database '%s' is not a normalized absolute path",
		           c->compile_database);
	check_thresholds(c);
}

static void check_message(const uint8_t *data, size_t size, int rc, const struct cx_ctx *ctx)
{
	FUZZ_CHECK(ctx->err == rc && fuzz_starts_with(ctx->msg, NAME ":"),
	           "error %d with the message '%s'", rc, ctx->msg);
	FUZZ_CHECK(!strchr(ctx->msg, '\n'), "message of several lines: '%s'", ctx->msg);
	if (size > CX_MAX_CONFIG_BYTES) /* "NAME: larger than the limit" */
		return;
	unsigned line = 0, col = 0;
	int n = sscanf(ctx->msg, NAME ":%u:%u: ", &line, &col);
	FUZZ_CHECK(n == 2 && line >= 1 && col >= 1, "message without a position: '%s'", ctx->msg);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK(line <= lines, "line %u of %zu: '%s'", line, lines, ctx->msg);
}

/* Blanks the comment that starts at t[i] (a slash); the index of its last
 * byte. */
static size_t blank_comment(char *t, size_t n, size_t i)
{
	FUZZ_CHECK(i + 1 < n && (t[i + 1] == '/' || t[i + 1] == '*'),
	           "accepted with a '/' that starts no comment");
	size_t e = i + 2;
	if (t[i + 1] == '/') {
		while (e < n && t[e] != '\n')
			e++;
		memset(t + i, ' ', e - i);
		return e - 1;
	}
	while (e + 1 < n && !(t[e] == '*' && t[e + 1] == '/'))
		e++;
	FUZZ_CHECK(e + 1 < n, "accepted with an unterminated comment");
	memset(t + i, ' ', e + 2 - i);
	return e + 1;
}

/* Blanks the comments of text in place: a small scanner of its own (not
 * cJSON_Minify, which reads the closing quote of "a\\" as an escaped one), so that
 * cJSON checks the syntax the reader accepted. */
static void blank_comments(char *t, size_t n)
{
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		if (in_string && t[i] == '\\')
			i++; /* the escaped character */
		else if (t[i] == '"')
			in_string = !in_string;
		else if (!in_string && t[i] == '/')
			i = blank_comment(t, n, i);
	}
}

/* The input without its byte order mark and comments, read by cJSON. */
static void check_with_cjson(const uint8_t *data, size_t size)
{
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		size -= 3;
	}
	char *text = malloc(size + 1);
	FUZZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	blank_comments(text, size);
	cJSON *j = cJSON_ParseWithLength(text, size);
	FUZZ_CHECK(j && cJSON_IsObject(j), "accepted, but cJSON does not read an object from '%s'",
	           text);
	cJSON_Delete(j);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_config c;
	struct cx_ctx ctx = {0};
	FUZZ_CHECK(cx_config_init(&c) == 0, "init");
	int rc = cx_config_parse((const char *)data, size, NAME, BASE_DIR, &c, &ctx);
	FUZZ_CHECK(rc == 0 || rc == CX_EINVAL || rc == CX_ELIMIT, "unexpected result %d: %s", rc,
	           ctx.msg);
	if (rc) {
		check_message(data, size, rc, &ctx);
	} else {
		check_config(&c);
		check_with_cjson(data, size);
	}
	cx_config_release(&c);

	struct cx_config again;
	struct cx_ctx ctx2 = {0};
	FUZZ_CHECK(cx_config_init(&again) == 0, "init");
	int rc2 = cx_config_parse((const char *)data, size, NAME, BASE_DIR, &again, &ctx2);
	FUZZ_CHECK(rc2 == rc && strcmp(ctx.msg, ctx2.msg) == 0,
	           "a second parse gives %d '%s', the first %d '%s'", rc2, ctx2.msg, rc, ctx.msg);
	cx_config_release(&again);
	return 0;
}
