/* record.c: `cxscan record`. Lists the CTest tests, runs each one alone
 * with its own absolute GCOV_PREFIX (so its .gcda files land in its own
 * directory), keeps its JUnit result, wall time and CPU times, then turns
 * the .gcda files that counted something into gcov JSON, several gcov
 * processes at once. Facts behind each step: CORRELATE.md.
 *
 * Runs are single-threaded and fork/exec their children; nothing here
 * runs while other threads exist. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <zlib.h>

#include "cx_cov.h"
#include "cx_gcda.h"
#include "cx_limits.h"
#include "cx_record.h"
#include "cx_scanner.h"
#include "cx_util.h"

extern char **environ;

#define PTHREAD_WARNING                                                                  \
	"-pthread in the build's compile commands: gcc then updates the coverage counters " \
	"atomically (about 7x slower in hot loops), so test times are inflated"

struct test {
	char *name;
	size_t index; /* ctest -I index (1-based, in the full list) */
	char *id;
	char *dir; /* DIR/tests/ID */
	enum cx_test_status status;
	bool has_time;
	double duration_s, user_s, sys_s;
	long maxrss_kb;
	int exit_code;
	size_t gcda, gcda_zero;
	struct cx_strv warnings;
	char *case_sel; /* --per-case: "GROUP\tCASE" of a cmocka program */
};

struct rec {
	const struct cx_record_opts *o;
	struct cx_record_summary *sum;
	struct cx_ctx *ctx;
	char *build, *out, *gcov, *ctest;
	int strip;
	bool pthread; /* -pthread in the compile commands: atomic counters */
	char *preload; /* --per-case: "LD_PRELOAD=..." */
	struct test *t;
	size_t nt;
	struct cx_strv exes; /* what every CTest test runs (first command word) */
};

/* ---- processes ---- */

struct proc {
	pid_t pid;
	size_t job;
};

/* Starts argv with the extra environment (NAME=value strings, NULL-ended),
 * in cwd (NULL: this one), stdout and stderr into the files (NULL: the
 * null device). */
static pid_t spawn(char *const argv[], char *const *env_add, const char *cwd, const char *out,
                   const char *err)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	while (env_add && env_add[k])
		k++;
	char **envp = malloc((n + k + 1) * sizeof *envp);
	if (!envp)
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;
		for (size_t j = 0; j < k && !replaced; j++) {
			size_t eq = strcspn(env_add[j], "=");
			replaced = strncmp(environ[i], env_add[j], eq + 1) == 0;
		}
		/* a test that aborts writes no coverage: never ask cmocka to */
		if (!replaced && strncmp(environ[i], "CMOCKA_TEST_ABORT=", 18) != 0)
			envp[m++] = environ[i];
	}
	for (size_t j = 0; j < k; j++)
		envp[m++] = env_add[j];
	envp[m] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int fe = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int fi = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fo < 0 || fe < 0 || fi < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 ||
		    (cwd && chdir(cwd) != 0))
			_exit(127);
		execvpe(argv[0], argv, envp);
		_exit(127);
	}
	free(envp);
	return pid;
}

static double now_s(void)
{
	return cx_mono_s();
}

