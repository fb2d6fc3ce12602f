/* tests_dir.c: reads a directory of per-test coverage and times, in the
 * layout `cxscan record` writes or in the bare form (cx_correlate.h). A
 * damaged file costs a warning and its own data, never the report. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "cx_correlate.h"
#include "cx_limits.h"

#define MANIFEST_FORMAT "cxscan-gcov"
#define LLVM_EXPORT "\"llvm.coverage.json.export\""
#define MANIFEST_VERSION 1

/* ---- small helpers ---- */

static int warn(struct cx_tests *t, const char *msg)
{
	return cx_strv_push(&t->warnings, msg);
}

/* The entry `name` of dir onto files when it is a regular file, onto dirs
 * when a directory (either list may be NULL: not wanted); a vanished
 * entry or another type is left out. */
static int list_entry(const char *dir, const char *name, struct cx_strv *files,
                      struct cx_strv *dirs)
{
	char *p = cx_path_join(dir, name);
	if (!p)
		return CX_ENOMEM;
	struct stat st;
	int rc = 0;
	if (lstat(p, &st) == 0) {
		struct cx_strv *to = S_ISDIR(st.st_mode) ? dirs : S_ISREG(st.st_mode) ? files : NULL;
		if (to)
			rc = cx_strv_push(to, name);
	}
	free(p);
	return rc;
}

/* The regular files and the directories of dir (no dot files), each
 * sorted, into files and dirs (either may be NULL); symbolic links are not
 * followed (no loops). One pass over the directory. */
static int list_dir(const char *dir, struct cx_strv *files, struct cx_strv *dirs)
{
	DIR *d = opendir(dir);
	if (!d)
		return CX_EIO;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			rc = list_entry(dir, e->d_name, files, dirs);
	closedir(d);
	if (rc == 0) {
		if (files)
			cx_strv_sort(files);
		if (dirs)
			cx_strv_sort(dirs);
	}
	return rc;
}

/* ---- coverage files under a test's directory ---- */

static bool is_gcov_name(const char *path)
{
	return cx_ends_with(path, ".gcov.json.gz") || cx_ends_with(path, ".gcov.json");
}

/* Whether the text of a .json file says it is an llvm-cov export: its
 * "type" comes last (llvm-cov writes the keys in alphabetical order), so
 * the first and the last 4 KiB are looked at. */
static bool is_llvm_export(const char *buf, size_t len)
{
	size_t tail = len < 4096 ? len : 4096;
	return memmem(buf, tail, LLVM_EXPORT, strlen(LLVM_EXPORT)) ||
	       memmem(buf + len - tail, tail, LLVM_EXPORT, strlen(LLVM_EXPORT));
}

/* The text of a coverage file read by the reader of its kind. */
static int read_cov_text(const char *path, bool gcov, const char *buf, size_t len,
                         struct cx_cov *cov, struct cx_ctx *ctx)
{
	if (cx_ends_with(path, ".info"))
		return cx_lcov_read(buf, len, NULL, cov, ctx);
	return gcov ? cx_gcov_json_read(buf, len, NULL, cov, ctx)
	            : cx_llvm_json_read(buf, len, NULL, cov, ctx);
}

/* "<path>: <msg> (skipped)" onto warnings. */
static int skipped(struct cx_strv *warnings, const char *path, const char *msg)
{
	char *m = cx_asprintf("%s: %s (skipped)", path, msg);
	int rc = m ? cx_strv_push(warnings, m) : CX_ENOMEM;
	free(m);
	return rc;
}

static int read_cov_file(struct cx_strv *warnings, struct cx_cov *cov, bool *has,
                         const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx ctx = {0};
	int rc = cx_read_file(path, CX_MAX_COVERAGE_BYTES, &buf, &len, &ctx);
	bool gcov = is_gcov_name(path);
	/* another .json is read when it says it is an llvm-cov export */
	if (rc == 0 && !gcov && cx_ends_with(path, ".json") && !is_llvm_export(buf, len)) {
		free(buf);
		return 0;
	}
	if (rc == 0) {
		rc = read_cov_text(path, gcov, buf, len, cov, &ctx);
		if (rc == 0)
			*has = true;
	}
	free(buf);
	if (rc == CX_ENOMEM)
		return rc;
	return rc ? skipped(warnings, path, ctx.msg) : 0;
}

