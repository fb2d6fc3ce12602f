/* lexical.c: what the text of a function says, as opposed to its AST.
 *
 * - nloc and tokens over [name token, closing brace]: non-comment tokens,
 *   leaving out preprocessor directive lines and inactive (#if 0) code.
 * - the active tokens themselves (file offset and class), which witness
 *   whether a decision is written in the function's text: the macro policy
 *   (tree.c) counts a decision node in ignore mode only when its keyword
 *   token starts where the node starts, or its operator token is the first
 *   token after its left operand. libclang maps a location in a macro body
 *   to the macro's name, in a macro argument to the argument's text
 *   (clang_getFileLocation), so a keyword from a macro body is never found
 *   there. `&&` vs `==` is also read here, since libclang < 17 has no API
 *   for a binary operator's opcode.
 *
 *   (An earlier version asked clang_annotateTokens for the cursor of each
 *   token, once per function: each call walks every top-level declaration
 *   of the TU, 1.5 ms on a kernel TU, 9 of 10 s of analysing
 *   fs/ext4/inode.c with its 5,756 functions.)
 *
 * The function's extent may begin inside a macro (`API int f(void)`), so
 * both ends are mapped to file offsets before clang_tokenize. */
#include <stdlib.h>
#include <string.h>

#include "cx_err.h"
#include "cx_util.h"
#include "internal.h"

/* ---- the function's active tokens ---- */

static bool is_ident_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The class of the keyword at p (`left` bytes of text from there): the
 * decision keywords, 'x' for the others. */
static char decision_keyword(const char *p, size_t left)
{
	static const struct {
		const char *kw;
		char cls;
	} kws[] = {
		{"if", 'i'},     {"for", 'f'},  {"while", 'w'},   {"do", 'd'},
		{"switch", 's'}, {"case", 'c'}, {"default", 'D'}, {"goto", 'g'},
	};
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
		size_t n = strlen(kws[i].kw);
		if (left >= n && memcmp(p, kws[i].kw, n) == 0 &&
		    (left == n || !is_ident_char(p[n])))
			return kws[i].cls;
	}
	return 'x';
}

/* The class of the punctuation at p: the punctuation that opens or names
 * a decision, 'p' for any other. */
static char punct_class(const char *p, size_t left)
{
	if (left >= 2 && p[0] == '&' && p[1] == '&')
		return '&';
	if (left >= 2 && p[0] == '|' && p[1] == '|')
		return '|';
	if (p[0] == '?' || p[0] == '{' || p[0] == '(')
		return p[0];
	return 'p';
}

/* The class of a token of the function's text: the decision keywords and
 * the punctuation that opens or names a decision, 'p' for any other
 * punctuation, 'x' for anything else. */
static char token_class(CXToken tok, const char *text, size_t size, unsigned off)
{
	CXTokenKind tk = clang_getTokenKind(tok);
	if (!text || off >= size)
		return 'x';
	if (tk == CXToken_Keyword)
		return decision_keyword(text + off, size - off);
	if (tk == CXToken_Punctuation)
		return punct_class(text + off, size - off);
	return 'x';
}

static int add_token(struct fn_tokens *ft, unsigned off, char cls)
{
	if (cx_grow2(&ft->off, sizeof *ft->off, &ft->cls, 1, &ft->cap, ft->n + 1))
		return CX_ENOMEM;
	ft->off[ft->n] = off;
	ft->cls[ft->n++] = cls;
	ft->nlogic += cls == '&' || cls == '|';
	ft->nquestion += cls == '?';
	return 0;
}

void fn_tokens_release(struct fn_tokens *ft)
{
	free(ft->off);
	free(ft->cls);
	memset(ft, 0, sizeof *ft);
}

/* Index of the first active token at or after the file location of loc,
 * or ft->n when there is none or loc is not in the function's text; *off
 * gets loc's offset. */
