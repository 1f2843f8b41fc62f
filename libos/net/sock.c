/*
 * sock.c -- sock.h's calls: argument checks, the SOL_SOCKET options every
 * socket shares, and dispatch to TCP (sock_tcp.c), UDP (sock_udp.c) and
 * AF_UNIX (sock_unix.c).  Each call into lwIP ends with lnet_after()
 * (net_int.h): nothing yields inside the stack.
 */
#include "sock_int.h"
#include "net_int.h"

#define LX_ENOTTY	25
#define DEF_BUF		(256 * 1024)

unsigned lnet_nsocks;

void
lsock_init(struct lsock *s, const struct lsock_ops *ops, int domain,
    int type, int protocol)
{

	s->ops = ops;
	s->domain = domain;
	s->type = type;
	s->protocol = protocol;
	s->wakefn = NULL;
	s->wakearg = NULL;
	s->error = 0;
	s->reuseaddr = s->reuseport = s->keepalive = s->v6only = 0;
	s->linger_on = s->broadcast = s->shut_rd = s->shut_wr = 0;
	s->linger = 0;
	s->rcvbuf = s->sndbuf = DEF_BUF;
	lnet_nsocks++;
}

void
lsock_fini(struct lsock *s)
{

	s->ops = NULL;
	lnet_nsocks--;
}

long
lx_iov_total(const struct lx_iovec *iov, size_t n)
{
	size_t i, t = 0;

	for (i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)0x7fffffff - t)
			return -LX_EINVAL;
		t += iov[i].iov_len;
	}
	return (long)t;
}

size_t
lx_iov_from(const struct lx_iovec *iov, size_t n, size_t skip,
    const void *src, size_t len)
{
	const char *s = src;
	size_t i, c, done = 0;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		c = iov[i].iov_len - skip;
		if (c > len - done)
			c = len - done;
		memcpy((char *)iov[i].iov_base + skip, s + done, c);
		done += c;
		skip = 0;
	}
	return done;
}

size_t
lx_iov_to(void *dst, const struct lx_iovec *iov, size_t n, size_t skip,
    size_t len)
{
	char *d = dst;
	size_t i, c, done = 0;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		c = iov[i].iov_len - skip;
		if (c > len - done)
			c = len - done;
		memcpy(d + done, (const char *)iov[i].iov_base + skip, c);
		done += c;
		skip = 0;
	}
	return done;
}

void
lx_name_out(void *dst, unsigned *len, const void *src, unsigned full)
{

	if (dst != NULL)
		memcpy(dst, src, *len < full ? *len : full);
	*len = full;
}

int
lsock_socket(int domain, int type, int protocol, struct lsock **out)
{
	int rv;

	if (type != LX_SOCK_STREAM && type != LX_SOCK_DGRAM)
		return domain == LX_AF_INET || domain == LX_AF_INET6 ||
		    domain == LX_AF_UNIX ? -LX_ESOCKTNOSUPPORT :
		    -LX_EAFNOSUPPORT;
	switch (domain) {
	case LX_AF_INET:
	case LX_AF_INET6:
		if ((rv = lnet_init()) != 0)	/* once; normally done by libos */
			return rv;
		if (type == LX_SOCK_STREAM) {
			if (protocol != 0 && protocol != LX_IPPROTO_TCP)
				return -LX_EPROTONOSUPPORT;
			rv = ltcp_new(domain, out);
		} else {
			if (protocol != 0 && protocol != LX_IPPROTO_UDP)
				return -LX_EPROTONOSUPPORT;
			rv = ludp_new(domain, out);
		}
		lnet_after();
		return rv;
	case LX_AF_UNIX:
		if (protocol != 0)
			return -LX_EPROTONOSUPPORT;
		return lunix_new(type, out);
	default:
		return -LX_EAFNOSUPPORT;
	}
}

int
lsock_socketpair(int domain, int type, int protocol, struct lsock *out[2])
{

	if (domain != LX_AF_UNIX)
		return domain == LX_AF_INET || domain == LX_AF_INET6 ?
		    -LX_EOPNOTSUPP : -LX_EAFNOSUPPORT;
	if (type != LX_SOCK_STREAM && type != LX_SOCK_DGRAM)
		return -LX_ESOCKTNOSUPPORT;
	if (protocol != 0)
		return -LX_EPROTONOSUPPORT;
	return lunix_pair(type, out);
}

