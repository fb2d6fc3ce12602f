/* findings_junit.c: --format=junit, JUnit XML for CI test report views
 * (GitLab, Jenkins, Azure): one <testsuite name="cxscan">, one <testcase>
 * a function with findings (classname: the path; name: the function, or
 * the path for a file finding), one <failure> a finding in it (type: the
 * rule; the body: its gcc-style line). A function without findings passes
 * and is not listed. failures counts the failing testcases, not the
 * <failure> elements, so that tests - failures - errors (what consumers
 * show as passed) is never negative; here it is always 0. Notes are not
 * findings and are left out. */
#include <inttypes.h>

#include "findings_util.h"

static size_t count_functions(const struct cx_findings *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i = fu_run_end(f, i, true))
		n++;
	return n;
}

static void write_property(FILE *out, const char *name, const char *value)
{
	fprintf(out, "    <property name=\"%s\" value=\"", name);
	fu_xml(out, value, true);
	fputs("\"/>\n", out);
}

static void write_count(FILE *out, const char *name, size_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%zu", v);
	write_property(out, name, b);
}

static void write_properties(FILE *out, const struct cx_findings *f,
                             const struct cx_findings_meta *meta)
{
	fputs("  <properties>\n", out);
	if (meta && meta->version)
		write_property(out, "cxscan.version", meta->version);
	write_count(out, "cxscan.files", f->files);
	write_count(out, "cxscan.functions", f->functions);
	write_count(out, "cxscan.suppressed", f->suppressed);
	write_count(out, "cxscan.baselined", f->baselined);
	fputs("  </properties>\n", out);
}

static void write_failure(FILE *out, const struct cx_finding *fd)
{
	const char *rule = cx_rules[fd->rule].id;
	fputs("    <failure type=\"", out);
	fu_xml(out, rule, true);
	fputs("\" message=\"", out);
	fu_xml(out, fd->message, true);
	fputs("\">", out);
	fu_xml(out, fd->path, false);
	fprintf(out, ":%" PRIu32 ":%" PRIu32 ": %s: ", fd->line, fu_col(fd->column),
	        fu_level_name(fd->level));
	fu_xml(out, fd->message, false);
	fputs(" [", out);
	fu_xml(out, rule, false);
	fputs("]</failure>\n", out);
}

static void write_testcase(FILE *out, const struct cx_findings *f, size_t i, size_t end)
{
	const struct cx_finding *fd = &f->v[i];
	fputs("  <testcase classname=\"", out);
	fu_xml(out, fd->path, true);
	fputs("\" name=\"", out);
	fu_xml(out, fd->function ? fd->function : fd->path, true);
	fputs("\">\n", out);
	for (size_t j = i; j < end; j++)
		write_failure(out, &f->v[j]);
	fputs("  </testcase>\n", out);
}

int cx_findings_write_junit(FILE *out, const struct cx_findings *f,
                            const struct cx_findings_meta *meta)
{
	size_t tests = count_functions(f);
	fprintf(out,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<testsuite name=\"cxscan\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
	        tests, tests);
	write_properties(out, f, meta);
	for (size_t i = 0, end; i < f->n; i = end) {
		end = fu_run_end(f, i, true);
		write_testcase(out, f, i, end);
	}
	fputs("</testsuite>\n", out);
	return fu_finish(out);
}