static bool is_cov_name(const char *name)
{
	return cx_ends_with(name, ".gcov.json.gz") || cx_ends_with(name, ".json") ||
	       cx_ends_with(name, ".info");
}

/* The coverage files among the files of dir. */
static int read_cov_files(struct cx_strv *warnings, struct cx_cov *cov, bool *has,
                          const char *dir, const struct cx_strv *files)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < files->n; i++) {
		if (!is_cov_name(files->v[i]))
			continue;
		char *p = cx_path_join(dir, files->v[i]);
		rc = p ? read_cov_file(warnings, cov, has, p) : CX_ENOMEM;
		free(p);
	}
	return rc;
}

static int walk_cov(struct cx_strv *warnings, struct cx_cov *cov, bool *has, const char *dir,
                    int depth)
{
	if (depth > CX_MAX_WALK_DEPTH)
		return 0;
	struct cx_strv files = {0}, dirs = {0};
	int rc = list_dir(dir, &files, &dirs);
	if (rc == CX_EIO)
		return 0; /* vanished or unreadable: nothing of it */
	if (rc == 0)
		rc = read_cov_files(warnings, cov, has, dir, &files);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char *p = cx_path_join(dir, dirs.v[i]);
		rc = p ? walk_cov(warnings, cov, has, p, depth + 1) : CX_ENOMEM;
		free(p);
	}
	cx_strv_release(&files);
	cx_strv_release(&dirs);
	return rc == CX_EIO ? 0 : rc;
}

/* ---- reading the coverage of every test, several at once ---- */

/* One directory's coverage files into one coverage list, folded. */
struct load_job {
	char *dir;
	struct cx_cov *cov;
	bool *has;
	struct cx_strv warnings;
	int rc;
};

struct loader {
	struct load_job *v;
	size_t n, next;
	pthread_mutex_t m;
};

static void *load_worker(void *arg)
{
	struct loader *l = arg;
	for (;;) {
		pthread_mutex_lock(&l->m);
		size_t i = l->next++;
		pthread_mutex_unlock(&l->m);
		if (i >= l->n)
			return NULL;
		struct load_job *j = &l->v[i];
		j->rc = walk_cov(&j->warnings, j->cov, j->has, j->dir, 0);
		if (j->rc == 0)
			j->rc = cx_cov_fold(j->cov);
	}
}

/* Runs l's jobs on up to `jobs` threads, this one among them (on this one
 * alone when threads cannot be had). */
static void run_workers(struct loader *l, unsigned jobs)
{
	size_t n = l->n;
	size_t want = jobs > 1 ? (jobs < n ? jobs : n) : 0, started = 0;
	pthread_t *th = want ? calloc(want, sizeof *th) : NULL;
	for (; th && started < want; started++)
		if (pthread_create(&th[started], NULL, load_worker, l) != 0)
			break;
	load_worker(l);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
}

/* Runs the jobs on up to `jobs` threads (on this one when threads cannot
 * be had); the warnings come out in job order, whatever finished first. */
static int load_all(struct cx_tests *t, struct load_job *v, size_t n, unsigned jobs)
{
	struct loader l = {.v = v, .n = n};
	pthread_mutex_init(&l.m, NULL);
	run_workers(&l, jobs);
	pthread_mutex_destroy(&l.m);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; rc == 0 && k < v[i].warnings.n; k++)
			rc = warn(t, v[i].warnings.v[k]);
		if (rc == 0)
			rc = v[i].rc;
	}
	return rc;
}

/* How the tests are handed over: all at the end (each NULL), or in
 * batches as they are read. */
struct feed {
	unsigned jobs;
	cx_test_fn each;
	void *arg;
};

/* Reads v[0..n): the first ntests jobs are t->v[0..ntests)'s, the rest
 * (the baseline) after them. */
