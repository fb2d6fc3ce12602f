/* config.c: .cxscan.json (cx_config.h): strict reading into struct
 * cx_config, the search for the file, and the thresholds of a rule for a
 * path.
 *
 * The file is parsed whole by jsonc.c (syntax, duplicate keys, positions),
 * then walked with one table of known keys per object, so that an unknown
 * key, a value of the wrong type, an unknown rule id or a glob that can
 * never match is an error at its line and column. Every rule setting array
 * has cx_nrules entries, indexed like cx_rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_config.h"
#include "cx_limits.h"
#include "cx_scanner.h"
#include "jsonc.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The state of one walk over a configuration. */
struct walk {
	struct cx_config *c;
	const char *name, *dir;
	struct cx_ctx *ctx;
	struct cx_rule_setting *setting;  /* the rule setting being read */
	struct cx_config_override *ov;    /* the override being read */
};

static int nomem(struct walk *w)
{
	return cx_error(w->ctx, CX_ENOMEM, "%s: out of memory", w->name);
}

static int must(struct walk *w, const struct cx_jsonc *v, const char *path, const char *what)
{
	return cx_jsonc_must(w->ctx, w->name, v, path, what);
}

/* ---- lists of strings ---- */

static int check_item(struct walk *w, const struct cx_jsonc *it, const char *path, size_t i,
                      bool glob)
{
	char q[96];
	if (it->type != CX_JSONC_STRING)
		return must(w, it, path, "an array of strings");
	if (!glob && !*it->s)
		return cx_jsonc_fail(w->ctx, w->name, it->line, it->col,
		                     "\"%s[%zu]\" is an empty string", path, i);
	const char *why = glob ? cx_glob_problem(it->s) : NULL;
	if (why)
		return cx_jsonc_fail(w->ctx, w->name, it->line, it->col,
		                     "\"%s[%zu]\": bad glob %s: %s", path, i,
		                     cx_jsonc_quote(it->s, q, sizeof q), why);
	return 0;
}

/* An array of non-empty strings (globs when glob), appended to out. */
static int read_strings(struct walk *w, const struct cx_jsonc *v, const char *path,
                        struct cx_strv *out, bool glob)
{
	if (v->type != CX_JSONC_ARRAY)
		return must(w, v, path, "an array of strings");
	for (size_t i = 0; i < v->n; i++) {
		int rc = check_item(w, &v->items[i], path, i, glob);
		if (rc)
			return rc;
		if (cx_strv_push(out, v->items[i].s))
			return nomem(w);
	}
	return 0;
}

/* ---- rules and thresholds ---- */

static int read_threshold(struct walk *w, const struct cx_jsonc *v, const char *path,
                          int64_t *out)
{
	static const char want[] = "an integer >= 0 or null";
	static const char *const why[] = {
		[CX_JSONC_INT] = "is negative",
		[CX_JSONC_BIGINT] = "is out of range",
		[CX_JSONC_REAL] = "is not an integer",
	};
	if (v->type == CX_JSONC_NULL) {
		*out = -1;
		return 0;
	}
	if (v->type != CX_JSONC_NUMBER)
		return must(w, v, path, want);
	if (v->num != CX_JSONC_INT || v->i < 0)
		return cx_jsonc_fail(w->ctx, w->name, v->line, v->col, "\"%s\" must be %s (%.*s %s)",
		                     path, want, v->len > 40 ? 40 : (int)v->len, v->text,
		                     why[v->num]);
	*out = v->i;
	return 0;
}

static int read_warning(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	w->setting->has_warning = true;
	return read_threshold(w, v, path, &w->setting->th.warning);
}

static int read_error(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	w->setting->has_error = true;
	return read_threshold(w, v, path, &w->setting->th.error);
}

static const struct cx_jsonc_field threshold_fields[] = {
	{"warning", read_warning},
	{"error", read_error},
};

/* "off" or {"warning": T, "error": T}. */
static int read_setting(struct walk *w, const struct cx_jsonc *v, const char *path,
                        struct cx_rule_setting *s)
{
	*s = (struct cx_rule_setting){.set = true, .th = {-1, -1}};
	if (v->type == CX_JSONC_STRING && strcmp(v->s, "off") == 0) {
		s->off = true;
		return 0;
	}
	if (v->type != CX_JSONC_OBJECT)
		return must(w, v, path, "\"off\" or an object with \"warning\" and/or \"error\"");
	w->setting = s;
	return cx_jsonc_walk(v, path, threshold_fields, COUNT(threshold_fields), w, w->name,
	                     w->ctx);
}

/* {"RULE-ID": setting, ...} into rules (cx_nrules entries). */
static int read_rule_object(struct walk *w, const struct cx_jsonc *v, const char *path,
                            struct cx_rule_setting *rules)
{
	if (v->type != CX_JSONC_OBJECT)
		return must(w, v, path, "an object of rule ids");
	for (size_t i = 0; i < v->n; i++) {
		const struct cx_jsonc *m = &v->items[i];
		long r = cx_rule_find(m->key);
		char q[96], sub[256];
		if (r < 0)
			return cx_jsonc_fail(w->ctx, w->name, m->key_line, m->key_col,
			                     "unknown rule %s", cx_jsonc_quote(m->key, q, sizeof q));
		snprintf(sub, sizeof sub, "%s.%s", path, m->key);
		int rc = read_setting(w, m, sub, &rules[r]);
		if (rc)
			return rc;
	}
	return 0;
}

