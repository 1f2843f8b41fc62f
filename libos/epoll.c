/*
 * epoll.c -- epoll_create/create1, epoll_ctl, epoll_wait/pwait/pwait2,
 * over nothing but ops->poll and f->wq (the readiness contract in
 * <tandem/libos.h>).
 *
 * Each registered (file, fd) is an item with a callback waiter on the
 * file's wait queue.  A wakeup whose bits meet the item's interest puts
 * the item on its epoll's ready list (once) and wakes the epoll's
 * waiters; epoll_wait then looks only at the ready list, asks each
 * item's file for its state now, reports what is ready and keeps
 * level-triggered items that are still ready on the list (behind the
 * ones not yet reported, so big ready sets are served round robin).
 * Edge-triggered items leave the list when reported and come back with
 * the next wakeup; one-shot items are disabled until EPOLL_CTL_MOD.
 * So a wait costs O(ready), whatever the number of registered fds.
 *
 * As on Linux, an item does not hold its file: it goes when the last
 * reference to the file goes (lo_epoll_file_gone, called by
 * lo_file_rele), not when one fd of it is closed.  Each file keeps the
 * list of items watching it (lo_file.epitems), which is also how
 * epoll_ctl finds an item: files are watched by few epolls.
 */
#include "lo.h"
#include <linux/eventpoll.h>
#include <linux/time_types.h>

#define PRIVATE_BITS	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EXCL_OK_BITS	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
			 EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define DEFAULT_MASK	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define MAX_NESTS	4		/* Linux's EP_MAX_NESTS */
#define MAX_EVENTS	(0x7fffffff / (int)sizeof(struct epoll_event))

struct epoll;

struct lo_epitem {
	struct lo_waiter	 w;		/* on file->wq */
	struct epoll		*ep;
	struct lo_file		*file;
	int			 fd;
	uint32_t		 events;	/* interest + ERR|HUP + flags */
	uint64_t		 data;
	struct lo_epitem	*rnext, *rprev;	/* ready list */
	int			 ready;		/* on it */
	struct lo_epitem	*fnext;		/* file->epitems */
	struct lo_epitem	*anext, *aprev;	/* all of ep's items */
};

struct epoll {
	struct lo_waitq		 wq;		/* epoll_wait()ers, pollers */
	struct lo_epitem	*rhead, *rtail;
	struct lo_epitem	*all;
	struct lo_file		*file;
};

static const struct lo_fileops epoll_ops;

static int
is_epoll(const struct lo_file *f)
{

	return f->ops == &epoll_ops;
}

/* ---- readiness of an item --------------------------------------------- */

static int ep_ready_now(struct epoll *, int depth);

static uint32_t
item_poll(struct lo_epitem *it, int depth)
{
	struct lo_file *f = it->file;
	uint32_t m;

	if (is_epoll(f))
		m = depth > MAX_NESTS ? 0 :
		    (uint32_t)ep_ready_now(f->priv, depth + 1);
	else
		m = f->ops->poll != NULL ? (uint32_t)f->ops->poll(f) :
		    DEFAULT_MASK;
	return m & it->events;
}

static void
ready_add(struct lo_epitem *it)
{
	struct epoll *ep = it->ep;

	if (it->ready)
		return;
	it->ready = 1;
	it->rnext = NULL;
	it->rprev = ep->rtail;
	if (ep->rtail != NULL)
		ep->rtail->rnext = it;
	else
		ep->rhead = it;
	ep->rtail = it;
}

static void
ready_del(struct lo_epitem *it)
{
	struct epoll *ep = it->ep;

	if (!it->ready)
		return;
	if (it->rprev != NULL)
		it->rprev->rnext = it->rnext;
	else
		ep->rhead = it->rnext;
	if (it->rnext != NULL)
		it->rnext->rprev = it->rprev;
	else
		ep->rtail = it->rprev;
	it->ready = 0;
}

