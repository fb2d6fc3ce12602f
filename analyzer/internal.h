/* Private to analyzer/: the node tree the metric walkers run on.
 *
 * libclang's cursors are turned once into a flat array of small nodes
 * (tree.c), built breadth-first so that the children of a node are
 * contiguous. Every metric then walks this array (metrics.c) without calling
 * back into libclang. Decision nodes carry `counted`: whether they count in
 * the current macro mode (METRICS.md, "Macro policy"). */
#ifndef CX_ANALYZER_INTERNAL_H
#define CX_ANALYZER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <clang-c/Index.h>

#include "cx_err.h"
#include "cx_model.h"

enum nk {
	NK_STMT,      /* a statement without structure of its own */
	NK_EXPR,      /* an expression without structure of its own */
	NK_COMPOUND,
	NK_IF, NK_FOR, NK_WHILE, NK_DO, NK_SWITCH,
	NK_CASE, NK_CASE_RANGE, NK_DEFAULT, NK_LABEL,
	NK_GOTO, NK_NULL, NK_DECL,
	NK_TERNARY, NK_GNU_TERNARY, NK_LAND, NK_LOR, NK_NOT, NK_PAREN,
	NK_CALL, NK_SIZEOF, NK_STMT_EXPR,
	NK_OTHER /* declarations, references, types: not statements */
};

struct node {
	uint8_t kind;     /* enum nk */
	uint8_t counted;  /* decision point that counts in this macro mode */
	uint8_t is_expr;  /* an expression cursor */
	uint8_t in_macro; /* a statement whose keyword or brace is not in the text */
	uint32_t line, column, end_line;
	uint32_t first;   /* index of the first child (children are contiguous) */
	uint32_t nchild;
};

struct tree {
	struct node *v;
	uint32_t n, cap;
	bool truncated; /* CX_MAX_FUNCTION_NODES reached */
	/* USR hashes of the functions this one calls (for recursion). */
	uint64_t *calls;
	uint32_t ncalls, callcap;
};

/* A token of the function's own text that names a decision point, keyed by
 * the cursor libclang annotated it with. */
struct written {
	unsigned hash;       /* clang_hashCursor */
	enum CXCursorKind kind;
	CXSourceRange extent;
	char op;             /* '&' for &&, '|' for ||, 'b' another binary op,
	                        'k' a keyword or '?' */
};

struct written_set {
	struct written *v;
	size_t n, cap;
};

/* Builds the tree of `body` (a function body). `ws` are the written
 * tokens (sorted by hash). Returns 0 or CX_ENOMEM. */
int tree_build(struct tree *t, CXCursor body, const struct written_set *ws,
               enum cx_macro_mode mode);
void tree_release(struct tree *t);

/* Hash of a cursor's USR (0 when it has none): identifies a function
 * across its declarations, for the call graph. */
uint64_t cursor_usr_hash(CXCursor c);
/* Expansion-location line/column of a location. */
void loc_line_col(CXSourceLocation loc, unsigned *line, unsigned *col);

/* Metrics of one tree: fills ccn, ccn_modified, npath, cognitive,
 * max_nesting, statements, blocks and incs of `fn`. `recursive` adds the
 * recursion increment. Returns 0, CX_ENOMEM, or CX_ELIMIT when the tree is
 * deeper than CX_MAX_AST_DEPTH (values then cover what was walked). */
int metrics_compute(const struct tree *t, bool recursive, struct cx_function *fn);

/* Lexical metrics and written tokens of a function: nloc and tokens over
 * [name token, closing brace], and the decision tokens of its text. */
/* Forgets what lexical_scan cached about the current TU; call before
 * disposing of it. */
void lexical_reset(void);
int lexical_scan(CXTranslationUnit tu, CXCursor fn_cursor, struct cx_function *fn,
                 struct written_set *ws);
void written_release(struct written_set *ws);
const struct written *written_find(const struct written_set *ws, CXCursor c);

#endif
