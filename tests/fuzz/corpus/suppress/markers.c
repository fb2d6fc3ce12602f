/* cxscan-ignore-begin(cxscan-npath, cxscan-crap): generated tables */
static int table(int x) // NOLINT(readability-function-size)
{
	// NOLINTNEXTLINE(cxscan-ccn)
	return x ? 1 : 0; /* NOLINT */
}
/* cxscan-ignore-end */
// cxscan-ignore: parser state machine
int f(void);
// NOLINTBEGIN(cxscan-cognitive)
int g(void);
// NOLINTEND(cxscan-cognitive)
