/* tree.c: libclang cursors of one function body -> a flat node array.
 *
 * Built breadth-first: clang_visitChildren is asked for the direct children
 * of one node at a time (CXChildVisit_Continue), so neither libclang nor
 * this code recurses, whatever the depth of the input. The children of a
 * node are appended together and stay contiguous.
 *
 * Classification needs the macro policy: in ignore mode a decision node
 * counts only when its keyword or operator is a token of the function's
 * text (lexical.c collects those, witness() looks them up); in expand mode every decision node of the AST
 * counts. libclang < 17 cannot tell a BinaryOperator's opcode: the opcode
 * is read off the operator token of the function's text, so with libclang
 * < 17 an `&&`/`||` that comes from a macro body is not seen in expand mode
 * either (with >= 17, clang_getCursorBinaryOperatorKind tells it). */
#include <stdlib.h>
#include <string.h>

#include "cx_limits.h"
#include "cx_util.h"
#include "internal.h"

struct build {
	struct tree *t;
	CXCursor *cur; /* cursor of each node, parallel to t->v */
	size_t curcap;
	const struct fn_tokens *ft;
	enum cx_macro_mode mode;
	/* children of the node being expanded */
	CXCursor *kids;
	size_t nkids, kidcap;
	int err;
};

void loc_line_col(CXSourceLocation loc, unsigned *line, unsigned *col)
{
	clang_getExpansionLocation(loc, NULL, line, col, NULL);
}

uint64_t cursor_usr_hash(CXCursor c)
{
	CXString usr = clang_getCursorUSR(c);
	const char *s = clang_getCString(usr);
	uint64_t h = s && *s ? cx_hash_str(s) : 0;
	clang_disposeString(usr);
	return h;
}

static int push_call(struct tree *t, CXCursor call)
{
	CXCursor ref = clang_getCursorReferenced(call);
	if (clang_getCursorKind(ref) != CXCursor_FunctionDecl)
		return 0;
	uint64_t h = cursor_usr_hash(ref);
	if (!h)
		return 0;
	if (t->ncalls == t->callcap) {
		uint32_t nc = t->callcap ? t->callcap * 2 : 16;
		uint64_t *nv = realloc(t->calls, nc * sizeof *nv);
		if (!nv)
			return CX_ENOMEM;
		t->calls = nv;
		t->callcap = nc;
	}
	t->calls[t->ncalls++] = h;
	return 0;
}

static enum nk base_kind(enum CXCursorKind k)
{
	switch (k) {
	case CXCursor_CompoundStmt: return NK_COMPOUND;
	case CXCursor_IfStmt: return NK_IF;
	case CXCursor_ForStmt: return NK_FOR;
	case CXCursor_WhileStmt: return NK_WHILE;
	case CXCursor_DoStmt: return NK_DO;
	case CXCursor_SwitchStmt: return NK_SWITCH;
	case CXCursor_CaseStmt: return NK_CASE;
	case CXCursor_DefaultStmt: return NK_DEFAULT;
	case CXCursor_LabelStmt: return NK_LABEL;
	case CXCursor_GotoStmt:
	case CXCursor_IndirectGotoStmt: return NK_GOTO;
	case CXCursor_NullStmt: return NK_NULL;
	case CXCursor_DeclStmt: return NK_DECL;
	case CXCursor_ConditionalOperator: return NK_TERNARY;
	case CXCursor_ParenExpr: return NK_PAREN;
	case CXCursor_CallExpr: return NK_CALL;
	case CXCursor_UnaryExpr: return NK_SIZEOF;
	case CXCursor_StmtExpr: return NK_STMT_EXPR;
	default: break;
	}
	if (clang_isStatement(k))
		return NK_STMT;
	if (clang_isExpression(k))
		return NK_EXPR;
	return NK_OTHER;
}

/* BinaryConditionalOperator's children: the common expression, two
 * opaque values standing for it (same extent), the false branch. */
static bool gnu_ternary_shape(const CXCursor *k)
{
	CXSourceRange r = clang_getCursorExtent(k[0]);
	return clang_equalRanges(r, clang_getCursorExtent(k[1])) &&
	       clang_equalRanges(r, clang_getCursorExtent(k[2]));
}

