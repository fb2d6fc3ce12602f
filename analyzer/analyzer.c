/* analyzer.c: parse one translation unit with libclang and measure every
 * function defined in it (METRICS.md, "What is a function").
 *
 * Invariants: a TU that libclang cannot create is an output file with
 * status error; a TU with error diagnostics is measured and marked
 * degraded with its first diagnostics; functions in system headers are never
 * reported; functions in other headers only when inside the scan root and
 * accepted by the caller's filter (so that a header's functions are
 * reported once over the whole scan). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cx_analyzer.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "internal.h"

struct cx_analyzer {
	CXIndex index;
};

void cx_analyzer_global_init(void)
{
	/* By default libclang parses on a thread of its own with an 8 MiB
	 * stack, and its crash recovery does not survive a stack overflow:
	 * 4,000 nested `!` kill the process. Parsing on the caller's thread
	 * uses the analyzer's CX_ANALYZER_STACK instead. Set before the first
	 * parse; overwrite=0 keeps a user's explicit choice. setenv is not
	 * thread-safe, hence a separate call before any worker starts. */
	setenv("LIBCLANG_NOTHREADS", "1", 0);
}

struct cx_analyzer *cx_analyzer_new(void)
{
	struct cx_analyzer *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	if (!getenv("LIBCLANG_NOTHREADS"))
		cx_analyzer_global_init(); /* single-threaded callers (tests) */
	a->index = clang_createIndex(0, 0);
	if (!a->index) {
		free(a);
		return NULL;
	}
	return a;
}

void cx_analyzer_free(struct cx_analyzer *self)
{
	if (!self)
		return;
	clang_disposeIndex(self->index);
	free(self);
}

char *cx_analyzer_clang_version(void)
{
	CXString s = clang_getClangVersion();
	char *v = cx_strdup(clang_getCString(s));
	clang_disposeString(s);
	return v;
}

/* A function definition found at the top level of the TU. */
struct found {
	CXCursor cursor;
	CXFile file; /* where its name is */
	char *realpath;
	bool main_file;
	uint64_t usr;
	uint64_t *calls;
	uint32_t ncalls;
	struct cx_function fn;
	size_t out; /* its output file, once placed */
};

struct collect {
	const struct cx_tu_job *job;
	cx_header_filter filter;
	void *filter_arg;
	struct found *v;
	size_t n, cap;
	int err;
};

/* libclang's real path of f, when it knows one (else NULL). */
static char *known_realpath(CXFile f)
{
	CXString s = clang_File_tryGetRealPathName(f);
	const char *p = clang_getCString(s);
	char *r = p && *p ? cx_strdup(p) : NULL;
	clang_disposeString(s);
	return r;
}

/* realpath() of a file name, or the name itself when it cannot be
 * resolved. */
static char *resolve_name(const char *nm)
{
	char buf[PATH_MAX];
	return cx_strdup(nm && realpath(nm, buf) ? buf : nm ? nm : "");
}

static char *file_realpath(CXFile f)
{
	char *r = known_realpath(f);
	if (r)
		return r;
	CXString name = clang_getFileName(f);
	r = resolve_name(clang_getCString(name));
	clang_disposeString(name);
	return r;
}

