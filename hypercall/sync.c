/*
 * sync.c -- wait queues and the rumpuser mutexes, rw locks and condition
 * variables built on them.
 *
 * One CPU, cooperative threads: a lock's state changes only between
 * blocking points, so plain fields suffice.  Releasing a contended lock
 * hands it straight to the first waiter (FIFO, no barging).
 *
 * The rump CPU: a call that may block gives it back first
 * (hyp_unsched) and retakes it afterwards (hyp_sched), except the
 * _nowrap variants and SPIN mutexes, which block the host thread while
 * keeping it, as rumpuser(3) requires.
 */
#include "hyp_int.h"

/* ---- wait queues ------------------------------------------------------ */

void
hyp_wq_init(struct hyp_waitq *q)
{

	q->head = NULL;
	q->tailp = &q->head;
	q->n = 0;
}

static void
wq_remove(struct hyp_waitq *q, struct hyp_waiter *w)
{
	struct hyp_waiter **pp;

	for (pp = &q->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			if (q->tailp == &w->next)
				q->tailp = pp;
			q->n--;
			return;
		}
	}
}

int
hyp_wq_wait(struct hyp_waitq *q, struct hyp_waiter *w, uint64_t deadline)
{

	if (q->tailp == NULL)		/* zero-initialised static queue */
		hyp_wq_init(q);
	w->next = NULL;
	w->thread = td_thread_self();
	w->woken = 0;
	*q->tailp = w;
	q->tailp = &w->next;
	q->n++;
	while (!w->woken) {
		td_thread_prepare_block();
		if (td_thread_block(deadline) != 0 && !w->woken &&
		    td_now() >= deadline) {
			wq_remove(q, w);
			return TD_ETIMEDOUT;
		}
	}
	return 0;
}

struct hyp_waiter *
hyp_wq_peek(struct hyp_waitq *q)
{

	return q->head;
}

struct hyp_waiter *
hyp_wq_wake_one(struct hyp_waitq *q)
{
	struct hyp_waiter *w;

	if ((w = q->head) == NULL)
		return NULL;
	if ((q->head = w->next) == NULL)
		q->tailp = &q->head;
	q->n--;
	w->woken = 1;
	td_thread_wake(w->thread);
	return w;
}

void
hyp_wq_wake_all(struct hyp_waitq *q)
{

	while (hyp_wq_wake_one(q) != NULL)
		;
}

/* ---- mutexes ------------------------------------------------------------ */

struct rumpuser_mtx {
	struct td_thread *holder;	/* host thread, NULL when free */
	struct lwp	*owner;		/* rump thread (KMUTEX only) */
	int		 flags;
	struct hyp_waitq wq;
};

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *m;

	m = td_malloc(sizeof(*m));
	m->holder = NULL;
	m->owner = NULL;
	m->flags = flags;
	hyp_wq_init(&m->wq);
	*mtxp = m;
}

static inline void
mtx_owned(struct rumpuser_mtx *m)
{

	if (m->flags & RUMPUSER_MTX_KMUTEX)
		m->owner = rumpuser_curlwp();
}

/* Takes m, blocking the host thread if need be; no upcalls. */
static void
mtx_lock(struct rumpuser_mtx *m)
{
	struct hyp_waiter w;

	if (m->holder == NULL)
		m->holder = td_thread_self();
	else
		hyp_wq_wait(&m->wq, &w, UINT64_MAX);	/* handed to us */
}

void
rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *m)
{

	mtx_lock(m);
	mtx_owned(m);
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *m)
{
	int nlocks;

	if (m->holder == NULL || (m->flags & RUMPUSER_MTX_SPIN)) {
		rumpuser_mutex_enter_nowrap(m);
		return;
	}
	hyp_unsched(&nlocks, NULL);
	mtx_lock(m);
	hyp_sched(nlocks, NULL);
	mtx_owned(m);		/* after rescheduling: curlwp is valid now */
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{

	if (m->holder != NULL)
		return TD_EBUSY;
	m->holder = td_thread_self();
	mtx_owned(m);
	return 0;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *m)
{
	struct hyp_waiter *w;

	if (m->holder != td_thread_self())
		td_panic("rumpuser_mutex_exit(%p): not held by %s", (void *)m,
		    td_thread_name(td_thread_self()));
	m->owner = NULL;
	w = hyp_wq_wake_one(&m->wq);
	m->holder = w != NULL ? w->thread : NULL;
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{

	if (m->holder != NULL || m->wq.n != 0)
		td_panic("rumpuser_mutex_destroy(%p): in use", (void *)m);
	td_free(m);
}

void
rumpuser_mutex_owner(struct rumpuser_mtx *m, struct lwp **lp)
{

	*lp = m->owner;
}

/* ---- rw locks ------------------------------------------------------------ */

struct rumpuser_rw {
	struct td_thread *writer;	/* host thread holding it exclusively */
	struct lwp	*wlwp;		/* its rump thread, for rw_held */
	unsigned	 readers;
	struct hyp_waitq wq;		/* waiter.arg: 1 = wants to write */
};

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw;

	rw = td_malloc(sizeof(*rw));
	rw->writer = NULL;
	rw->wlwp = NULL;
	rw->readers = 0;
	hyp_wq_init(&rw->wq);
	*rwp = rw;
}

/* Hands the lock to the waiters at the head that can have it now: one
 * writer, or every reader up to the first writer. */
static void
rw_grant(struct rumpuser_rw *rw)
{
	struct hyp_waiter *w;

	while ((w = hyp_wq_peek(&rw->wq)) != NULL && rw->writer == NULL) {
		if (w->arg) {
			if (rw->readers != 0)
				break;
			rw->writer = w->thread;
			hyp_wq_wake_one(&rw->wq);
			break;
		}
		rw->readers++;
		hyp_wq_wake_one(&rw->wq);
	}
}

/* Queued waiters go first, so a stream of readers cannot starve a
 * writer. */
static int
rw_try(int write, struct rumpuser_rw *rw)
{

	if (rw->writer != NULL || rw->wq.n != 0)
		return TD_EBUSY;
	if (write) {
		if (rw->readers != 0)
			return TD_EBUSY;
		rw->writer = td_thread_self();
		rw->wlwp = rumpuser_curlwp();
	} else
		rw->readers++;
	return 0;
}

int
rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw)
{

	return rw_try(lk == RUMPUSER_RW_WRITER, rw);
}

