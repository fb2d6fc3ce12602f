/* main.c: parse the options, pick the mode, run it, report an error as
 * one line on stderr. Exit status: 0 success, 1 findings at or above
 * --fail-on, 2 usage or input error. */
#include <stdio.h>
#include <stdlib.h>

#include "cx_cli.h"

typedef int (*mode_fn)(const struct cx_options *o, struct cx_ctx *ctx);

static int mode_help(const struct cx_options *o, struct cx_ctx *ctx)
{
	(void)o;
	(void)ctx;
	cx_options_help(stdout);
	return CX_EXIT_OK;
}

static int mode_version(const struct cx_options *o, struct cx_ctx *ctx)
{
	(void)o;
	(void)ctx;
	printf("cxscan %s\n", CX_VERSION);
	return CX_EXIT_OK;
}

/* The first mode the options ask for, in this order. */
static mode_fn pick(const struct cx_options *o)
{
	const struct {
		bool on;
		mode_fn fn;
	} modes[] = {
		{o->help, mode_help},
		{o->version, mode_version},
		{o->record, cx_mode_record},
		{o->install_hook, cx_mode_install_hook},
		{o->cache_cmd != CX_CACHE_NONE, cx_mode_cache},
		{o->explain != NULL, cx_mode_explain},
		{o->correlate != NULL, cx_mode_correlate},
	};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (modes[i].on)
			return modes[i].fn;
	return cx_mode_scan;
}

int main(int argc, char **argv)
{
	struct cx_ctx ctx = {0};
	struct cx_options opts;
	int status = CX_EXIT_USAGE;
	if (cx_options_parse(argc, argv, &opts, &ctx) == 0 && cx_options_absolute(&opts, &ctx) == 0)
		status = pick(&opts)(&opts, &ctx);
	if (status == CX_EXIT_USAGE)
		fprintf(stderr, "cxscan: %s\n", ctx.msg);
	cx_options_release(&opts);
	return status;
}
