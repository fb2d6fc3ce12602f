#define M(x) \
	do { x; } while (0) /* NOLINT(cxscan-ccn) */ \
	/* more */
// a \
 NOLINT: continued \
 reason
/** cxscan-ignore(x,y) : doc **/