static int read_rules(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	return read_rule_object(w, v, path, w->c->rules);
}

/* ---- overrides ---- */

static int read_paths(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	if (v->type == CX_JSONC_ARRAY && v->n == 0)
		return must(w, v, path, "a non-empty array of globs");
	return read_strings(w, v, path, &w->ov->paths, true);
}

static int read_override_rules(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	return read_rule_object(w, v, path, w->ov->rules);
}

static const struct cx_jsonc_field override_fields[] = {
	{"paths", read_paths},
	{"rules", read_override_rules},
};

/* A new empty override at the end of c's list, or NULL. The array grows
 * to the next power of two (struct cx_config keeps no capacity). */
static struct cx_config_override *add_override(struct cx_config *c)
{
	size_t n = c->noverrides;
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? 2 * n : 1;
		void *nv = realloc(c->overrides, cap * sizeof *c->overrides);
		if (!nv)
			return NULL;
		c->overrides = nv;
	}
	struct cx_config_override *ov = &c->overrides[n];
	memset(ov, 0, sizeof *ov);
	ov->rules = calloc(cx_nrules ? cx_nrules : 1, sizeof *ov->rules);
	if (!ov->rules)
		return NULL;
	c->noverrides++;
	return ov;
}

static int read_override(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	if (v->type != CX_JSONC_OBJECT)
		return must(w, v, path, "an object");
	w->ov = add_override(w->c);
	if (!w->ov)
		return nomem(w);
	int rc = cx_jsonc_walk(v, path, override_fields, COUNT(override_fields), w, w->name,
	                       w->ctx);
	if (rc == 0 && w->ov->paths.n == 0)
		rc = cx_jsonc_fail(w->ctx, w->name, v->line, v->col, "\"%s\" needs \"paths\"", path);
	return rc;
}

static int read_overrides(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	if (v->type != CX_JSONC_ARRAY)
		return must(w, v, path, "an array of objects");
	return cx_jsonc_each(v, path, read_override, w);
}

/* ---- the other keys ---- */

static int read_schema(void *self, const struct cx_jsonc *v, const char *path)
{
	return v->type == CX_JSONC_STRING ? 0 : must(self, v, path, "a string");
}

static int read_include(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	return read_strings(w, v, path, &w->c->include, true);
}

static int read_exclude(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	return read_strings(w, v, path, &w->c->exclude, true);
}

/* dir made absolute (the current directory when NULL); NULL on failure. */
static char *absolute_dir(const char *dir)
{
	if (dir && dir[0] == '/')
		return cx_strdup(dir);
	char *cwd = getcwd(NULL, 0);
	char *abs = cwd ? cx_path_join(cwd, dir ? dir : ".") : NULL;
	free(cwd);
	return abs;
}

static int read_compdb(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	if (v->type != CX_JSONC_STRING || !*v->s)
		return must(w, v, path, "a non-empty string (a directory)");
	char *base = absolute_dir(w->dir);
	char *abs = base ? cx_path_join(base, v->s) : NULL;
	free(base);
	if (!abs)
		return cx_error(w->ctx, errno == ENOMEM ? CX_ENOMEM : CX_EIO,
		                "%s: cannot resolve \"%s\": %s", w->name, path, strerror(errno));
	free(w->c->compile_database);
	w->c->compile_database = abs;
	return 0;
}

static int read_add(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	return read_strings(w, v, path, &w->c->add_flags, false);
}

static int read_remove(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	return read_strings(w, v, path, &w->c->remove_flags, false);
}

static int read_fallback(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	w->c->has_fallback = true;
	return read_strings(w, v, path, &w->c->fallback_flags, false);
}

static const struct cx_jsonc_field flag_fields[] = {
	{"add", read_add},
	{"remove", read_remove},
	{"fallback", read_fallback},
};

static int read_flags(void *self, const struct cx_jsonc *v, const char *path)
{
	struct walk *w = self;
	if (v->type != CX_JSONC_OBJECT)
		return must(w, v, path, "an object");
	return cx_jsonc_walk(v, path, flag_fields, COUNT(flag_fields), w, w->name, w->ctx);
}

static int read_macros(void *self, const struct cx_jsonc *v, const char *path)
{
	static const struct {
		const char *name;
		enum cx_macro_mode mode;
	} modes[] = {{"ignore", CX_MACROS_IGNORE}, {"expand", CX_MACROS_EXPAND}};
	struct walk *w = self;
	for (size_t i = 0; v->type == CX_JSONC_STRING && i < COUNT(modes); i++) {
		if (strcmp(v->s, modes[i].name) == 0) {
			w->c->macros = (int)modes[i].mode;
			return 0;
		}
	}
	return must(w, v, path, "\"ignore\" or \"expand\"");
}

