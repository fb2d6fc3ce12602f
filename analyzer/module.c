/* module.c: the entry point of cxscan-analyzer.so, the one symbol the
 * module exports. Everything else in it is hidden, so its copies of the
 * common helpers never interpose on the executable's. */
#include "cx_analyzer.h"

__attribute__((visibility("default"))) const struct cx_analyzer_api *
cxscan_analyzer_module(void);

const struct cx_analyzer_api *cxscan_analyzer_module(void)
{
	return cx_analyzer_api_linked();
}
