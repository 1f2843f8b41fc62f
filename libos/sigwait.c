/*
 * sigwait.c -- waiting for signals and making them: sigaltstack,
 * sigsuspend, sigpending, sigtimedwait, pause, the real-time interval
 * timer (alarm, setitimer) and the graceful stop (SIGTERM to the app on
 * `xl shutdown` or the power button).
 */
#include "lo.h"
#include <linux/time.h>
#include <linux/time_types.h>
#include <tandem/core.h>

#define NS		1000000000ULL
#define SIGTERM_	15
#define SS_ONSTACK_	1
#define SS_DISABLE_	2
#define SS_AUTODISARM_	(1U << 31)
#define MINSIGSTKSZ_	2048
#define UNBLOCKABLE	((1ULL << 8) | (1ULL << 18))	/* KILL, STOP */

struct kstack {
	uintptr_t	ss_sp;
	int		ss_flags;
	size_t		ss_size;
};

static long
sys_sigaltstack(long nss, long oss)
{
	struct lo_thread *td = lo_curthread();
	const struct kstack *n = (const void *)nss;
	struct kstack *o = (void *)oss;
	unsigned f;

	if ((nss != 0 && LO_BADPTR(nss)) || (oss != 0 && LO_BADPTR(oss)))
		return -EFAULT;
	if (n != NULL) {
		f = (unsigned)n->ss_flags;
		if ((f & ~(SS_AUTODISARM_ | SS_ONSTACK_ | SS_DISABLE_)) != 0 ||
		    (f & (SS_ONSTACK_ | SS_DISABLE_)) ==
		    (SS_ONSTACK_ | SS_DISABLE_))
			return -EINVAL;
		if (lo_on_altstack(td))
			return -EPERM;	/* not while running on it */
		if (!(f & SS_DISABLE_) && n->ss_size < MINSIGSTKSZ_)
			return -ENOMEM;
	}
	if (o != NULL) {
		o->ss_sp = td->alt_sp;
		o->ss_size = td->alt_size;
		o->ss_flags = lo_on_altstack(td) ? SS_ONSTACK_ :
		    (int)(td->alt_flags & (SS_DISABLE_ | SS_AUTODISARM_));
	}
	if (n != NULL) {
		f = (unsigned)n->ss_flags & ~SS_ONSTACK_;
		if (f & SS_DISABLE_) {
			td->alt_sp = 0;
			td->alt_size = 0;
			td->alt_flags = SS_DISABLE_;
		} else {
			td->alt_sp = n->ss_sp;
			td->alt_size = n->ss_size;
			td->alt_flags = (int)f;
		}
	}
	return 0;
}

/* Blocks until a signal the thread does not block is pending. */
static long
wait_signal(void)
{
	struct lo_waitq wq;

	lo_waitq_init(&wq);
	while (lo_wait(&wq, UINT64_MAX) != -EINTR)
		;
	return -EINTR;
}

static long
sys_pause(void)
{

	return wait_signal();
}

static long
sys_rt_sigsuspend(long set, long size)
{

	if (size != 8)
		return -EINVAL;
	if (LO_BADPTR(set))
		return -EFAULT;
	lo_sigmask_temp(*(const uint64_t *)set);
	return wait_signal();
}

static long
sys_rt_sigpending(long set, long size)
{
	struct lo_thread *td = lo_curthread();

	if ((unsigned long)size > 8)
		return -EINVAL;
	if (LO_BADPTR(set))
		return -EFAULT;
	/* process-directed ones wait on the main thread */
	memcpy((void *)set, &(uint64_t){ td->sigpend |
	    lo_thread_main()->sigpend }, (size_t)size);
	return 0;
}

struct ksiginfo_ {
	int	 si_signo, si_errno, si_code, pad;
	int	 si_pid, si_uid;
	uint64_t si_value;
	char	 rest[128 - 32];
};

static long
sys_rt_sigtimedwait(long setp, long info, long tsp, long size)
{
	struct lo_thread *td = lo_curthread();
	const struct __kernel_timespec *ts = (const void *)tsp;
	struct ksiginfo_ *si = (void *)info;
	struct lo_waitq wq;
	uint64_t set, got, dl = UINT64_MAX;
	int sig, rv;

	if (size != 8)
		return -EINVAL;
	if (LO_BADPTR(setp) || (info != 0 && LO_BADPTR(info)) ||
	    (tsp != 0 && LO_BADPTR(tsp)))
		return -EFAULT;
	set = *(const uint64_t *)setp & ~UNBLOCKABLE;
	if (ts != NULL) {
		if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
		    ts->tv_nsec >= (long long)NS)
			return -EINVAL;
		dl = lo_now() + ((uint64_t)ts->tv_sec > UINT64_MAX / NS / 4 ?
		    UINT64_MAX / 4 : (uint64_t)ts->tv_sec * NS +
		    (uint64_t)ts->tv_nsec);
	}
	lo_waitq_init(&wq);
	for (;;) {
		if ((got = td->sigpend & set) != 0 ||
		    (got = lo_thread_main()->sigpend & set) != 0)
			break;
		if (td->sigpend & ~td->sigmask)
			return -EINTR;
		rv = lo_wait(&wq, dl);
		if (rv == -ETIMEDOUT)
			return -EAGAIN;
	}
	sig = __builtin_ctzll(got) + 1;
	if (!(td->sigpend & (1ULL << (sig - 1))))
		td = lo_thread_main();	/* a process-directed one */
	td->sigpend &= ~(1ULL << (sig - 1));
	if (si != NULL) {
		memset(si, 0, sizeof(*si));
		si->si_signo = sig;
		si->si_code = td->sigcode[sig - 1];
		si->si_pid = 1;
		si->si_value = td->sigval[sig - 1];
	}
	return sig;
}

