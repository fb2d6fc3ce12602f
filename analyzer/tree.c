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

/* Per cursor kind: the node kind of the kinds that have one of their own
 * (no entry is NK_STMT, 0: the other statements get it in base_kind), and
 * the class of the token such a node must start with (lexical.c), 0 for
 * none. */
static const struct {
	uint8_t nk; /* enum nk */
	char kw;
} cursor_kinds[CXCursor_LastStmt + 1] = {
	[CXCursor_CompoundStmt] = {NK_COMPOUND, '{'},
	[CXCursor_IfStmt] = {NK_IF, 'i'},
	[CXCursor_ForStmt] = {NK_FOR, 'f'},
	[CXCursor_WhileStmt] = {NK_WHILE, 'w'},
	[CXCursor_DoStmt] = {NK_DO, 'd'},
	[CXCursor_SwitchStmt] = {NK_SWITCH, 's'},
	[CXCursor_CaseStmt] = {NK_CASE, 'c'},
	[CXCursor_DefaultStmt] = {NK_DEFAULT, 'D'},
	[CXCursor_LabelStmt] = {NK_LABEL, 0},
	[CXCursor_GotoStmt] = {NK_GOTO, 'g'},
	[CXCursor_IndirectGotoStmt] = {NK_GOTO, 'g'},
	[CXCursor_NullStmt] = {NK_NULL, 0},
	[CXCursor_DeclStmt] = {NK_DECL, 0},
	[CXCursor_ConditionalOperator] = {NK_TERNARY, 0},
	[CXCursor_ParenExpr] = {NK_PAREN, 0},
	[CXCursor_CallExpr] = {NK_CALL, 0},
	[CXCursor_UnaryExpr] = {NK_SIZEOF, 0},
	[CXCursor_StmtExpr] = {NK_STMT_EXPR, '('},
};

static bool in_table(enum CXCursorKind k)
{
	return (unsigned)k < sizeof cursor_kinds / sizeof cursor_kinds[0];
}

