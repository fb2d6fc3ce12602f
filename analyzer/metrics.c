/* metrics.c: cyclomatic, NPATH, cognitive, nesting and statement counts of
 * one function's node tree, exactly as METRICS.md defines them.
 *
 * One walk (walk/if_chain/nest_construct) computes ccn, ccn_modified,
 * cognitive complexity, max nesting, the control blocks and the list of
 * increments; np/npe compute NPATH; ncss counts statements. All recurse on
 * the tree, bounded by CX_MAX_AST_DEPTH, and run on the analyzer's
 * large-stack thread. A node that does not count in the current macro mode
 * is transparent: it adds no increment, no nesting, and (NPATH) no path of
 * its own, while what is written inside it still counts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_limits.h"
#include "internal.h"

struct walk {
	const struct tree *t;
	uint32_t ccn, ccn_mod, cog, max_nest;
	struct cx_block *blocks;
	size_t nblocks, bcap;
	struct cx_increment *incs;
	size_t nincs, icap;
	int err;
};

#define CHILD(w, n, k) ((n)->first + (uint32_t)(k))
#define LAST(w, n) ((n)->first + (n)->nchild - 1u)

static bool too_deep(struct walk *w, unsigned level)
{
	if (level <= CX_MAX_AST_DEPTH)
		return false;
	if (!w->err)
		w->err = CX_ELIMIT;
	return true;
}

static void add_inc(struct walk *w, enum cx_kind kind, const struct node *n,
                    unsigned ccn, unsigned cog, unsigned nesting)
{
	w->ccn += ccn;
	if (kind != CX_K_CASE)
		w->ccn_mod += ccn;
	w->cog += cog;
	if (w->nincs == w->icap) {
		size_t nc = w->icap ? w->icap * 2 : 32;
		struct cx_increment *nv = realloc(w->incs, nc * sizeof *nv);
		if (!nv) {
			w->err = CX_ENOMEM;
			return;
		}
		w->incs = nv;
		w->icap = nc;
	}
	struct cx_increment *in = &w->incs[w->nincs++];
	in->kind = kind;
	in->line = n->line;
	in->column = n->column;
	in->ccn = (uint16_t)ccn;
	in->cognitive = (uint16_t)(cog > UINT16_MAX ? UINT16_MAX : cog);
	in->nesting = (uint16_t)(nesting > UINT16_MAX ? UINT16_MAX : nesting);
}

/* Opens a block; returns its index or SIZE_MAX on ENOMEM. */
static size_t open_block(struct walk *w, enum cx_kind kind, const struct node *n,
                         unsigned depth)
{
	if (w->nblocks == w->bcap) {
		size_t nc = w->bcap ? w->bcap * 2 : 16;
		struct cx_block *nv = realloc(w->blocks, nc * sizeof *nv);
		if (!nv) {
			w->err = CX_ENOMEM;
			return SIZE_MAX;
		}
		w->blocks = nv;
		w->bcap = nc;
	}
	struct cx_block *b = &w->blocks[w->nblocks];
	b->kind = kind;
	b->line = n->line;
	b->end_line = n->end_line;
	b->depth = depth;
	/* hold the totals at opening; close_block turns them into deltas */
	b->ccn = w->ccn;
	b->cognitive = w->cog;
	if (depth > w->max_nest)
		w->max_nest = depth;
	return w->nblocks++;
}

static void close_block(struct walk *w, size_t bi)
{
	if (bi == SIZE_MAX)
		return;
	struct cx_block *b = &w->blocks[bi];
	b->ccn = w->ccn - b->ccn;
	b->cognitive = w->cog - b->cognitive;
}

static void walk(struct walk *w, uint32_t i, unsigned N, unsigned depth, int seq,
                 unsigned level);

static void walk_children(struct walk *w, const struct node *n, unsigned N,
                          unsigned depth, int seq, unsigned level)
{
	for (uint32_t k = 0; k < n->nchild && !w->err; k++)
		walk(w, CHILD(w, n, k), N, depth, seq, level);
}

