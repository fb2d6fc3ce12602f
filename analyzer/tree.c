/* tree.c: libclang cursors of one function body -> a flat node array.
 *
 * libclang visits the whole body once, depth first (struct dfs); the
 * array is then built breadth-first from that, so that the children of a
 * node are appended together and stay contiguous. This code does not
 * recurse; libclang visits statements and expressions from a work list.
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

#define NONE UINT32_MAX

/* The body's cursors as libclang visits them, depth first, in one call:
 * asking for the children of one node at a time cost a visitor set-up per
 * node, most of the analysis of a TU. Each node links its first child and
 * its next sibling; `stack` is the path from the body to the last node. */
struct dfs {
	CXCursor *c;
	uint32_t *first, *next, *last;
	uint32_t n, cap;
	uint32_t *stack;
	uint32_t depth, stackcap;
	int err; /* CX_ENOMEM; CX_EINVAL when a parent is not on the path */
	bool truncated;
};

struct build {
	struct tree *t;
	CXCursor *cur;   /* cursor of each node, parallel to t->v */
	uint32_t *from;  /* its index in dfs (NONE when visited per node) */
	size_t curcap;
	const struct fn_tokens *ft;
	enum cx_macro_mode mode;
	const struct dfs *dfs; /* NULL: children are asked of libclang per node */
	/* children of the node being expanded */
	CXCursor *kids;
	uint32_t *kfrom;
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

static int add_kid(struct build *b, CXCursor c, uint32_t from)
{
	if (cx_grow2(&b->kids, sizeof *b->kids, &b->kfrom, sizeof *b->kfrom, &b->kidcap,
	             b->nkids + 1))
		return CX_ENOMEM;
	b->kids[b->nkids] = c;
	b->kfrom[b->nkids++] = from;
	return 0;
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct build *b = d;
	if ((b->err = add_kid(b, c, NONE)) != 0)
		return CXChildVisit_Break;
	return CXChildVisit_Continue;
}

/* Whether the visitor's `parent` is cursor x. clang_equalCursors will not
 * do: the body found under the function carries the function as its
 * parent declaration, the same statement passed as a parent does not.
 * A statement or expression is its Stmt, a declaration its Decl. */
static bool same_node(CXCursor x, CXCursor parent)
{
	if (x.kind != parent.kind)
		return false;
	if (clang_isStatement(x.kind) || clang_isExpression(x.kind))
		return x.data[1] == parent.data[1];
	if (clang_isDeclaration(x.kind))
		return x.data[0] == parent.data[0];
	return clang_equalCursors(x, parent);
}

static enum CXChildVisitResult dfs_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	struct dfs *f = d;
	while (f->depth > 0 && !same_node(f->c[f->stack[f->depth - 1]], parent))
		f->depth--;
	if (f->depth == 0) {
		f->err = CX_EINVAL;
		return CXChildVisit_Break;
	}
	if (f->n >= CX_MAX_FUNCTION_NODES) {
		f->truncated = true;
		return CXChildVisit_Break;
	}
	if (f->n == f->cap) {
		uint32_t nc = f->cap * 2;
		CXCursor *c2 = realloc(f->c, nc * sizeof *c2);
		if (c2)
			f->c = c2;
		uint32_t *a = c2 ? realloc(f->first, nc * sizeof *a) : NULL;
		if (a)
			f->first = a;
		uint32_t *n2 = a ? realloc(f->next, nc * sizeof *n2) : NULL;
		if (n2)
			f->next = n2;
		uint32_t *l = n2 ? realloc(f->last, nc * sizeof *l) : NULL;
		if (!l) {
			f->err = CX_ENOMEM;
			return CXChildVisit_Break;
		}
		f->last = l;
		f->cap = nc;
	}
	uint32_t k = f->n++, p = f->stack[f->depth - 1];
	f->c[k] = c;
	f->first[k] = f->next[k] = f->last[k] = NONE;
	if (f->last[p] == NONE)
		f->first[p] = k;
	else
		f->next[f->last[p]] = k;
	f->last[p] = k;
	/* the operands of sizeof/_Alignof are not walked (METRICS.md) */
	if (clang_getCursorKind(c) == CXCursor_UnaryExpr)
		return CXChildVisit_Continue;
	if (f->depth == f->stackcap) {
		uint32_t nc = f->stackcap * 2;
		uint32_t *ns = realloc(f->stack, nc * sizeof *ns);
		if (!ns) {
			f->err = CX_ENOMEM;
			return CXChildVisit_Break;
		}
		f->stack = ns;
		f->stackcap = nc;
	}
	f->stack[f->depth++] = k;
	return CXChildVisit_Recurse;
}