static size_t first_at(const struct fn_tokens *ft, CXSourceLocation loc, unsigned *off)
{
	CXFile f;
	clang_getFileLocation(loc, &f, NULL, NULL, off);
	if (!ft->file || !f || !clang_File_isEqual(f, ft->file) || *off < ft->from ||
	    *off > ft->to)
		return ft->n;
	size_t lo = 0, hi = ft->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ft->off[mid] < *off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

char fn_token_at(const struct fn_tokens *ft, CXSourceLocation loc)
{
	unsigned off;
	size_t i = first_at(ft, loc, &off);
	return i < ft->n && ft->off[i] == off ? ft->cls[i] : 0;
}

/* The operator token of fn_operator when the left operand's end is not
 * where it ends: it ends inside a macro invoked inside another macro's
 * argument (`NEVER(isOpen(p) && x)`), and libclang gives the end of the
 * outer invocation, or the start of the inner one. When what follows
 * (rhs, at offset rs, active token k) is written in that argument (its
 * expansion location is the outer macro, not itself), the operator is the
 * token before it, if that comes after the operand's start ls. */
static char operator_before(const struct fn_tokens *ft, CXSourceLocation rhs, unsigned rs,
                            size_t k, unsigned ls)
{
	unsigned ex;
	clang_getExpansionLocation(rhs, NULL, NULL, NULL, &ex);
	if (ex == rs || k == 0 || ft->off[k - 1] <= ls)
		return 0;
	return ft->cls[k - 1];
}

char fn_operator(const struct fn_tokens *ft, CXSourceRange lhs, CXSourceLocation rhs)
{
	unsigned ls, le, rs;
	size_t i = first_at(ft, clang_getRangeStart(lhs), &ls);
	size_t k = first_at(ft, rhs, &rs);
	if (i == ft->n || k == ft->n || ft->off[k] != rs || ls >= rs)
		return 0;
	size_t j = first_at(ft, clang_getRangeEnd(lhs), &le);
	if (j < ft->n && ls < le && le <= rs)
		return j < k ? ft->cls[j] : 0; /* the first token after the operand */
	return operator_before(ft, rhs, rs, k, ls);
}

/* Offset of the start of the line that holds offset p. */
static size_t line_start(const char *text, size_t p)
{
	while (p > 0 && text[p - 1] != '\n')
		p--;
	return p;
}

/* Offset of the end ('\n' or size) of the line that holds offset p < size. */
static size_t line_end(const char *text, size_t size, size_t p)
{
	const char *nl = memchr(text + p, '\n', size - p);
	return nl ? (size_t)(nl - text) : size;
}

/* Whether the line starting at p opens a directive: '#' after blanks. */
static bool hash_line(const char *text, size_t size, size_t p)
{
	while (p < size && (text[p] == ' ' || text[p] == '\t'))
		p++;
	return p < size && text[p] == '#';
}

/* Whether the line [p, e) ends with a backslash (trailing blanks aside):
 * a directive on it goes on on the next line. */
static bool continued(const char *text, size_t p, size_t e)
{
	while (e > p && (text[e - 1] == '\r' || text[e - 1] == ' ' || text[e - 1] == '\t'))
		e--;
	return e > p && text[e - 1] == '\\';
}

/* Marks in `dir` (indexed by line - first) the lines of preprocessor
 * directives between offsets [from, to) of the file text. */
static void directive_lines(const char *text, size_t size, size_t from, size_t to,
                            unsigned first, unsigned nlines, unsigned char *dir)
{
	size_t p = line_start(text, from);
	bool cont = false;
	for (unsigned line = first; p < to && p < size && line < first + nlines; line++) {
		bool is_dir = cont || hash_line(text, size, p);
		size_t e = line_end(text, size, p);
		if (is_dir)
			dir[line - first] = 1;
		cont = is_dir && continued(text, p, e);
		p = e + 1;
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

/* What lexical_scan needs of one file, asked of libclang once per file and
 * TU rather than once per function: libclang finds a CXFile's FileID by a
 * linear search over every source location entry of the TU (each macro
 * expansion has one; a kernel TU has hundreds of thousands), and walks
 * every skipped range of the TU to list one file's. Per thread: each
 * worker has its TU.
 * - the inactive (#if'd out) ranges as offsets, sorted;
 * - the file's text;
 * - the location of its offset 0: the location of offset k is that plus k
 *   (libclang's locations of one file are consecutive numbers); every
 *   location made so is checked against clang_getFileLocation, and
 *   clang_getLocationForOffset is asked when that does not hold. */
struct file_info {
	CXFile file;
	unsigned *b, *e, n;
	const char *text;
	size_t size;
	CXSourceLocation base;
};

/* A skipped range of the TU, in file offsets. */
struct skipped {
	CXFile file;
	unsigned b, e;
};

static _Thread_local struct {
	CXTranslationUnit tu;
	struct file_info *v;
	size_t n, cap;
	struct file_info *cur; /* the file of the last function */
	struct skipped *sk;    /* every skipped range of the TU, by file, offset */
	size_t nsk;
	bool have_sk;
} file_cache;

void lexical_reset(void)
{
	for (size_t i = 0; i < file_cache.n; i++) {
		free(file_cache.v[i].b);
		free(file_cache.v[i].e);
	}
	free(file_cache.v);
	free(file_cache.sk);
	memset(&file_cache, 0, sizeof file_cache);
}

static int cmp_skipped(const void *a, const void *b)
{
	const struct skipped *x = a, *y = b;
	if (x->file != y->file)
		return (uintptr_t)x->file < (uintptr_t)y->file ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

/* Every skipped range of the TU at once: asking per file walks them all
 * (and looks the file up) each time. */
static int load_skipped(CXTranslationUnit tu)
{
	CXSourceRangeList *l = clang_getAllSkippedRanges(tu);
	unsigned n = l ? l->count : 0;
	file_cache.sk = malloc((n ? n : 1) * sizeof *file_cache.sk);
	if (!file_cache.sk) {
		if (l)
			clang_disposeSourceRangeList(l);
		return CX_ENOMEM;
	}
	size_t k = 0;
	for (unsigned i = 0; i < n; i++) {
		struct skipped *r = &file_cache.sk[k];
		CXFile f2;
		clang_getFileLocation(clang_getRangeStart(l->ranges[i]), &r->file, NULL, NULL, &r->b);
		clang_getFileLocation(clang_getRangeEnd(l->ranges[i]), &f2, NULL, NULL, &r->e);
		k += r->file && f2 == r->file && r->e >= r->b;
	}
	if (l)
		clang_disposeSourceRangeList(l);
	if (k > 1)
		qsort(file_cache.sk, k, sizeof *file_cache.sk, cmp_skipped);
	file_cache.nsk = k;
	file_cache.have_sk = true;
	return 0;
}

/* The cached entry of `file`, NULL when there is none yet. */
static struct file_info *cached_file(CXFile file)
{
	if (file_cache.cur && file_cache.cur->file == file)
		return file_cache.cur;
	for (size_t i = 0; i < file_cache.n; i++)
		if (file_cache.v[i].file == file || clang_File_isEqual(file_cache.v[i].file, file))
			return &file_cache.v[i];
	return NULL;
}

/* Index of the first skipped range of `file` in the sorted list (of the
 * first range of a later file when it has none). */
static size_t first_skipped(CXFile file)
{
	size_t lo = 0, hi = file_cache.nsk;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)file_cache.sk[mid].file < (uintptr_t)file)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* fi's inactive ranges: the run of file's in the sorted list of the TU's. */
static int file_ranges(struct file_info *fi, CXFile file)
{
	size_t lo = first_skipped(file), end = lo;
	while (end < file_cache.nsk && file_cache.sk[end].file == file)
		end++;
	unsigned n = (unsigned)(end - lo);
	fi->b = malloc((n ? n : 1) * sizeof *fi->b);
	fi->e = malloc((n ? n : 1) * sizeof *fi->e);
	if (!fi->b || !fi->e) {
		free(fi->b);
		free(fi->e);
		return CX_ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		fi->b[i] = file_cache.sk[lo + i].b;
		fi->e[i] = file_cache.sk[lo + i].e;
	}
	fi->n = n;
	return 0;
}

/* The location of offset 0 of `file`: from `hint`, a location in it whose
 * offset is hint_off, when the hint is a plain location of the file
 * (checked: clang_getLocationForOffset searches the TU). */
static CXSourceLocation file_base(CXTranslationUnit tu, CXFile file, CXSourceLocation hint,
                                  unsigned hint_off)
{
	if (hint.int_data < hint_off)
		return clang_getLocationForOffset(tu, file, 0);
	CXSourceLocation base = hint;
	base.int_data -= hint_off;
	CXFile f;
	unsigned got;
	clang_getFileLocation(base, &f, NULL, NULL, &got);
	if (got != 0 || !f || !clang_File_isEqual(f, file))
		return clang_getLocationForOffset(tu, file, 0);
	return base;
}

/* Makes file_cache.cur the entry of `file`; `hint` is a location in it
 * whose offset is hint_off (the function's name, usually). */
static int load_file(CXTranslationUnit tu, CXFile file, CXSourceLocation hint, unsigned hint_off)
{
	if (file_cache.tu != tu)
		lexical_reset();
	file_cache.tu = tu;
	struct file_info *fi = cached_file(file);
	if (fi) {
		file_cache.cur = fi;
		return 0;
	}
	if (!file_cache.have_sk && load_skipped(tu) != 0)
		return CX_ENOMEM;
	if (cx_grow(&file_cache.v, &file_cache.cap, file_cache.n + 1, sizeof *file_cache.v))
		return CX_ENOMEM;
	file_cache.cur = NULL; /* file_cache.v may have moved */
	fi = &file_cache.v[file_cache.n];
	memset(fi, 0, sizeof *fi);
	if (file_ranges(fi, file) != 0)
		return CX_ENOMEM;
	fi->file = file;
	fi->text = clang_getFileContents(tu, file, &fi->size);
	fi->base = file_base(tu, file, hint, hint_off);
	file_cache.cur = fi;
	file_cache.n++;
	return 0;
}

/* The location of offset off of the cached file. */
static CXSourceLocation file_location(CXTranslationUnit tu, unsigned off)
{
	const struct file_info *fi = file_cache.cur;
	CXSourceLocation loc = fi->base;
	if (loc.int_data && loc.int_data + off > loc.int_data) {
		loc.int_data += off;
		CXFile f;
		unsigned got;
		clang_getFileLocation(loc, &f, NULL, NULL, &got);
		if (got == off && f && clang_File_isEqual(f, fi->file))
			return loc;
	}
	return clang_getLocationForOffset(tu, fi->file, off);
}

/* Index of the first of fi's inactive ranges that ends after offset off. */
static unsigned first_range_after(const struct file_info *fi, unsigned off)
{
	unsigned lo = 0, hi = fi->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (fi->e[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether offset off is inactive code; *si is the first range that can
 * hold it (offsets are asked in increasing order). */
static bool inactive_at(const struct file_info *fi, unsigned *si, unsigned off)
{
	while (*si < fi->n && off >= fi->e[*si])
		(*si)++;
	return *si < fi->n && off >= fi->b[*si];
}

/* One function's scan. dir[l] tells that line first_line + l is a
 * directive's, dir[nlines + l] that it holds a counted token. */
struct scan {
	struct span sp;
	const struct file_info *fi;
	unsigned char *dir;
	unsigned si; /* the first inactive range that can hold the next token */
};

/* Counts token tok and adds it to ft, unless it is a comment, outside the
 * span, on a directive line or inactive. */
static int scan_token(struct scan *s, CXTranslationUnit tu, CXToken tok,
                      struct cx_function *fn, struct fn_tokens *ft)
{
	if (clang_getTokenKind(tok) == CXToken_Comment)
		return 0;
	unsigned line, off;
	clang_getFileLocation(clang_getTokenLocation(tu, tok), NULL, &line, NULL, &off);
	if (line < s->sp.first_line || line >= s->sp.first_line + s->sp.nlines ||
	    s->dir[line - s->sp.first_line])
		return 0;
	if (inactive_at(s->fi, &s->si, off))
		return 0;
	fn->tokens++;
	s->dir[s->sp.nlines + line - s->sp.first_line] = 1;
	return add_token(ft, off, token_class(tok, s->fi->text, s->fi->size, off));
}

int lexical_scan(CXTranslationUnit tu, CXCursor fnc, struct cx_function *fn,
                 struct fn_tokens *ft)
{
	struct scan s;
	fn->nloc = fn->tokens = 0;
	if (!function_span(fnc, &s.sp))
		return 0;
	int rc = load_file(tu, s.sp.file, clang_getCursorLocation(fnc), s.sp.from);
	if (rc)
		return rc;
	CXSourceRange r = clang_getRange(file_location(tu, s.sp.from), file_location(tu, s.sp.to));
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(tu, r, &toks, &n);
	s.dir = calloc(s.sp.nlines, 2); /* directive, has-code */
	if (!s.dir) {
		rc = CX_ENOMEM;
		goto out;
	}
	ft->file = s.sp.file;
	ft->from = s.sp.from;
	ft->to = s.sp.to;
	s.fi = file_cache.cur;
	if (s.fi->text)
		directive_lines(s.fi->text, s.fi->size, s.sp.from, s.sp.to, s.sp.first_line,
		                s.sp.nlines, s.dir);
	/* ranges come in file order: start at the first one ending after us */
	s.si = first_range_after(s.fi, s.sp.from);
	for (unsigned i = 0; i < n && rc == 0; i++)
		rc = scan_token(&s, tu, toks[i], fn, ft);
	for (unsigned l = 0; l < s.sp.nlines; l++)
		fn->nloc += s.dir[s.sp.nlines + l];
out:
	free(s.dir);
	if (toks)
		clang_disposeTokens(tu, toks, n);
	return rc;
}
