/* findings_out.c: the format table of the gating outputs, their dispatch,
 * and the gcc format:
 *   path:line:col: warning: message [rule-id]
 * always with a column (editors and CI problem matchers expect one), then
 * one `path:line:col: note: ...` line per suppression note. */
#include <string.h>

#include "cx_findings.h"
#include "findings_util.h"

static const char *const names[CX_FF_COUNT] = {
	[CX_FF_GCC] = "gcc", [CX_FF_SARIF] = "sarif", [CX_FF_CODECLIMATE] = "codeclimate",
	[CX_FF_CHECKSTYLE] = "checkstyle", [CX_FF_JUNIT] = "junit", [CX_FF_MARKDOWN] = "markdown",
	[CX_FF_GITHUB] = "github",
};

const char *cx_findings_format_name(enum cx_findings_format f)
{
	return (unsigned)f < CX_FF_COUNT ? names[f] : "?";
}

int cx_findings_format_from_name(const char *name)
{
	for (int i = 0; i < CX_FF_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int cx_findings_write_gcc(FILE *out, const struct cx_findings *f,
                          const struct cx_findings_meta *meta)
{
	(void)meta;
	for (size_t i = 0; i < f->n; i++) {
		const struct cx_finding *g = &f->v[i];
		fprintf(out, "%s:%u:%u: %s: %s [%s]\n", g->path, g->line, fu_col(g->column),
		        fu_level_name(g->level), g->message, cx_rules[g->rule].id);
	}
	for (size_t i = 0; i < f->nnotes; i++) {
		const struct cx_note *n = &f->notes[i];
		fprintf(out, "%s:%u:%u: note: %s\n", n->path, n->line, fu_col(n->column), n->message);
	}
	return fu_finish(out);
}

typedef int (*writer_fn)(FILE *, const struct cx_findings *, const struct cx_findings_meta *);

int cx_findings_write(FILE *out, enum cx_findings_format fmt, const struct cx_findings *f,
                      const struct cx_findings_meta *meta, struct cx_ctx *ctx)
{
	static const writer_fn writers[CX_FF_COUNT] = {
		[CX_FF_GCC] = cx_findings_write_gcc,
		[CX_FF_SARIF] = cx_findings_write_sarif,
		[CX_FF_CODECLIMATE] = cx_findings_write_codeclimate,
		[CX_FF_CHECKSTYLE] = cx_findings_write_checkstyle,
		[CX_FF_JUNIT] = cx_findings_write_junit,
		[CX_FF_MARKDOWN] = cx_findings_write_markdown,
		[CX_FF_GITHUB] = cx_findings_write_github,
	};
	if ((unsigned)fmt >= CX_FF_COUNT)
		return cx_error(ctx, CX_EINVAL, "unknown findings format %d", (int)fmt);
	int rc = writers[fmt](out, f, meta); /* each ends with fu_finish: flushed, checked */
	return rc ? cx_error(ctx, rc, "cannot write the %s report", names[fmt]) : 0;
}
