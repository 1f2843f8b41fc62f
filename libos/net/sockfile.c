/*
 * sockfile.c -- sockets in the fd table: the socket system calls of
 * libos over the lsock module (sock.h).  lsock never blocks; this file
 * adds what a Linux socket fd does on top: blocking with O_NONBLOCK,
 * MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO, whole-buffer sends on a
 * blocking stream, MSG_WAITALL, SIGPIPE unless MSG_NOSIGNAL, and
 * readiness for poll/epoll through the file's wait queue, which the
 * stack's wakeup callback kicks.
 *
 * Linked with the `net` component only: an image without it answers the
 * socket calls with ENOSYS (and names them at exit).
 */
#include "lo.h"
#include "lx.h"
#include "net.h"
#include "sock.h"
#include <tandem/platform.h>

struct sfile {
	struct lsock	*s;
	struct lo_waitq	 wq;
	uint64_t	 rcvtimeo;	/* ns, 0 = none */
	uint64_t	 sndtimeo;
};

#define SF(f)	((struct sfile *)(f)->priv)
#define SO_RCVTIMEO_	20
#define SO_SNDTIMEO_	21

static const struct lo_fileops sock_ops;

/* Runs inside the stack: only wake (poll/epoll waiters re-check). */
static void
sock_wake(void *arg)
{
	struct sfile *sf = arg;

	lo_wakeup(&sf->wq, ~0);
}

static struct lsock *
sock_of(int fd, struct lo_file **fp)
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

#define GETSOCK(fd, f, s) do {						\
	if (((s) = sock_of((int)(fd), &(f))) == NULL)			\
		return -EBADF;						\
	if ((s) == (struct lsock *)-1)					\
		return -ENOTSOCK;					\
} while (0)

static int
nonblock(struct lo_file *f, int msgflags)
{

	return (f->flags & O_NONBLOCK) || (msgflags & LX_MSG_DONTWAIT);
}

static uint64_t
deadline(uint64_t timeo)
{

	return timeo == 0 ? UINT64_MAX : lo_now() + timeo;
}

/* Waits for the socket's state to change; -EAGAIN when the SO_*TIMEO
 * deadline passed (Linux's answer), -EINTR on a signal. */
static int
sock_wait(struct lo_file *f, uint64_t dl)
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
	if (rv == -EINPROGRESS && !nonblock(f, 0)) {
		while (!(lsock_poll(s) & (POLLOUT | POLLERR | POLLHUP)))
			if ((rv = sock_wait(f, UINT64_MAX)) < 0)
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
	    (unsigned int *)lenp)) == -EAGAIN && !nonblock(f, 0))
		if ((rv = sock_wait(f, deadline(SF(f)->rcvtimeo))) < 0)
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

/* part = what of m is left after `done` bytes (at most 64 iovecs at a
 * time; the next round takes the rest). */
static void
msg_rest(const struct lx_msghdr *m, size_t done, struct lx_iovec *tmp,
    struct lx_msghdr *part)
{
	size_t i = 0, n = 0;

	while (i < m->msg_iovlen && done >= m->msg_iov[i].iov_len)
		done -= m->msg_iov[i++].iov_len;
	for (; i < m->msg_iovlen && n < 64; i++, n++)
		tmp[n] = m->msg_iov[i];
	if (n > 0) {
		tmp[0].iov_base = (char *)tmp[0].iov_base + done;
		tmp[0].iov_len -= done;
	}
	*part = *m;
	part->msg_iov = tmp;
	part->msg_iovlen = n;
	part->msg_name = NULL;		/* streams only get here */
	part->msg_namelen = 0;
}

/* Sends all of a blocking stream's data, as Linux does; a datagram or a
 * non-blocking socket takes what fits. */
static long
do_sendmsg(struct lo_file *f, struct lx_msghdr *m, int flags)
{
	struct lx_iovec tmp[64];
	struct lx_msghdr part = *m;
	uint64_t dl = deadline(SF(f)->sndtimeo);
	size_t total = 0, sent = 0, i;
	long rv;

	for (i = 0; i < m->msg_iovlen; i++)
		total += m->msg_iov[i].iov_len;
	for (;;) {
		rv = lsock_sendmsg(SF(f)->s, (struct msghdr *)&part, flags);
		if (rv == -EAGAIN && !nonblock(f, flags)) {
			if ((rv = sock_wait(f, dl)) < 0)
				return sent > 0 ? (long)sent : rv;
			continue;
		}
		if (rv < 0) {
			if (rv == -EPIPE && !(flags & LX_MSG_NOSIGNAL))
				lo_signal_raise(13);	/* SIGPIPE */
			return sent > 0 ? (long)sent : rv;
		}
		sent += (size_t)rv;
		if (sent >= total || rv == 0 || nonblock(f, flags))
			return (long)sent;
		msg_rest(m, sent, tmp, &part);
	}
}

static long
do_recvmsg(struct lo_file *f, struct lx_msghdr *m, int flags)
{
	uint64_t dl = deadline(SF(f)->rcvtimeo);
	long rv;

	while ((rv = lsock_recvmsg(SF(f)->s, (struct msghdr *)m,
	    flags & ~LX_MSG_WAITALL)) == -EAGAIN && !nonblock(f, flags))
		if ((rv = sock_wait(f, dl)) < 0)
			break;
	return rv;
}

