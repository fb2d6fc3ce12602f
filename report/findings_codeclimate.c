/* findings_codeclimate.c: --format=codeclimate, the GitLab Code Quality
 * report: a JSON array of Code Climate issues, one a line. GitLab matches
 * the issues of two pipelines by fingerprint and wants each one unique:
 * the finding's fingerprint (rule, path, function), made unique for the
 * same-named static functions of one file (findings_util.h). Severity:
 * "major" for a warning, "critical" for an error. */
#include "findings_util.h"
#include "jsonw.h"

static void write_location(struct jw *w, const struct cx_finding *fd)
{
	jw_key(w, "location");
	jw_begin_object(w, true);
	jw_kv_str(w, "path", fd->path);
	jw_key(w, "lines");
	jw_begin_object(w, true);
	jw_key(w, "begin");
	jw_int(w, fd->line);
	jw_key(w, "end");
	jw_int(w, fd->end_line >= fd->line ? fd->end_line : fd->line);
	jw_end_object(w);
	jw_end_object(w);
}

static void write_issue(struct jw *w, const struct cx_finding *fd, const char *fp)
{
	jw_begin_object(w, true);
	jw_kv_str(w, "type", "issue");
	jw_kv_str(w, "check_name", cx_rules[fd->rule].id);
	jw_kv_str(w, "description", fd->message);
	jw_key(w, "categories");
	jw_begin_array(w, true);
	jw_string(w, "Complexity");
	jw_end_array(w);
	jw_kv_str(w, "fingerprint", fp);
	jw_kv_str(w, "severity", fd->level == CX_LEVEL_ERROR ? "critical" : "major");
	write_location(w, fd);
	jw_kv_str(w, "engine_name", "cxscan");
	jw_end_object(w);
}

int cx_findings_write_codeclimate(FILE *out, const struct cx_findings *f,
                                  const struct cx_findings_meta *meta)
{
	(void)meta;
	struct fu_fps fps;
	if (fu_fps_init(&fps, f) != 0)
		return CX_ENOMEM;
	struct jw w;
	jw_init(&w, out);
	jw_begin_array(&w, false);
	for (size_t i = 0; i < f->n; i++)
		write_issue(&w, &f->v[i], fps.v[i]);
	jw_end_array(&w);
	fu_fps_release(&fps);
	return fu_finish(out);
}
