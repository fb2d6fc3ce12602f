/* baseline.c: the baseline file (cx_config.h): findings accepted as they
 * are, keyed by (rule, path, function), never by line.
 *
 * Reading is as strict as the configuration (jsonc.c: positions,
 * duplicate keys; a table of known keys per object). Entries are kept
 * sorted by (path, function with null first, rule) with one entry per key
 * (the largest value), so lookups are a binary search. Writing sorts and
 * merges the same way, so the same findings give the same bytes, and goes
 * through a temporary file renamed over the target, so a reader never sees
 * half a baseline. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_config.h"
#include "cx_limits.h"
#include "jsonc.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BASELINE_VERSION 1
#define BASELINE_TOOL "cxscan"

/* ---- order ---- */

/* strcmp with NULL (a file finding's function) first. */
static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_key(const char *pa, const char *fa, const char *ra, const char *pb,
                   const char *fb, const char *rb)
{
	int d = strcmp(pa, pb);
	if (d == 0)
		d = cmp_opt(fa, fb);
	return d ? d : strcmp(ra, rb);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cx_baseline_entry *x = a, *y = b;
	return cmp_key(x->path, x->function, x->rule, y->path, y->function, y->rule);
}

/* ---- reading ---- */

/* Keys read, bit i for the i-th entry of the field tables below. */
enum { SEEN_RULE = 1, SEEN_PATH = 2, SEEN_FUNCTION = 4, SEEN_VALUE = 8, SEEN_ALL = 15 };
enum { TOP_VERSION = 1, TOP_TOOL = 2, TOP_FINDINGS = 4 };

struct bwalk {
	struct cx_baseline *b;
	const char *name;
	struct cx_ctx *ctx;
	struct cx_baseline_entry *e; /* the entry being read */
	unsigned seen;               /* SEEN_* of that entry */
	unsigned seen_top;           /* bit i: top_fields[i] was read */
};

static int nomem(struct bwalk *w)
{
	return cx_error(w->ctx, CX_ENOMEM, "%s: out of memory", w->name);
}

static int must(struct bwalk *w, const struct cx_jsonc *v, const char *path, const char *what)
{
	return cx_jsonc_must(w->ctx, w->name, v, path, what);
}

/* A copy of v's text when it is a non-empty string, into *out. */
static int take_string(struct bwalk *w, const struct cx_jsonc *v, const char *path,
                       char **out)
{
	if (v->type != CX_JSONC_STRING || !*v->s)
		return must(w, v, path, "a non-empty string");
	*out = cx_strdup(v->s);
	return *out ? 0 : nomem(w);
}

static int read_rule(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	char q[96];
	w->seen |= SEEN_RULE;
	int rc = take_string(w, v, path, &w->e->rule);
	if (rc == 0 && cx_rule_find(v->s) < 0)
		rc = cx_jsonc_fail(w->ctx, w->name, v->line, v->col, "unknown rule %s",
		                   cx_jsonc_quote(v->s, q, sizeof q));
	return rc;
}

static int read_path(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	w->seen |= SEEN_PATH;
	return take_string(w, v, path, &w->e->path);
}

static int read_function(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	w->seen |= SEEN_FUNCTION;
	if (v->type == CX_JSONC_NULL)
		return 0;
	if (v->type != CX_JSONC_STRING || !*v->s)
		return must(w, v, path, "a non-empty string or null");
	return take_string(w, v, path, &w->e->function);
}

static int read_value(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	w->seen |= SEEN_VALUE;
	if (v->type != CX_JSONC_NUMBER || v->num != CX_JSONC_INT || v->i < 0)
		return must(w, v, path, "an integer >= 0");
	w->e->value = v->i;
	return 0;
}

static const struct cx_jsonc_field finding_fields[] = {
	{"rule", read_rule},
	{"path", read_path},
	{"function", read_function},
	{"value", read_value},
};

/* An error "WHAT needs KEY" at v for the first of fields that need
 * requires (bit i: fields[i]) and seen lacks. */
static int missing(struct bwalk *w, const struct cx_jsonc *v, const char *what,
                   const struct cx_jsonc_field *fields, size_t n, unsigned need, unsigned seen)
{
	for (size_t i = 0; i < n; i++)
		if ((need & ~seen) & (1u << i))
			return cx_jsonc_fail(w->ctx, w->name, v->line, v->col, "%s needs \"%s\"", what,
			                     fields[i].key);
	return 0;
}

