/*
 * sockfile.c -- sockets in the fd table: the socket system calls of
 * libos over the lsock module (sock.h) -- the socket file, creation,
 * connections, addresses and options here; the data calls (send, recv
 * and their msg/mmsg forms) in sockmsg.c.  lsock never blocks; these
 * files add what a Linux socket fd does on top: blocking with O_NONBLOCK,
 * MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO, whole-buffer sends on a
 * blocking stream, MSG_WAITALL, SIGPIPE unless MSG_NOSIGNAL, and
 * readiness for poll/epoll through the file's wait queue, which the
 * stack's wakeup callback kicks.
 *
 * Linked with the `net` component only: an image without it answers the
 * socket calls with ENOSYS (and names them at exit).
 */
#include <tandem/core.h>

#include "sockfile.h"

static const struct lo_fileops sock_ops;

/* Runs inside the stack: only wake (poll/epoll waiters re-check). */
static void
sock_wake(void *arg)
{
	struct sfile *sf = arg;

	lo_wakeup(&sf->wq, ~0);
}

struct lsock *
sf_sock_of(int fd, struct lo_file **fp)
{
	struct lo_file *f = lo_fd_get(fd);

	if (f == NULL)
		return NULL;
	if (f->ops != &sock_ops) {
		lo_file_rele(f);
		*fp = NULL;
		return (struct lsock *)-1;	/* ENOTSOCK */
	}
	*fp = f;
	return SF(f)->s;
}

int
sf_wait(struct lo_file *f, uint64_t dl)
{
	int rv = lo_wait(&SF(f)->wq, dl);

	return rv == -ETIMEDOUT ? -EAGAIN : rv;
}

/* ---- the file ------------------------------------------------------- */

static ssize_t
sock_read(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct lx_msghdr m = { 0 };

	m.msg_iov = (struct lx_iovec *)iov;
	m.msg_iovlen = (size_t)cnt;
	return lsock_recvmsg(SF(f)->s, (struct msghdr *)&m, 0);
}

static ssize_t
sock_write(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct lx_msghdr m = { 0 };

	m.msg_iov = (struct lx_iovec *)iov;
	m.msg_iovlen = (size_t)cnt;
	return lsock_sendmsg(SF(f)->s, (struct msghdr *)&m, 0);
}

static int
sock_poll(struct lo_file *f)
{

	return lsock_poll(SF(f)->s);
}

static int
sock_ioctl(struct lo_file *f, unsigned long req, void *arg)
{

	if (LO_BADPTR(arg))
		return -EFAULT;
	return lsock_ioctl(SF(f)->s, req, arg);
}

static int
sock_stat(struct lo_file *f, struct stat *st)
{

	memset(st, 0, sizeof(*st));
	st->st_mode = 0140777;		/* S_IFSOCK, as Linux shows it */
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_ino = (uintptr_t)SF(f)->s >> 4;
	return 0;
}

static void
sock_close(struct lo_file *f)
{
	struct sfile *sf = SF(f);

	lsock_set_wakeup(sf->s, NULL, NULL);
	lsock_close(sf->s);
	lo_free(sf, sizeof(*sf));
}

static const struct lo_fileops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.stat = sock_stat,
	.close = sock_close,
};

/* A file for s (taken over) in the lowest free fd. */
static int
sock_install(struct lsock *s, int flags)
{
	struct sfile *sf;
	struct lo_file *f;

	if ((sf = lo_zalloc(sizeof(*sf))) == NULL) {
		lsock_close(s);
		return -ENOMEM;
	}
	sf->s = s;
	lo_waitq_init(&sf->wq);
	f = lo_file_new(&sock_ops, O_RDWR |
	    ((flags & LX_SOCK_NONBLOCK) ? O_NONBLOCK : 0), sf);
	if (f == NULL) {
		lsock_close(s);
		lo_free(sf, sizeof(*sf));
		return -ENOMEM;
	}
	f->wq = &sf->wq;
	lsock_set_wakeup(s, sock_wake, sf);
	return lo_fd_install(f, 0, (flags & LX_SOCK_CLOEXEC) != 0);
}

/* ---- system calls ---------------------------------------------------- */

#define TYPEFLAGS	(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC)

