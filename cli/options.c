/* options.c: argv -> struct cx_options. The table below is the single
 * source of the accepted options and of --help. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_limits.h"
#include "cx_options.h"

enum opt_id {
	O_HELP, O_VERSION, O_COMPDB, O_ROOT, O_INCLUDE, O_EXCLUDE, O_MACROS, O_FORMAT,
	O_OUTPUT, O_TOP, O_SORT, O_EXPLAIN, O_JOBS, O_CACHE, O_NO_CACHE, O_STATS, O_PARSE_ONLY,
	O_LIST_TUS, O_QUIET, O_COLOR, O_CORRELATE, O_JUNIT, O_TEST_CODE,
	O_BUILD_DIR, O_OUT, O_REPEAT, O_FAIL_ON, O_PER_CASE,
};

struct opt {
	enum opt_id id;
	char short_name;
	const char *long_name;
	const char *metavar; /* NULL: takes no value */
	const char *help;
};

static const struct opt table[] = {
	{O_HELP, 'h', "help", NULL, "print this help and exit"},
	{O_VERSION, 0, "version", NULL, "print the version and exit"},
	{O_COMPDB, 'p', "compdb", "DIR",
	 "use DIR/compile_commands.json (default: the root's, else a build*/ one's)"},
	{O_ROOT, 0, "root", "DIR",
	 "report paths relative to DIR (default: the first PATH if a directory, else .)"},
	{O_INCLUDE, 0, "include", "GLOB", "scan only files matching GLOB (repeatable)"},
	{O_EXCLUDE, 0, "exclude", "GLOB", "skip files matching GLOB (repeatable)"},
	{O_MACROS, 0, "macros", "MODE",
	 "ignore: count decisions written in the function (default); expand: count the "
	 "compiled AST"},
	{O_FORMAT, 'f', "format", "FMT", "text (default), json, csv; markdown with --correlate"},
	{O_OUTPUT, 'o', "output", "FILE", "write the report to FILE instead of stdout"},
	{O_TOP, 0, "top", "N", "text: list the N most complex functions (default 20; 0: all)"},
	{O_SORT, 0, "sort", "METRIC",
	 "text: rank by ccn (default), npath, cognitive, max_nesting, nloc, params, ..."},
	{O_EXPLAIN, 0, "explain", "FILE:FUNC",
	 "print every complexity increment of FUNC in FILE and its biggest blocks"},
	{O_JOBS, 'j', "jobs", "N", "parse N translation units at once (default: online cores)"},
	{O_CACHE, 0, "cache", "FILE",
	 "result cache (default: ROOT/.cache/cxscan/cache.sqlite)"},
	{O_NO_CACHE, 0, "no-cache", NULL, "do not read or write the result cache"},
	{O_STATS, 0, "stats", NULL,
	 "print where the time went to stderr (and into the JSON summary)"},
	{O_PARSE_ONLY, 0, "parse-only", NULL,
	 "only parse every TU with the scan's options (the floor of a scan's time)"},
	{O_LIST_TUS, 0, "list-tus", NULL,
	 "print each TU's file, directory and clang arguments as JSON lines"},
	{O_QUIET, 'q', "quiet", NULL, "no progress bar and no warnings on stderr"},
	{O_COLOR, 0, "color", "WHEN",
	 "auto (default: on a terminal, unless NO_COLOR is set), always or never"},
	{O_CORRELATE, 0, "correlate", "DIR",
	 "join the scan with per-test coverage and times in DIR (`cxscan record`'s, or "
	 "DIR/TEST/**.gcov.json.gz with a JUnit file)"},
	{O_JUNIT, 0, "junit", "FILE",
	 "--correlate, bare form: the test times (default: DIR/junit.xml)"},
	{O_TEST_CODE, 0, "test-code", "GLOB",
	 "--correlate: files matching GLOB are test or harness code (repeatable; default: "
	 "under test/ tests/ testing/ unittest(s)/, test_*.c, *_test.c, *_tests.c)"},
	{O_FAIL_ON, 0, "fail-on", "GATE",
	 "--correlate: exit 1 when a product function crosses GATE: crap>N, hot>N, or "
	 "cc>N:attributed>S (CC above N with more than S seconds attributed); repeatable"},
	{O_BUILD_DIR, 0, "build-dir", "DIR",
	 "record: the CTest build directory, built with --coverage (default: build, else .); "
	 "--correlate: run gcov on raw .gcda files with DIR's .gcno files"},
	{O_OUT, 0, "out", "DIR", "record: where the coverage and times go (default: gcov)"},
	{O_REPEAT, 0, "repeat", "K", "record: run each test K times, keep the median time"},
	{O_PER_CASE, 0, "per-case", NULL,
	 "record: one run a case of each cmocka program (TEST@CASE), through an LD_PRELOAD "
	 "library"},
};
#define NOPTS (sizeof table / sizeof table[0])

