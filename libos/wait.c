/*
 * wait.c -- wait queues, libos's one way to block.
 *
 * A thread waits on its own stack entry in the queue and blocks in
 * core; a waker marks it woken and makes its thread runnable.
 * Everything runs in thread context on one CPU and nothing yields
 * between a caller's check of its condition and lo_wait() registering
 * it, so no wakeup is lost without any lock around the check.
 */
#include "lo.h"
#include <tandem/core.h>

void
lo_waitq_init(struct lo_waitq *wq)
{

	wq->head = NULL;
}

void
lo_waitq_add(struct lo_waitq *wq, struct lo_waiter *w)
{

	lo_wq_push(wq, w);
}

void
lo_waitq_del(struct lo_waitq *wq, struct lo_waiter *w)
{

	lo_wq_unlink(wq, w);
}

/* A callback may remove itself (and only itself). */
static void __attribute__((noinline))
wakeup_all(struct lo_waiter *w, int events)
{
	struct lo_waiter *next;

	for (; w != NULL; w = next) {
		next = w->next;
		w->fn(w, events);
	}
}

/* One waiter (a pipe's reader) is a tail call to its callback. */
void
lo_wakeup(struct lo_waitq *wq, int events)
{
	struct lo_waiter *w = wq->head;

	if (w == NULL)
		return;
	if (w->next == NULL)
		w->fn(w, events);
	else
		wakeup_all(w, events);
}

/* Makes the waiter's thread runnable; once per wait (a second wake of a
 * woken waiter would leave a stale wake flag on its thread). */
void
lo_twake(struct lo_waiter *w, int events)
{
	struct lo_twait *t = (struct lo_twait *)w;

	if (t->woken)
		return;
	t->woken = 1;
	td_thread_wake(t->thread);
}

/* core's clock itself (rumpuser's ABSMONO is the same clock, split in
 * seconds and nanoseconds that every caller here would join again):
 * clock_gettime and every deadline read it. */
uint64_t
lo_now(void)
{

	return td_now();
}

/*
 * Blocks in core directly (td_thread_block/td_thread_wake, listed in
 * libos.h): this is exactly a rumpuser_cv_wait on a giant mutex nobody
 * else contends -- wakers run in thread context on the one CPU, so no
 * wake can come between the caller's check and the block -- without the
 * mutex exit/enter and cv queue round trips (about 400 instructions of
 * every pipe or futex wait).  A stale wake flag left on the thread only
 * makes one td_thread_block return early: the loop re-checks `woken'.
 */
int
lo_wait(struct lo_waitq *wq, uint64_t deadline)
{
	struct lo_thread *td = lo_curthread_hot();
	struct lo_twait t;
	int rv;

	lo_twait_enter(td, wq, &t);
	rv = lo_block(td, &t.woken, deadline);
	lo_twait_leave(td, wq, &t);
	return rv;
}

/* Wakes td out of lo_wait() (a signal arrived for it). */
void
lo_wait_kick(struct lo_thread *td)
{

	if (td->waiting != NULL)	/* lo_wait's, or futex.c's own */
		td->waiting->fn(td->waiting, 0);
}