static long
sys_socket(long domain, long type, long proto)
{
	struct lsock *s;
	int rv;

	if (type & ~(TYPEFLAGS | 0xf))
		return -EINVAL;
	rv = lsock_socket((int)domain, (int)(type & ~TYPEFLAGS), (int)proto,
	    &s);
	if (rv < 0)
		return rv;
	return sock_install(s, (int)type);
}

static long
sys_socketpair(long domain, long type, long proto, long sv)
{
	struct lsock *s[2];
	int rv, fd0, fd1;

	if (LO_BADPTR(sv))
		return -EFAULT;
	if (type & ~(TYPEFLAGS | 0xf))
		return -EINVAL;
	rv = lsock_socketpair((int)domain, (int)(type & ~TYPEFLAGS),
	    (int)proto, s);
	if (rv < 0)
		return rv;
	if ((fd0 = sock_install(s[0], (int)type)) < 0) {
		lsock_close(s[1]);
		return fd0;
	}
	if ((fd1 = sock_install(s[1], (int)type)) < 0) {
		lo_fd_close(fd0);
		return fd1;
	}
	((int *)sv)[0] = fd0;
	((int *)sv)[1] = fd1;
	return 0;
}

static long
sys_bind(long fd, long addr, long len)
{
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if (LO_BADPTR(addr))
		return -EFAULT;
	GETSOCK(fd, f, s);
	rv = lsock_bind(s, (const struct sockaddr *)addr, (unsigned)len);
	lo_file_rele(f);
	return rv;
}

static long
sys_listen(long fd, long backlog)
{
	struct lo_file *f;
	struct lsock *s;
	long rv;

	GETSOCK(fd, f, s);
	rv = lsock_listen(s, (int)backlog);
	lo_file_rele(f);
	return rv;
}

/* A blocking connect waits for the outcome and reports it (SO_ERROR). */
static long
sys_connect(long fd, long addr, long len)
{
	struct lo_file *f;
	struct lsock *s;
	unsigned int el = sizeof(int);
	int err = 0;
	long rv;

	if (LO_BADPTR(addr))
		return -EFAULT;
	GETSOCK(fd, f, s);
	rv = lsock_connect(s, (const struct sockaddr *)addr, (unsigned)len);
	if (rv == -EINPROGRESS && !sf_nonblock(f, 0)) {
		while (!(lsock_poll(s) & (POLLOUT | POLLERR | POLLHUP)))
			if ((rv = sf_wait(f, UINT64_MAX)) < 0)
				goto out;
		lsock_getsockopt(s, LX_SOL_SOCKET, LX_SO_ERROR, &err, &el);
		rv = -err;
	}
out:
	lo_file_rele(f);
	return rv;
}

static long
sys_accept4(long fd, long addr, long lenp, long flags)
{
	struct lo_file *f;
	struct lsock *s, *ns;
	long rv;

	if (flags & ~TYPEFLAGS)
		return -EINVAL;
	if (addr != 0 && (LO_BADPTR(addr) || LO_BADPTR(lenp)))
		return -EFAULT;
	GETSOCK(fd, f, s);
	while ((rv = lsock_accept(s, &ns, (struct sockaddr *)addr,
	    (unsigned int *)lenp)) == -EAGAIN && !sf_nonblock(f, 0))
		if ((rv = sf_wait(f, sf_deadline(SF(f)->rcvtimeo))) < 0)
			break;
	lo_file_rele(f);
	if (rv < 0)
		return rv;
	return sock_install(ns, (int)flags);
}

static long
sys_accept(long fd, long addr, long lenp)
{

	return sys_accept4(fd, addr, lenp, 0);
}

static long
sys_shutdown(long fd, long how)
{
	struct lo_file *f;
	struct lsock *s;
	long rv;

	GETSOCK(fd, f, s);
	rv = lsock_shutdown(s, (int)how);
	lo_file_rele(f);
	return rv;
}

static long
sys_getsockname(long fd, long addr, long lenp)
{
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if (LO_BADPTR(addr) || LO_BADPTR(lenp))
		return -EFAULT;
	GETSOCK(fd, f, s);
	rv = lsock_getsockname(s, (struct sockaddr *)addr,
	    (unsigned int *)lenp);
	lo_file_rele(f);
	return rv;
}

