/* Fuzz target: the readers of `--correlate DIR`'s own files, test.json and
 * manifest.json (cx_test_json_parse, cx_manifest_parse,
 * cx_manifest_sources_parse), on any bytes.
 * Checks: a usable test.json gives a non-empty name, a known status and
 * finite times >= 0; usable "sources" are sorted absolute paths and an
 * unusable one keeps nothing; nothing leaks or over-reads. */
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
	struct cx_strv test = {0}, product = {0};
	bool known = false;
	int err = 0;
	const char *sbad = cx_manifest_sources_parse(data, size, &test, &product, &known, &err);
	if ((sbad || err) && (known || test.n || product.n))
		abort();
	const struct cx_strv *lists[] = {&test, &product};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (lists[l]->v[i][0] != '/' ||
			    (i && strcmp(lists[l]->v[i - 1], lists[l]->v[i]) > 0))
				abort();
	cx_strv_release(&test);
	cx_strv_release(&product);
	return 0;
}
