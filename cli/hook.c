/* hook.c: `cxscan install-hook [--warn-only] [--force]` writes the git
 * pre-commit hook of the repository around the current directory, where
 * git looks for it (`git rev-parse --git-path hooks`: .git/hooks, or
 * core.hooksPath, or a worktree's). The hook runs this cxscan binary on
 * the repository with --changed-only=staged --staged (the index's code,
 * unstaged edits aside): it fails the commit when a function the commit
 * touches is over its warning threshold (CC > 10 by default); --warn-only
 * prints the same lines and lets the commit through.
 * A pre-commit hook cxscan did not write (no marker line) is left alone
 * unless --force. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_git.h"
#include "internal.h"

#define HOOK_MARKER "# cxscan-hook: written by `cxscan install-hook`"

/* The absolute path of the running cxscan (NULL: use the PATH's). */
static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return cx_strdup(buf);
}

static int hooks_dir(char **dir, struct cx_ctx *ctx)
{
	const char *q[] = {"rev-parse", "--path-format=absolute", "--git-path", "hooks", NULL};
	return cx_git_line(".", q, dir, ctx);
}

/* Whether path is free to write: absent, or a hook cxscan wrote. */
static int may_write(const char *path, bool force, struct cx_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;
	struct cx_ctx quiet = {0};
	if (access(path, F_OK) != 0 || force)
		return 0;
	int rc = cx_read_file(path, 1u << 20, &text, &len, &quiet);
	bool ours = rc == 0 && strstr(text, HOOK_MARKER) != NULL;
	free(text);
	if (ours)
		return 0;
	return cx_error(ctx, CX_EINVAL, "'%s' is a pre-commit hook cxscan did not write; "
	                "add cxscan to it by hand, or replace it with --force", path);
}

static char *hook_text(const char *self, bool warn_only)
{
	return cx_asprintf(
		"#!/bin/sh\n"
		"%s\n"
		"# Checks the staged changes, as the index holds them (unstaged edits do not\n"
		"# count): a function the commit touches over its warning threshold\n"
		"# (CC > 10 by default, .cxscan.json to change) %s.\n"
		"# Skip once with `git commit --no-verify`.\n"
		"CXSCAN=${CXSCAN:-%s}\n"
		"command -v \"$CXSCAN\" >/dev/null 2>&1 || CXSCAN=cxscan\n"
		"top=$(git rev-parse --show-toplevel) || exit 1\n"
		"\"$CXSCAN\" --changed-only=staged --staged --format=gcc --fail-on=%s -q \"$top\"%s\n",
		HOOK_MARKER, warn_only ? "is printed, the commit goes on" : "fails the commit",
		self ? self : "cxscan", warn_only ? "never" : "warning",
		warn_only ? " || true" : "");
}

static int write_hook(const char *path, const char *text, struct cx_ctx *ctx)
{
	struct cx_outfile of;
	int rc = cx_outfile_open(&of, path, ctx);
	if (rc)
		return rc;
	fputs(text, of.f);
	rc = ferror(of.f) ? cx_error(ctx, CX_EIO, "cannot write '%s'", path) : 0;
	if (rc == 0 && fchmod(fileno(of.f), 0755) != 0)
		rc = cx_error(ctx, CX_EIO, "cannot make '%s' executable: %s", path, strerror(errno));
	return cx_outfile_close(&of, rc, ctx);
}

int cx_mode_install_hook(const struct cx_options *o, struct cx_ctx *ctx)
{
	char *dir = NULL, *path = NULL, *self = self_path(), *text = NULL;
	int rc = hooks_dir(&dir, ctx);
	if (rc == 0 && cx_mkdirs(dir, true) != 0)
		rc = cx_error(ctx, CX_EIO, "cannot create '%s': %s", dir, strerror(errno));
	if (rc == 0 && !(path = cx_path_join(dir, "pre-commit")))
		rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	if (rc == 0)
		rc = may_write(path, o->force, ctx);
	if (rc == 0 && !(text = hook_text(self, o->warn_only)))
		rc = cx_error(ctx, CX_ENOMEM, "out of memory");
	if (rc == 0)
		rc = write_hook(path, text, ctx);
	if (rc == 0 && !o->quiet)
		fprintf(stderr, "cxscan: installed %s (%s)\n", path,
		        o->warn_only ? "warn only" : "fails commits over the warning thresholds");
	free(dir);
	free(path);
	free(self);
	free(text);
	return rc ? CX_EXIT_USAGE : CX_EXIT_OK;
}