int
lsock_bind(struct lsock *s, const struct sockaddr *sa, unsigned int len)
{
	int rv;

	if (sa == NULL || len < 2)
		return -LX_EINVAL;
	rv = s->ops->bind(s, (const struct lx_sockaddr *)(const void *)sa,
	    len);
	lnet_after();
	return rv;
}

int
lsock_connect(struct lsock *s, const struct sockaddr *sa, unsigned int len)
{
	int rv;

	if (sa == NULL || len < 2)
		return -LX_EINVAL;
	rv = s->ops->connect(s, (const struct lx_sockaddr *)(const void *)sa,
	    len);
	lnet_after();
	return rv;
}

int
lsock_listen(struct lsock *s, int backlog)
{
	int rv;

	if (s->type != LX_SOCK_STREAM)
		return -LX_EOPNOTSUPP;
	rv = s->ops->listen(s, backlog);
	lnet_after();
	return rv;
}

int
lsock_accept(struct lsock *s, struct lsock **newp, struct sockaddr *sa,
    unsigned int *len)
{
	struct lx_sockaddr_storage ss;
	unsigned full = 0;
	int rv;

	if (s->type != LX_SOCK_STREAM)
		return -LX_EOPNOTSUPP;
	if (sa != NULL && len == NULL)
		return -LX_EFAULT;
	rv = s->ops->accept(s, newp, &ss, &full);
	lnet_after();
	if (rv == 0 && sa != NULL)
		lx_name_out(sa, len, &ss, full);
	return rv;
}

long
lsock_sendmsg(struct lsock *s, const struct msghdr *m, int flags)
{
	const struct lx_msghdr *msg = (const void *)m;
	long rv;

	if (msg == NULL || (msg->msg_iovlen > 0 && msg->msg_iov == NULL))
		return -LX_EFAULT;
	if (lx_iov_total(msg->msg_iov, msg->msg_iovlen) < 0)
		return -LX_EINVAL;
	if (flags & LX_MSG_OOB)
		return -LX_EOPNOTSUPP;
	rv = s->ops->sendmsg(s, msg, flags);
	lnet_after();
	return rv;
}

long
lsock_recvmsg(struct lsock *s, struct msghdr *m, int flags)
{
	struct lx_msghdr *msg = (void *)m;
	long rv;

	if (msg == NULL || (msg->msg_iovlen > 0 && msg->msg_iov == NULL))
		return -LX_EFAULT;
	if (lx_iov_total(msg->msg_iov, msg->msg_iovlen) < 0)
		return -LX_EINVAL;
	if (flags & LX_MSG_OOB)
		return -LX_EINVAL;
	msg->msg_flags = 0;
	msg->msg_controllen = 0;	/* no ancillary data is produced */
	rv = s->ops->recvmsg(s, msg, flags);
	lnet_after();
	return rv;
}

int
lsock_shutdown(struct lsock *s, int how)
{
	int rv;

	if (how != LX_SHUT_RD && how != LX_SHUT_WR && how != LX_SHUT_RDWR)
		return -LX_EINVAL;
	rv = s->ops->shutdown(s, how);
	lnet_after();
	lsock_wake(s);
	return rv;
}

static int
getname(struct lsock *s, struct sockaddr *sa, unsigned int *len, int peer)
{
	struct lx_sockaddr_storage ss;
	int n;

	if (len == NULL)
		return -LX_EFAULT;
	if ((n = s->ops->name(s, &ss, peer)) < 0)
		return n;
	lx_name_out(sa, len, &ss, (unsigned)n);
	return 0;
}

int
lsock_getsockname(struct lsock *s, struct sockaddr *sa, unsigned int *len)
{

	return getname(s, sa, len, 0);
}

int
lsock_getpeername(struct lsock *s, struct sockaddr *sa, unsigned int *len)
{

	return getname(s, sa, len, 1);
}

static int
clampbuf(int v)
{

	/* Linux doubles the value asked for and has a floor */
	if (v < 2304)
		v = 2304;
	if (v > (64 << 20))
		v = 64 << 20;
	return v * 2;
}

