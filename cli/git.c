/* git.c (cli): what --changed-only asks git: the repository's top and where the
 * scan root sits in it, and the changed lines (git diff -U0) for
 *   staged   the index against HEAD (what the commit will contain);
 *   REF      the working tree against the merge base of REF and HEAD (the
 *            index against it with --staged);
 *   auto     pre-commit's PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF when both
 *            are set, else the staged changes when there are any, else no
 *            diff at all (every function of the files given).
 * When the diff's new side is the index, the scan measures the index too
 * (cli/staged.c). git itself runs through common/git.c. */
#include <stdlib.h>
#include <string.h>

#include "cx_diff.h"
#include "cx_git.h"
#include "cx_util.h"

/* Whether the index differs from HEAD (`git diff --cached --quiet`). */
static int has_staged(const char *root, bool *staged, struct cx_ctx *ctx)
{
	const char *q[] = {"diff", "--cached", "--quiet", NULL};
	char *out = NULL;
	size_t len;
	int status;
	int rc = cx_git(root, q, &out, &len, &status, ctx);
	free(out);
	*staged = status == 1;
	return rc;
}

/* What `auto` diffs: pre-commit's refs when both are set, else the staged
 * changes when there are any (*none when there are not). */
static int auto_args(const char *root, const char **args, size_t *n, bool *none,
                     struct cx_ctx *ctx)
{
	const char *from = getenv("PRE_COMMIT_FROM_REF"), *to = getenv("PRE_COMMIT_TO_REF");
	if (from && *from && to && *to) {
		args[(*n)++] = from;
		args[(*n)++] = to;
		return 0;
	}
	bool staged = false;
	int rc = has_staged(root, &staged, ctx);
	*none = rc == 0 && !staged;
	args[(*n)++] = "--cached";
	return rc;
}

/* The diff's arguments for a mode; ch->all when there is nothing to diff
 * (auto without staged changes), ch->index when the new side is the index
 * (staged, auto on staged changes, and a REF with `staged`). */
static int diff_args(const char *root, const char *mode, bool staged, const char **args,
                     char **base, struct cx_changes *ch, struct cx_ctx *ctx)
{
	static const char *const common[] = {"diff", "-U0", "--no-color", "--no-ext-diff",
	                                     "--src-prefix=a/", "--dst-prefix=b/"};
	size_t n = 0;
	for (; n < 6; n++)
		args[n] = common[n];
	int rc = 0;
	if (strcmp(mode, "auto") == 0) {
		rc = auto_args(root, args, &n, &ch->all, ctx);
	} else if (strcmp(mode, "staged") == 0) {
		args[n++] = "--cached";
	} else {
		const char *mb[] = {"merge-base", mode, "HEAD", NULL};
		if ((rc = cx_git_line(root, mb, base, ctx)) != 0)
			return rc;
		if (staged)
			args[n++] = "--cached";
		args[n++] = *base;
	}
	ch->index = !ch->all && n > 6 && strcmp(args[6], "--cached") == 0;
	args[n] = NULL;
	return rc;
}

/* The repository's top and the root's place in it (one git rev-parse:
 * its two lines). */
static int where(const char *root, struct cx_changes *ch, struct cx_ctx *ctx)
{
	const char *q[] = {"rev-parse", "--show-toplevel", "--show-prefix", NULL};
	char *out = NULL;
	size_t len;
	int status;
	int rc = cx_git(root, q, &out, &len, &status, ctx);
	char *nl = rc == 0 ? strchr(out, '\n') : NULL;
	if (rc == 0 && (status != 0 || !nl))
		rc = cx_error(ctx, CX_EINVAL, "git rev-parse failed in '%s'", root);
	if (rc == 0) {
		char *prefix = nl + 1;
		prefix[strcspn(prefix, "\n")] = '\0';
		size_t pl = strlen(prefix);
		if (pl && prefix[pl - 1] == '/')
			prefix[pl - 1] = '\0';
		ch->top = cx_strndup(out, (size_t)(nl - out));
		ch->prefix = cx_strdup(prefix);
		if (!ch->top || !ch->prefix)
			rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	free(out);
	return rc;
}

int cx_changed_lines(const char *root, const char *mode, bool staged, struct cx_changes *ch,
                     struct cx_ctx *ctx)
{
	memset(ch, 0, sizeof *ch);
	int rc = where(root, ch, ctx);
	if (rc)
		return rc;
	const char *args[16];
	char *base = NULL, *text = NULL;
	size_t len = 0;
	int status;
	rc = diff_args(root, mode, staged, args, &base, ch, ctx);
	if (rc == 0 && !ch->all)
		rc = cx_git(root, args, &text, &len, &status, ctx);
	if (rc == 0 && !ch->all)
		rc = cx_diff_parse(text, len, "git diff", &ch->diff, ctx);
	free(text);
	free(base);
	return rc;
}

void cx_changes_release(struct cx_changes *ch)
{
	cx_diff_release(&ch->diff);
	free(ch->top);
	free(ch->prefix);
	memset(ch, 0, sizeof *ch);
}
