/* cmocka_case.c: cxscan-cmocka-case.so, the LD_PRELOAD library with which
 * `cxscan record --per-case` lists the cases of a cmocka program and runs
 * them one at a time, without touching the tests. It stands alone: no part
 * of cxscan, no link to libcmocka (the real runners are found at run time
 * with dlsym(RTLD_NEXT, ...)).
 *
 * Interposed: _cmocka_run_group_tests (cmocka_run_group_tests[_name]), the
 * deprecated _run_tests (run_tests) and _run_group_tests (run_group_tests),
 * cmocka_set_test_filter and cmocka_set_skip_filter (recorded, then passed
 * on), exit and, on glibc, __libc_start_main (to see main's return value).
 *
 * Environment (an empty value counts as unset; LIST wins over CASE):
 *
 * CXSCAN_CMOCKA_LIST=FILE  No test runs. Each runner call appends one line
 *     per case to FILE (created 0666 & ~umask if missing, even for a group
 *     without cases): "GROUP\tCASE\n", and returns 0, so that the program
 *     goes on to its other groups and exits 0 (FILE not writable: a message
 *     and exit status 3). A name's tab and newline bytes are written as
 *     spaces; nothing else is changed. A line already
 *     written by this process is not written again (two groups of the same
 *     name with a case of the same name are one case: running it runs
 *     both). Listed are the cases cmocka would run: a name, a test, setup
 *     or teardown function, and passing the program's
 *     cmocka_set_test_filter / cmocka_set_skip_filter patterns. The
 *     deprecated runners have no group name: theirs are "run_tests" and
 *     "run_group_tests", their cases the entries of type TEST with a name
 *     and a function.
 *
 * CXSCAN_CMOCKA_CASE=GROUP\tCASE, or CASE alone (that case name in any
 *     group). Names compare as listed (tab and newline as spaces). A runner
 *     call with matching cases runs the real runner on a copy of the array
 *     that holds only them, with the same group name and group
 *     setup/teardown, and returns its result (cmocka: failed + errored
 *     cases). A call without one returns 0 and runs nothing, not even the
 *     group setup/teardown. If the process called a runner but none had
 *     the case, it prints "cxscan-cmocka-case: no case 'X'" (X the value
 *     as given) to stderr when it exits, and its exit status is 3. A
 *     process that never calls a runner (a shell wrapper, a helper the test
 *     spawns: LD_PRELOAD and the environment are inherited) is left alone.
 *     Legacy _run_tests: the case keeps the SETUP/TEARDOWN pairs around it;
 *     _run_group_tests: the case keeps the group setup/teardown entries.
 *
 * Neither: every call goes straight to cmocka.
 *
 * Why the exit status is changed this way: gcov writes .gcda files from a
 * destructor of each instrumented object (__gcov_exit, run by _dl_fini),
 * and __libc_start_main registers _dl_fini before main runs, so it runs
 * after every atexit handler registered from main on. An atexit handler
 * that calls _exit(3) therefore loses all coverage (and stdio buffers).
 * Instead the status is replaced before exit starts: main is wrapped
 * through __libc_start_main (its return value goes to exit), and exit()
 * itself is interposed (for a program or library that calls exit). exit
 * then runs as usual with status 3: atexit handlers, destructors, gcov's
 * dump, stdio flush.
 *
 * Not seen: a program linked with a static cmocka (its calls never reach
 * the dynamic symbol; then no LIST file appears, "not cmocka"), a static
 * executable, a bare run_test(f). Not thread-safe: cmocka runners are
 * called from one thread. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include) && !defined(CX_NO_CMOCKA_H)
#if __has_include(<cmocka.h>)
#define CX_HAVE_CMOCKA_H 1
#endif
#endif

#ifdef CX_HAVE_CMOCKA_H
/* The real declarations: the compiler checks that ours agree. */
#include <cmocka.h>
#else
/* The cmocka 1.1 ABI, as declared by 1.1.5's cmocka.h. */
typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);
struct CMUnitTest {
	const char *name;
	CMUnitTestFunction test_func;
	CMFixtureFunction setup_func;
	CMFixtureFunction teardown_func;
	void *initial_state;
};
typedef void (*UnitTestFunction)(void **state);
typedef enum UnitTestFunctionType {
	UNIT_TEST_FUNCTION_TYPE_TEST = 0,
	UNIT_TEST_FUNCTION_TYPE_SETUP,
	UNIT_TEST_FUNCTION_TYPE_TEARDOWN,
	UNIT_TEST_FUNCTION_TYPE_GROUP_SETUP,
	UNIT_TEST_FUNCTION_TYPE_GROUP_TEARDOWN,
} UnitTestFunctionType;
typedef struct UnitTest {
	const char *name;
	UnitTestFunction function;
	UnitTestFunctionType function_type;
} UnitTest;
int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *const tests,
			    const size_t num_tests, CMFixtureFunction group_setup,
			    CMFixtureFunction group_teardown);
