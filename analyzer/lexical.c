/* lexical.c: what the text of a function says, as opposed to its AST.
 *
 * - nloc and tokens over [name token, closing brace]: non-comment tokens,
 *   leaving out preprocessor directive lines and inactive (#if 0) code.
 * - the written decision tokens: each `if`, `for`, `&&`, `?`, ... of the
 *   function's text with the cursor clang_annotateTokens attributes it to.
 *   The macro policy (tree.c) counts a decision node in ignore mode only
 *   when it is found here; `&&` vs `==` is also read here, since libclang
 *   < 17 has no API for a binary operator's opcode.
 *
 * The function's extent may begin inside a macro (`API int f(void)`), so
 * both ends are mapped to file offsets before clang_tokenize. */
#include <stdlib.h>
#include <string.h>

#include "cx_err.h"
#include "internal.h"

static int cmp_written(const void *a, const void *b)
{
	unsigned x = ((const struct written *)a)->hash, y = ((const struct written *)b)->hash;
	return x < y ? -1 : x > y;
}

const struct written *written_find(const struct written_set *ws, CXCursor c)
{
	if (!ws || ws->n == 0)
		return NULL;
	unsigned h = clang_hashCursor(c);
	size_t lo = 0, hi = ws->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ws->v[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	enum CXCursorKind k = clang_getCursorKind(c);
	CXSourceRange ext = clang_getCursorExtent(c);
	for (; lo < ws->n && ws->v[lo].hash == h; lo++)
		if (ws->v[lo].kind == k && clang_equalRanges(ws->v[lo].extent, ext))
			return &ws->v[lo];
	return NULL;
}

void written_release(struct written_set *ws)
{
	free(ws->v);
	memset(ws, 0, sizeof *ws);
}

/* The cursor kind a decision keyword must be annotated with to count. */
static enum CXCursorKind keyword_kind(const char *s)
{
	static const struct {
		const char *kw;
		enum CXCursorKind kind;
	} map[] = {
		{"if", CXCursor_IfStmt},         {"for", CXCursor_ForStmt},
		{"while", CXCursor_WhileStmt},   {"do", CXCursor_DoStmt},
		{"switch", CXCursor_SwitchStmt}, {"case", CXCursor_CaseStmt},
		{"default", CXCursor_DefaultStmt}, {"goto", CXCursor_GotoStmt},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i].kw) == 0)
			return map[i].kind;
	return CXCursor_InvalidFile;
}

/* Classifies token i; returns its op code or 0 when it names no decision. */
static char token_op(CXTranslationUnit tu, CXToken tok, CXCursor cur)
{
	enum CXCursorKind ck = clang_getCursorKind(cur);
	CXTokenKind tk = clang_getTokenKind(tok);
	bool interesting = ck == CXCursor_BinaryOperator || ck == CXCursor_ConditionalOperator ||
	                   ck == CXCursor_UnexposedExpr || ck == CXCursor_StmtExpr ||
	                   clang_isStatement(ck);
	if (!interesting || (tk != CXToken_Keyword && tk != CXToken_Punctuation))
		return 0;
	CXString sp = clang_getTokenSpelling(tu, tok);
	const char *s = clang_getCString(sp);
	char op = 0;
	if (!s) {
		op = 0;
	} else if (tk == CXToken_Keyword) {
		enum CXCursorKind want = keyword_kind(s);
		if (want == ck || (want == CXCursor_GotoStmt && ck == CXCursor_IndirectGotoStmt))
			op = 'k';
	} else if ((s[0] == '{' && ck == CXCursor_CompoundStmt) ||
	           (s[0] == '(' && ck == CXCursor_StmtExpr)) {
		op = 'k';
	} else if (ck == CXCursor_BinaryOperator) {
		op = strcmp(s, "&&") == 0 ? '&' : strcmp(s, "||") == 0 ? '|' : 'b';
	} else if (strcmp(s, "?") == 0 &&
	           (ck == CXCursor_ConditionalOperator || ck == CXCursor_UnexposedExpr)) {
		op = '?';
	}
	clang_disposeString(sp);
	return op;
}

static int add_written(struct written_set *ws, CXCursor c, char op)
{
	if (ws->n == ws->cap) {
		size_t nc = ws->cap ? ws->cap * 2 : 64;
		struct written *nv = realloc(ws->v, nc * sizeof *nv);
		if (!nv)
			return CX_ENOMEM;
		ws->v = nv;
		ws->cap = nc;
	}
	struct written *w = &ws->v[ws->n++];
	w->hash = clang_hashCursor(c);
	w->kind = clang_getCursorKind(c);
	w->extent = clang_getCursorExtent(c);
	w->op = op;
	return 0;
}

/* Marks in `dir` (indexed by line - first) the lines of preprocessor
 * directives between offsets [from, to) of the file text. */
static void directive_lines(const char *text, size_t size, size_t from, size_t to,
                            unsigned first, unsigned nlines, unsigned char *dir)
{
	size_t p = from;
	unsigned line = first;
	while (p > 0 && text[p - 1] != '\n')
		p--;
	bool cont = false;
	while (p < to && p < size && line < first + nlines) {
		size_t q = p;
		while (q < size && (text[q] == ' ' || text[q] == '\t'))
			q++;
		bool is_dir = cont || (q < size && text[q] == '#');
		size_t e = q;
		while (e < size && text[e] != '\n')
			e++;
		size_t last = e;
		while (last > p && (text[last - 1] == '\r' || text[last - 1] == ' ' ||
		                    text[last - 1] == '\t'))
			last--;
		if (is_dir)
			dir[line - first] = 1;
		cont = is_dir && last > p && text[last - 1] == '\\';
		p = e + 1;
		line++;
	}
}

