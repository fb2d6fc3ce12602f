/* thresholds.c: metric names and default thresholds (METRICS.md, "Default
 * thresholds"). A finding is raised when value > threshold. */
#include <string.h>

#include "cx_rules.h"

static const struct {
	const char *name;
	struct cx_threshold def;
} metrics[CX_M_COUNT] = {
	[CX_M_CCN] = {"ccn", {10, 20}},
	[CX_M_CCN_MODIFIED] = {"ccn_modified", {-1, -1}},
	[CX_M_NPATH] = {"npath", {200, 1000}},
	[CX_M_COGNITIVE] = {"cognitive", {15, 25}},
	[CX_M_MAX_NESTING] = {"max_nesting", {5, -1}},
	[CX_M_PARAMS] = {"params", {7, -1}},
	[CX_M_NLOC] = {"nloc", {100, -1}},
	[CX_M_TOKENS] = {"tokens", {-1, -1}},
	[CX_M_STATEMENTS] = {"statements", {-1, -1}},
	[CX_M_LENGTH] = {"length", {-1, -1}},
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
	switch (m) {
	case CX_M_CCN: return fn->ccn;
	case CX_M_CCN_MODIFIED: return fn->ccn_modified;
	case CX_M_NPATH: return fn->npath;
	case CX_M_COGNITIVE: return fn->cognitive;
	case CX_M_MAX_NESTING: return fn->max_nesting;
	case CX_M_PARAMS: return fn->params;
	case CX_M_NLOC: return fn->nloc;
	case CX_M_TOKENS: return fn->tokens;
	case CX_M_STATEMENTS: return fn->statements;
	case CX_M_LENGTH: return fn->length;
	default: return 0;
	}
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