/* An if heading a chain: the chain's else-ifs are walked here, iteratively,
 * at the head's nesting level. */
static void if_chain(struct walk *w, uint32_t i, unsigned N, unsigned depth,
                     unsigned level)
{
	const struct node *n = &w->t->v[i];
	size_t bi = open_block(w, CX_K_IF, n, depth + 1);
	add_inc(w, CX_K_IF, n, 1, 1 + N, N);
	walk(w, CHILD(w, n, 0), N, depth, 0, level + 1);
	walk(w, CHILD(w, n, 1), N + 1, depth + 1, 0, level + 1);
	while (n->nchild > 2 && !w->err) {
		const struct node *e = &w->t->v[CHILD(w, n, 2)];
		if (e->kind == NK_IF && e->counted && e->nchild >= 2) {
			add_inc(w, CX_K_ELSE_IF, e, 1, 1, N);
			walk(w, CHILD(w, e, 0), N + 1, depth, 0, level + 1);
			walk(w, CHILD(w, e, 1), N + 1, depth + 1, 0, level + 1);
			n = e;
			continue;
		}
		add_inc(w, CX_K_ELSE, e, 0, 1, N);
		walk(w, CHILD(w, n, 2), N + 1, depth + 1, 0, level + 1);
		break;
	}
	close_block(w, bi);
}

/* How walk() takes a counted node of each kind, and the kind and ccn of
 * its increment; W_INC's cognitive increment is `cog`. */
enum walk_how {
	W_PLAIN,     /* no increment */
	W_IF,        /* heads an if chain (with a then-branch) */
	W_NEST,      /* for, while, do, switch: all inside nested */
	W_INC,       /* a flat increment, children as they are */
	W_TERNARY,   /* +1 + N, children nested */
	W_LOGIC,     /* && or ||: +1 per change of operator in a sequence */
	W_STMT_EXPR, /* no increment, children nested */
};

static const struct {
	uint8_t how;  /* enum walk_how */
	uint8_t kind; /* enum cx_kind */
	uint8_t ccn, cog;
} walk_of[NK_OTHER + 1] = {
	[NK_IF] = {W_IF, CX_K_IF, 1, 0},
	[NK_FOR] = {W_NEST, CX_K_FOR, 1, 0},
	[NK_WHILE] = {W_NEST, CX_K_WHILE, 1, 0},
	[NK_DO] = {W_NEST, CX_K_DO, 1, 0},
	[NK_SWITCH] = {W_NEST, CX_K_SWITCH, 0, 0}, /* ccn_modified only */
	[NK_CASE] = {W_INC, CX_K_CASE, 1, 0},
	[NK_CASE_RANGE] = {W_INC, CX_K_CASE, 1, 0},
	[NK_GOTO] = {W_INC, CX_K_GOTO, 0, 1},
	[NK_TERNARY] = {W_TERNARY, CX_K_TERNARY, 1, 0},
	[NK_GNU_TERNARY] = {W_INC, CX_K_GNU_TERNARY, 1, 0},
	[NK_LAND] = {W_LOGIC, CX_K_AND, 1, 0},
	[NK_LOR] = {W_LOGIC, CX_K_OR, 1, 0},
	[NK_STMT_EXPR] = {W_STMT_EXPR, CX_K_STMT_EXPR, 0, 0},
};

/* for, while, do, switch: +1 + N, everything inside one level deeper. */
static void nest_construct(struct walk *w, uint32_t i, unsigned N, unsigned depth,
                           unsigned level)
{
	const struct node *n = &w->t->v[i];
	enum cx_kind kind = walk_of[n->kind].kind;
	size_t bi = open_block(w, kind, n, depth + 1);
	if (kind == CX_K_SWITCH)
		w->ccn_mod++;
	add_inc(w, kind, n, walk_of[n->kind].ccn, 1 + N, N);
	walk_children(w, n, N + 1, depth + 1, 0, level + 1);
	close_block(w, bi);
}