static int
msg_check(const struct lx_msghdr *m)
{
	size_t i;

	if (LO_BADPTR(m))
		return -EFAULT;
	if (m->msg_iovlen > 1024)
		return -EMSGSIZE;
	if (m->msg_iovlen > 0 && LO_BADPTR(m->msg_iov))
		return -EFAULT;
	for (i = 0; i < m->msg_iovlen; i++)
		if (m->msg_iov[i].iov_len > 0 &&
		    LO_BADPTR(m->msg_iov[i].iov_base))
			return -EFAULT;
	if (m->msg_name != NULL && LO_BADPTR(m->msg_name))
		return -EFAULT;
	return 0;
}

static long
sys_sendmsg(long fd, long msg, long flags)
{
	struct lx_msghdr m;
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if ((rv = msg_check((const struct lx_msghdr *)msg)) < 0)
		return rv;
	GETSOCK(fd, f, s);
	m = *(const struct lx_msghdr *)msg;
	rv = do_sendmsg(f, &m, (int)flags);
	lo_file_rele(f);
	return rv;
}

static long
sys_recvmsg(long fd, long msg, long flags)
{
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if ((rv = msg_check((const struct lx_msghdr *)msg)) < 0)
		return rv;
	GETSOCK(fd, f, s);
	rv = do_recvmsg(f, (struct lx_msghdr *)msg, (int)flags);
	lo_file_rele(f);
	return rv;
}

static long
sys_sendto(long fd, long buf, long len, long flags, long addr, long alen)
{
	struct lx_iovec v = { (void *)buf, (size_t)len };
	struct lx_msghdr m = { 0 };
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if ((len > 0 && LO_BADPTR(buf)) || (addr != 0 && LO_BADPTR(addr)))
		return -EFAULT;
	GETSOCK(fd, f, s);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_name = (void *)addr;
	m.msg_namelen = (unsigned)alen;
	rv = do_sendmsg(f, &m, (int)flags);
	lo_file_rele(f);
	return rv;
}

static long
sys_recvfrom(long fd, long buf, long len, long flags, long addr, long alenp)
{
	struct lx_iovec v = { (void *)buf, (size_t)len };
	struct lx_msghdr m = { 0 };
	struct lo_file *f;
	struct lsock *s;
	long rv;

	if ((len > 0 && LO_BADPTR(buf)) ||
	    (addr != 0 && (LO_BADPTR(addr) || LO_BADPTR(alenp))))
		return -EFAULT;
	GETSOCK(fd, f, s);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	if (addr != 0) {
		m.msg_name = (void *)addr;
		m.msg_namelen = *(unsigned int *)alenp;
	}
	rv = do_recvmsg(f, &m, (int)flags);
	if (rv >= 0 && addr != 0)
		*(unsigned int *)alenp = m.msg_namelen;
	lo_file_rele(f);
	return rv;
}

/* struct mmsghdr: a msghdr and the byte count of that message */
struct lx_mmsghdr {
	struct lx_msghdr	msg_hdr;
	unsigned int		msg_len;
};

static long
sys_sendmmsg(long fd, long vec, long n, long flags)
{
	struct lx_mmsghdr *mv = (struct lx_mmsghdr *)vec;
	long i, rv;

	if (LO_BADPTR(vec))
		return -EFAULT;
	for (i = 0; i < n && i < 1024; i++) {
		rv = sys_sendmsg(fd, (long)&mv[i].msg_hdr, flags);
		if (rv < 0)
			return i > 0 ? i : rv;
		mv[i].msg_len = (unsigned int)rv;
	}
	return i;
}

static long
sys_recvmmsg(long fd, long vec, long n, long flags, long timeout)
{
	struct lx_mmsghdr *mv = (struct lx_mmsghdr *)vec;
	long i, rv;

	if (LO_BADPTR(vec))
		return -EFAULT;
	for (i = 0; i < n && i < 1024; i++) {
		/* after the first, only what is already there */
		rv = sys_recvmsg(fd, (long)&mv[i].msg_hdr,
		    i > 0 ? flags | LX_MSG_DONTWAIT : flags);
		if (rv < 0)
			return i > 0 ? i : rv;
		mv[i].msg_len = (unsigned int)rv;
	}
	return i;
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
LO_SYSCALL(sendto, sys_sendto);
LO_SYSCALL(recvfrom, sys_recvfrom);
LO_SYSCALL(sendmsg, sys_sendmsg);
LO_SYSCALL(recvmsg, sys_recvmsg);
LO_SYSCALL(sendmmsg, sys_sendmmsg);
LO_SYSCALL(recvmmsg, sys_recvmmsg);
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
	if (td_plat.host_stdio != NULL)
		return;
	rv = lnet_init();

	if (rv < 0) {
		lo_printf("tandem: libos: network configuration failed\n");
		lo_exit(1);
	}
}
LO_INIT(40, net_up);