static enum CXChildVisitResult top_level(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct collect *col = d;
	if (clang_getCursorKind(c) != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
		return CXChildVisit_Continue;
	CXSourceLocation loc = clang_getCursorLocation(c);
	if (clang_Location_isInSystemHeader(loc))
		return CXChildVisit_Continue;
	CXFile file;
	unsigned line, column;
	clang_getExpansionLocation(loc, &file, &line, &column, NULL);
	if (!file)
		return CXChildVisit_Continue;
	bool main_file = clang_Location_isFromMainFile(loc) != 0;
	char *rp = file_realpath(file);
	if (!rp) {
		col->err = CX_ENOMEM;
		return CXChildVisit_Break;
	}
	if (!main_file && (!cx_path_under(col->job->root, rp) ||
	                   (col->filter && !col->filter(col->filter_arg, rp, line, column)))) {
		free(rp);
		return CXChildVisit_Continue;
	}
	if (cx_grow(&col->v, &col->cap, col->n + 1, sizeof *col->v) != 0) {
		free(rp);
		col->err = CX_ENOMEM;
		return CXChildVisit_Break;
	}
	struct found *f = &col->v[col->n++];
	memset(f, 0, sizeof *f);
	f->cursor = c;
	f->file = file;
	f->realpath = rp;
	f->main_file = main_file;
	f->fn.line = line;
	f->fn.column = column;
	return CXChildVisit_Continue;
}

static enum CXChildVisitResult find_body(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_CompoundStmt) {
		*(CXCursor *)d = c;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

/* Measures one function; *limited is set when a limit cut the walk. */
static int measure(CXTranslationUnit tu, struct found *f, enum cx_macro_mode mode,
                   bool *limited)
{
	struct cx_function *fn = &f->fn;
	CXCursor c = f->cursor;
	CXString name = clang_getCursorSpelling(c);
	fn->name = cx_strdup(clang_getCString(name));
	clang_disposeString(name);
	if (!fn->name)
		return CX_ENOMEM;
	unsigned end_line, start_line;
	CXSourceRange ext = clang_getCursorExtent(c);
	loc_line_col(clang_getRangeEnd(ext), &end_line, NULL);
	loc_line_col(clang_getRangeStart(ext), &start_line, NULL);
	fn->end_line = end_line < fn->line ? fn->line : end_line;
	fn->start_line = start_line && start_line <= fn->line ? start_line : fn->line;
	fn->length = fn->end_line - fn->line + 1;
	int np = clang_Cursor_getNumArguments(c);
	fn->params = np > 0 ? (uint32_t)np : 0;
	CXType ty = clang_getCursorType(c);
	fn->variadic = ty.kind == CXType_FunctionProto && clang_isFunctionTypeVariadic(ty);
	f->usr = cursor_usr_hash(c);

	CXCursor body = clang_getNullCursor();
	clang_visitChildren(c, find_body, &body);
	if (clang_Cursor_isNull(body))
		return 0;
	struct fn_tokens ft = {0};
	struct tree t = {0};
	int rc = lexical_scan(tu, c, fn, &ft);
	fn->from_macro = fn_token_at(&ft, clang_getRangeStart(clang_getCursorExtent(body))) != '{';
	if (rc == 0)
		rc = tree_build(&t, body, &ft, mode);
	if (rc == 0) {
		rc = metrics_compute(&t, false, fn);
		if (rc == CX_ELIMIT || t.truncated) {
			*limited = true;
			rc = 0;
		}
		f->calls = t.calls;
		f->ncalls = t.ncalls;
		t.calls = NULL;
	}
	tree_release(&t);
	fn_tokens_release(&ft);
	return rc;
}

/* ---- recursion: functions on a call cycle within the TU (Tarjan) ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct byusr {
	uint64_t usr;
	size_t idx;
};

static int cmp_byusr(const void *a, const void *b)
{
	return cmp_u64(&((const struct byusr *)a)->usr, &((const struct byusr *)b)->usr);
}

static long lookup(const struct byusr *m, size_t n, uint64_t usr)
{
	struct byusr key = {.usr = usr};
	const struct byusr *p = bsearch(&key, m, n, sizeof *m, cmp_byusr);
	return p ? (long)p->idx : -1;
}

/* Iterative Tarjan's SCC over the TU's call graph. */
struct tarjan {
	struct found *fs;
	size_t n;
	bool *rec;
	struct byusr *m;     /* usr -> function, sorted */
	long *index, *low;
	size_t *stack, *cs;  /* the SCC stack, the DFS call stack */
	uint32_t *edge;      /* next call of each function to follow */
	bool *on;            /* on the SCC stack */
	long counter;
	size_t sp, csp;
};

static int tarjan_init(struct tarjan *t, struct found *fs, size_t n, bool *rec)
{
	size_t k = n ? n : 1;
	*t = (struct tarjan){.fs = fs, .n = n, .rec = rec};
	t->m = malloc(k * sizeof *t->m);
	t->index = malloc(k * sizeof *t->index);
	t->low = malloc(k * sizeof *t->low);
	t->stack = malloc(k * sizeof *t->stack);
	t->cs = malloc(k * sizeof *t->cs);
	t->edge = malloc(k * sizeof *t->edge);
	t->on = calloc(k, sizeof *t->on);
	if (!t->m || !t->index || !t->low || !t->stack || !t->cs || !t->edge || !t->on)
		return CX_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		t->m[i] = (struct byusr){fs[i].usr, i};
		t->index[i] = -1;
	}
	qsort(t->m, n, sizeof *t->m, cmp_byusr);
	return 0;
}

static void tarjan_release(struct tarjan *t)
{
	free(t->m);
	free(t->index);
	free(t->low);
	free(t->stack);
	free(t->cs);
	free(t->edge);
	free(t->on);
}

/* Enters function v: numbered, on both stacks. */
static void tarjan_push(struct tarjan *t, size_t v)
{
	t->index[v] = t->low[v] = t->counter++;
	t->edge[v] = 0;
	t->stack[t->sp++] = v;
	t->on[v] = true;
	t->cs[t->csp++] = v;
}

/* Follows v's next call. */
static void tarjan_edge(struct tarjan *t, size_t v)
{
	long w = lookup(t->m, t->n, t->fs[v].calls[t->edge[v]++]);
	if (w < 0)
		return;
	if ((size_t)w == v)
		t->rec[v] = true; /* calls itself */
	if (t->index[w] < 0)
		tarjan_push(t, (size_t)w);
	else if (t->on[w] && t->index[w] < t->low[v])
		t->low[v] = t->index[w];
}

/* Leaves v: a root pops its component; one of two or more functions is
 * a cycle. */
static void tarjan_pop(struct tarjan *t, size_t v)
{
	t->csp--;
	if (t->csp && t->low[v] < t->low[t->cs[t->csp - 1]])
		t->low[t->cs[t->csp - 1]] = t->low[v];
	if (t->low[v] != t->index[v])
		return;
	size_t top = t->sp;
	do
		t->on[t->stack[--t->sp]] = false;
	while (t->stack[t->sp] != v);
	for (size_t k = t->sp; top - t->sp > 1 && k < top; k++)
		t->rec[t->stack[k]] = true;
}

/* Sets rec[i] for each function on a cycle. */
static int find_recursion(struct found *fs, size_t n, bool *rec)
{
	struct tarjan t;
	int rc = tarjan_init(&t, fs, n, rec);
	for (size_t root = 0; root < n && rc == 0; root++) {
		if (t.index[root] >= 0)
			continue;
		tarjan_push(&t, root);
		while (t.csp) {
			size_t v = t.cs[t.csp - 1];
			if (t.edge[v] < fs[v].ncalls)
				tarjan_edge(&t, v);
			else
				tarjan_pop(&t, v);
		}
	}
	tarjan_release(&t);
	return rc;
}

static int add_recursion(struct cx_function *fn)
{
	struct cx_increment *nv = realloc(fn->incs, (fn->nincs + 1) * sizeof *nv);
	if (!nv)
		return CX_ENOMEM;
	fn->incs = nv;
	fn->incs[fn->nincs++] = (struct cx_increment){
		.kind = CX_K_RECURSION, .line = fn->line, .column = fn->column, .cognitive = 1};
	fn->cognitive++;
	return 0;
}

/* ---- output assembly ---- */

static int diag_line(CXDiagnostic d, const char *root, char **out)
{
	CXFile file;
	unsigned line, col;
	clang_getExpansionLocation(clang_getDiagnosticLocation(d), &file, &line, &col, NULL);
	CXString msg = clang_getDiagnosticSpelling(d);
	const char *sev = clang_getDiagnosticSeverity(d) == CXDiagnostic_Fatal ? "fatal error" : "error";
	char *where = NULL;
	if (file) {
		char *rp = file_realpath(file);
		char *rel = rp ? cx_path_relative(root, rp) : NULL;
		where = rel ? cx_asprintf("%s:%u:%u: ", rel, line, col) : NULL;
		free(rel);
		free(rp);
	}
	*out = cx_asprintf("%s%s: %s", where ? where : "", sev, clang_getCString(msg));
	free(where);
	clang_disposeString(msg);
	return *out ? 0 : CX_ENOMEM;
}

/* The driver's "unknown argument" (a gcc-only flag the sanitizer does not
 * know yet) has no location: the driver drops the flag and the parse is
 * unaffected, so it does not make the file degraded. */
static bool driver_only(CXDiagnostic d)
{
	CXFile file;
	clang_getExpansionLocation(clang_getDiagnosticLocation(d), &file, NULL, NULL, NULL);
	if (file)
		return false;
	CXString msg = clang_getDiagnosticSpelling(d);
	const char *m = clang_getCString(msg);
	bool drop = m && strncmp(m, "unknown argument", 16) == 0;
	clang_disposeString(msg);
	return drop;
}

static int add_diagnostics(CXTranslationUnit tu, const char *root, struct cx_file *mf)
{
	unsigned nd = clang_getNumDiagnostics(tu);
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
		int rc = 0;
		if (sev >= CXDiagnostic_Error && !driver_only(d)) {
			mf->status = CX_FILE_DEGRADED;
			if (mf->ndiags < CX_MAX_DIAGNOSTICS) {
				char *line = NULL;
				rc = diag_line(d, root, &line);
				if (rc == 0)
					rc = cx_file_add_diag(mf, line);
				free(line);
			}
		}
		clang_disposeDiagnostic(d);
		if (rc)
			return rc;
	}
	return 0;
}