/* The increment of a node that walk() walks through (`how` it takes it);
 * *N and *seq become those its children are walked at. */
static void increment(struct walk *w, const struct node *n, enum walk_how how, unsigned *N,
                      int *seq)
{
	enum cx_kind kind = walk_of[n->kind].kind;
	unsigned ccn = walk_of[n->kind].ccn;
	switch (how) {
	case W_INC:
		add_inc(w, kind, n, ccn, walk_of[n->kind].cog, *N);
		break;
	case W_TERNARY:
		add_inc(w, kind, n, ccn, 1 + *N, *N);
		++*N;
		break;
	case W_LOGIC:
		/* a sequence of like operators costs 1; each change +1 */
		add_inc(w, kind, n, ccn, *seq != n->kind, *N);
		*seq = n->kind;
		break;
	case W_STMT_EXPR:
		++*N;
		*seq = 0;
		break;
	default:
		break;
	}
}

/* Whether the children of n start a new sequence of logical operators:
 * a call's arguments and a statement's do. */
static bool new_sequence(const struct node *n)
{
	return n->kind == NK_CALL || (!n->is_expr && n->kind != NK_OTHER);
}

static void walk(struct walk *w, uint32_t i, unsigned N, unsigned depth, int seq,
                 unsigned level)
{
	if (w->err || too_deep(w, level))
		return;
	const struct node *n = &w->t->v[i];
	enum walk_how how = n->counted ? (enum walk_how)walk_of[n->kind].how : W_PLAIN;
	if (how == W_IF && n->nchild >= 2) {
		if_chain(w, i, N, depth, level);
		return;
	}
	if (how == W_NEST) {
		nest_construct(w, i, N, depth, level);
		return;
	}
	increment(w, n, how, &N, &seq);
	walk_children(w, n, N, depth, new_sequence(n) ? 0 : seq, level + 1);
}

/* ---- NPATH ---- */

static int64_t np(struct walk *w, uint32_t i, unsigned level);

static int64_t npe(struct walk *w, uint32_t i, unsigned level)
{
	if (w->err || too_deep(w, level))
		return 0;
	const struct node *n = &w->t->v[i];
	int64_t r = 0;
	for (uint32_t k = 0; k < n->nchild; k++)
		r = cx_sat_add(r, npe(w, CHILD(w, n, k), level + 1));
	if (!n->counted)
		return r;
	switch ((enum nk)n->kind) {
	case NK_TERNARY:
	case NK_GNU_TERNARY:
		return cx_sat_add(r, 2);
	case NK_LAND:
	case NK_LOR:
		return cx_sat_add(r, 1);
	default:
		return r;
	}
}

/* Product of the NPATH of the statement expressions inside an expression
 * or plain statement (1 when there are none). */
static int64_t stmt_exprs(struct walk *w, uint32_t i, unsigned level)
{
	if (w->err || too_deep(w, level))
		return 1;
	const struct node *n = &w->t->v[i];
	if (n->kind == NK_STMT_EXPR) {
		int64_t p = 1;
		for (uint32_t k = 0; k < n->nchild; k++)
			p = cx_sat_mul(p, np(w, CHILD(w, n, k), level + 1));
		return p;
	}
	int64_t p = 1;
	for (uint32_t k = 0; k < n->nchild; k++)
		p = cx_sat_mul(p, stmt_exprs(w, CHILD(w, n, k), level + 1));
	return p;
}

static bool is_label(const struct node *n)
{
	return n->kind == NK_CASE || n->kind == NK_CASE_RANGE || n->kind == NK_DEFAULT;
}

/* NP of the statement under a run of stacked labels starting at node i
 * (1 when there is none). */
static int64_t labelled(struct walk *w, uint32_t i, unsigned level)
{
	while (is_label(&w->t->v[i]) && w->t->v[i].nchild)
		i = LAST(w, &w->t->v[i]);
	return is_label(&w->t->v[i]) ? 1 : np(w, i, level + 1);
}