int _run_tests(const UnitTest *const tests, const size_t number_of_tests);
int _run_group_tests(const UnitTest *const tests, const size_t number_of_tests);
void cmocka_set_test_filter(const char *pattern);
void cmocka_set_skip_filter(const char *pattern);
#endif

#define CX_EXPORT __attribute__((visibility("default")))
#define CX_PREFIX "cxscan-cmocka-case: "
#define CX_STATUS_NO_CASE 3

typedef int (*cx_group_fn)(const char *, const struct CMUnitTest *, size_t, CMFixtureFunction,
			   CMFixtureFunction);
typedef int (*cx_legacy_fn)(const UnitTest *, size_t);
typedef void (*cx_filter_fn)(const char *);
typedef void (*cx_exit_fn)(int) __attribute__((noreturn));
typedef int (*cx_main_fn)(int, char **, char **);
typedef int (*cx_start_fn)(cx_main_fn, int, char **, void (*)(void), void (*)(void),
			   void (*)(void), void *);

static struct {
	int inited;
	char *list_path; /* CXSCAN_CMOCKA_LIST, or NULL */
	char *case_spec; /* CXSCAN_CMOCKA_CASE as given, or NULL */
	char *want_group; /* NULL: any group */
	char *want_case;
	int runner_called; /* CASE mode: some runner was called */
	int matched; /* CASE mode: some runner had the case */
	int reported;
	const char *test_filter; /* the program's cmocka filters */
	const char *skip_filter;
	char **listed; /* lines written (LIST mode) */
	size_t nlisted, caplisted;
	cx_exit_fn real_exit;
	cx_main_fn real_main;
} cx;

static void cx_die(const char *what)
{
	fprintf(stderr, CX_PREFIX "%s: %s\n", what, strerror(errno));
	exit(CX_STATUS_NO_CASE);
}

static char *cx_env(const char *name)
{
	const char *v = getenv(name);
	char *copy;

	if (v == NULL || v[0] == '\0')
		return NULL;
	copy = strdup(v);
	if (copy == NULL)
		cx_die(name);
	return copy;
}

static void cx_init(void)
{
	char *tab;

	if (cx.inited)
		return;
	cx.inited = 1;
	cx.list_path = cx_env("CXSCAN_CMOCKA_LIST");
	if (cx.list_path != NULL)
		return;
	cx.case_spec = cx_env("CXSCAN_CMOCKA_CASE");
	if (cx.case_spec == NULL)
		return;
	cx.want_case = strdup(cx.case_spec);
	if (cx.want_case == NULL)
		cx_die("CXSCAN_CMOCKA_CASE");
	tab = strchr(cx.want_case, '\t');
	if (tab != NULL) {
		*tab = '\0';
		cx.want_group = cx.want_case;
		cx.want_case = tab + 1;
	}
}

__attribute__((constructor)) static void cx_ctor(void)
{
	cx_init();
	cx.real_exit = (cx_exit_fn)dlsym(RTLD_NEXT, "exit");
}

__attribute__((destructor)) static void cx_dtor(void)
{
	size_t i;

	for (i = 0; i < cx.nlisted; i++)
		free(cx.listed[i]);
	free(cx.listed);
	cx.listed = NULL;
	cx.nlisted = cx.caplisted = 0;
}

static void *cx_real(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL)
		fprintf(stderr, CX_PREFIX "no real %s after this library\n", name);
	return p;
}

/* ---- names ---- */

static char cx_name_char(char c)
{
	return c == '\t' || c == '\n' ? ' ' : c;
}

/* NAME (tab and newline as spaces) equals WANT. */
static int cx_name_eq(const char *name, const char *want)
{
	if (name == NULL)
		name = "";
	for (; *name != '\0' && *want != '\0'; name++, want++)
		if (cx_name_char(*name) != *want)
			return 0;
	return *name == '\0' && *want == '\0';
}

static int cx_wanted(const char *group, const char *name)
{
	if (cx.want_group != NULL && !cx_name_eq(group, cx.want_group))
		return 0;
	return cx_name_eq(name, cx.want_case);
}

static int cx_glob(const char *s, const char *p);

/* P starts with '*': whether S matches it (the stars any run of
 * characters, the rest of P the rest of S). */
