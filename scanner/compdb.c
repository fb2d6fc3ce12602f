/* compdb.c: compile_commands.json -> translation units with clang arguments.
 *
 * The database is untrusted input: every entry is validated and an error
 * names the file and the entry. A compiler command is cut down to what
 * libclang needs to parse the file the way the build does (-I, -D, -std,
 * -include, target flags): outputs, dependency files and anything else
 * that would write a file are dropped, so cxscan never writes outside its
 * own outputs; `--` (which makes libclang fail) and -Werror go too, as do
 * gcc-only options that clang rejects. Relative paths keep working through
 * -working-directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_util.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A word being read: its unquoted characters and the quote open at the
 * current position (0 outside quotes). */
struct word {
	char *buf;
	size_t n;
	char quote;
};

/* Inside single quotes every character is itself, up to the closing one. */
static const char *step_single(struct word *w, const char *p)
{
	if (*p == '\'')
		w->quote = 0;
	else
		w->buf[w->n++] = *p;
	return p + 1;
}

/* Characters a backslash escapes inside double quotes. */
static bool dquote_escapable(char c)
{
	return c == '"' || c == '\\' || c == '$' || c == '`';
}

static const char *step_double(struct word *w, const char *p)
{
	if (*p == '\\' && dquote_escapable(p[1])) {
		w->buf[w->n++] = p[1];
		return p + 2;
	}
	if (*p == '"')
		w->quote = 0;
	else
		w->buf[w->n++] = *p;
	return p + 1;
}

/* Outside quotes a backslash escapes any character and a quote opens. */
static const char *step_unquoted(struct word *w, const char *p)
{
	if (*p == '\\' && p[1]) {
		w->buf[w->n++] = p[1];
		return p + 2;
	}
	if (*p == '"' || *p == '\'')
		w->quote = *p;
	else
		w->buf[w->n++] = *p;
	return p + 1;
}

/* Reads the word starting at p (not a blank) into w; returns what follows
 * it. w->quote is left set if a quote is not closed. */
static const char *read_word(struct word *w, const char *p)
{
	w->n = 0;
	w->quote = 0;
	while (*p && (w->quote || !is_blank(*p))) {
		if (w->quote == '\'')
			p = step_single(w, p);
		else if (w->quote == '"')
			p = step_double(w, p);
		else
			p = step_unquoted(w, p);
	}
	return p;
}

static int push_word(struct cx_strv *out, const struct word *w, struct cx_ctx *ctx)
{
	if (w->quote)
		return cx_error(ctx, CX_EINVAL, "unterminated %c quote in command", w->quote);
	if (out->n >= CX_MAX_ARGS)
		return cx_error(ctx, CX_ELIMIT, "command has more than %d arguments", CX_MAX_ARGS);
	if (cx_strv_push_owned(out, cx_strndup(w->buf, w->n)))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	return 0;
}

int cx_shell_split(const char *cmd, char ***argv, size_t *argc, struct cx_ctx *ctx)
{
	struct cx_strv out = {0};
	struct word w = {.buf = malloc(strlen(cmd) + 1)};
	if (!w.buf)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	const char *p = cmd;
	int rc = 0;
	while (rc == 0) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		p = read_word(&w, p);
		rc = push_word(&out, &w, ctx);
	}
	free(w.buf);
	if (rc) {
		cx_strv_release(&out);
		return rc;
	}
	*argv = out.v;
	*argc = out.n;
	return 0;
}

/* Options dropped together with their separate argument. */
static const char *const drop_with_arg[] = {
	"-o", "-MF", "-MT", "-MQ", "-MJ", "-Xassembler", "-Xlinker", "-working-directory",
	"-resource-dir", "-Xclang", "-dependency-file", "-aux-info", "-Xpreprocessor",
	"--param",
};

