/*
 * sched.c -- the scheduler's face: one CPU, cooperative threads.
 *
 * Policies and priorities are accepted and reported back but change
 * nothing: the core scheduler is round robin without priorities.  The
 * affinity mask is always CPU 0.
 */
#include "lo.h"
#include <linux/sched.h>
#include <linux/sched/types.h>

#define SCHED_OTHER	SCHED_NORMAL	/* the C library's name */

static int	nice_value;		/* setpriority(PRIO_PROCESS) */

/* pid 0, the process or one of its threads */
static int
pid_ok(long pid)
{
	struct lo_thread *td;

	if (pid == 0 || pid == 1)
		return 1;
	for (td = lo_threads; td != NULL; td = td->next)
		if (td->tid == pid)
			return 1;
	return 0;
}

static long
sys_sched_yield(void)
{

	/* a sleep that is over at once still lets the others run */
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 0);
	return 0;
}

static long
sys_sched_getaffinity(long pid, long len, long mask)
{

	if (pid < 0)
		return -EINVAL;
	if (!pid_ok(pid))
		return -ESRCH;
	if ((unsigned long)len < 8 || (len & 7) != 0)
		return -EINVAL;
	if (LO_BADPTR(mask))
		return -EFAULT;
	*(uint64_t *)mask = 1;		/* CPU 0 */
	return 8;			/* bytes the kernel's mask has */
}

static long
sys_sched_setaffinity(long pid, long len, long mask)
{

	if (pid < 0)
		return -EINVAL;
	if (!pid_ok(pid))
		return -ESRCH;
	if (len <= 0)
		return -EINVAL;
	if (LO_BADPTR(mask))
		return -EFAULT;
	if (!(*(const unsigned char *)mask & 1))
		return -EINVAL;		/* no CPU of ours in the set */
	return 0;
}

static int
prio_range(long policy, int *min, int *max)
{

	switch (policy) {
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		*min = *max = 0;
		return 0;
	case SCHED_FIFO:
	case SCHED_RR:
		*min = 1;
		*max = 99;
		return 0;
	default:
		return -EINVAL;
	}
}

static long
sys_sched_setscheduler(long pid, long policy, long param)
{
	int min, max, p;

	policy &= ~SCHED_RESET_ON_FORK;
	if (pid < 0 || param == 0)
		return -EINVAL;
	if (LO_BADPTR(param))
		return -EFAULT;
	if (!pid_ok(pid))
		return -ESRCH;
	if (prio_range(policy, &min, &max) != 0)
		return -EINVAL;
	p = ((const struct sched_param *)param)->sched_priority;
	if (p < min || p > max)
		return -EINVAL;
	return 0;			/* accepted; round robin regardless */
}

static long
sys_sched_getscheduler(long pid)
{

	if (pid < 0)
		return -EINVAL;
	return pid_ok(pid) ? SCHED_OTHER : -ESRCH;
}

static long
sys_sched_getparam(long pid, long param)
{

	if (pid < 0 || param == 0)
		return -EINVAL;
	if (!pid_ok(pid))
		return -ESRCH;
	if (LO_BADPTR(param))
		return -EFAULT;
	((struct sched_param *)param)->sched_priority = 0;
	return 0;
}

static long
sys_sched_setparam(long pid, long param)
{

	if (pid < 0 || param == 0)
		return -EINVAL;
	if (!pid_ok(pid))
		return -ESRCH;
	if (LO_BADPTR(param))
		return -EFAULT;
	return ((const struct sched_param *)param)->sched_priority == 0 ?
	    0 : -EINVAL;
}

static long
sys_sched_get_priority_max(long policy)
{
	int min, max;

	return prio_range(policy, &min, &max) != 0 ? -EINVAL : max;
}

static long
sys_sched_get_priority_min(long policy)
{
	int min, max;

	return prio_range(policy, &min, &max) != 0 ? -EINVAL : min;
}

static long
sys_sched_rr_get_interval(long pid, long tsp)
{
	long *ts = (long *)tsp;

	if (pid < 0)
		return -EINVAL;
	if (!pid_ok(pid))
		return -ESRCH;
	if (LO_BADPTR(tsp))
		return -EFAULT;
	ts[0] = 0;
	ts[1] = 0;			/* SCHED_OTHER: no fixed slice */
	return 0;
}

static long
sys_getcpu(long cpu, long node, long cache)
{

	if (cpu != 0) {
		if (LO_BADPTR(cpu))
			return -EFAULT;
		*(unsigned *)cpu = 0;
	}
	if (node != 0) {
		if (LO_BADPTR(node))
			return -EFAULT;
		*(unsigned *)node = 0;
	}
	return 0;
}

/* Nice values: kept for the process and reported as the kernel does
 * (getpriority returns 20 - nice). */
static long
sys_getpriority(long which, long who)
{

	if (which < 0 || which > 2)	/* PRIO_PROCESS, PGRP, USER */
		return -EINVAL;
	if (who != 0 && !(which == 0 && pid_ok(who)) &&
	    !(which != 0 && (who == 1 || (which == 2 && who == 0))))
		return -ESRCH;
	return 20 - nice_value;
}

static long
sys_setpriority(long which, long who, long prio)
{

	if (which < 0 || which > 2)
		return -EINVAL;
	if (who != 0 && !(which == 0 && pid_ok(who)) && who != 1)
		return -ESRCH;
	nice_value = prio < -20 ? -20 : prio > 19 ? 19 : (int)prio;
	return 0;
}

/* Restartable sequences need the kernel to fix up preempted critical
 * sections; ENOSYS makes every C library fall back to plain code. */
static long
sys_rseq(void)
{

	return -ENOSYS;
}

LO_SYSCALL(sched_yield, sys_sched_yield);
LO_SYSCALL(sched_getaffinity, sys_sched_getaffinity);
LO_SYSCALL(sched_setaffinity, sys_sched_setaffinity);
LO_SYSCALL(sched_setscheduler, sys_sched_setscheduler);
LO_SYSCALL(sched_getscheduler, sys_sched_getscheduler);
LO_SYSCALL(sched_getparam, sys_sched_getparam);
LO_SYSCALL(sched_setparam, sys_sched_setparam);
LO_SYSCALL(sched_get_priority_max, sys_sched_get_priority_max);
LO_SYSCALL(sched_get_priority_min, sys_sched_get_priority_min);
LO_SYSCALL(sched_rr_get_interval, sys_sched_rr_get_interval);
LO_SYSCALL(getcpu, sys_getcpu);
LO_SYSCALL(getpriority, sys_getpriority);
LO_SYSCALL(setpriority, sys_setpriority);
LO_SYSCALL(rseq, sys_rseq);
