/* git.c: running git (cx_git.h): without a shell (no quoting issues), in
 * a given directory, its output read through a pipe and its input, if any,
 * from a temporary file; its first line of stderr makes the error message.
 * The scanner lists a work tree's files with it, the command line asks it
 * for diffs, the index and the hooks directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cx_git.h"
#include "cx_limits.h"
#include "cx_util.h"

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
