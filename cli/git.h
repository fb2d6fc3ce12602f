/* git for --changed-only and install-hook (cli/git.c). */
#ifndef CX_CLI_GIT_H
#define CX_CLI_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "cx_diff.h"
#include "cx_err.h"

/* Runs `git ARGS...` (args NULL-terminated, at most 30) in dir, its stdout
 * into *out (NUL-terminated, the caller frees). *status is git's exit
 * status; 0 and 1 are results (`git diff --quiet`), anything else is an
 * error naming git's first line of stderr. */
int cx_git(const char *dir, const char *const *args, char **out, size_t *len, int *status,
           struct cx_ctx *ctx) CX_MUST_CHECK;

/* The changed lines for --changed-only=MODE (auto, staged or a REF) of the
 * repository holding root; *prefix is root relative to the repository's
 * top ("" at the top; the caller frees it). *all: there is nothing to
 * diff against (auto without staged changes), every function counts. */
int cx_changed_lines(const char *root, const char *mode, struct cx_diff *diff, char **prefix,
                     bool *all, struct cx_ctx *ctx) CX_MUST_CHECK;

#endif
