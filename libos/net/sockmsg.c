/*
 * sockmsg.c -- the data half of libos's socket system calls (the rest is
 * sockfile.c): send/recv in their to/from, msg and mmsg forms, over
 * lsock_sendmsg/lsock_recvmsg, which never block.  Here: blocking (with
 * O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO), a blocking
 * stream's send taking all the data as Linux does, SIGPIPE unless
 * MSG_NOSIGNAL, and the checks of user pointers.
 */
#include "sockfile.h"

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
	uint64_t dl = sf_deadline(SF(f)->sndtimeo);
	size_t total = 0, sent = 0, i;
	long rv;

	for (i = 0; i < m->msg_iovlen; i++)
		total += m->msg_iov[i].iov_len;
	for (;;) {
		rv = lsock_sendmsg(SF(f)->s, (struct msghdr *)&part, flags);
		if (rv == -EAGAIN && !sf_nonblock(f, flags)) {
			if ((rv = sf_wait(f, dl)) < 0)
				return sent > 0 ? (long)sent : rv;
			continue;
		}
		if (rv < 0) {
			if (rv == -EPIPE && !(flags & LX_MSG_NOSIGNAL))
				lo_signal_raise(13);	/* SIGPIPE */
			return sent > 0 ? (long)sent : rv;
		}
		sent += (size_t)rv;
		if (sent >= total || rv == 0 || sf_nonblock(f, flags))
			return (long)sent;
		msg_rest(m, sent, tmp, &part);
	}
}

static long
do_recvmsg(struct lo_file *f, struct lx_msghdr *m, int flags)
{
	uint64_t dl = sf_deadline(SF(f)->rcvtimeo);
	long rv;

	while ((rv = lsock_recvmsg(SF(f)->s, (struct msghdr *)m,
	    flags & ~LX_MSG_WAITALL)) == -EAGAIN && !sf_nonblock(f, flags))
		if ((rv = sf_wait(f, dl)) < 0)
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

LO_SYSCALL(sendto, sys_sendto);
LO_SYSCALL(recvfrom, sys_recvfrom);
LO_SYSCALL(sendmsg, sys_sendmsg);
LO_SYSCALL(recvmsg, sys_recvmsg);
LO_SYSCALL(sendmmsg, sys_sendmmsg);
LO_SYSCALL(recvmmsg, sys_recvmmsg);