/* Moves function i into its file's output (fs[i].out tells which). */
static int place(struct found *fs, size_t i, struct cx_file **files, size_t *nfiles)
{
	struct cx_file *dst = NULL;
	size_t start = fs[i].main_file ? 0 : 1;
	for (size_t k = start; k < *nfiles && !dst; k++)
		if (strcmp((*files)[k].path, fs[i].realpath) == 0)
			dst = &(*files)[k];
	if (!dst && fs[i].main_file)
		dst = &(*files)[0];
	if (!dst) {
		struct cx_file *nv = realloc(*files, (*nfiles + 1) * sizeof *nv);
		if (!nv)
			return CX_ENOMEM;
		*files = nv;
		dst = &nv[(*nfiles)++];
		memset(dst, 0, sizeof *dst);
		dst->path = fs[i].realpath;
		fs[i].realpath = NULL;
	}
	struct cx_function *nf = realloc(dst->funcs, (dst->nfuncs + 1) * sizeof *nf);
	if (!nf)
		return CX_ENOMEM;
	dst->funcs = nf;
	dst->funcs[dst->nfuncs++] = fs[i].fn;
	memset(&fs[i].fn, 0, sizeof fs[i].fn);
	fs[i].out = (size_t)(dst - *files);
	return 0;
}

