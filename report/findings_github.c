/* findings_github.c: --format=github, GitHub Actions workflow commands
 * that the runner turns into annotations:
 *
 *   ::warning file=PATH,line=L,col=C,endLine=L,title=RULE::MESSAGE
 *
 * (::error for an error; a note is ::notice with title=cxscan), escaped as
 * GitHub documents: % CR LF in the message, ':' and ',' too in a property.
 * endLine is the name line, like line: GitHub uses col only on a one-line
 * annotation, and one on the function's name is where the SARIF region and
 * the gcc line point too, not on the closing brace. Findings come first in
 * finding order, then the notes. */
#include <inttypes.h>

#include "findings_util.h"

static void write_command(FILE *out, const char *cmd, const char *path, uint32_t line,
                          uint32_t column, const char *title, const char *message)
{
	fprintf(out, "::%s file=", cmd);
	fu_gh(out, path, true);
	fprintf(out, ",line=%" PRIu32 ",col=%" PRIu32 ",endLine=%" PRIu32 ",title=", line,
	        fu_col(column), line);
	fu_gh(out, title, true);
	fputs("::", out);
	fu_gh(out, message, false);
	putc('\n', out);
}

int cx_findings_write_github(FILE *out, const struct cx_findings *f,
                             const struct cx_findings_meta *meta)
{
	(void)meta;
	for (size_t i = 0; i < f->n; i++) {
		const struct cx_finding *fd = &f->v[i];
		write_command(out, fu_level_name(fd->level), fd->path, fd->line, fd->column,
		              cx_rules[fd->rule].id, fd->message);
	}
	for (size_t i = 0; i < f->nnotes; i++) {
		const struct cx_note *n = &f->notes[i];
		write_command(out, "notice", n->path, n->line, n->column, "cxscan", n->message);
	}
	return fu_finish(out);
}
