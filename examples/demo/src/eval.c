#include "demo.h"

struct parser {
	struct lexer lx;
	enum tok cur;
	int err;
};

static long expr(struct parser *p);

static void advance(struct parser *p)
{
	p->cur = lex_next(&p->lx);
}

static long primary(struct parser *p)
{
	long v = 0;
	if (p->cur == T_NUM) {
		v = p->lx.value;
		advance(p);
	} else if (p->cur == T_LPAREN) {
		advance(p);
		v = expr(p);
		if (p->cur != T_RPAREN)
			p->err = 1;
		else
			advance(p);
	} else if (p->cur == T_MINUS) {
		advance(p);
		v = -primary(p);
	} else {
		p->err = 1;
	}
	return v;
}

static long term(struct parser *p)
{
	long v = primary(p);
	while (!p->err && (p->cur == T_STAR || p->cur == T_SLASH)) {
		enum tok op = p->cur;
		advance(p);
		long r = primary(p);
		if (op == T_STAR) {
			v *= r;
		} else if (r == 0) {
			p->err = 2;
		} else {
			v /= r;
		}
	}
	return v;
}

static long expr(struct parser *p)
{
	long v = term(p);
	while (!p->err && (p->cur == T_PLUS || p->cur == T_MINUS))
		v = p->cur == T_PLUS ? (advance(p), v + term(p)) : (advance(p), v - term(p));
	return v;
}

long eval(const char *text, int *err)
{
	struct parser p = {.lx = {.s = text}};
	advance(&p);
	long v = expr(&p);
	if (!p.err && p.cur != T_END)
		p.err = 1;
	*err = p.err;
	return p.err ? 0 : v;
}