/* The suppression comments of an output file, from the bytes libclang
 * parsed. */
static int file_suppressions(CXTranslationUnit tu, CXFile f, struct cx_file *dst)
{
	size_t size = 0;
	const char *text = f ? clang_getFileContents(tu, f, &size) : NULL;
	if (!text)
		return 0;
	return cx_suppressions_scan(text, size, &dst->sups, &dst->nsups);
}

/* Moves the measured functions into per-file outputs, main file first,
 * each with its suppression comments. */
static int assemble(CXTranslationUnit tu, const char *main_path, struct found *fs, size_t n,
                    struct cx_file **files, size_t *nfiles)
{
	int rc = file_suppressions(tu, clang_getFile(tu, main_path), &(*files)[0]);
	size_t first_header = *nfiles;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = place(fs, i, files, nfiles);
	/* each header once, through the first of its functions */
	bool *read = rc == 0 ? calloc(*nfiles + 1, sizeof *read) : NULL;
	if (rc == 0 && !read)
		rc = CX_ENOMEM;
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t k = fs[i].out;
		if (fs[i].main_file || k < first_header || read[k])
			continue;
		read[k] = true;
		rc = file_suppressions(tu, fs[i].file, &(*files)[k]);
	}
	free(read);
	return rc;
}

static int error_file(struct cx_file *mf, const char *fmt, const char *a, const char *b)
{
	char *msg = cx_asprintf(fmt, a, b);
	if (!msg)
		return CX_ENOMEM;
	mf->status = CX_FILE_ERROR;
	int rc = cx_file_add_diag(mf, msg);
	free(msg);
	return rc;
}

