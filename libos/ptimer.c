/*
 * ptimer.c -- timers that post signals: POSIX timers (timer_create and
 * friends) and ITIMER_REAL (sigwait.c's setitimer/alarm), on one libos
 * thread that sleeps until the earliest deadline.
 *
 * Deadlines are kept on the monotonic clock.  An absolute CLOCK_REALTIME
 * setting is converted when it is made (a later change of the wall
 * clock does not move it; the host owns that clock anyway).  CPU-time
 * clocks are not timer clocks here (EINVAL... as Linux without them).
 * A signal still pending at the next expiry is not queued again: the
 * expiry counts as an overrun (timer_getoverrun), as on Linux.
 */
#include "lo.h"
#include <linux/time.h>
#include <linux/time_types.h>
#include <asm-generic/siginfo.h>

#define NS		1000000000ULL
#define NTIMER		64		/* slot 0: ITIMER_REAL */
#define SI_TIMER_	(-2)
#define SI_KERNEL_	0x80
#define SIGALRM		14

struct ptimer {
	int		 used;
	int		 clock;
	int		 notify;	/* SIGEV_SIGNAL, _NONE, _THREAD_ID */
	int		 signo;
	int		 tid;		/* SIGEV_THREAD_ID */
	uint64_t	 value;		/* sigev_value */
	uint64_t	 dl, iv;	/* monotonic ns; UINT64_MAX: disarmed */
	int		 overrun, last_overrun;
};

struct ksigevent {
	uint64_t	 sigev_value;
	int		 sigev_signo;
	int		 sigev_notify;
	int		 sigev_tid;
};

struct kitimerspec {
	struct __kernel_timespec it_interval, it_value;
};

static struct ptimer	 timers[NTIMER];
static struct lo_waitq	 timer_wq;
static int		 timer_running;

static void
fire(int id, struct ptimer *t)
{
	struct lo_thread *td;

	if (id == 0) {			/* ITIMER_REAL */
		lo_signal_post_process_code(SIGALRM, SI_KERNEL_);
		return;
	}
	if (t->notify == SIGEV_NONE)
		return;
	if (t->notify == SIGEV_THREAD_ID) {
		for (td = lo_threads; td != NULL; td = td->next)
			if (td->tid == t->tid && td->app)
				break;
		if (td == NULL)
			return;		/* the thread is gone */
	} else
		td = lo_signal_target(t->signo);
	if (lo_signal_post_val(td, t->signo, SI_TIMER_, t->value))
		t->overrun++;		/* still pending: merged */
	else {
		t->last_overrun = t->overrun;
		t->overrun = 0;
	}
}

static void *
timer_body(void *arg)
{
	struct ptimer *t;
	uint64_t now, next;
	int i;

	for (;;) {
		next = UINT64_MAX;
		for (i = 0; i < NTIMER; i++)
			if (timers[i].used && timers[i].dl < next)
				next = timers[i].dl;
		lo_wait(&timer_wq, next);
		now = lo_now();
		for (i = 0; i < NTIMER; i++) {
			t = &timers[i];
			if (!t->used || t->dl > now)
				continue;
			if (t->iv != 0) {
				t->dl += t->iv;
				while (t->dl <= now) {	/* missed periods */
					t->dl += t->iv;
					t->overrun++;
				}
			} else
				t->dl = UINT64_MAX;
			fire(i, t);
		}
	}
	return NULL;
}

/* (Re)arms: the timer thread looks at the deadlines again. */
static int
rearm(void)
{

	if (!timer_running) {
		if (rumpuser_thread_create(timer_body, NULL, "timers", 0, 0,
		    -1, NULL) != 0)
			return -EAGAIN;
		timer_running = 1;
	}
	lo_wakeup(&timer_wq, 0);
	return 0;
}

static uint64_t
left_of(const struct ptimer *t)
{
	uint64_t now = lo_now();

	if (t->dl == UINT64_MAX)
		return 0;
	return t->dl > now ? t->dl - now : 1;	/* armed is never 0 */
}

/* ITIMER_REAL for sigwait.c: the old setting out, the new one in
 * (relative ns; 0 disarms). */
void
lo_itimer_real(uint64_t *left, uint64_t *iv, const uint64_t *nv,
    const uint64_t *niv)
{
	struct ptimer *t = &timers[0];

	if (!t->used) {
		t->used = 1;
		t->dl = UINT64_MAX;
	}
	if (left != NULL)
		*left = left_of(t);
	if (iv != NULL)
		*iv = t->iv;
	if (nv == NULL)
		return;
	t->iv = *niv;
	t->dl = *nv == 0 ? UINT64_MAX : lo_now() + *nv;
	if (t->dl != UINT64_MAX)
		(void)rearm();
	else
		lo_wakeup(&timer_wq, 0);
}

static int
clock_ok(long clk)
{

	return clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC ||
	    clk == CLOCK_BOOTTIME || clk == CLOCK_REALTIME_ALARM ||
	    clk == CLOCK_BOOTTIME_ALARM || clk == CLOCK_TAI;
}

