/* Fuzz target: the readers of `--correlate DIR`'s own files, test.json and
 * manifest.json (cx_test_json_parse, cx_manifest_parse), on any bytes.
 * Checks: a usable test.json gives a non-empty name, a known status and
 * finite times >= 0; nothing leaks or over-reads. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx_correlate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_test_run run;
	memset(&run, 0, sizeof run);
	const char *bad = cx_test_json_parse(data, size, &run);
	if (!bad) {
		if (!run.name || !run.name[0] || run.status > CX_TEST_SKIPPED)
			abort();
		if (run.has_time && !(isfinite(run.duration_s) && run.duration_s >= 0))
			abort();
		if (run.has_cpu && !(run.user_s >= 0 && run.sys_s >= 0))
			abort();
	} else if (run.name) {
		abort(); /* nothing is kept from an unusable file */
	}
	free(run.name);
	const char *m = cx_manifest_parse(data, size);
	if (m && !*m)
		abort();
	return 0;
}