/* Waits for pid; its exit status (or 128 + signal), times and rusage. */
static int wait_for(pid_t pid, struct rusage *ru)
{
	int st;
	pid_t r;
	while ((r = wait4(pid, &st, 0, ru)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Runs argv to the end; stdout into `out` (a file path or NULL). */
static int run(char *const argv[], const char *out, const char *err)
{
	pid_t pid = spawn(argv, NULL, NULL, out, err);
	if (pid < 0)
		return -1;
	struct rusage ru;
	return wait_for(pid, &ru);
}

/* ---- files ---- */

/* Removes a tree (symbolic links removed, never followed). */
static int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = cx_path_join(path, e->d_name);
		rc = p ? remove_tree(p) : -1;
		free(p);
	}
	closedir(d);
	return rc == 0 ? rmdir(path) : rc;
}

typedef int (*visit_fn)(void *arg, const char *path, const char *rel);

/* Calls fn for every regular file under dir whose name ends in suffix, in
 * name order, with its path relative to dir. */
static int walk(const char *dir, const char *rel, const char *suffix, visit_fn fn, void *arg,
                int depth)
{
	if (depth > CX_MAX_WALK_DEPTH)
		return 0;
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return 0;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (rc == 0 && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
			char *p = cx_path_join(dir, nm);
			char *r = rel ? cx_asprintf("%s/%s", rel, nm) : cx_strdup(nm);
			struct stat st;
			size_t ln = strlen(nm), ls = strlen(suffix);
			if (!p || !r)
				rc = CX_ENOMEM;
			else if (lstat(p, &st) != 0)
				;
			else if (S_ISDIR(st.st_mode))
				rc = walk(p, r, suffix, fn, arg, depth + 1);
			else if (S_ISREG(st.st_mode) && ln >= ls && strcmp(nm + ln - ls, suffix) == 0)
				rc = fn(arg, p, r);
			free(p);
			free(r);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int unlink_one(void *arg, const char *path, const char *rel)
{
	(void)arg;
	(void)rel;
	unlink(path);
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char buf[1 << 16];
	ssize_t n = 0;
	while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (out < 0)
		return -1;
	return close(out) == 0 && n == 0 ? 0 : -1;
}

/* Writes the bytes of `from` gzip'd into `to`. */
static int gzip_file(const char *from, const char *to)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (cx_read_file(from, CX_MAX_COVERAGE_BYTES, &buf, &len, &c) != 0)
		return -1;
	gzFile gz = gzopen(to, "wb6");
	int rc = gz && (len == 0 || gzwrite(gz, buf, (unsigned)len) == (int)len) ? 0 : -1;
	if (gz && gzclose(gz) != Z_OK)
		rc = -1;
	free(buf);
	return rc;
}

static char *first_line(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (cx_read_file(path, 1 << 20, &buf, &len, &c) != 0)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

/* ---- the tests ---- */

/* A directory name for the n-th test: its number, then its name with
 * anything but [A-Za-z0-9._-] as '_' (names may hold '/', "..", spaces,
 * any UTF-8); the real name is in test.json. */
static char *test_id(size_t n, const char *name)
{
	char clean[64];
	size_t k = 0;
	for (const char *p = name; *p && k < sizeof clean - 1; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '_' || c == '-';
		clean[k++] = ok ? (char)c : '_';
	}
	clean[k] = '\0';
	return cx_asprintf("%04zu-%s", n, clean);
}

/* The names `ctest --show-only=json-v1` lists, with args (may be none). */
static int list_tests(struct rec *r, const char *const *args, size_t nargs,
                      struct cx_strv *names, struct cx_strv *exes)
{
	char *tmp = cx_path_join(r->out, ".ctest-list.json");
	char *err = cx_path_join(r->out, ".ctest-list.err");
	const char **argv = calloc(nargs + 5, sizeof *argv);
	int rc = tmp && err && argv ? 0 : CX_ENOMEM;
	if (rc == 0) {
		size_t a = 0;
		argv[a++] = r->ctest;
		argv[a++] = "--test-dir";
		argv[a++] = r->build;
		argv[a++] = "--show-only=json-v1";
		for (size_t i = 0; i < nargs; i++)
			argv[a++] = args[i];
		int st = run((char *const *)argv, tmp, err);
		if (st != 0) {
			char *why = first_line(err);
			rc = cx_error(r->ctx, CX_EINVAL, "ctest --show-only=json-v1 failed in '%s'%s%s",
			              r->build, why && *why ? ": " : "", why ? why : "");
			free(why);
		}
	}
	char *buf = NULL;
	size_t len = 0;
	if (rc == 0)
		rc = cx_read_file(tmp, CX_MAX_JUNIT_BYTES, &buf, &len, r->ctx);
	cJSON *doc = rc == 0 ? cJSON_ParseWithLength(buf, len) : NULL;
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(doc, "tests");
	if (rc == 0 && !cJSON_IsArray(tests))
		rc = cx_error(r->ctx, CX_EINVAL, "ctest --show-only=json-v1 printed no \"tests\" list");
	const cJSON *t;
	const cJSON *list = rc == 0 ? tests : (const cJSON *)NULL;
	cJSON_ArrayForEach(t, list) {
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(t, "name");
		if (!cJSON_IsString(nm)) {
			rc = cx_error(r->ctx, CX_EINVAL, "ctest listed a test without a name");
			break;
		}
		if (cx_strv_push(names, nm->valuestring)) {
			rc = CX_ENOMEM;
			break;
		}
		/* the executable it runs: its target tells test code apart */
		const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(t, "command");
		const cJSON *exe = cJSON_IsArray(cmd) ? cJSON_GetArrayItem(cmd, 0) : NULL;
		if (exes && cJSON_IsString(exe) && cx_strv_push(exes, exe->valuestring)) {
			rc = CX_ENOMEM;
			break;
		}
	}
	cJSON_Delete(doc);
	free(buf);
	if (tmp)
		unlink(tmp);
	if (err)
		unlink(err);
	free(tmp);
	free(err);
	free(argv);
	return rc == CX_ENOMEM ? cx_error(r->ctx, rc, "out of memory") : rc;
}

/* Appends a run: CTest test `index` (name shown), one cmocka case of it
 * when case_sel ("GROUP\tCASE") is set. */
static int add_test(struct rec *r, size_t *cap, const char *name, size_t index,
                    const char *case_sel)
{
	if (cx_grow(&r->t, cap, r->nt + 1, sizeof *r->t))
		return CX_ENOMEM;
	struct test *t = &r->t[r->nt++];
	memset(t, 0, sizeof *t);
	t->index = index;
	t->name = cx_strdup(name);
	t->id = test_id(r->nt, name);
	t->dir = t->id ? cx_asprintf("%s/tests/%s", r->out, t->id) : NULL;
	t->case_sel = case_sel ? cx_strdup(case_sel) : NULL;
	return t->name && t->id && t->dir && (!case_sel || t->case_sel) ? 0 : CX_ENOMEM;
}

/* The preload library of --per-case, as the LD_PRELOAD=... to set (after
 * what the environment already preloads: an ASan runtime must stay first). */
static int preload_env(struct rec *r)
{
	char *lib = NULL;
	for (int i = 0; (lib = cx_helper_path(i, "CXSCAN_CMOCKA_CASE_LIB",
	                                      "cxscan-cmocka-case.so")) != NULL;
	     i++) {
		if (access(lib, R_OK) == 0)
			break;
		free(lib);
	}
	if (!lib)
		return cx_error(r->ctx, CX_EIO, "--per-case: cxscan-cmocka-case.so not found next to "
		                "cxscan, in ../lib/cxscan or %s (set CXSCAN_CMOCKA_CASE_LIB)",
		                CX_MODULE_INSTALL_DIR);
	int rc = 0;
	if (strpbrk(lib, " :")) /* LD_PRELOAD splits at both */
		rc = cx_error(r->ctx, CX_EINVAL, "--per-case: the path of the preload library '%s' "
		              "has a space or a colon", lib);
	const char *old = getenv("LD_PRELOAD");
	if (rc == 0 && !(r->preload = old && *old ? cx_asprintf("LD_PRELOAD=%s %s", old, lib)
	                                          : cx_asprintf("LD_PRELOAD=%s", lib)))
		rc = CX_ENOMEM;
	free(lib);
	return rc;
}

/* The cmocka cases of test t ("GROUP\tCASE" lines), from one run of it in
 * which the preload library lists them and runs nothing; none when it is
 * not a (dynamically linked) cmocka program. */
static int list_cases(struct rec *r, size_t index, const char *name, struct cx_strv *cases)
{
	char *lst = cx_asprintf("%s/.cases.txt", r->out), *scratch = cx_asprintf("%s/.repeat", r->out);
	char *e_list = lst ? cx_asprintf("CXSCAN_CMOCKA_LIST=%s", lst) : NULL;
	char *e_prefix = scratch ? cx_asprintf("GCOV_PREFIX=%s", scratch) : NULL;
	char *range = cx_asprintf("%zu,%zu", index, index);
	int rc = lst && scratch && e_list && e_prefix && range ? 0 : CX_ENOMEM;
	if (rc == 0) {
		unlink(lst);
		char *env[] = {e_list, r->preload, e_prefix, NULL};
		char *argv[] = {r->ctest, "--test-dir", r->build, "-I", range, NULL};
		struct rusage ru;
		pid_t pid = spawn(argv, env, NULL, NULL, NULL);
		if (pid < 0 || wait_for(pid, &ru) < 0)
			rc = cx_error(r->ctx, CX_EIO, "cannot run '%s' to list the cases of '%s'",
			              r->ctest, name);
		remove_tree(scratch);
	}
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (rc == 0 && cx_read_file(lst, CX_MAX_JUNIT_BYTES, &buf, &len, &c) == 0) {
		char *save = NULL;
		for (char *ln = strtok_r(buf, "\n", &save); ln && rc == 0; ln = strtok_r(NULL, "\n", &save))
			if (strchr(ln, '\t'))
				rc = cx_strv_push(cases, ln);
	}
	if (lst)
		unlink(lst);
	free(buf);
	free(lst);
	free(scratch);
	free(e_list);
	free(e_prefix);
	free(range);
	return rc;
}

/* One run a cmocka case of every test that is a cmocka program:
 * TEST@CASE, or TEST@GROUP:CASE when two groups have a case so named. */
static int add_cases(struct rec *r, size_t *cap, const char *name, size_t index)
{
	struct cx_strv cases = {0};
	int rc = list_cases(r, index, name, &cases);
	if (rc == 0 && cases.n == 0)
		rc = add_test(r, cap, name, index, NULL);
	for (size_t i = 0; rc == 0 && i < cases.n; i++) {
		const char *tab = strchr(cases.v[i], '\t'), *cs = tab + 1;
		bool twice = false;
		for (size_t k = 0; k < cases.n && !twice; k++)
			twice = k != i && strcmp(strchr(cases.v[k], '\t') + 1, cs) == 0;
		char *full = twice ? cx_asprintf("%s@%.*s:%s", name, (int)(tab - cases.v[i]),
		                                 cases.v[i], cs)
		                   : cx_asprintf("%s@%s", name, cs);
		rc = full ? add_test(r, cap, full, index, cases.v[i]) : CX_ENOMEM;
		free(full);
	}
	cx_strv_release(&cases);
	return rc;
}

static int select_tests(struct rec *r)
{
	struct cx_strv all = {0}, sel = {0};
	size_t cap = 0;
	int rc = list_tests(r, NULL, 0, &all, &r->exes);
	if (rc == 0 && r->o->nctest_args)
		rc = list_tests(r, r->o->ctest_args, r->o->nctest_args, &sel, NULL);
	if (rc == 0 && r->o->per_case)
		rc = preload_env(r);
	const struct cx_strv *pick = r->o->nctest_args ? &sel : &all;
	for (size_t i = 0; rc == 0 && i < pick->n; i++) {
		size_t idx = 0;
		for (size_t k = 0; k < all.n && !idx; k++)
			if (strcmp(all.v[k], pick->v[i]) == 0)
				idx = k + 1;
		if (!idx)
			rc = cx_error(r->ctx, CX_EINVAL, "test '%s' is not in the full list", pick->v[i]);
		else if (r->o->per_case)
			rc = add_cases(r, &cap, pick->v[i], idx);
		else
			rc = add_test(r, &cap, pick->v[i], idx, NULL);
	}
	cx_strv_release(&all);
	cx_strv_release(&sel);
	return rc == CX_ENOMEM ? cx_error(r->ctx, rc, "out of memory") : rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The one case of the JUnit CTest wrote for a run. */
static bool junit_result(const char *path, struct test *t, double *dur)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	struct cx_junit j = {0};
	bool ok = cx_read_file(path, CX_MAX_JUNIT_BYTES, &buf, &len, &c) == 0 &&
	          cx_junit_read(buf, len, &j, &c) == 0 && j.ncases == 1;
	if (ok) {
		t->status = j.cases[0].status;
		if (j.cases[0].has_time)
			*dur = j.cases[0].time_s;
	} else {
		char *m = cx_asprintf("%s: %s", path, c.msg[0] ? c.msg : "not one test case");
		if (!m || cx_strv_push(&t->warnings, m)) {
			free(m);
			cx_junit_release(&j);
			free(buf);
			return false;
		}
		free(m);
	}
	cx_junit_release(&j);
	free(buf);
	return ok;
}

static int run_test(struct rec *r, struct test *t)
{
	unsigned k = r->o->repeat ? r->o->repeat : 1;
	double *dur = calloc(k, sizeof *dur), *usr = calloc(k, sizeof *usr);
	double *sys = calloc(k, sizeof *sys);
	char *gdir = cx_asprintf("%s/gcda", t->dir), *scratch = cx_asprintf("%s/.repeat", r->out);
	char *junit = cx_asprintf("%s/junit.xml", t->dir), *log = cx_asprintf("%s/ctest.log", t->dir);
	char *junit2 = cx_asprintf("%s/.repeat-junit.xml", r->out);
	char *range = cx_asprintf("%zu,%zu", t->index, t->index);
	char *strip = cx_asprintf("GCOV_PREFIX_STRIP=%d", r->strip);
	int rc = dur && usr && sys && gdir && scratch && junit && log && junit2 && range && strip
	             ? 0 : CX_ENOMEM;
	if (rc == 0 && (cx_mkdirs(gdir, true) != 0))
		rc = cx_error(r->ctx, CX_EIO, "cannot create '%s': %s", gdir, strerror(errno));
	for (unsigned i = 0; rc == 0 && i < k; i++) {
		/* only the first run's coverage is kept: libgcov adds up runs */
		const char *prefix = i == 0 ? gdir : scratch;
		char *e_prefix = cx_asprintf("GCOV_PREFIX=%s", prefix);
		char *e_llvm = cx_asprintf("LLVM_PROFILE_FILE=%s/%%p.profraw", prefix);
		char *e_case = t->case_sel ? cx_asprintf("CXSCAN_CMOCKA_CASE=%s", t->case_sel) : NULL;
		char *env[] = {e_prefix, strip, e_llvm, e_case, e_case ? r->preload : NULL, NULL};
		const char *jpath = i == 0 ? junit : junit2;
		char *argv[] = {r->ctest, "--test-dir", r->build, "-I", range, "--output-junit",
		                (char *)jpath, NULL};
		if (!e_prefix || !e_llvm || (t->case_sel && !e_case)) {
			rc = CX_ENOMEM;
		} else {
			double t0 = now_s();
			pid_t pid = spawn(argv, env, NULL, log, NULL);
			struct rusage ru;
			int st = pid < 0 ? -1 : wait_for(pid, &ru);
			double wall = now_s() - t0;
			if (st < 0) {
				rc = cx_error(r->ctx, CX_EIO, "cannot run '%s'", r->ctest);
			} else {
				dur[i] = wall;
				usr[i] = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
				sys[i] = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
				if (i == 0) {
					t->exit_code = st;
					t->maxrss_kb = ru.ru_maxrss;
					t->status = st == 0 ? CX_TEST_PASSED : CX_TEST_FAILED;
				}
				/* CTest's own time of the test (µs), else the wall time
				 * around ctest */
				double d = wall;
				struct test probe = {0};
				if (junit_result(jpath, i == 0 ? t : &probe, &d))
					dur[i] = d;
				cx_strv_release(&probe.warnings);
			}
			if (i > 0)
				remove_tree(scratch);
		}
		free(e_prefix);
		free(e_llvm);
		free(e_case);
	}
	if (rc == 0) {
		qsort(dur, k, sizeof *dur, cmp_double);
		qsort(usr, k, sizeof *usr, cmp_double);
		qsort(sys, k, sizeof *sys, cmp_double);
		t->duration_s = dur[k / 2];
		t->user_s = usr[k / 2];
		t->sys_s = sys[k / 2];
		t->has_time = true;
	}
	if (junit2)
		unlink(junit2);
	free(dur);
	free(usr);
	free(sys);
	free(gdir);
	free(scratch);
	free(junit);
	free(log);
	free(junit2);
	free(range);
	free(strip);
	return rc == CX_ENOMEM ? cx_error(r->ctx, rc, "out of memory") : rc;
}

/* ---- gcov ---- */

struct job {
	struct cx_strv *warnings; /* where gcov's complaints go (NULL: counted only) */
	bool baseline;  /* gcov of a .gcno alone: "assuming not executed" is expected */
	char *gcda;     /* the data file (or the .gcno for the baseline) */
	char *dir;      /* where gcov runs */
	char *json, *err;
	char *gz;
	char *gcno_copy; /* removed afterwards */
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

/* What a walk over .gcda/.gcno files works for. */
struct walker {
	struct rec *r;
	struct jobs *js;
	struct test *t;           /* visit_gcda: the test whose files these are */
	struct cx_strv *warnings; /* visit_loose: where warnings go */
};

/* A gcov run for gcda (gz beside it), or for a baseline .gcno when
 * rel_noext is set (gz under DIR/baseline/). */
static int add_job(struct walker *w, struct cx_strv *warnings, const char *gcda,
                   const char *rel_noext, const char *gcno)
{
	struct rec *r = w->r;
	struct jobs *js = w->js;
	if (cx_grow(&js->v, &js->cap, js->n + 1, sizeof *js->v))
		return CX_ENOMEM;
	struct job *j = &js->v[js->n];
	memset(j, 0, sizeof *j);
	char *slash = strrchr(gcda, '/');
	j->warnings = warnings;
	j->baseline = rel_noext != NULL;
	j->gcda = cx_strdup(gcda);
	j->dir = cx_strndup(gcda, (size_t)(slash - gcda));
	j->json = cx_asprintf("%s.gcov.json.tmp", gcda);
	j->err = cx_asprintf("%s.gcov.err", gcda);
	j->gz = rel_noext ? cx_asprintf("%s/baseline/%s.gcov.json.gz", r->out, rel_noext)
	                  : cx_asprintf("%s.gcov.json.gz", gcda);
	j->gcno_copy = gcno ? cx_strdup(gcno) : NULL;
	js->n++;
	return j->gcda && j->dir && j->json && j->err && j->gz && (!gcno || j->gcno_copy) ? 0
	                                                                             : CX_ENOMEM;
}

static int warn_to(struct cx_strv *warnings, struct rec *r, const char *msg)
{
	r->sum->gcov_warnings++;
	return warnings ? cx_strv_push(warnings, msg) : 0;
}

static int visit_gcda(void *arg, const char *path, const char *rel)
{
	struct walker *w = arg;
	struct rec *r = w->r;
	struct test *t = w->t;
	t->gcda++;
	r->sum->gcda++;
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	int zero = cx_read_file(path, CX_MAX_COVERAGE_BYTES, &buf, &len, &c) == 0
	               ? cx_gcda_all_zero(buf, len) : -1;
	free(buf);
	if (zero == 1) {
		t->gcda_zero++;
		r->sum->gcda_zero++;
		return 0;
	}
	/* gcov wants the .gcno beside the .gcda: the build's, same place */
	size_t n = strlen(rel) - strlen(".gcda");
	char *gcno_src = cx_asprintf("%s/%.*s.gcno", r->build, (int)n, rel);
	char *gcno_dst = cx_asprintf("%.*s.gcno", (int)(strlen(path) - strlen(".gcda")), path);
	int rc = gcno_src && gcno_dst ? 0 : CX_ENOMEM;
	if (rc == 0 && copy_file(gcno_src, gcno_dst) != 0) {
		char *m = cx_asprintf("%s: no %s in the build directory (rebuilt or cleaned since "
		                      "the run?): its coverage is left out", rel, gcno_src);
		rc = m ? warn_to(&t->warnings, r, m) : CX_ENOMEM;
		free(m);
	} else if (rc == 0) {
		rc = add_job(w, &t->warnings, path, NULL, gcno_dst);
	}
	free(gcno_src);
	free(gcno_dst);
	return rc;
}

static int visit_gcno(void *arg, const char *path, const char *rel)
{
	struct walker *w = arg;
	struct rec *r = w->r;
	/* gcov of the .gcno alone, in a scratch copy: every line with count 0 */
	char *dst = cx_asprintf("%s/.baseline/%s", r->out, rel);
	char *noext = cx_strndup(rel, strlen(rel) - strlen(".gcno"));
	char *slash = dst ? strrchr(dst, '/') : NULL;
	int rc = dst && noext ? 0 : CX_ENOMEM;
	if (rc == 0) {
		*slash = '\0';
		bool made = cx_mkdirs(dst, true) == 0;
		*slash = '/';
		char *bdir = cx_asprintf("%s/baseline/%s", r->out, noext);
		char *bs = bdir ? strrchr(bdir, '/') : NULL;
		if (bs) {
			*bs = '\0';
			made = made && cx_mkdirs(bdir, true) == 0;
		}
		if (!bdir)
			rc = CX_ENOMEM;
		else if (made && copy_file(path, dst) == 0)
			rc = add_job(w, NULL, dst, noext, dst);
		free(bdir);
	}
	free(dst);
	free(noext);
	return rc;
}

/* gcov's stderr, less what it always says; NULL when clean. */
static char *gcov_complaint(const char *err, bool baseline)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (cx_read_file(err, 1 << 20, &buf, &len, &c) != 0)
		return NULL;
	char *save = NULL, *res = NULL;
	for (char *ln = strtok_r(buf, "\n", &save); ln && !res; ln = strtok_r(NULL, "\n", &save)) {
		if (baseline && strstr(ln, "cannot open data file, assuming not executed"))
			continue;
		if (*ln)
			res = cx_strdup(ln);
	}
	free(buf);
	return res;
}

static int finish_job(struct rec *r, struct job *j, int status)
{
	int rc = 0;
	char *complaint = gcov_complaint(j->err, j->baseline);
	struct stat st;
	bool empty = stat(j->json, &st) != 0 || st.st_size < 2;
	if (status != 0 || complaint || empty) {
		char *m = cx_asprintf("gcov %s: %s", j->gcda,
		                      complaint ? complaint
		                      : status ? "failed" : "printed nothing");
		rc = m ? warn_to(j->warnings, r, m) : CX_ENOMEM;
		free(m);
	}
	/* data gcov complained about is still kept when it printed any: a
	 * version mismatch warning comes with usable counts */
	if (rc == 0 && !empty && gzip_file(j->json, j->gz) != 0)
		rc = cx_error(r->ctx, CX_EIO, "cannot write '%s'", j->gz);
	unlink(j->json);
	unlink(j->err);
	if (j->gcno_copy)
		unlink(j->gcno_copy);
	free(complaint);
	return rc;
}

static int run_jobs(struct rec *r, struct jobs *js)
{
	unsigned width = r->o->jobs ? r->o->jobs : 1;
	struct proc *running = calloc(width, sizeof *running);
	if (!running)
		return cx_error(r->ctx, CX_ENOMEM, "out of memory");
	size_t next = 0, nrun = 0;
	int rc = 0;
	while (rc == 0 && (next < js->n || nrun)) {
		while (next < js->n && nrun < width) {
			struct job *j = &js->v[next];
			const char *base = strrchr(j->gcda, '/') + 1;
			char *argv[] = {r->gcov, "-j", "-t", (char *)base, NULL};
			pid_t pid = spawn(argv, NULL, j->dir, j->json, j->err);
			if (pid < 0) {
				rc = cx_error(r->ctx, CX_EIO, "cannot run '%s'", r->gcov);
				break;
			}
			running[nrun++] = (struct proc){pid, next++};
			r->sum->gcov_runs++;
		}
		if (rc || !nrun)
			break;
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, 0)) < 0 && errno == EINTR)
			;
		if (pid < 0)
			break;
		for (size_t i = 0; i < nrun; i++) {
			if (running[i].pid != pid)
				continue;
			int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
			if (code == 127) /* exec failed */
				rc = cx_error(r->ctx, CX_EIO, "cannot run '%s' (gcov of your compiler)", r->gcov);
			else
				rc = finish_job(r, &js->v[running[i].job], code);
			running[i] = running[--nrun];
			break;
		}
	}
	/* on an error, the ones still running are waited for */
	for (size_t i = 0; i < nrun; i++) {
		int st;
		waitpid(running[i].pid, &st, 0);
	}
	free(running);
	return rc;
}

