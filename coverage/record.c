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

static size_t count_strings(char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

/* Whether var, of this process's environment, goes to a child: not when
 * env_add (k NAME=value strings) sets it anew, nor CMOCKA_TEST_ABORT (a
 * test that aborts writes no coverage: never ask cmocka to). */
static bool keep_var(const char *var, char *const *env_add, size_t k)
{
	for (size_t j = 0; j < k; j++) {
		size_t eq = strcspn(env_add[j], "=");
		if (strncmp(var, env_add[j], eq + 1) == 0)
			return false;
	}
	return strncmp(var, "CMOCKA_TEST_ABORT=", 18) != 0;
}

/* A child's environment: this one's as keep_var has it, then env_add
 * (NULL-ended, or NULL). The strings are borrowed; NULL when out of
 * memory. */
static char **child_env(char *const *env_add)
{
	size_t n = count_strings(environ), k = env_add ? count_strings(env_add) : 0;
	char **envp = malloc((n + k + 1) * sizeof *envp);
	if (!envp)
		return NULL;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (keep_var(environ[i], env_add, k))
			envp[m++] = environ[i];
	for (size_t j = 0; j < k; j++)
		envp[m++] = env_add[j];
	envp[m] = NULL;
	return envp;
}

/* In a child: stdin from the null device, stdout and stderr into the
 * files (NULL: the null device). -1 when one cannot be set up. */
static int redirect(const char *out, const char *err)
{
	int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int fe = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int fi = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fo < 0 || fe < 0 || fi < 0)
		return -1;
	return dup2(fi, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 ? -1 : 0;
}

/* The child's side of spawn: exit status 127 when argv cannot run. */
static _Noreturn void exec_child(char *const argv[], char **envp, const char *cwd,
                                 const char *out, const char *err)
{
	if (redirect(out, err) != 0 || (cwd && chdir(cwd) != 0))
		_exit(127);
	execvpe(argv[0], argv, envp);
	_exit(127);
}

/* Starts argv with the extra environment (NAME=value strings, NULL-ended),
 * in cwd (NULL: this one), stdout and stderr into the files (NULL: the
 * null device). */
static pid_t spawn(char *const argv[], char *const *env_add, const char *cwd, const char *out,
                   const char *err)
{
	char **envp = child_env(env_add);
	if (!envp)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		exec_child(argv, envp, cwd, out, err);
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

static bool is_dot_or_dotdot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static int remove_tree(const char *path);

/* Removes what the directory path holds. */
static int remove_entries(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (is_dot_or_dotdot(e->d_name))
			continue;
		char *p = cx_path_join(path, e->d_name);
		rc = p ? remove_tree(p) : -1;
		free(p);
	}
	closedir(d);
	return rc;
}

/* Removes a tree (symbolic links removed, never followed). */
static int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	int rc = remove_entries(path);
	return rc == 0 ? rmdir(path) : rc;
}

typedef int (*visit_fn)(void *arg, const char *path, const char *rel);

/* What walk looks for, and what it calls for each file found. */
struct walk_for {
	const char *suffix;
	visit_fn fn;
	void *arg;
};

static int walk_in(const struct walk_for *wf, const char *dir, const char *rel, int depth);

/* The entry nm of dir (rel: dir's path relative to the top, NULL at it). */
static int walk_entry(const struct walk_for *wf, const char *dir, const char *rel,
                      const char *nm, int depth)
{
	char *p = cx_path_join(dir, nm);
	char *r = rel ? cx_asprintf("%s/%s", rel, nm) : cx_strdup(nm);
	struct stat st;
	int rc = 0;
	if (!p || !r)
		rc = CX_ENOMEM;
	else if (lstat(p, &st) != 0)
		;
	else if (S_ISDIR(st.st_mode))
		rc = walk_in(wf, p, r, depth + 1);
	else if (S_ISREG(st.st_mode) && cx_ends_with(nm, wf->suffix))
		rc = wf->fn(wf->arg, p, r);
	free(p);
	free(r);
	return rc;
}

static int walk_in(const struct walk_for *wf, const char *dir, const char *rel, int depth)
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
		if (rc == 0 && !is_dot_or_dotdot(nm))
			rc = walk_entry(wf, dir, rel, nm, depth);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Calls fn for every regular file under dir whose name ends in suffix, in
 * name order, with its path relative to dir. */
