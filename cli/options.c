/* options.c: argv -> struct cx_options. The table below is the single
 * source of the accepted options and of --help. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_findings.h"
#include "cx_limits.h"
#include "cx_options.h"

struct opt;
typedef int (*opt_fn)(struct cx_options *o, const struct opt *op, const char *val,
                      struct cx_ctx *ctx);

/* What an option does: set a flag, keep its string, append it to a
 * list, or run its own function. `off` is the cx_options field. */
enum opt_kind { K_FLAG, K_STR, K_LIST, K_FN };

struct opt {
	char short_name;
	const char *long_name;
	const char *metavar; /* NULL: takes no value */
	const char *help;
	enum opt_kind kind;
	size_t off;
	opt_fn fn;
	int arg;             /* K_FN's own datum (a report format) */
	bool optional;       /* the value is optional: only --name=VALUE gives one */
};

#define FLAG(f) K_FLAG, offsetof(struct cx_options, f), NULL, 0, false
#define STR(f) K_STR, offsetof(struct cx_options, f), NULL, 0, false
#define LIST(f) K_LIST, offsetof(struct cx_options, f), NULL, 0, false
#define FN(fn) K_FN, 0, fn, 0, false

static int set_jobs(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_repeat(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_macros(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_format(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_top(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_sort(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_color(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_explain(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_fail_on(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_report(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);
static int set_changed(struct cx_options *, const struct opt *, const char *, struct cx_ctx *);

static const struct opt table[] = {
	{'h', "help", NULL, "print this help and exit", FLAG(help)},
	{0, "version", NULL, "print the version and exit", FLAG(version)},
	{'p', "compdb", "DIR",
	 "use DIR/compile_commands.json (default: the root's, else a build*/ one's)", STR(compdb_dir)},
	{0, "root", "DIR",
	 "report paths relative to DIR (default: the first PATH if a directory, else .)", STR(root)},
	{0, "include", "GLOB", "scan only files matching GLOB (repeatable)", LIST(includes)},
	{0, "exclude", "GLOB", "skip files matching GLOB (repeatable)", LIST(excludes)},
	{0, "macros", "MODE",
	 "ignore: count decisions written in the function (default); expand: count the "
	 "compiled AST", FN(set_macros)},
	{'f', "format", "FMT",
	 "text (default), json, csv; findings: gcc, sarif, codeclimate, checkstyle, junit, "
	 "markdown, github (markdown with --correlate: its report)", FN(set_format)},
	{'o', "output", "FILE", "write the report to FILE instead of stdout", STR(output)},
	{0, "top", "N", "text: list the N most complex functions (default 20; 0: all)",
	 FN(set_top)},
	{0, "sort", "METRIC",
	 "text: rank by ccn (default), npath, cognitive, max_nesting, nloc, params, ...",
	 FN(set_sort)},
	{0, "explain", "WHAT",
	 "FILE:FUNC: every complexity increment of FUNC and its biggest blocks; RULE-ID: the "
	 "rule's help", FN(set_explain)},
	{'j', "jobs", "N", "parse N translation units at once (default: online cores)",
	 FN(set_jobs)},
	{0, "cache", "FILE", "result cache (default: ROOT/.cache/cxscan/cache.sqlite)", STR(cache)},
	{0, "no-cache", NULL, "do not read or write the result cache", FLAG(no_cache)},
	{0, "stats", NULL, "print where the time went to stderr (and into the JSON summary)",
	 FLAG(stats)},
	{0, "parse-only", NULL, "only parse every TU with the scan's options (the floor of a "
	 "scan's time)", FLAG(parse_only)},
	{0, "list-tus", NULL, "print each TU's file, directory and clang arguments as JSON lines",
	 FLAG(list_tus)},
	{'q', "quiet", NULL, "no progress bar and no warnings on stderr", FLAG(quiet)},
	{0, "color", "WHEN",
	 "auto (default: on a terminal, unless NO_COLOR is set), always or never", FN(set_color)},
	{0, "config", "FILE",
	 "thresholds, overrides and scan settings (default: the first .cxscan.json found "
	 "walking up from the root to the repository's top)", STR(config)},
	{0, "no-config", NULL, "use no .cxscan.json", FLAG(no_config)},
	{0, "fail-on", "WHAT",
	 "error (default), warning or never: exit 1 when a finding is at or above it; with "
	 "--correlate also gates crap>N, hot>N, cc>N:attributed>S (repeatable)", FN(set_fail_on)},
	{0, "exit-zero", NULL, "exit 0 whatever the findings (errors still exit 2)",
	 FLAG(exit_zero)},
	{0, "baseline", "FILE",
	 "hide findings FILE records unless they got worse (rule + path + function)",
	 STR(baseline)},
	{0, "update-baseline", NULL, "write the findings of this run to the --baseline FILE",
	 FLAG(update_baseline)},
	{0, "changed-only", "WHAT",
	 "keep findings in functions the change touches: auto (default: pre-commit's "
	 "FROM_REF/TO_REF, else staged changes, else the files given), staged, or a REF "
	 "(against its merge base)", K_FN, 0, set_changed, 0, true},
	{0, "staged", NULL,
	 "measure the index's version of each file (what a commit would hold), not the "
	 "working tree; implied when --changed-only diffs the staged changes",
	 FLAG(staged)},
	{0, "sarif", "FILE", "also write SARIF 2.1.0 findings to FILE", K_FN, 0, set_report,
	 CX_FF_SARIF, false},
	{0, "codeclimate", "FILE", "also write GitLab code quality findings to FILE", K_FN, 0,
	 set_report, CX_FF_CODECLIMATE, false},
	{0, "checkstyle", "FILE", "also write Checkstyle XML findings to FILE", K_FN, 0,
	 set_report, CX_FF_CHECKSTYLE, false},
	{0, "junit-xml", "FILE", "also write the findings as JUnit XML to FILE", K_FN, 0,
	 set_report, CX_FF_JUNIT, false},
	{0, "markdown", "FILE", "also write a markdown summary of the findings to FILE", K_FN, 0,
	 set_report, CX_FF_MARKDOWN, false},
	{0, "gcc", "FILE", "also write gcc-style findings to FILE", K_FN, 0, set_report,
	 CX_FF_GCC, false},
	{0, "github", "FILE", "also write GitHub workflow commands to FILE", K_FN, 0, set_report,
	 CX_FF_GITHUB, false},
	{0, "correlate", "DIR",
	 "join the scan with per-test coverage and times in DIR (`cxscan record`'s, or "
	 "DIR/TEST/**.gcov.json.gz with a JUnit file)", STR(correlate)},
	{0, "junit", "FILE", "--correlate, bare form: the test times (default: DIR/junit.xml)",
	 STR(junit)},
	{0, "test-code", "GLOB",
	 "--correlate: files matching GLOB are test or harness code (repeatable; default: "
	 "what `record` learnt from the build, else under test/ tests/ testing/ unittest(s)/, "
	 "test_*.c, *_test.c, *_tests.c)", LIST(test_code)},
	{0, "build-dir", "DIR",
	 "record: the CTest build directory, built with --coverage (default: build, else .); "
	 "--correlate: run gcov on raw .gcda files with DIR's .gcno files", STR(build_dir)},
	{0, "out", "DIR", "record: where the coverage and times go (default: gcov)", STR(out)},
	{0, "repeat", "K", "record: run each test K times, keep the median time",
	 FN(set_repeat)},
	{0, "per-case", NULL,
	 "record: one run a case of each cmocka program (TEST@CASE), through an LD_PRELOAD "
	 "library", FLAG(per_case)},
	{0, "warn-only", NULL, "install-hook: print the findings but let the commit through",
	 FLAG(warn_only)},
	{0, "force", NULL, "install-hook: replace a pre-commit hook cxscan did not write",
	 FLAG(force)},
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
		snprintf(left, sizeof left, "%c%c%s--%s%s%s%s%s", o->short_name ? '-' : ' ',
		         o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
		         o->long_name, o->optional ? "[" : "", o->metavar ? "=" : "",
		         o->metavar ? o->metavar : "", o->optional ? "]" : "");
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
	fputs("\nFlags after `--` are added to every file's clang arguments.\n"
	      "`cxscan [--cache FILE] cache stats|clear [PATH]` shows or empties the cache.\n"
	      "`cxscan record [--build-dir B] [--out DIR] [--per-case] [--repeat K] [-j N]\n"
	      "[-- CTEST_ARGS]` runs each CTest test alone and keeps its coverage and times for\n"
	      "--correlate.\n"
	      "`cxscan install-hook [--warn-only] [--force]` installs the git pre-commit hook.\n"
	      "exit status: 0 success, 1 findings at or above --fail-on (or a --correlate gate),\n"
	      "2 usage, configuration or input error.\n",
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

/* One of the words of a table, its index in *out; -1 when none. */
static int pick(const char *val, const char *const *words, size_t n, int *out)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(val, words[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return -1;
}

static int set_jobs(struct cx_options *o, const struct opt *op, const char *val,
                    struct cx_ctx *ctx)
{
	(void)op;
	size_t j;
	if (parse_size(val, &j) || j == 0 || j > CX_MAX_JOBS)
		return cx_error(ctx, CX_EINVAL, "-j takes a number from 1 to %d, not '%s'", CX_MAX_JOBS,
		                val);
	o->jobs = (unsigned)j;
	return 0;
}

static int set_repeat(struct cx_options *o, const struct opt *op, const char *val,
                      struct cx_ctx *ctx)
{
	(void)op;
	size_t k;
	if (parse_size(val, &k) || k == 0 || k > 1000)
		return cx_error(ctx, CX_EINVAL, "--repeat takes a number from 1 to 1000, not '%s'", val);
	o->repeat = (unsigned)k;
	return 0;
}

static int set_macros(struct cx_options *o, const struct opt *op, const char *val,
                      struct cx_ctx *ctx)
{
	(void)op;
	static const char *const words[] = {"ignore", "expand"}; /* = enum cx_macro_mode */
	int m;
	if (pick(val, words, 2, &m))
		return cx_error(ctx, CX_EINVAL, "--macros takes ignore or expand, not '%s'", val);
	o->macros = (enum cx_macro_mode)m;
	o->macros_set = true;
	return 0;
}

static int set_format(struct cx_options *o, const struct opt *op, const char *val,
                      struct cx_ctx *ctx)
{
	(void)op;
	static const char *const words[] = {"text", "json", "csv", "markdown"}; /* = cx_format */
	int m;
	o->findings_format = -1;
	if (pick(val, words, 4, &m) == 0) {
		o->format = (enum cx_format)m;
		return 0;
	}
	if ((m = cx_findings_format_from_name(val)) < 0)
		return cx_error(ctx, CX_EINVAL, "unknown --format '%s' (text, json, csv, gcc, sarif, "
		                "codeclimate, checkstyle, junit, markdown, github)", val);
	o->findings_format = m;
	return 0;
}

static int set_top(struct cx_options *o, const struct opt *op, const char *val,
                   struct cx_ctx *ctx)
{
	(void)op;
	if (parse_size(val, &o->top))
		return cx_error(ctx, CX_EINVAL, "--top takes a whole number, not '%s'", val);
	return 0;
}

static int set_sort(struct cx_options *o, const struct opt *op, const char *val,
                    struct cx_ctx *ctx)
{
	(void)op;
	int m = cx_metric_from_name(val);
	if (m < 0)
		return cx_error(ctx, CX_EINVAL, "unknown --sort metric '%s'", val);
	o->sort = (enum cx_metric)m;
	return 0;
}

static int set_color(struct cx_options *o, const struct opt *op, const char *val,
                     struct cx_ctx *ctx)
{
	(void)op;
	static const char *const words[] = {"auto", "always", "never"}; /* = enum cx_color */
	int m;
	if (pick(val, words, 3, &m))
		return cx_error(ctx, CX_EINVAL, "--color takes auto, always or never, not '%s'", val);
	o->color = (enum cx_color)m;
	return 0;
}

static int set_explain(struct cx_options *o, const struct opt *op, const char *val,
                       struct cx_ctx *ctx)
{
	(void)op;
	if (cx_rule_find(val) >= 0) {
		o->explain_rule = val;
		return 0;
	}
	if (!strchr(val, ':') || strrchr(val, ':')[1] == '\0')
		return cx_error(ctx, CX_EINVAL, "--explain wants FILE:FUNCTION or a rule id "
		                "(cxscan-cyclomatic-complexity, ...), not '%s'", val);
	o->explain = val;
	return 0;
}

static int set_fail_on(struct cx_options *o, const struct opt *op, const char *val,
                       struct cx_ctx *ctx)
{
	(void)op;
	static const char *const words[] = {"error", "warning", "never"}; /* = cx_fail_on */
	int m;
	if (pick(val, words, 3, &m) == 0) {
		o->fail_on = (enum cx_fail_on)m;
		return 0;
	}
	return parse_gate(o, val, ctx);
}

static int set_report(struct cx_options *o, const struct opt *op, const char *val,
                      struct cx_ctx *ctx)
{
	if (o->nreports == CX_MAX_REPORTS)
		return cx_error(ctx, CX_EINVAL, "at most %d extra reports", CX_MAX_REPORTS);
	o->reports[o->nreports++] = (struct cx_report_out){op->arg, val};
	return 0;
}

static int set_changed(struct cx_options *o, const struct opt *op, const char *val,
                       struct cx_ctx *ctx)
{
	(void)op;
	if (val && !*val)
		return cx_error(ctx, CX_EINVAL, "--changed-only= wants auto, staged or a git "
		                "revision");
	o->changed_only = val ? val : "auto";
	return 0;
}

static int apply(struct cx_options *o, const struct opt *op, const char *val,
                 struct cx_ctx *ctx)
{
	char *field = (char *)o + op->off;
	switch (op->kind) {
	case K_FLAG: *(bool *)field = true; return 0;
	case K_STR: *(const char **)field = val; return 0;
	case K_LIST: return cx_strv_push((struct cx_strv *)field, val);
	default: return op->fn(o, op, val, ctx);
	}
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

/* The option of a long argument ("--name" or "--name=value"). */
static int parse_long(const char *a, const struct opt **op, const char **val, struct cx_ctx *ctx)
{
	const char *eq = strchr(a + 2, '=');
	size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	if (!(*op = find_long(a + 2, len)))
		return cx_error(ctx, CX_EINVAL, "unknown option '%s'", a);
	if (eq && !(*op)->metavar)
		return cx_error(ctx, CX_EINVAL, "option '--%s' takes no value", (*op)->long_name);
	*val = eq ? eq + 1 : NULL;
	return 0;
}

/* The option of a short argument ("-x" or "-xVALUE"). */
static int parse_short(const char *a, const struct opt **op, const char **val,
                       struct cx_ctx *ctx)
{
	*op = find_short(a[1]);
	if (!*op || (a[2] && !(*op)->metavar))
		return cx_error(ctx, CX_EINVAL, "unknown option '%s'", a);
	*val = a[2] ? a + 2 : NULL;
	return 0;
}

/* The option of argv[*i] and its value (a following argument when it
 * takes one and none is attached). */
static int parse_option(int argc, char **argv, int *i, const struct opt **op, const char **val,
                        struct cx_ctx *ctx)
{
	const char *a = argv[*i];
	*val = NULL;
	int rc = a[1] == '-' ? parse_long(a, op, val, ctx) : parse_short(a, op, val, ctx);
	if (rc || !(*op)->metavar || *val || (*op)->optional)
		return rc;
	if (*i + 1 >= argc)
		return cx_error(ctx, CX_EINVAL, "option '--%s' needs a value (%s)", (*op)->long_name,
		                (*op)->metavar);
	*val = argv[++*i];
	return 0;
}

/* Drops the first n paths (a subcommand's words). */
static void drop_paths(struct cx_options *o, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(o->paths.v[k]);
	memmove(o->paths.v, o->paths.v + n, (o->paths.n - n) * sizeof *o->paths.v);
	o->paths.n -= n;
}

/* `cxscan record ...` (CTest's selection after --), `cxscan install-hook`,
 * `cxscan cache stats|clear [PATH]` (./cache scans a directory so named). */
static int subcommand(int argc, char **argv, struct cx_options *o, struct cx_ctx *ctx)
{
	const char *first = argc > 1 ? argv[1] : "";
	if (strcmp(first, "record") == 0 || strcmp(first, "install-hook") == 0) {
		o->record = first[0] == 'r';
		o->install_hook = !o->record;
		drop_paths(o, 1);
		if (o->paths.n)
			return cx_error(ctx, CX_EINVAL, "cxscan %s takes no PATH ('%s')%s", first,
			                o->paths.v[0], o->record ? "; CTest's selection goes after --" : "");
		return 0;
	}
	if (o->paths.n < 2 || strcmp(o->paths.v[0], "cache") != 0)
		return 0;
	const char *cmd = o->paths.v[1];
	if (strcmp(cmd, "stats") != 0 && strcmp(cmd, "clear") != 0)
		return 0;
	o->cache_cmd = cmd[1] == 't' ? CX_CACHE_STATS : CX_CACHE_CLEAR;
	if (o->paths.n > 3)
		return cx_error(ctx, CX_EINVAL, "cxscan cache %s takes at most one PATH", cmd);
	drop_paths(o, 2);
	return 0;
}

/* Options that only make sense together. */
static int check_combinations(const struct cx_options *o, struct cx_ctx *ctx)
{
	if (o->update_baseline && !o->baseline)
		return cx_error(ctx, CX_EINVAL, "--update-baseline needs --baseline FILE");
	if (o->config && o->no_config)
		return cx_error(ctx, CX_EINVAL, "--config and --no-config exclude each other");
	return 0;
}

int cx_options_parse(int argc, char **argv, struct cx_options *o, struct cx_ctx *ctx)
{
	memset(o, 0, sizeof *o);
	o->top = 20;
	o->sort = CX_M_CCN;
	o->findings_format = -1;
	int rc = 0;
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i], *val;
		const struct opt *op;
		if (strcmp(a, "--") == 0) {
			for (int k = i + 1; k < argc && rc == 0; k++)
				rc = cx_strv_push(&o->extra, argv[k]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			rc = cx_strv_push(&o->paths, a);
		else if ((rc = parse_option(argc, argv, &i, &op, &val, ctx)) == 0)
			rc = apply(o, op, val, ctx);
	}
	if (rc == CX_ENOMEM)
		return cx_error(ctx, rc, "out of memory");
	if (rc == 0)
		rc = subcommand(argc, argv, o, ctx);
	return rc ? rc : check_combinations(o, ctx);
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
	const char **fields[CX_MAX_REPORTS + 16] = {
		&o->output, &o->cache, &o->compdb_dir, &o->root, &o->correlate, &o->junit,
		&o->build_dir, &o->out, &o->config, &o->baseline};
	size_t nf = 10;
	for (size_t r = 0; r < o->nreports; r++)
		fields[nf++] = &o->reports[r].path;
	char cwd[CX_MAX_PATH];
	bool have_cwd = getcwd(cwd, sizeof cwd) != NULL;
	for (size_t i = 0; i < nf; i++) {
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
