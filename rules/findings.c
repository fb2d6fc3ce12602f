/* findings.c: from a scan's result to the findings a gate acts on.
 *
 * For each file of the result (one at a time, as the store decodes it):
 * 1. every rule with a metric is checked against each function with the
 *    thresholds the configuration gives for the file's path (value >
 *    threshold); a file the parser had trouble with gets a
 *    cxscan-parse-error finding;
 * 2. the file's suppression comments hide the findings they cover; a
 *    suppression without a reason, or one that hides nothing, becomes a
 *    note;
 * 3. with a diff (--changed-only), only functions whose extent (from the
 *    first line of the declaration to the closing brace) touches a changed
 *    line keep their findings;
 * 4. a baseline hides a finding whose (rule, path, function) it records
 *    with a value at least as large.
 * The findings come out sorted by path, line, column and rule id. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cx_config.h"
#include "cx_diff.h"
#include "cx_findings.h"
#include "cx_store.h"
#include "cx_util.h"

static void finding_release(struct cx_finding *g)
{
	free(g->path);
	free(g->function);
	free(g->message);
	free(g->fingerprint);
}

void cx_findings_release(struct cx_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		finding_release(&f->v[i]);
	free(f->v);
	for (size_t i = 0; i < f->nnotes; i++) {
		free(f->notes[i].path);
		free(f->notes[i].message);
	}
	free(f->notes);
	memset(f, 0, sizeof *f);
}

size_t cx_findings_count(const struct cx_findings *f, enum cx_level level)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].level == level;
	return n;
}

/* ---- one finding ---- */

static const char *const placeholders[] = {"{function}", "{value}", "{threshold}",
                                            "{detail}"};

/* The placeholder at the start of t: its index, or -1. */
static int placeholder_at(const char *t)
{
	for (int k = 0; k < 4; k++)
		if (strncmp(t, placeholders[k], strlen(placeholders[k])) == 0)
			return k;
	return -1;
}

/* The rule's message template with its fields filled in. */
static char *fill(const char *tmpl, const char *function, int64_t value, int64_t threshold,
                  const char *detail)
{
	char v[32], t[32];
	snprintf(v, sizeof v, "%" PRId64, value);
	snprintf(t, sizeof t, "%" PRId64, threshold);
	const char *text[] = {function ? function : "", v, t, detail ? detail : ""};
	struct cx_buf b = {0};
	for (const char *p = tmpl; *p;) {
		int k = placeholder_at(p);
		cx_buf_put(&b, k >= 0 ? text[k] : p, k >= 0 ? strlen(text[k]) : 1);
		p += k >= 0 ? strlen(placeholders[k]) : 1;
	}
	cx_buf_put(&b, "", 1);
	if (b.err) {
		cx_buf_release(&b);
		return NULL;
	}
	return (char *)b.p;
}

/* 16 hex digits of XXH3-64 over rule id, path and function. */
static char *fingerprint(const char *rule, const char *path, const char *function)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return NULL;
	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, rule, strlen(rule) + 1);
	XXH3_64bits_update(st, path, strlen(path) + 1);
	if (function)
		XXH3_64bits_update(st, function, strlen(function));
	uint64_t h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return cx_asprintf("%016" PRIx64, h);
}

static int add_finding(struct cx_findings *out, const struct cx_finding *proto,
                       const char *detail)
{
	if (cx_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v))
		return CX_ENOMEM;
	struct cx_finding *f = &out->v[out->n];
	*f = *proto;
	const char *rule = cx_rules[f->rule].id;
	f->path = cx_strdup(proto->path);
	f->function = proto->function ? cx_strdup(proto->function) : NULL;
	f->message = fill(cx_rules[f->rule].message, f->function, f->value, f->threshold, detail);
	f->fingerprint = f->path ? fingerprint(rule, f->path, f->function) : NULL;
	out->n++; /* released with the rest even when incomplete */
	bool ok = f->path && f->message && f->fingerprint && (!proto->function || f->function);
	return ok ? 0 : CX_ENOMEM;
}

/* ---- per file ---- */

