/* json.c: --format=json, schema version 1 (README, "JSON output"). */
#include <stdio.h>
#include <string.h>

#include "cx_correlate.h"
#include "cx_report.h"
#include "cx_store.h"
#include "jsonw.h"

static void kv_bool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

/* A function is one line: a third fewer bytes than one key a line (mm/:
 * 3.7 MB instead of 5.6), and one grep hit a function. The line is the
 * report's bulk (20,000 of them for linux kernel/), so it is written raw
 * (jw_next, jw_raw): the same bytes the jw_ calls of an inline object
 * would give, at a fraction of their cost. */
#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/* Longest: ", { "kind": "KIND", "line": N, ..., "cognitive": N}" with
 * six numbers of at most 20 bytes: well under 256. */
#define BLOCK_MAX 256

/* --correlate's fields of a function: 8 keys, numbers of at most 40 bytes
 * each (times are at most hours; CRAP and H stay far below 1e30). */
static char *corr_fields(char *p, const struct cx_corr_fn *cf)
{
	if (cf->has_cov)
		p += sprintf(p, ", \"coverage\": %.4f", cf->coverage);
	else
		p = LIT(p, ", \"coverage\": null");
	p = LIT(p, ", \"tests\": ");
	p = jw_dec(p, (int64_t)cf->tests);
	p += sprintf(p, ", \"touch_s\": %.6f, \"attributed_s\": %.6f, \"hot\": %.6f, "
	             "\"hot_npath\": %.6f, \"crap\": %.3f", cf->touch_s, cf->attributed_s, cf->hot,
	             cf->hot_npath, cf->crap);
	p = cf->test_code ? LIT(p, ", \"test_code\": true") : LIT(p, ", \"test_code\": false");
	return p;
}

static void write_function(struct jw *w, const struct cx_function *fn, const struct cx_corr_fn *cf)
{
	char b[1024], *p = b;
	jw_next(w);
	jw_raw(w, "{ \"name\": ", 10);
	jw_quote(w, fn->name);
	p = LIT(p, ", \"line\": ");
	p = jw_dec(p, fn->line);
	p = LIT(p, ", \"column\": ");
	p = jw_dec(p, fn->column);
	p = LIT(p, ", \"end_line\": ");
	p = jw_dec(p, fn->end_line);
	p = LIT(p, ", \"ccn\": ");
	p = jw_dec(p, fn->ccn);
	p = LIT(p, ", \"ccn_modified\": ");
	p = jw_dec(p, fn->ccn_modified);
	p = LIT(p, ", \"npath\": ");
	p = jw_dec(p, fn->npath);
	p = LIT(p, ", \"cognitive\": ");
	p = jw_dec(p, fn->cognitive);
	p = LIT(p, ", \"max_nesting\": ");
	p = jw_dec(p, fn->max_nesting);
	p = LIT(p, ", \"params\": ");
	p = jw_dec(p, fn->params);
	p = fn->variadic ? LIT(p, ", \"variadic\": true") : LIT(p, ", \"variadic\": false");
	p = LIT(p, ", \"nloc\": ");
	p = jw_dec(p, fn->nloc);
	p = LIT(p, ", \"tokens\": ");
	p = jw_dec(p, fn->tokens);
	p = LIT(p, ", \"statements\": ");
	p = jw_dec(p, fn->statements);
	p = LIT(p, ", \"length\": ");
	p = jw_dec(p, fn->length);
	p = fn->from_macro ? LIT(p, ", \"from_macro\": true") : LIT(p, ", \"from_macro\": false");
	if (cf)
		p = corr_fields(p, cf);
	p = LIT(p, ", \"blocks\": [");
	for (size_t i = 0; i < fn->nblocks; i++) {
		const struct cx_block *k = &fn->blocks[i];
		if ((size_t)(b + sizeof b - p) < BLOCK_MAX) {
			jw_raw(w, b, (size_t)(p - b));
			p = b;
		}
		p = i ? LIT(p, ", { \"kind\": \"") : LIT(p, " { \"kind\": \"");
		const char *kind = cx_kind_name(k->kind); /* a short ASCII name */
		size_t kn = strnlen(kind, 32);
		memcpy(p, kind, kn);
		p += kn;
		p = LIT(p, "\", \"line\": ");
		p = jw_dec(p, k->line);
		p = LIT(p, ", \"end_line\": ");
		p = jw_dec(p, k->end_line);
		p = LIT(p, ", \"depth\": ");
		p = jw_dec(p, k->depth);
		p = LIT(p, ", \"ccn\": ");
		p = jw_dec(p, k->ccn);
		p = LIT(p, ", \"cognitive\": ");
		p = jw_dec(p, k->cognitive);
		*p++ = '}';
	}
	p = LIT(p, "]}");
	jw_raw(w, b, (size_t)(p - b));
}

