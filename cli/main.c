/* main.c: parse the options, pick the mode, run it, report an error as
 * one line on stderr. Exit status: 0 success, 2 usage or input error. */
#include <stdio.h>
#include <stdlib.h>

#include "cx_cli.h"

int main(int argc, char **argv)
{
	struct cx_ctx ctx = {0};
	struct cx_options opts;
	int status;
	if (cx_options_parse(argc, argv, &opts, &ctx) != 0 || cx_options_absolute(&opts, &ctx) != 0) {
		fprintf(stderr, "cxscan: %s\n", ctx.msg);
		cx_options_release(&opts);
		return CX_EXIT_USAGE;
	}
	if (opts.help) {
		cx_options_help(stdout);
		status = CX_EXIT_OK;
	} else if (opts.version) {
		printf("cxscan %s\n", CX_VERSION);
		status = CX_EXIT_OK;
	} else {
		status = (opts.record      ? cx_mode_record
		          : opts.cache_cmd ? cx_mode_cache
		          : opts.explain   ? cx_mode_explain
		          : opts.correlate ? cx_mode_correlate
		                           : cx_mode_scan)(&opts, &ctx);
		if (status == CX_EXIT_USAGE)
			fprintf(stderr, "cxscan: %s\n", ctx.msg);
	}
	cx_options_release(&opts);
	return status;
}