void cx_options_help(FILE *out)
{
	fputs("usage: cxscan [OPTIONS] [PATH...] [-- CLANG_FLAGS...]\n"
	      "Measures the complexity of every C function under PATH (default: .).\n\n"
	      "options:\n", out);
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt *o = &table[i];
		char left[64];
		snprintf(left, sizeof left, "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
		         o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
		         o->long_name, o->metavar ? "=" : "", o->metavar ? o->metavar : "");
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
	fputs("\nFlags after `--` are added to every file's clang arguments.\n"
	      "`cxscan [--cache FILE] cache stats|clear [PATH]` shows or empties the cache.\n"
	      "`cxscan record [--build-dir B] [--out DIR] [--per-case] [--repeat K] [-j N]\n"
	      "[-- CTEST_ARGS]` runs each CTest test alone and keeps its coverage and times for\n"
	      "--correlate.\n"
	      "exit status: 0 success, 1 a --fail-on gate was crossed, 2 usage or input error.\n",
	      out);
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	if (s[0] < '0' || s[0] > '9') /* strtoull would skip blanks and wrap '-1' */
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* A number >= 0 that is all of s. */
static int parse_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	if ((s[0] < '0' || s[0] > '9') && s[0] != '.')
		return -1;
	*out = strtod(s, &end);
	return errno || *end || !(*out >= 0) || *out > 1e300 ? -1 : 0;
}

static int parse_gate(struct cx_options *o, const char *val, struct cx_ctx *ctx)
{
	if (o->ngates == CX_MAX_GATES)
		return cx_error(ctx, CX_EINVAL, "at most %d --fail-on gates", CX_MAX_GATES);
	struct cx_gate *g = &o->gates[o->ngates];
	g->text = val;
	const char *colon = strchr(val, ':');
	int bad = 0;
	if (strncmp(val, "crap>", 5) == 0) {
		g->kind = CX_GATE_CRAP;
		bad = parse_num(val + 5, &g->limit);
	} else if (strncmp(val, "hot>", 4) == 0) {
		g->kind = CX_GATE_HOT;
		bad = parse_num(val + 4, &g->limit);
	} else if (strncmp(val, "cc>", 3) == 0 && colon && strncmp(colon + 1, "attributed>", 11) == 0) {
		char num[64];
		size_t n = (size_t)(colon - val - 3);
		g->kind = CX_GATE_SLOW_CC;
		bad = n == 0 || n >= sizeof num;
		if (!bad) {
			memcpy(num, val + 3, n);
			num[n] = '\0';
			bad = parse_num(num, &g->limit) || parse_num(colon + 12, &g->attributed);
		}
	} else {
		bad = 1;
	}
	if (bad)
		return cx_error(ctx, CX_EINVAL, "--fail-on '%s': want crap>N, hot>N or "
		                "cc>N:attributed>SECONDS", val);
	o->ngates++;
	return 0;
}

