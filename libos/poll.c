/*
 * poll.c -- poll/ppoll and select/pselect6 over ops->poll and f->wq.
 *
 * One engine serves both: it asks every file for its readiness; when
 * none is ready and the caller may wait, it hangs a callback waiter on
 * each file's wait queue that forwards a (matching) wakeup to the
 * caller's own queue, sleeps there until a wakeup, the deadline or a
 * signal, and asks again.  Nothing polls in a loop: a sleeping poller
 * costs nothing until a file it watches changes.  As on Linux, one last
 * scan follows the timeout, and a signal turns "nothing ready" into
 * -EINTR.
 */
#include "lo.h"
#include <linux/time_types.h>

extern volatile int lo_sigflag;

/* What poll/select see for a file without ops->poll (Linux's
 * DEFAULT_POLLMASK). */
#define DEFAULT_MASK	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

#define NOWAIT		0		/* deadline: scan once */

/* select's view of the poll bits, as Linux maps them */
#define IN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define OUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define EX_SET	(POLLPRI)

struct preq {
	struct lo_file	*f;		/* NULL: skipped (fd < 0) or bad */
	int		 bad;		/* reports POLLNVAL */
	int		 want;		/* filter, incl. POLLERR|POLLHUP */
	int		 got;
	int		 fd, sets;	/* select: which fd, which sets */
};

struct pwaiter {
	struct lo_waiter	 w;
	struct lo_waitq		*wq;	/* the file's */
	int			 want;
	struct lo_waitq		*home;	/* the poller sleeps here */
};

static void
pwake(struct lo_waiter *w, int events)
{
	struct pwaiter *pw = (struct pwaiter *)w;

	if (events != ~0 && events != 0 && !(events & pw->want))
		return;
	lo_wakeup(pw->home, events);
}

static int
scan(struct preq *r, int n)
{
	int i, count = 0, m;

	for (i = 0; i < n; i++) {
		r[i].got = 0;
		if (r[i].bad)
			r[i].got = POLLNVAL;
		else if (r[i].f != NULL) {
			m = r[i].f->ops->poll != NULL ?
			    r[i].f->ops->poll(r[i].f) : DEFAULT_MASK;
			r[i].got = m & r[i].want;
		}
		if (r[i].got != 0)
			count++;
	}
	return count;
}

/* Waits until one of r[0..n) is ready; returns how many are, 0 at the
 * deadline, or -EINTR.  The caller holds a reference to every r[].f. */
static int
poll_files(struct preq *r, int n, uint64_t deadline)
{
	struct pwaiter stackw[8], *pw = NULL;
	struct lo_waitq home;
	int i, count, nw = 0, timedout = deadline == NOWAIT;

	lo_waitq_init(&home);
	for (;;) {
		count = scan(r, n);
		if (count > 0 || timedout)
			break;
		if (lo_signal_pending()) {
			count = -EINTR;
			break;
		}
		if (pw == NULL) {
			pw = n <= 8 ? stackw : lo_malloc((size_t)n *
			    sizeof(*pw));
			if (pw == NULL) {
				count = -ENOMEM;
				break;
			}
			for (i = 0; i < n; i++) {
				if (r[i].f == NULL || r[i].f->wq == NULL)
					continue;
				pw[nw].w.fn = pwake;
				pw[nw].w.arg = NULL;
				pw[nw].wq = r[i].f->wq;
				pw[nw].want = r[i].want;
				pw[nw].home = &home;
				lo_waitq_add(pw[nw].wq, &pw[nw].w);
				nw++;
			}
		}
		if (lo_wait(&home, deadline) == -ETIMEDOUT)
			timedout = 1;
	}
	for (i = 0; i < nw; i++)
		lo_waitq_del(pw[i].wq, &pw[i].w);
	if (pw != NULL && pw != stackw)
		lo_free(pw, (size_t)n * sizeof(*pw));
	return count;
}

static void
release(struct preq *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].f != NULL)
			lo_file_rele(r[i].f);
}

/* ---- timeouts ----------------------------------------------------------- */

static uint64_t
deadline_ns(uint64_t sec, uint64_t nsec)
{
	uint64_t d;

	if (sec == 0 && nsec == 0)
		return NOWAIT;
	if (sec > (UINT64_MAX / 2) / 1000000000ULL)
		return UINT64_MAX;
	d = lo_now() + sec * 1000000000ULL + nsec;
	return d == NOWAIT ? 1 : d;
}

