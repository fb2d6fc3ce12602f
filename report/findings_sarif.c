/* findings_sarif.c: --format=sarif, SARIF 2.1.0 with what GitHub code
 * scanning reads. One run; the driver lists every rule of cx_rules, so
 * that ruleIndex is the finding's rule index. A result's region is the
 * function's name line (an alert on the whole body would cover the code
 * the user did not touch); its partialFingerprints carry the finding's
 * fingerprint (rule, path, function: stable when the function moves), made
 * unique per result. Notes are not results (no rule raises them): they are
 * tool execution notifications of the one invocation.
 *
 * Columns: libclang gives byte columns. SARIF has no byte column kind;
 * the run declares "utf16CodeUnits", the default every consumer (GitHub,
 * the VS Code viewer) assumes anyway. The two agree whenever the text
 * before the function's name on its line is ASCII, which is what C code
 * almost always has there. */
#include <string.h>

#include "findings_util.h"
#include "jsonw.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* "key": {"text": text} */
static void kv_text(struct jw *w, const char *k, const char *text)
{
	jw_key(w, k);
	jw_begin_object(w, true);
	jw_kv_str(w, "text", text);
	jw_end_object(w);
}

/* "key": "PREFIX<path percent-encoded>SUFFIX"; the encoded bytes are
 * unreserved ASCII or %XX: nothing for JSON to escape. */
static void kv_uri(struct jw *w, const char *k, const char *prefix, const char *path,
                   const char *suffix)
{
	jw_key(w, k);
	jw_next(w);
	jw_raw(w, "\"", 1);
	jw_raw(w, prefix, strlen(prefix));
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		char e[3];
		jw_raw(w, e, fu_uri_byte(*s, e));
	}
	jw_raw(w, suffix, strlen(suffix));
	jw_raw(w, "\"", 1);
}

/* The level a rule's findings get by default: a warning, unless the rule
 * only has an error threshold. */
static const char *rule_level(const struct cx_rule *r)
{
	return r->def.warning < 0 && r->def.error >= 0 ? "error" : "warning";
}

/* GitHub's problem.severity of a rule (error, warning, recommendation;
 * with precision it decides what is shown by default): complexity is never
 * a correctness "error"; a rule that can reach an error threshold, or that
 * says the file could not be measured, is a "warning", the others a
 * "recommendation". */
static const char *rule_severity(const struct cx_rule *r)
{
	return r->def.error >= 0 || !r->metric ? "warning" : "recommendation";
}

static void write_rule(struct jw *w, const struct cx_rule *r)
{
	jw_begin_object(w, false);
	jw_kv_str(w, "id", r->id);
	jw_kv_str(w, "name", r->name);
	kv_text(w, "shortDescription", r->short_description);
	kv_text(w, "fullDescription", r->full_description);
	jw_key(w, "help");
	jw_begin_object(w, false);
	jw_kv_str(w, "text", r->help);
	jw_kv_str(w, "markdown", r->help);
	jw_end_object(w);
	jw_key(w, "defaultConfiguration");
	jw_begin_object(w, true);
	jw_kv_str(w, "level", rule_level(r));
	jw_end_object(w);
	jw_key(w, "properties");
	jw_begin_object(w, false);
	jw_key(w, "tags");
	jw_begin_array(w, true);
	jw_string(w, "maintainability");
	jw_string(w, "complexity");
	jw_end_array(w);
	jw_kv_str(w, "precision", "very-high");
	jw_kv_str(w, "problem.severity", rule_severity(r));
	jw_end_object(w);
	jw_end_object(w);
}

static void write_driver(struct jw *w, const struct cx_findings_meta *meta)
{
	jw_key(w, "tool");
	jw_begin_object(w, false);
	jw_key(w, "driver");
	jw_begin_object(w, false);
	jw_kv_str(w, "name", "cxscan");
	if (meta && meta->version) {
		jw_kv_str(w, "version", meta->version);
		jw_kv_str(w, "semanticVersion", meta->version);
	}
	jw_key(w, "rules");
	jw_begin_array(w, false);
	for (size_t i = 0; i < cx_nrules; i++)
		write_rule(w, &cx_rules[i]);
	jw_end_array(w);
	jw_end_object(w);
	jw_end_object(w);
}

/* "physicalLocation": the name line of a function (startLine = endLine) */
static void write_physical(struct jw *w, const char *path, uint32_t line, uint32_t column)
{
	jw_key(w, "physicalLocation");
	jw_begin_object(w, false);
	jw_key(w, "artifactLocation");
	jw_begin_object(w, true);
	kv_uri(w, "uri", "", path ? path : "", "");
	jw_kv_str(w, "uriBaseId", "%SRCROOT%");
	jw_end_object(w);
	jw_key(w, "region");
	jw_begin_object(w, true);
	jw_kv_int(w, "startLine", line ? line : 1);
	jw_kv_int(w, "startColumn", fu_col(column));
	jw_kv_int(w, "endLine", line ? line : 1);
	jw_end_object(w);
	jw_end_object(w);
}