static void dfs_release(struct dfs *f)
{
	free(f->c);
	free(f->first);
	free(f->next);
	free(f->last);
	free(f->stack);
}

/* Visits the whole body: 0, CX_ENOMEM, or CX_EINVAL when libclang named a
 * parent that is not on the path (the caller then asks per node). */
static int dfs_collect(struct dfs *f, CXCursor body)
{
	f->cap = f->stackcap = 256;
	f->c = malloc(f->cap * sizeof *f->c);
	f->first = malloc(f->cap * sizeof *f->first);
	f->next = malloc(f->cap * sizeof *f->next);
	f->last = malloc(f->cap * sizeof *f->last);
	f->stack = malloc(f->stackcap * sizeof *f->stack);
	if (!f->c || !f->first || !f->next || !f->last || !f->stack)
		return CX_ENOMEM;
	f->c[0] = body;
	f->first[0] = f->next[0] = f->last[0] = NONE;
	f->n = 1;
	f->stack[0] = 0;
	f->depth = 1;
	if (clang_getCursorKind(body) != CXCursor_UnaryExpr)
		clang_visitChildren(body, dfs_visit, f);
	return f->err;
}

static int append(struct build *b, CXCursor c, uint32_t from)
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
		if (ncur)
			b->cur = ncur;
		uint32_t *nfrom = ncur ? realloc(b->from, (size_t)nc * sizeof *nfrom) : NULL;
		if (!nfrom)
			return CX_ENOMEM;
		b->from = nfrom;
	}
	enum CXCursorKind ck = clang_getCursorKind(c);
	struct node *n = &t->v[t->n];
	memset(n, 0, sizeof *n);
	n->kind = (uint8_t)base_kind(ck);
	n->is_expr = clang_isExpression(ck) != 0;
	b->cur[t->n] = c;
	b->from[t->n] = from;
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
 * right after its first operand ('&' or '|'; '?' for a conditional). 0
 * when it is not written there (or is another operator). */
static char witness(const struct build *b, CXCursor c, enum CXCursorKind ck)
{
	char want = keyword_class(ck);
	if (want)
		return fn_token_at(b->ft, start_of(c)) == want ? want : 0;
	/* most operators are not && or ||: without such a token in the text,
	 * no operand's extent needs asking for */
	if (ck == CXCursor_BinaryOperator && b->nkids == 2) {
		if (!b->ft->nlogic)
			return 0;
		char t = fn_operator(b->ft, clang_getCursorExtent(b->kids[0]), start_of(b->kids[1]));
		return t == '&' || t == '|' ? t : 0;
	}
	if ((ck == CXCursor_ConditionalOperator && b->nkids == 3) ||
	    (ck == CXCursor_UnexposedExpr && b->nkids == 4))
		/* the `?` before the true branch; a GNU `?:` has the false one at 3 */
		return b->ft->nquestion &&
		               fn_operator(b->ft, clang_getCursorExtent(b->kids[0]),
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
		b->kfrom[1] = b->kfrom[3];
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
	struct dfs f = {0};
	int rc = dfs_collect(&f, body);
	struct build b = {.t = t, .ft = ft, .mode = mode, .dfs = rc == 0 ? &f : NULL};
	if (rc == CX_EINVAL)
		rc = 0; /* ask per node */
	if (rc == 0)
		rc = append(&b, body, 0);
	for (uint32_t i = 0; rc == 0 && i < t->n; i++) {
		struct node *n = &t->v[i];
		b.nkids = 0;
		if (n->kind != NK_SIZEOF) {
			if (b.dfs) {
				for (uint32_t k = f.first[b.from[i]]; k != NONE && rc == 0; k = f.next[k])
					rc = add_kid(&b, f.c[k], k);
			} else {
				clang_visitChildren(b.cur[i], collect, &b);
				rc = b.err;
			}
			if (rc)
				break;
		}
		classify(&b, i);
		if (t->v[i].kind == NK_CALL && (rc = push_call(t, b.cur[i])) != 0)
			break;
		t->v[i].first = t->n;
		for (size_t k = 0; k < b.nkids && rc == 0 && !t->truncated; k++)
			rc = append(&b, b.kids[k], b.kfrom[k]);
		/* append() may have moved t->v */
		t->v[i].nchild = t->n - t->v[i].first;
		if (t->v[i].kind == NK_IF && t->v[i].nchild > 2)
			locate(&t->v[t->v[i].first + 2], b.cur[t->v[i].first + 2]);
	}
	t->truncated |= f.truncated; /* the rest of the body was not visited */
	dfs_release(&f);
	free(b.cur);
	free(b.from);
	free(b.kids);
	free(b.kfrom);
	return rc;
}

void tree_release(struct tree *t)
{
	free(t->v);
	free(t->calls);
	memset(t, 0, sizeof *t);
}
