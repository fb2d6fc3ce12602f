/* Error codes and the error context every fallible cxscan call reports into.
 * A function returns 0 or a negative enum cx_err and, at the point of
 * failure, writes a one-line message into the context with cx_error(). */
#ifndef CX_ERR_H
#define CX_ERR_H

#include <stddef.h>

#define CX_MUST_CHECK __attribute__((warn_unused_result))

enum cx_err {
	CX_OK = 0,
	CX_EINVAL = -1, /* bad argument, option or input data */
	CX_EIO = -2,    /* a file could not be read or written */
	CX_ENOMEM = -3, /* allocation failed */
	CX_EPARSE = -4, /* libclang could not parse a translation unit */
	CX_ELIMIT = -5, /* input exceeds a limit of cx_limits.h */
};

struct cx_ctx {
	int err;
	char msg[1024];
};

/* Records `err` and a printf-style message in ctx (ctx may be NULL);
 * returns err so that callers can `return cx_error(...)`. */
int cx_error(struct cx_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears the context. */
void cx_ctx_clear(struct cx_ctx *ctx);

#endif