static void write_location(struct jw *w, const struct cx_finding *fd)
{
	jw_key(w, "locations");
	jw_begin_array(w, false);
	jw_begin_object(w, false);
	write_physical(w, fd->path, fd->line, fd->column);
	if (fd->function) {
		jw_key(w, "logicalLocations");
		jw_begin_array(w, false);
		jw_begin_object(w, true);
		jw_kv_str(w, "name", fd->function);
		jw_kv_str(w, "kind", "function");
		jw_end_object(w);
		jw_end_array(w);
	}
	jw_end_object(w);
	jw_end_array(w);
}

static void write_result(struct jw *w, const struct cx_finding *fd, const char *fp)
{
	jw_begin_object(w, false);
	jw_kv_str(w, "ruleId", cx_rules[fd->rule].id);
	jw_kv_int(w, "ruleIndex", (int64_t)fd->rule);
	jw_kv_str(w, "level", fu_level_name(fd->level));
	kv_text(w, "message", fd->message);
	write_location(w, fd);
	jw_key(w, "partialFingerprints");
	jw_begin_object(w, true);
	jw_kv_str(w, "cxscanFingerprint/v1", fp);
	jw_end_object(w);
	jw_key(w, "properties");
	jw_begin_object(w, true);
	jw_kv_int(w, "value", fd->value);
	jw_kv_int(w, "threshold", fd->threshold);
	jw_end_object(w);
	jw_end_object(w);
}

static void write_note(struct jw *w, const struct cx_note *n)
{
	jw_begin_object(w, false);
	jw_kv_str(w, "level", "note");
	kv_text(w, "message", n->message);
	jw_key(w, "locations");
	jw_begin_array(w, false);
	jw_begin_object(w, false);
	write_physical(w, n->path, n->line, n->column);
	jw_end_object(w);
	jw_end_array(w);
	jw_end_object(w);
}

static void write_invocation(struct jw *w, const struct cx_findings *f)
{
	jw_key(w, "invocations");
	jw_begin_array(w, false);
	jw_begin_object(w, false);
	jw_key(w, "executionSuccessful");
	jw_bool(w, true);
	if (f->nnotes) {
		jw_key(w, "toolExecutionNotifications");
		jw_begin_array(w, false);
		for (size_t i = 0; i < f->nnotes; i++)
			write_note(w, &f->notes[i]);
		jw_end_array(w);
	}
	jw_end_object(w);
	jw_end_array(w);
}

/* %SRCROOT% is the scan root as a file URI ending in '/', so that the
 * relative result URIs resolve against it (RFC 3986 5.2). */
static void write_base(struct jw *w, const struct cx_findings_meta *meta)
{
	if (!meta || !meta->root || meta->root[0] != '/')
		return;
	size_t n = strlen(meta->root);
	jw_key(w, "originalUriBaseIds");
	jw_begin_object(w, false);
	jw_key(w, "%SRCROOT%");
	jw_begin_object(w, true);
	kv_uri(w, "uri", "file://", meta->root, meta->root[n - 1] == '/' ? "" : "/");
	jw_end_object(w);
	jw_end_object(w);
}

static void write_results(struct jw *w, const struct cx_findings *f, const struct fu_fps *fps)
{
	jw_key(w, "results");
	jw_begin_array(w, false);
	for (size_t i = 0; i < f->n; i++)
		write_result(w, &f->v[i], fps->v[i]);
	jw_end_array(w);
}

int cx_findings_write_sarif(FILE *out, const struct cx_findings *f,
                            const struct cx_findings_meta *meta)
{
	struct fu_fps fps;
	if (fu_fps_init(&fps, f) != 0)
		return CX_ENOMEM;
	struct jw w;
	jw_init(&w, out);
	jw_begin_object(&w, false);
	jw_kv_str(&w, "$schema", SARIF_SCHEMA);
	jw_kv_str(&w, "version", "2.1.0");
	jw_key(&w, "runs");
	jw_begin_array(&w, false);
	jw_begin_object(&w, false);
	write_driver(&w, meta);
	write_invocation(&w, f);
	write_base(&w, meta);
	jw_kv_str(&w, "columnKind", "utf16CodeUnits");
	write_results(&w, f, &fps);
	jw_end_object(&w);
	jw_end_array(&w);
	jw_end_object(&w);
	fu_fps_release(&fps);
	return fu_finish(out);
}
