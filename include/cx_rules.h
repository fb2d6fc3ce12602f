/* Default thresholds of every metric (METRICS.md): a finding is raised when
 * a value is greater than the threshold. */
#ifndef CX_RULES_H
#define CX_RULES_H

#include <stdint.h>

#include "cx_model.h"

enum cx_metric {
	CX_M_CCN, CX_M_CCN_MODIFIED, CX_M_NPATH, CX_M_COGNITIVE,
	CX_M_MAX_NESTING, CX_M_PARAMS, CX_M_NLOC, CX_M_TOKENS,
	CX_M_STATEMENTS, CX_M_LENGTH, CX_M_COUNT
};

enum cx_level { CX_LEVEL_NONE = 0, CX_LEVEL_WARNING = 1, CX_LEVEL_ERROR = 2 };

struct cx_threshold {
	int64_t warning; /* < 0: none */
	int64_t error;   /* < 0: none */
};

/* JSON/CSV name of a metric ("ccn", "max_nesting", ...). */
const char *cx_metric_name(enum cx_metric m);
/* Looks a metric up by name; -1 when unknown. */
int cx_metric_from_name(const char *name);
/* Value of metric m of a function. */
int64_t cx_metric_value(const struct cx_function *fn, enum cx_metric m);
/* Default threshold of metric m. */
struct cx_threshold cx_default_threshold(enum cx_metric m);
/* Level of a value against a threshold. */
enum cx_level cx_threshold_level(struct cx_threshold t, int64_t value);

#endif