struct file_ctx {
	const struct cx_findings_opts *o;
	struct cx_findings *out;
	const struct cx_file *file;
	size_t first;        /* out->v[first..] are this file's findings */
	bool *hidden;        /* per finding of the file: suppressed */
	bool *used;          /* per suppression: hid something */
};

static struct cx_threshold threshold_of(const struct cx_findings_opts *o, size_t r,
                                        const char *path, bool *off)
{
	*off = false;
	if (o->config)
		return cx_config_threshold(o->config, r, path, off);
	return cx_rules[r].def;
}

/* The value of rule r for fn; false when the rule does not apply (no
 * metric, or CRAP without coverage). */
static bool rule_value(const struct cx_findings_opts *o, size_t r, const char *path,
                       const struct cx_function *fn, int64_t *v)
{
	const char *m = cx_rules[r].metric;
	if (!m)
		return false;
	if (strcmp(m, "crap") == 0) {
		double crap;
		if (!o->crap || !o->crap(o->crap_arg, path, fn, &crap))
			return false;
		*v = (int64_t)crap; /* a finding when the score is above the integer threshold */
		if ((double)*v < crap)
			*v += 1; /* 30.5 is above 30: round up */
		return true;
	}
	int metric = cx_metric_from_name(m);
	if (metric < 0)
		return false;
	*v = cx_metric_value(fn, (enum cx_metric)metric);
	return true;
}

/* The extent of a function, lines clamped around its name line. */
static uint32_t first_line(const struct cx_function *fn)
{
	return fn->start_line && fn->start_line <= fn->line ? fn->start_line : fn->line;
}

static uint32_t last_line(const struct cx_function *fn)
{
	return fn->end_line < fn->line ? fn->line : fn->end_line;
}

