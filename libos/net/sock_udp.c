/*
 * sock_udp.c -- UDP sockets on lwIP's raw API.  Each received datagram is
 * queued with its sender (pbuf kept as received: one copy to the app);
 * the queue is bounded by SO_RCVBUF, beyond which datagrams are dropped
 * as Linux drops them.
 */
#include "lwip/opt.h"
#include "lwip/udp.h"
#include "lwip/pbuf.h"
#include "inet.h"
#include "net_int.h"

#define UDP_MAX		65507

struct dgram {
	struct dgram	*next;
	struct pbuf	*p;
	ip_addr_t	 from;
	u16_t		 port;
};

struct usock {
	struct lsock	 s;
	struct udp_pcb	*pcb;
	struct dgram	*qh, *qt;
	size_t		 qbytes;
	int		 connected;
};

static const struct lsock_ops udp_ops;

static void
u_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from,
    u16_t port)
{
	struct usock *u = arg;
	struct dgram *d;

	if (u->s.shut_rd || u->qbytes + p->tot_len > (size_t)u->s.rcvbuf ||
	    (d = lnet_mem_malloc(sizeof(*d))) == NULL) {
		pbuf_free(p);
		return;
	}
	d->next = NULL;
	d->p = p;
	ip_addr_copy(d->from, *from);
	d->port = port;
	if (u->qt == NULL)
		u->qh = d;
	else
		u->qt->next = d;
	u->qt = d;
	u->qbytes += p->tot_len;
	lsock_wake(&u->s);
}

static int
u_bind(struct lsock *s, const struct lx_sockaddr *sa, unsigned len)
{
	struct usock *u = (struct usock *)s;
	ip_addr_t ip;
	u16_t port;
	int rv;

	if ((rv = lnet_from_lx(s, sa, len, &ip, &port)) != 0)
		return rv;
	if (u->pcb->local_port != 0)
		return -LX_EINVAL;
	if ((rv = lnet_is_local(&ip)) != 0)
		return rv;
	if (s->reuseaddr || s->reuseport)
		ip_set_option(u->pcb, SOF_REUSEADDR);
	return lnet_err(udp_bind(u->pcb, &ip, port));
}

static int
u_connect(struct lsock *s, const struct lx_sockaddr *sa, unsigned len)
{
	struct usock *u = (struct usock *)s;
	ip_addr_t ip;
	u16_t port;
	int rv;

	if (sa->sa_family == LX_AF_UNSPEC) {
		udp_disconnect(u->pcb);
		u->connected = 0;
		return 0;
	}
	if ((rv = lnet_from_lx(s, sa, len, &ip, &port)) != 0)
		return rv;
	if ((rv = lnet_err(udp_connect(u->pcb, &ip, port))) != 0)
		return rv;
	u->connected = 1;
	return 0;
}

static int
u_listen(struct lsock *s, int backlog)
{

	return -LX_EOPNOTSUPP;
}

static int
u_accept(struct lsock *s, struct lsock **newp, struct lx_sockaddr_storage *ss,
    unsigned *len)
{

	return -LX_EOPNOTSUPP;
}

static long
u_sendmsg(struct lsock *s, const struct lx_msghdr *m, int flags)
{
	struct usock *u = (struct usock *)s;
	struct pbuf *p;
	ip_addr_t ip;
	u16_t port;
	long len;
	err_t err;
	int rv;

	if (s->shut_wr)
		return -LX_EPIPE;
	len = lx_iov_total(m->msg_iov, m->msg_iovlen);
	if (len > UDP_MAX)
		return -LX_EMSGSIZE;
	if (m->msg_name != NULL && m->msg_namelen > 0) {
		rv = lnet_from_lx(s, m->msg_name, m->msg_namelen, &ip, &port);
		if (rv != 0)
			return rv;
		if (port == 0)
			return -LX_EINVAL;
	} else if (!u->connected)
		return -LX_EDESTADDRREQ;
	if ((p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM)) == NULL)
		return -LX_ENOBUFS;
	lx_iov_to(p->payload, m->msg_iov, m->msg_iovlen, 0, (size_t)len);
	if (m->msg_name != NULL && m->msg_namelen > 0)
		err = udp_sendto(u->pcb, p, &ip, port);
	else
		err = udp_send(u->pcb, p);
	pbuf_free(p);
	if (err == ERR_RTE)
		return -LX_ENETUNREACH;
	if (err == ERR_VAL && m->msg_name != NULL)
		return -LX_EAFNOSUPPORT;	/* v4 dest on a v6only socket */
	if (err != ERR_OK && err != ERR_MEM)
		return lnet_err(err);
	/* ERR_MEM (ARP queue full, no buffers): dropped, as on a wire */
	return len;
}

static long
u_recvmsg(struct lsock *s, struct lx_msghdr *m, int flags)
{
	struct usock *u = (struct usock *)s;
	struct lx_sockaddr_storage ss;
	struct dgram *d = u->qh;
	size_t want, n, off = 0;
	struct pbuf *q;
	unsigned nl;
	long full;

	if (d == NULL) {
		if (s->error != 0) {
			full = -s->error;
			s->error = 0;
			return full;
		}
		return s->shut_rd ? 0 : -LX_EAGAIN;
	}
	want = (size_t)lx_iov_total(m->msg_iov, m->msg_iovlen);
	full = d->p->tot_len;
	for (q = d->p; q != NULL && off < want; q = q->next) {
		n = q->len < want - off ? q->len : want - off;
		lx_iov_from(m->msg_iov, m->msg_iovlen, off, q->payload, n);
		off += n;
	}
	if ((size_t)full > want)
		m->msg_flags |= LX_MSG_TRUNC;
	if (m->msg_name != NULL) {
		nl = (unsigned)lnet_to_lx(s, &d->from, d->port, &ss);
		lx_name_out(m->msg_name, &m->msg_namelen, &ss, nl);
	}
	if (!(flags & LX_MSG_PEEK)) {
		if ((u->qh = d->next) == NULL)
			u->qt = NULL;
		u->qbytes -= d->p->tot_len;
		pbuf_free(d->p);
		lnet_mem_free(d);
	}
	return (flags & LX_MSG_TRUNC) ? full : (long)off;
}