static long
sys_getpeername(long fd, long addr, long lenp)
{
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if (LO_BADPTR(addr) || LO_BADPTR(lenp))
		return -EFAULT;
	GETSOCK(fd, f, s);
	rv = lsock_getpeername(s, (struct sockaddr *)addr,
	    (unsigned int *)lenp);
	lo_file_rele(f);
	return rv;
}

/* struct timeval for SO_RCVTIMEO/SO_SNDTIMEO */
struct tv_ {
	int64_t	sec, usec;
};

static long
sys_setsockopt(long fd, long level, long name, long val, long len)
{
	struct lo_file *f;
	struct lsock *s;
	struct tv_ tv;
	long rv;

	if (len > 0 && LO_BADPTR(val))
		return -EFAULT;
	GETSOCK(fd, f, s);
	if (level == LX_SOL_SOCKET &&
	    (name == SO_RCVTIMEO_ || name == SO_SNDTIMEO_)) {
		if ((size_t)len < sizeof(tv)) {
			rv = -EINVAL;
		} else {
			memcpy(&tv, (void *)val, sizeof(tv));
			if (tv.usec < 0 || tv.usec >= 1000000)
				rv = -EDOM;
			else {
				uint64_t ns = tv.sec < 0 ? 0 :
				    (uint64_t)tv.sec * 1000000000ULL +
				    (uint64_t)tv.usec * 1000;
				if (name == SO_RCVTIMEO_)
					SF(f)->rcvtimeo = ns;
				else
					SF(f)->sndtimeo = ns;
				rv = 0;
			}
		}
	} else
		rv = lsock_setsockopt(s, (int)level, (int)name,
		    (const void *)val, (unsigned)len);
	lo_file_rele(f);
	return rv;
}

static long
sys_getsockopt(long fd, long level, long name, long val, long lenp)
{
	struct lo_file *f;
	struct lsock *s;
	struct tv_ tv;
	uint64_t ns;
	long rv;

	if (LO_BADPTR(val) || LO_BADPTR(lenp))
		return -EFAULT;
	GETSOCK(fd, f, s);
	if (level == LX_SOL_SOCKET &&
	    (name == SO_RCVTIMEO_ || name == SO_SNDTIMEO_)) {
		ns = name == SO_RCVTIMEO_ ? SF(f)->rcvtimeo : SF(f)->sndtimeo;
		tv.sec = (int64_t)(ns / 1000000000ULL);
		tv.usec = (int64_t)(ns % 1000000000ULL / 1000);
		if (*(unsigned int *)lenp < sizeof(tv))
			rv = -EINVAL;
		else {
			memcpy((void *)val, &tv, sizeof(tv));
			*(unsigned int *)lenp = sizeof(tv);
			rv = 0;
		}
	} else
		rv = lsock_getsockopt(s, (int)level, (int)name, (void *)val,
		    (unsigned int *)lenp);
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(socket, sys_socket);
LO_SYSCALL(socketpair, sys_socketpair);
LO_SYSCALL(bind, sys_bind);
LO_SYSCALL(listen, sys_listen);
LO_SYSCALL(connect, sys_connect);
LO_SYSCALL(accept, sys_accept);
LO_SYSCALL(accept4, sys_accept4);
LO_SYSCALL(shutdown, sys_shutdown);
LO_SYSCALL(getsockname, sys_getsockname);
LO_SYSCALL(getpeername, sys_getpeername);
LO_SYSCALL(setsockopt, sys_setsockopt);
LO_SYSCALL(getsockopt, sys_getsockopt);

/* The stack comes up before main, so the app finds its address
 * configured (or DHCP done, within net_wait) and the console says which
 * addresses it has. */
static void
net_up(void)
{
	int rv;

	/* a tandem-cc program run on Linux (posix app mode) stays quiet
	 * unless it uses sockets: the first INET socket starts the stack */
	if (td_host() != NULL)
		return;
	rv = lnet_init();

	if (rv < 0) {
		lo_printf("tandem: libos: network configuration failed\n");
		lo_exit(1);
	}
}
LO_INIT(40, net_up);
