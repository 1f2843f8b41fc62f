/*
 * wait.c -- wait queues, libos's one way to block.
 *
 * A thread waits on its own condition variable under the giant lock; a
 * waker marks it woken and signals that cv.  Everything runs in thread
 * context on one CPU and nothing yields between a caller's check of its
 * condition and lo_wait() registering it, so no wakeup is lost without
 * any lock around the check.
 */
#include "lo.h"
#include <tandem/core.h>

struct rumpuser_mtx *lo_giant;

struct twait {
	struct lo_waiter	 w;
	struct rumpuser_cv	*cv;
	int			 woken;
};

static struct rumpuser_cv *cv_pool;	/* one spare, reused */

void
lo_waitq_init(struct lo_waitq *wq)
{

	wq->head = NULL;
}

void
lo_waitq_add(struct lo_waitq *wq, struct lo_waiter *w)
{

	w->prev = NULL;
	w->next = wq->head;
	if (wq->head != NULL)
		wq->head->prev = w;
	wq->head = w;
}

void
lo_waitq_del(struct lo_waitq *wq, struct lo_waiter *w)
{

	if (w->prev != NULL)
		w->prev->next = w->next;
	else if (wq->head == w)
		wq->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->next = w->prev = NULL;
}

void
lo_wakeup(struct lo_waitq *wq, int events)
{
	struct lo_waiter *w, *next;

	/* a callback may remove itself (and only itself) */
	for (w = wq->head; w != NULL; w = next) {
		next = w->next;
		w->fn(w, events);
	}
}

static void
twake(struct lo_waiter *w, int events)
{
	struct twait *t = (struct twait *)w;

	t->woken = 1;
	rumpuser_cv_signal(t->cv);
}

/* core's clock itself (rumpuser's ABSMONO is the same clock, split in
 * seconds and nanoseconds that every caller here would join again):
 * clock_gettime and every deadline read it. */
uint64_t
lo_now(void)
{

	return td_now();
}


int
lo_wait(struct lo_waitq *wq, uint64_t deadline)
{
	struct lo_thread *td = lo_curthread();
	struct twait t;
	uint64_t now, d;
	int rv = 0;

	t.cv = cv_pool;
	cv_pool = NULL;
	if (t.cv == NULL)
		rumpuser_cv_init(&t.cv);
	t.woken = 0;
	t.w.fn = twake;
	t.w.arg = td;
	lo_waitq_add(wq, &t.w);
	td->waiting = &t.w;
	rumpuser_mutex_enter(lo_giant);
	while (!t.woken) {
		if (td->sigpend & ~td->sigmask) {
			rv = -EINTR;
			break;
		}
		if (deadline == UINT64_MAX) {
			rumpuser_cv_wait(t.cv, lo_giant);
			continue;
		}
		now = lo_now();
		if (now >= deadline) {
			rv = -ETIMEDOUT;
			break;
		}
		d = deadline - now;
		rumpuser_cv_timedwait(t.cv, lo_giant,
		    (int64_t)(d / 1000000000ULL), (int64_t)(d % 1000000000ULL));
	}
	rumpuser_mutex_exit(lo_giant);
	td->waiting = NULL;
	lo_waitq_del(wq, &t.w);
	if (cv_pool == NULL)
		cv_pool = t.cv;
	else
		rumpuser_cv_destroy(t.cv);
	return rv;
}

/* Wakes td out of lo_wait() (a signal arrived for it). */
void
lo_wait_kick(struct lo_thread *td)
{

	if (td->waiting != NULL)
		twake(td->waiting, 0);
}

