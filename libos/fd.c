/*
 * fd.c -- the fd table and file objects, and the system calls every
 * program makes through them: read/write and their vector and
 * positioned forms, close (dup*, fcntl, ioctl, lseek: fdctl.c).  What a
 * file does is its ops' business; blocking, O_NONBLOCK and SIGPIPE are
 * handled here once.  Built for speed (Makefile LOHOT).
 */
#include "lo.h"

struct fdent {
	struct lo_file	*f;
	int		 cloexec;
};

static struct fdent	*fdtab;
static int		 fdcap;

#define IOV_MAX		1024

struct lo_file *
lo_file_new(const struct lo_fileops *ops, int flags, void *priv)
{
	struct lo_file *f = lo_zalloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	return f;
}

void
lo_file_ref(struct lo_file *f)
{

	f->refs++;
}

void
lo_file_rele(struct lo_file *f)
{

	if (--f->refs > 0)
		return;
	if (f->epitems != NULL)
		lo_epoll_file_gone(f);
	if (f->ops->close != NULL)
		f->ops->close(f);
	if (f->vn != NULL)
		lo_vn_rele(f->vn);
	lo_free(f, sizeof(*f));
}

LO_COLD static int
fd_grow(int want)
{
	struct fdent *n;
	int cap = fdcap ? fdcap : 64;

	while (cap <= want)
		cap *= 2;
	if (cap > LO_NOFILE)
		cap = LO_NOFILE;
	if (want >= cap)
		return -EMFILE;
	if ((n = lo_zalloc((size_t)cap * sizeof(*n))) == NULL)
		return -ENOMEM;
	if (fdtab != NULL) {
		memcpy(n, fdtab, (size_t)fdcap * sizeof(*n));
		lo_free(fdtab, (size_t)fdcap * sizeof(*n));
	}
	fdtab = n;
	fdcap = cap;
	return 0;
}

static int
fd_alloc(int minfd)
{
	int fd, rv;

	if (minfd < 0 || minfd >= LO_NOFILE)
		return -EINVAL;
	for (fd = minfd; fd < fdcap; fd++)
		if (fdtab[fd].f == NULL)
			return fd;
	if ((rv = fd_grow(fd)) != 0)
		return rv;
	return fd;
}

LO_COLD int
lo_fd_install(struct lo_file *f, int minfd, int cloexec)
{
	int fd = fd_alloc(minfd);

	if (fd < 0) {
		lo_file_rele(f);
		return fd;
	}
	fdtab[fd].f = f;
	fdtab[fd].cloexec = cloexec;
	return fd;
}

struct lo_file *
lo_fd_get(int fd)
{

	if (fd < 0 || fd >= fdcap || fdtab[fd].f == NULL)
		return NULL;
	lo_file_ref(fdtab[fd].f);
	return fdtab[fd].f;
}

int
lo_fd_close(int fd)
{
	struct lo_file *f;

	if (fd < 0 || fd >= fdcap || (f = fdtab[fd].f) == NULL)
		return -EBADF;
	fdtab[fd].f = NULL;
	lo_file_rele(f);
	return 0;
}

LO_COLD void
lo_fd_closeall(void)
{
	int fd;

	for (fd = 0; fd < fdcap; fd++)
		if (fdtab[fd].f != NULL)
			lo_fd_close(fd);
}

/* ---- reading and writing ------------------------------------------- */

static ssize_t
iov_check(const struct iovec *iov, int cnt)
{
	size_t total = 0;
	int i;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (cnt > 0 && LO_BADPTR(iov))
		return -EFAULT;
	for (i = 0; i < cnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0 ||
		    total + iov[i].iov_len < total)
			return -EINVAL;
		if (iov[i].iov_len > 0 && LO_BADPTR(iov[i].iov_base))
			return -EFAULT;
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

static int
must_wait(struct lo_file *f, ssize_t r, int nonblock)
{

	return r == -EAGAIN && !nonblock && !(f->flags & O_NONBLOCK) &&
	    f->wq != NULL;
}

ssize_t
lo_file_read(struct lo_file *f, const struct iovec *iov, int cnt,
    int64_t off, int nonblock)
{
	ssize_t r;

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (f->ops->read == NULL)
		return -EINVAL;
	while (must_wait(f, r = f->ops->read(f, iov, cnt, off), nonblock))
		if (lo_wait(f->wq, UINT64_MAX) == -EINTR)
			return -EINTR;
	return r;
}

/* win = what of iov[0..cnt) is left after `done` bytes, at most 64
 * entries (the next round takes the rest); returns its count. */
static int
iov_rest(const struct iovec *iov, int cnt, size_t done, struct iovec *win)
{
	int i = 0, n = 0;

	while (i < cnt && done >= iov[i].iov_len)
		done -= iov[i++].iov_len;
	for (; i < cnt && n < 64; i++, n++)
		win[n] = iov[i];
	if (n > 0) {
		win[0].iov_base = (char *)win[0].iov_base + done;
		win[0].iov_len -= done;
	}
	return n;
}

ssize_t
lo_file_write(struct lo_file *f, const struct iovec *iov, int cnt,
    int64_t off, int nonblock)
{
	const struct iovec *cur = iov;
	struct iovec win[64];
	size_t total = 0, done = 0;
	ssize_t r;
	int i, n = cnt;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f->ops->write == NULL)
		return -EINVAL;
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	for (;;) {
		while (must_wait(f, r = f->ops->write(f, cur, n, off),
		    nonblock))
			if (lo_wait(f->wq, UINT64_MAX) == -EINTR)
				return done > 0 ? (ssize_t)done : -EINTR;
		if (r < 0)
			return done > 0 ? (ssize_t)done : r;
		done += (size_t)r;
		/* A blocking stream (pipe, socket) takes all of it, as on
		 * Linux: go on with the rest once there is room again. */
		if (done >= total || r == 0 || off >= 0 || nonblock ||
		    (f->flags & O_NONBLOCK) || f->wq == NULL)
			return (ssize_t)done;
		n = iov_rest(iov, cnt, done, win);
		cur = win;
	}
}

