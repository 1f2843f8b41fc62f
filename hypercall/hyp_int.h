/*
 * hyp_int.h -- private to hypercall/: the stored upcalls, the wait
 * queue every blocking primitive is built on, small string helpers.
 *
 * hypercall/ is written against core.h only.  One CPU, cooperative
 * threads: code between two blocking calls runs atomically with respect
 * to other threads, so the lock and queue state below needs no atomics.
 * Only state an interrupt handler touches (completions, rx kicks) is
 * guarded with td_irq_save().
 */
#ifndef HYP_INT_H
#define HYP_INT_H

#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <rump/rumpuser.h>

extern struct rumpuser_hyperup hyp_up;	/* zeroed until rumpuser_init */

/* Give back the rump CPU before blocking / take it again after.  Safe
 * to use before rumpuser_init (the fake kernel and core tests). */
static inline void
hyp_unsched(int *nlocks, void *interlock)
{
	*nlocks = 0;
	if (hyp_up.hyp_backend_unschedule != NULL)
		hyp_up.hyp_backend_unschedule(0, nlocks, interlock);
}

static inline void
hyp_sched(int nlocks, void *interlock)
{
	if (hyp_up.hyp_backend_schedule != NULL)
		hyp_up.hyp_backend_schedule(nlocks, interlock);
}

/* A host thread that will call into the rump kernel from outside any
 * kernel-created context (bio completion, packet receive) gets its own
 * lwp first, as rumpuser(3) components do. */
void	hyp_kthread_enter(void);

/* FIFO of blocked threads.  A waiter lives on the waiting thread's
 * stack; whoever dequeues it sets `woken' and wakes the thread. */
struct hyp_waiter {
	struct hyp_waiter *next;
	struct td_thread *thread;
	int		   woken;
	int		   arg;		/* per-primitive: rw wants write, ... */
};

struct hyp_waitq {
	struct hyp_waiter *head;
	struct hyp_waiter **tailp;
	unsigned	   n;
};

void	hyp_wq_init(struct hyp_waitq *);
/* Enqueues w for the calling thread and blocks until it is dequeued by
 * hyp_wq_wake*() or the deadline passes (UINT64_MAX = never).  Returns 0
 * when woken, TD_ETIMEDOUT (and w is off the queue) on timeout. */
int	hyp_wq_wait(struct hyp_waitq *, struct hyp_waiter *, uint64_t);
struct hyp_waiter *hyp_wq_peek(struct hyp_waitq *);
/* Dequeues the first waiter and wakes it; returns it or NULL. */
struct hyp_waiter *hyp_wq_wake_one(struct hyp_waitq *);
void	hyp_wq_wake_all(struct hyp_waitq *);

/* Device and name helpers (blkdev.c, netdev.c). */
int	hyp_strcmp(const char *, const char *);
size_t	hyp_strlen(const char *);
void	hyp_strlcpy(char *, const char *, size_t);
void	hyp_memcpy(void *, const void *, size_t);
void	hyp_memset(void *, int, size_t);

/* Built-in CPU entropy source (random.c); boot-time report. */
void	hyp_rng_init(void);

/* Last value given to rumpuser_seterrno(). */
int	hyp_geterrno(void);

/* Block registry internals used by bio.c (blkdev.c). */
void	hyp_blk_fail(struct td_blkreq *, int error);	/* dev may be NULL */
void	hyp_blk_drain(struct td_blkdev *);		/* blocks, unwrapped */

#endif /* HYP_INT_H */
