#define API static inline
#define BODY { if (x) return 1; return 0; }
#define DEFINE(name) int name(int x) BODY
#if 0
int dead(void) { if (1) return 2; }
#endif
API int api_fn(int x)
{
#ifdef NOPE
	if (x > 3)
		return 3;
#endif
	return x \
		&& 1;
}
DEFINE(generated)
_Static_assert(sizeof(int) >= 2, "int");