/* Options dropped alone (exact) and by prefix. */
static const char *const drop_exact[] = {
	"-c", "-S", "-E", "-M", "-MM", "-MD", "-MMD", "-MP", "-MG", "-pipe", "-v",
	"-###", "-Werror", "-pedantic-errors", "-fsyntax-only", "-save-temps",
	"-fconserve-stack", "-fno-allow-store-data-races", "-mrecord-mcount",
	"-mindirect-branch-register", "-mskip-rax-setup", "-fno-var-tracking-assignments",
	"-fsched-pressure", "-fno-ipa-sra", "-fno-ipa-cp-clone", "-fno-tree-loop-im",
	"-fmerge-constants", "-fno-code-hoisting", "-fno-inline-functions-called-once",
	"-mno-fp-ret-in-387", "-fno-partial-inlining", "-fno-reorder-blocks",
	"-fno-tree-vrp", "-fno-ipa-icf", "-fno-stack-clash-protection",
};
static const char *const drop_prefix[] = {
	"-o", "-MF", "-MT", "-MQ", "-MJ", "-Werror=", "-Wa,", "-Wl,", "-Xlinker=",
	"-working-directory=", "-resource-dir=", "-fplugin=", "-fplugin-arg-", "-specs=",
	"--specs=", "-fdump-", "-save-temps=", "-ftime-report", "-ftime-trace",
	"-fprofile-generate", "-fprofile-use", "-fprofile-dir", "-fcallgraph-info",
	"-fstack-usage", "-fdiagnostics-format", "-mindirect-branch=",
	"-mfunction-return=", "-fmin-function-alignment=", "-fpatchable-function-entry",
	"-falign-jumps=", "-falign-loops=", "-fsanitize-coverage", "--param=",
	"-fno-ipa-", "-mharden-sls=", "-fzero-call-used-regs=", "-mstack-protector-guard",
	"-fcf-protection", "-flive-patching", "-fno-tree-", "-mpreferred-stack-boundary=",
	"-mindirect-branch-cs-prefix", "-ftrivial-auto-var-init",
	/* clang modules write .pcm files into a cache */
	"-fmodules", "-fimplicit-modules", "-fcxx-modules", "-fmodule-file",
};

static bool in_list(const char *a, const char *const *l, size_t n, bool prefix)
{
	for (size_t i = 0; i < n; i++)
		if (prefix ? strncmp(a, l[i], strlen(l[i])) == 0 : strcmp(a, l[i]) == 0)
			return true;
	return false;
}
#define IN(a, l, p) in_list((a), (l), sizeof(l) / sizeof((l)[0]), (p))

static bool is_wrapper(const char *argv0)
{
	const char *b = strrchr(argv0, '/');
	b = b ? b + 1 : argv0;
	return strcmp(b, "ccache") == 0 || strcmp(b, "distcc") == 0 || strcmp(b, "sccache") == 0;
}