static int walk(const char *dir, const char *suffix, visit_fn fn, void *arg)
{
	struct walk_for wf = {suffix, fn, arg};
	return walk_in(&wf, dir, NULL, 0);
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

static bool id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* A directory name for the n-th test: its number, then its name with
 * anything but [A-Za-z0-9._-] as '_' (names may hold '/', "..", spaces,
 * any UTF-8); the real name is in test.json. */
static char *test_id(size_t n, const char *name)
{
	char clean[64];
	size_t k = 0;
	for (const char *p = name; *p && k < sizeof clean - 1; p++) {
		unsigned char c = (unsigned char)*p;
		clean[k++] = id_char(c) ? (char)c : '_';
	}
	clean[k] = '\0';
	return cx_asprintf("%04zu-%s", n, clean);
}

/* Runs `ctest --show-only=json-v1` with args, its stdout into tmp and its
 * stderr into err. */
static int run_show_only(struct rec *r, const char *const *args, size_t nargs, const char *tmp,
                         const char *err)
{
	const char **argv = calloc(nargs + 5, sizeof *argv);
	if (!argv)
		return CX_ENOMEM;
	size_t a = 0;
	argv[a++] = r->ctest;
	argv[a++] = "--test-dir";
	argv[a++] = r->build;
	argv[a++] = "--show-only=json-v1";
	for (size_t i = 0; i < nargs; i++)
		argv[a++] = args[i];
	int rc = 0;
	if (run((char *const *)argv, tmp, err) != 0) {
		char *why = first_line(err);
		rc = cx_error(r->ctx, CX_EINVAL, "ctest --show-only=json-v1 failed in '%s'%s%s",
		              r->build, why && *why ? ": " : "", why ? why : "");
		free(why);
	}
	free(argv);
	return rc;
}

/* One test of ctest's list: its name onto names, and the executable it
 * runs onto exes when that is wanted (its target tells test code apart). */
static int push_listed(struct rec *r, const cJSON *t, struct cx_strv *names,
                       struct cx_strv *exes)
{
	const cJSON *nm = cJSON_GetObjectItemCaseSensitive(t, "name");
	if (!cJSON_IsString(nm))
		return cx_error(r->ctx, CX_EINVAL, "ctest listed a test without a name");
	if (cx_strv_push(names, nm->valuestring))
		return CX_ENOMEM;
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(t, "command");
	const cJSON *exe = cJSON_IsArray(cmd) ? cJSON_GetArrayItem(cmd, 0) : NULL;
	if (exes && cJSON_IsString(exe) && cx_strv_push(exes, exe->valuestring))
		return CX_ENOMEM;
	return 0;
}

/* The tests of the list ctest wrote into tmp. */
static int read_test_list(struct rec *r, const char *tmp, struct cx_strv *names,
                          struct cx_strv *exes)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = cx_read_file(tmp, CX_MAX_JUNIT_BYTES, &buf, &len, r->ctx);
	if (rc)
		return rc;
	cJSON *doc = cJSON_ParseWithLength(buf, len);
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(doc, "tests");
	if (!cJSON_IsArray(tests))
		rc = cx_error(r->ctx, CX_EINVAL, "ctest --show-only=json-v1 printed no \"tests\" list");
	const cJSON *t;
	const cJSON *list = rc == 0 ? tests : (const cJSON *)NULL;
	cJSON_ArrayForEach(t, list) {
		rc = push_listed(r, t, names, exes);
		if (rc)
			break;
	}
	cJSON_Delete(doc);
	free(buf);
	return rc;
}

/* The names `ctest --show-only=json-v1` lists, with args (may be none). */
static int list_tests(struct rec *r, const char *const *args, size_t nargs,
                      struct cx_strv *names, struct cx_strv *exes)
{
	char *tmp = cx_path_join(r->out, ".ctest-list.json");
	char *err = cx_path_join(r->out, ".ctest-list.err");
	int rc = tmp && err ? 0 : CX_ENOMEM;
	if (rc == 0)
		rc = run_show_only(r, args, nargs, tmp, err);
	if (rc == 0)
		rc = read_test_list(r, tmp, names, exes);
	if (tmp)
		unlink(tmp);
	if (err)
		unlink(err);
	free(tmp);
	free(err);
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

/* Runs CTest test `index` once with the preload library listing its
 * cases into lst (and running none); its coverage goes to scratch, which
 * is removed after. */
static int run_listing(struct rec *r, size_t index, const char *name, const char *lst,
                       const char *scratch)
{
	char *e_list = cx_asprintf("CXSCAN_CMOCKA_LIST=%s", lst);
	char *e_prefix = cx_asprintf("GCOV_PREFIX=%s", scratch);
	char *range = cx_asprintf("%zu,%zu", index, index);
	int rc = e_list && e_prefix && range ? 0 : CX_ENOMEM;
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
	free(e_list);
	free(e_prefix);
	free(range);
	return rc;
}

/* The "GROUP\tCASE" lines of the listing lst onto cases; none when there
 * is no listing. */
static int read_cases(const char *lst, struct cx_strv *cases)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	int rc = 0;
	if (cx_read_file(lst, CX_MAX_JUNIT_BYTES, &buf, &len, &c) == 0) {
		char *save = NULL;
		for (char *ln = strtok_r(buf, "\n", &save); ln && rc == 0; ln = strtok_r(NULL, "\n", &save))
			if (strchr(ln, '\t'))
				rc = cx_strv_push(cases, ln);
	}
	free(buf);
	return rc;
}