/* The text that stands in for path (its name as given or its real path),
 * or NULL. */
static const struct cx_unsaved *unsaved_of(const struct cx_tu_job *job, const char *path,
                                           const char *real)
{
	for (size_t i = 0; i < job->nunsaved; i++)
		if (strcmp(job->unsaved[i].path, path) == 0 ||
		    (real && strcmp(job->unsaved[i].path, real) == 0))
			return &job->unsaved[i];
	return NULL;
}

/* Checks that the main file's text in place of it is reasonably sized
 * and has no NUL byte. */
static int precheck_text(const char *path, const struct cx_unsaved *u, struct cx_file *mf)
{
	if (u->len > CX_MAX_SOURCE_BYTES)
		return error_file(mf, "'%s' is larger than the limit of %s", path, "64 MiB");
	if (memchr(u->data, '\0', u->len))
		return error_file(mf, "'%s' is not a text file (%s)", path, "NUL byte");
	return 1;
}

/* Checks that the main file on disk is a readable, reasonably sized text
 * file. */
static int precheck_file(const char *path, struct cx_file *mf)
{
	struct stat st;
	FILE *fp = NULL;
	if (stat(path, &st) != 0)
		return error_file(mf, "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error_file(mf, "cannot read '%s': %s", path, "not a regular file");
	if ((unsigned long long)st.st_size > CX_MAX_SOURCE_BYTES)
		return error_file(mf, "'%s' is larger than the limit of %s", path, "64 MiB");
	fp = fopen(path, "rb");
	if (!fp)
		return error_file(mf, "cannot read '%s': %s", path, strerror(errno));
	/* a NUL byte anywhere means binary: libclang would parse garbage */
	char buf[65536];
	size_t got;
	bool nul = false;
	while (!nul && (got = fread(buf, 1, sizeof buf, fp)) > 0)
		nul = memchr(buf, '\0', got) != NULL;
	bool err = ferror(fp) != 0;
	fclose(fp);
	if (err)
		return error_file(mf, "cannot read '%s': %s", path, "read error");
	if (nul)
		return error_file(mf, "'%s' is not a text file (%s)", path, "NUL byte");
	return 1;
}

/* Checks the main file, or the text that stands in for it: 1 when it can
 * be parsed, 0 when mf now says why not, CX_ENOMEM. */
static int precheck(const struct cx_tu_job *job, struct cx_file *mf)
{
	const struct cx_unsaved *u = unsaved_of(job, job->path, mf->path);
	return u ? precheck_text(job->path, u, mf) : precheck_file(job->path, mf);
}

static int measure_all(CXTranslationUnit tu, struct collect *col, struct cx_file *mf)
{
	bool limited = false;
	int rc = 0;
	for (size_t i = 0; i < col->n && rc == 0; i++)
		rc = measure(tu, &col->v[i], col->job->macros, &limited);
	bool *rec = rc == 0 ? calloc(col->n ? col->n : 1, sizeof *rec) : NULL;
	if (rc == 0 && !rec)
		rc = CX_ENOMEM;
	if (rc == 0)
		rc = find_recursion(col->v, col->n, rec);
	for (size_t i = 0; i < col->n && rc == 0; i++)
		if (rec[i])
			rc = add_recursion(&col->v[i].fn);
	free(rec);
	if (rc == 0 && limited) {
		mf->status = CX_FILE_DEGRADED;
		rc = cx_file_add_diag(mf, "a function exceeds the AST size or depth limit; "
		                          "measured in part");
	}
	return rc;
}

/* Parses job into *tu with the options every scan uses, the job's texts
 * in place of their files. */
static enum CXErrorCode parse(struct cx_analyzer *self, const struct cx_tu_job *job,
                              CXTranslationUnit *tu)
{
	const char **argv = calloc(job->nargs + 1, sizeof *argv);
	struct CXUnsavedFile *uf = calloc(job->nunsaved + 1, sizeof *uf);
	if (!argv || !uf) {
		free(argv);
		free(uf);
		return CXError_Failure;
	}
	for (size_t i = 0; i < job->nargs; i++)
		argv[i] = job->args[i];
	for (size_t i = 0; i < job->nunsaved; i++)
		uf[i] = (struct CXUnsavedFile){job->unsaved[i].path, job->unsaved[i].data,
		                               (unsigned long)job->unsaved[i].len};
	unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord |
	                CXTranslationUnit_KeepGoing |
	                CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
	enum CXErrorCode ec = clang_parseTranslationUnit2(self->index, job->path, argv,
	                                                  (int)job->nargs, uf,
	                                                  (unsigned)job->nunsaved, opts, tu);
	free(argv);
	free(uf);
	return ec;
}

int cx_analyzer_parse_only(struct cx_analyzer *self, const struct cx_tu_job *job,
                           double *parse_s)
{
	CXTranslationUnit tu = NULL;
	double t0 = cx_mono_s();
	enum CXErrorCode ec = parse(self, job, &tu);
	bool ok = ec == CXError_Success && tu;
	for (unsigned i = 0, n = ok ? clang_getNumDiagnostics(tu) : 0; i < n && ok; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		ok = clang_getDiagnosticSeverity(d) < CXDiagnostic_Error || driver_only(d);
		clang_disposeDiagnostic(d);
	}
	if (tu)
		clang_disposeTranslationUnit(tu);
	*parse_s = cx_mono_s() - t0;
	return ok;
}

struct deps {
	struct cx_strv v;
	struct cx_strv dir, real; /* directories resolved so far, and to what */
	int err;
};

/* Index of the directory nm[0..dl) in dp, resolving and adding it when
 * new; SIZE_MAX when it cannot be (the caller resolves the path whole). */
static size_t dir_index(struct deps *dp, const char *nm, size_t dl)
{
	for (size_t k = 0; k < dp->dir.n; k++)
		if (strncmp(dp->dir.v[k], nm, dl) == 0 && !dp->dir.v[k][dl])
			return k;
	char buf[PATH_MAX];
	char *d = cx_strndup(nm, dl);
	char *rd = d && realpath(d, buf) ? cx_strdup(buf) : NULL;
	/* push_owned frees what it cannot keep; dir and real stay the same
	 * length */
	if (!rd) {
		free(d);
		return SIZE_MAX;
	}
	if (cx_strv_push_owned(&dp->dir, d)) {
		free(rd);
		return SIZE_MAX;
	}
	if (cx_strv_push_owned(&dp->real, rd)) {
		free(dp->dir.v[--dp->dir.n]);
		dp->dir.v[dp->dir.n] = NULL;
		return SIZE_MAX;
	}
	return dp->real.n - 1;
}

/* The real path of an included file with its directory resolved once per
 * TU: realpath() reads every component of every path, and a kernel TU
 * includes some 900 files from a hundred directories. A file that is a
 * symbolic link itself is resolved whole. NULL on ENOMEM. */
static char *dep_realpath(struct deps *dp, CXFile f)
{
	char *r = known_realpath(f);
	if (r)
		return r;
	CXString name = clang_getFileName(f);
	const char *nm = clang_getCString(name);
	const char *slash = nm ? strrchr(nm, '/') : NULL;
	struct stat st;
	if (slash && slash != nm && lstat(nm, &st) == 0 && !S_ISLNK(st.st_mode)) {
		size_t k = dir_index(dp, nm, (size_t)(slash - nm));
		if (k != SIZE_MAX)
			r = cx_asprintf("%s/%s", dp->real.v[k], slash + 1);
	}
	if (!r)
		r = resolve_name(nm);
	clang_disposeString(name);
	return r;
}

static void inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
	struct deps *dp = d;
	if (depth == 0 || dp->err) /* depth 0 is the main file */
		return;
	(void)stack;
	char *rp = dep_realpath(dp, f);
	if (!rp || cx_strv_push_owned(&dp->v, rp))
		dp->err = CX_ENOMEM;
}