static int read_finding(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	struct cx_baseline *b = w->b;
	if (v->type != CX_JSONC_OBJECT)
		return must(w, v, path, "an object");
	if (cx_grow(&b->v, &b->cap, b->n + 1, sizeof *b->v))
		return nomem(w);
	w->e = &b->v[b->n++];
	memset(w->e, 0, sizeof *w->e);
	w->seen = 0;
	int rc = cx_jsonc_walk(v, path, finding_fields, COUNT(finding_fields), w, w->name, w->ctx);
	char what[80];
	snprintf(what, sizeof what, "\"%s\"", path);
	return rc ? rc : missing(w, v, what, finding_fields, COUNT(finding_fields), SEEN_ALL,
	                            w->seen);
}

static int read_findings(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	if (v->type != CX_JSONC_ARRAY)
		return must(w, v, path, "an array of findings");
	w->seen_top |= TOP_FINDINGS;
	return cx_jsonc_each(v, path, read_finding, w);
}

static int read_version(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	w->seen_top |= TOP_VERSION;
	if (v->type != CX_JSONC_NUMBER || v->num != CX_JSONC_INT || v->i != BASELINE_VERSION)
		return must(w, v, path, "1 (this cxscan reads baseline version 1)");
	return 0;
}

static int read_tool(void *self, const struct cx_jsonc *v, const char *path)
{
	struct bwalk *w = self;
	w->seen_top |= TOP_TOOL;
	if (v->type != CX_JSONC_STRING || strcmp(v->s, BASELINE_TOOL) != 0)
		return must(w, v, path, "\"" BASELINE_TOOL "\"");
	return 0;
}

/* The document's keys, in the order of TOP_*. */
static const struct cx_jsonc_field top_fields[] = {
	{"version", read_version},
	{"tool", read_tool},
	{"findings", read_findings},
};

/* Sorts b and keeps one entry per key, the one with the largest value. */
static void sort_merge(struct cx_baseline *b)
{
	if (b->n > 1)
		qsort(b->v, b->n, sizeof *b->v, cmp_entry);
	size_t o = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct cx_baseline_entry *e = &b->v[i];
		if (o > 0 && cmp_entry(&b->v[o - 1], e) == 0) {
			if (e->value > b->v[o - 1].value)
				b->v[o - 1].value = e->value;
			free(e->rule);
			free(e->path);
			free(e->function);
			continue;
		}
		b->v[o++] = *e;
	}
	b->n = o;
}

static int read_document(struct bwalk *w, const struct cx_jsonc *root)
{
	if (root->type != CX_JSONC_OBJECT)
		return cx_jsonc_fail(w->ctx, w->name, root->line, root->col,
		                     "the baseline must be a JSON object, not %s", cx_jsonc_kind(root));
	int rc = cx_jsonc_walk(root, "", top_fields, COUNT(top_fields), w, w->name, w->ctx);
	if (rc)
		return rc;
	/* "tool" is optional; "version" and "findings" are not */
	return missing(w, root, "the baseline", top_fields, COUNT(top_fields),
	               TOP_VERSION | TOP_FINDINGS, w->seen_top);
}

int cx_baseline_parse(const char *text, size_t len, const char *name, struct cx_baseline *b,
                      struct cx_ctx *ctx)
{
	memset(b, 0, sizeof *b);
	struct cx_jsonc root;
	int rc = cx_jsonc_parse(text, len, name, &root, ctx);
	if (rc)
		return rc;
	struct bwalk w = {.b = b, .name = name, .ctx = ctx};
	rc = read_document(&w, &root);
	cx_jsonc_release(&root);
	if (rc)
		cx_baseline_release(b);
	else
		sort_merge(b);
	return rc;
}

int cx_baseline_load(const char *path, struct cx_baseline *b, struct cx_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;
	memset(b, 0, sizeof *b);
	int rc = cx_read_file(path, CX_MAX_CONFIG_BYTES, &text, &len, ctx);
	if (rc == 0)
		rc = cx_baseline_parse(text, len, path, b, ctx);
	free(text);
	return rc;
}

void cx_baseline_release(struct cx_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].rule);
		free(b->v[i].path);
		free(b->v[i].function);
	}
	free(b->v);
	memset(b, 0, sizeof *b);
}

bool cx_baseline_get(const struct cx_baseline *b, const char *rule, const char *path,
                     const char *function, int64_t *value)
{
	if (!b || !b->n || !rule || !path)
		return false;
	struct cx_baseline_entry key = {.rule = (char *)rule, .path = (char *)path,
	                                .function = (char *)function};
	const struct cx_baseline_entry *e = bsearch(&key, b->v, b->n, sizeof *b->v, cmp_entry);
	if (e && value)
		*value = e->value;
	return e != NULL;
}

/* ---- writing ---- */