static int load_tests(struct cx_tests *t, struct load_job *v, size_t ntests, size_t n,
                      const struct feed *fd)
{
	if (!fd->each)
		return load_all(t, v, n, fd->jobs);
	size_t batch = fd->jobs * 8 < 16 ? 16 : (size_t)fd->jobs * 8;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ntests; i += batch) {
		size_t k = ntests - i < batch ? ntests - i : batch;
		rc = load_all(t, v + i, k, fd->jobs);
		for (size_t j = i; rc == 0 && j < i + k; j++) {
			rc = fd->each(fd->arg, j, &t->v[j]);
			cx_cov_release(&t->v[j].cov);
		}
	}
	if (rc == 0 && n > ntests)
		rc = load_all(t, v + ntests, n - ntests, fd->jobs);
	return rc;
}

static void release_jobs(struct load_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].dir);
		cx_strv_release(&v[i].warnings);
	}
	free(v);
}

/* ---- JSON helpers ---- */

static bool num_ok(const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return false;
	*out = v->valuedouble;
	return true;
}

static int status_from(const char *s, enum cx_test_status *st)
{
	static const enum cx_test_status all[] = {CX_TEST_PASSED, CX_TEST_FAILED, CX_TEST_SKIPPED};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, cx_test_status_name(all[i])) == 0) {
			*st = all[i];
			return 0;
		}
	return -1;
}

/* What is wrong with a test.json's document, name and status (NULL when
 * nothing); run->status read. */
static const char *test_json_head(const cJSON *doc, struct cx_test_run *run)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
	if (!cJSON_IsObject(doc))
		return "not a JSON object";
	if (!cJSON_IsString(name) || !name->valuestring[0])
		return "\"name\" is not a non-empty string";
	if (!cJSON_IsString(status) || status_from(status->valuestring, &run->status))
		return "\"status\" is not passed, failed or skipped";
	return NULL;
}

/* A test.json's times into run; what is wrong with them, or NULL. */
static const char *test_json_times(const cJSON *doc, struct cx_test_run *run)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "duration_s");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc, "user_s");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "sys_s");
	run->has_time = num_ok(d, &run->duration_s);
	run->has_cpu = num_ok(u, &run->user_s) && num_ok(s, &run->sys_s);
	if ((d && !run->has_time) || ((u || s) && !run->has_cpu))
		return "a time is not a finite number >= 0 (or user_s without sys_s)";
	return NULL;
}

const char *cx_test_json_parse(const void *data, size_t len, struct cx_test_run *run)
{
	cJSON *doc = cJSON_ParseWithLength(data, len);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
	const char *bad = test_json_head(doc, run);
	if (!bad)
		bad = test_json_times(doc, run);
	if (!bad && !(run->name = cx_strdup(name->valuestring)))
		bad = "out of memory";
	cJSON_Delete(doc);
	return bad;
}

/* tests/ID/test.json; false with *why set when it is unusable. */
static bool read_test_json(const char *path, struct cx_test_run *run, char **why)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx ctx = {0};
	if (cx_read_file(path, CX_MAX_JUNIT_BYTES, &buf, &len, &ctx) != 0) {
		*why = cx_strdup(ctx.msg);
		return false;
	}
	const char *bad = cx_test_json_parse(buf, len, run);
	free(buf);
	if (bad)
		*why = cx_asprintf("%s: %s", path, bad);
	return !bad;
}

const char *cx_manifest_parse(const void *data, size_t len)
{
	cJSON *doc = cJSON_ParseWithLength(data, len);
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(doc, "format");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	static _Thread_local char why[96];
	const char *bad = NULL;
	if (!doc)
		bad = "not valid JSON";
	else if (!cJSON_IsString(f) || strcmp(f->valuestring, MANIFEST_FORMAT) != 0)
		bad = "\"format\" is not \"" MANIFEST_FORMAT "\"";
	else if (!cJSON_IsNumber(v) || v->valuedouble != MANIFEST_VERSION) {
		snprintf(why, sizeof why, "version %.6g is not supported (this cxscan reads %d)",
		         cJSON_IsNumber(v) ? v->valuedouble : -1.0, MANIFEST_VERSION);
		bad = why;
	}
	cJSON_Delete(doc);
	return bad;
}

