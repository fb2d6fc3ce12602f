/* A fresh temporary directory per test group (cmocka group setup and
 * teardown); TMPDIR_PREFIX names it. Included by one test file each. */
#ifndef CX_TEST_TMPDIR_H
#define CX_TEST_TMPDIR_H

#include <stdlib.h>
#include <string.h>

#include "cx_util.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/" TMPDIR_PREFIX "-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = cx_asprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

#endif