static void free_words(char **words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

struct san {
	const char *directory;
	const char *src;     /* as written in the entry */
	char *src_abs;
	struct cx_strv out;
	struct cx_ctx *ctx;
};

static int sanitize_words(struct san *s, char *const *argv, size_t argc, size_t first,
                          int depth);

static int expand_response(struct san *s, const char *arg, int depth)
{
	if (depth >= CX_MAX_RSP_DEPTH)
		return cx_error(s->ctx, CX_ELIMIT, "response files nest deeper than %d at '%s'",
		                CX_MAX_RSP_DEPTH, arg);
	char *path = cx_path_join(s->directory, arg + 1);
	char *text = NULL, **words = NULL;
	size_t len = 0, n = 0;
	int rc = path ? 0 : CX_ENOMEM;
	if (rc == 0)
		rc = cx_read_file(path, CX_MAX_RSP_BYTES, &text, &len, s->ctx);
	if (rc == 0)
		rc = cx_shell_split(text, &words, &n, s->ctx);
	if (rc == 0)
		rc = sanitize_words(s, words, n, 0, depth + 1);
	free_words(words, n);
	free(text);
	free(path);
	return rc;
}

static bool is_source(struct san *s, const char *a)
{
	if (strcmp(a, s->src) == 0)
		return true;
	char *abs = cx_path_join(s->directory, a);
	bool same = abs && s->src_abs && strcmp(abs, s->src_abs) == 0;
	free(abs);
	return same;
}

/* Whether the option a is dropped on its own (or is the source file). */
static bool dropped_alone(struct san *s, const char *a)
{
	if (IN(a, drop_exact, false) || IN(a, drop_prefix, true))
		return true;
	if (strncmp(a, "-Wp,", 4) == 0 && strstr(a, ",-M"))
		return true; /* -Wp,-MMD,file writes a dependency file */
	return a[0] != '-' && is_source(s, a);
}

/* Takes argv[*i] into s->out, or drops it (and with it argv[*i + 1] when
 * that is its argument: *i then moves on to it), or expands it. */
static int sanitize_word(struct san *s, char *const *argv, size_t *i, int depth)
{
	const char *a = argv[*i];
	if (a[0] == '@' && a[1])
		return expand_response(s, a, depth);
	if (IN(a, drop_with_arg, false)) {
		(*i)++;
		return 0;
	}
	if (dropped_alone(s, a))
		return 0;
	if (s->out.n >= CX_MAX_ARGS)
		return cx_error(s->ctx, CX_ELIMIT, "command has more than %d arguments",
		                CX_MAX_ARGS);
	if (cx_strv_push(&s->out, a))
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	return 0;
}

static int sanitize_words(struct san *s, char *const *argv, size_t argc, size_t first,
                          int depth)
{
	for (size_t i = first; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break; /* the rest are inputs */
		int rc = sanitize_word(s, argv, &i, depth);
		if (rc)
			return rc;
	}
	return 0;
}

int cx_args_sanitize(char *const *argv, size_t argc, const char *directory,
                     const char *src, char ***out, size_t *nout, struct cx_ctx *ctx)
{
	struct san s = {.directory = directory, .src = src, .ctx = ctx};
	s.src_abs = cx_path_join(directory, src);
	size_t first = 1;
	if (argc > 1 && is_wrapper(argv[0]))
		first = 2;
	int rc = s.src_abs ? sanitize_words(&s, argv, argc, first, 0) : CX_ENOMEM;
	char *wd = rc == 0 ? cx_asprintf("-working-directory=%s", directory) : NULL;
	if (rc == 0 && (cx_strv_push(&s.out, "-Wno-unknown-warning-option") ||
	                cx_strv_push(&s.out, "-w") || cx_strv_push_owned(&s.out, wd)))
		rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	free(s.src_abs);
	if (rc) {
		cx_strv_release(&s.out);
		return rc;
	}
	*out = s.out.v;
	*nout = s.out.n;
	return 0;
}

/* ---- the JSON database ---- */

static void json_error_position(const char *text, const char *at, unsigned *line,
                                unsigned *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static const char *get_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int entry_words(const cJSON *e, const char *name, size_t idx, char ***words,
                       size_t *n, struct cx_ctx *ctx)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "arguments");
	const char *cmd = get_string(e, "command");
	if (cJSON_IsArray(args)) {
		struct cx_strv sv = {0};
		const cJSON *a;
		cJSON_ArrayForEach(a, args) {
			if (!cJSON_IsString(a)) {
				cx_strv_release(&sv);
				return cx_error(ctx, CX_EINVAL, "%s: entry %zu: \"arguments\" holds a "
				                "non-string", name, idx);
			}
			if (sv.n >= CX_MAX_ARGS || cx_strv_push(&sv, a->valuestring)) {
				cx_strv_release(&sv);
				return cx_error(ctx, CX_ELIMIT, "%s: entry %zu: too many arguments",
				                name, idx);
			}
		}
		*words = sv.v;
		*n = sv.n;
		return 0;
	}
	if (!cmd)
		return cx_error(ctx, CX_EINVAL, "%s: entry %zu: needs \"arguments\" (array) or "
		                "\"command\" (string)", name, idx);
	int rc = cx_shell_split(cmd, words, n, ctx);
	if (rc) {
		char why[sizeof ctx->msg];
		snprintf(why, sizeof why, "%s", ctx->msg);
		return cx_error(ctx, rc, "%s: entry %zu: %s", name, idx, why);
	}
	return 0;
}

/* The "directory" and "file" of entry idx, which must be an object. */
static int entry_paths(const cJSON *e, const char *name, size_t idx, const char **dir,
                       const char **file, struct cx_ctx *ctx)
{
	if (!cJSON_IsObject(e))
		return cx_error(ctx, CX_EINVAL, "%s: entry %zu is not an object", name, idx);
	*dir = get_string(e, "directory");
	*file = get_string(e, "file");
	if (!*dir || !*file || !**file)
		return cx_error(ctx, CX_EINVAL, "%s: entry %zu: needs string \"directory\" and "
		                "\"file\"", name, idx);
	return 0;
}

struct want {
	cx_compdb_want fn;
	void *arg;
};

static bool wanted(const struct want *want, const char *path)
{
	return !want->fn || want->fn(want->arg, path);
}

/* Sets src->args to the sanitized command of entry idx (file as written
 * in it; src->directory is its absolute directory). */