/* The cmocka cases of test t ("GROUP\tCASE" lines), from one run of it in
 * which the preload library lists them and runs nothing; none when it is
 * not a (dynamically linked) cmocka program. */
static int list_cases(struct rec *r, size_t index, const char *name, struct cx_strv *cases)
{
	char *lst = cx_asprintf("%s/.cases.txt", r->out), *scratch = cx_asprintf("%s/.repeat", r->out);
	int rc = lst && scratch ? 0 : CX_ENOMEM;
	if (rc == 0)
		rc = run_listing(r, index, name, lst, scratch);
	if (rc == 0)
		rc = read_cases(lst, cases);
	if (lst)
		unlink(lst);
	free(lst);
	free(scratch);
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

/* The 1-based index of name in the full list; 0 when it is not there. */
static size_t index_of(const struct cx_strv *all, const char *name)
{
	for (size_t k = 0; k < all->n; k++)
		if (strcmp(all->v[k], name) == 0)
			return k + 1;
	return 0;
}

/* The runs of the selected test `name`, at idx in the full list. */
static int add_runs(struct rec *r, size_t *cap, const char *name, size_t idx)
{
	if (!idx)
		return cx_error(r->ctx, CX_EINVAL, "test '%s' is not in the full list", name);
	if (r->o->per_case)
		return add_cases(r, cap, name, idx);
	return add_test(r, cap, name, idx, NULL);
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
	for (size_t i = 0; rc == 0 && i < pick->n; i++)
		rc = add_runs(r, &cap, pick->v[i], index_of(&all, pick->v[i]));
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

/* What the runs of one test need: paths, environment strings, and the
 * times of each run. */
struct runs {
	unsigned k;              /* how many (--repeat) */
	double *dur, *usr, *sys; /* each run's times */
	char *gdir;              /* the test's gcda/: the first run's coverage */
	char *scratch;           /* the other runs' (libgcov adds up runs) */
	char *junit, *junit2;    /* the first run's JUnit, the other runs' */
	char *log;
	char *range;             /* ctest -I's "N,N" */
	char *strip;             /* GCOV_PREFIX_STRIP=... */
};

static int runs_alloc_times(struct runs *u)
{
	u->dur = calloc(u->k, sizeof *u->dur);
	u->usr = calloc(u->k, sizeof *u->usr);
	u->sys = calloc(u->k, sizeof *u->sys);
	return u->dur && u->usr && u->sys ? 0 : CX_ENOMEM;
}

static int runs_alloc_paths(struct runs *u, const struct rec *r, const struct test *t)
{
	u->gdir = cx_asprintf("%s/gcda", t->dir);
	u->scratch = cx_asprintf("%s/.repeat", r->out);
	u->junit = cx_asprintf("%s/junit.xml", t->dir);
	u->log = cx_asprintf("%s/ctest.log", t->dir);
	u->junit2 = cx_asprintf("%s/.repeat-junit.xml", r->out);
	u->range = cx_asprintf("%zu,%zu", t->index, t->index);
	u->strip = cx_asprintf("GCOV_PREFIX_STRIP=%d", r->strip);
	return u->gdir && u->scratch && u->junit && u->log && u->junit2 && u->range && u->strip
	           ? 0 : CX_ENOMEM;
}

static void runs_release(struct runs *u)
{
	if (u->junit2)
		unlink(u->junit2);
	free(u->dur);
	free(u->usr);
	free(u->sys);
	free(u->gdir);
	free(u->scratch);
	free(u->junit);
	free(u->log);
	free(u->junit2);
	free(u->range);
	free(u->strip);
}

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + tv->tv_usec / 1e6;
}

/* Runs ctest for run i of test t with the environment env; its times into
 * u, and for the first run its exit code, memory and status. */
static int run_ctest(struct rec *r, struct test *t, struct runs *u, unsigned i, char **env)
{
	const char *jpath = i == 0 ? u->junit : u->junit2;
	char *argv[] = {r->ctest, "--test-dir", r->build, "-I", u->range, "--output-junit",
	                (char *)jpath, NULL};
	double t0 = now_s();
	pid_t pid = spawn(argv, env, NULL, u->log, NULL);
	struct rusage ru;
	int st = pid < 0 ? -1 : wait_for(pid, &ru);
	double wall = now_s() - t0;
	if (st < 0)
		return cx_error(r->ctx, CX_EIO, "cannot run '%s'", r->ctest);
	u->dur[i] = wall;
	u->usr[i] = tv_s(&ru.ru_utime);
	u->sys[i] = tv_s(&ru.ru_stime);
	if (i == 0) {
		t->exit_code = st;
		t->maxrss_kb = ru.ru_maxrss;
		t->status = st == 0 ? CX_TEST_PASSED : CX_TEST_FAILED;
	}
	/* CTest's own time of the test (µs), else the wall time around ctest */
	double d = wall;
	struct test probe = {0};
	if (junit_result(jpath, i == 0 ? t : &probe, &d))
		u->dur[i] = d;
	cx_strv_release(&probe.warnings);
	return 0;
}

/* Run i of test t: only the first run's coverage is kept (libgcov adds up
 * runs), the others' goes to the scratch directory, removed after. */
static int run_once(struct rec *r, struct test *t, struct runs *u, unsigned i)
{
	const char *prefix = i == 0 ? u->gdir : u->scratch;
	char *e_prefix = cx_asprintf("GCOV_PREFIX=%s", prefix);
	char *e_llvm = cx_asprintf("LLVM_PROFILE_FILE=%s/%%p.profraw", prefix);
	char *e_case = t->case_sel ? cx_asprintf("CXSCAN_CMOCKA_CASE=%s", t->case_sel) : NULL;
	int rc;
	if (!e_prefix || !e_llvm || (t->case_sel && !e_case)) {
		rc = CX_ENOMEM;
	} else {
		char *env[] = {e_prefix, u->strip, e_llvm, e_case, e_case ? r->preload : NULL, NULL};
		rc = run_ctest(r, t, u, i, env);
		if (i > 0)
			remove_tree(u->scratch);
	}
	free(e_prefix);
	free(e_llvm);
	free(e_case);
	return rc;
}

/* The test's times: the median of each over the runs. */
static void keep_medians(struct test *t, struct runs *u)
{
	qsort(u->dur, u->k, sizeof *u->dur, cmp_double);
	qsort(u->usr, u->k, sizeof *u->usr, cmp_double);
	qsort(u->sys, u->k, sizeof *u->sys, cmp_double);
	t->duration_s = u->dur[u->k / 2];
	t->user_s = u->usr[u->k / 2];
	t->sys_s = u->sys[u->k / 2];
	t->has_time = true;
}

static int run_test(struct rec *r, struct test *t)
{
	struct runs u = {.k = r->o->repeat ? r->o->repeat : 1};
	int rc = runs_alloc_times(&u);
	if (rc == 0)
		rc = runs_alloc_paths(&u, r, t);
	if (rc == 0 && (cx_mkdirs(u.gdir, true) != 0))
		rc = cx_error(r->ctx, CX_EIO, "cannot create '%s': %s", u.gdir, strerror(errno));
	for (unsigned i = 0; rc == 0 && i < u.k; i++)
		rc = run_once(r, t, &u, i);
	if (rc == 0)
		keep_medians(t, &u);
	runs_release(&u);
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

/* Whether every string of j is there (gcno_copy: when there is a gcno). */
static bool job_allocated(const struct job *j, const char *gcno)
{
	return j->gcda && j->dir && j->json && j->err && j->gz && (!gcno || j->gcno_copy);
}

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
	return job_allocated(j, gcno) ? 0 : CX_ENOMEM;
}

static int warn_to(struct cx_strv *warnings, struct rec *r, const char *msg)
{
	r->sum->gcov_warnings++;
	return warnings ? cx_strv_push(warnings, msg) : 0;
}

/* 1 when the .gcda at path counted nothing; 0 when it did, -1 when it
 * cannot be read or is no .gcda. */
static int gcda_zero(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	int zero = cx_read_file(path, CX_MAX_COVERAGE_BYTES, &buf, &len, &c) == 0
	               ? cx_gcda_all_zero(buf, len) : -1;
	free(buf);
	return zero;
}

static int visit_gcda(void *arg, const char *path, const char *rel)
{
	struct walker *w = arg;
	struct rec *r = w->r;
	struct test *t = w->t;
	t->gcda++;
	r->sum->gcda++;
	if (gcda_zero(path) == 1) {
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

/* Makes the directory the file path is in; true when it is there. */
static bool make_parent(char *path)
{
	char *slash = strrchr(path, '/');
	if (!slash)
		return true;
	*slash = '\0';
	bool made = cx_mkdirs(path, true) == 0;
	*slash = '/';
	return made;
}

/* The baseline's job for the build's .gcno (gcno), copied to dst; its
 * result goes to DIR/baseline/<noext>.gcov.json.gz. */
static int baseline_job(struct walker *w, const char *gcno, char *dst, const char *noext)
{
	bool made = make_parent(dst);
	char *bdir = cx_asprintf("%s/baseline/%s", w->r->out, noext);
	if (!bdir)
		return CX_ENOMEM;
	made = made && make_parent(bdir);
	int rc = 0;
	if (made && copy_file(gcno, dst) == 0)
		rc = add_job(w, NULL, dst, noext, dst);
	free(bdir);
	return rc;
}

static int visit_gcno(void *arg, const char *path, const char *rel)
{
	struct walker *w = arg;
	struct rec *r = w->r;
	/* gcov of the .gcno alone, in a scratch copy: every line with count 0 */
	char *dst = cx_asprintf("%s/.baseline/%s", r->out, rel);
	char *noext = cx_strndup(rel, strlen(rel) - strlen(".gcno"));
	int rc = dst && noext ? 0 : CX_ENOMEM;
	if (rc == 0)
		rc = baseline_job(w, path, dst, noext);
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

/* A warning when gcov failed (status), complained or printed nothing. */
static int gcov_warning(struct rec *r, const struct job *j, int status, const char *complaint,
                        bool empty)
{
	if (status == 0 && !complaint && !empty)
		return 0;
	char *m = cx_asprintf("gcov %s: %s", j->gcda,
	                      complaint ? complaint
	                      : status ? "failed" : "printed nothing");
	int rc = m ? warn_to(j->warnings, r, m) : CX_ENOMEM;
	free(m);
	return rc;
}

static int finish_job(struct rec *r, struct job *j, int status)
{
	char *complaint = gcov_complaint(j->err, j->baseline);
	struct stat st;
	bool empty = stat(j->json, &st) != 0 || st.st_size < 2;
	int rc = gcov_warning(r, j, status, complaint, empty);
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

/* The gcov processes of run_jobs. */
struct pool {
	struct proc *running;
	size_t nrun;     /* how many run */
	size_t next;     /* the next job to start */
	unsigned width;  /* how many may run at once */
};

/* Starts jobs while there are some and room for them. */
static int start_jobs(struct rec *r, struct jobs *js, struct pool *p)
{
	while (p->next < js->n && p->nrun < p->width) {
		struct job *j = &js->v[p->next];
		const char *base = strrchr(j->gcda, '/') + 1;
		char *argv[] = {r->gcov, "-j", "-t", (char *)base, NULL};
		pid_t pid = spawn(argv, NULL, j->dir, j->json, j->err);
		if (pid < 0)
			return cx_error(r->ctx, CX_EIO, "cannot run '%s'", r->gcov);
		p->running[p->nrun++] = (struct proc){pid, p->next++};
		r->sum->gcov_runs++;
	}
	return 0;
}

/* The child pid ended with wait status st: its job finished. */
static int end_job(struct rec *r, struct jobs *js, struct pool *p, pid_t pid, int st)
{
	for (size_t i = 0; i < p->nrun; i++) {
		if (p->running[i].pid != pid)
			continue;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		int rc;
		if (code == 127) /* exec failed */
			rc = cx_error(r->ctx, CX_EIO, "cannot run '%s' (gcov of your compiler)", r->gcov);
		else
			rc = finish_job(r, &js->v[p->running[i].job], code);
		p->running[i] = p->running[--p->nrun];
		return rc;
	}
	return 0;
}

/* Waits for any child; its pid, or -1 (no child left). */
static pid_t wait_any(int *st)
{
	pid_t pid;
	while ((pid = waitpid(-1, st, 0)) < 0 && errno == EINTR)
		;
	return pid;
}

static int run_jobs(struct rec *r, struct jobs *js)
{
	struct pool p = {.width = r->o->jobs ? r->o->jobs : 1};
	p.running = calloc(p.width, sizeof *p.running);
	if (!p.running)
		return cx_error(r->ctx, CX_ENOMEM, "out of memory");
	int rc = 0;
	while (rc == 0 && (p.next < js->n || p.nrun)) {
		rc = start_jobs(r, js, &p);
		if (rc || !p.nrun)
			break;
		int st;
		pid_t pid = wait_any(&st);
		if (pid < 0)
			break;
		rc = end_job(r, js, &p, pid, st);
	}
	/* on an error, the ones still running are waited for */
	for (size_t i = 0; i < p.nrun; i++) {
		int st;
		waitpid(p.running[i].pid, &st, 0);
	}
	free(p.running);
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

/* The build's CMakeCache.txt; NULL when it cannot be read. */
static char *read_cmake_cache(const char *build)
{
	char *cache = cx_path_join(build, "CMakeCache.txt"), *buf = NULL;
	size_t len = 0;
	struct cx_ctx c = {0};
	if (cache && cx_read_file(cache, 64u << 20, &buf, &len, &c) != 0)
		buf = NULL;
	free(cache);
	return buf;
}

/* The source directory CMake recorded for the build; NULL when unknown. */
static char *source_dir(const char *build)
{
	char *buf = read_cmake_cache(build), *src = NULL;
	const char *k = buf ? strstr(buf, "CMAKE_HOME_DIRECTORY:INTERNAL=") : NULL;
	if (k) {
		k += strlen("CMAKE_HOME_DIRECTORY:INTERNAL=");
		src = cx_strndup(k, strcspn(k, "\r\n"));
	}
	free(buf);
	return src;
}

/* The time now, UTC, as 2024-01-31T12:00:00Z (left as it is when unknown). */
static void utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_strings(cJSON *a, const struct cx_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v->v[i]));
}

/* The build's test and product sources as d's "sources"; left out when
 * they cannot be told (the path rule then: the tests ran, keep them). */
static int add_sources(struct rec *r, cJSON *d)
{
	struct cx_strv test = {0}, product = {0};
	bool known = false;
	struct cx_ctx bctx = {0};
	int rc = cx_build_test_sources(r->build, &r->exes, &test, &product, &known, &bctx);
	if (rc && rc != CX_ENOMEM) {
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
		add_strings(cJSON_AddArrayToObject(so, "test"), &test);
		add_strings(cJSON_AddArrayToObject(so, "product"), &product);
	}
	cx_strv_release(&test);
	cx_strv_release(&product);
	return rc;
}

static int write_manifest(struct rec *r)
{
	char *path = cx_path_join(r->out, "manifest.json");
	char *gv = tool_version(r->gcov), *cv = tool_version(r->ctest);
	char created[32] = "";
	utc_now(created, sizeof created);
	char *src = source_dir(r->build);
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
	int rc = add_sources(r, d);
	if (rc == 0)
		rc = path ? write_json(r, path, d) : cx_error(r->ctx, CX_ENOMEM, "out of memory");
	cJSON_Delete(d);
	free(path);
	free(gv);
	free(cv);
	free(src);
	return rc;
}

/* A name in a row of timings.tsv: a tab or line end in it would break the
 * row, and is written as a space. */
static void put_field(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++)
		fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, f);
}

static void put_timings(FILE *f, const struct rec *r)
{
	fputs("id\tname\tstatus\tduration_s\tuser_s\tsys_s\n", f);
	for (size_t i = 0; i < r->nt; i++) {
		const struct test *t = &r->t[i];
		fprintf(f, "%s\t", t->id);
		put_field(f, t->name);
		fprintf(f, "\t%s\t%.6f\t%.6f\t%.6f\n", cx_test_status_name(t->status), t->duration_s,
		        t->user_s, t->sys_s);
	}
}

static int write_timings(struct rec *r)
{
	char *path = cx_path_join(r->out, "timings.tsv");
	FILE *f = path ? fopen(path, "w") : NULL;
	int rc = f ? 0 : -1;
	if (f) {
		put_timings(f, r);
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

/* gcov beside the compiler `name` (a path): the last "gcc" of its file
 * name, as in x86_64-linux-gnu-gcc-12, made "gcov"; NULL when there is
 * none or it is not there. */
static char *gcov_beside(const char *name)
{
	const char *g = strstr(name, "gcc");
	while (g && strstr(g + 1, "gcc"))
		g = strstr(g + 1, "gcc");
	if (!g || strchr(g, '/') != NULL)
		return NULL;
	char *res = cx_asprintf("%.*sgcov%s", (int)(g - name), name, g + 3);
	if (res && access(res, X_OK) != 0) {
		free(res);
		res = NULL;
	}
	return res;
}

/* gcov beside the C compiler of a CMake cache (its text); NULL when
 * there is none. */
static char *gcov_of_cache(const char *buf)
{
	const char *k = strstr(buf, "CMAKE_C_COMPILER:");
	const char *eq = k ? strchr(k, '=') : NULL;
	char *cc = eq ? cx_strndup(eq + 1, strcspn(eq + 1, "\r\n")) : NULL;
	char *real = cc ? realpath(cc, NULL) : NULL;
	const char *name = real ? real : cc;
	char *res = name ? gcov_beside(name) : NULL;
	free(cc);
	free(real);
	return res;
}

/* $CXSCAN_GCOV, else gcov of the compiler CMake used: /usr/bin/gcc-12 ->
 * gcov-12 beside it; "gcov" when that is not there. */
static char *find_gcov(const char *build)
{
	const char *env = getenv("CXSCAN_GCOV");
	if (env && *env)
		return cx_strdup(env);
	char *buf = read_cmake_cache(build), *res = NULL;
	if (buf)
		res = gcov_of_cache(buf);
	free(buf);
	return res ? res : cx_strdup("gcov");
}

static bool is_file(const char *dir, const char *name)
{
	char *p = cx_path_join(dir, name);
	bool ok = p && cx_is_file(p);
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

/* Whether the directory dir holds nothing (or cannot be read). */
static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	bool empty = true;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		if (!is_dot_or_dotdot(e->d_name))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

/* Removes what a former record wrote into r->out. */
static int remove_ours(struct rec *r)
{
	static const char *const ours[] = {"tests", "baseline", ".baseline", ".repeat",
	                                   "manifest.json", "timings.tsv"};
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
		char *p = cx_path_join(r->out, ours[i]);
		int e2 = p ? remove_tree(p) : -1;
		free(p);
		if (e2 != 0)
			return cx_error(r->ctx, CX_EIO, "cannot empty '%s'", r->out);
	}
	return 0;
}

/* An --out that exists (st): a directory, empty or a former record (then
 * emptied of it). */
static int reuse_out(struct rec *r, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return cx_error(r->ctx, CX_EINVAL, "--out '%s' is not a directory", r->out);
	if (!dir_empty(r->out) && !is_file(r->out, "manifest.json"))
		return cx_error(r->ctx, CX_EINVAL,
		                "--out '%s' is not empty and not a `cxscan record` directory "
		                "(no manifest.json): not touching it", r->out);
	return remove_ours(r);
}

/* The output directory: new, empty, or a former record (replaced). */
static int prepare_out(struct rec *r)
{
	struct stat st;
	if (stat(r->out, &st) == 0) {
		int e = reuse_out(r, &st);
		if (e)
			return e;
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

/* The build directory: --build-dir, else build/ when it holds CTest's
 * file, else the current one; resolved, and holding CTest's file. */
static int find_build(struct rec *r)
{
	const char *b = r->o->build_dir;
	if (!b)
		b = is_file("build", "CTestTestfile.cmake") ? "build" : ".";
	r->build = realpath(b, NULL);
	if (!r->build)
		return cx_error(r->ctx, CX_EINVAL, "--build-dir '%s': %s", b, strerror(errno));
	if (!is_file(r->build, "CTestTestfile.cmake"))
		return cx_error(r->ctx, CX_EINVAL,
		                "--build-dir '%s' has no CTestTestfile.cmake (configure it with "
		                "enable_testing() and build it first)", b);
	return 0;
}

/* The output directory, absolute; never one that holds the build. */
static int find_out(struct rec *r)
{
	const struct cx_record_opts *o = r->o;
	if (!(r->out = absolute(o->out_dir ? o->out_dir : "gcov")))
		return cx_error(r->ctx, CX_ENOMEM, "out of memory");
	if (cx_path_under(r->out, r->build) || strcmp(r->out, "/") == 0)
		return cx_error(r->ctx, CX_EINVAL, "--out '%s' would hold the build directory", r->out);
	return 0;
}

static int setup(struct rec *r)
{
	int rc = find_build(r);
	if (rc == 0)
		rc = find_out(r);
	if (rc)
		return rc;
	r->strip = count_components(r->build);
	r->pthread = uses_pthread(r->build);
	if (r->pthread && !r->o->quiet)
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

/* *done: whether an earlier run converted the .gcda at path already (its
 * .gcov.json.gz is there). */
static int converted(const char *path, bool *done)
{
	char *gz = cx_asprintf("%s.gcov.json.gz", path);
	if (!gz)
		return CX_ENOMEM;
	*done = access(gz, F_OK) == 0;
	free(gz);
	return 0;
}

/* A job for the loose .gcda at path, with the build's .gcno copied beside
 * it; a warning when there is none. */
static int loose_job(struct walker *w, const char *path)
{
	struct rec *r = w->r;
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

static int visit_loose(void *arg, const char *path, const char *rel)
{
	(void)rel;
	struct walker *w = arg;
	struct rec *r = w->r;
	bool done = false;
	int rc = converted(path, &done);
	if (rc || done)
		return rc;
	r->sum->gcda++;
	if (gcda_zero(path) == 1) {
		r->sum->gcda_zero++;
		return 0;
	}
	return loose_job(w, path);
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
		rc = walk(dir, ".gcda", visit_loose, &w);
	if (rc == 0)
		rc = run_jobs(&r, &js);
	sum->gcov_s = now_s() - t0;
	release_jobs(&js);
	release(&r);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}

/* Setup, the tests to run, and the stale .gcda files of earlier runs
 * removed: they would be merged into the first test's, and make it look
 * like it ran everything. */
static int start(struct rec *r)
{
	int rc = setup(r);
	if (rc == 0)
		rc = select_tests(r);
	if (rc == 0 && r->nt == 0)
		rc = cx_error(r->ctx, CX_EINVAL, "no tests to record in '%s'", r->build);
	if (rc == 0)
		rc = walk(r->build, ".gcda", unlink_one, NULL);
	return rc;
}

/* Runs every test, one after the other. */
static int run_tests(struct rec *r)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->nt; i++) {
		struct test *t = &r->t[i];
		rc = run_test(r, t);
		if (rc == 0 && !r->o->quiet)
			fprintf(stderr, "[%zu/%zu] %-40s %8.3f s  %s\n", i + 1, r->nt, t->name,
			        t->duration_s, cx_test_status_name(t->status));
		r->sum->failed += rc == 0 && t->status == CX_TEST_FAILED;
	}
	return rc;
}

/* gcov of every test's .gcda files and of the build's .gcno files (the
 * baseline), through the jobs js. */
static int convert(struct rec *r, struct jobs *js)
{
	struct walker w = {.r = r, .js = js};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->nt; i++) {
		char *gd = cx_asprintf("%s/gcda", r->t[i].dir);
		w.t = &r->t[i];
		rc = gd ? walk(gd, ".gcda", visit_gcda, &w) : CX_ENOMEM;
		free(gd);
		r->sum->no_coverage += rc == 0 && r->t[i].gcda == 0;
	}
	if (rc == 0)
		rc = walk(r->build, ".gcno", visit_gcno, &w);
	if (rc == 0)
		rc = run_jobs(r, js);
	return rc;
}

static void remove_scratch(const struct rec *r)
{
	if (!r->out)
		return;
	char *b = cx_path_join(r->out, ".baseline");
	if (b)
		remove_tree(b);
	free(b);
}

/* Each test's test.json (a test without .gcda warned of), timings.tsv and
 * manifest.json. */
static int write_outputs(struct rec *r)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->nt; i++) {
		if (r->t[i].gcda == 0 &&
		    cx_strv_push(&r->t[i].warnings, "no .gcda file: the test wrote no coverage "
		                                    "(not built with --coverage, crashed or timed out)"))
			rc = CX_ENOMEM;
		if (rc == 0)
			rc = write_test_json(r, &r->t[i]);
	}
	if (rc == 0)
		rc = write_timings(r);
	if (rc == 0)
		rc = write_manifest(r);
	return rc;
}

int cx_record(const struct cx_record_opts *o, struct cx_record_summary *sum, struct cx_ctx *ctx)
{
	struct rec r = {.o = o, .sum = sum, .ctx = ctx};
	memset(sum, 0, sizeof *sum);
	struct jobs js = {0};
	int rc = start(&r);
	double t0 = now_s();
	if (rc == 0)
		rc = run_tests(&r);
	sum->tests = r.nt;
	sum->tests_s = now_s() - t0;
	t0 = now_s();
	if (rc == 0)
		rc = convert(&r, &js);
	sum->gcov_s = now_s() - t0;
	remove_scratch(&r);
	if (rc == 0)
		rc = write_outputs(&r);
	release_jobs(&js);
	release(&r);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory") : rc;
}
