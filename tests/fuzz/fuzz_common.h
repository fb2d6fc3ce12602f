/* Shared by the fuzz targets: the libFuzzer entry points, a check that
 * aborts with a message when an invariant fails (libFuzzer then saves the
 * input as a crash), and the checks every sanitized argument list must
 * pass whatever produced it.
 *
 * Invariants of a sanitized argument list (cx_args_sanitize, and each
 * entry of a compile database), as include/cx_scanner.h promises them:
 * it ends with "-Wno-unknown-warning-option", "-w",
 * "-working-directory=DIR"; before those, no `--`, no -Werror, no output,
 * dependency-file or other side-effect flag that would make libclang write
 * a file, no unexpanded @response file, and not the source file itself. */
#ifndef CX_FUZZ_COMMON_H
#define CX_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                   \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "\ninvariant failed at %s:%d: %s\n  ",  \
			        __FILE__, __LINE__, #cond);                     \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

/* Creates a private directory "$TMPDIR/cxscan-fuzz-<what>-XXXXXX" (TMPDIR
 * defaults to /tmp) into buf; aborts when it cannot. */
static inline void fuzz_mkdtemp(char *buf, size_t size, const char *what)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	int n = snprintf(buf, size, "%s/cxscan-fuzz-%s-XXXXXX", tmp, what);
	FUZZ_CHECK(n > 0 && (size_t)n < size, "TMPDIR is too long");
	FUZZ_CHECK(mkdtemp(buf) != NULL, "cannot create a directory in %s", tmp);
}

static inline bool fuzz_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An absolute path without empty, "." or ".." components, and without a
 * trailing slash (except "/" itself). */
static inline bool fuzz_is_normalized_abs(const char *p)
{
	if (p[0] != '/')
		return false;
	if (p[1] == '\0')
		return true;
	for (const char *c = p + 1;;) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!e)
			return true;
		c = e + 1;
	}
}

/* Flags that must never reach libclang: it would write a file, fail on
 * them, or turn warnings into errors. Exact spellings, then prefixes. */
static const char *const fuzz_banned_exact[] = {
	"--", "-o", "-c", "-E", "-S", "-M", "-MM", "-MD", "-MMD", "-MF", "-MT", "-MQ", "-MJ",
	"-Werror", "-Xclang", "-Xlinker", "-Xassembler", "-save-temps",
	"-working-directory", "-resource-dir", "-dependency-file",
};
static const char *const fuzz_banned_prefix[] = {
	"-o", "-MF", "-MJ", "-Werror=", "-Wl,", "-Wa,", "-fplugin=", "-save-temps=",
	"-working-directory=", "-fdump-", "-ftime-trace", "-fprofile-generate",
	"-fstack-usage", "-fmodules", "-fimplicit-modules", "-fcxx-modules",
};

static inline void fuzz_check_clang_args(char *const *args, size_t n, const char *directory,
                                         const char *src)
{
	FUZZ_CHECK(n >= 3, "%zu arguments: the three added ones are missing", n);
	FUZZ_CHECK(args != NULL, "NULL argument array");
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(args[i] != NULL, "argument %zu is NULL", i);
	FUZZ_CHECK(strcmp(args[n - 3], "-Wno-unknown-warning-option") == 0,
	           "argument n-3 is '%s'", args[n - 3]);
	FUZZ_CHECK(strcmp(args[n - 2], "-w") == 0, "argument n-2 is '%s'", args[n - 2]);
	FUZZ_CHECK(fuzz_starts_with(args[n - 1], "-working-directory=") &&
	           strcmp(args[n - 1] + strlen("-working-directory="), directory) == 0,
	           "last argument is '%s', directory '%s'", args[n - 1], directory);
	for (size_t i = 0; i + 3 < n; i++) {
		const char *a = args[i];
		for (size_t k = 0; k < sizeof fuzz_banned_exact / sizeof *fuzz_banned_exact; k++)
			FUZZ_CHECK(strcmp(a, fuzz_banned_exact[k]) != 0,
			           "argument %zu is the banned '%s'", i, a);
		for (size_t k = 0; k < sizeof fuzz_banned_prefix / sizeof *fuzz_banned_prefix; k++)
			FUZZ_CHECK(!fuzz_starts_with(a, fuzz_banned_prefix[k]),
			           "argument %zu '%s' has the banned prefix '%s'", i, a,
			           fuzz_banned_prefix[k]);
		FUZZ_CHECK(!(fuzz_starts_with(a, "-Wp,") && strstr(a, ",-M")),
		           "argument %zu '%s' writes a dependency file", i, a);
		FUZZ_CHECK(!(a[0] == '@' && a[1]), "argument %zu '%s' is an unexpanded response file",
		           i, a);
		FUZZ_CHECK(a[0] == '-' || strcmp(a, src) != 0,
		           "argument %zu is the source file '%s'", i, a);
	}
}

#endif
