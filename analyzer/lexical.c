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

/* The class of a token of the function's text: the decision keywords and
 * the punctuation that opens or names a decision, 'p' for any other
 * punctuation, 'x' for anything else. */
static char token_class(CXToken tok, const char *text, size_t size, unsigned off)
{
	static const struct {
		const char *kw;
		char cls;
	} kws[] = {
		{"if", 'i'},     {"for", 'f'},  {"while", 'w'},   {"do", 'd'},
		{"switch", 's'}, {"case", 'c'}, {"default", 'D'}, {"goto", 'g'},
	};
	CXTokenKind tk = clang_getTokenKind(tok);
	if (!text || off >= size)
		return 'x';
	const char *p = text + off;
	size_t left = size - off;
	if (tk == CXToken_Keyword) {
		for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
			size_t n = strlen(kws[i].kw);
			if (left >= n && memcmp(p, kws[i].kw, n) == 0 &&
			    (left == n || !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
			                    (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9'))))
				return kws[i].cls;
		}
		return 'x';
	}
	if (tk != CXToken_Punctuation)
		return 'x';
	if (left >= 2 && p[0] == '&' && p[1] == '&')
		return '&';
	if (left >= 2 && p[0] == '|' && p[1] == '|')
		return '|';
	if (p[0] == '?' || p[0] == '{' || p[0] == '(')
		return p[0];
	return 'p';
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
	/* The operand's end is not where it ends: it ends inside a macro
	 * invoked inside another macro's argument (`NEVER(isOpen(p) && x)`),
	 * and libclang gives the end of the outer invocation, or the start of
	 * the inner one. When what follows is written in that argument (its
	 * expansion location is the outer macro, not itself), the operator is
	 * the token before it. */
	unsigned ex;
	clang_getExpansionLocation(rhs, NULL, NULL, NULL, &ex);
	if (ex == rs || k == 0 || ft->off[k - 1] <= ls)
		return 0;
	return ft->cls[k - 1];
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

/* Makes file_cache.cur the entry of `file`; `hint` is a location in it
 * whose offset is hint_off (the function's name, usually). */
static int load_file(CXTranslationUnit tu, CXFile file, CXSourceLocation hint, unsigned hint_off)
{
	if (file_cache.tu != tu)
		lexical_reset();
	file_cache.tu = tu;
	if (file_cache.cur && file_cache.cur->file == file)
		return 0;
	for (size_t i = 0; i < file_cache.n; i++)
		if (file_cache.v[i].file == file || clang_File_isEqual(file_cache.v[i].file, file)) {
			file_cache.cur = &file_cache.v[i];
			return 0;
		}
	if (!file_cache.have_sk && load_skipped(tu) != 0)
		return CX_ENOMEM;
	if (file_cache.n == file_cache.cap) {
		size_t nc = file_cache.cap ? file_cache.cap * 2 : 32;
		struct file_info *nv = realloc(file_cache.v, nc * sizeof *nv);
		if (!nv)
			return CX_ENOMEM;
		file_cache.v = nv;
		file_cache.cap = nc;
	}
	struct file_info *fi = &file_cache.v[file_cache.n];
	memset(fi, 0, sizeof *fi);
	/* this file's ranges: a run of the sorted list */
	size_t lo = 0, hi = file_cache.nsk;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)file_cache.sk[mid].file < (uintptr_t)file)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
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
	fi->file = file;
	fi->text = clang_getFileContents(tu, file, &fi->size);
	/* offset 0 from the hint, when the hint is a plain location of the
	 * file (checked: clang_getLocationForOffset searches the TU) */
	fi->base = hint;
	fi->base.int_data -= hint_off;
	CXFile f;
	unsigned got = 1;
	if (hint.int_data >= hint_off)
		clang_getFileLocation(fi->base, &f, NULL, NULL, &got);
	if (hint.int_data < hint_off || got != 0 || !f || !clang_File_isEqual(f, file))
		fi->base = clang_getLocationForOffset(tu, file, 0);
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

int lexical_scan(CXTranslationUnit tu, CXCursor fnc, struct cx_function *fn,
                 struct fn_tokens *ft)
{
	struct span sp;
	fn->nloc = fn->tokens = 0;
	if (!function_span(fnc, &sp))
		return 0;
	int rc = load_file(tu, sp.file, clang_getCursorLocation(fnc), sp.from);
	if (rc)
		return rc;
	CXSourceRange r = clang_getRange(file_location(tu, sp.from), file_location(tu, sp.to));
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(tu, r, &toks, &n);
	unsigned char *dir = calloc(sp.nlines, 2); /* directive, has-code */
	if (!dir) {
		rc = CX_ENOMEM;
		goto out;
	}
	ft->file = sp.file;
	ft->from = sp.from;
	ft->to = sp.to;
	const struct file_info *fi = file_cache.cur;
	const char *text = fi->text;
	size_t size = fi->size;
	if (text)
		directive_lines(text, size, sp.from, sp.to, sp.first_line, sp.nlines, dir);
	/* ranges come in file order: start at the first one ending after us */
	unsigned si = 0, hi = fi->n;
	while (si < hi) {
		unsigned mid = si + (hi - si) / 2;
		if (fi->e[mid] <= sp.from)
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
		while (si < fi->n) {
			if (off >= fi->e[si]) {
				si++;
				continue;
			}
			inactive = off >= fi->b[si];
			break;
		}
		if (inactive)
			continue;
		fn->tokens++;
		dir[sp.nlines + line - sp.first_line] = 1;
		rc = add_token(ft, off, token_class(toks[i], text, size, off));
	}
	for (unsigned l = 0; l < sp.nlines; l++)
		fn->nloc += dir[sp.nlines + l];
out:
	free(dir);
	if (toks)
		clang_disposeTokens(tu, toks, n);
	return rc;
}
