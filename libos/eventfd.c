/*
 * eventfd.c -- eventfd/eventfd2: a 64-bit counter behind an fd.
 *
 * read takes the whole count (or 1 with EFD_SEMAPHORE) and would block
 * at 0; write adds, and would block while the sum would pass
 * 0xfffffffffffffffe.  Both move exactly 8 bytes (EINVAL below that).
 * One wait queue, keyed like Linux's: a write wakes with POLLIN, a read
 * with POLLOUT.
 */
#include "lo.h"

#define EFD_SEMAPHORE_	1
#define EFD_MAX		0xfffffffffffffffeULL

struct efd {
	uint64_t	 count;
	int		 sema;
	struct lo_waitq	 wq;
};

static ssize_t
efd_read(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct efd *e = f->priv;
	struct lo_iocur c;
	uint64_t v;

	if (lo_iov_total(iov, cnt) < sizeof(v))
		return -EINVAL;
	if (e->count == 0)
		return -EAGAIN;
	v = e->sema ? 1 : e->count;
	e->count -= v;
	lo_iocur_init(&c, iov, cnt);
	lo_iocur_put(&c, &v, sizeof(v));
	lo_wakeup(&e->wq, POLLOUT);
	return sizeof(v);
}

static ssize_t
efd_write(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct efd *e = f->priv;
	struct lo_iocur c;
	uint64_t v;

	if (lo_iov_total(iov, cnt) < sizeof(v))
		return -EINVAL;
	lo_iocur_init(&c, iov, cnt);
	lo_iocur_get(&c, &v, sizeof(v));
	if (v == UINT64_MAX)
		return -EINVAL;
	if (v > EFD_MAX - e->count)
		return -EAGAIN;
	e->count += v;
	lo_wakeup(&e->wq, POLLIN);	/* even for 0, as Linux */
	return sizeof(v);
}

static int
efd_poll(struct lo_file *f)
{
	struct efd *e = f->priv;
	int mask = 0;

	if (e->count > 0)
		mask |= POLLIN;
	if (e->count == UINT64_MAX)
		mask |= POLLERR;
	if (e->count < EFD_MAX)
		mask |= POLLOUT;
	return mask;
}

static void
efd_close(struct lo_file *f)
{

	lo_free(f->priv, sizeof(struct efd));
}

static const struct lo_fileops efd_ops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.stat = lo_anon_stat,
	.close = efd_close,
};

static long
sys_eventfd2(long initval, long flags)
{
	struct lo_file *f;
	struct efd *e;

	if (flags & ~(long)(EFD_SEMAPHORE_ | O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if ((e = lo_zalloc(sizeof(*e))) == NULL)
		return -ENOMEM;
	e->count = (uint32_t)initval;	/* the call takes an unsigned int */
	e->sema = (flags & EFD_SEMAPHORE_) != 0;
	lo_waitq_init(&e->wq);
	if ((f = lo_file_new(&efd_ops, O_RDWR | ((int)flags & O_NONBLOCK),
	    e)) == NULL) {
		lo_free(e, sizeof(*e));
		return -ENOMEM;
	}
	f->wq = &e->wq;
	return lo_fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}

static long
sys_eventfd(long initval)
{

	return sys_eventfd2(initval, 0);
}

LO_SYSCALL(eventfd, sys_eventfd);
LO_SYSCALL(eventfd2, sys_eventfd2);
