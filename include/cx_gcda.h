/* cx_gcda.h: a look into .gcda files without gcov. */
#ifndef CX_GCDA_H
#define CX_GCDA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 1 when every counter of the .gcda bytes is zero (gcov would report
 * nothing run), 0 when some counter is not, -1 when the bytes are not a
 * .gcda file gcc 4.7 to 14 writes (truncated, foreign): run gcov on it. */
int cx_gcda_all_zero(const void *data, size_t len);

#endif
