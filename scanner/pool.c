/* pool.c: the worker threads of a scan (internal.h). One mutex guards the
 * queue and the done flags; jobs are few (one per TU) and long (a parse),
 * so contention is irrelevant. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cx_util.h"
#include "internal.h"

struct cx_pool {
	pthread_mutex_t m;
	pthread_cond_t work, done;
	struct cx_pool_fns fns;
	pthread_t *th;
	unsigned nth, alive;
	size_t *queue, qhead, qn, qcap; /* normal jobs, ascending */
	size_t *urgent, un, ucap;
	size_t window, released;
	unsigned char *finished; /* by index, grown on submit */
	size_t nfinished;
	bool stopping;
};

/* Next job for a worker, or false when it should exit. Called locked. */
static bool next_job(struct cx_pool *p, size_t *index)
{
	for (;;) {
		if (p->un) {
			*index = p->urgent[--p->un];
			return true;
		}
		if (p->qhead < p->qn && p->queue[p->qhead] < p->released + p->window) {
			*index = p->queue[p->qhead++];
			return true;
		}
		if (p->stopping && p->qhead >= p->qn)
			return false;
		pthread_cond_wait(&p->work, &p->m);
	}
}

static void *thread_main(void *arg)
{
	struct cx_pool *p = arg;
	void *state = p->fns.init(p->fns.arg);
	pthread_mutex_lock(&p->m);
	if (!state) {
		p->alive--;
		pthread_cond_broadcast(&p->done);
		pthread_mutex_unlock(&p->m);
		return NULL;
	}
	size_t index;
	while (next_job(p, &index)) {
		pthread_mutex_unlock(&p->m);
		p->fns.work(p->fns.arg, state, index);
		pthread_mutex_lock(&p->m);
		p->finished[index] = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->m);
	p->fns.fini(p->fns.arg, state);
	return NULL;
}

struct cx_pool *cx_pool_start(unsigned n, size_t stack, size_t window, size_t njobs,
                              const struct cx_pool_fns *fns)
{
	struct cx_pool *p = calloc(1, sizeof *p);
	if (!p || !(p->th = calloc(n, sizeof *p->th)) ||
	    !(p->finished = calloc(njobs ? njobs : 1, 1))) {
		if (p)
			free(p->th);
		free(p);
		return NULL;
	}
	p->nfinished = njobs;
	pthread_mutex_init(&p->m, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->fns = *fns;
	p->window = window ? window : 1;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, stack);
	pthread_mutex_lock(&p->m);
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&p->th[p->nth], &attr, thread_main, p) == 0) {
			p->nth++;
			p->alive++;
		}
	}
	pthread_mutex_unlock(&p->m);
	pthread_attr_destroy(&attr);
	if (p->nth == 0) {
		cx_pool_stop(p);
		return NULL;
	}
	return p;
}

void cx_pool_submit(struct cx_pool *p, size_t index, bool urgent)
{
	if (index >= p->nfinished)
		return;
	pthread_mutex_lock(&p->m);
	bool ok;
	p->finished[index] = 0;
	if (urgent)
		ok = cx_grow(&p->urgent, &p->ucap, p->un + 1, sizeof *p->urgent) == 0;
	else
		ok = cx_grow(&p->queue, &p->qcap, p->qn + 1, sizeof *p->queue) == 0;
	if (ok && urgent)
		p->urgent[p->un++] = index;
	else if (ok)
		p->queue[p->qn++] = index;
	else /* out of memory: marked as run with an empty result (the caller
	      * reports it as an error) */
		p->finished[index] = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->m);
}

/* Whether job index has run. Called locked. */
static bool has_run(const struct cx_pool *p, size_t index)
{
	return index < p->nfinished && p->finished[index];
}

bool cx_pool_wait(struct cx_pool *p, size_t index)
{
	pthread_mutex_lock(&p->m);
	while (p->alive && !has_run(p, index))
		pthread_cond_wait(&p->done, &p->m);
	bool ok = has_run(p, index);
	pthread_mutex_unlock(&p->m);
	return ok;
}

bool cx_pool_finished(struct cx_pool *p, size_t index)
{
	pthread_mutex_lock(&p->m);
	bool done = !p->alive || has_run(p, index);
	pthread_mutex_unlock(&p->m);
	return done;
}

void cx_pool_release(struct cx_pool *p, size_t upto)
{
	pthread_mutex_lock(&p->m);
	if (upto > p->released) {
		p->released = upto;
		pthread_cond_broadcast(&p->work);
	}
	pthread_mutex_unlock(&p->m);
}

void cx_pool_stop(struct cx_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->m);
	p->stopping = true;
	p->released = (size_t)-1 / 2; /* let the rest of the queue run */
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->m);
	for (unsigned i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->m);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p->th);
	free(p->queue);
	free(p->urgent);
	free(p->finished);
	free(p);
}