static int
u_shutdown(struct lsock *s, int how)
{
	struct usock *u = (struct usock *)s;

	if (!u->connected)
		return -LX_ENOTCONN;
	if (how != LX_SHUT_WR)
		s->shut_rd = 1;
	if (how != LX_SHUT_RD)
		s->shut_wr = 1;
	return 0;
}

static int
u_name(struct lsock *s, struct lx_sockaddr_storage *ss, int peer)
{
	struct usock *u = (struct usock *)s;

	if (peer) {
		if (!u->connected)
			return -LX_ENOTCONN;
		return lnet_to_lx(s, &u->pcb->remote_ip, u->pcb->remote_port,
		    ss);
	}
	return lnet_to_lx(s, &u->pcb->local_ip, u->pcb->local_port, ss);
}

static int
u_setopt(struct lsock *s, int level, int name, const void *val,
    unsigned len)
{
	struct usock *u = (struct usock *)s;
	int v = *(const int *)val;

	if (level == LX_SOL_SOCKET) {
		if ((name == LX_SO_REUSEADDR || name == LX_SO_REUSEPORT) && v)
			ip_set_option(u->pcb, SOF_REUSEADDR);
		return -LX_ENOPROTOOPT;
	}
	if (level == LX_IPPROTO_IPV6 && name == LX_IPV6_V6ONLY &&
	    s->domain == LX_AF_INET6) {
		if (u->pcb->local_port != 0)
			return -LX_EINVAL;
		s->v6only = v != 0;
		IP_SET_TYPE_VAL(u->pcb->local_ip, lnet_pcbtype(s));
		IP_SET_TYPE_VAL(u->pcb->remote_ip, lnet_pcbtype(s));
		return 0;
	}
	if (level == LX_IPPROTO_IP && name == LX_IP_TTL) {
		u->pcb->ttl = (u8_t)v;
		return 0;
	}
	if (level == LX_IPPROTO_IP && name == LX_IP_TOS) {
		u->pcb->tos = (u8_t)v;
		return 0;
	}
	return -LX_ENOPROTOOPT;
}

static int
u_getopt(struct lsock *s, int level, int name, int *v)
{
	struct usock *u = (struct usock *)s;

	if (level == LX_SOL_SOCKET && name == LX_SO_ACCEPTCONN) {
		*v = 0;
		return 0;
	}
	if (level == LX_IPPROTO_IPV6 && name == LX_IPV6_V6ONLY &&
	    s->domain == LX_AF_INET6) {
		*v = s->v6only;
		return 0;
	}
	if (level == LX_IPPROTO_IP && name == LX_IP_TTL) {
		*v = u->pcb->ttl;
		return 0;
	}
	if (level == LX_IPPROTO_IP && name == LX_IP_TOS) {
		*v = u->pcb->tos;
		return 0;
	}
	return -LX_ENOPROTOOPT;
}

static int
u_ioctl(struct lsock *s, unsigned long req, void *arg)
{
	struct usock *u = (struct usock *)s;

	*(int *)arg = req == LX_FIONREAD && u->qh != NULL ?
	    u->qh->p->tot_len : 0;
	return 0;
}

static int
u_poll(struct lsock *s)
{
	struct usock *u = (struct usock *)s;
	int m = LX_POLLOUT | LX_POLLWRNORM;

	if (u->qh != NULL || s->shut_rd)
		m |= LX_POLLIN | LX_POLLRDNORM;
	if (s->error != 0)
		m |= LX_POLLERR;
	if (s->shut_rd && s->shut_wr)
		m |= LX_POLLHUP;
	return m;
}

static void
u_close(struct lsock *s)
{
	struct usock *u = (struct usock *)s;
	struct dgram *d;

	udp_remove(u->pcb);
	while ((d = u->qh) != NULL) {
		u->qh = d->next;
		pbuf_free(d->p);
		lnet_mem_free(d);
	}
	lsock_fini(s);
	lnet_mem_free(u);
}

static const struct lsock_ops udp_ops = {
	.bind = u_bind,
	.connect = u_connect,
	.listen = u_listen,
	.accept = u_accept,
	.sendmsg = u_sendmsg,
	.recvmsg = u_recvmsg,
	.shutdown = u_shutdown,
	.name = u_name,
	.setopt = u_setopt,
	.getopt = u_getopt,
	.ioctl = u_ioctl,
	.poll = u_poll,
	.close = u_close,
};

int
ludp_new(int domain, struct lsock **out)
{
	struct usock *u;

	if ((u = lnet_mem_calloc(1, sizeof(*u))) == NULL)
		return -LX_ENOBUFS;
	lsock_init(&u->s, &udp_ops, domain, LX_SOCK_DGRAM, LX_IPPROTO_UDP);
	u->s.rcvbuf = 212992;		/* Linux's default */
	if ((u->pcb = udp_new_ip_type(lnet_pcbtype(&u->s))) == NULL) {
		lsock_fini(&u->s);
		lnet_mem_free(u);
		return -LX_ENOBUFS;
	}
	udp_recv(u->pcb, u_recv, u);
	*out = &u->s;
	return 0;
}