/* Seekable files move their offset; streams pass -1. */
static int
seekable(struct lo_file *f)
{

	return f->vn != NULL && (f->vn->mode & S_IFMT) != S_IFIFO &&
	    (f->vn->mode & S_IFMT) != S_IFSOCK &&
	    (f->vn->mode & S_IFMT) != S_IFCHR;
}

static ssize_t
do_rw(int fd, const struct iovec *iov, int cnt, int64_t pos, int write)
{
	struct lo_file *f;
	ssize_t r;
	int64_t off = -1;

	if ((r = iov_check(iov, cnt)) < 0)
		return r;
	if ((f = lo_fd_get(fd)) == NULL)
		return -EBADF;
	if (pos >= 0) {
		if (!seekable(f)) {
			lo_file_rele(f);
			return -ESPIPE;
		}
		off = pos;
	} else if (seekable(f))
		off = f->off;
	if (write && off >= 0 && pos < 0 && (f->flags & O_APPEND) &&
	    f->vn != NULL) {
		struct lo_attr a;
		if (f->vn->ops->getattr(f->vn, &a) == 0)
			off = a.size;
	}
	r = write ? lo_file_write(f, iov, cnt, off, 0) :
	    lo_file_read(f, iov, cnt, off, 0);
	if (r > 0 && pos < 0 && off >= 0)
		f->off = off + r;
	if (r == -EPIPE)
		lo_signal_raise(13);	/* SIGPIPE */
	lo_file_rele(f);
	return r;
}

/* read(2)/write(2)'s buffer, and its fd for a restart. */
struct rw1arg {
	struct iovec	 v;
	long		 fd;
};

/* read(2)/write(2) interrupted: kept for a restart (lo_syscall_intr).
 * Not LO_COLD: its callers would grow .cold parts (and symbols). */
static ssize_t __attribute__((noinline))
rw1_intr(struct rw1arg *a, int write)
{

	return lo_syscall_intr(write ? __NR_write : __NR_read, a->fd,
	    (long)a->v.iov_base, (long)a->v.iov_len, 0, 0, 0);
}

/*
 * read(2) and write(2), the calls programs make most: one buffer, so no
 * iovec walk, and a stream (pipe, device, socket) goes straight to its
 * op.  The checks come in do_rw's order; a seekable file, a wrong
 * access mode or a missing op take the general path.  What is rarer --
 * waiting, the rest of a short blocking write -- is rw1_more's, so the
 * usual call keeps a small frame.
 */
static ssize_t __attribute__((noinline))
rw1_more(struct lo_file *f, struct rw1arg *a, ssize_t r, int write)
{
	ssize_t (*op)(struct lo_file *, const struct iovec *, int, int64_t);
	struct iovec *v = &a->v;
	ssize_t r2;

	op = write ? f->ops->write : f->ops->read;
	while (r == -EAGAIN && f->wq != NULL && !(f->flags & O_NONBLOCK)) {
		if (lo_wait(f->wq, UINT64_MAX) == -EINTR) {
			r = -EINTR;
			break;
		}
		r = op(f, v, 1, -1);
	}
	/* read and write keep their arguments for a restart themselves
	 * (v is as the app gave it unless some was written) */
	if (r == -EINTR)
		return rw1_intr(a, write);
	/* a blocking stream takes all of it, as in lo_file_write */
	if (write && r > 0 && (size_t)r < v->iov_len && f->wq != NULL &&
	    !(f->flags & O_NONBLOCK)) {
		v->iov_base = (char *)v->iov_base + r;
		v->iov_len -= (size_t)r;
		if ((r2 = lo_file_write(f, v, 1, -1, 0)) > 0)
			r += r2;
	}
	if (r == -EPIPE)
		lo_signal_raise(13);	/* SIGPIPE */
	return r;
}

