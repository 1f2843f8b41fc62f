/*
 * thread.c -- rumpuser threads, the curlwp database and clocks.
 *
 * curlwp lives in core's per-thread word, so rumpuser_curlwp() -- called
 * constantly by a rump kernel -- is one load behind a call.
 */
#include "hyp_int.h"

#define NSEC	1000000000LL

struct hyp_start {
	void	*(*fn)(void *);
	void	*arg;
};

static void
hyp_thread_start(void *a)
{
	struct hyp_start st = *(struct hyp_start *)a;

	td_free(a);
	st.fn(st.arg);
	td_thread_exit();
}

/* priority and cpuidx are hints for an SMP scheduler; one CPU has no use
 * for them. */
int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    int mustjoin, int priority, int cpuidx, void **cookie)
{
	struct hyp_start *st;
	struct td_thread *t;

	if ((st = td_malloc_try(sizeof(*st))) == NULL)
		return TD_ENOMEM;
	st->fn = fn;
	st->arg = arg;
	t = td_thread_create(name != NULL ? name : "rump", hyp_thread_start,
	    st, TD_STACK_DEFAULT, mustjoin ? TD_THREAD_JOINABLE : 0);
	if (t == NULL) {
		td_free(st);
		return TD_ENOMEM;
	}
	if (cookie != NULL)
		*cookie = t;
	return 0;
}

void
rumpuser_thread_exit(void)
{

	td_thread_exit();
}

int
rumpuser_thread_join(void *cookie)
{
	int nlocks, rv;

	hyp_unsched(&nlocks, NULL);
	rv = td_thread_join(cookie);
	hyp_sched(nlocks, NULL);
	return rv == 0 ? 0 : TD_EINVAL;
}

void
rumpuser_curlwpop(int op, struct lwp *l)
{

	switch (op) {
	case RUMPUSER_LWP_CREATE:
	case RUMPUSER_LWP_DESTROY:
		break;		/* informational */
	case RUMPUSER_LWP_SET:
		if (td_thread_getspecific() != NULL)
			td_panic("rumpuser_curlwpop: SET %p over %p",
			    (void *)l, td_thread_getspecific());
		td_thread_setspecific(l);
		break;
	case RUMPUSER_LWP_CLEAR:
		td_thread_setspecific(NULL);
		break;
	default:
		td_panic("rumpuser_curlwpop: op %d", op);
	}
}

struct lwp *
rumpuser_curlwp(void)
{

	return td_thread_getspecific();
}

/* ---- clocks -------------------------------------------------------------- */

int
rumpuser_clock_gettime(int clk, int64_t *sec, long *nsec)
{
	int64_t t;

	switch (clk) {
	case RUMPUSER_CLOCK_RELWALL:
		t = td_wall_ns();
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		t = (int64_t)td_now();
		break;
	default:
		return TD_EINVAL;
	}
	*sec = t / NSEC;
	*nsec = (long)(t % NSEC);
	return 0;
}

/* RELWALL: sleep at least sec+nsec; ABSMONO: until the monotonic clock
 * reaches sec+nsec.  Other threads (and the idle halt) get the CPU. */
int
rumpuser_clock_sleep(int clk, int64_t sec, long nsec)
{
	uint64_t ns, deadline, now = td_now();
	int nlocks;

	if (sec < 0 || nsec < 0 || nsec >= NSEC)
		return TD_EINVAL;
	if ((uint64_t)sec > UINT64_MAX / NSEC - 1)
		ns = UINT64_MAX;
	else
		ns = (uint64_t)sec * NSEC + (uint64_t)nsec;
	switch (clk) {
	case RUMPUSER_CLOCK_RELWALL:
		deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		deadline = ns;
		break;
	default:
		return TD_EINVAL;
	}
	hyp_unsched(&nlocks, NULL);
	/* A sleep that is already over still yields: with cooperative
	 * threads a polling loop must not starve everyone else. */
	if (td_now() >= deadline)
		td_yield();
	while (td_now() < deadline)
		td_sleep_until(deadline);	/* 1 = woken early: sleep on */
	hyp_sched(nlocks, NULL);
	return 0;
}