int
lsock_setsockopt(struct lsock *s, int level, int name, const void *val,
    unsigned int len)
{
	const struct lx_linger *l = val;
	int v, rv;

	if (val == NULL)
		return -LX_EFAULT;
	if (level == LX_SOL_SOCKET && name == LX_SO_LINGER) {
		if (len < sizeof(*l))
			return -LX_EINVAL;
		s->linger_on = l->l_onoff != 0;
		s->linger = l->l_linger;
		return 0;
	}
	if (len < sizeof(int))
		return -LX_EINVAL;
	v = *(const int *)val;
	if (level == LX_SOL_SOCKET) {
		switch (name) {
		case LX_SO_REUSEADDR:	s->reuseaddr = v != 0; break;
		case LX_SO_REUSEPORT:	s->reuseport = v != 0; break;
		case LX_SO_KEEPALIVE:	s->keepalive = v != 0; break;
		case LX_SO_BROADCAST:	s->broadcast = v != 0; break;
		case LX_SO_RCVBUF:	s->rcvbuf = clampbuf(v); break;
		case LX_SO_SNDBUF:	s->sndbuf = clampbuf(v); break;
		case LX_SO_RCVLOWAT:
		case LX_SO_SNDLOWAT:	return 0;	/* accepted, ignored */
		case LX_SO_TYPE: case LX_SO_ERROR: case LX_SO_ACCEPTCONN:
		case LX_SO_DOMAIN: case LX_SO_PROTOCOL:
			return -LX_ENOPROTOOPT;
		default:
			return -LX_ENOPROTOOPT;
		}
	}
	/* the protocol sees SOL_SOCKET too, to push values into its PCB */
	rv = s->ops->setopt(s, level, name, val, len);
	lnet_after();
	if (level == LX_SOL_SOCKET && rv == -LX_ENOPROTOOPT)
		rv = 0;
	return rv;
}

int
lsock_getsockopt(struct lsock *s, int level, int name, void *val,
    unsigned int *len)
{
	struct lx_linger l;
	int v, rv;

	if (val == NULL || len == NULL)
		return -LX_EFAULT;
	if (level == LX_SOL_SOCKET && name == LX_SO_LINGER) {
		l.l_onoff = s->linger_on;
		l.l_linger = s->linger;
		lx_name_out(val, len, &l, sizeof(l));
		if (*len > sizeof(l))
			*len = sizeof(l);
		return 0;
	}
	if (level == LX_SOL_SOCKET) {
		switch (name) {
		case LX_SO_REUSEADDR:	v = s->reuseaddr; break;
		case LX_SO_REUSEPORT:	v = s->reuseport; break;
		case LX_SO_KEEPALIVE:	v = s->keepalive; break;
		case LX_SO_BROADCAST:	v = s->broadcast; break;
		case LX_SO_RCVBUF:	v = s->rcvbuf; break;
		case LX_SO_SNDBUF:	v = s->sndbuf; break;
		case LX_SO_TYPE:	v = s->type; break;
		case LX_SO_DOMAIN:	v = s->domain; break;
		case LX_SO_PROTOCOL:	v = s->protocol; break;
		case LX_SO_ERROR:	v = s->error; s->error = 0; break;
		case LX_SO_RCVLOWAT:
		case LX_SO_SNDLOWAT:	v = 1; break;
		case LX_SO_ACCEPTCONN:
			rv = s->ops->getopt(s, level, name, &v);
			if (rv < 0)
				return rv;
			break;
		default:
			return -LX_ENOPROTOOPT;
		}
	} else if ((rv = s->ops->getopt(s, level, name, &v)) < 0)
		return rv;
	if (*len < sizeof(int)) {
		/* Linux writes what fits */
		lx_name_out(val, len, &v, sizeof(int));
		return 0;
	}
	*(int *)val = v;
	*len = sizeof(int);
	return 0;
}

int
lsock_ioctl(struct lsock *s, unsigned long req, void *arg)
{
	int rv;

	if (arg == NULL)
		return -LX_EFAULT;
	if (req != LX_FIONREAD && req != LX_SIOCOUTQ)
		return -LX_ENOTTY;
	rv = s->ops->ioctl(s, req, arg);
	lnet_after();
	return rv;
}

int
lsock_poll(struct lsock *s)
{

	return s->ops->poll(s);
}

void
lsock_set_wakeup(struct lsock *s, void (*fn)(void *), void *arg)
{

	s->wakefn = fn;
	s->wakearg = arg;
}

int
lsock_close(struct lsock *s)
{

	s->wakefn = NULL;
	s->ops->close(s);
	lnet_after();
	return 0;
}
