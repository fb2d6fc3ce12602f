/* err.c: the error context (cx_err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cx_err.h"

int cx_error(struct cx_ctx *ctx, int err, const char *fmt, ...)
{
	if (!ctx)
		return err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
	va_end(ap);
	ctx->err = err;
	return err;
}

void cx_ctx_clear(struct cx_ctx *ctx)
{
	ctx->err = 0;
	ctx->msg[0] = '\0';
}