/* One string array of "sources" into v (sorted); false when it is not one. */
static bool string_array(const cJSON *a, struct cx_strv *v, int *err)
{
	const cJSON *e;
	if (!cJSON_IsArray(a))
		return false;
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) || e->valuestring[0] != '/')
			return false;
		if (cx_strv_push(v, e->valuestring)) {
			*err = CX_ENOMEM;
			return false;
		}
	}
	cx_strv_sort(v);
	return true;
}

const char *cx_manifest_sources_parse(const void *data, size_t len, struct cx_strv *test,
                                      struct cx_strv *product, bool *known, int *err)
{
	*known = false;
	*err = 0;
	cJSON *doc = cJSON_ParseWithLength(data, len);
	const cJSON *so = cJSON_GetObjectItemCaseSensitive(doc, "sources");
	const char *bad = NULL;
	if (!doc)
		bad = "not valid JSON";
	else if (so && (!cJSON_IsObject(so) ||
	                !string_array(cJSON_GetObjectItemCaseSensitive(so, "test"), test, err) ||
	                !string_array(cJSON_GetObjectItemCaseSensitive(so, "product"), product, err)))
		bad = "\"sources\" is not {\"test\": [absolute paths], \"product\": [absolute paths]}";
	*known = so && !bad;
	cJSON_Delete(doc);
	if (bad) {
		cx_strv_release(test);
		cx_strv_release(product);
	}
	return *err ? NULL : bad;
}

int cx_manifest_sources(const char *dir, struct cx_strv *test, struct cx_strv *product,
                        bool *known, struct cx_ctx *ctx)
{
	*known = false;
	char *path = cx_path_join(dir, "manifest.json"), *buf = NULL;
	size_t len = 0;
	if (!path)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	struct stat st;
	int rc = 0, err = 0;
	if (stat(path, &st) == 0) { /* the bare layout has none */
		rc = cx_read_file(path, CX_MAX_JUNIT_BYTES, &buf, &len, ctx);
		const char *bad = rc == 0 ? cx_manifest_sources_parse(buf, len, test, product, known,
		                                                      &err)
		                          : NULL;
		if (err)
			rc = cx_error(ctx, err, "out of memory");
		else if (bad)
			rc = cx_error(ctx, CX_EINVAL, "%s: %s", path, bad);
	}
	free(buf);
	free(path);
	return rc;
}

static int check_manifest(const char *dir, struct cx_ctx *ctx)
{
	char *path = cx_path_join(dir, "manifest.json"), *buf = NULL;
	size_t len = 0;
	if (!path)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	int rc = cx_read_file(path, CX_MAX_JUNIT_BYTES, &buf, &len, ctx);
	const char *bad = rc == 0 ? cx_manifest_parse(buf, len) : NULL;
	if (bad)
		rc = cx_error(ctx, CX_EINVAL, "%s: %s", path, bad);
	free(buf);
	free(path);
	return rc;
}

static int add_run(struct cx_tests *t, size_t *cap, struct cx_test_run **run)
{
	if (cx_grow(&t->v, cap, t->n + 1, sizeof *t->v))
		return CX_ENOMEM;
	*run = &t->v[t->n++];
	memset(*run, 0, sizeof **run);
	return 0;
}

/* The jobs bound to the runs (t->v no longer moves). */
static void bind_jobs(struct cx_tests *t, struct load_job *lj, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lj[i].cov = &t->v[i].cov;
		lj[i].has = &t->v[i].has_coverage;
	}
}

/* Test `id` of the tests/ directory tdir: a run added to t when its
 * test.json is usable, with its job *lj (its gcda/; *nj counts them),
 * else a warning and no run. */
static int recorded_run(struct cx_tests *t, size_t *cap, const char *tdir, const char *id,
                        struct load_job *lj, size_t *nj)
{
	char *tj = cx_asprintf("%s/%s/test.json", tdir, id);
	char *why = NULL;
	struct cx_test_run *run = NULL;
	int rc = 0;
	if (!tj || add_run(t, cap, &run) || !(run->id = cx_strdup(id))) {
		rc = CX_ENOMEM;
	} else if (!read_test_json(tj, run, &why)) {
		rc = why ? warn(t, why) : CX_ENOMEM;
		free(run->id);
		t->n--; /* the run is not kept */
	} else if (!(lj->dir = cx_asprintf("%s/%s/gcda", tdir, id))) {
		rc = CX_ENOMEM;
	} else {
		lj->cov = NULL; /* bound later: t->v may still move */
		(*nj)++;
	}
	free(why);
	free(tj);
	return rc;
}