static bool is_decision(enum nk k)
{
	switch (k) {
	case NK_IF: case NK_FOR: case NK_WHILE: case NK_DO: case NK_SWITCH:
	case NK_CASE: case NK_CASE_RANGE: case NK_GOTO: case NK_TERNARY:
	case NK_GNU_TERNARY: case NK_LAND: case NK_LOR:
		return true;
	default:
		return false;
	}
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct build *b = d;
	if (b->nkids == b->kidcap) {
		size_t nc = b->kidcap ? b->kidcap * 2 : 16;
		CXCursor *nv = realloc(b->kids, nc * sizeof *nv);
		if (!nv) {
			b->err = CX_ENOMEM;
			return CXChildVisit_Break;
		}
		b->kids = nv;
		b->kidcap = nc;
	}
	b->kids[b->nkids++] = c;
	return CXChildVisit_Continue;
}

static int append(struct build *b, CXCursor c)
{
	struct tree *t = b->t;
	if (t->n >= CX_MAX_FUNCTION_NODES) {
		t->truncated = true;
		return 0;
	}
	if (t->n == t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 256;
		struct node *nv = realloc(t->v, (size_t)nc * sizeof *nv);
		if (!nv)
			return CX_ENOMEM;
		t->v = nv;
		t->cap = nc;
		CXCursor *ncur = realloc(b->cur, (size_t)nc * sizeof *ncur);
		if (!ncur)
			return CX_ENOMEM;
		b->cur = ncur;
	}
	enum CXCursorKind ck = clang_getCursorKind(c);
	struct node *n = &t->v[t->n];
	memset(n, 0, sizeof *n);
	n->kind = (uint8_t)base_kind(ck);
	n->is_expr = clang_isExpression(ck) != 0;
	b->cur[t->n] = c;
	t->n++;
	return 0;
}

/* The class of the token a node of kind ck must start with, 0 for none. */
static char keyword_class(enum CXCursorKind ck)
{
	switch (ck) {
	case CXCursor_IfStmt: return 'i';
	case CXCursor_ForStmt: return 'f';
	case CXCursor_WhileStmt: return 'w';
	case CXCursor_DoStmt: return 'd';
	case CXCursor_SwitchStmt: return 's';
	case CXCursor_CaseStmt: return 'c';
	case CXCursor_DefaultStmt: return 'D';
	case CXCursor_GotoStmt:
	case CXCursor_IndirectGotoStmt: return 'g';
	case CXCursor_CompoundStmt: return '{';
	case CXCursor_StmtExpr: return '(';
	default: return 0;
	}
}

static CXSourceLocation start_of(CXCursor c)
{
	return clang_getRangeStart(clang_getCursorExtent(c));
}

/* The token of the function's text that witnesses node c (its children
 * in b->kids): its keyword or brace where it starts, or its operator
 * right after its first operand ('&', '|', 'p' another punctuation; '?'
 * for a conditional). 0 when it is not written there. */
static char witness(const struct build *b, CXCursor c, enum CXCursorKind ck)
{
	char want = keyword_class(ck);
	if (want)
		return fn_token_at(b->ft, start_of(c)) == want ? want : 0;
	if (ck == CXCursor_BinaryOperator && b->nkids == 2) {
		char t = fn_operator(b->ft, clang_getCursorExtent(b->kids[0]), start_of(b->kids[1]));
		return t == '&' || t == '|' ? t : t == 'p' || t == '?' || t == '(' || t == '{' ? 'p' : 0;
	}
	if ((ck == CXCursor_ConditionalOperator && b->nkids == 3) ||
	    (ck == CXCursor_UnexposedExpr && b->nkids == 4))
		/* the `?` before the true branch; a GNU `?:` has the false one at 3 */
		return fn_operator(b->ft, clang_getCursorExtent(b->kids[0]),
		                   start_of(b->kids[b->nkids == 4 ? 3 : 1])) == '?'
		               ? '?'
		               : 0;
	return 0;
}

