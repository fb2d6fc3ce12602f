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

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
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
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *p = cx_path_join(dir, e->d_name);
		struct stat st;
		if (!p) {
			rc = CX_ENOMEM;
			break;
		}
		if (lstat(p, &st) == 0) {
			struct cx_strv *to = S_ISDIR(st.st_mode) ? dirs : S_ISREG(st.st_mode) ? files : NULL;
			if (to)
				rc = cx_strv_push(to, e->d_name);
		}
		free(p);
	}
	closedir(d);
	struct cx_strv *both[] = {files, dirs};
	for (size_t i = 0; i < 2 && rc == 0; i++)
		if (both[i] && both[i]->n)
			qsort(both[i]->v, both[i]->n, sizeof *both[i]->v, cx_cmp_str);
	return rc;
}

/* ---- coverage files under a test's directory ---- */

static int read_cov_file(struct cx_strv *warnings, struct cx_cov *cov, bool *has,
                         const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx ctx = {0};
	int rc = cx_read_file(path, CX_MAX_COVERAGE_BYTES, &buf, &len, &ctx);
	bool gcov = ends_with(path, ".gcov.json.gz") || ends_with(path, ".gcov.json");
	/* another .json is read when it says it is an llvm-cov export (its
	 * "type" comes last: llvm-cov writes the keys in alphabetical order) */
	size_t tail = len < 4096 ? len : 4096;
	if (rc == 0 && !gcov && ends_with(path, ".json") &&
	    !memmem(buf, tail, LLVM_EXPORT, strlen(LLVM_EXPORT)) &&
	    !memmem(buf + len - tail, tail, LLVM_EXPORT, strlen(LLVM_EXPORT))) {
		free(buf);
		return 0;
	}
	if (rc == 0) {
		rc = ends_with(path, ".info") ? cx_lcov_read(buf, len, NULL, cov, &ctx)
		     : gcov                   ? cx_gcov_json_read(buf, len, NULL, cov, &ctx)
		                              : cx_llvm_json_read(buf, len, NULL, cov, &ctx);
		if (rc == 0)
			*has = true;
	}
	free(buf);
	if (rc == CX_ENOMEM)
		return rc;
	if (rc) {
		char *m = cx_asprintf("%s: %s (skipped)", path, ctx.msg);
		rc = m ? cx_strv_push(warnings, m) : CX_ENOMEM;
		free(m);
	}
	return rc;
}

static bool is_cov_name(const char *name)
{
	return ends_with(name, ".gcov.json.gz") || ends_with(name, ".json") ||
	       ends_with(name, ".info");
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
	for (size_t i = 0; rc == 0 && i < files.n; i++) {
		if (!is_cov_name(files.v[i]))
			continue;
		char *p = cx_path_join(dir, files.v[i]);
		rc = p ? read_cov_file(warnings, cov, has, p) : CX_ENOMEM;
		free(p);
	}
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

/* Runs the jobs on up to `jobs` threads (on this one when threads cannot
 * be had); the warnings come out in job order, whatever finished first. */
static int load_all(struct cx_tests *t, struct load_job *v, size_t n, unsigned jobs)
{
	struct loader l = {.v = v, .n = n};
	pthread_mutex_init(&l.m, NULL);
	size_t want = jobs > 1 ? (jobs < n ? jobs : n) : 0, started = 0;
	pthread_t *th = want ? calloc(want, sizeof *th) : NULL;
	for (; th && started < want; started++)
		if (pthread_create(&th[started], NULL, load_worker, &l) != 0)
			break;
	load_worker(&l);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
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

const char *cx_test_json_parse(const void *data, size_t len, struct cx_test_run *run)
{
	cJSON *doc = cJSON_ParseWithLength(data, len);
	const char *bad = NULL;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
	if (!cJSON_IsObject(doc))
		bad = "not a JSON object";
	else if (!cJSON_IsString(name) || !name->valuestring[0])
		bad = "\"name\" is not a non-empty string";
	else if (!cJSON_IsString(status) || status_from(status->valuestring, &run->status))
		bad = "\"status\" is not passed, failed or skipped";
	if (!bad) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "duration_s");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc, "user_s");
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "sys_s");
		run->has_time = num_ok(d, &run->duration_s);
		run->has_cpu = num_ok(u, &run->user_s) && num_ok(s, &run->sys_s);
		if ((d && !run->has_time) || ((u || s) && !run->has_cpu))
			bad = "a time is not a finite number >= 0 (or user_s without sys_s)";
	}
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
	if (v->n)
		qsort(v->v, v->n, sizeof *v->v, cx_cmp_str);
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

