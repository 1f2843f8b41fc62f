/*
 * console.c -- fds 0, 1 and 2: the platform console.  Output goes out
 * whole (td_cons_write, the documented core call); input is at end of
 * file (no console input on these platforms).  Not a terminal: like a
 * Linux program whose output is captured, stdio buffers fully, so the
 * same program prints the same bytes in the same order everywhere.
 */
#include "lo.h"
#include <tandem/core.h>

/* On posix in app mode (a tandem-cc program run on Linux, e.g. by a
 * configure script) fds 0-2 are the host's own: td_host()->stdio. */
#define HOSTFD(f)	((int)(intptr_t)(f)->priv)

void
lo_cons_write(const char *p, size_t n)
{

	td_cons_write(p, n);
}

static ssize_t
host_rw(struct lo_file *f, const struct iovec *iov, int cnt, int write)
{
	ssize_t n = 0;
	long r = 0;
	int i;

	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		r = td_host()->stdio(HOSTFD(f), iov[i].iov_base,
		    iov[i].iov_len, write);
		if (r < 0)
			return n > 0 ? n : r;
		n += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return n;
}

static ssize_t
cons_read(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{

	if (td_host() != NULL)
		return host_rw(f, iov, cnt, 0);
	return 0;
}

static ssize_t
cons_write(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	ssize_t n = 0;
	int i;

	if (td_host() != NULL)
		return host_rw(f, iov, cnt, 1);
	for (i = 0; i < cnt; i++) {
		lo_cons_write(iov[i].iov_base, iov[i].iov_len);
		n += (ssize_t)iov[i].iov_len;
	}
	return n;
}

static int
cons_poll(struct lo_file *f)
{

	return POLLIN | POLLOUT;
}

static int
cons_stat(struct lo_file *f, struct stat *st)
{

	memset(st, 0, sizeof(*st));
	st->st_mode = 0020620;		/* S_IFCHR | rw--w---- */
	st->st_rdev = (5 << 8) | 1;	/* 5:1, /dev/console */
	st->st_blksize = 1024;
	st->st_nlink = 1;
	return 0;
}

const struct lo_fileops lo_console_ops = {
	.read = cons_read,
	.write = cons_write,
	.poll = cons_poll,
	.stat = cons_stat,
};

void
lo_fd_init(void)
{
	struct lo_file *f;
	int fd;

	for (fd = 0; fd < 3; fd++) {
		f = lo_file_new(&lo_console_ops, fd == 0 ? O_RDONLY : O_WRONLY,
		    (void *)(intptr_t)fd);
		if (f == NULL || lo_fd_install(f, fd, 0) != fd)
			lo_panic("cannot open the console as fd %d", fd);
	}
}