/* ---- ITIMER_REAL: ptimer.c's slot 0 posts SIGALRM ---------------------- */
struct ktimeval {
	long	tv_sec, tv_usec;
};
struct kitimerval {
	struct ktimeval	it_interval, it_value;
};

static struct kitimerval other[2];	/* VIRTUAL, PROF: kept, never fire */

static int
tv_ns(const struct ktimeval *tv, uint64_t *ns)
{

	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = (uint64_t)tv->tv_sec * NS + (uint64_t)tv->tv_usec * 1000;
	return 0;
}

static void
ns_tv(uint64_t ns, struct ktimeval *tv)
{

	tv->tv_sec = (long)(ns / NS);
	tv->tv_usec = (long)(ns % NS / 1000);
}

static void
real_get(struct kitimerval *o)
{
	uint64_t left, iv;

	lo_itimer_real(&left, &iv, NULL, NULL);
	ns_tv(iv, &o->it_interval);
	if (left != 0 && left < 1000)
		left = 1000;	/* armed: never reported as 0 (Linux too) */
	ns_tv(left, &o->it_value);
}

static long
sys_setitimer(long which, long newp, long oldp)
{
	const struct kitimerval *n = (const void *)newp;
	struct kitimerval *o = (void *)oldp;
	uint64_t v, iv;
	int rv;

	if (which < 0 || which > 2)
		return -EINVAL;
	if ((newp != 0 && LO_BADPTR(newp)) || (oldp != 0 && LO_BADPTR(oldp)))
		return -EFAULT;
	if (n != NULL && ((rv = tv_ns(&n->it_value, &v)) != 0 ||
	    (rv = tv_ns(&n->it_interval, &iv)) != 0))
		return rv;
	if (which != 0) {
		if (o != NULL)
			*o = other[which - 1];
		if (n != NULL)
			other[which - 1] = *n;
		return 0;
	}
	if (o != NULL)
		real_get(o);
	if (n != NULL)
		lo_itimer_real(NULL, NULL, &v, &iv);
	return 0;
}

static long
sys_getitimer(long which, long p)
{

	if (which < 0 || which > 2)
		return -EINVAL;
	if (LO_BADPTR(p))
		return -EFAULT;
	if (which != 0)
		*(struct kitimerval *)p = other[which - 1];
	else
		real_get((void *)p);
	return 0;
}

static long
sys_alarm(long secs)
{
	struct kitimerval n, o;
	long r;

	memset(&n, 0, sizeof(n));
	n.it_value.tv_sec = (long)(unsigned)secs;
	sys_setitimer(0, (long)&n, (long)&o);
	r = o.it_value.tv_sec;
	if ((r == 0 && o.it_value.tv_usec != 0) ||
	    o.it_value.tv_usec >= 500000)
		r++;
	return r;
}

/* ---- graceful stop ---------------------------------------------------- */
void
lo_shutdown_request(void)
{

	lo_signal_post_process(SIGTERM_);
}

/*
 * core's hook for `xl shutdown` / `xl reboot` (platform/xen/lifecycle.c):
 * the app gets SIGTERM, as a Linux service would, and its exit ends the
 * guest with the app's own status (0 if it handled SIGTERM and exited
 * cleanly; 143 by SIGTERM's default action).  If it is still running
 * after libos.shutdown_timeout seconds (default 30) this returns 124,
 * which becomes the guest's exit status.  Weak: an app may define its
 * own.
 */
__attribute__((weak)) int
td_app_shutdown(const char *reason)
{
	char num[16];
	uint64_t secs = 30, dl;
	int i;

	if (rumpuser_getparam("libos.shutdown_timeout", num, sizeof(num))
	    == 0) {
		for (secs = 0, i = 0; num[i] >= '0' && num[i] <= '9'; i++)
			secs = secs * 10 + (uint64_t)(num[i] - '0');
	}
	lo_printf("tandem: libos: %s: SIGTERM to the app\n", reason);
	lo_shutdown_request();
	dl = lo_now() + secs * NS;
	while (lo_now() < dl)
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 100000000);
	lo_printf("tandem: libos: the app did not exit within %s s of "
	    "SIGTERM\n", lo_utoa(num, secs, 10));
	return 124;
}

LO_SYSCALL(sigaltstack, sys_sigaltstack);
LO_SYSCALL(pause, sys_pause);
LO_SYSCALL(rt_sigsuspend, sys_rt_sigsuspend);
LO_SYSCALL(rt_sigpending, sys_rt_sigpending);
LO_SYSCALL(rt_sigtimedwait, sys_rt_sigtimedwait);
LO_SYSCALL(setitimer, sys_setitimer);
LO_SYSCALL(getitimer, sys_getitimer);
LO_SYSCALL(alarm, sys_alarm);