static void kv_s(struct jw *w, const char *k, double v)
{
	jw_key(w, k);
	jw_double(w, v, 3);
}

static void write_stats(struct jw *w, const struct cx_scan_stats *st)
{
	jw_key(w, "stats");
	jw_begin_object(w, false);
	jw_kv_int(w, "tus", (int64_t)st->tus);
	jw_kv_int(w, "hits", (int64_t)st->hits);
	jw_kv_int(w, "misses", (int64_t)st->misses);
	jw_kv_int(w, "parsed", (int64_t)st->parsed);
	jw_kv_int(w, "jobs", (int64_t)st->jobs);
	kv_bool(w, "cache", st->cached);
	kv_bool(w, "memo", st->memo);
	kv_s(w, "discovery_s", st->discovery_s);
	kv_s(w, "stat_hash_s", st->stat_hash_s);
	kv_s(w, "lookup_s", st->lookup_s);
	kv_s(w, "parse_s", st->parse_s);
	kv_s(w, "analysis_s", st->analysis_s);
	kv_s(w, "merge_s", st->merge_s);
	kv_s(w, "store_s", st->store_s);
	jw_kv_int(w, "files_read", (int64_t)st->files_read);
	jw_kv_int(w, "files_stated", (int64_t)st->files_stated);
	jw_kv_int(w, "peak_rss_kb", st->peak_rss_kb);
	jw_key(w, "parsed_files");
	jw_begin_array(w, true);
	for (size_t i = 0; i < st->nparsed_files; i++)
		jw_string(w, st->parsed_files[i]);
	jw_end_array(w);
	jw_end_object(w);
}

void cx_json_line(FILE *out, const char *file, const char *directory,
                  const char *const *args, size_t nargs)
{
	struct jw w;
	jw_init(&w, out);
	jw_begin_object(&w, true);
	jw_key(&w, "file");
	jw_string(&w, file);
	jw_key(&w, "directory");
	jw_string(&w, directory ? directory : "");
	jw_key(&w, "arguments");
	jw_begin_array(&w, true);
	for (size_t i = 0; i < nargs; i++)
		jw_string(&w, args[i]);
	jw_end_array(&w);
	jw_end_object(&w); /* ends the line at the top level */
}

struct json_out {
	struct jw w;
	const struct cx_correlation *corr;
	size_t next; /* the correlation's function of the next function written */
};

static int write_file(void *arg, const struct cx_file *f)
{
	struct json_out *jo = arg;
	struct jw *w = &jo->w;
	jw_begin_object(w, false);
	jw_key(w, "path");
	jw_string(w, f->path);
	jw_key(w, "status");
	jw_string(w, cx_file_status_name(f->status));
	jw_key(w, "diagnostics");
	jw_begin_array(w, true);
	for (size_t d = 0; d < f->ndiags; d++)
		jw_string(w, f->diags[d]);
	jw_end_array(w);
	jw_key(w, "functions");
	jw_begin_array(w, false);
	for (size_t k = 0; k < f->nfuncs; k++) {
		/* the correlation has the functions in this very order */
		const struct cx_corr_fn *cf = jo->corr && jo->next < jo->corr->nfn
		                                  ? &jo->corr->fn[jo->next++] : NULL;
		write_function(w, &f->funcs[k], cf);
	}
	jw_end_array(w);
	jw_end_object(w);
	return 0;
}

static void kv_secs(struct jw *w, const char *k, bool known, double v)
{
	jw_key(w, k);
	if (known)
		jw_double(w, v, 6);
	else
		jw_null(w);
}

