/* Fuzz target: cx_gcda_all_zero on any bytes (record reads every .gcda a
 * test leaves, whatever wrote it). Checks: no crash or over-read, the
 * answer is -1, 0 or 1, and the same bytes give the same answer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_gcda.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int r = cx_gcda_all_zero(data, size);
	if (r < -1 || r > 1)
		abort();
	/* the same bytes give the same answer */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (cx_gcda_all_zero(copy, size) != r)
		abort();
	free(copy);
	return 0;
}
