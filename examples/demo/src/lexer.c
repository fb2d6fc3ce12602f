#include "demo.h"

enum tok lex_next(struct lexer *lx)
{
	const char *s = lx->s;
	while (s[lx->pos] == ' ' || s[lx->pos] == '\t')
		lx->pos++;
	char c = s[lx->pos];
	if (c == '\0')
		return T_END;
	if (is_digit(c)) {
		long v = 0;
		while (is_digit(s[lx->pos]))
			v = v * 10 + (s[lx->pos++] - '0');
		lx->value = v;
		return T_NUM;
	}
	lx->pos++;
	switch (c) {
	case '+': return T_PLUS;
	case '-': return T_MINUS;
	case '*':
	case 'x': return T_STAR;
	case '/': return T_SLASH;
	case '(': return T_LPAREN;
	case ')': return T_RPAREN;
	default: return T_ERR;
	}
}
