/* fuzz_cache: cx_cache_open over an arbitrary file at the cache path (a
 * cache damaged by a crash, a full disk, another program, or written by
 * someone else), then one store / flush / lookup / load cycle.
 *
 * A private temporary directory is created once (under $TMPDIR, default
 * /tmp) holding a dependency file dep.h (mtime an hour ago, so never
 * "racy") and a directory c/ emptied before each input: the input is
 * written to c/cache.sqlite.
 *
 * Invariants:
 * - cx_cache_open succeeds: a file that is not a cache of this schema, or
 *   is damaged, is moved aside and a new cache is created;
 * - in that run, an entry stored without dependencies and flushed is a hit
 *   whose blob is the bytes stored, unless the cache found itself damaged
 *   meanwhile, in which case it is moved aside at close (a failing cache
 *   misses, it never gives a wrong hit);
 * - in the next run (a new cache object), an entry stored in the first run
 *   with dep.h as its dependency is a hit with its blob, unless one of the
 *   runs found the file damaged and moved it aside;
 * - cx_cache_stats succeeds, or fails with CX_EIO on a damage found only
 *   then (the file is then moved aside at close); nothing leaks. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cx_cache.h"
#include "fuzz_common.h"

static char g_base[PATH_MAX], g_dir[PATH_MAX + 8], g_cache[PATH_MAX + 32], g_dep[PATH_MAX + 8];
static char g_tu1[PATH_MAX + 8], g_tu2[PATH_MAX + 8];

static const char blob1[] = "blob of the TU without dependencies";
static const char blob2[] = "blob of the TU depending on dep.h";

/* Empties g_dir (the cache, its -wal/-shm, and what was moved aside). */
static void empty_dir(void)
{
	DIR *d = opendir(g_dir);
	FUZZ_CHECK(d != NULL, "cannot open %s", g_dir);
	struct dirent *e;
	char path[PATH_MAX + 300];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
		FUZZ_CHECK(unlink(path) == 0, "cannot remove %s", path);
	}
	closedir(d);
}

static void cleanup(void)
{
	empty_dir();
	rmdir(g_dir);
	unlink(g_dep);
	rmdir(g_base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_mkdtemp(g_base, sizeof g_base, "cache");
	snprintf(g_dir, sizeof g_dir, "%s/c", g_base);
	snprintf(g_cache, sizeof g_cache, "%s/cache.sqlite", g_dir);
	snprintf(g_dep, sizeof g_dep, "%s/dep.h", g_base);
	snprintf(g_tu1, sizeof g_tu1, "%s/one.c", g_base);
	snprintf(g_tu2, sizeof g_tu2, "%s/two.c", g_base);
	FUZZ_CHECK(mkdir(g_dir, 0700) == 0, "cannot create %s", g_dir);
	atexit(cleanup);
	FILE *fp = fopen(g_dep, "w");
	FUZZ_CHECK(fp != NULL, "cannot write %s", g_dep);
	fputs("#define DEP 1\n", fp);
	fclose(fp);
	struct timespec ts[2];
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 3600;
	ts[1] = ts[0];
	FUZZ_CHECK(utimensat(AT_FDCWD, g_dep, ts, 0) == 0, "cannot set the mtime of %s", g_dep);
	return 0;
}

static struct cx_cache *open_cache(void)
{
	struct cx_cache *c = NULL;
	struct cx_ctx ctx = {0};
	int rc = cx_cache_open(g_cache, true, &c, &ctx);
	FUZZ_CHECK(rc == 0 && c != NULL, "cx_cache_open: %d: %s", rc, ctx.msg);
	/* a damage found only now is an error (and the file is moved aside
	 * at close) */
	struct cx_cache_stats st;
	rc = cx_cache_stats(c, &st);
	FUZZ_CHECK(rc == 0 || rc == CX_EIO, "cx_cache_stats: %d", rc);
	FUZZ_CHECK(rc || (st.tus >= 0 && st.files >= 0 && st.result_bytes >= 0 && st.bytes >= 0),
	           "negative stats");
	return c;
}

/* 1 on a hit with the blob `want`, 0 on a miss; a hit with other bytes
 * fails. */
static int lookup(struct cx_cache *c, const char *tu, const struct cx_digest *cfg,
                  const struct cx_digest *ct, const char *want)
{
	int64_t id = 0;
	int rc = cx_cache_lookup(c, tu, cfg, ct, &id);
	FUZZ_CHECK(rc == 0 || rc == 1, "cx_cache_lookup: %d", rc);
	if (rc == 0)
		return 0;
	void *blob = NULL;
	size_t len = 0;
	rc = cx_cache_load(c, id, &blob, &len);
	/* the row may have gone since the lookup only if the file is damaged */
	FUZZ_CHECK(rc == 0 || rc == CX_EIO, "cx_cache_load: %d", rc);
	if (rc == 0)
		FUZZ_CHECK(len == strlen(want) && memcmp(blob, want, len) == 0,
		           "a hit on %s returned %zu other bytes", tu, len);
	free(blob);
	return rc == 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	empty_dir();
	int fd = open(g_cache, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0, "cannot write %s", g_cache);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "short write to %s", g_cache);
	close(fd);

	struct cx_digest cfg, ct1, ct2;
	cx_digest_buf("config", 6, &cfg);
	cx_digest_buf("one", 3, &ct1);
	cx_digest_buf("two", 3, &ct2);
	char *deps[] = {g_dep};

	/* run 1 */
	struct cx_cache *c = open_cache();
	struct cx_cache_entry e1 = {g_tu1, cfg, ct1, NULL, 0, now_ns(), blob1, sizeof blob1 - 1};
	struct cx_cache_entry e2 = {g_tu2, cfg, ct2, deps, 1, now_ns(), blob2, sizeof blob2 - 1};
	int rc = cx_cache_store(c, &e1, NULL);
	FUZZ_CHECK(rc == 0, "cx_cache_store: %d", rc);
	rc = cx_cache_store(c, &e2, NULL);
	FUZZ_CHECK(rc == 0, "cx_cache_store: %d", rc);
	rc = cx_cache_flush(c);
	FUZZ_CHECK(rc == 0, "cx_cache_flush: %d", rc);
	int hit1 = lookup(c, g_tu1, &cfg, &ct1, blob1);
	struct cx_digest d;
	bool present = false;
	rc = cx_cache_file_digest(c, g_dep, &d, &present);
	FUZZ_CHECK(rc == 0 && present, "cx_cache_file_digest: %d", rc);
	cx_cache_close(c);
	/* moved aside at close (a name of the same second may replace the
	 * file moved aside at open, so look at the cache path itself) */
	int broken = access(g_cache, F_OK) != 0;
	FUZZ_CHECK(hit1 || broken, "an entry stored and flushed in this run misses, and the "
	                           "cache was not moved aside");

	/* run 2 */
	c = open_cache();
	int hit2 = lookup(c, g_tu2, &cfg, &ct2, blob2);
	cx_cache_close(c);
	broken = broken || access(g_cache, F_OK) != 0;
	FUZZ_CHECK(hit2 || broken, "an entry stored by the previous run misses, and neither "
	                           "run moved the cache aside");
	return 0;
}