static int cx_glob_star(const char *s, const char *p)
{
	while (*p == '*')
		p++;
	if (*p == '\0')
		return 1;
	for (; *s != '\0'; s++)
		if (cx_glob(s, p))
			return 1;
	return 0;
}

/* cmocka's c_strmatch: '*' any run of characters, '?' any one. */
static int cx_glob(const char *s, const char *p)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '*')
			return cx_glob_star(s, p);
		if (*s == '\0' || (*p != '?' && *p != *s))
			return 0;
	}
	return *s == '\0';
}

/* The entry is one _cmocka_run_group_tests would run. */
static int cx_cm_runnable(const struct CMUnitTest *t)
{
	if (t->name == NULL)
		return 0;
	if (t->test_func == NULL && t->setup_func == NULL && t->teardown_func == NULL)
		return 0;
	if (cx.test_filter != NULL && !cx_glob(t->name, cx.test_filter))
		return 0;
	if (cx.skip_filter != NULL && cx_glob(t->name, cx.skip_filter))
		return 0;
	return 1;
}

static int cx_legacy_case(const UnitTest *t)
{
	return t->function_type == UNIT_TEST_FUNCTION_TYPE_TEST && t->function != NULL &&
	       t->name != NULL;
}

/* ---- LIST mode ---- */

struct list_buf {
	char *p;
	size_t len, cap;
};