/* The file's wakeup: an event may have happened. */
static void
item_wake(struct lo_waiter *w, int events)
{
	struct lo_epitem *it = w->arg;

	if (!(it->events & ~PRIVATE_BITS))
		return;			/* one-shot, already reported */
	if (events != ~0 && events != 0 &&
	    !((uint32_t)events & it->events & ~PRIVATE_BITS))
		return;
	ready_add(it);
	lo_wakeup(&it->ep->wq, POLLIN);
}

/* An epoll as a pollable file: readable when an item on its ready list
 * is ready now (those that are not leave the list, as on Linux). */
static int
ep_ready_now(struct epoll *ep, int depth)
{
	struct lo_epitem *it, *next;

	for (it = ep->rhead; it != NULL; it = next) {
		next = it->rnext;
		if (item_poll(it, depth))
			return POLLIN | POLLRDNORM;
		ready_del(it);
	}
	return 0;
}

static int
epoll_poll(struct lo_file *f)
{

	return ep_ready_now(f->priv, 1);
}

/* ---- items -------------------------------------------------------------- */

static struct lo_epitem *
item_find(struct epoll *ep, struct lo_file *f, int fd)
{
	struct lo_epitem *it;

	for (it = f->epitems; it != NULL; it = it->fnext)
		if (it->ep == ep && it->fd == fd)
			return it;
	return NULL;
}

static void
item_free(struct lo_epitem *it)
{
	struct epoll *ep = it->ep;
	struct lo_epitem **pp;

	if (it->file->wq != NULL)
		lo_waitq_del(it->file->wq, &it->w);
	ready_del(it);
	for (pp = &it->file->epitems; *pp != it; pp = &(*pp)->fnext)
		;
	*pp = it->fnext;
	if (it->aprev != NULL)
		it->aprev->anext = it->anext;
	else
		ep->all = it->anext;
	if (it->anext != NULL)
		it->anext->aprev = it->aprev;
	lo_free(it, sizeof(*it));
}

void
lo_epoll_file_gone(struct lo_file *f)
{

	while (f->epitems != NULL)
		item_free(f->epitems);
}

static int
item_add(struct epoll *ep, struct lo_file *f, int fd,
    const struct epoll_event *ev)
{
	struct lo_epitem *it;

	if ((it = lo_zalloc(sizeof(*it))) == NULL)
		return -ENOMEM;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = ev->events | EPOLLERR | EPOLLHUP;
	it->data = ev->data;
	it->fnext = f->epitems;
	f->epitems = it;
	it->anext = ep->all;
	if (ep->all != NULL)
		ep->all->aprev = it;
	ep->all = it;
	it->w.fn = item_wake;
	it->w.arg = it;
	if (f->wq != NULL)
		lo_waitq_add(f->wq, &it->w);
	if (item_poll(it, 1) != 0 && !it->ready) {
		ready_add(it);
		lo_wakeup(&ep->wq, POLLIN);
	}
	return 0;
}

static void
item_mod(struct lo_epitem *it, const struct epoll_event *ev)
{

	it->events = ev->events | EPOLLERR | EPOLLHUP;
	it->data = ev->data;
	if (item_poll(it, 1) != 0 && !it->ready) {
		ready_add(it);
		lo_wakeup(&it->ep->wq, POLLIN);
	}
}

/* Depth of epolls below ep (0: none), or MAX_NESTS + 1 when `target`
 * is among them (a loop) or they nest too deep. */
static int
depth_below(struct epoll *ep, struct epoll *target, int level)
{
	struct lo_epitem *it;
	int d, max = 0;

	if (level > MAX_NESTS)
		return MAX_NESTS + 1;
	for (it = ep->all; it != NULL; it = it->anext) {
		if (!is_epoll(it->file))
			continue;
		if (it->file->priv == target)
			return MAX_NESTS + 1;
		d = 1 + depth_below(it->file->priv, target, level + 1);
		if (d > max)
			max = d;
	}
	return max;
}

