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

/* The active tokens of a function's text (no comments, directives or
 * inactive code), in file order: their offsets in `file` and classes
 * ('i' if, 'f' for, 'w' while, 'd' do, 's' switch, 'c' case, 'D' default,
 * 'g' goto, '&' &&, '|' ||, '?', '{', '(', 'p' other punctuation, 'x'
 * anything else). */
struct fn_tokens {
	CXFile file; /* NULL: the function has no text of its own */
	unsigned from, to; /* the function's span */
	unsigned *off;
	char *cls;
	size_t n, cap;
	size_t nlogic, nquestion; /* how many '&' or '|', and '?' tokens */
};

/* Builds the tree of `body` (a function body). `ft` are the function's
 * tokens. Returns 0 or CX_ENOMEM. */
int tree_build(struct tree *t, CXCursor body, const struct fn_tokens *ft,
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

/* Forgets what lexical_scan cached about the current TU; call before
 * disposing of it. */
void lexical_reset(void);
/* nloc and tokens of a function over [name token, closing brace], and its
 * active tokens. */
int lexical_scan(CXTranslationUnit tu, CXCursor fn_cursor, struct cx_function *fn,
                 struct fn_tokens *ft);
void fn_tokens_release(struct fn_tokens *ft);
/* The class of the active token starting at loc's file location, 0 when
 * none does (a macro body's location is its macro's name). */
char fn_token_at(const struct fn_tokens *ft, CXSourceLocation loc);
/* The class of the operator token between a left operand (its extent)
 * and the start of what follows it, 0 when it is not in the function's
 * text. */
char fn_operator(const struct fn_tokens *ft, CXSourceRange lhs, CXSourceLocation rhs);

#endif
