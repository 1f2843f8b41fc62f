/*
 * iocur.c -- what the readiness files (pipe.c, eventfd.c, timerfd.c,
 * epoll.c) share: the cursor over an app's iovec they copy through, and
 * the fstat of an anonymous inode.
 */
#include "lo.h"

#define ANON_BLKSIZE	4096		/* st_blksize: a page, as Linux says */

void
lo_iocur_init(struct lo_iocur *c, const struct iovec *iov, int cnt)
{

	c->iov = iov;
	c->cnt = cnt;
	c->off = 0;
}

size_t
lo_iov_total(const struct iovec *iov, int cnt)
{
	size_t n = 0;
	int i;

	for (i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	return n;
}

static size_t
iocur_move(struct lo_iocur *c, char *k, size_t n, int toapp)
{
	size_t done = 0, m;

	while (done < n && c->cnt > 0) {
		m = c->iov->iov_len - c->off;
		if (m > n - done)
			m = n - done;
		if (toapp)
			memcpy((char *)c->iov->iov_base + c->off, k + done, m);
		else
			memcpy(k + done, (char *)c->iov->iov_base + c->off, m);
		done += m;
		c->off += m;
		if (c->off == c->iov->iov_len) {
			c->iov++;
			c->cnt--;
			c->off = 0;
		}
	}
	return done;
}

size_t
lo_iocur_get(struct lo_iocur *c, void *dst, size_t n)
{

	return iocur_move(c, dst, n, 0);
}

size_t
lo_iocur_put(struct lo_iocur *c, const void *src, size_t n)
{

	return iocur_move(c, (char *)(uintptr_t)src, n, 1);
}

int
lo_anon_stat(struct lo_file *f, struct stat *st)
{

	memset(st, 0, sizeof(*st));
	st->st_mode = 0600;
	st->st_nlink = 1;
	st->st_ino = 1;			/* one inode shared by all */
	st->st_dev = 0xa;
	st->st_blksize = ANON_BLKSIZE;
	return 0;
}

