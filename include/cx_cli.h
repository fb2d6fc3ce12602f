/* The modes of the cxscan command; each returns the process exit status
 * (0 success, 2 usage or input error, with the message in ctx). */
#ifndef CX_CLI_H
#define CX_CLI_H

#include "cx_err.h"
#include "cx_options.h"

enum cx_exit { CX_EXIT_OK = 0, CX_EXIT_FINDINGS = 1, CX_EXIT_USAGE = 2 };

int cx_mode_scan(const struct cx_options *o, struct cx_ctx *ctx);
int cx_mode_explain(const struct cx_options *o, struct cx_ctx *ctx);
int cx_mode_cache(const struct cx_options *o, struct cx_ctx *ctx);
int cx_mode_correlate(const struct cx_options *o, struct cx_ctx *ctx);
int cx_mode_record(const struct cx_options *o, struct cx_ctx *ctx);
int cx_mode_install_hook(const struct cx_options *o, struct cx_ctx *ctx);

/* The cache a scan of `root` (absolute) uses without --cache. NULL on
 * ENOMEM. */
char *cx_cache_default_path(const char *root);

#endif