static void cx_put(struct list_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL)
			cx_die("out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void cx_put_name(struct list_buf *b, const char *name)
{
	size_t start = b->len, i;

	cx_put(b, name ? name : "", name ? strlen(name) : 0);
	for (i = start; i < b->len; i++)
		b->p[i] = cx_name_char(b->p[i]);
}

/* Appends "GROUP\tNAME\n" to OUT unless this process listed it before. */
static void cx_list_case(struct list_buf *out, const char *group, const char *name)
{
	struct list_buf line = {0};
	size_t i;

	cx_put_name(&line, group);
	cx_put(&line, "\t", 1);
	cx_put_name(&line, name);
	cx_put(&line, "\n", 1);
	for (i = 0; i < cx.nlisted; i++) {
		if (strcmp(cx.listed[i], line.p) == 0) {
			free(line.p);
			return;
		}
	}
	if (cx.nlisted == cx.caplisted) {
		size_t cap = cx.caplisted ? 2 * cx.caplisted : 64;
		char **p = realloc(cx.listed, cap * sizeof(*p));

		if (p == NULL)
			cx_die("out of memory");
		cx.listed = p;
		cx.caplisted = cap;
	}
	cx.listed[cx.nlisted++] = line.p;
	cx_put(out, line.p, line.len);
}

/* Opens (creates) the LIST file and appends OUT in one write. */
static void cx_list_write(const struct list_buf *out)
{
	size_t off = 0;
	int fd = open(cx.list_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);

	if (fd < 0)
		cx_die(cx.list_path);
	while (off < out->len) {
		ssize_t n = write(fd, out->p + off, out->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			cx_die(cx.list_path);
		off += (size_t)n;
	}
	if (close(fd) != 0)
		cx_die(cx.list_path);
}

/* ---- the runners ---- */

static int cx_cm_selected(const char *group, const struct CMUnitTest *t)
{
	return cx_cm_runnable(t) && cx_wanted(group, t->name);
}

static int cx_cm_list(const char *group, const struct CMUnitTest *tests, size_t num)
{
	struct list_buf out = {0};
	size_t i;

	for (i = 0; tests != NULL && i < num; i++)
		if (cx_cm_runnable(&tests[i]))
			cx_list_case(&out, group, tests[i].name);
	cx_list_write(&out);
	free(out.p);
	return 0;
}

/* CASE mode: runs the group's matching cases (nothing when it has none,
 * not even its setup and teardown). */
static int cx_cm_run_case(cx_group_fn real, const char *group_name,
			  const struct CMUnitTest *tests, size_t num_tests,
			  CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
	struct CMUnitTest *sel;
	size_t i, n = 0;
	int rc;

	cx.runner_called = 1;
	for (i = 0; tests != NULL && i < num_tests; i++)
		n += (size_t)cx_cm_selected(group_name, &tests[i]);
	if (n == 0)
		return 0;
	sel = malloc(n * sizeof(*sel));
	if (sel == NULL)
		return -1;
	n = 0;
	for (i = 0; i < num_tests; i++)
		if (cx_cm_selected(group_name, &tests[i]))
			sel[n++] = tests[i];
	cx.matched = 1; /* before the run: a test may fork and exit */
	rc = real(group_name, sel, n, group_setup, group_teardown);
	free(sel);
	return rc;
}

CX_EXPORT int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *const tests,
				      const size_t num_tests, CMFixtureFunction group_setup,
				      CMFixtureFunction group_teardown)
{
	cx_group_fn real;

	cx_init();
	if (cx.list_path != NULL)
		return cx_cm_list(group_name, tests, num_tests);
	real = (cx_group_fn)cx_real("_cmocka_run_group_tests");
	if (real == NULL)
		return -1;
	if (cx.case_spec == NULL)
		return real(group_name, tests, num_tests, group_setup, group_teardown);
	return cx_cm_run_case(real, group_name, tests, num_tests, group_setup, group_teardown);
}

/* Marks in KEEP the entries of a legacy array to run; returns the number
 * of cases marked, or SIZE_MAX when out of memory. */
typedef size_t (*cx_select_fn)(const char *group, const UnitTest *tests, size_t num,
			       unsigned char *keep);

/* The SETUP/TEARDOWN pairs of a _run_tests array, as its entries are
 * walked. */
struct cx_pairs {
	size_t *stack; /* the SETUP entries open */
	size_t *pair; /* of a SETUP entry: its TEARDOWN's index, or SIZE_MAX */
	size_t depth;
};

/* Entry I of a _run_tests array: a SETUP opens a pair, a TEARDOWN closes
 * the last one open, a wanted case is marked in KEEP with the SETUPs open
 * around it. Returns 1 for a case marked, else 0. */
static size_t cx_run_tests_entry(struct cx_pairs *s, const char *group, const UnitTest *tests,
				 size_t i, unsigned char *keep)
{
	const UnitTest *t = &tests[i];
	size_t j;

	s->pair[i] = SIZE_MAX;
	if (t->function == NULL)
		return 0;
	if (t->function_type == UNIT_TEST_FUNCTION_TYPE_SETUP) {
		s->stack[s->depth++] = i;
		return 0;
	}
	if (t->function_type == UNIT_TEST_FUNCTION_TYPE_TEARDOWN) {
		if (s->depth > 0)
			s->pair[s->stack[--s->depth]] = i;
		return 0;
	}
	if (!cx_legacy_case(t) || !cx_wanted(group, t->name))
		return 0;
	keep[i] = 1;
	for (j = 0; j < s->depth; j++)
		keep[s->stack[j]] = 1;
	return 1;
}

/* _run_tests: a SETUP entry pushes a state that its TEARDOWN pops, and a
 * test runs with the state on top; a case keeps the pairs around it.
 * Entries without a function are skipped by cmocka, and here. */
static size_t cx_select_run_tests(const char *group, const UnitTest *tests, size_t num,
				  unsigned char *keep)
{
	struct cx_pairs s;
	size_t ncases = 0, i;

	s.stack = malloc(num * sizeof(*s.stack));
	s.pair = malloc(num * sizeof(*s.pair));
	s.depth = 0;
	if (s.stack == NULL || s.pair == NULL) {
		free(s.stack);
		free(s.pair);
		return SIZE_MAX;
	}
	for (i = 0; i < num; i++)
		ncases += cx_run_tests_entry(&s, group, tests, i, keep);
	for (i = 0; i < num; i++)
		if (keep[i] && s.pair[i] != SIZE_MAX) /* a kept SETUP */
			keep[s.pair[i]] = 1;
	free(s.stack);
	free(s.pair);
	return ncases;
}

/* _run_group_tests: the group setup and teardown entries around all the
 * cases; cmocka ignores SETUP/TEARDOWN entries there. */
static size_t cx_select_run_group_tests(const char *group, const UnitTest *tests, size_t num,
					unsigned char *keep)
{
	size_t ncases = 0, i;

	for (i = 0; i < num; i++) {
		const UnitTest *t = &tests[i];

		if (t->function_type == UNIT_TEST_FUNCTION_TYPE_GROUP_SETUP ||
		    t->function_type == UNIT_TEST_FUNCTION_TYPE_GROUP_TEARDOWN) {
			keep[i] = 1;
		} else if (cx_legacy_case(t) && cx_wanted(group, t->name)) {
			keep[i] = 1;
			ncases++;
		}
	}
	return ncases;
}

/* Runs the copy of TESTS that holds the entries KEEP marks. */
static int cx_legacy_run(cx_legacy_fn real, const UnitTest *tests, size_t num,
			 const unsigned char *keep)
{
	UnitTest *sel;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < num; i++)
		n += keep[i];
	sel = malloc(n * sizeof(*sel));
	if (sel == NULL)
		return -1;
	n = 0;
	for (i = 0; i < num; i++)
		if (keep[i])
			memcpy(&sel[n++], &tests[i], sizeof(*sel));
	cx.matched = 1;
	rc = real(sel, n);
	free(sel);
	return rc;
}