static int apply(struct cx_options *o, const struct opt *op, const char *val,
                 struct cx_ctx *ctx)
{
	int m;
	switch (op->id) {
	case O_HELP: o->help = true; return 0;
	case O_VERSION: o->version = true; return 0;
	case O_COMPDB: o->compdb_dir = val; return 0;
	case O_ROOT: o->root = val; return 0;
	case O_INCLUDE: return cx_strv_push(&o->includes, val);
	case O_EXCLUDE: return cx_strv_push(&o->excludes, val);
	case O_OUTPUT: o->output = val; return 0;
	case O_EXPLAIN:
		if (!strchr(val, ':') || strrchr(val, ':')[1] == '\0')
			return cx_error(ctx, CX_EINVAL, "--explain wants FILE:FUNCTION, not '%s'", val);
		o->explain = val;
		return 0;
	case O_NO_CACHE: o->no_cache = true; return 0;
	case O_CACHE: o->cache = val; return 0;
	case O_STATS: o->stats = true; return 0;
	case O_PARSE_ONLY: o->parse_only = true; return 0;
	case O_LIST_TUS: o->list_tus = true; return 0;
	case O_JOBS: {
		size_t j;
		if (parse_size(val, &j) || j == 0 || j > CX_MAX_JOBS)
			return cx_error(ctx, CX_EINVAL, "-j takes a number from 1 to %d, not '%s'",
			                CX_MAX_JOBS, val);
		o->jobs = (unsigned)j;
		return 0;
	}
	case O_QUIET: o->quiet = true; return 0;
	case O_CORRELATE: o->correlate = val; return 0;
	case O_JUNIT: o->junit = val; return 0;
	case O_TEST_CODE: return cx_strv_push(&o->test_code, val);
	case O_BUILD_DIR: o->build_dir = val; return 0;
	case O_FAIL_ON: return parse_gate(o, val, ctx);
	case O_PER_CASE: o->per_case = true; return 0;
	case O_OUT: o->out = val; return 0;
	case O_REPEAT: {
		size_t k;
		if (parse_size(val, &k) || k == 0 || k > 1000)
			return cx_error(ctx, CX_EINVAL, "--repeat takes a number from 1 to 1000, not '%s'",
			                val);
		o->repeat = (unsigned)k;
		return 0;
	}
	case O_MACROS:
		if (strcmp(val, "ignore") == 0)
			o->macros = CX_MACROS_IGNORE;
		else if (strcmp(val, "expand") == 0)
			o->macros = CX_MACROS_EXPAND;
		else
			return cx_error(ctx, CX_EINVAL, "--macros takes ignore or expand, not '%s'", val);
		return 0;
	case O_FORMAT:
		if (strcmp(val, "text") == 0)
			o->format = CX_FMT_TEXT;
		else if (strcmp(val, "json") == 0)
			o->format = CX_FMT_JSON;
		else if (strcmp(val, "csv") == 0)
			o->format = CX_FMT_CSV;
		else if (strcmp(val, "markdown") == 0)
			o->format = CX_FMT_MARKDOWN;
		else
			return cx_error(ctx, CX_EINVAL, "unknown --format '%s' (text, json, csv, markdown)",
			                val);
		return 0;
	case O_TOP:
		if (parse_size(val, &o->top))
			return cx_error(ctx, CX_EINVAL, "--top takes a whole number, not '%s'", val);
		return 0;
	case O_SORT:
		if ((m = cx_metric_from_name(val)) < 0)
			return cx_error(ctx, CX_EINVAL, "unknown --sort metric '%s'", val);
		o->sort = (enum cx_metric)m;
		return 0;
	case O_COLOR:
		if (strcmp(val, "auto") == 0)
			o->color = CX_COLOR_AUTO;
		else if (strcmp(val, "always") == 0)
			o->color = CX_COLOR_ALWAYS;
		else if (strcmp(val, "never") == 0)
			o->color = CX_COLOR_NEVER;
		else
			return cx_error(ctx, CX_EINVAL, "--color takes auto, always or never, not '%s'",
			                val);
		return 0;
	}
	return 0;
}

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(table[i].long_name) == len && strncmp(table[i].long_name, name, len) == 0)
			return &table[i];
	return NULL;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (table[i].short_name == c)
			return &table[i];
	return NULL;
}