/* Σ over case ranges of Π NP(statements in the range); 1 with no label. */
static int64_t switch_body(struct walk *w, uint32_t body, unsigned level)
{
	const struct node *b = &w->t->v[body];
	if (is_label(b))
		return labelled(w, body, level);
	if (b->kind != NK_COMPOUND)
		return 1;
	int64_t sum = 0, prod = 1;
	bool open = false;
	for (uint32_t k = 0; k < b->nchild && !w->err; k++) {
		uint32_t ci = CHILD(w, b, k);
		if (is_label(&w->t->v[ci])) {
			if (open)
				sum = cx_sat_add(sum, prod);
			open = true;
			prod = labelled(w, ci, level);
		} else if (open) {
			prod = cx_sat_mul(prod, np(w, ci, level + 1));
		}
	}
	return open ? cx_sat_add(sum, prod) : 1;
}

/* NP of each kind of statement with structure (np_of), called when it
 * has at least min_kids children: */
static int64_t np_compound(struct walk *w, const struct node *n, unsigned level)
{
	int64_t r = 1;
	for (uint32_t k = 0; k < n->nchild; k++)
		r = cx_sat_mul(r, np(w, CHILD(w, n, k), level + 1));
	return r;
}

static int64_t np_if(struct walk *w, const struct node *n, unsigned level)
{
	int64_t r = npe(w, CHILD(w, n, 0), level + 1);
	int64_t th = np(w, CHILD(w, n, 1), level + 1);
	int64_t el = n->nchild > 2 ? np(w, CHILD(w, n, 2), level + 1) : 1;
	/* uncounted: no path of its own, branches in sequence */
	return cx_sat_add(r, n->counted ? cx_sat_add(th, el) : cx_sat_mul(th, el));
}

/* while, do: NPe(cond) + NP(body) + 1 (uncounted: no path of its own) */
static int64_t np_loop(struct walk *w, const struct node *n, unsigned level)
{
	uint32_t cond = n->kind == NK_WHILE ? 0 : 1;
	int64_t r = cx_sat_add(npe(w, CHILD(w, n, cond), level + 1),
	                       np(w, CHILD(w, n, 1 - cond), level + 1));
	return cx_sat_add(r, n->counted ? 1 : 0);
}

static int64_t np_for(struct walk *w, const struct node *n, unsigned level)
{
	int64_t r = 0;
	for (uint32_t k = 0; k + 1 < n->nchild; k++)
		if (w->t->v[CHILD(w, n, k)].kind != NK_DECL)
			r = cx_sat_add(r, npe(w, CHILD(w, n, k), level + 1));
	r = cx_sat_add(r, np(w, LAST(w, n), level + 1));
	return cx_sat_add(r, n->counted ? 1 : 0);
}

static int64_t np_switch(struct walk *w, const struct node *n, unsigned level)
{
	int64_t r = npe(w, CHILD(w, n, 0), level + 1);
	return cx_sat_add(r, n->counted ? switch_body(w, CHILD(w, n, 1), level + 1)
	                                : np(w, CHILD(w, n, 1), level + 1));
}

/* case, default, label: NP of their statement */
static int64_t np_label(struct walk *w, const struct node *n, unsigned level)
{
	return n->nchild ? np(w, LAST(w, n), level + 1) : 1;
}

static const struct {
	int64_t (*np)(struct walk *w, const struct node *n, unsigned level);
	uint32_t min_kids; /* with fewer children: as a plain statement */
} np_of[NK_OTHER + 1] = {
	[NK_COMPOUND] = {np_compound, 0},
	[NK_IF] = {np_if, 2},
	[NK_WHILE] = {np_loop, 2},
	[NK_DO] = {np_loop, 2},
	[NK_FOR] = {np_for, 1},
	[NK_SWITCH] = {np_switch, 2},
	[NK_CASE] = {np_label, 0},
	[NK_CASE_RANGE] = {np_label, 0},
	[NK_DEFAULT] = {np_label, 0},
	[NK_LABEL] = {np_label, 0},
};