/* Depth of epolls above ep (the epolls that watch it, transitively). */
static int
depth_above(struct epoll *ep, int level)
{
	struct lo_epitem *it;
	int d, max = 0;

	if (level > MAX_NESTS)
		return MAX_NESTS + 1;
	for (it = ep->file->epitems; it != NULL; it = it->fnext) {
		d = 1 + depth_above(it->ep, level + 1);
		if (d > max)
			max = d;
	}
	return max;
}

/* ---- the epoll file --------------------------------------------------------- */

static void
epoll_close(struct lo_file *f)
{
	struct epoll *ep = f->priv;

	while (ep->all != NULL)
		item_free(ep->all);
	lo_free(ep, sizeof(*ep));
}

static const struct lo_fileops epoll_ops = {
	.poll = epoll_poll,
	.stat = lo_anon_stat,
	.close = epoll_close,
};

static long
sys_epoll_create1(long flags)
{
	struct epoll *ep;
	struct lo_file *f;

	if (flags & ~(long)EPOLL_CLOEXEC)
		return -EINVAL;
	if ((ep = lo_zalloc(sizeof(*ep))) == NULL)
		return -ENOMEM;
	if ((f = lo_file_new(&epoll_ops, O_RDWR, ep)) == NULL) {
		lo_free(ep, sizeof(*ep));
		return -ENOMEM;
	}
	lo_waitq_init(&ep->wq);
	ep->file = f;
	f->wq = &ep->wq;
	return lo_fd_install(f, 0, (flags & EPOLL_CLOEXEC) != 0);
}

static long
sys_epoll_create(long size)
{

	return (int)size <= 0 ? -EINVAL : sys_epoll_create1(0);
}

static long
ctl(struct epoll *ep, struct lo_file *tf, int op, int fd,
    struct epoll_event *ev)
{
	struct lo_epitem *it = item_find(ep, tf, fd);

	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (is_epoll(tf) ||
		    (ev->events & ~EXCL_OK_BITS)))
			return -EINVAL;
	}
	switch (op) {
	case EPOLL_CTL_ADD:
		if (is_epoll(tf) && depth_above(ep, 0) +
		    depth_below(tf->priv, ep, 1) + 1 > MAX_NESTS)
			return -ELOOP;
		if (it != NULL)
			return -EEXIST;
		return item_add(ep, tf, fd, ev);
	case EPOLL_CTL_DEL:
		if (it == NULL)
			return -ENOENT;
		item_free(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (it == NULL)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		item_mod(it, ev);
		return 0;
	default:
		return -EINVAL;
	}
}

static long
sys_epoll_ctl(long epfd, long op, long fd, long uev)
{
	struct epoll_event ev = { 0, 0 };
	struct lo_file *f, *tf;
	long rv;

	if (op != EPOLL_CTL_DEL) {
		if (LO_BADPTR(uev))
			return -EFAULT;
		memcpy(&ev, (const void *)uev, sizeof(ev));
	}
	if ((f = lo_fd_get((int)epfd)) == NULL)
		return -EBADF;
	if ((tf = lo_fd_get((int)fd)) == NULL) {
		lo_file_rele(f);
		return -EBADF;
	}
	if (tf->ops->poll == NULL && !is_epoll(tf))
		rv = -EPERM;
	else if (f == tf || !is_epoll(f))
		rv = -EINVAL;
	else
		rv = ctl(f->priv, tf, (int)op, (int)fd, &ev);
	lo_file_rele(tf);
	lo_file_rele(f);
	return rv;
}

/* ---- waiting -------------------------------------------------------------- */

/* Reports up to max ready items.  Those not looked at stay first;
 * level-triggered ones still ready go to the back, as on Linux. */
static int
send_events(struct epoll *ep, struct epoll_event *out, int max)
{
	struct lo_epitem *it, *back = NULL;	/* the first put back */
	uint32_t rev;
	int n = 0;

	/* nothing joins the list meanwhile except what we put back:
	 * nothing here yields */
	while ((it = ep->rhead) != NULL && it != back && n < max) {
		ready_del(it);
		if ((rev = item_poll(it, 1)) == 0)
			continue;
		out[n].events = rev;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= PRIVATE_BITS;
		else if (!(it->events & EPOLLET)) {
			ready_add(it);
			if (back == NULL)
				back = it;
		}
	}
	return n;
}

