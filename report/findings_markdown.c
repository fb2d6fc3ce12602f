/* findings_markdown.c: --format=markdown, a summary for a pull-request
 * comment that never exceeds meta->markdown_budget bytes (0: 65536,
 * GitHub's limit on a comment):
 *
 *   ## cxscan: 2 errors, 3 warnings          (or "## cxscan: no findings")
 *
 *   40 functions in 7 files examined. Not shown: 1 suppressed by a comment,
 *   4 in the baseline. 1 note on suppression comments.
 *
 *   | level | location | function | rule | value | threshold |
 *   ... one row a finding: errors first, then warnings, each in finding
 *   order (path, line) ...
 *
 *   ... and K more findings (not shown: comment size limit)
 *
 * The budget is spent in that order, all or nothing per part, and a part
 * that does not fit ends the output: the heading (when even it does not
 * fit, the output is empty), the summary paragraph, the rows (the table
 * header goes with the first row). While rows are left, every part but the
 * heading keeps room for the "and K more" line, so that it always fits
 * after the last part shown; only a budget that the heading nearly fills
 * leaves it out. The output is thus always a prefix of the full one, plus
 * that line. */
#include <inttypes.h>

#include "findings_util.h"

#define MD_DEFAULT_BUDGET 65536

struct md {
	FILE *out;
	size_t budget, used;
	size_t reserve;  /* bytes kept for the "and K more" line */
	struct cx_buf b; /* the part being built */
};

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Writes the part in m->b when it fits with `keep` bytes to spare, and
 * empties m->b; true when written. */
static bool md_emit(struct md *m, size_t keep)
{
	bool fits = !m->b.err && m->used + m->b.n + keep <= m->budget;
	if (fits) {
		fwrite(m->b.p, 1, m->b.n, m->out);
		m->used += m->b.n;
	}
	m->b.n = 0;
	return fits;
}

static void put_more(struct cx_buf *b, size_t k)
{
	cx_buf_printf(b, "\n... and %zu more %s (not shown: comment size limit)\n", k,
	              plural(k, "finding", "findings"));
}

static void put_heading(struct cx_buf *b, const struct cx_findings *f)
{
	size_t e = cx_findings_count(f, CX_LEVEL_ERROR), w = f->n - e;
	if (f->n == 0)
		cx_buf_puts(b, "## cxscan: no findings\n");
	else
		cx_buf_printf(b, "## cxscan: %zu %s, %zu %s\n", e, plural(e, "error", "errors"), w,
		              plural(w, "warning", "warnings"));
}

static void put_summary(struct cx_buf *b, const struct cx_findings *f)
{
	cx_buf_printf(b, "\n%zu %s in %zu %s examined.", f->functions,
	              plural(f->functions, "function", "functions"), f->files,
	              plural(f->files, "file", "files"));
	if (f->suppressed && f->baselined)
		cx_buf_printf(b, " Not shown: %zu suppressed by %s, %zu in the baseline.",
		              f->suppressed, plural(f->suppressed, "a comment", "comments"),
		              f->baselined);
	else if (f->suppressed)
		cx_buf_printf(b, " Not shown: %zu suppressed by %s.", f->suppressed,
		              plural(f->suppressed, "a comment", "comments"));
	else if (f->baselined)
		cx_buf_printf(b, " Not shown: %zu in the baseline.", f->baselined);
	if (f->nnotes)
		cx_buf_printf(b, " %zu %s on suppression comments.", f->nnotes,
		              plural(f->nnotes, "note", "notes"));
	cx_buf_puts(b, "\n");
}

static void put_row(struct cx_buf *b, const struct cx_finding *fd)
{
	cx_buf_printf(b, "| %s | ", fu_level_name(fd->level));
	fu_md_cell(b, fd->path);
	cx_buf_printf(b, ":%" PRIu32 " | ", fd->line);
	fu_md_cell(b, fd->function);
	cx_buf_printf(b, " | %s | %" PRId64 " | %" PRId64 " |\n", cx_rules[fd->rule].id, fd->value,
	              fd->threshold);
}

/* Writes the row of finding i, the shown-th row, if it fits. */
static bool md_row(struct md *m, const struct cx_findings *f, size_t i, size_t shown)
{
	if (shown == 0)
		cx_buf_puts(&m->b, "\n| level | location | function | rule | value | threshold |\n"
		                   "|---|---|---|---|--:|--:|\n");
	put_row(&m->b, &f->v[i]);
	return md_emit(m, shown + 1 == f->n ? 0 : m->reserve);
}

/* The rows that fit: the errors, then the rest. Returns how many. */
static size_t md_rows(struct md *m, const struct cx_findings *f)
{
	size_t shown = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < f->n; i++) {
			if ((f->v[i].level == CX_LEVEL_ERROR) != (pass == 0))
				continue;
			if (!md_row(m, f, i, shown))
				return shown;
			shown++;
		}
	}
	return shown;
}

int cx_findings_write_markdown(FILE *out, const struct cx_findings *f,
                               const struct cx_findings_meta *meta)
{
	struct md m = {.out = out, .budget = meta ? meta->markdown_budget : 0};
	if (m.budget == 0)
		m.budget = MD_DEFAULT_BUDGET;
	if (f->n) {
		put_more(&m.b, f->n);
		m.reserve = m.b.n; /* the longest "and K more" line: K <= n */
		m.b.n = 0;
	}
	put_heading(&m.b, f);
	if (md_emit(&m, 0)) {
		put_summary(&m.b, f);
		size_t shown = md_emit(&m, m.reserve) ? md_rows(&m, f) : 0;
		if (shown < f->n) {
			put_more(&m.b, f->n - shown);
			md_emit(&m, 0);
		}
	}
	bool oom = m.b.err;
	cx_buf_release(&m.b);
	if (oom)
		return CX_ENOMEM;
	return fu_finish(out);
}
