/* gate.c: a scan's findings and what gates on them: the findings report
 * (stdout or -o with a findings --format), the extra reports (--sarif=FILE,
 * ...), the baseline (--baseline, --update-baseline), --changed-only, the
 * exit status (--fail-on, --exit-zero), and --explain RULE. */
#include <stdlib.h>
#include <string.h>

#include "cx_diff.h"
#include "cx_findings.h"
#include "cx_git.h"
#include "internal.h"

static int write_findings(const struct cx_findings *f, int fmt, const char *path,
                          const struct cx_findings_meta *meta, struct cx_ctx *ctx)
{
	struct cx_outfile of;
	int rc = cx_outfile_open(&of, path, ctx);
	if (rc)
		return rc;
	rc = cx_findings_write(of.f, (enum cx_findings_format)fmt, f, meta, ctx);
	return cx_outfile_close(&of, rc, ctx);
}

static int main_format(const struct cx_options *o)
{
	if (o->findings_format >= 0)
		return o->findings_format;
	return o->format == CX_FMT_MARKDOWN ? CX_FF_MARKDOWN : CX_FF_GCC;
}

static int write_all(const struct cx_options *o, const struct prepared *pr, bool main_report,
                     const struct cx_findings *f, struct cx_ctx *ctx)
{
	struct cx_findings_meta meta = {.root = pr->root, .version = CX_VERSION};
	int rc = main_report ? write_findings(f, main_format(o), o->output, &meta, ctx) : 0;
	for (size_t i = 0; i < o->nreports && rc == 0; i++)
		rc = write_findings(f, o->reports[i].format, o->reports[i].path, &meta, ctx);
	if (rc == 0 && o->update_baseline)
		rc = cx_baseline_write(o->baseline, f, ctx);
	return rc;
}

static void summary(const struct cx_options *o, const struct cx_findings *f, bool failed)
{
	size_t errors = cx_findings_count(f, CX_LEVEL_ERROR);
	size_t warnings = cx_findings_count(f, CX_LEVEL_WARNING);
	if (o->quiet || (!errors && !warnings && !f->suppressed && !f->baselined))
		return;
	fprintf(stderr, "cxscan: %zu error%s, %zu warning%s in %zu functions", errors,
	        errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", f->functions);
	if (f->suppressed || f->baselined)
		fprintf(stderr, " (%zu suppressed, %zu in the baseline)", f->suppressed, f->baselined);
	fprintf(stderr, "%s\n", failed ? "; failing (--fail-on)" : "");
}

static bool fails(const struct cx_options *o, const struct cx_findings *f)
{
	if (o->exit_zero || o->fail_on == CX_FAIL_NEVER)
		return false;
	size_t n = cx_findings_count(f, CX_LEVEL_ERROR);
	if (o->fail_on == CX_FAIL_WARNING)
		n += cx_findings_count(f, CX_LEVEL_WARNING);
	return n > 0;
}

int cx_gate(const struct cx_options *o, const struct prepared *pr, const struct cx_result *res,
            bool main_report, cx_crap_fn crap, void *crap_arg, bool *failed,
            struct cx_ctx *ctx)
{
	struct cx_baseline base = {0};
	struct cx_findings f = {0};
	*failed = false;
	bool have_base = o->baseline && !o->update_baseline;
	int rc = have_base ? cx_baseline_load(o->baseline, &base, ctx) : 0;
	bool have_diff = o->changed_only && !pr->changes.all;
	struct cx_findings_opts fo = {
		.config = &pr->cfg, .baseline = have_base ? &base : NULL,
		.diff = have_diff ? &pr->changes.diff : NULL, .diff_prefix = pr->changes.prefix,
		.crap = crap, .crap_arg = crap_arg,
	};
	if (rc == 0)
		rc = cx_findings_build(res, &fo, &f, ctx);
	if (rc == 0)
		rc = write_all(o, pr, main_report, &f, ctx);
	if (rc == 0) {
		*failed = fails(o, &f);
		summary(o, &f, *failed);
	}
	cx_findings_release(&f);
	cx_baseline_release(&base);
	return rc;
}

static void print_threshold(FILE *out, const char *what, int64_t v)
{
	if (v >= 0)
		fprintf(out, "  %s above %lld\n", what, (long long)v);
	else
		fprintf(out, "  %s: none\n", what);
}

int cx_explain_rule(const char *id, FILE *out, struct cx_ctx *ctx)
{
	long r = cx_rule_find(id);
	if (r < 0)
		return cx_error(ctx, CX_EINVAL, "no rule '%s'", id);
	const struct cx_rule *rule = &cx_rules[r];
	fprintf(out, "%s (%s): %s\n\n%s\n\n%s\n\ndefault thresholds (value > threshold):\n",
	        rule->id, rule->name, rule->short_description, rule->full_description, rule->help);
	print_threshold(out, "warning", rule->def.warning);
	print_threshold(out, "error", rule->def.error);
	fprintf(out, "suppress: // cxscan-ignore(%s): reason\n", rule->id);
	return fflush(out) == 0 ? 0 : cx_error(ctx, CX_EIO, "cannot write the rule's help");
}
