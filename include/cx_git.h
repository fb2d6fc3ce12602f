/* git: running it (common/git.c), and what --changed-only, --staged and
 * install-hook ask it (cli/git.c, cli/staged.c). */
#ifndef CX_GIT_H
#define CX_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "cx_diff.h"
#include "cx_analyzer.h"
#include "cx_err.h"
#include "cx_util.h"

/* Runs `git ARGS...` (args NULL-terminated, at most 30) in dir, its stdout
 * into *out (NUL-terminated, the caller frees). *status is git's exit
 * status; 0 and 1 are results (`git diff --quiet`), anything else is an
 * error naming git's first line of stderr. */
int cx_git(const char *dir, const char *const *args, char **out, size_t *len, int *status,
           struct cx_ctx *ctx) CX_MUST_CHECK;

/* cx_git with git's standard input (input, len bytes; NULL: cxscan's) and
 * a cap on what it may print (max_out; 0: CX_MAX_DIFF_BYTES). */
struct cx_git_in {
	const char *input;
	size_t len;
	size_t max_out;
};
int cx_git_io(const char *dir, const char *const *args, const struct cx_git_in *gi, char **out,
              size_t *len, int *status, struct cx_ctx *ctx) CX_MUST_CHECK;

/* git's output, trimmed after its first line; status must be 0. */
int cx_git_line(const char *dir, const char *const *args, char **line, struct cx_ctx *ctx)
	CX_MUST_CHECK;

/* What --changed-only diffs. */
struct cx_changes {
	struct cx_diff diff;
	char *top;    /* the repository's top directory */
	char *prefix; /* the scan root relative to it ("" at it) */
	bool all;     /* nothing to diff against (auto without staged changes):
	                 every function counts */
	bool index;   /* the diff's new side is the index: measure it (--staged) */
};

/* The changed lines for --changed-only=MODE (auto, staged or a REF) of the
 * repository holding root. With staged, a REF is diffed against the index
 * (git diff --cached), not the working tree. */
int cx_changed_lines(const char *root, const char *mode, bool staged, struct cx_changes *ch,
                     struct cx_ctx *ctx) CX_MUST_CHECK;
void cx_changes_release(struct cx_changes *ch);

/* The index's version of each file whose working-tree copy differs from
 * it (cli/staged.c), in the repository holding root (top: its top
 * directory when known, else NULL). v[i].path are absolute, their directories resolved;
 * the texts point into raw. */
struct cx_index_texts {
	struct cx_unsaved *v;
	size_t n;
	char *raw;
	struct cx_strv paths;
};
int cx_index_texts(const char *root, const char *top, struct cx_index_texts *t,
                   struct cx_ctx *ctx) CX_MUST_CHECK;
/* The same from git's answers: raw is `git diff --raw -z --no-abbrev
 * --no-renames` (index against working tree) run in the repository's top
 * directory `top`, batch what `git cat-file --batch` answered for the
 * regular files' index oids in order. Malformed or mismatched input is
 * CX_EINVAL naming what is wrong. */
int cx_index_texts_parse(const char *top, const char *raw, size_t rawlen, const char *batch,
                         size_t batchlen, struct cx_index_texts *t, struct cx_ctx *ctx)
	CX_MUST_CHECK;
void cx_index_texts_release(struct cx_index_texts *t);

#endif