/* Reads the runs' jobs lj[0..nj) and the baseline's (lj[nj], the
 * baseline/ directory of dir). */
static int load_recorded_jobs(const char *dir, struct cx_tests *t, struct load_job *lj, size_t nj,
                              const struct feed *fd)
{
	bool base_has = false;
	bind_jobs(t, lj, nj);
	if (!(lj[nj].dir = cx_path_join(dir, "baseline")))
		return CX_ENOMEM;
	lj[nj].cov = &t->baseline;
	lj[nj].has = &base_has;
	return load_tests(t, lj, nj, nj + 1, fd);
}

/* The tests `ids` of the recorded layout in dir (their directories in
 * tdir). */
static int load_recorded_ids(const char *dir, const char *tdir, const struct cx_strv *ids,
                             const struct feed *fd, struct cx_tests *t)
{
	/* one job a test (its gcda/), and the baseline */
	struct load_job *lj = calloc(ids->n + 1, sizeof *lj);
	if (!lj)
		return CX_ENOMEM;
	size_t nj = 0, cap = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ids->n; i++)
		rc = recorded_run(t, &cap, tdir, ids->v[i], &lj[nj], &nj);
	if (rc == 0)
		rc = load_recorded_jobs(dir, t, lj, nj, fd);
	release_jobs(lj, ids->n + 1);
	return rc;
}

static int load_recorded(const char *dir, const struct feed *fd, struct cx_tests *t,
                         struct cx_ctx *ctx)
{
	char *tdir = cx_path_join(dir, "tests");
	struct cx_strv ids = {0};
	if (!tdir)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	int rc = list_dir(tdir, NULL, &ids);
	if (rc == CX_EIO)
		rc = cx_error(ctx, CX_EINVAL, "%s: no tests/ directory", dir);
	if (rc == 0)
		rc = load_recorded_ids(dir, tdir, &ids, fd, t);
	cx_strv_release(&ids);
	free(tdir);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}

/* ---- the bare form ---- */

/* The JUnit file among a directory's files: junit.xml, else the only .xml
 * file; NULL when there is none or there are several. */
static const char *pick_junit(const struct cx_strv *files)
{
	const char *pick = NULL;
	size_t nxml = 0;
	for (size_t i = 0; i < files->n; i++) {
		if (strcmp(files->v[i], "junit.xml") == 0)
			return files->v[i];
		if (cx_ends_with(files->v[i], ".xml"))
			pick = files->v[i], nxml++;
	}
	return nxml == 1 ? pick : NULL;
}

static int find_junit(const char *dir, const char *junit, char **out, struct cx_ctx *ctx)
{
	*out = NULL;
	if (junit)
		return (*out = cx_strdup(junit)) ? 0 : cx_error(ctx, CX_ENOMEM, "out of memory");
	struct cx_strv files = {0};
	int rc = list_dir(dir, &files, NULL);
	const char *pick = rc == 0 ? pick_junit(&files) : NULL;
	if (pick && !(*out = cx_path_join(dir, pick)))
		rc = CX_ENOMEM;
	cx_strv_release(&files);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : 0;
}

/* The test times of the bare layout: the cases of its JUnit file (named
 * `junit`, else found in dir) into *j. None found, or one found (not
 * named) that cannot be read, costs a warning. */
static int read_bare_junit(const char *dir, const char *junit, struct cx_junit *j,
                           struct cx_tests *t, struct cx_ctx *ctx)
{
	char *jpath = NULL, *buf = NULL;
	size_t len = 0;
	int rc = find_junit(dir, junit, &jpath, ctx);
	if (rc)
		return rc;
	if (!jpath)
		return warn(t, "no JUnit file (DIR/junit.xml, or --junit FILE): test times unknown");
	rc = cx_read_file(jpath, CX_MAX_JUNIT_BYTES, &buf, &len, ctx);
	if (rc == 0)
		rc = cx_junit_read(buf, len, j, ctx);
	if (rc && rc != CX_ENOMEM && !junit) { /* found, not named: a warning */
		char *m = cx_asprintf("%s (test times unknown)", ctx->msg);
		rc = m ? warn(t, m) : CX_ENOMEM;
		free(m);
	}
	free(buf);
	free(jpath);
	return rc;
}

