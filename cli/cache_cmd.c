/* cache_cmd.c: `cxscan cache stats|clear [PATH]`: what the result cache
 * of a project holds, or empty it. Neither creates a cache that is not
 * there. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_cache.h"
#include "cx_cli.h"

char *cx_cache_default_path(const char *root)
{
	return cx_asprintf("%s/.cache/cxscan/cache.sqlite", root);
}

static char *cache_path(const struct cx_options *o, struct cx_ctx *ctx)
{
	if (o->cache)
		return cx_strdup(o->cache);
	const char *root = o->root ? o->root : o->paths.n ? o->paths.v[0] : ".";
	char buf[PATH_MAX];
	if (!realpath(root, buf)) {
		cx_error(ctx, CX_EINVAL, "cannot use '%s': %s", root, strerror(errno));
		return NULL;
	}
	return cx_cache_default_path(buf);
}

int cx_mode_cache(const struct cx_options *o, struct cx_ctx *ctx)
{
	char *path = cache_path(o, ctx);
	struct cx_cache *c = NULL;
	int rc = path ? 0 : ctx->err ? ctx->err : cx_error(ctx, CX_ENOMEM, "out of memory");
	if (rc == 0 && access(path, F_OK) != 0) {
		printf("no cache at %s\n", path);
		free(path);
		return CX_EXIT_OK;
	}
	if (rc == 0)
		rc = cx_cache_open(path, o->quiet, &c, ctx);
	if (rc == 0 && o->cache_cmd == CX_CACHE_CLEAR) {
		rc = cx_cache_clear(c);
		if (rc)
			cx_error(ctx, rc, "cannot clear the cache '%s'", path);
		else
			printf("cleared %s\n", path);
	} else if (rc == 0) {
		struct cx_cache_stats st;
		rc = cx_cache_stats(c, &st);
		if (rc)
			cx_error(ctx, rc, "cannot read the cache '%s'", path);
		else
			printf("cache %s\n%lld TU entries, %lld files tracked, %.1f MiB on disk "
			       "(%.1f MiB of results)\n",
			       path, (long long)st.tus, (long long)st.files,
			       (double)st.bytes / 1048576.0, (double)st.result_bytes / 1048576.0);
	}
	cx_cache_close(c);
	free(path);
	return rc ? CX_EXIT_USAGE : CX_EXIT_OK;
}