/* One run's state, released whatever happened. */
struct run {
	struct cx_file *files;
	size_t nfiles;
	struct collect col;
	struct deps deps;
	CXTranslationUnit tu;
};

/* Everything after a successful parse. */
static int analyse(struct run *r, const struct cx_tu_job *job)
{
	clang_getInclusions(r->tu, inclusion, &r->deps);
	int rc = r->deps.err;
	if (rc == 0)
		rc = add_diagnostics(r->tu, job->root, &r->files[0]);
	if (rc == 0) {
		clang_visitChildren(clang_getTranslationUnitCursor(r->tu), top_level, &r->col);
		rc = r->col.err;
	}
	if (rc == 0)
		rc = measure_all(r->tu, &r->col, &r->files[0]);
	if (rc == 0)
		rc = assemble(r->tu, job->path, r->col.v, r->col.n, &r->files, &r->nfiles);
	return rc;
}

/* Parses and analyses; a file that cannot be parsed is an error file. */
static int parse_and_analyse(struct cx_analyzer *self, struct run *r,
                             const struct cx_tu_job *job, struct cx_tu_out *out)
{
	double t0 = cx_mono_s();
	enum CXErrorCode ec = parse(self, job, &r->tu);
	double t1 = cx_mono_s();
	out->parse_s = t1 - t0;
	if (ec != CXError_Success || !r->tu) {
		const char *why = ec == CXError_Crashed            ? "libclang crashed"
		                  : ec == CXError_InvalidArguments ? "invalid arguments"
		                                                   : "libclang could not parse it";
		return error_file(&r->files[0], "cannot parse '%s': %s", job->path, why);
	}
	int rc = analyse(r, job);
	out->analyze_s = cx_mono_s() - t1;
	return rc;
}

