/* Scanner-internal interfaces. */
#ifndef CX_SCANNER_INTERNAL_H
#define CX_SCANNER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* A pool of worker threads (each with a big stack and state of its own)
 * running jobs identified by an index. Jobs submitted in ascending index
 * order are started in that order, but never more than `window` indexes
 * ahead of the last one the consumer released (so finished results cannot
 * pile up behind a slow one); urgent jobs go first and ignore the window. */
struct cx_pool;

struct cx_pool_fns {
	void *(*init)(void *arg);   /* per-thread state, NULL on failure */
	void (*work)(void *arg, void *state, size_t index);
	void (*fini)(void *arg, void *state);
	void *arg;
};

/* Starts n threads with `stack` bytes of stack each, for job indexes
 * below njobs. NULL on failure. */
struct cx_pool *cx_pool_start(unsigned n, size_t stack, size_t window, size_t njobs,
                              const struct cx_pool_fns *fns);
void cx_pool_submit(struct cx_pool *p, size_t index, bool urgent);
/* Waits until job `index` has run; returns false if every thread failed
 * to initialise (the job will never run). */
bool cx_pool_wait(struct cx_pool *p, size_t index);
/* Whether cx_pool_wait(p, index) would return at once. */
bool cx_pool_finished(struct cx_pool *p, size_t index);
/* The consumer is done with every index below `upto`. */
void cx_pool_release(struct cx_pool *p, size_t upto);
/* Runs what is queued to the end, then joins the threads. NULL is a no-op. */
void cx_pool_stop(struct cx_pool *p);

#endif