static int load_recorded(const char *dir, const struct feed *fd, struct cx_tests *t,
                         struct cx_ctx *ctx)
{
	char *tdir = cx_path_join(dir, "tests");
	struct cx_strv ids = {0};
	size_t cap = 0;
	if (!tdir)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	int rc = list_dir(tdir, NULL, &ids);
	if (rc == CX_EIO)
		rc = cx_error(ctx, CX_EINVAL, "%s: no tests/ directory", dir);
	/* one job a test (its gcda/), and the baseline */
	struct load_job *lj = rc == 0 ? calloc(ids.n + 1, sizeof *lj) : NULL;
	size_t nj = 0;
	if (rc == 0 && !lj)
		rc = CX_ENOMEM;
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		char *tj = cx_asprintf("%s/%s/test.json", tdir, ids.v[i]);
		char *why = NULL;
		struct cx_test_run *run = NULL;
		if (!tj || add_run(t, &cap, &run) || !(run->id = cx_strdup(ids.v[i]))) {
			rc = CX_ENOMEM;
		} else if (!read_test_json(tj, run, &why)) {
			rc = why ? warn(t, why) : CX_ENOMEM;
			free(run->id);
			t->n--; /* the run is not kept */
		} else if (!(lj[nj].dir = cx_asprintf("%s/%s/gcda", tdir, ids.v[i]))) {
			rc = CX_ENOMEM;
		} else {
			lj[nj++].cov = NULL; /* bound below: t->v may still move */
		}
		free(why);
		free(tj);
	}
	for (size_t i = 0; rc == 0 && i < nj; i++) {
		lj[i].cov = &t->v[i].cov;
		lj[i].has = &t->v[i].has_coverage;
	}
	bool base_has = false;
	if (rc == 0 && !(lj[nj].dir = cx_path_join(dir, "baseline")))
		rc = CX_ENOMEM;
	if (rc == 0) {
		lj[nj].cov = &t->baseline;
		lj[nj].has = &base_has;
		rc = load_tests(t, lj, nj, nj + 1, fd);
	}
	release_jobs(lj, lj ? ids.n + 1 : 0);
	cx_strv_release(&ids);
	free(tdir);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}

/* ---- the bare form ---- */

static int find_junit(const char *dir, const char *junit, char **out, struct cx_ctx *ctx)
{
	*out = NULL;
	if (junit)
		return (*out = cx_strdup(junit)) ? 0 : cx_error(ctx, CX_ENOMEM, "out of memory");
	struct cx_strv files = {0};
	int rc = list_dir(dir, &files, NULL);
	const char *pick = NULL;
	size_t nxml = 0;
	for (size_t i = 0; rc == 0 && i < files.n; i++) {
		if (strcmp(files.v[i], "junit.xml") == 0) {
			pick = files.v[i];
			nxml = 1;
			break;
		}
		if (ends_with(files.v[i], ".xml"))
			pick = files.v[i], nxml++;
	}
	if (rc == 0 && nxml == 1 && !(*out = cx_path_join(dir, pick)))
		rc = CX_ENOMEM;
	cx_strv_release(&files);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : 0;
}

static int load_bare(const char *dir, const char *junit, const struct feed *fd,
                     struct cx_tests *t, struct cx_ctx *ctx)
{
	struct cx_strv ids = {0};
	struct cx_junit j = {0};
	char *jpath = NULL, *buf = NULL;
	size_t cap = 0, len = 0;
	int rc = list_dir(dir, NULL, &ids);
	if (rc == CX_EIO)
		return cx_error(ctx, CX_EINVAL, "cannot read the directory '%s'", dir);
	if (rc == 0)
		rc = find_junit(dir, junit, &jpath, ctx);
	if (rc == 0 && jpath) {
		rc = cx_read_file(jpath, CX_MAX_JUNIT_BYTES, &buf, &len, ctx);
		if (rc == 0)
			rc = cx_junit_read(buf, len, &j, ctx);
		if (rc && rc != CX_ENOMEM && !junit) { /* found, not named: a warning */
			char *m = cx_asprintf("%s (test times unknown)", ctx->msg);
			rc = m ? warn(t, m) : CX_ENOMEM;
			free(m);
		}
	} else if (rc == 0) {
		rc = warn(t, "no JUnit file (DIR/junit.xml, or --junit FILE): test times unknown");
	}
	struct load_job *lj = rc == 0 ? calloc(ids.n + 1, sizeof *lj) : NULL;
	if (rc == 0 && !lj)
		rc = CX_ENOMEM;
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		struct cx_test_run *run = NULL;
		if (!(lj[i].dir = cx_path_join(dir, ids.v[i])) || add_run(t, &cap, &run) ||
		    !(run->id = cx_strdup(ids.v[i])) || !(run->name = cx_strdup(ids.v[i]))) {
			rc = CX_ENOMEM;
			break;
		}
		for (size_t k = 0; k < j.ncases; k++) {
			const struct cx_junit_case *jc = &j.cases[k];
			if (strcmp(jc->name, ids.v[i]) == 0 || strcmp(jc->classname, ids.v[i]) == 0) {
				run->status = jc->status;
				run->has_time = jc->has_time;
				run->duration_s = jc->time_s;
				break;
			}
		}
	}
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		lj[i].cov = &t->v[i].cov;
		lj[i].has = &t->v[i].has_coverage;
	}
	if (rc == 0)
		rc = load_tests(t, lj, ids.n, ids.n, fd);
	release_jobs(lj, lj ? ids.n + 1 : 0);
	cx_junit_release(&j);
	cx_strv_release(&ids);
	free(buf);
	free(jpath);
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