static int check_function(struct file_ctx *fc, const struct cx_function *fn)
{
	const char *path = fc->file->path;
	for (size_t r = 0; r < cx_nrules; r++) {
		int64_t v;
		bool off;
		if (!rule_value(fc->o, r, path, fn, &v))
			continue;
		struct cx_threshold th = threshold_of(fc->o, r, path, &off);
		enum cx_level lv = off ? CX_LEVEL_NONE : cx_threshold_level(th, v);
		if (lv == CX_LEVEL_NONE)
			continue;
		struct cx_finding p = {
			.rule = r, .level = lv, .path = (char *)path, .line = fn->line,
			.column = fn->column, .start_line = first_line(fn), .end_line = last_line(fn),
			.function = fn->name, .value = v,
			.threshold = lv == CX_LEVEL_ERROR ? th.error : th.warning,
		};
		int rc = add_finding(fc->out, &p, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

/* A parse-error finding for a file libclang had trouble with. */
static int check_parse(struct file_ctx *fc)
{
	const struct cx_file *f = fc->file;
	long r = cx_rule_find("cxscan-parse-error");
	if (r < 0 || f->status == CX_FILE_OK)
		return 0;
	bool off;
	struct cx_threshold th = threshold_of(fc->o, (size_t)r, f->path, &off);
	int64_t v = f->ndiags ? (int64_t)f->ndiags : 1;
	enum cx_level lv = off ? CX_LEVEL_NONE : cx_threshold_level(th, v);
	if (lv == CX_LEVEL_NONE)
		return 0;
	struct cx_finding p = {
		.rule = (size_t)r, .level = lv, .path = f->path, .line = 1, .column = 1,
		.start_line = 1, .end_line = 1, .value = v,
		.threshold = lv == CX_LEVEL_ERROR ? th.error : th.warning,
	};
	return add_finding(fc->out, &p, f->ndiags ? f->diags[0] : "cannot parse");
}

/* ---- the diff ---- */

/* Whether lines first..last of a report path changed (always, without a
 * diff). The diff's paths are relative to the repository's top. */
static bool in_diff(const struct cx_findings_opts *o, const char *path, uint32_t first,
                    uint32_t last)
{
	if (!o->diff)
		return true;
	char buf[4096];
	const char *pre = o->diff_prefix ? o->diff_prefix : "";
	int n = snprintf(buf, sizeof buf, "%s%s%s", pre, *pre ? "/" : "", path);
	if (n < 0 || (size_t)n >= sizeof buf)
		return true; /* a path this long: keep it rather than drop it */
	const struct cx_diff_file *df = cx_diff_find(o->diff, buf);
	return df && cx_diff_touches(df, first, last);
}

/* ---- suppressions ---- */

/* A suppression written for other tools (NOLINT(readability-x)) is not
 * cxscan's: none of its list is a cxscan rule or a pattern for one. */
static bool list_ours(const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if ((n >= 6 && strncmp(p, "cxscan", 6) == 0) || (n == 1 && p[0] == '*'))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* Whether the comma-separated list covers rule id (an item may end with
 * '*': a prefix). */
static bool list_covers(const char *list, const char *id)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n && p[n - 1] == '*' ? strncmp(p, id, n - 1) == 0
		                         : strlen(id) == n && strncmp(p, id, n) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* Whether a suppression counts for cxscan at all, and whether it is one
 * the notes are about (it names cxscan explicitly). */
static bool sup_ours(const struct cx_suppression *s, bool *explicit_)
{
	bool cxscan_form = s->kind == CX_SUP_IGNORE ||
	                   ((s->kind == CX_SUP_BEGIN || s->kind == CX_SUP_END) && !s->rules[0]);
	bool ours = s->rules[0] && list_ours(s->rules);
	*explicit_ = s->kind == CX_SUP_IGNORE || ours;
	return cxscan_form || ours || !s->rules[0];
}

static bool sup_covers_rule(const struct cx_suppression *s, size_t r)
{
	return !s->rules[0] || list_covers(s->rules, cx_rules[r].id);
}

/* The line range a suppression covers, matched against a function's
 * declaration lines [start, name line]; for a -begin, to its -end. */
static bool sup_covers_lines(const struct cx_suppression *s, uint32_t end_of_range,
                             uint32_t start, uint32_t name)
{
	switch (s->kind) {
	case CX_SUP_IGNORE: /* on the declaration, or ending just above it */
		return (s->end_line + 1 == start) || (s->line >= start && s->line <= name);
	case CX_SUP_NOLINT:
		return s->line >= start && s->line <= name;
	case CX_SUP_NOLINTNEXTLINE:
		return s->end_line + 1 >= start && s->end_line + 1 <= name;
	case CX_SUP_BEGIN:
		return name >= s->line && name <= end_of_range;
	default:
		return false;
	}
}

/* Where each -begin ends: the next -end (or the end of the file). */
static void begin_ranges(const struct cx_file *f, uint32_t *end)
{
	for (size_t i = 0; i < f->nsups; i++) {
		end[i] = UINT32_MAX;
		if (f->sups[i].kind != CX_SUP_BEGIN)
			continue;
		for (size_t k = i + 1; k < f->nsups; k++)
			if (f->sups[k].kind == CX_SUP_END) {
				end[i] = f->sups[k].line;
				break;
			}
	}
}

/* Whether suppression s hides finding g (of rule r). A file finding
 * (parse error) is hidden by any cxscan suppression that names its rule. */
static bool hides(const struct cx_suppression *s, uint32_t end_of_range,
                  const struct cx_finding *g)
{
	bool expl;
	if (!sup_ours(s, &expl) || !sup_covers_rule(s, g->rule))
		return false;
	if (!g->function)
		return expl && s->rules[0];
	return sup_covers_lines(s, end_of_range, g->start_line, g->line);
}

static void apply_suppressions(struct file_ctx *fc, const uint32_t *ends)
{
	const struct cx_file *f = fc->file;
	for (size_t i = fc->first; i < fc->out->n; i++) {
		const struct cx_finding *g = &fc->out->v[i];
		for (size_t k = 0; k < f->nsups; k++) {
			if (!hides(&f->sups[k], ends[k], g))
				continue;
			fc->hidden[i - fc->first] = true;
			fc->used[k] = true;
		}
	}
}

static int add_note(struct cx_findings *out, const char *path, const struct cx_suppression *s,
                    const char *what)
{
	if (cx_grow(&out->notes, &out->capnotes, out->nnotes + 1, sizeof *out->notes))
		return CX_ENOMEM;
	struct cx_note *n = &out->notes[out->nnotes];
	n->path = cx_strdup(path);
	n->line = s->line;
	n->column = s->column;
	n->message = cx_asprintf("suppression%s%s %s", s->rules[0] ? " of " : "",
	                         s->rules[0] ? s->rules : "", what);
	out->nnotes++;
	return n->path && n->message ? 0 : CX_ENOMEM;
}

/* Notes on the suppressions written for cxscan: no reason, or nothing
 * hidden (an -end closes, it hides nothing itself). */
static int suppression_notes(struct file_ctx *fc)
{
	const struct cx_file *f = fc->file;
	int rc = 0;
	for (size_t k = 0; k < f->nsups && rc == 0; k++) {
		const struct cx_suppression *s = &f->sups[k];
		bool expl;
		if (s->kind == CX_SUP_END || !sup_ours(s, &expl) || !expl)
			continue;
		if (!in_diff(fc->o, f->path, s->line, s->end_line))
			continue;
		if (!s->reason[0])
			rc = add_note(fc->out, f->path, s, "has no reason");
		if (rc == 0 && !fc->used[k])
			rc = add_note(fc->out, f->path, s, "suppresses nothing");
	}
	return rc;
}

/* ---- the whole result ---- */

/* Keeps the findings of the file that no suppression hid, that the diff
 * touches and that the baseline does not hold. */
static void keep_shown(struct file_ctx *fc)
{
	struct cx_findings *out = fc->out;
	const struct cx_findings_opts *o = fc->o;
	size_t w = fc->first;
	for (size_t i = fc->first; i < out->n; i++) {
		struct cx_finding *g = &out->v[i];
		uint32_t last = g->function ? g->end_line : UINT32_MAX;
		int64_t recorded;
		bool show = !fc->hidden[i - fc->first] && in_diff(o, g->path, g->start_line, last);
		bool base = show && o->baseline &&
		            cx_baseline_get(o->baseline, cx_rules[g->rule].id, g->path, g->function,
		                            &recorded) && g->value <= recorded;
		out->suppressed += fc->hidden[i - fc->first];
		out->baselined += base;
		if (show && !base)
			out->v[w++] = *g;
		else
			finding_release(g);
	}
	out->n = w;
}

struct build {
	const struct cx_findings_opts *o;
	struct cx_findings *out;
};

static int each_file(void *arg, const struct cx_file *file)
{
	struct build *b = arg;
	struct file_ctx fc = {.o = b->o, .out = b->out, .file = file, .first = b->out->n};
	b->out->files++;
	b->out->functions += file->nfuncs;
	int rc = check_parse(&fc);
	for (size_t k = 0; k < file->nfuncs && rc == 0; k++)
		rc = check_function(&fc, &file->funcs[k]);
	size_t nf = b->out->n - fc.first;
	fc.hidden = rc == 0 ? calloc(nf + 1, sizeof *fc.hidden) : NULL;
	fc.used = fc.hidden ? calloc(file->nsups + 1, sizeof *fc.used) : NULL;
	uint32_t *ends = fc.used ? calloc(file->nsups + 1, sizeof *ends) : NULL;
	if (rc == 0 && !ends)
		rc = CX_ENOMEM;
	if (rc == 0) {
		begin_ranges(file, ends);
		apply_suppressions(&fc, ends);
		rc = suppression_notes(&fc);
	}
	if (rc == 0)
		keep_shown(&fc);
	free(fc.hidden);
	free(fc.used);
	free(ends);
	return rc;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct cx_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return strcmp(cx_rules[x->rule].id, cx_rules[y->rule].id);
}

static int cmp_note(const void *a, const void *b)
{
	const struct cx_note *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

int cx_findings_build(const struct cx_result *res, const struct cx_findings_opts *o,
                      struct cx_findings *out, struct cx_ctx *ctx)
{
	static const struct cx_findings_opts none = {0};
	struct build b = {.o = o ? o : &none, .out = out};
	memset(out, 0, sizeof *out);
	int rc = cx_result_each(res, each_file, &b);
	if (rc) {
		cx_findings_release(out);
		return cx_error(ctx, rc, "out of memory");
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_finding);
	if (out->nnotes > 1)
		qsort(out->notes, out->nnotes, sizeof *out->notes, cmp_note);
	return 0;
}
