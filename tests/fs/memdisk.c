/*
 * memdisk.c -- the rumpuser calls libos/fs/ext4 makes, over one disk in
 * memory ("blk0"), for the fuzzer: a host program with no platform
 * underneath, so each of its 10^5 mounts costs microseconds.  Follows
 * the rumpuser(3) contract as hypercall/bio.c implements it (errors are
 * NetBSD errno values).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include <rump/rumpuser.h>

unsigned char	*memdisk;
uint64_t	 memdisk_size;
int		 memdisk_quiet = 1;
static int	 isopen;

int
rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{

	if (strcmp(name, "blk0") != 0 || memdisk == NULL)
		return 2;
	*size = memdisk_size;
	*type = RUMPUSER_FT_BLK;
	return 0;
}

int
rumpuser_open(const char *name, int mode, int *fd)
{

	if (strcmp(name, "blk0") != 0 || memdisk == NULL)
		return 2;
	isopen++;
	*fd = 3;
	return 0;
}

int
rumpuser_close(int fd)
{

	if (fd != 3 || isopen == 0)
		return 9;
	isopen--;
	return 0;
}

static int
xfer(int fd, int write, const struct rumpuser_iovec *iov, size_t n,
    int64_t off, size_t *retv)
{
	size_t i, len;

	*retv = 0;
	if (fd != 3 || off < 0)
		return fd != 3 ? 9 : 22;
	for (i = 0; i < n; i++) {
		len = iov[i].iov_len;
		if ((uint64_t)off >= memdisk_size)
			return *retv ? 0 : write ? 28 : 0;
		if (len > memdisk_size - (uint64_t)off)
			len = (size_t)(memdisk_size - (uint64_t)off);
		if (write)
			memcpy(memdisk + off, iov[i].iov_base, len);
		else
			memcpy(iov[i].iov_base, memdisk + off, len);
		*retv += len;
		off += (int64_t)len;
	}
	return 0;
}

int
rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t n, int64_t off,
    size_t *retv)
{

	return xfer(fd, 0, iov, n, off, retv);
}

int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t n,
    int64_t off, size_t *retv)
{

	return xfer(fd, 1, iov, n, off, retv);
}

int
rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{

	return fd == 3 ? 0 : 9;
}

/* One thread: a lock is a counter that must balance. */
struct rumpuser_mtx { int held; };

void
rumpuser_mutex_init(struct rumpuser_mtx **m, int flags)
{

	*m = calloc(1, sizeof(**m));
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *m)
{

	if (m->held++ != 0)
		abort();		/* would deadlock */
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *m)
{

	if (--m->held != 0)
		abort();
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{

	free(m);
}

int
rumpuser_clock_gettime(int which, int64_t *sec, long *nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	if (memdisk_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