/* Where a node is. Asked only of the nodes that can be reported:
 * statements and decisions have increments and blocks, an else branch
 * (which may be an expression statement) its increment; plain expressions,
 * most nodes, never are. */
static void locate(struct node *n, CXCursor c)
{
	CXSourceRange ext = clang_getCursorExtent(c);
	unsigned line, col, eline;
	loc_line_col(clang_getRangeStart(ext), &line, &col);
	loc_line_col(clang_getRangeEnd(ext), &eline, NULL);
	n->line = line;
	n->column = col;
	n->end_line = eline;
}

/* Final kind and `counted` of node i, now that its children are known. */
static void classify(struct build *b, uint32_t i)
{
	struct node *n = &b->t->v[i];
	CXCursor c = b->cur[i];
	enum CXCursorKind ck = clang_getCursorKind(c);
	char w = witness(b, c, ck);

	if (ck == CXCursor_BinaryOperator && b->nkids == 2) {
		char op = w;
#if CINDEX_VERSION_MINOR >= 64
		/* libclang >= 17 tells the opcode of an operator from a macro body */
		if (!w) {
			enum CXBinaryOperatorKind bk = clang_getCursorBinaryOperatorKind(c);
			op = bk == CXBinaryOperator_LAnd ? '&' : bk == CXBinaryOperator_LOr ? '|' : 0;
		}
#endif
		if (op == '&')
			n->kind = NK_LAND;
		else if (op == '|')
			n->kind = NK_LOR;
	} else if (ck == CXCursor_UnexposedExpr && b->nkids == 4 &&
	           (w == '?' || gnu_ternary_shape(b->kids))) {
		/* GNU `a ?: b`: common, two opaque copies of it, false branch */
		n->kind = NK_GNU_TERNARY;
		b->kids[1] = b->kids[3];
		b->nkids = 2;
	} else if (n->kind == NK_CASE && b->nkids == 3) {
		n->kind = NK_CASE_RANGE;
	}

	if (!n->is_expr || is_decision((enum nk)n->kind) || n->kind == NK_STMT_EXPR)
		locate(n, c);

	/* Whether a statement's own keyword (or brace) is in the function's
	 * text: libclang 14 maps macro-body locations to the expansion, so
	 * the text at that location is the witness. */
	if (is_decision((enum nk)n->kind) || n->kind == NK_COMPOUND || n->kind == NK_STMT_EXPR)
		n->in_macro = w == 0;
	if (b->mode == CX_MACROS_EXPAND)
		n->counted = is_decision((enum nk)n->kind) || n->kind == NK_STMT_EXPR;
	else
		n->counted = (is_decision((enum nk)n->kind) || n->kind == NK_STMT_EXPR) && w;
}

int tree_build(struct tree *t, CXCursor body, const struct fn_tokens *ft,
               enum cx_macro_mode mode)
{
	struct build b = {.t = t, .ft = ft, .mode = mode};
	int rc = append(&b, body);
	for (uint32_t i = 0; rc == 0 && i < t->n; i++) {
		struct node *n = &t->v[i];
		b.nkids = 0;
		if (n->kind != NK_SIZEOF) {
			clang_visitChildren(b.cur[i], collect, &b);
			if (b.err) {
				rc = b.err;
				break;
			}
		}
		classify(&b, i);
		if (t->v[i].kind == NK_CALL && (rc = push_call(t, b.cur[i])) != 0)
			break;
		t->v[i].first = t->n;
		for (size_t k = 0; k < b.nkids && rc == 0 && !t->truncated; k++)
			rc = append(&b, b.kids[k]);
		/* append() may have moved t->v */
		t->v[i].nchild = t->n - t->v[i].first;
		if (t->v[i].kind == NK_IF && t->v[i].nchild > 2)
			locate(&t->v[t->v[i].first + 2], b.cur[t->v[i].first + 2]);
	}
	free(b.cur);
	free(b.kids);
	return rc;
}

void tree_release(struct tree *t)
{
	free(t->v);
	free(t->calls);
	memset(t, 0, sizeof *t);
}
