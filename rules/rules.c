/* rules.c: looking a rule up by id in the embedded table (cx_findings.h).
 * The table is small (one entry per rules/NAME.json), so a linear search;
 * it does not rely on the build's sort order. */
#include <string.h>

#include "cx_findings.h"

long cx_rule_find(const char *id)
{
	for (size_t i = 0; id && i < cx_nrules; i++)
		if (strcmp(cx_rules[i].id, id) == 0)
			return (long)i;
	return -1;
}