static void release_jobs(struct jobs *js)
{
	for (size_t i = 0; i < js->n; i++) {
		struct job *j = &js->v[i];
		free(j->gcda);
		free(j->dir);
		free(j->json);
		free(j->err);
		free(j->gz);
		free(j->gcno_copy);
	}
	free(js->v);
}

/* ---- outputs ---- */

static int write_json(struct rec *r, const char *path, cJSON *doc)
{
	char *s = doc ? cJSON_Print(doc) : NULL;
	FILE *f = s ? fopen(path, "w") : NULL;
	int rc = f && fputs(s, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	free(s);
	return rc ? cx_error(r->ctx, CX_EIO, "cannot write '%s'", path) : 0;
}

static int write_test_json(struct rec *r, const struct test *t)
{
	cJSON *d = cJSON_CreateObject(), *w = cJSON_CreateArray();
	char *path = cx_asprintf("%s/test.json", t->dir);
	cJSON_AddStringToObject(d, "name", t->name);
	cJSON_AddStringToObject(d, "status", cx_test_status_name(t->status));
	cJSON_AddNumberToObject(d, "duration_s", t->duration_s);
	cJSON_AddNumberToObject(d, "user_s", t->user_s);
	cJSON_AddNumberToObject(d, "sys_s", t->sys_s);
	cJSON_AddNumberToObject(d, "maxrss_kb", (double)t->maxrss_kb);
	cJSON_AddNumberToObject(d, "exit_code", t->exit_code);
	cJSON_AddNumberToObject(d, "ctest_index", (double)t->index);
	if (t->case_sel) {
		const char *tab = strchr(t->case_sel, '\t');
		char *group = cx_strndup(t->case_sel, (size_t)(tab - t->case_sel));
		cJSON_AddStringToObject(d, "cmocka_group", group ? group : "");
		cJSON_AddStringToObject(d, "cmocka_case", tab + 1);
		free(group);
	}
	cJSON_AddNumberToObject(d, "repeat", r->o->repeat ? r->o->repeat : 1);
	cJSON_AddNumberToObject(d, "gcda_files", (double)t->gcda);
	cJSON_AddNumberToObject(d, "gcda_all_zero", (double)t->gcda_zero);
	for (size_t i = 0; i < t->warnings.n; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(t->warnings.v[i]));
	cJSON_AddItemToObject(d, "warnings", w);
	int rc = path ? write_json(r, path, d) : cx_error(r->ctx, CX_ENOMEM, "out of memory");
	cJSON_Delete(d);
	free(path);
	return rc;
}

static char *tool_version(const char *tool)
{
	char tmp[] = "/tmp/cxscan-version-XXXXXX";
	int fd = mkstemp(tmp);
	if (fd < 0)
		return cx_strdup("");
	close(fd);
	char *argv[] = {(char *)tool, "--version", NULL};
	char *v = run(argv, tmp, NULL) == 0 ? first_line(tmp) : NULL;
	unlink(tmp);
	return v ? v : cx_strdup("");
}

static int write_manifest(struct rec *r)
{
	char *path = cx_path_join(r->out, "manifest.json");
	char *gv = tool_version(r->gcov), *cv = tool_version(r->ctest);
	char created[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm))
		strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char *src = NULL;
	char *cache = cx_path_join(r->build, "CMakeCache.txt"), *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (cache && cx_read_file(cache, 64u << 20, &buf, &len, &c) == 0) {
		const char *k = strstr(buf, "CMAKE_HOME_DIRECTORY:INTERNAL=");
		if (k) {
			k += strlen("CMAKE_HOME_DIRECTORY:INTERNAL=");
			src = cx_strndup(k, strcspn(k, "\r\n"));
		}
	}
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "format", "cxscan-gcov");
	cJSON_AddNumberToObject(d, "version", 1);
	cJSON_AddStringToObject(d, "coverage", "gcc");
	cJSON_AddStringToObject(d, "build_dir", r->build);
	cJSON_AddStringToObject(d, "source_dir", src ? src : "");
	cJSON_AddNumberToObject(d, "prefix_strip", r->strip);
	cJSON_AddStringToObject(d, "gcov", gv ? gv : "");
	cJSON_AddStringToObject(d, "ctest", cv ? cv : "");
	cJSON_AddStringToObject(d, "created", created);
	cJSON_AddBoolToObject(d, "per_case", r->o->per_case);
	cJSON_AddNumberToObject(d, "tests", (double)r->nt);
	cJSON *w = cJSON_AddArrayToObject(d, "warnings");
	if (r->pthread)
		cJSON_AddItemToArray(w, cJSON_CreateString(PTHREAD_WARNING));
	struct cx_strv test = {0}, product = {0};
	bool known = false;
	struct cx_ctx bctx = {0};
	int rc = cx_build_test_sources(r->build, &r->exes, &test, &product, &known, &bctx);
	if (rc && rc != CX_ENOMEM) { /* the path rule then: the tests ran, keep them */
		if (!r->o->quiet)
			fprintf(stderr, "cxscan: warning: %s; test code is told apart by its path\n",
			        bctx.msg);
		rc = 0;
		known = false;
	} else if (rc) {
		rc = cx_error(r->ctx, rc, "out of memory");
	}
	if (rc == 0 && known) {
		cJSON *so = cJSON_AddObjectToObject(d, "sources");
		cJSON *ta = cJSON_AddArrayToObject(so, "test"), *pa = cJSON_AddArrayToObject(so, "product");
		for (size_t i = 0; i < test.n; i++)
			cJSON_AddItemToArray(ta, cJSON_CreateString(test.v[i]));
		for (size_t i = 0; i < product.n; i++)
			cJSON_AddItemToArray(pa, cJSON_CreateString(product.v[i]));
	}
	cx_strv_release(&test);
	cx_strv_release(&product);
	if (rc == 0)
		rc = path ? write_json(r, path, d) : cx_error(r->ctx, CX_ENOMEM, "out of memory");
	cJSON_Delete(d);
	free(path);
	free(gv);
	free(cv);
	free(src);
	free(cache);
	free(buf);
	return rc;
}