/* LIST mode of the deprecated runners: their cases, under GROUP. */
static int cx_legacy_list(const char *group, const UnitTest *tests, size_t num)
{
	struct list_buf out = {0};
	size_t i;

	for (i = 0; tests != NULL && i < num; i++)
		if (cx_legacy_case(&tests[i]))
			cx_list_case(&out, group, tests[i].name);
	cx_list_write(&out);
	free(out.p);
	return 0;
}

/* CASE mode of the deprecated runners: runs the entries SELECT keeps, when
 * they hold a case. */
static int cx_legacy_run_case(cx_legacy_fn real, const char *group, cx_select_fn select,
			      const UnitTest *tests, size_t num)
{
	unsigned char *keep;
	size_t ncases;
	int rc;

	cx.runner_called = 1;
	if (tests == NULL || num == 0)
		return 0;
	keep = calloc(num, 1);
	if (keep == NULL)
		return -1;
	ncases = select(group, tests, num, keep);
	if (ncases == SIZE_MAX)
		rc = -1;
	else
		rc = ncases == 0 ? 0 : cx_legacy_run(real, tests, num, keep);
	free(keep);
	return rc;
}

/* The deprecated runners; GROUP is the name they are listed under. */
static int cx_legacy(const char *group, const char *real_name, cx_select_fn select,
		     const UnitTest *tests, size_t num)
{
	cx_legacy_fn real;

	cx_init();
	if (cx.list_path != NULL)
		return cx_legacy_list(group, tests, num);
	real = (cx_legacy_fn)cx_real(real_name);
	if (real == NULL)
		return -1;
	if (cx.case_spec == NULL)
		return real(tests, num);
	return cx_legacy_run_case(real, group, select, tests, num);
}

CX_EXPORT int _run_tests(const UnitTest *const tests, const size_t number_of_tests)
{
	return cx_legacy("run_tests", "_run_tests", cx_select_run_tests, tests, number_of_tests);
}

CX_EXPORT int _run_group_tests(const UnitTest *const tests, const size_t number_of_tests)
{
	return cx_legacy("run_group_tests", "_run_group_tests", cx_select_run_group_tests, tests,
			 number_of_tests);
}

/* ---- the program's filters: remembered, then passed on ---- */

CX_EXPORT void cmocka_set_test_filter(const char *pattern)
{
	cx_filter_fn real = (cx_filter_fn)dlsym(RTLD_NEXT, "cmocka_set_test_filter");

	cx.test_filter = pattern;
	if (real != NULL)
		real(pattern);
}

CX_EXPORT void cmocka_set_skip_filter(const char *pattern)
{
	cx_filter_fn real = (cx_filter_fn)dlsym(RTLD_NEXT, "cmocka_set_skip_filter");

	cx.skip_filter = pattern;
	if (real != NULL)
		real(pattern);
}

/* ---- the exit status ---- */

static int cx_final_status(int status)
{
	if (cx.case_spec == NULL || !cx.runner_called || cx.matched)
		return status;
	if (!cx.reported) {
		cx.reported = 1;
		fprintf(stderr, CX_PREFIX "no case '%s'\n", cx.case_spec);
	}
	return CX_STATUS_NO_CASE;
}

CX_EXPORT void exit(int status)
{
	cx_exit_fn real = cx.real_exit;

	status = cx_final_status(status);
	if (real == NULL)
		real = (cx_exit_fn)dlsym(RTLD_NEXT, "exit");
	if (real != NULL)
		real(status);
	fflush(NULL);
	_exit(status);
}

#ifdef __GLIBC__
int __libc_start_main(cx_main_fn main_fn, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

static int cx_main(int argc, char **argv, char **envp)
{
	return cx_final_status(cx.real_main(argc, argv, envp));
}

/* Wraps main only in CASE mode, so that main's return value (which libc
 * passes to its internal exit) can become 3. */
CX_EXPORT int __libc_start_main(cx_main_fn main_fn, int argc, char **argv, void (*init)(void),
				void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	cx_start_fn real = (cx_start_fn)dlsym(RTLD_NEXT, "__libc_start_main");

	if (real == NULL) {
		fprintf(stderr, CX_PREFIX "no real __libc_start_main\n");
		_exit(127);
	}
	cx_init();
	if (cx.case_spec != NULL && main_fn != NULL) {
		cx.real_main = main_fn;
		main_fn = cx_main;
	}
	return real(main_fn, argc, argv, init, fini, rtld_fini, stack_end);
}
#endif