static int source_args(const cJSON *e, const char *name, size_t idx, const char *file,
                       struct cx_source *src, struct cx_ctx *ctx)
{
	char **words = NULL;
	size_t nw = 0;
	int rc = entry_words(e, name, idx, &words, &nw, ctx);
	if (rc == 0 && nw == 0)
		rc = cx_error(ctx, CX_EINVAL, "%s: entry %zu: empty command", name, idx);
	if (rc == 0)
		rc = cx_args_sanitize(words, nw, src->directory, file, &src->args, &src->nargs, ctx);
	free_words(words, nw);
	return rc;
}

static int append_source(struct cx_sources *out, const struct cx_source *src)
{
	if (cx_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v))
		return CX_ENOMEM;
	out->v[out->n++] = *src;
	return 0;
}

static int add_entry(const cJSON *e, size_t idx, const char *name, const char *base,
                     const struct want *want, struct cx_sources *out, struct cx_ctx *ctx)
{
	const char *dir, *file;
	int rc = entry_paths(e, name, idx, &dir, &file, ctx);
	if (rc)
		return rc;
	char *adir = cx_path_join(base, dir);
	struct cx_source src = {adir ? cx_path_join(adir, file) : NULL, adir, NULL, 0};
	if (src.path && !wanted(want, src.path)) {
		/* not scanned: its command is not even split (a kernel-sized
		 * database is parsed on every run, cached or not) */
		cx_source_release(&src);
		return 0;
	}
	rc = src.path ? source_args(e, name, idx, file, &src, ctx) : CX_ENOMEM;
	if (rc == 0)
		rc = append_source(out, &src);
	if (rc == 0)
		return 0;
	if (rc == CX_ENOMEM)
		cx_error(ctx, rc, "out of memory reading %s", name);
	cx_source_release(&src); /* what was not kept */
	return rc;
}

typedef int (*entry_fn)(void *arg, const cJSON *e, size_t idx, struct cx_ctx *ctx);

/* Calls fn on each entry of the database text (an array), stopping at the
 * first error. */
static int each_entry(const char *text, size_t len, const char *name, entry_fn fn, void *arg,
                      struct cx_ctx *ctx)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root) {
		unsigned line, col;
		json_error_position(text, end ? end : text, &line, &col);
		return cx_error(ctx, CX_EINVAL, "%s:%u:%u: malformed JSON", name, line, col);
	}
	int rc = 0;
	if (!cJSON_IsArray(root)) {
		rc = cx_error(ctx, CX_EINVAL, "%s: expected an array of entries", name);
	} else {
		size_t idx = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, root) {
			if ((rc = fn(arg, e, idx++, ctx)) != 0)
				break;
		}
	}
	cJSON_Delete(root);
	return rc;
}

struct sources_arg {
	const char *name, *base;
	const struct want *want;
	struct cx_sources *out;
};

static int source_entry(void *arg, const cJSON *e, size_t idx, struct cx_ctx *ctx)
{
	struct sources_arg *a = arg;
	return add_entry(e, idx, a->name, a->base, a->want, a->out, ctx);
}

static int parse(const char *text, size_t len, const char *name, const char *base,
                 const struct want *want, struct cx_sources *out, struct cx_ctx *ctx)
{
	struct sources_arg a = {name, base, want, out};
	int rc = each_entry(text, len, name, source_entry, &a, ctx);
	if (rc == 0 && cx_sources_dedupe(out))
		rc = cx_error(ctx, CX_ENOMEM, "out of memory reading %s", name);
	return rc;
}

/* ---- the objects of the database ---- */

struct objects_arg {
	const char *name, *base;
	struct cx_strv *sources, *outputs;
};

/* The word after -o (or glued to it) in an entry's command. */
static char *output_word(char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(w[i], "-o") == 0 && i + 1 < n)
			return cx_strdup(w[i + 1]);
		if (strncmp(w[i], "-o", 2) == 0 && w[i][2])
			return cx_strdup(w[i] + 2);
	}
	return NULL;
}

/* The object file that entry idx names ("output", else the -o of its
 * command) in *out, NULL if it names none. */
static int entry_output(const cJSON *e, const char *name, size_t idx, char **out,
                        struct cx_ctx *ctx)
{
	const char *given = get_string(e, "output");
	if (given && *given) {
		*out = cx_strdup(given);
		return *out ? 0 : cx_error(ctx, CX_ENOMEM, "out of memory reading %s", name);
	}
	char **words = NULL;
	size_t nw = 0;
	int rc = entry_words(e, name, idx, &words, &nw, ctx);
	if (rc == 0)
		*out = output_word(words, nw);
	free_words(words, nw);
	return rc;
}

