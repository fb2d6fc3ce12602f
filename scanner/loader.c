/* loader.c: finds and loads cxscan-analyzer.so, the libclang half of
 * cxscan, the first time a TU has to be parsed. A run whose every TU is a
 * cache hit never loads it (libclang takes tens of milliseconds to load).
 * The module is looked up by path only (never through the library search
 * path), so a stray module elsewhere cannot be picked up. */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_analyzer.h"
#include "cx_scanner.h"
#include "cx_util.h"

#define MODULE_NAME "cxscan-analyzer.so"

#ifndef CX_MODULE_INSTALL_DIR
#define CX_MODULE_INSTALL_DIR "/usr/local/lib/cxscan"
#endif

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const struct cx_analyzer_api *loaded;

static const struct cx_analyzer_api *try_load(const char *path, char **why)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		if (access(path, F_OK) == 0 && !*why)
			*why = cx_strdup(e ? e : "dlopen failed");
		return NULL;
	}
	const struct cx_analyzer_api *(*get)(void) = NULL;
	*(void **)&get = dlsym(h, "cxscan_analyzer_module");
	const struct cx_analyzer_api *api = get ? get() : NULL;
	if (!api || api->abi != CX_ANALYZER_ABI) {
		if (!*why)
			*why = cx_asprintf("'%s' is not a cxscan %s analyzer module", path, CX_VERSION);
		dlclose(h);
		return NULL;
	}
	return api; /* never closed: the process keeps using it */
}

char *cx_helper_path(int i, const char *env_var, const char *name)
{
	const char *env = getenv(env_var);
	if (env && *env)
		return i == 0 ? cx_strdup(env) : NULL;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		i += 2;
	else
		exe[n] = '\0', *strrchr(exe, '/') = '\0';
	switch (i) {
	case 0: return cx_asprintf("%s/%s", exe, name);
	case 1: return cx_asprintf("%s/../lib/cxscan/%s", exe, name);
	case 2: return cx_asprintf("%s/%s", CX_MODULE_INSTALL_DIR, name);
	default: return NULL;
	}
}

static const struct cx_analyzer_api *search(char **why)
{
	const struct cx_analyzer_api *api = NULL;
	char *p;
	for (int i = 0; !api && (p = cx_helper_path(i, "CXSCAN_ANALYZER", MODULE_NAME)) != NULL;
	     i++) {
		api = try_load(p, why);
		free(p);
	}
	return api;
}

int cx_analyzer_api_load(const struct cx_analyzer_api **api, struct cx_ctx *ctx)
{
	pthread_mutex_lock(&lock);
	char *why = NULL;
	if (!loaded) {
		loaded = search(&why);
		if (loaded)
			loaded->global_init();
	}
	*api = loaded;
	pthread_mutex_unlock(&lock);
	if (*api) {
		free(why);
		return 0;
	}
	int rc = cx_error(ctx, CX_EIO, "cannot load the analyzer module %s: %s", MODULE_NAME,
	                  why ? why : "not found next to the executable, in ../lib/cxscan "
	                              "or " CX_MODULE_INSTALL_DIR " (set CXSCAN_ANALYZER)");
	free(why);
	return rc;
}

static void stat_part(char *buf, size_t cap, const char *path)
{
	struct stat st;
	size_t n = strlen(buf);
	if (path && stat(path, &st) == 0)
		snprintf(buf + n, cap - n, "%s:%lld:%lld.%09ld;", path, (long long)st.st_size,
		         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	else
		snprintf(buf + n, cap - n, "%s:absent;", path ? path : "");
}

char *cx_analyzer_identity(void)
{
	char buf[2 * PATH_MAX + 256] = "";
	char *p = NULL;
	for (int i = 0; (p = cx_helper_path(i, "CXSCAN_ANALYZER", MODULE_NAME)) != NULL &&
	                access(p, F_OK) != 0;
	     i++)
		free(p);
	stat_part(buf, sizeof buf, p);
	stat_part(buf, sizeof buf, CX_LIBCLANG_PATH);
	free(p);
	return cx_strdup(buf);
}