int cx_options_parse(int argc, char **argv, struct cx_options *o, struct cx_ctx *ctx)
{
	memset(o, 0, sizeof *o);
	o->top = 20;
	o->sort = CX_M_CCN;
	int rc = 0;
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i], *val = NULL;
		const struct opt *op = NULL;
		if (strcmp(a, "--") == 0) {
			for (int k = i + 1; k < argc && rc == 0; k++)
				rc = cx_strv_push(&o->extra, argv[k]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			rc = cx_strv_push(&o->paths, a);
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			op = find_long(a + 2, len);
			if (!op)
				return cx_error(ctx, CX_EINVAL, "unknown option '%s'", a);
			if (eq && !op->metavar)
				return cx_error(ctx, CX_EINVAL, "option '--%s' takes no value", op->long_name);
			val = eq ? eq + 1 : NULL;
		} else {
			op = find_short(a[1]);
			if (!op)
				return cx_error(ctx, CX_EINVAL, "unknown option '%s'", a);
			if (a[2] && !op->metavar)
				return cx_error(ctx, CX_EINVAL, "unknown option '%s'", a);
			val = a[2] ? a + 2 : NULL;
		}
		if (op->metavar && !val) {
			if (i + 1 >= argc)
				return cx_error(ctx, CX_EINVAL, "option '--%s' needs a value (%s)",
				                op->long_name, op->metavar);
			val = argv[++i];
		}
		rc = apply(o, op, val, ctx);
	}
	if (rc == CX_ENOMEM)
		return cx_error(ctx, rc, "out of memory");
	/* `cxscan record ...`: the first argument; `--` passes CTest's */
	if (rc == 0 && argc > 1 && strcmp(argv[1], "record") == 0) {
		o->record = true;
		free(o->paths.v[0]);
		memmove(o->paths.v, o->paths.v + 1, (o->paths.n - 1) * sizeof *o->paths.v);
		o->paths.n--;
		if (o->paths.n)
			return cx_error(ctx, CX_EINVAL, "cxscan record takes no PATH ('%s'); CTest's "
			                "selection goes after --", o->paths.v[0]);
		return 0;
	}
	/* `cxscan cache stats|clear [PATH]`; ./cache scans a directory so named */
	if (rc == 0 && o->paths.n >= 2 && strcmp(o->paths.v[0], "cache") == 0 &&
	    (strcmp(o->paths.v[1], "stats") == 0 || strcmp(o->paths.v[1], "clear") == 0)) {
		o->cache_cmd = o->paths.v[1][1] == 't' ? CX_CACHE_STATS : CX_CACHE_CLEAR;
		if (o->paths.n > 3)
			return cx_error(ctx, CX_EINVAL, "cxscan cache %s takes at most one PATH",
			                o->paths.v[1]);
		free(o->paths.v[0]);
		free(o->paths.v[1]);
		memmove(o->paths.v, o->paths.v + 2, (o->paths.n - 1) * sizeof *o->paths.v);
		o->paths.n -= 2;
	}
	return rc;
}

void cx_options_release(struct cx_options *o)
{
	cx_strv_release(&o->paths);
	cx_strv_release(&o->includes);
	cx_strv_release(&o->excludes);
	cx_strv_release(&o->extra);
	cx_strv_release(&o->test_code);
	cx_strv_release(&o->owned);
}

int cx_options_absolute(struct cx_options *o, struct cx_ctx *ctx)
{
	const char **fields[] = {&o->output, &o->cache, &o->compdb_dir, &o->root, &o->correlate,
	                         &o->junit, &o->build_dir, &o->out};
	char cwd[CX_MAX_PATH];
	bool have_cwd = getcwd(cwd, sizeof cwd) != NULL;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *p = *fields[i];
		if (!p || p[0] == '/')
			continue;
		if (!have_cwd)
			return cx_error(ctx, CX_EIO, "cannot tell the current directory: %s",
			                strerror(errno));
		char *abs = cx_path_join(cwd, p);
		if (cx_strv_push_owned(&o->owned, abs)) /* frees abs */
			return cx_error(ctx, CX_ENOMEM, "out of memory");
		*fields[i] = abs;
	}
	return 0;
}
