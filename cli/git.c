/* git.c: what --changed-only asks git: the repository's top and where the
 * scan root sits in it, and the changed lines (git diff -U0) for
 *   staged   the index against HEAD (what the commit will contain);
 *   REF      the working tree against the merge base of REF and HEAD;
 *   auto     pre-commit's PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF when both
 *            are set, else the staged changes when there are any, else no
 *            diff at all (every function of the files given).
 * git runs without a shell (no quoting issues), with its output read
 * through a pipe; its first line of stderr makes the error message. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cx_diff.h"
#include "cx_limits.h"
#include "cx_util.h"
#include "git.h"

/* Reads fd to the end into *buf (NUL-terminated). */
static int slurp(int fd, char **buf, size_t *len)
{
	size_t cap = 0;
	*buf = NULL;
	*len = 0;
	for (;;) {
		if (cx_grow(buf, &cap, *len + 65537, 1))
			return CX_ENOMEM;
		ssize_t n = read(fd, *buf + *len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
		if (*len > CX_MAX_DIFF_BYTES)
			return CX_ELIMIT;
	}
	(*buf)[*len] = '\0';
	return 0;
}

static void child(const char *dir, char *const argv[], int out, int err)
{
	dup2(out, 1);
	dup2(err, 2);
	if (chdir(dir) != 0)
		_exit(127);
	execvp("git", argv);
	_exit(127);
}

/* The first line of a file descriptor's text (for messages). */
static void first_line(int fd, char *msg, size_t size)
{
	ssize_t n = pread(fd, msg, size - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
}

/* The error of a finished git run, if any. */
static int git_error(int rc, int status, const char *what, const char *dir, const char *msg,
                     struct cx_ctx *ctx)
{
	if (rc == CX_ELIMIT)
		return cx_error(ctx, rc, "git %s printed more than %u bytes", what, CX_MAX_DIFF_BYTES);
	if (rc)
		return cx_error(ctx, rc, "cannot run git: %s", strerror(errno));
	if (status == 127)
		return cx_error(ctx, CX_EIO, "cannot run git (is it installed?)");
	if (status != 0 && status != 1)
		return cx_error(ctx, CX_EINVAL, "git %s failed in '%s': %s", what, dir,
		                msg[0] ? msg : "no message");
	return 0;
}

static int wait_for(pid_t pid)
{
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int cx_git(const char *dir, const char *const *args, char **out, size_t *len, int *status,
           struct cx_ctx *ctx)
{
	char *argv[32] = {"git"};
	for (size_t n = 1; n < 31 && args[n - 1]; n++)
		argv[n] = (char *)args[n - 1];
	int fds[2] = {-1, -1};
	FILE *err = tmpfile();
	*out = NULL;
	if (!err || pipe(fds) != 0) {
		int e = errno;
		if (err)
			fclose(err);
		return cx_error(ctx, CX_EIO, "cannot run git: %s", strerror(e));
	}
	pid_t pid = fork();
	if (pid == 0)
		child(dir, argv, fds[1], fileno(err));
	close(fds[1]);
	int rc = pid < 0 ? CX_EIO : slurp(fds[0], out, len);
	close(fds[0]);
	*status = wait_for(pid);
	char msg[256];
	first_line(fileno(err), msg, sizeof msg);
	fclose(err);
	rc = git_error(rc, *status, args[0], dir, msg, ctx);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* git's output, trimmed of its final newline; status must be 0. */
static int git_line(const char *dir, const char *const *args, char **line, struct cx_ctx *ctx)
{
	size_t len;
	int status;
	int rc = cx_git(dir, args, line, &len, &status, ctx);
	if (rc == 0 && status != 0)
		rc = cx_error(ctx, CX_EINVAL, "git %s failed in '%s'", args[0], dir);
	if (rc)
		return rc;
	(*line)[strcspn(*line, "\n")] = '\0';
	return 0;
}

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

/* The diff's arguments for a mode; *none when there is nothing to diff
 * (auto without staged changes). */
static int diff_args(const char *root, const char *mode, const char **args, char **base,
                     bool *none, struct cx_ctx *ctx)
{
	static const char *const common[] = {"diff", "-U0", "--no-color", "--no-ext-diff",
	                                     "--src-prefix=a/", "--dst-prefix=b/"};
	size_t n = 0;
	for (; n < 6; n++)
		args[n] = common[n];
	*none = false;
	int rc = 0;
	if (strcmp(mode, "auto") == 0) {
		rc = auto_args(root, args, &n, none, ctx);
	} else if (strcmp(mode, "staged") == 0) {
		args[n++] = "--cached";
	} else {
		const char *mb[] = {"merge-base", mode, "HEAD", NULL};
		rc = git_line(root, mb, base, ctx);
		args[n++] = *base;
	}
	args[n] = NULL;
	return rc;
}

int cx_changed_lines(const char *root, const char *mode, struct cx_diff *diff, char **prefix,
                     bool *all, struct cx_ctx *ctx)
{
	const char *pq[] = {"rev-parse", "--show-prefix", NULL};
	*prefix = NULL;
	*all = false;
	int rc = git_line(root, pq, prefix, ctx);
	if (rc)
		return rc;
	size_t pl = strlen(*prefix);
	if (pl && (*prefix)[pl - 1] == '/')
		(*prefix)[pl - 1] = '\0';
	const char *args[16];
	char *base = NULL, *text = NULL;
	size_t len = 0;
	int status;
	rc = diff_args(root, mode, args, &base, all, ctx);
	if (rc == 0 && !*all)
		rc = cx_git(root, args, &text, &len, &status, ctx);
	if (rc == 0 && !*all)
		rc = cx_diff_parse(text, len, "git diff", diff, ctx);
	free(text);
	free(base);
	return rc;
}
