 /* GNU extensions: ?:, statement expressions, case ranges, computed goto */
#define MAXX(a, b) ({ int a_ = (a), b_ = (b); a_ > b_ ? a_ : b_; })
int gnu(int x, int *p, void *t)
{
	int y = x ?: 7;
	int z = ({ int k = 0; for (int i = 0; i < x; i++) k += i && p; k; });
	static void *tab[] = { &&l1, &&l2 };
	switch (x) {
	case 1 ... 5: y++; /* fall through */
	case 6: goto *tab[y & 1];
	default: break;
	}
l1:
	return MAXX(y, z) ?: (p ? *p : 0);
l2:
	if (t) goto *t; else return -1;
}
