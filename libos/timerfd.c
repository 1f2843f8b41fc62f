/*
 * timerfd.c -- timerfd_create/settime/gettime.
 *
 * One libos thread serves every timer: armed timers sit on one list
 * sorted by their deadline on the monotonic clock, and the thread
 * sleeps in lo_wait() until the first deadline or until settime puts
 * an earlier one in front (it is woken then).  Nothing spins.
 *
 * Expirations are counted as Linux counts them: when a timer fires it
 * counts one tick and, if periodic, stays "expired" without re-arming;
 * read (or gettime) then adds the periods that passed meanwhile and
 * re-arms.  So a periodic timer nobody reads costs no wakeups, and an
 * edge-triggered epoll hears it once until it is read, as on Linux.
 * CLOCK_REALTIME deadlines are mapped to the monotonic clock when armed
 * (the wall clock of a Tandem guest is not set while it runs).
 */
#include "lo.h"
#include <linux/time_types.h>

#define CLOCK_REALTIME_		0
#define CLOCK_MONOTONIC_	1
#define CLOCK_BOOTTIME_		7
#define CLOCK_REALTIME_ALARM_	8
#define CLOCK_BOOTTIME_ALARM_	9
#define TFD_TIMER_ABSTIME_	1
#define TFD_TIMER_CANCEL_ON_SET_ 2
#define NS			1000000000ULL
#define NS_MAX			((uint64_t)INT64_MAX)

struct tfd {
	struct lo_waitq	 wq;
	int		 wall;		/* CLOCK_REALTIME(_ALARM) */
	int		 armed;		/* on the timer list */
	int		 expired;	/* fired, periodic, not yet re-armed */
	uint64_t	 ticks;
	uint64_t	 dl;		/* expiry on the timer's clock; 0: none */
	uint64_t	 mdl;		/* the same on the monotonic clock */
	uint64_t	 interval;
	struct tfd	*next;		/* timer list, by mdl */
};

static struct tfd	*timers;	/* armed, earliest first */
static struct lo_waitq	 timer_wq;	/* the timer thread sleeps here */
static int		 timer_thread;

static const struct lo_fileops tfd_ops;

static uint64_t
wall_now(void)
{
	int64_t sec;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	return (uint64_t)sec * NS + (uint64_t)nsec;
}

static uint64_t
clock_now(const struct tfd *t)
{

	return t->wall ? wall_now() : lo_now();
}

/* ---- the timer list and its thread ------------------------------------ */

static void
fire(struct tfd *t)
{

	t->ticks++;
	t->expired = 1;
	lo_wakeup(&t->wq, POLLIN);
}

static void *
timer_main(void *arg)
{
	struct tfd *t;

	for (;;) {
		while ((t = timers) != NULL && t->mdl <= lo_now()) {
			timers = t->next;
			t->armed = 0;
			fire(t);
		}
		lo_wait(&timer_wq, timers != NULL ? timers->mdl : UINT64_MAX);
	}
	return NULL;
}

