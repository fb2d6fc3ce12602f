/* thresholds.c: metric names and default thresholds (METRICS.md, "Default
 * thresholds"). A finding is raised when value > threshold. */
#include <stddef.h>
#include <string.h>

#include "cx_rules.h"

/* Where a metric's value is in struct cx_function: a uint32_t, but for
 * npath (int64_t, read on its own). */
#define FIELD(f) offsetof(struct cx_function, f)
#define IS_U32(f) _Generic(((const struct cx_function *)0)->f, uint32_t: 1, default: 0)
_Static_assert(IS_U32(ccn) && IS_U32(ccn_modified) && IS_U32(cognitive) &&
                   IS_U32(max_nesting) && IS_U32(params) && IS_U32(nloc) && IS_U32(tokens) &&
                   IS_U32(statements) && IS_U32(length),
               "the metrics but npath are uint32_t fields");

static const struct {
	const char *name;
	struct cx_threshold def;
	size_t field;
} metrics[CX_M_COUNT] = {
	[CX_M_CCN] = {"ccn", {10, 20}, FIELD(ccn)},
	[CX_M_CCN_MODIFIED] = {"ccn_modified", {-1, -1}, FIELD(ccn_modified)},
	[CX_M_NPATH] = {"npath", {200, 1000}, FIELD(npath)},
	[CX_M_COGNITIVE] = {"cognitive", {15, 25}, FIELD(cognitive)},
	[CX_M_MAX_NESTING] = {"max_nesting", {5, -1}, FIELD(max_nesting)},
	[CX_M_PARAMS] = {"params", {7, -1}, FIELD(params)},
	[CX_M_NLOC] = {"nloc", {100, -1}, FIELD(nloc)},
	[CX_M_TOKENS] = {"tokens", {-1, -1}, FIELD(tokens)},
	[CX_M_STATEMENTS] = {"statements", {-1, -1}, FIELD(statements)},
	[CX_M_LENGTH] = {"length", {-1, -1}, FIELD(length)},
};

const char *cx_metric_name(enum cx_metric m)
{
	return (unsigned)m < CX_M_COUNT ? metrics[m].name : "?";
}

int cx_metric_from_name(const char *name)
{
	for (int i = 0; i < CX_M_COUNT; i++)
		if (strcmp(metrics[i].name, name) == 0)
			return i;
	return -1;
}

int64_t cx_metric_value(const struct cx_function *fn, enum cx_metric m)
{
	if ((unsigned)m >= CX_M_COUNT)
		return 0;
	if (m == CX_M_NPATH)
		return fn->npath;
	return *(const uint32_t *)((const char *)fn + metrics[m].field);
}

struct cx_threshold cx_default_threshold(enum cx_metric m)
{
	return (unsigned)m < CX_M_COUNT ? metrics[m].def : (struct cx_threshold){-1, -1};
}

enum cx_level cx_threshold_level(struct cx_threshold t, int64_t value)
{
	if (t.error >= 0 && value > t.error)
		return CX_LEVEL_ERROR;
	if (t.warning >= 0 && value > t.warning)
		return CX_LEVEL_WARNING;
	return CX_LEVEL_NONE;
}