static int write_timings(struct rec *r)
{
	char *path = cx_path_join(r->out, "timings.tsv");
	FILE *f = path ? fopen(path, "w") : NULL;
	int rc = f ? 0 : -1;
	if (f) {
		fputs("id\tname\tstatus\tduration_s\tuser_s\tsys_s\n", f);
		for (size_t i = 0; i < r->nt; i++) {
			const struct test *t = &r->t[i];
			/* a tab or newline in a name would break the row */
			fprintf(f, "%s\t", t->id);
			for (const char *p = t->name; *p; p++)
				fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, f);
			fprintf(f, "\t%s\t%.6f\t%.6f\t%.6f\n", cx_test_status_name(t->status), t->duration_s,
			        t->user_s, t->sys_s);
		}
		if (fclose(f) != 0)
			rc = -1;
	}
	int e = rc ? cx_error(r->ctx, CX_EIO, "cannot write '%s'", path ? path : "timings.tsv") : 0;
	free(path);
	return e;
}

/* ---- setup ---- */

static int count_components(const char *path)
{
	int n = 0;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

/* $CXSCAN_GCOV, else gcov of the compiler CMake used: /usr/bin/gcc-12 ->
 * gcov-12 beside it; "gcov" when that is not there. */
static char *find_gcov(const char *build)
{
	const char *env = getenv("CXSCAN_GCOV");
	if (env && *env)
		return cx_strdup(env);
	char *cache = cx_path_join(build, "CMakeCache.txt"), *buf = NULL, *res = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (cache && cx_read_file(cache, 64u << 20, &buf, &len, &c) == 0) {
		const char *k = strstr(buf, "CMAKE_C_COMPILER:");
		const char *eq = k ? strchr(k, '=') : NULL;
		char *cc = eq ? cx_strndup(eq + 1, strcspn(eq + 1, "\r\n")) : NULL;
		char *real = cc ? realpath(cc, NULL) : NULL;
		const char *name = real ? real : cc;
		const char *g = name ? strstr(name, "gcc") : NULL;
		/* the last "gcc" of the name, as in x86_64-linux-gnu-gcc-12 */
		while (g && strstr(g + 1, "gcc"))
			g = strstr(g + 1, "gcc");
		if (g && strchr(g, '/') == NULL) {
			res = cx_asprintf("%.*sgcov%s", (int)(g - name), name, g + 3);
			if (res && access(res, X_OK) != 0) {
				free(res);
				res = NULL;
			}
		}
		free(cc);
		free(real);
	}
	free(cache);
	free(buf);
	return res ? res : cx_strdup("gcov");
}

static bool is_file(const char *dir, const char *name)
{
	char *p = cx_path_join(dir, name);
	struct stat st;
	bool ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/* Whether the build compiles with -pthread (compile_commands.json). */
static bool uses_pthread(const char *build)
{
	char *p = cx_path_join(build, "compile_commands.json"), *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	bool yes = p && cx_read_file(p, CX_MAX_COMPDB_BYTES, &buf, &len, &c) == 0 &&
	           strstr(buf, "-pthread") != NULL;
	free(p);
	free(buf);
	return yes;
}

/* The output directory: new, empty, or a former record (replaced). */
static int prepare_out(struct rec *r)
{
	struct stat st;
	if (stat(r->out, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return cx_error(r->ctx, CX_EINVAL, "--out '%s' is not a directory", r->out);
		DIR *d = opendir(r->out);
		bool empty = true;
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				empty = false;
		if (d)
			closedir(d);
		if (!empty && !is_file(r->out, "manifest.json"))
			return cx_error(r->ctx, CX_EINVAL,
			                "--out '%s' is not empty and not a `cxscan record` directory "
			                "(no manifest.json): not touching it", r->out);
		static const char *const ours[] = {"tests", "baseline", ".baseline", ".repeat",
		                                   "manifest.json", "timings.tsv"};
		for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
			char *p = cx_path_join(r->out, ours[i]);
			int e2 = p ? remove_tree(p) : -1;
			free(p);
			if (e2 != 0)
				return cx_error(r->ctx, CX_EIO, "cannot empty '%s'", r->out);
		}
	}
	char *td = cx_path_join(r->out, "tests");
	int rc = td && cx_mkdirs(td, true) == 0 ? 0 : -1;
	free(td);
	return rc ? cx_error(r->ctx, CX_EIO, "cannot create '%s': %s", r->out, strerror(errno)) : 0;
}

static char *absolute(const char *path)
{
	if (path[0] == '/')
		return cx_path_normalize(path);
	char cwd[PATH_MAX];
	return getcwd(cwd, sizeof cwd) ? cx_path_join(cwd, path) : NULL;
}

static int setup(struct rec *r)
{
	const struct cx_record_opts *o = r->o;
	const char *b = o->build_dir;
	if (!b)
		b = is_file("build", "CTestTestfile.cmake") ? "build" : ".";
	r->build = realpath(b, NULL);
	if (!r->build)
		return cx_error(r->ctx, CX_EINVAL, "--build-dir '%s': %s", b, strerror(errno));
	if (!is_file(r->build, "CTestTestfile.cmake"))
		return cx_error(r->ctx, CX_EINVAL,
		                "--build-dir '%s' has no CTestTestfile.cmake (configure it with "
		                "enable_testing() and build it first)", b);
	if (!(r->out = absolute(o->out_dir ? o->out_dir : "gcov")))
		return cx_error(r->ctx, CX_ENOMEM, "out of memory");
	if (cx_path_under(r->out, r->build) || strcmp(r->out, "/") == 0)
		return cx_error(r->ctx, CX_EINVAL, "--out '%s' would hold the build directory", r->out);
	r->strip = count_components(r->build);
	r->pthread = uses_pthread(r->build);
	if (r->pthread && !o->quiet)
		fprintf(stderr, "cxscan: warning: %s\n", PTHREAD_WARNING);
	r->ctest = cx_strdup("ctest");
	r->gcov = find_gcov(r->build);
	if (!r->ctest || !r->gcov)
		return cx_error(r->ctx, CX_ENOMEM, "out of memory");
	return prepare_out(r);
}

static void release(struct rec *r)
{
	for (size_t i = 0; i < r->nt; i++) {
		free(r->t[i].name);
		free(r->t[i].id);
		free(r->t[i].dir);
		free(r->t[i].case_sel);
		cx_strv_release(&r->t[i].warnings);
	}
	free(r->t);
	free(r->build);
	free(r->out);
	free(r->gcov);
	free(r->ctest);
	free(r->preload);
	cx_strv_release(&r->exes);
}

/* ---- .gcda files of another run (--correlate DIR --build-dir B) ---- */

/* The .gcno of a .gcda: the build's file at the longest tail of the
 * .gcda's path (DIR/test/CMakeFiles/t.dir/a.c.gcda -> B/CMakeFiles/t.dir/
 * a.c.gcno). *found false when there is none. */
static char *gcno_for(const char *build, const char *gcda, bool *found)
{
	size_t stem = strlen(gcda) - strlen(".gcda");
	*found = false;
	for (const char *p = gcda; p && *p; p = strchr(p + 1, '/')) {
		const char *tail = *p == '/' ? p + 1 : p;
		char *cand = cx_asprintf("%s/%.*s.gcno", build, (int)(gcda + stem - tail), tail);
		if (!cand || access(cand, R_OK) == 0) {
			*found = cand != NULL;
			return cand;
		}
		free(cand);
	}
	return cx_strdup("");
}

static int visit_loose(void *arg, const char *path, const char *rel)
{
	(void)rel;
	struct walker *w = arg;
	struct rec *r = w->r;
	char *gz = cx_asprintf("%s.gcov.json.gz", path), *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (!gz)
		return CX_ENOMEM;
	bool done = access(gz, F_OK) == 0; /* converted by an earlier run */
	free(gz);
	if (done)
		return 0;
	r->sum->gcda++;
	int zero = cx_read_file(path, CX_MAX_COVERAGE_BYTES, &buf, &len, &c) == 0
	               ? cx_gcda_all_zero(buf, len) : -1;
	free(buf);
	if (zero == 1) {
		r->sum->gcda_zero++;
		return 0;
	}
	bool found;
	char *gcno = gcno_for(r->build, path, &found);
	char *dst = cx_asprintf("%.*s.gcno", (int)(strlen(path) - strlen(".gcda")), path);
	int rc = gcno && dst ? 0 : CX_ENOMEM;
	if (rc == 0 && (!found || copy_file(gcno, dst) != 0)) {
		char *m = cx_asprintf("%s: no matching .gcno under %s: its coverage is left out", path,
		                      r->build);
		rc = m ? warn_to(w->warnings, r, m) : CX_ENOMEM;
		free(m);
	} else if (rc == 0) {
		rc = add_job(w, w->warnings, path, NULL, dst);
	}
	free(gcno);
	free(dst);
	return rc;
}

int cx_gcov_convert(const char *build_dir, const char *dir, unsigned jobs,
                    struct cx_strv *warnings, struct cx_record_summary *sum, struct cx_ctx *ctx)
{
	struct cx_record_opts o = {.jobs = jobs};
	struct rec r = {.o = &o, .sum = sum, .ctx = ctx};
	struct jobs js = {0};
	memset(sum, 0, sizeof *sum);
	int rc = 0;
	if (!(r.build = realpath(build_dir, NULL)))
		rc = cx_error(ctx, CX_EINVAL, "--build-dir '%s': %s", build_dir, strerror(errno));
	if (rc == 0 && !(r.gcov = find_gcov(r.build)))
		rc = CX_ENOMEM;
	struct walker w = {.r = &r, .js = &js, .warnings = warnings};
	double t0 = now_s();
	if (rc == 0)
		rc = walk(dir, NULL, ".gcda", visit_loose, &w, 0);
	if (rc == 0)
		rc = run_jobs(&r, &js);
	sum->gcov_s = now_s() - t0;
	release_jobs(&js);
	release(&r);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}

int cx_record(const struct cx_record_opts *o, struct cx_record_summary *sum, struct cx_ctx *ctx)
{
	struct rec r = {.o = o, .sum = sum, .ctx = ctx};
	memset(sum, 0, sizeof *sum);
	struct jobs js = {0};
	int rc = setup(&r);
	if (rc == 0)
		rc = select_tests(&r);
	if (rc == 0 && r.nt == 0)
		rc = cx_error(ctx, CX_EINVAL, "no tests to record in '%s'", r.build);
	/* stale .gcda files of earlier runs would be merged into the first
	 * test's, and make it look like it ran everything */
	struct walker w = {.r = &r, .js = &js};
	if (rc == 0)
		rc = walk(r.build, NULL, ".gcda", unlink_one, NULL, 0);
	double t0 = now_s();
	for (size_t i = 0; rc == 0 && i < r.nt; i++) {
		struct test *t = &r.t[i];
		rc = run_test(&r, t);
		if (rc == 0 && !o->quiet)
			fprintf(stderr, "[%zu/%zu] %-40s %8.3f s  %s\n", i + 1, r.nt, t->name,
			        t->duration_s, cx_test_status_name(t->status));
		sum->failed += rc == 0 && t->status == CX_TEST_FAILED;
	}
	sum->tests = r.nt;
	sum->tests_s = now_s() - t0;
	t0 = now_s();
	for (size_t i = 0; rc == 0 && i < r.nt; i++) {
		char *gd = cx_asprintf("%s/gcda", r.t[i].dir);
		w.t = &r.t[i];
		rc = gd ? walk(gd, NULL, ".gcda", visit_gcda, &w, 0) : CX_ENOMEM;
		free(gd);
		sum->no_coverage += rc == 0 && r.t[i].gcda == 0;
	}
	if (rc == 0)
		rc = walk(r.build, NULL, ".gcno", visit_gcno, &w, 0);
	if (rc == 0)
		rc = run_jobs(&r, &js);
	sum->gcov_s = now_s() - t0;
	if (r.out) {
		char *b = cx_path_join(r.out, ".baseline");
		if (b)
			remove_tree(b);
		free(b);
	}
	for (size_t i = 0; rc == 0 && i < r.nt; i++) {
		if (r.t[i].gcda == 0) {
			if (cx_strv_push(&r.t[i].warnings, "no .gcda file: the test wrote no coverage "
			                                   "(not built with --coverage, crashed or timed out)"))
				rc = CX_ENOMEM;
		}
		if (rc == 0)
			rc = write_test_json(&r, &r.t[i]);
	}
	if (rc == 0)
		rc = write_timings(&r);
	if (rc == 0)
		rc = write_manifest(&r);
	release_jobs(&js);
	release(&r);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}
