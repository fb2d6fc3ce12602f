/* csv.c: --format=csv, RFC 4180: a header row always, one row a function. */
#include <string.h>

#include "cx_correlate.h"
#include "cx_report.h"
#include "cx_store.h"

static void field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

struct csv_out {
	FILE *out;
	const struct cx_correlation *corr;
	size_t next; /* the correlation has the functions in the same order */
};

static int write_rows(void *arg, const struct cx_file *f)
{
	struct csv_out *co = arg;
	FILE *out = co->out;
	for (size_t k = 0; k < f->nfuncs; k++) {
		const struct cx_function *fn = &f->funcs[k];
		field(out, f->path);
		fputc(',', out);
		field(out, fn->name);
		fprintf(out, ",%u,%u,%u,%u,%u,%lld,%u,%u,%u,%d,%u,%u,%u,%u,%d,%s", fn->line,
		        fn->column, fn->end_line, fn->ccn, fn->ccn_modified, (long long)fn->npath,
		        fn->cognitive, fn->max_nesting, fn->params, fn->variadic, fn->nloc,
		        fn->tokens, fn->statements, fn->length, fn->from_macro,
		        cx_file_status_name(f->status));
		if (co->corr && co->next < co->corr->nfn) {
			const struct cx_corr_fn *c = &co->corr->fn[co->next++];
			if (c->has_cov)
				fprintf(out, ",%.4f", c->coverage);
			else
				fputc(',', out); /* empty: no data */
			fprintf(out, ",%zu,%.6f,%.6f,%.6f,%.3f,%d", c->tests, c->touch_s, c->attributed_s,
			        c->hot, c->crap, c->test_code);
		}
		fputs("\r\n", out);
	}
	return 0;
}

int cx_report_csv(FILE *out, const struct cx_result *res, const struct cx_report_opts *o,
                  struct cx_ctx *ctx)
{
	struct csv_out co = {.out = out, .corr = o->corr};
	fputs("path,function,line,column,end_line,ccn,ccn_modified,npath,cognitive,"
	      "max_nesting,params,variadic,nloc,tokens,statements,length,from_macro,status",
	      out);
	/* --correlate: coverage is empty without data */
	if (o->corr)
		fputs(",coverage,tests,touch_s,attributed_s,hot,crap,test_code", out);
	fputs("\r\n", out);
	int rc = cx_result_each(res, write_rows, &co);
	if (rc)
		return cx_error(ctx, rc, "cannot read the stored results");
	if (fflush(out) != 0 || ferror(out))
		return cx_error(ctx, CX_EIO, "cannot write the CSV report");
	return 0;
}