struct span {
	CXFile file;
	unsigned from, to;         /* file offsets */
	unsigned first_line, nlines;
};

static bool function_span(CXCursor fnc, struct span *sp)
{
	CXSourceLocation name = clang_getCursorLocation(fnc);
	CXSourceRange ext = clang_getCursorExtent(fnc);
	CXFile f2;
	unsigned l1, l2;
	clang_getExpansionLocation(name, &sp->file, &l1, NULL, &sp->from);
	clang_getExpansionLocation(clang_getRangeEnd(ext), &f2, &l2, NULL, &sp->to);
	if (!sp->file || !f2 || !clang_File_isEqual(sp->file, f2) || sp->to <= sp->from ||
	    l2 < l1)
		return false;
	sp->first_line = l1;
	sp->nlines = l2 - l1 + 1;
	return true;
}

/* The inactive (#if'd out) ranges of one file as offsets, sorted. Asking
 * libclang walks every skipped range of the whole TU, so it is done once
 * per file and TU, not once per function (kernel TUs have thousands of
 * ranges and of inline functions). Per thread: each worker has its TU. */
static _Thread_local struct {
	CXTranslationUnit tu;
	CXFile file;
	unsigned *b, *e, n;
} skip_cache;

void lexical_reset(void)
{
	free(skip_cache.b);
	free(skip_cache.e);
	memset(&skip_cache, 0, sizeof skip_cache);
}

static int load_skipped(CXTranslationUnit tu, CXFile file)
{
	if (skip_cache.tu == tu && skip_cache.file && clang_File_isEqual(skip_cache.file, file))
		return 0;
	lexical_reset();
	CXSourceRangeList *l = clang_getSkippedRanges(tu, file);
	unsigned n = l ? l->count : 0;
	skip_cache.b = malloc((n ? n : 1) * sizeof *skip_cache.b);
	skip_cache.e = malloc((n ? n : 1) * sizeof *skip_cache.e);
	if (!skip_cache.b || !skip_cache.e) {
		if (l)
			clang_disposeSourceRangeList(l);
		lexical_reset();
		return CX_ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		clang_getFileLocation(clang_getRangeStart(l->ranges[i]), NULL, NULL, NULL,
		                      &skip_cache.b[i]);
		clang_getFileLocation(clang_getRangeEnd(l->ranges[i]), NULL, NULL, NULL,
		                      &skip_cache.e[i]);
	}
	if (l)
		clang_disposeSourceRangeList(l);
	skip_cache.n = n;
	skip_cache.tu = tu;
	skip_cache.file = file;
	return 0;
}

int lexical_scan(CXTranslationUnit tu, CXCursor fnc, struct cx_function *fn,
                 struct written_set *ws)
{
	struct span sp;
	fn->nloc = fn->tokens = 0;
	if (!function_span(fnc, &sp))
		return 0;
	CXSourceRange r = clang_getRange(clang_getLocationForOffset(tu, sp.file, sp.from),
	                                 clang_getLocationForOffset(tu, sp.file, sp.to));
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(tu, r, &toks, &n);
	CXCursor *curs = n ? malloc(n * sizeof *curs) : NULL;
	unsigned char *dir = calloc(sp.nlines, 2); /* directive, has-code */
	int rc = 0;
	if ((n && !curs) || !dir) {
		rc = CX_ENOMEM;
		goto out;
	}
	if (n)
		clang_annotateTokens(tu, toks, n, curs);
	size_t size = 0;
	const char *text = clang_getFileContents(tu, sp.file, &size);
	if (text)
		directive_lines(text, size, sp.from, sp.to, sp.first_line, sp.nlines, dir);
	if ((rc = load_skipped(tu, sp.file)) != 0)
		goto out;
	/* ranges come in file order: start at the first one ending after us */
	unsigned si = 0, hi = skip_cache.n;
	while (si < hi) {
		unsigned mid = si + (hi - si) / 2;
		if (skip_cache.e[mid] <= sp.from)
			si = mid + 1;
		else
			hi = mid;
	}
	for (unsigned i = 0; i < n && rc == 0; i++) {
		if (clang_getTokenKind(toks[i]) == CXToken_Comment)
			continue;
		unsigned line, off;
		clang_getFileLocation(clang_getTokenLocation(tu, toks[i]), NULL, &line, NULL, &off);
		if (line < sp.first_line || line >= sp.first_line + sp.nlines ||
		    dir[line - sp.first_line])
			continue;
		bool inactive = false;
		while (si < skip_cache.n) {
			if (off >= skip_cache.e[si]) {
				si++;
				continue;
			}
			inactive = off >= skip_cache.b[si];
			break;
		}
		if (inactive)
			continue;
		fn->tokens++;
		dir[sp.nlines + line - sp.first_line] = 1;
		char op = token_op(tu, toks[i], curs[i]);
		if (op)
			rc = add_written(ws, curs[i], op);
	}
	for (unsigned l = 0; l < sp.nlines; l++)
		fn->nloc += dir[sp.nlines + l];
	if (ws->n > 1)
		qsort(ws->v, ws->n, sizeof *ws->v, cmp_written);
out:
	free(dir);
	free(curs);
	if (toks)
		clang_disposeTokens(tu, toks, n);
	return rc;
}