/* The tests (each with its footprint and top functions) and the totals. */
static void write_correlation(struct jw *w, const struct cx_correlation *c,
                              const struct cx_tests *t)
{
	jw_key(w, "tests");
	jw_begin_array(w, false);
	for (size_t i = 0; i < c->ntest; i++) {
		const struct cx_corr_test *ct = &c->test[i];
		const struct cx_test_run *r = ct->run;
		jw_begin_object(w, true);
		jw_key(w, "name");
		jw_string(w, r->name);
		jw_key(w, "id");
		jw_string(w, r->id);
		jw_key(w, "status");
		jw_string(w, cx_test_status_name(r->status));
		kv_secs(w, "duration_s", r->has_time, r->duration_s);
		kv_secs(w, "user_s", r->has_cpu, r->user_s);
		kv_secs(w, "sys_s", r->has_cpu, r->sys_s);
		kv_bool(w, "coverage", r->has_coverage);
		kv_secs(w, "attributed_s", true, ct->base_s);
		kv_secs(w, "product_s", true, ct->product_s);
		jw_key(w, "footprint");
		jw_double(w, ct->footprint, 4);
		jw_key(w, "top");
		jw_begin_array(w, true);
		for (size_t k = 0; k < ct->ntop; k++) {
			const struct cx_corr_fn *f = &c->fn[ct->top[k]];
			jw_begin_object(w, true);
			jw_key(w, "path");
			jw_string(w, f->path);
			jw_key(w, "name");
			jw_string(w, f->name);
			jw_kv_int(w, "line", f->line);
			kv_secs(w, "attributed_s", true, ct->top_s[k]);
			jw_end_object(w);
		}
		jw_end_array(w);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "correlation");
	jw_begin_object(w, false);
	jw_key(w, "layout");
	jw_string(w, t && t->layout ? t->layout : "");
	jw_kv_int(w, "tests", (int64_t)c->ntest);
	jw_kv_int(w, "tests_without_coverage", (int64_t)c->tests_without_coverage);
	jw_kv_int(w, "corrupt_lines", (int64_t)c->corrupt_lines);
	kv_secs(w, "total_s", true, c->total_s);
	kv_secs(w, "d0_s", true, c->d0);
	kv_secs(w, "u0_s", true, c->u0);
	kv_secs(w, "attributed_s", true, c->base_total_s);
	kv_secs(w, "product_s", true, c->product_s);
	kv_secs(w, "harness_s", true, c->harness_s);
	kv_secs(w, "unmatched_s", true, c->unmatched_s);
	jw_key(w, "warnings");
	jw_begin_array(w, false);
	for (size_t i = 0; t && i < t->warnings.n; i++)
		jw_string(w, t->warnings.v[i]);
	jw_end_array(w);
	jw_end_object(w);
}

int cx_report_json(FILE *out, const struct cx_result *res, const struct cx_report_opts *o,
                   struct cx_ctx *ctx)
{
	struct json_out jo = {.corr = o->corr};
	struct jw *w = &jo.w;
	struct cx_totals t;
	cx_result_totals(res, &t);
	jw_init(w, out);
	jw_begin_object(w, false);
	jw_kv_int(w, "schema_version", 1);
	jw_key(w, "tool");
	jw_begin_object(w, true);
	jw_key(w, "name");
	jw_string(w, "cxscan");
	jw_key(w, "version");
	jw_string(w, o->tool_version);
	jw_key(w, "libclang");
	jw_string(w, o->clang_version ? o->clang_version : "");
	jw_end_object(w);
	jw_key(w, "root");
	jw_string(w, res->root);
	jw_key(w, "options");
	jw_begin_object(w, true);
	jw_key(w, "macros");
	jw_string(w, res->macros == CX_MACROS_EXPAND ? "expand" : "ignore");
	jw_end_object(w);
	jw_key(w, "summary");
	jw_begin_object(w, true);
	jw_kv_int(w, "files", (int64_t)t.files);
	jw_kv_int(w, "functions", (int64_t)t.functions);
	jw_kv_int(w, "degraded", (int64_t)t.degraded);
	jw_kv_int(w, "errors", (int64_t)t.errors);
	jw_kv_int(w, "tus", (int64_t)res->stats.tus);
	jw_key(w, "elapsed_s");
	jw_double(w, res->elapsed_s, 3);
	if (o->stats)
		write_stats(w, &res->stats);
	jw_end_object(w);
	jw_key(w, "files");
	jw_begin_array(w, false);
	int rc = cx_result_each(res, write_file, &jo);
	jw_end_array(w);
	if (o->corr)
		write_correlation(w, o->corr, o->tests);
	jw_end_object(w);
	if (rc)
		return cx_error(ctx, rc, "cannot read the stored results");
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the JSON report");
	return 0;
}