/* Appends src and obj (taken; NULL for out of memory) to the two lists,
 * which stay the same length. 0 or CX_ENOMEM. */
static int push_object(struct objects_arg *a, char *src, char *obj)
{
	if (!src || !obj) {
		free(src);
		free(obj);
		return CX_ENOMEM;
	}
	if (cx_strv_push_owned(a->sources, src)) { /* push_owned frees what it cannot keep */
		free(obj);
		return CX_ENOMEM;
	}
	if (cx_strv_push_owned(a->outputs, obj)) {
		free(a->sources->v[--a->sources->n]);
		return CX_ENOMEM;
	}
	return 0;
}

static int object_entry(void *arg, const cJSON *e, size_t idx, struct cx_ctx *ctx)
{
	struct objects_arg *a = arg;
	const char *dir, *file;
	char *out = NULL;
	int rc = entry_paths(e, a->name, idx, &dir, &file, ctx);
	if (rc == 0)
		rc = entry_output(e, a->name, idx, &out, ctx);
	if (rc)
		return rc;
	if (!out || !*out) { /* no object named: not an object of the build */
		free(out);
		return 0;
	}
	char *adir = cx_path_join(a->base, dir);
	char *src = adir ? cx_path_join(adir, file) : NULL;
	char *obj = adir ? cx_path_join(adir, out) : NULL;
	free(out);
	free(adir);
	rc = push_object(a, src, obj);
	return rc ? cx_error(ctx, rc, "out of memory reading %s", a->name) : 0;
}

int cx_compdb_objects_parse(const char *text, size_t len, const char *name, const char *base,
                            struct cx_strv *sources, struct cx_strv *outputs,
                            struct cx_ctx *ctx)
{
	struct objects_arg a = {name, base, sources, outputs};
	return each_entry(text, len, name, object_entry, &a, ctx);
}

/* Reads the database at path and hands its text and directory (what a
 * relative "directory" resolves against) to fn. */
typedef int (*text_fn)(void *arg, const char *text, size_t len, const char *path,
                       const char *dir, struct cx_ctx *ctx);

static int with_text(const char *path, text_fn fn, void *arg, struct cx_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cx_read_file(path, CX_MAX_COMPDB_BYTES, &text, &len, ctx);
	if (rc)
		return rc;
	char *dir = cx_path_dirname(path);
	rc = dir ? fn(arg, text, len, path, dir, ctx) : cx_error(ctx, CX_ENOMEM, "out of memory");
	free(dir);
	free(text);
	return rc;
}

struct two_lists {
	struct cx_strv *sources, *outputs;
};

static int objects_text(void *arg, const char *text, size_t len, const char *path,
                        const char *dir, struct cx_ctx *ctx)
{
	struct two_lists *l = arg;
	return cx_compdb_objects_parse(text, len, path, dir, l->sources, l->outputs, ctx);
}

int cx_compdb_objects_load(const char *path, struct cx_strv *sources, struct cx_strv *outputs,
                           struct cx_ctx *ctx)
{
	struct two_lists l = {sources, outputs};
	return with_text(path, objects_text, &l, ctx);
}

int cx_compdb_parse(const char *text, size_t len, const char *name, const char *base,
                    struct cx_sources *out, struct cx_ctx *ctx)
{
	struct want none = {0};
	return parse(text, len, name, base, &none, out, ctx);
}

int cx_compdb_load(const char *path, struct cx_sources *out, struct cx_ctx *ctx)
{
	return cx_compdb_load_filtered(path, NULL, NULL, out, ctx);
}

struct filtered {
	struct want w;
	struct cx_sources *out;
};

static int sources_text(void *arg, const char *text, size_t len, const char *path,
                        const char *dir, struct cx_ctx *ctx)
{
	struct filtered *f = arg;
	int rc = parse(text, len, path, dir, &f->w, f->out, ctx);
	return rc == CX_ENOMEM ? cx_error(ctx, rc, "out of memory reading %s", path) : rc;
}

int cx_compdb_load_filtered(const char *path, cx_compdb_want want, void *arg,
                             struct cx_sources *out, struct cx_ctx *ctx)
{
	struct filtered f = {{want, arg}, out};
	return with_text(path, sources_text, &f, ctx);
}