static int64_t np(struct walk *w, uint32_t i, unsigned level)
{
	if (w->err || too_deep(w, level))
		return 1;
	const struct node *n = &w->t->v[i];
	if (!n->is_expr && np_of[n->kind].np && n->nchild >= np_of[n->kind].min_kids)
		return np_of[n->kind].np(w, n, level);
	return stmt_exprs(w, i, level);
}

/* ---- statements (OCLint's NCSS) ---- */

static uint32_t ncss(struct walk *w, uint32_t i, unsigned level);

/* NCSS of the last child (a loop's body, a label's statement), 0 for none */
static uint32_t ncss_last(struct walk *w, const struct node *n, unsigned level)
{
	return n->nchild ? ncss(w, LAST(w, n), level + 1) : 0;
}

/* NCSS of each kind of statement with structure (ncss_of); any other
 * statement is 1: */
static uint32_t ncss_compound(struct walk *w, const struct node *n, unsigned level)
{
	uint32_t r = 0;
	for (uint32_t k = 0; k < n->nchild; k++)
		r += ncss(w, CHILD(w, n, k), level + 1);
	return r;
}

static uint32_t ncss_if(struct walk *w, const struct node *n, unsigned level)
{
	if (n->nchild < 2)
		return 1;
	uint32_t r = 1 + ncss(w, CHILD(w, n, 1), level + 1);
	if (n->nchild > 2)
		r += 1 + ncss(w, CHILD(w, n, 2), level + 1);
	return r;
}

static uint32_t ncss_do(struct walk *w, const struct node *n, unsigned level)
{
	return 2 + (n->nchild ? ncss(w, CHILD(w, n, 0), level + 1) : 0);
}

/* for, while, switch, case, default: 1 and their statement */
static uint32_t ncss_body(struct walk *w, const struct node *n, unsigned level)
{
	return 1 + ncss_last(w, n, level);
}

static uint32_t (*const ncss_of[NK_OTHER + 1])(struct walk *w, const struct node *n,
                                               unsigned level) = {
	[NK_COMPOUND] = ncss_compound,
	[NK_IF] = ncss_if,
	[NK_DO] = ncss_do,
	[NK_FOR] = ncss_body,
	[NK_WHILE] = ncss_body,
	[NK_SWITCH] = ncss_body,
	[NK_CASE] = ncss_body,
	[NK_CASE_RANGE] = ncss_body,
	[NK_DEFAULT] = ncss_body,
	[NK_LABEL] = ncss_last,
};

static uint32_t ncss(struct walk *w, uint32_t i, unsigned level)
{
	if (w->err || too_deep(w, level))
		return 0;
	const struct node *n = &w->t->v[i];
	if (n->kind == NK_NULL)
		return 0;
	if (n->in_macro || n->is_expr || !ncss_of[n->kind])
		return 1; /* a macro's statement counts as one, like a call */
	return ncss_of[n->kind](w, n, level);
}

int metrics_compute(const struct tree *t, bool recursive, struct cx_function *fn)
{
	struct walk w = {.t = t};
	if (t->n == 0)
		return 0;
	walk(&w, 0, 0, 0, 0, 0);
	if (recursive && !w.err)
		add_inc(&w, CX_K_RECURSION,
		        &(struct node){.line = fn->line, .column = fn->column}, 0, 1, 0);
	int64_t npath = np(&w, 0, 0);
	uint32_t stmts = ncss(&w, 0, 0);
	fn->ccn = 1 + w.ccn;
	fn->ccn_modified = 1 + w.ccn_mod;
	fn->cognitive = w.cog;
	fn->max_nesting = w.max_nest;
	fn->npath = npath;
	fn->statements = 1 + stmts;
	fn->blocks = w.blocks;
	fn->nblocks = w.nblocks;
	fn->incs = w.incs;
	fn->nincs = w.nincs;
	return w.err;
}