/* The status and time of the JUnit case named, or classnamed, id. */
static void match_case(struct cx_test_run *run, const struct cx_junit *j, const char *id)
{
	for (size_t k = 0; k < j->ncases; k++) {
		const struct cx_junit_case *jc = &j->cases[k];
		if (strcmp(jc->name, id) == 0 || strcmp(jc->classname, id) == 0) {
			run->status = jc->status;
			run->has_time = jc->has_time;
			run->duration_s = jc->time_s;
			return;
		}
	}
}

/* A run for each test directory ids[i] of dir, read by job lj[i]. */
static int bare_runs(const char *dir, const struct cx_strv *ids, const struct cx_junit *j,
                     struct load_job *lj, struct cx_tests *t)
{
	size_t cap = 0;
	for (size_t i = 0; i < ids->n; i++) {
		struct cx_test_run *run = NULL;
		if (!(lj[i].dir = cx_path_join(dir, ids->v[i])) || add_run(t, &cap, &run) ||
		    !(run->id = cx_strdup(ids->v[i])) || !(run->name = cx_strdup(ids->v[i])))
			return CX_ENOMEM;
		match_case(run, j, ids->v[i]);
	}
	bind_jobs(t, lj, ids->n);
	return 0;
}

static int load_bare(const char *dir, const char *junit, const struct feed *fd,
                     struct cx_tests *t, struct cx_ctx *ctx)
{
	struct cx_strv ids = {0};
	struct cx_junit j = {0};
	int rc = list_dir(dir, NULL, &ids);
	if (rc == CX_EIO)
		return cx_error(ctx, CX_EINVAL, "cannot read the directory '%s'", dir);
	if (rc == 0)
		rc = read_bare_junit(dir, junit, &j, t, ctx);
	struct load_job *lj = rc == 0 ? calloc(ids.n + 1, sizeof *lj) : NULL;
	if (rc == 0 && !lj)
		rc = CX_ENOMEM;
	if (rc == 0)
		rc = bare_runs(dir, &ids, &j, lj, t);
	if (rc == 0)
		rc = load_tests(t, lj, ids.n, ids.n, fd);
	release_jobs(lj, lj ? ids.n + 1 : 0);
	cx_junit_release(&j);
	cx_strv_release(&ids);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}

int cx_tests_load(const char *dir, const char *junit, unsigned jobs, struct cx_tests *out,
                  struct cx_ctx *ctx)
{
	return cx_tests_load_each(dir, junit, jobs, NULL, NULL, out, ctx);
}

int cx_tests_load_each(const char *dir, const char *junit, unsigned jobs, cx_test_fn each,
                       void *arg, struct cx_tests *out, struct cx_ctx *ctx)
{
	struct feed fd = {.jobs = jobs, .each = each, .arg = arg};
	memset(out, 0, sizeof *out);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cx_error(ctx, CX_EINVAL, "--correlate: '%s' is not a directory", dir);
	char *mf = cx_path_join(dir, "manifest.json");
	bool recorded = mf && access(mf, F_OK) == 0;
	free(mf);
	int rc;
	if (recorded) {
		out->layout = cx_strdup("recorded");
		rc = check_manifest(dir, ctx);
		if (rc == 0)
			rc = load_recorded(dir, &fd, out, ctx);
	} else {
		out->layout = cx_strdup("bare");
		rc = load_bare(dir, junit, &fd, out, ctx);
	}
	if (rc == 0 && !out->layout)
		rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	if (rc)
		cx_tests_release(out);
	return rc;
}

void cx_tests_release(struct cx_tests *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].name);
		cx_cov_release(&t->v[i].cov);
	}
	free(t->v);
	cx_cov_release(&t->baseline);
	cx_strv_release(&t->warnings);
	free(t->layout);
	memset(t, 0, sizeof *t);
}
