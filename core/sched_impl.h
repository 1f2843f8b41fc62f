/*
 * sched_impl.h -- the thread record and the scheduler state that
 * core/sched.c (switching, blocking, the thread lifecycle) shares with
 * core/thread.c (the cold per-thread queries and the panic report).
 * Nothing outside those two files includes it.
 */
#ifndef TANDEM_SCHED_IMPL_H
#define TANDEM_SCHED_IMPL_H

#include "core_impl.h"

enum tstate {
	TS_RUNNING,
	TS_RUNNABLE,
	TS_BLOCKED,	/* waiting for a wake, maybe with a deadline */
	TS_ZOMBIE,
};

struct td_thread {
	struct arch_ctx	 ctx;
	enum tstate	 state;
	int		 flags;
	int		 wake_pending;	/* td_thread_wake() while not blocked */
	int		 woken;		/* left TS_BLOCKED by a wake */
	uint64_t	 deadline;	/* on the sleep queue when != max */
	struct td_thread *rq_next;
	struct td_thread *sq_next, *sq_prev;
	struct td_thread *all_next, *all_prev;
	struct td_thread *joiner;
	struct td_thread *reap_next;
	struct td_stack	 st;		/* base NULL for the idle thread */
	td_thread_fn	 fn;
	void		*arg;
	void		*specific;
	uint64_t	 fsbase;	/* 0: none of its own */
	td_irqflags_t	 irqflags;	/* state a new thread starts with */
	char		 name[32];
	int		 crt_errno;	/* td_thread_errno() */
	uint64_t	 run_tsc;	/* TSC cycles run, but the current slice */
	uint64_t	 cpu_ns;	/* last td_thread_cpu_ns() */
};

extern struct td_thread	*sched_all_head;	/* every thread, idle included */
extern int		 sched_nthreads;	/* threads created, not reaped */
extern uint64_t		 sched_slice_tsc;	/* TSC when the current one
						 * was switched to */

#endif