static long
ep_wait(long epfd, long uev, long max, uint64_t deadline, int nowait)
{
	struct lo_file *f;
	struct epoll *ep;
	long rv;

	if ((int)max <= 0 || (int)max > MAX_EVENTS)
		return -EINVAL;
	if (LO_BADPTR(uev))
		return -EFAULT;
	if ((f = lo_fd_get((int)epfd)) == NULL)
		return -EBADF;
	if (!is_epoll(f)) {
		lo_file_rele(f);
		return -EINVAL;
	}
	ep = f->priv;
	for (;;) {
		if (ep->rhead != NULL && (rv = send_events(ep,
		    (struct epoll_event *)uev, (int)max)) > 0)
			break;
		rv = 0;
		if (nowait)
			break;
		if (lo_signal_pending()) {
			rv = -EINTR;
			break;
		}
		if (lo_wait(&ep->wq, deadline) == -ETIMEDOUT)
			nowait = 1;	/* one more look, then 0 */
	}
	lo_file_rele(f);
	return rv;
}

static uint64_t
ms_deadline(int ms, int *nowait)
{

	*nowait = ms == 0;
	if (ms <= 0)
		return UINT64_MAX;
	return lo_now() + (uint64_t)ms * 1000000ULL;
}

static long
sys_epoll_wait(long epfd, long uev, long max, long ms)
{
	uint64_t d;
	int nowait;

	d = ms_deadline((int)ms, &nowait);
	return ep_wait(epfd, uev, max, d, nowait);
}

static long
sys_epoll_pwait(long epfd, long uev, long max, long ms, long umask,
    long size)
{
	uint64_t d, saved;
	int nowait;
	long rv;

	if (umask == 0)			/* musl's epoll_wait: no mask */
		return sys_epoll_wait(epfd, uev, max, ms);
	if ((rv = lo_sigmask_push((const void *)umask, (size_t)size,
	    &saved)) != 0)
		return rv;
	d = ms_deadline((int)ms, &nowait);
	rv = ep_wait(epfd, uev, max, d, nowait);
	lo_sigmask_pop(saved, rv);
	return rv;
}

static long
sys_epoll_pwait2(long epfd, long uev, long max, long uts, long umask,
    long size)
{
	const struct __kernel_timespec *ts = (const void *)uts;
	uint64_t d = UINT64_MAX, saved;
	int nowait = 0;
	long rv;

	if (uts != 0) {
		if (LO_BADPTR(uts))
			return -EFAULT;
		if (ts->tv_sec < 0 ||
		    (unsigned long long)ts->tv_nsec >= 1000000000)
			return -EINVAL;
		if (ts->tv_sec == 0 && ts->tv_nsec == 0)
			nowait = 1;
		else if ((uint64_t)ts->tv_sec < (1ULL << 33))
			d = lo_now() + (uint64_t)ts->tv_sec * 1000000000ULL +
			    (uint64_t)ts->tv_nsec;
	}
	if ((rv = lo_sigmask_push((const void *)umask, (size_t)size,
	    &saved)) != 0)
		return rv;
	rv = ep_wait(epfd, uev, max, d, nowait);
	lo_sigmask_pop(saved, rv);
	return rv;
}

LO_SYSCALL(epoll_create, sys_epoll_create);
LO_SYSCALL(epoll_create1, sys_epoll_create1);
LO_SYSCALL(epoll_ctl, sys_epoll_ctl);
LO_SYSCALL(epoll_wait, sys_epoll_wait);
LO_SYSCALL(epoll_pwait, sys_epoll_pwait);
LO_SYSCALL(epoll_pwait2, sys_epoll_pwait2);