static enum nk base_kind(enum CXCursorKind k)
{
	if (in_table(k) && cursor_kinds[k].nk != NK_STMT)
		return (enum nk)cursor_kinds[k].nk;
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

/* The node kinds that count or not by the macro policy: the decisions,
 * and statement expressions (a nesting level for cognitive complexity). */
static const bool countable[NK_OTHER + 1] = {
	[NK_IF] = true,          [NK_FOR] = true,        [NK_WHILE] = true,
	[NK_DO] = true,          [NK_SWITCH] = true,     [NK_CASE] = true,
	[NK_CASE_RANGE] = true,  [NK_GOTO] = true,       [NK_TERNARY] = true,
	[NK_GNU_TERNARY] = true, [NK_LAND] = true,       [NK_LOR] = true,
	[NK_STMT_EXPR] = true,
};

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

/* Grows array *p to n items; false on ENOMEM (*p is left as it was). */
static bool realloc_u32(uint32_t **p, uint32_t n)
{
	uint32_t *q = realloc(*p, n * sizeof *q);
	if (q)
		*p = q;
	return q != NULL;
}

/* Room for one more node: 0 or CX_ENOMEM. */
static int dfs_grow(struct dfs *f)
{
	uint32_t nc = f->cap * 2;
	CXCursor *c2 = realloc(f->c, nc * sizeof *c2);
	if (c2)
		f->c = c2;
	if (!c2 || !realloc_u32(&f->first, nc) || !realloc_u32(&f->next, nc) ||
	    !realloc_u32(&f->last, nc))
		return CX_ENOMEM;
	f->cap = nc;
	return 0;
}

/* Node k, cursor c, becomes the last child of node p. */
static void dfs_link(struct dfs *f, uint32_t k, uint32_t p, CXCursor c)
{
	f->c[k] = c;
	f->first[k] = f->next[k] = f->last[k] = NONE;
	if (f->last[p] == NONE)
		f->first[p] = k;
	else
		f->next[f->last[p]] = k;
	f->last[p] = k;
}

/* Node k goes on the path: 0 or CX_ENOMEM. */
static int dfs_push(struct dfs *f, uint32_t k)
{
	if (f->depth == f->stackcap) {
		if (!realloc_u32(&f->stack, f->stackcap * 2))
			return CX_ENOMEM;
		f->stackcap *= 2;
	}
	f->stack[f->depth++] = k;
	return 0;
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
	if (f->n == f->cap && (f->err = dfs_grow(f)) != 0)
		return CXChildVisit_Break;
	uint32_t k = f->n++;
	dfs_link(f, k, f->stack[f->depth - 1], c);
	/* the operands of sizeof/_Alignof are not walked (METRICS.md) */
	if (clang_getCursorKind(c) == CXCursor_UnaryExpr)
		return CXChildVisit_Continue;
	if ((f->err = dfs_push(f, k)) != 0)
		return CXChildVisit_Break;
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
	return in_table(ck) ? cursor_kinds[ck].kw : 0;
}

static CXSourceLocation start_of(CXCursor c)
{
	return clang_getRangeStart(clang_getCursorExtent(c));
}

/* The witness of a binary operator (children in b->kids): its `&&` or
 * `||`. Most operators are neither: without such a token in the text, no
 * operand's extent needs asking for. */
static char logic_witness(const struct build *b)
{
	if (!b->ft->nlogic)
		return 0;
	char t = fn_operator(b->ft, clang_getCursorExtent(b->kids[0]), start_of(b->kids[1]));
	return t == '&' || t == '|' ? t : 0;
}

/* The witness of a conditional: the `?` before the true branch; a GNU
 * `?:` (4 children) has the false one at 3. */
static char question_witness(const struct build *b)
{
	if (!b->ft->nquestion)
		return 0;
	CXCursor next = b->kids[b->nkids == 4 ? 3 : 1];
	char t = fn_operator(b->ft, clang_getCursorExtent(b->kids[0]), start_of(next));
	return t == '?' ? '?' : 0;
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
	if (ck == CXCursor_BinaryOperator && b->nkids == 2)
		return logic_witness(b);
	if ((ck == CXCursor_ConditionalOperator && b->nkids == 3) ||
	    (ck == CXCursor_UnexposedExpr && b->nkids == 4))
		return question_witness(b);
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

/* The kind of a binary operator's node (`kind` so far) whose witness is
 * w: && and || are decisions. */
static enum nk binary_kind(CXCursor c, char w, enum nk kind)
{
	char op = w;
#if CINDEX_VERSION_MINOR >= 64
	/* libclang >= 17 tells the opcode of an operator from a macro body */
	if (!w) {
		enum CXBinaryOperatorKind bk = clang_getCursorBinaryOperatorKind(c);
		op = bk == CXBinaryOperator_LAnd ? '&' : bk == CXBinaryOperator_LOr ? '|' : 0;
	}
#else
	(void)c;
#endif
	if (op == '&')
		return NK_LAND;
	if (op == '|')
		return NK_LOR;
	return kind;
}

/* The kinds that the cursor kind alone does not tell, from the children
 * (b->kids) and the witness w of node n: &&, ||, GNU `?:`, case ranges. */
static void refine_kind(struct build *b, struct node *n, CXCursor c, enum CXCursorKind ck,
                        char w)
{
	if (ck == CXCursor_BinaryOperator && b->nkids == 2) {
		n->kind = (uint8_t)binary_kind(c, w, (enum nk)n->kind);
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
}

/* Final kind and `counted` of node i, now that its children are known. */
static void classify(struct build *b, uint32_t i)
{
	struct node *n = &b->t->v[i];
	CXCursor c = b->cur[i];
	enum CXCursorKind ck = clang_getCursorKind(c);
	char w = witness(b, c, ck);
	refine_kind(b, n, c, ck, w);
	bool can_count = countable[n->kind];
	if (!n->is_expr || can_count)
		locate(n, c);
	/* Whether a statement's own keyword (or brace) is in the function's
	 * text: libclang 14 maps macro-body locations to the expansion, so
	 * the text at that location is the witness. */
	if (can_count || n->kind == NK_COMPOUND)
		n->in_macro = w == 0;
	n->counted = can_count && (b->mode == CX_MACROS_EXPAND || w);
}

/* The children of node i into b->kids: from the depth-first visit, or
 * asked of libclang. */
static int gather_kids(struct build *b, uint32_t i)
{
	b->nkids = 0;
	if (b->t->v[i].kind == NK_SIZEOF)
		return 0;
	if (!b->dfs) {
		clang_visitChildren(b->cur[i], collect, b);
		return b->err;
	}
	int rc = 0;
	for (uint32_t k = b->dfs->first[b->from[i]]; k != NONE && rc == 0; k = b->dfs->next[k])
		rc = add_kid(b, b->dfs->c[k], k);
	return rc;
}

/* Node i, its children gathered: classified, and its children appended
 * (its else branch located). */
static int finish_node(struct build *b, uint32_t i)
{
	struct tree *t = b->t;
	classify(b, i);
	int rc = t->v[i].kind == NK_CALL ? push_call(t, b->cur[i]) : 0;
	if (rc)
		return rc;
	t->v[i].first = t->n;
	for (size_t k = 0; k < b->nkids && rc == 0 && !t->truncated; k++)
		rc = append(b, b->kids[k], b->kfrom[k]);
	/* append() may have moved t->v */
	t->v[i].nchild = t->n - t->v[i].first;
	if (t->v[i].kind == NK_IF && t->v[i].nchild > 2)
		locate(&t->v[t->v[i].first + 2], b->cur[t->v[i].first + 2]);
	return rc;
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
		rc = gather_kids(&b, i);
		if (rc == 0)
			rc = finish_node(&b, i);
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
