/*
 * time.c -- clocks and sleeps.
 *
 * Two clocks exist below: rumpuser's monotonic one (ABSMONO, since boot)
 * and the wall clock (RELWALL).  MONOTONIC, _RAW, _COARSE and BOOTTIME
 * are all the monotonic clock (nothing is suspended, nothing slews);
 * REALTIME(_COARSE) and TAI are the wall clock.  The CPU-time clocks are
 * core's per-thread run time (thread.c).  Sleeps block in lo_wait(), so the CPU goes to other threads or to the
 * idle halt, and a signal ends them early with -EINTR.
 */
#include "lo.h"
#include <tandem/core.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/resource.h>

#define NS		1000000000ULL

/* core's wall clock, as lo_now() reads core's monotonic one */
static uint64_t
wall_ns(void)
{

	return (uint64_t)td_wall_ns();
}

/* -EINVAL for clocks Linux does not have (dynamic posix clocks of fds
 * and other processes' CPU clocks are not ours either). */
static int
clock_read(long clk, uint64_t *ns)
{

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = wall_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = lo_now();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = lo_process_cpu_ns();
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = lo_thread_cpu_ns(lo_curthread());
		return 0;
	default:
		return -EINVAL;
	}
}

static void
to_ts(uint64_t ns, struct __kernel_timespec *ts)
{

	ts->tv_sec = (long long)(ns / NS);
	ts->tv_nsec = (long long)(ns % NS);
}

static int
ts_ns(const struct __kernel_timespec *ts, uint64_t *ns)
{

	if (LO_BADPTR(ts))
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NS)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NS / 4)
		*ns = UINT64_MAX / 4;	/* forever, without overflow */
	else
		*ns = (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
	return 0;
}

static long
sys_clock_gettime(long clk, long tsp)
{
	uint64_t ns;
	int rv;

	if ((rv = clock_read(clk, &ns)) != 0)
		return rv;
	if (LO_BADPTR(tsp))
		return -EFAULT;
	to_ts(ns, (struct __kernel_timespec *)tsp);
	return 0;
}

static long
sys_clock_getres(long clk, long tsp)
{
	uint64_t ns;
	int rv;

	if ((rv = clock_read(clk, &ns)) != 0)
		return rv;
	if (tsp == 0)
		return 0;
	if (LO_BADPTR(tsp))
		return -EFAULT;
	/* coarse clocks: a tick of a HZ=250 kernel, as Debian's says */
	to_ts(clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE ?
	    4000000 : 1, (struct __kernel_timespec *)tsp);
	return 0;
}

/* Sleeps until the monotonic deadline; on a signal stores what is left
 * of a relative sleep in rem (when given) and returns -EINTR. */
static long
sleep_until(uint64_t dl, struct __kernel_timespec *rem)
{
	struct lo_waitq wq;
	uint64_t now;
	int rv;

	lo_waitq_init(&wq);
	do
		rv = lo_wait(&wq, dl);
	while (rv == 0);		/* nobody wakes wq: spurious */
	if (rv == -ETIMEDOUT)
		return 0;
	if (rem != NULL) {
		now = lo_now();
		to_ts(dl > now ? dl - now : 0, rem);
	}
	return -EINTR;
}

static long
sys_clock_nanosleep(long clk, long flags, long req, long rem)
{
	uint64_t ns, now;
	int rv;

	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if ((rv = clock_read(clk, &now)) != 0)
		return rv;
	if ((rv = ts_ns((const void *)req, &ns)) != 0)
		return rv;
	if (rem != 0 && LO_BADPTR(rem) && !(flags & TIMER_ABSTIME))
		return -EFAULT;
	if (flags & TIMER_ABSTIME)	/* that clock's distance, from now */
		return sleep_until(lo_now() + (ns > now ? ns - now : 0), NULL);
	return sleep_until(lo_now() + ns, (void *)rem);
}

static long
sys_nanosleep(long req, long rem)
{

	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}

struct ktimeval {
	long	tv_sec, tv_usec;
};

static long
sys_gettimeofday(long tvp, long tzp)
{
	struct ktimeval *tv = (void *)tvp;
	uint64_t ns = wall_ns();

	if ((tvp != 0 && LO_BADPTR(tvp)) || (tzp != 0 && LO_BADPTR(tzp)))
		return -EFAULT;
	if (tv != NULL) {
		tv->tv_sec = (long)(ns / NS);
		tv->tv_usec = (long)(ns % NS / 1000);
	}
	if (tzp != 0)
		memset((void *)tzp, 0, 8);	/* UTC, no DST */
	return 0;
}

static long
sys_time(long tp)
{
	long t = (long)(wall_ns() / NS);

	if (tp != 0) {
		if (LO_BADPTR(tp))
			return -EFAULT;
		*(long *)tp = t;
	}
	return t;
}

/* The clock belongs to the host: setting it is not the app's right. */
static long
sys_settime(long clk, long tsp)
{

	/* only the wall clock is settable at all (Linux: EINVAL for the
	 * others) */
	return clk == CLOCK_REALTIME ? -EPERM : -EINVAL;
}

static long
sys_settimeofday(long tv, long tz)
{

	return -EPERM;
}

static long
sys_adjtimex(long p)
{

	return -EPERM;
}

/* times(): clock ticks (AT_CLKTCK is 100). */
struct ktms {
	long	utime, stime, cutime, cstime;
};

static long
sys_times(long p)
{
	struct ktms *t = (void *)p;

	if (p != 0) {
		if (LO_BADPTR(p))
			return -EFAULT;
		t->utime = (long)(lo_process_cpu_ns() / (NS / 100));
		t->stime = t->cutime = t->cstime = 0;
	}
	return (long)(lo_now() / (NS / 100));
}

static long
sys_getrusage(long who, long p)
{
	struct rusage *ru = (void *)p;
	uint64_t ns;

	switch (who) {
	case RUSAGE_SELF:
		ns = lo_process_cpu_ns();
		break;
	case RUSAGE_THREAD:
		ns = lo_thread_cpu_ns(lo_curthread());
		break;
	case RUSAGE_CHILDREN:
		ns = 0;
		break;
	default:
		return -EINVAL;
	}
	if (LO_BADPTR(p))
		return -EFAULT;
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = (long)(ns / NS);
	ru->ru_utime.tv_usec = (long)(ns % NS / 1000);
	return 0;
}

LO_SYSCALL(clock_gettime, sys_clock_gettime);
LO_SYSCALL(clock_getres, sys_clock_getres);
LO_SYSCALL(clock_nanosleep, sys_clock_nanosleep);
LO_SYSCALL(nanosleep, sys_nanosleep);
LO_SYSCALL(gettimeofday, sys_gettimeofday);
LO_SYSCALL(time, sys_time);
LO_SYSCALL(clock_settime, sys_settime);
LO_SYSCALL(settimeofday, sys_settimeofday);
LO_SYSCALL(adjtimex, sys_adjtimex);
LO_SYSCALL(clock_adjtime, sys_settime);
LO_SYSCALL(times, sys_times);
LO_SYSCALL(getrusage, sys_getrusage);
