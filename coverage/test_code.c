/* Which sources of a CMake build are test or harness code.
 *
 * CORRELATE.md: test and harness code is what only test executables link,
 * known from the compile database and the CTest targets. Here:
 * - a test target is the target of an executable a CTest test runs (the
 *   first word of its command; CMake names an executable after its target)
 *   unless the build installs that executable (a product tool a test runs,
 *   `add_test(NAME version COMMAND mytool --version)`);
 * - each compile_commands.json entry names its object, under
 *   CMakeFiles/TARGET.dir/ (Makefile and Ninja generators);
 * - a source is test code when every object compiled from it belongs to a
 *   test target; product code when some object belongs to another target
 *   (a library the tests link, a tool).
 * Headers are not in the compile database: the report falls back to the
 * path rule for them. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cx_record.h"
#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_util.h"

/* The target of an object path: NAME of its .../CMakeFiles/NAME.dir/
 * directory, or NULL. */
static char *object_target(const char *obj)
{
	const char *p = NULL;
	for (const char *q = strstr(obj, "/CMakeFiles/"); q; q = strstr(q + 1, "/CMakeFiles/"))
		p = q;
	if (!p)
		return NULL;
	p += strlen("/CMakeFiles/");
	const char *end = strchr(p, '/');
	if (!end || end - p <= 4 || strncmp(end - 4, ".dir", 4) != 0)
		return NULL;
	return cx_strndup(p, (size_t)(end - p - 4));
}

/* The text of every cmake_install.cmake under dir (CMakeFiles/
 * directories skipped), to a depth and a number of files. */
static int install_scripts(const char *dir, int depth, struct cx_strv *all)
{
	if (depth > 16 || all->n > 4096)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "CMakeFiles") == 0)
			continue;
		char *p = cx_path_join(dir, e->d_name);
		struct stat st;
		if (!p) {
			rc = CX_ENOMEM;
		} else if (lstat(p, &st) != 0) {
			/* gone meanwhile */
		} else if (S_ISDIR(st.st_mode)) {
			rc = install_scripts(p, depth + 1, all);
		} else if (S_ISREG(st.st_mode) && strcmp(e->d_name, "cmake_install.cmake") == 0) {
			char *text = NULL;
			size_t len = 0;
			struct cx_ctx quiet = {0};
			if (cx_read_file(p, CX_MAX_JUNIT_BYTES, &text, &len, &quiet) == 0)
				rc = cx_strv_push_owned(all, text);
		}
		free(p);
	}
	closedir(d);
	return rc;
}

/* True when an install script names the executable ("/abs/path/exe"). */
static int installed(const struct cx_strv *scripts, const char *exe, bool *yes)
{
	char *quoted = cx_asprintf("\"%s\"", exe);
	if (!quoted)
		return CX_ENOMEM;
	*yes = false;
	for (size_t i = 0; i < scripts->n && !*yes; i++)
		*yes = strstr(scripts->v[i], quoted) != NULL;
	free(quoted);
	return 0;
}

static bool in_strv(const struct cx_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* The names of the test targets: basenames of the test executables the
 * build does not install. */
static int test_targets(const char *build, const struct cx_strv *exes, struct cx_strv *names)
{
	struct cx_strv scripts = {0};
	int rc = install_scripts(build, 0, &scripts);
	for (size_t i = 0; i < exes->n && rc == 0; i++) {
		const char *exe = exes->v[i];
		const char *base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
		bool inst = false;
		rc = installed(&scripts, exe, &inst);
		if (rc == 0 && *base && !inst && !in_strv(names, base))
			rc = cx_strv_push(names, base);
	}
	cx_strv_release(&scripts);
	return rc;
}

/* Sorts v and drops repeats. */
static void sort_unique(struct cx_strv *v)
{
	cx_strv_sort(v);
	size_t w = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (w && strcmp(v->v[w - 1], v->v[i]) == 0)
			free(v->v[i]);
		else
			v->v[w++] = v->v[i];
	}
	v->n = w;
}

/* Each object's source into test or prod by its target; *with_target
 * counts the objects under a CMakeFiles/TARGET.dir/. */
static int split_sources(const struct cx_strv *srcs, const struct cx_strv *objs,
                         const struct cx_strv *names, struct cx_strv *test,
                         struct cx_strv *prod, size_t *with_target)
{
	int rc = 0;
	for (size_t i = 0; i < srcs->n && rc == 0; i++) {
		char *tgt = object_target(objs->v[i]);
		char buf[PATH_MAX];
		const char *real = realpath(srcs->v[i], buf) ? buf : srcs->v[i];
		*with_target += tgt != NULL;
		rc = cx_strv_push(tgt && in_strv(names, tgt) ? test : prod, real);
		free(tgt);
	}
	return rc;
}

/* Sorts both; a source with one object outside the test targets is
 * product code, so it leaves test; prod goes to product. */
static int settle(struct cx_strv *test, struct cx_strv *prod, struct cx_strv *product)
{
	sort_unique(test);
	sort_unique(prod);
	size_t w = 0;
	for (size_t i = 0; i < test->n; i++) {
		if (cx_strv_has(prod, test->v[i]))
			free(test->v[i]);
		else
			test->v[w++] = test->v[i];
	}
	test->n = w;
	for (size_t i = 0; i < prod->n; i++)
		if (cx_strv_push(product, prod->v[i]))
			return CX_ENOMEM;
	return 0;
}

int cx_build_test_sources(const char *build, const struct cx_strv *test_exes,
                          struct cx_strv *test, struct cx_strv *product, bool *known,
                          struct cx_ctx *ctx)
{
	*known = false;
	char *db = cx_path_join(build, "compile_commands.json");
	if (!db)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	struct cx_strv srcs = {0}, objs = {0}, names = {0}, prod = {0};
	bool have = cx_is_file(db);
	int rc = have ? cx_compdb_objects_load(db, &srcs, &objs, ctx) : 0;
	free(db);
	size_t with_target = 0;
	int mem = rc == 0 && have ? test_targets(build, test_exes, &names) : 0;
	if (rc == 0 && mem == 0)
		mem = split_sources(&srcs, &objs, &names, test, &prod, &with_target);
	if (rc == 0 && mem == 0)
		mem = settle(test, &prod, product);
	if (rc == 0 && mem)
		rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	*known = rc == 0 && with_target > 0;
	cx_strv_release(&srcs);
	cx_strv_release(&objs);
	cx_strv_release(&names);
	cx_strv_release(&prod);
	return rc;
}
