/*
 * thread.c -- what core answers about a thread outside the switch path:
 * its name, the thread count, CPU time, whose stack a faulting address
 * is under, and the thread list of a panic report; and sleeping, which
 * is td_thread_block with a deadline.  The scheduler's
 * state is sched.c's (sched_impl.h); everything here only reads it.
 */
#include "core_impl.h"
#include "sched_impl.h"

static const char *const state_name[] = {
	"running", "runnable", "blocked", "zombie",
};

TD_COLD const char *
td_stack_guard_owner(uintptr_t addr)
{
	struct td_thread *t;
	int n = 0;

	/* bounded, like sched_dump: called from the fault report */
	for (t = sched_all_head; t != NULL && n < 4096; t = t->all_next, n++)
		if (stack_below(&t->st, addr))
			return t->name;
	return NULL;
}

const char *
td_thread_name(const struct td_thread *t)
{
	return t->name;
}

int
td_thread_count(void)
{
	return sched_nthreads;
}

/* No masking: interrupt handlers never switch, so the current thread and
 * sched_slice_tsc stay as read. */
TD_COLD uint64_t
td_thread_cpu_ns(struct td_thread *t)
{
	uint64_t c = t->run_tsc, ns;

	if (t == td_thread_self())
		c += rdtsc() - sched_slice_tsc;
	ns = clock_tsc_ns(c);
	if (ns < t->cpu_ns)	/* the TSC's rate was measured again */
		return t->cpu_ns;
	t->cpu_ns = ns;
	return ns;
}

/* For the panic report.  Safe on a corrupt-ish list: bounded. */
TD_COLD void
sched_dump(void)
{
	struct td_thread *t, *self = td_thread_self();
	int n = 0;

	td_printf("  threads:\n");
	for (t = sched_all_head; t != NULL && n < 256; t = t->all_next, n++)
		td_printf("    %c %-31s %-8s%s\n", t == self ? '*' : ' ',
		    t->name, state_name[t->state],
		    t->deadline != UINT64_MAX ? " (sleeping)" : "");
}

/*
 * A plain sleep is not an event wait: a wake that arrived while the
 * thread was running is meant for a later td_thread_block(), so it is
 * dropped here; only a wake during the sleep ends it early.
 */
int
td_sleep_until(uint64_t deadline)
{
	td_thread_prepare_block();
	return td_thread_block(deadline) == 0 ? 1 : 0;
}

int
td_sleep_ns(uint64_t ns)
{
	uint64_t now = td_now();

	return td_sleep_until(ns > UINT64_MAX - 1 - now ? UINT64_MAX - 1 :
	    now + ns);
}