static const struct cx_jsonc_field top_fields[] = {
	{"$schema", read_schema},
	{"rules", read_rules},
	{"overrides", read_overrides},
	{"include", read_include},
	{"exclude", read_exclude},
	{"compile_database", read_compdb},
	{"flags", read_flags},
	{"macros", read_macros},
};

/* ---- the public functions ---- */

int cx_config_init(struct cx_config *c)
{
	memset(c, 0, sizeof *c);
	c->macros = -1;
	c->rules = calloc(cx_nrules ? cx_nrules : 1, sizeof *c->rules);
	return c->rules ? 0 : CX_ENOMEM;
}

void cx_config_release(struct cx_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->noverrides; i++) {
		cx_strv_release(&c->overrides[i].paths);
		free(c->overrides[i].rules);
	}
	free(c->overrides);
	free(c->rules);
	free(c->path);
	free(c->compile_database);
	cx_strv_release(&c->include);
	cx_strv_release(&c->exclude);
	cx_strv_release(&c->add_flags);
	cx_strv_release(&c->remove_flags);
	cx_strv_release(&c->fallback_flags);
	memset(c, 0, sizeof *c);
	c->macros = -1;
}

int cx_config_parse(const char *text, size_t len, const char *name, const char *dir,
                    struct cx_config *c, struct cx_ctx *ctx)
{
	struct cx_jsonc root;
	int rc = cx_jsonc_parse(text, len, name, &root, ctx);
	if (rc)
		return rc;
	struct walk w = {.c = c, .name = name, .dir = dir, .ctx = ctx};
	if (root.type != CX_JSONC_OBJECT)
		rc = cx_jsonc_fail(ctx, name, root.line, root.col,
		                   "the configuration must be a JSON object, not %s",
		                   cx_jsonc_kind(&root));
	else
		rc = cx_jsonc_walk(&root, "", top_fields, COUNT(top_fields), &w, name, ctx);
	cx_jsonc_release(&root);
	return rc;
}

int cx_config_load(const char *path, struct cx_config *c, struct cx_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cx_read_file(path, CX_MAX_CONFIG_BYTES, &text, &len, ctx);
	if (rc)
		return rc;
	char *dir = cx_path_dirname(path);
	free(c->path);
	c->path = cx_strdup(path);
	if (!dir || !c->path)
		rc = cx_error(ctx, CX_ENOMEM, "%s: out of memory", path);
	else
		rc = cx_config_parse(text, len, path, dir, c, ctx);
	free(dir);
	free(text);
	return rc;
}

/* True when path (under dir) exists; a regular file when regular. */
static bool exists_in(const char *dir, const char *name, bool regular, int *rc)
{
	char *p = cx_path_join(dir, name);
	struct stat st;
	if (!p) {
		*rc = CX_ENOMEM;
		return false;
	}
	bool ok = stat(p, &st) == 0 && (!regular || S_ISREG(st.st_mode));
	free(p);
	return ok;
}

/* The parent directory of *dir in place of it; false at the top. */
static bool go_up(char **dir, int *rc)
{
	char *up = cx_path_dirname(*dir);
	if (!up) {
		*rc = CX_ENOMEM;
		return false;
	}
	bool moved = strcmp(up, *dir) != 0;
	free(*dir);
	*dir = up;
	return moved;
}

int cx_config_find(const char *root, char **path)
{
	int rc = 0;
	*path = NULL;
	char *dir = absolute_dir(root);
	if (!dir)
		return CX_ENOMEM;
	for (;;) {
		if (exists_in(dir, ".cxscan.json", true, &rc)) {
			*path = cx_path_join(dir, ".cxscan.json");
			rc = *path ? 0 : CX_ENOMEM;
			break;
		}
		if (rc || exists_in(dir, ".git", false, &rc) || rc || !go_up(&dir, &rc))
			break;
	}
	free(dir);
	return rc;
}

/* Applies setting s (when the rule is named) over t and *off. */
static void apply(const struct cx_rule_setting *s, struct cx_threshold *t, bool *off)
{
	if (!s->set)
		return;
	*off = s->off;
	if (s->off)
		return;
	if (s->has_warning)
		t->warning = s->th.warning;
	if (s->has_error)
		t->error = s->th.error;
}

static bool override_matches(const struct cx_config_override *o, const char *path)
{
	for (size_t i = 0; i < o->paths.n; i++)
		if (cx_glob_match(o->paths.v[i], path))
			return true;
	return false;
}

struct cx_threshold cx_config_threshold(const struct cx_config *c, size_t r, const char *path,
                                        bool *off)
{
	bool ignored;
	if (!off)
		off = &ignored;
	*off = false;
	if (r >= cx_nrules)
		return (struct cx_threshold){-1, -1};
	struct cx_threshold t = cx_rules[r].def;
	if (!c || !c->rules)
		return t;
	apply(&c->rules[r], &t, off);
	for (size_t i = 0; path && i < c->noverrides; i++)
		if (override_matches(&c->overrides[i], path))
			apply(&c->overrides[i].rules[r], &t, off);
	return t;
}