/* The general path of read(2)/write(2), which may be interrupted too. */
static ssize_t __attribute__((noinline))
rw1_general(struct rw1arg *a, int write)
{
	ssize_t r = do_rw((int)a->fd, &a->v, 1, -1, write);

	return r == -EINTR ? rw1_intr(a, write) : r;
}

static inline __attribute__((always_inline)) long
rw1(long fd, long buf, long len, int write)
{
	struct rw1arg a = { { (void *)buf, (size_t)len }, fd };
	struct lo_file *f;
	ssize_t (*op)(struct lo_file *, const struct iovec *, int, int64_t);
	ssize_t r;

	if (len < 0)
		return -EINVAL;
	if (len > 0 && LO_BADPTR(buf))
		return -EFAULT;
	if ((unsigned long)fd >= (unsigned long)fdcap ||
	    (f = fdtab[fd].f) == NULL)
		return -EBADF;
	op = write ? f->ops->write : f->ops->read;
	if (op == NULL || seekable(f) ||
	    (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
		return rw1_general(&a, write);
	f->refs++;
	r = op(f, &a.v, 1, -1);
	if (__builtin_expect(r < 0 || (write && r < len), 0))
		r = rw1_more(f, &a, r, write);
	lo_file_rele(f);
	return r;
}

static long
sys_read(long fd, long buf, long len)
{

	return rw1(fd, buf, len, 0);
}

static long
sys_write(long fd, long buf, long len)
{

	return rw1(fd, buf, len, 1);
}

static long
sys_readv(long fd, long iov, long cnt)
{

	return do_rw((int)fd, (const struct iovec *)iov, (int)cnt, -1, 0);
}

static long
sys_writev(long fd, long iov, long cnt)
{

	return do_rw((int)fd, (const struct iovec *)iov, (int)cnt, -1, 1);
}

LO_COLD static long
sys_pread64(long fd, long buf, long len, long off)
{
	struct iovec v = { (void *)buf, (size_t)len };

	return off < 0 ? -EINVAL : do_rw((int)fd, &v, 1, off, 0);
}

LO_COLD static long
sys_pwrite64(long fd, long buf, long len, long off)
{
	struct iovec v = { (void *)buf, (size_t)len };

	return off < 0 ? -EINVAL : do_rw((int)fd, &v, 1, off, 1);
}

LO_COLD static long
sys_preadv(long fd, long iov, long cnt, long off)
{

	return off < 0 ? -EINVAL :
	    do_rw((int)fd, (const struct iovec *)iov, (int)cnt, off, 0);
}

LO_COLD static long
sys_pwritev(long fd, long iov, long cnt, long off)
{

	return off < 0 ? -EINVAL :
	    do_rw((int)fd, (const struct iovec *)iov, (int)cnt, off, 1);
}

LO_SYSCALL(read, sys_read);
LO_SYSCALL(write, sys_write);
LO_SYSCALL(readv, sys_readv);
LO_SYSCALL(writev, sys_writev);
LO_SYSCALL(pread64, sys_pread64);
LO_SYSCALL(pwrite64, sys_pwrite64);
LO_SYSCALL(preadv, sys_preadv);
LO_SYSCALL(pwritev, sys_pwritev);

/* ---- the table itself ----------------------------------------------- */

static long
sys_close(long fd)
{

	return lo_fd_close((int)fd);
}

/* dup2/dup3/F_DUPFD to a given number: oldfd's file at newfd, whatever
 * newfd held closed first. */
LO_COLD long
lo_fd_dup_to(int oldfd, int newfd, int cloexec)
{
	struct lo_file *f;
	int rv;

	if (newfd < 0 || newfd >= LO_NOFILE)
		return -EBADF;
	if ((f = lo_fd_get(oldfd)) == NULL)
		return -EBADF;
	if (newfd >= fdcap && (rv = fd_grow(newfd)) != 0) {
		lo_file_rele(f);
		return rv;
	}
	if (fdtab[newfd].f != NULL)
		lo_fd_close(newfd);
	fdtab[newfd].f = f;
	fdtab[newfd].cloexec = cloexec;
	return newfd;
}

LO_COLD int
lo_fd_cloexec(int fd)
{

	if (fd < 0 || fd >= fdcap || fdtab[fd].f == NULL)
		return -EBADF;
	return fdtab[fd].cloexec;
}

LO_COLD int
lo_fd_setcloexec(int fd, int on)
{

	if (fd < 0 || fd >= fdcap || fdtab[fd].f == NULL)
		return -EBADF;
	fdtab[fd].cloexec = on != 0;
	return 0;
}

LO_COLD int
lo_file_seekable(struct lo_file *f)
{

	return seekable(f);
}

LO_SYSCALL(close, sys_close);
