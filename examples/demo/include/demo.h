/* demo: a tiny expression calculator, the example project cxscan is run on. */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>

enum tok { T_END, T_NUM, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_LPAREN, T_RPAREN, T_ERR };

struct lexer {
	const char *s;
	size_t pos;
	long value;
};

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

enum tok lex_next(struct lexer *lx);
long eval(const char *expr, int *err);
int parse_args(int argc, char **argv, int *verbose, const char **expr);

#endif