/* What is left of a deadline, for the caller's timespec/timeval. */
static uint64_t
left_ns(uint64_t deadline)
{
	uint64_t now = lo_now();

	return deadline > now ? deadline - now : 0;
}

/* ---- signal masks for the p* variants ---------------------------------- */

#define UNBLOCKABLE	((1ULL << 8) | (1ULL << 18))	/* KILL, STOP */

int
lo_sigmask_push(const void *umask, size_t size, uint64_t *saved)
{
	struct lo_thread *td = lo_curthread();

	*saved = td->sigmask;
	if (umask == NULL)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (LO_BADPTR(umask))
		return -EFAULT;
	td->sigmask = *(const uint64_t *)umask & ~UNBLOCKABLE;
	if (td->sigpend & ~td->sigmask)
		lo_sigflag = 1;
	return 0;
}

void
lo_sigmask_pop(uint64_t saved, long rv)
{
	struct lo_thread *td = lo_curthread();

	if (rv == -EINTR)
		lo_signal_deliver();	/* under the temporary mask */
	td->sigmask = saved;
	if (td->sigpend & ~td->sigmask)
		lo_sigflag = 1;
}

/* ---- poll, ppoll ---------------------------------------------------------- */

static long
do_poll(struct pollfd *ufds, unsigned long nfds, uint64_t deadline)
{
	struct preq stackr[16], *r;
	unsigned long i;
	long rv;

	if (nfds > LO_NOFILE)
		return -EINVAL;
	if (nfds > 0 && LO_BADPTR(ufds))
		return -EFAULT;
	r = nfds <= 16 ? stackr : lo_zalloc(nfds * sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	for (i = 0; i < nfds; i++) {
		r[i].f = NULL;
		r[i].bad = 0;
		r[i].want = (ufds[i].events & 0xffff) | POLLERR | POLLHUP;
		if (ufds[i].fd >= 0 &&
		    (r[i].f = lo_fd_get(ufds[i].fd)) == NULL)
			r[i].bad = 1;
	}
	rv = poll_files(r, (int)nfds, deadline);
	for (i = 0; i < nfds; i++)
		ufds[i].revents = (short)r[i].got;
	release(r, (int)nfds);
	if (r != stackr)
		lo_free(r, nfds * sizeof(*r));
	return rv;
}

static long
sys_poll(long ufds, long nfds, long ms)
{
	uint64_t d = UINT64_MAX;

	if ((int)ms >= 0)
		d = deadline_ns((uint64_t)(int)ms / 1000,
		    (uint64_t)(int)ms % 1000 * 1000000);
	return do_poll((struct pollfd *)ufds, (unsigned long)(unsigned)nfds, d);
}

static int
get_timespec(long uts, uint64_t *deadline)
{
	const struct __kernel_timespec *ts = (const void *)uts;

	*deadline = UINT64_MAX;
	if (uts == 0)
		return 0;
	if (LO_BADPTR(uts))
		return -EFAULT;
	if (ts->tv_sec < 0 || (unsigned long long)ts->tv_nsec >= 1000000000)
		return -EINVAL;
	*deadline = deadline_ns((uint64_t)ts->tv_sec, (uint64_t)ts->tv_nsec);
	return 0;
}

static void
put_timespec(long uts, uint64_t deadline)
{
	struct __kernel_timespec *ts = (void *)uts;
	uint64_t l;

	if (uts == 0 || deadline == NOWAIT || deadline == UINT64_MAX)
		return;
	l = left_ns(deadline);
	ts->tv_sec = (long long)(l / 1000000000ULL);
	ts->tv_nsec = (long long)(l % 1000000000ULL);
}

static long
sys_ppoll(long ufds, long nfds, long uts, long umask, long size)
{
	uint64_t d, saved;
	long rv;

	if ((rv = get_timespec(uts, &d)) != 0)
		return rv;
	if ((rv = lo_sigmask_push((const void *)umask, (size_t)size,
	    &saved)) != 0)
		return rv;
	rv = do_poll((struct pollfd *)ufds, (unsigned long)(unsigned)nfds, d);
	put_timespec(uts, d);
	lo_sigmask_pop(saved, rv);
	return rv;
}

LO_SYSCALL(poll, sys_poll);
LO_SYSCALL(ppoll, sys_ppoll);

/* ---- select, pselect6 ------------------------------------------------------ */

#define WORDBITS	64

#define S_IN	1
#define S_OUT	2
#define S_EX	4

static int
sets_of(unsigned long **s, int fd)
{
	int i, v = 0;

	for (i = 0; i < 3; i++)
		if (s[i] != NULL && (s[i][fd / WORDBITS] >> (fd % WORDBITS)) & 1)
			v |= 1 << i;
	return v;
}

/* The results go back into the caller's sets; returns the bits set. */
static long
put_sets(unsigned long **s, int n, struct preq *r, int cnt)
{
	static const int masks[3] = { IN_SET, OUT_SET, EX_SET };
	size_t words = ((size_t)n + WORDBITS - 1) / WORDBITS;
	long bits = 0;
	int i, k;

	for (i = 0; i < 3; i++)
		if (s[i] != NULL)
			memset(s[i], 0, words * sizeof(long));
	for (k = 0; k < cnt; k++)
		for (i = 0; i < 3; i++)
			if ((r[k].sets & (1 << i)) && (r[k].got & masks[i])) {
				s[i][r[k].fd / WORDBITS] |=
				    1UL << (r[k].fd % WORDBITS);
				bits++;
			}
	return bits;
}

/* s[0..2]: the read, write and except sets (NULL when not given). */
static long
do_select(int n, unsigned long **s, uint64_t deadline)
{
	struct preq stackr[16], *r = stackr;
	int fd, i, k = 0, cnt = 0, v;
	long rv;

	if (n < 0)
		return -EINVAL;
	if (n > LO_NOFILE)
		n = LO_NOFILE;
	for (i = 0; i < 3; i++)
		if (s[i] != NULL && LO_BADPTR(s[i]))
			return -EFAULT;
	for (fd = 0; fd < n; fd++)
		if (sets_of(s, fd) != 0)
			cnt++;
	if (cnt > 16 && (r = lo_malloc((size_t)cnt * sizeof(*r))) == NULL)
		return -ENOMEM;
	for (fd = 0; fd < n && k < cnt; fd++) {
		if ((v = sets_of(s, fd)) == 0)
			continue;
		if ((r[k].f = lo_fd_get(fd)) == NULL) {
			rv = -EBADF;	/* Linux: any bad fd in any set */
			goto out;
		}
		r[k].bad = 0;
		r[k].fd = fd;
		r[k].sets = v;
		/* Linux's wait key: the except set's bits always */
		r[k].want = EX_SET | (v & S_IN ? IN_SET : 0) |
		    (v & S_OUT ? OUT_SET : 0);
		k++;
	}
	rv = poll_files(r, cnt, deadline);
	if (rv >= 0)
		rv = put_sets(s, n, r, cnt);
out:
	release(r, k);
	if (r != stackr)
		lo_free(r, (size_t)cnt * sizeof(*r));
	return rv;
}

static long
sys_select(long n, long in, long out, long ex, long utv)
{
	struct __kernel_old_timeval *tv = (void *)utv;
	unsigned long *s[3] = { (void *)in, (void *)out, (void *)ex };
	uint64_t d = UINT64_MAX, l;
	long rv;

	if (utv != 0) {
		if (LO_BADPTR(utv))
			return -EFAULT;
		if (tv->tv_sec < 0 || tv->tv_usec < 0)
			return -EINVAL;
		d = deadline_ns((uint64_t)tv->tv_sec +
		    (uint64_t)tv->tv_usec / 1000000,
		    (uint64_t)tv->tv_usec % 1000000 * 1000);
	}
	rv = do_select((int)n, s, d);
	if (utv != 0 && d != NOWAIT && d != UINT64_MAX) {
		l = left_ns(d);
		tv->tv_sec = (long)(l / 1000000000ULL);
		tv->tv_usec = (long)(l % 1000000000ULL / 1000);
	}
	return rv;
}

/* pselect6's sixth argument: the mask and its size, by reference. */
struct sigarg {
	const void	*mask;
	size_t		 size;
};

static long
sys_pselect6(long n, long in, long out, long ex, long uts, long usig)
{
	unsigned long *s[3] = { (void *)in, (void *)out, (void *)ex };
	const struct sigarg *sa = (const void *)usig;
	uint64_t d, saved;
	long rv;

	if ((rv = get_timespec(uts, &d)) != 0)
		return rv;
	if (usig != 0 && LO_BADPTR(usig))
		return -EFAULT;
	if ((rv = lo_sigmask_push(sa != NULL ? sa->mask : NULL,
	    sa != NULL ? sa->size : 0, &saved)) != 0)
		return rv;
	rv = do_select((int)n, s, d);
	put_timespec(uts, d);
	lo_sigmask_pop(saved, rv);
	return rv;
}

LO_SYSCALL(select, sys_select);
LO_SYSCALL(pselect6, sys_pselect6);
