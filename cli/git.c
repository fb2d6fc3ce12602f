/* git.c: what --changed-only asks git: the repository's top and where the
 * scan root sits in it, and the changed lines (git diff -U0) for
 *   staged   the index against HEAD (what the commit will contain);
 *   REF      the working tree against the merge base of REF and HEAD (the
 *            index against it with --staged);
 *   auto     pre-commit's PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF when both
 *            are set, else the staged changes when there are any, else no
 *            diff at all (every function of the files given).
 * When the diff's new side is the index, the scan measures the index too
 * (cli/staged.c). git runs without a shell (no quoting issues), with its
 * output read through a pipe and its input, if any, from a temporary file;
 * its first line of stderr makes the error message. */
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
#include "cx_git.h"

/* Reads fd to the end into *buf (NUL-terminated), at most max bytes. */
static int slurp(int fd, size_t max, char **buf, size_t *len)
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
		if (*len > max)
			return CX_ELIMIT;
	}
	(*buf)[*len] = '\0';
	return 0;
}

static void child(const char *dir, char *const argv[], int in, int out, int err)
{
	if (in >= 0)
		dup2(in, 0);
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
                     size_t max, struct cx_ctx *ctx)
{
	if (rc == CX_ELIMIT)
		return cx_error(ctx, rc, "git %s printed more than %zu bytes", what, max);
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

/* A temporary file holding input (git's standard input), or NULL. */
static FILE *input_file(const char *input, size_t inlen)
{
	FILE *in = tmpfile();
	if (in && (fwrite(input, 1, inlen, in) != inlen || fflush(in) != 0 ||
	           fseek(in, 0, SEEK_SET) != 0)) {
		fclose(in);
		in = NULL;
	}
	return in;
}

/* Starts git (argv) in dir, its standard input from in (NULL: cxscan's),
 * its output into a pipe (*rd), its errors into err. The pid, or -1. */
static pid_t spawn(const char *dir, char *const argv[], FILE *in, FILE *err, int *rd)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0)
		child(dir, argv, in ? fileno(in) : -1, fds[1], fileno(err));
	int e = errno;
	close(fds[1]);
	if (pid < 0)
		close(fds[0]);
	*rd = fds[0];
	errno = e;
	return pid;
}

/* A running git: its pid (-1: it could not start, errno says why), the
 * read end of its output and the file of its errors. */
struct proc {
	pid_t pid;
	int rd;
	FILE *err;
};

static void start(const char *dir, const char *const *args, const struct cx_git_in *gi,
                  struct proc *r)
{
	char *argv[32] = {"git"};
	for (size_t n = 1; n < 31 && args[n - 1]; n++)
		argv[n] = (char *)args[n - 1];
	r->rd = -1;
	r->err = tmpfile();
	FILE *in = gi->input ? input_file(gi->input, gi->len) : NULL;
	r->pid = r->err && (in || !gi->input) ? spawn(dir, argv, in, r->err, &r->rd) : -1;
	int e = errno;
	if (in)
		fclose(in);
	if (r->pid < 0 && r->err)
		fclose(r->err);
	errno = e;
}

int cx_git_io(const char *dir, const char *const *args, const struct cx_git_in *gi, char **out,
              size_t *len, int *status, struct cx_ctx *ctx)
{
	static const struct cx_git_in none = {NULL, 0, 0};
	gi = gi ? gi : &none;
	size_t max = gi->max_out ? gi->max_out : CX_MAX_DIFF_BYTES;
	struct proc r;
	*out = NULL;
	start(dir, args, gi, &r);
	if (r.pid < 0)
		return cx_error(ctx, CX_EIO, "cannot run git: %s", strerror(errno));
	int rc = slurp(r.rd, max, out, len);
	close(r.rd);
	*status = wait_for(r.pid);
	char msg[256];
	first_line(fileno(r.err), msg, sizeof msg);
	fclose(r.err);
	rc = git_error(rc, *status, args[0], dir, msg, max, ctx);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int cx_git(const char *dir, const char *const *args, char **out, size_t *len, int *status,
           struct cx_ctx *ctx)
{
	return cx_git_io(dir, args, NULL, out, len, status, ctx);
}

int cx_git_line(const char *dir, const char *const *args, char **line, struct cx_ctx *ctx)
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

int cx_changed_lines(const char *root, const char *mode, bool staged, struct cx_changes *ch,
                     struct cx_ctx *ctx)
{
	const char *pq[] = {"rev-parse", "--show-prefix", NULL};
	memset(ch, 0, sizeof *ch);
	int rc = cx_git_line(root, pq, &ch->prefix, ctx);
	if (rc)
		return rc;
	size_t pl = strlen(ch->prefix);
	if (pl && ch->prefix[pl - 1] == '/')
		ch->prefix[pl - 1] = '\0';
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
	free(ch->prefix);
	memset(ch, 0, sizeof *ch);
}