static struct ptimer *
timer_of(long id)
{

	if (id < 1 || id >= NTIMER || !timers[id].used)
		return NULL;
	return &timers[id];
}

static long
sys_timer_create(long clk, long sevp, long idp)
{
	const struct ksigevent *ev = (const void *)sevp;
	struct ptimer *t;
	int id;

	if (clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;		/* no CPU-time timers here */
	if (!clock_ok(clk))
		return -EINVAL;
	if ((sevp != 0 && LO_BADPTR(sevp)) || LO_BADPTR(idp))
		return -EFAULT;
	for (id = 1; id < NTIMER && timers[id].used; id++)
		;
	if (id == NTIMER)
		return -EAGAIN;
	t = &timers[id];
	memset(t, 0, sizeof(*t));
	t->dl = UINT64_MAX;
	t->clock = (int)clk;
	t->notify = SIGEV_SIGNAL;
	t->signo = SIGALRM;
	t->value = (uint64_t)id;
	if (ev != NULL) {
		t->notify = ev->sigev_notify;
		t->signo = ev->sigev_signo;
		t->value = ev->sigev_value;
		t->tid = ev->sigev_tid;
		if (t->notify != SIGEV_SIGNAL && t->notify != SIGEV_NONE &&
		    t->notify != SIGEV_THREAD_ID)
			return -EINVAL;
		if (t->notify != SIGEV_NONE &&
		    (t->signo < 1 || t->signo > 64))
			return -EINVAL;
	}
	t->used = 1;
	*(int *)idp = id;
	return 0;
}

static int
ts_ns(const struct __kernel_timespec *ts, uint64_t *ns)
{

	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NS)
		return -EINVAL;
	*ns = (uint64_t)ts->tv_sec >= UINT64_MAX / NS / 4 ? UINT64_MAX / 4 :
	    (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
	return 0;
}

static void
ns_ts(uint64_t ns, struct __kernel_timespec *ts)
{

	ts->tv_sec = (long long)(ns / NS);
	ts->tv_nsec = (long long)(ns % NS);
}

static long
sys_timer_gettime(long id, long p)
{
	struct kitimerspec *o = (void *)p;
	struct ptimer *t;

	if ((t = timer_of(id)) == NULL)
		return -EINVAL;
	if (LO_BADPTR(p))
		return -EFAULT;
	ns_ts(t->iv, &o->it_interval);
	ns_ts(left_of(t), &o->it_value);
	return 0;
}

static long
sys_timer_settime(long id, long flags, long newp, long oldp)
{
	const struct kitimerspec *n = (const void *)newp;
	struct ptimer *t;
	uint64_t v, iv, now, base;
	int64_t sec;
	long nsec;
	int rv;

	if ((t = timer_of(id)) == NULL)
		return -EINVAL;
	if (LO_BADPTR(newp) || (oldp != 0 && LO_BADPTR(oldp)))
		return -EFAULT;
	if ((rv = ts_ns(&n->it_value, &v)) != 0 ||
	    (rv = ts_ns(&n->it_interval, &iv)) != 0)
		return rv;
	if (oldp != 0)
		(void)sys_timer_gettime(id, oldp);
	t->iv = iv;
	t->overrun = 0;
	if (v == 0) {
		t->dl = UINT64_MAX;
		lo_wakeup(&timer_wq, 0);
		return 0;
	}
	now = lo_now();
	if (flags & TIMER_ABSTIME) {
		/* that clock's distance, from now; in the past: at once */
		base = now;
		if (t->clock == CLOCK_REALTIME || t->clock == CLOCK_TAI ||
		    t->clock == CLOCK_REALTIME_ALARM) {
			rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec,
			    &nsec);
			base = (uint64_t)sec * NS + (uint64_t)nsec;
		}
		v = v > base ? v - base : 0;
	}
	t->dl = now + v;
	return rearm();
}

/* The overruns of the last signal taken: while the newest is pending,
 * that is the one before it; once taken, the expiries merged into it
 * since (counted on until the next post). */
static long
sys_timer_getoverrun(long id)
{
	struct lo_thread *td;
	struct ptimer *t;
	int pending = 0;

	if ((t = timer_of(id)) == NULL)
		return -EINVAL;
	if (t->notify != SIGEV_NONE)
		for (td = lo_threads; td != NULL; td = td->next)
			if (td->app && (td->sigpend & (1ULL << (t->signo - 1))))
				pending = 1;
	return pending ? t->last_overrun : t->overrun;
}

static long
sys_timer_delete(long id)
{
	struct ptimer *t;

	if ((t = timer_of(id)) == NULL)
		return -EINVAL;
	t->used = 0;
	t->dl = UINT64_MAX;
	lo_wakeup(&timer_wq, 0);
	return 0;
}

LO_SYSCALL(timer_create, sys_timer_create);
LO_SYSCALL(timer_settime, sys_timer_settime);
LO_SYSCALL(timer_gettime, sys_timer_gettime);
LO_SYSCALL(timer_getoverrun, sys_timer_getoverrun);
LO_SYSCALL(timer_delete, sys_timer_delete);
