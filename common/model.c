/* model.c: lifecycle and small helpers of the result model (cx_model.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_analyzer.h"
#include "cx_model.h"
#include "cx_util.h"

static const char *const kind_names[CX_K_COUNT] = {
	[CX_K_IF] = "if", [CX_K_ELSE_IF] = "else if", [CX_K_ELSE] = "else",
	[CX_K_FOR] = "for", [CX_K_WHILE] = "while", [CX_K_DO] = "do",
	[CX_K_SWITCH] = "switch", [CX_K_CASE] = "case", [CX_K_DEFAULT] = "default",
	[CX_K_TERNARY] = "?:", [CX_K_GNU_TERNARY] = "?: (GNU)", [CX_K_AND] = "&&",
	[CX_K_OR] = "||", [CX_K_GOTO] = "goto", [CX_K_RECURSION] = "recursion",
	[CX_K_STMT_EXPR] = "({...})",
};

const char *cx_kind_name(enum cx_kind kind)
{
	return (unsigned)kind < CX_K_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}

const char *cx_file_status_name(enum cx_file_status st)
{
	switch (st) {
	case CX_FILE_OK: return "ok";
	case CX_FILE_DEGRADED: return "degraded";
	default: return "error";
	}
}

void cx_function_release(struct cx_function *fn)
{
	if (!fn)
		return;
	free(fn->name);
	free(fn->blocks);
	free(fn->incs);
	memset(fn, 0, sizeof *fn);
}

void cx_file_release(struct cx_file *file)
{
	if (!file)
		return;
	free(file->path);
	for (size_t i = 0; i < file->ndiags; i++)
		free(file->diags[i]);
	free(file->diags);
	for (size_t i = 0; i < file->nfuncs; i++)
		cx_function_release(&file->funcs[i]);
	free(file->funcs);
	for (size_t i = 0; i < file->nsups; i++)
		cx_suppression_release(&file->sups[i]);
	free(file->sups);
	memset(file, 0, sizeof *file);
}

void cx_suppression_release(struct cx_suppression *s)
{
	if (!s)
		return;
	free(s->rules);
	free(s->reason);
	memset(s, 0, sizeof *s);
}

void cx_result_release(struct cx_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nfiles; i++)
		cx_file_release(&res->files[i]);
	free(res->files);
	if (res->store && res->store_free)
		res->store_free(res->store);
	free(res->root);
	free(res->clang_version);
	for (size_t i = 0; i < res->stats.nparsed_files; i++)
		free(res->stats.parsed_files[i]);
	free(res->stats.parsed_files);
	memset(res, 0, sizeof *res);
}

int cx_file_add_diag(struct cx_file *file, const char *msg)
{
	char **nv = realloc(file->diags, (file->ndiags + 1) * sizeof *nv);
	if (!nv)
		return -3;
	file->diags = nv;
	if (!(nv[file->ndiags] = cx_strdup(msg)))
		return -3;
	file->ndiags++;
	return 0;
}

int64_t cx_sat_add(int64_t a, int64_t b)
{
	/* NPATH values are never negative */
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

int64_t cx_sat_mul(int64_t a, int64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	return a > INT64_MAX / b ? INT64_MAX : a * b;
}

void cx_tu_out_release(struct cx_tu_out *out)
{
	if (!out)
		return;
	for (size_t i = 0; i < out->nfiles; i++)
		cx_file_release(&out->files[i]);
	free(out->files);
	for (size_t i = 0; i < out->ndeps; i++)
		free(out->deps[i]);
	free(out->deps);
	memset(out, 0, sizeof *out);
}
