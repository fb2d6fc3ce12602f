int deep(int a, int b, int c)
{
	if (a) { if (b) { while (c--) { do { for (;;) { if (a && b || c) break; else if (b) continue; else return 1; } } while (a); } } }
	return (a && (b || (c && (a || (b && (c || a)))))) ? ((a ? b : c) ? 1 : 2) : 3;
}
static int rec(int n) { return n ? rec(n - 1) + other(n) : 0; }
int other(int n) { return n > 1 ? rec(n / 2) : 1; }
