/* findings_checkstyle.c: --format=checkstyle, Checkstyle 4.3 XML (Jenkins
 * warnings-ng, reviewdog, SonarQube imports): one <file> a path, in
 * finding order, one <error> a finding with source "cxscan.RULE". Notes
 * are not findings and are left out. Every string goes through fu_xml:
 * the output is well-formed UTF-8 XML 1.0 whatever the paths hold. */
#include <inttypes.h>

#include "findings_util.h"

static void write_error(FILE *out, const struct cx_finding *fd)
{
	fprintf(out,
	        "    <error line=\"%" PRIu32 "\" column=\"%" PRIu32 "\" severity=\"%s\" message=\"",
	        fd->line, fu_col(fd->column), fu_level_name(fd->level));
	fu_xml(out, fd->message, true);
	fputs("\" source=\"cxscan.", out);
	fu_xml(out, cx_rules[fd->rule].id, true);
	fputs("\"/>\n", out);
}

int cx_findings_write_checkstyle(FILE *out, const struct cx_findings *f,
                                 const struct cx_findings_meta *meta)
{
	(void)meta;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", out);
	for (size_t i = 0, end; i < f->n; i = end) {
		end = fu_run_end(f, i, false);
		fputs("  <file name=\"", out);
		fu_xml(out, f->v[i].path, true);
		fputs("\">\n", out);
		for (size_t j = i; j < end; j++)
			write_error(out, &f->v[j]);
		fputs("  </file>\n", out);
	}
	fputs("</checkstyle>\n", out);
	return fu_finish(out);
}