static int cmp_finding(const void *a, const void *b)
{
	const struct cx_finding *x = *(const struct cx_finding *const *)a;
	const struct cx_finding *y = *(const struct cx_finding *const *)b;
	return cmp_key(x->path, x->function, cx_rules[x->rule].id, y->path, y->function,
	               cx_rules[y->rule].id);
}

static bool same_key(const struct cx_finding *x, const struct cx_finding *y)
{
	return x->rule == y->rule && strcmp(x->path, y->path) == 0 &&
	       cmp_opt(x->function, y->function) == 0;
}

/* One finding object (value: the largest of its key), a comma unless it is
 * the last. False when a string is not UTF-8. */
static bool write_entry(FILE *fp, const struct cx_finding *f, int64_t value, bool last)
{
	fprintf(fp, "    {\"rule\": \"%s\", \"path\": ", cx_rules[f->rule].id);
	if (!cx_jsonc_write_string(fp, f->path))
		return false;
	fputs(", \"function\": ", fp);
	if (f->function ? !cx_jsonc_write_string(fp, f->function) : fputs("null", fp) < 0)
		return false;
	fprintf(fp, ", \"value\": %" PRId64 "}%s\n", value, last ? "" : ",");
	return true;
}

/* The sorted findings (n of them) as the document; the first finding whose
 * path or function is not UTF-8 into *bad. */
static bool write_document(FILE *fp, const struct cx_finding *const *s, size_t n,
                           const struct cx_finding **bad)
{
	fprintf(fp, "{\n  \"version\": %d,\n  \"tool\": \"%s\",\n  \"findings\": [%s",
	        BASELINE_VERSION, BASELINE_TOOL, n ? "\n" : "");
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		int64_t value = s[i]->value;
		for (; j < n && same_key(s[i], s[j]); j++)
			value = s[j]->value > value ? s[j]->value : value;
		if (!write_entry(fp, s[i], value, j == n)) {
			*bad = s[i];
			return false;
		}
		i = j;
	}
	fprintf(fp, "%s]\n}\n", n ? "  " : "");
	return true;
}

/* The findings sorted by key into *out (NULL when there are none). */
static int sort_findings(const struct cx_findings *f, const struct cx_finding ***out,
                         const char *path, struct cx_ctx *ctx)
{
	*out = NULL;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].rule >= cx_nrules || !f->v[i].path)
			return cx_error(ctx, CX_EINVAL, "cannot write the baseline '%s': finding %zu "
			                "has no rule or path", path, i);
	if (f->n == 0)
		return 0;
	const struct cx_finding **s = malloc(f->n * sizeof *s);
	if (!s)
		return cx_error(ctx, CX_ENOMEM, "out of memory writing '%s'", path);
	for (size_t i = 0; i < f->n; i++)
		s[i] = &f->v[i];
	qsort(s, f->n, sizeof *s, cmp_finding);
	*out = s;
	return 0;
}

/* Closes fp and renames tmp over path; 0 or CX_EIO (tmp removed). */
static int commit(FILE *fp, const char *tmp, const char *path, struct cx_ctx *ctx)
{
	bool bad = ferror(fp) != 0;
	int e = bad ? EIO : 0;
	if (fclose(fp) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	if (!bad && rename(tmp, path) != 0) {
		bad = true;
		e = errno;
	}
	if (!bad)
		return 0;
	unlink(tmp);
	return cx_error(ctx, CX_EIO, "cannot write '%s': %s", path, strerror(e));
}

static int write_file(const char *path, const char *tmp, const struct cx_finding *const *s,
                      size_t n, struct cx_ctx *ctx)
{
	FILE *fp = fopen(tmp, "w");
	if (!fp)
		return cx_error(ctx, CX_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	const struct cx_finding *bad = NULL;
	if (write_document(fp, s, n, &bad))
		return commit(fp, tmp, path, ctx);
	fclose(fp);
	unlink(tmp);
	bool in_path = !cx_jsonc_utf8_valid(bad->path);
	char q[96];
	return cx_error(ctx, CX_EINVAL, "cannot write the baseline '%s': the %s %s is not UTF-8",
	                path, in_path ? "path" : "function name",
	                cx_jsonc_quote(in_path ? bad->path : bad->function, q, sizeof q));
}

int cx_baseline_write(const char *path, const struct cx_findings *f, struct cx_ctx *ctx)
{
	const struct cx_finding **s = NULL;
	int rc = sort_findings(f, &s, path, ctx);
	if (rc)
		return rc;
	char *tmp = cx_asprintf("%s.tmp.%ld", path, (long)getpid());
	if (!tmp)
		rc = cx_error(ctx, CX_ENOMEM, "out of memory writing '%s'", path);
	else
		rc = write_file(path, tmp, s, f->n, ctx);
	free(tmp);
	free(s);
	return rc;
}