void
rumpuser_rw_enter(int lk, struct rumpuser_rw *rw)
{
	struct hyp_waiter w;
	int nlocks, write = lk == RUMPUSER_RW_WRITER;

	if (rw_try(write, rw) == 0)
		return;
	w.arg = write;
	hyp_unsched(&nlocks, NULL);
	hyp_wq_wait(&rw->wq, &w, UINT64_MAX);	/* granted by rw_grant */
	hyp_sched(nlocks, NULL);
	if (write)
		rw->wlwp = rumpuser_curlwp();
}

int
rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{

	if (rw->writer != NULL || rw->readers != 1)
		return TD_EBUSY;
	rw->readers = 0;
	rw->writer = td_thread_self();
	rw->wlwp = rumpuser_curlwp();
	return 0;
}

void
rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{

	if (rw->writer != td_thread_self())
		td_panic("rumpuser_rw_downgrade(%p): not write-held",
		    (void *)rw);
	rw->writer = NULL;
	rw->wlwp = NULL;
	rw->readers = 1;
	rw_grant(rw);		/* readers queued behind us may join */
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{

	if (rw->writer != NULL) {
		if (rw->writer != td_thread_self())
			td_panic("rumpuser_rw_exit(%p): write-held by another",
			    (void *)rw);
		rw->writer = NULL;
		rw->wlwp = NULL;
	} else if (rw->readers != 0)
		rw->readers--;
	else
		td_panic("rumpuser_rw_exit(%p): not held", (void *)rw);
	rw_grant(rw);
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{

	if (rw->writer != NULL || rw->readers != 0 || rw->wq.n != 0)
		td_panic("rumpuser_rw_destroy(%p): in use", (void *)rw);
	td_free(rw);
}

void
rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *heldp)
{

	if (lk == RUMPUSER_RW_WRITER)
		*heldp = rw->writer == td_thread_self() &&
		    rw->wlwp == rumpuser_curlwp();
	else
		*heldp = rw->readers != 0;
}

/* ---- condition variables ------------------------------------------------ */

struct rumpuser_cv {
	struct hyp_waitq wq;
};

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv;

	cv = td_malloc(sizeof(*cv));
	hyp_wq_init(&cv->wq);
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{

	if (cv->wq.n != 0)
		td_panic("rumpuser_cv_destroy(%p): has waiters", (void *)cv);
	td_free(cv);
}

/* Releases m, sleeps on cv until signalled or the deadline, then takes
 * the rump CPU and m back in the order rumpuser(3) documents: for a
 * SPIN|KMUTEX interlock the CPU first, otherwise the mutex first. */
static int
cv_sleep(struct rumpuser_cv *cv, struct rumpuser_mtx *m, uint64_t deadline,
    int wrap)
{
	struct hyp_waiter w;
	int nlocks = 0, rv;
	const int both = RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX;

	if (wrap)
		hyp_unsched(&nlocks, m);
	rumpuser_mutex_exit(m);
	rv = hyp_wq_wait(&cv->wq, &w, deadline);
	if (wrap && (m->flags & both) == both) {
		hyp_sched(nlocks, m);
		rumpuser_mutex_enter_nowrap(m);
	} else {
		rumpuser_mutex_enter_nowrap(m);
		if (wrap)
			hyp_sched(nlocks, m);
	}
	return rv;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{

	cv_sleep(cv, m, UINT64_MAX, 1);
}

void
rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{

	cv_sleep(cv, m, UINT64_MAX, 0);
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
    int64_t sec, int64_t nsec)
{
	uint64_t rel, now = td_now();

	if (sec < 0 || (sec == 0 && nsec <= 0))
		rel = 0;
	else if ((uint64_t)sec > (UINT64_MAX - now) / 2000000000ULL)
		rel = UINT64_MAX - now;		/* effectively forever */
	else
		rel = (uint64_t)sec * 1000000000ULL + (uint64_t)nsec;
	return cv_sleep(cv, m, now + rel, 1);
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{

	hyp_wq_wake_one(&cv->wq);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{

	hyp_wq_wake_all(&cv->wq);
}

void
rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp)
{

	*waitersp = cv->wq.n != 0;
}