/* Hands the outputs to out and frees the rest. */
static void run_finish(struct run *r, struct cx_tu_out *out)
{
	for (size_t i = 0; i < r->col.n; i++) {
		free(r->col.v[i].realpath);
		free(r->col.v[i].calls);
		cx_function_release(&r->col.v[i].fn);
	}
	free(r->col.v);
	lexical_reset();
	if (r->tu)
		clang_disposeTranslationUnit(r->tu);
	cx_strv_release(&r->deps.dir);
	cx_strv_release(&r->deps.real);
	out->deps = r->deps.v.v;
	out->ndeps = r->deps.v.n;
	out->files = r->files;
	out->nfiles = r->nfiles;
}

int cx_analyzer_run(struct cx_analyzer *self, const struct cx_tu_job *job,
                    cx_header_filter filter, void *filter_arg, struct cx_tu_out *out,
                    struct cx_ctx *ctx)
{
	struct run r = {.nfiles = 1, .col = {.job = job, .filter = filter, .filter_arg = filter_arg}};
	memset(out, 0, sizeof *out);
	if (!(r.files = calloc(1, sizeof *r.files)))
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	char buf[PATH_MAX];
	r.files[0].path = cx_strdup(realpath(job->path, buf) ? buf : job->path);
	int rc = r.files[0].path ? precheck(job, &r.files[0]) : CX_ENOMEM;
	if (rc > 0)
		rc = parse_and_analyse(self, &r, job, out);
	run_finish(&r, out);
	if (rc < 0) {
		cx_tu_out_release(out);
		return cx_error(ctx, rc, "out of memory while analysing '%s'", job->path);
	}
	return 0;
}

static const struct cx_analyzer_api linked_api = {
	.abi = CX_ANALYZER_ABI,
	.global_init = cx_analyzer_global_init,
	.create = cx_analyzer_new,
	.destroy = cx_analyzer_free,
	.run = cx_analyzer_run,
	.parse_only = cx_analyzer_parse_only,
	.clang_version = cx_analyzer_clang_version,
};

const struct cx_analyzer_api *cx_analyzer_api_linked(void)
{
	return &linked_api;
}