static void
disarm(struct tfd *t)
{
	struct tfd **pp;

	if (!t->armed)
		return;
	for (pp = &timers; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	t->armed = 0;
}

/* Puts t on the list at t->dl; one already due fires right away. */
static int
arm(struct tfd *t)
{
	struct tfd **pp;
	uint64_t now = clock_now(t), mnow = lo_now();
	void *cookie;
	int rv;

	if (t->dl <= now) {
		fire(t);
		return 0;
	}
	if (!timer_thread) {
		rv = rumpuser_thread_create(timer_main, NULL, "timerfd", 0,
		    -1, -1, &cookie);
		if (rv != 0)
			return -lo_errno_from_rump(rv);
		timer_thread = 1;
	}
	t->mdl = t->dl - now > NS_MAX - mnow ? UINT64_MAX - 1 :
	    mnow + (t->dl - now);
	for (pp = &timers; *pp != NULL && (*pp)->mdl <= t->mdl;
	    pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = 1;
	if (timers == t)
		lo_wakeup(&timer_wq, ~0);
	return 0;
}

/* Moves an expired periodic timer's deadline past now; returns the
 * number of periods that went by (>= 1), like hrtimer_forward_now. */
static uint64_t
forward(struct tfd *t)
{
	uint64_t now = clock_now(t), n;

	if (now < t->dl)
		return 0;
	n = (now - t->dl) / t->interval + 1;
	t->dl += n * t->interval;
	return n;
}

/* Adds the periods of an expired periodic timer and re-arms it. */
static void
catch_up(struct tfd *t)
{

	if (t->expired && t->interval != 0) {
		t->expired = 0;
		t->ticks += forward(t) - 1;
		arm(t);
	}
}

/* ---- the file ------------------------------------------------------------ */

static ssize_t
tfd_read(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct tfd *t = f->priv;
	struct lo_iocur c;
	uint64_t v;

	if (lo_iov_total(iov, cnt) < sizeof(v))
		return -EINVAL;
	if (t->ticks == 0)
		return -EAGAIN;
	catch_up(t);
	v = t->ticks;
	t->ticks = 0;
	t->expired = 0;
	lo_iocur_init(&c, iov, cnt);
	lo_iocur_put(&c, &v, sizeof(v));
	return sizeof(v);
}

static int
tfd_poll(struct lo_file *f)
{
	struct tfd *t = f->priv;

	return t->ticks != 0 ? POLLIN : 0;
}

static void
tfd_close(struct lo_file *f)
{
	struct tfd *t = f->priv;

	disarm(t);
	lo_free(t, sizeof(*t));
}

static const struct lo_fileops tfd_ops = {
	.read = tfd_read,
	.poll = tfd_poll,
	.stat = lo_anon_stat,
	.close = tfd_close,
};

/* ---- the calls ------------------------------------------------------------- */

static long
sys_timerfd_create(long clock, long flags)
{
	struct lo_file *f;
	struct tfd *t;

	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_REALTIME_ && clock != CLOCK_MONOTONIC_ &&
	    clock != CLOCK_BOOTTIME_ && clock != CLOCK_REALTIME_ALARM_ &&
	    clock != CLOCK_BOOTTIME_ALARM_)
		return -EINVAL;
	if ((t = lo_zalloc(sizeof(*t))) == NULL)
		return -ENOMEM;
	lo_waitq_init(&t->wq);
	t->wall = clock == CLOCK_REALTIME_ || clock == CLOCK_REALTIME_ALARM_;
	if ((f = lo_file_new(&tfd_ops, O_RDWR | ((int)flags & O_NONBLOCK),
	    t)) == NULL) {
		lo_free(t, sizeof(*t));
		return -ENOMEM;
	}
	f->wq = &t->wq;
	return lo_fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}

static int
ts_valid(const struct __kernel_timespec *ts)
{

	return ts->tv_sec >= 0 && (unsigned long long)ts->tv_nsec < NS;
}

static uint64_t
ts_ns(const struct __kernel_timespec *ts)
{

	if ((uint64_t)ts->tv_sec >= NS_MAX / NS)
		return NS_MAX;
	return (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
}

static void
ns_ts(uint64_t ns, struct __kernel_timespec *ts)
{

	ts->tv_sec = (long long)(ns / NS);
	ts->tv_nsec = (long long)(ns % NS);
}

/* The file of a timerfd with a reference, or NULL with *err set. */
static struct lo_file *
tfd_get(long fd, long *err)
{
	struct lo_file *f = lo_fd_get((int)fd);

	*err = -EBADF;
	if (f != NULL && f->ops != &tfd_ops) {
		lo_file_rele(f);
		*err = -EINVAL;
		return NULL;
	}
	return f;
}

static void
current(struct tfd *t, struct __kernel_itimerspec *cur)
{
	uint64_t now = clock_now(t);

	ns_ts(t->dl > now ? t->dl - now : 0, &cur->it_value);
	ns_ts(t->interval, &cur->it_interval);
}

static long
sys_timerfd_settime(long fd, long flags, long unew, long uold)
{
	const struct __kernel_itimerspec *nv = (const void *)unew;
	struct __kernel_itimerspec old;
	struct lo_file *f;
	struct tfd *t;
	uint64_t v;
	long rv;

	if (LO_BADPTR(unew))
		return -EFAULT;
	if ((flags & ~(long)(TFD_TIMER_ABSTIME_ | TFD_TIMER_CANCEL_ON_SET_)) ||
	    !ts_valid(&nv->it_value) || !ts_valid(&nv->it_interval))
		return -EINVAL;
	if ((f = tfd_get(fd, &rv)) == NULL)
		return rv;
	t = f->priv;
	if (t->expired && t->interval != 0)
		forward(t);		/* old value: the next expiry */
	current(t, &old);
	disarm(t);
	t->expired = 0;
	t->ticks = 0;
	t->interval = ts_ns(&nv->it_interval);
	v = ts_ns(&nv->it_value);
	t->dl = 0;
	rv = 0;
	if (v != 0) {
		if (flags & TFD_TIMER_ABSTIME_)
			t->dl = v;
		else
			t->dl = clock_now(t) + v;
		rv = arm(t);
	}
	lo_file_rele(f);
	if (rv == 0 && uold != 0) {
		if (LO_BADPTR(uold))
			return -EFAULT;
		*(struct __kernel_itimerspec *)uold = old;
	}
	return rv;
}

static long
sys_timerfd_gettime(long fd, long ucur)
{
	struct __kernel_itimerspec cur;
	struct lo_file *f;
	struct tfd *t;
	long rv;

	if ((f = tfd_get(fd, &rv)) == NULL)
		return rv;
	t = f->priv;
	catch_up(t);
	current(t, &cur);
	lo_file_rele(f);
	if (LO_BADPTR(ucur))
		return -EFAULT;
	*(struct __kernel_itimerspec *)ucur = cur;
	return 0;
}

LO_SYSCALL(timerfd_create, sys_timerfd_create);
LO_SYSCALL(timerfd_settime, sys_timerfd_settime);
LO_SYSCALL(timerfd_gettime, sys_timerfd_gettime);
