/*
 * sock_tcp.c -- TCP sockets on lwIP's raw API.
 *
 * Receive: lwIP hands pbufs to t_recv, which queues them as they are;
 * recvmsg copies them to the app (the one copy) and only then opens the
 * window (tcp_recved), so an app that does not read throttles its peer.
 * Send: tcp_write(COPY) copies into segments (the one copy, checksummed
 * on the way: LWIP_CHECKSUM_ON_COPY).  A listening socket creates the
 * child socket in t_accept and keeps it counted against the backlog
 * (tcp_backlog_delayed) until accept() takes it.
 */
#include "lwip/opt.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "inet.h"
#include "net_int.h"
#include "tcp_int.h"

static const struct lsock_ops tcp_ops;

static struct tsock *
tsock_alloc(int domain)
{
	struct tsock *t;

	if ((t = lnet_mem_calloc(1, sizeof(*t))) == NULL)
		return NULL;
	lsock_init(&t->s, &tcp_ops, domain, LX_SOCK_STREAM, LX_IPPROTO_TCP);
	t->keepidle = 7200;
	t->keepintvl = 75;
	t->keepcnt = 9;
	return t;
}

static void
rx_drop_all(struct tsock *t)
{
	struct pbuf *q, *n;

	for (q = t->rxh; q != NULL; q = n) {
		n = q->next;
		q->next = NULL;
		q->tot_len = q->len;
		pbuf_free(q);
	}
	t->rxh = t->rxt = NULL;
	t->rxoff = t->rxbytes = 0;
}

static void
recved(struct tcp_pcb *pcb, size_t n)
{

	while (pcb != NULL && n > 0) {
		u16_t c = n > 0xffff ? 0xffff : (u16_t)n;
		tcp_recved(pcb, c);
		n -= c;
	}
}

/* ---- lwIP callbacks (inside the stack: they only queue and wake) ---- */

static err_t
t_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct tsock *t = arg;
	struct pbuf *q;

	if (p == NULL) {
		t->eof = 1;
		lsock_wake(&t->s);
		return ERR_OK;
	}
	if (t->s.shut_rd) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	/* queue the chain without pbuf_cat: tot_len is 16 bits */
	t->rxbytes += p->tot_len;
	for (q = p; q->next != NULL; q = q->next)
		;
	if (t->rxt == NULL)
		t->rxh = p;
	else
		t->rxt->next = p;
	t->rxt = q;
	lsock_wake(&t->s);
	return ERR_OK;
}

static int
writable(struct tsock *t)
{

	return t->pcb != NULL && !t->wblocked &&
	    tcp_sndbuf(t->pcb) >= TCP_SNDLOWAT &&
	    tcp_sndqueuelen(t->pcb) < TCP_SND_QUEUELEN / 2;
}

static err_t
t_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct tsock *t = arg;

	t->wblocked = 0;
	if (writable(t))
		lsock_wake(&t->s);
	return ERR_OK;
}

static void
t_err(void *arg, err_t err)
{
	struct tsock *t = arg;

	t->pcb = NULL;			/* lwIP has freed it */
	if (err == ERR_CLSD) {
		t->eof = 1;		/* both sides closed */
	} else if (t->state == T_CONNECTING) {
		t->s.error = err == ERR_RST ? LX_ECONNREFUSED : LX_ETIMEDOUT;
		t->state = T_FAILED;
	} else {
		/* Linux: a reset after the peer's FIN (CLOSE_WAIT) is
		 * EPIPE, before it ECONNRESET */
		t->s.error = err == ERR_RST ?
		    (t->eof ? LX_EPIPE : LX_ECONNRESET) :
		    err == ERR_ABRT ? LX_ETIMEDOUT : LX_ECONNABORTED;
		t->eof = 1;
	}
	lsock_wake(&t->s);
}

static err_t
t_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tsock *t = arg;

	t->state = T_CONNECTED;
	lsock_wake(&t->s);
	return ERR_OK;
}

static void
t_setup(struct tsock *t, struct tcp_pcb *pcb)
{

	t->pcb = pcb;
	tcp_arg(pcb, t);
	tcp_recv(pcb, t_recv);
	tcp_sent(pcb, t_sent);
	tcp_err(pcb, t_err);
}

static err_t
t_accept(void *arg, struct tcp_pcb *npcb, err_t err)
{
	struct tsock *l = arg, *t;

	if (err != ERR_OK || npcb == NULL)
		return ERR_VAL;
	if (l == NULL || (t = tsock_alloc(l->s.domain)) == NULL) {
		tcp_abort(npcb);
		return ERR_ABRT;
	}
	t->state = T_CONNECTED;
	t->nodelay = l->nodelay;
	t->s.keepalive = l->s.keepalive;
	t->keepidle = l->keepidle;
	t->keepintvl = l->keepintvl;
	t->keepcnt = l->keepcnt;
	t->s.v6only = l->s.v6only;
	t->s.linger_on = l->s.linger_on;
	t->s.linger = l->s.linger;
	ip_addr_copy(t->peer, npcb->remote_ip);
	t->peer_port = npcb->remote_port;
	t_setup(t, npcb);
	ltcp_apply_opts(t);
	/* counted against the backlog until accept() takes it */
	tcp_backlog_delayed(npcb);
	if (l->aqt == NULL)
		l->aqh = t;
	else
		l->aqt->next = t;
	l->aqt = t;
	l->aqn++;
	lsock_wake(&l->s);
	return ERR_OK;
}

/* ---- operations ---- */

static int
t_bind(struct lsock *s, const struct lx_sockaddr *sa, unsigned len)
{
	struct tsock *t = (struct tsock *)s;
	ip_addr_t ip;
	u16_t port;
	int rv;

	if ((rv = lnet_from_lx(s, sa, len, &ip, &port)) != 0)
		return rv;
	if (t->pcb == NULL || t->state != T_NEW || t->pcb->local_port != 0)
		return -LX_EINVAL;
	if ((rv = lnet_is_local(&ip)) != 0)
		return rv;
	if (s->reuseaddr || s->reuseport)
		ip_set_option(t->pcb, SOF_REUSEADDR);
	return lnet_err(tcp_bind(t->pcb, &ip, port));
}

static int
t_connect(struct lsock *s, const struct lx_sockaddr *sa, unsigned len)
{
	struct tsock *t = (struct tsock *)s;
	ip_addr_t ip;
	u16_t port;
	int rv;

	switch (t->state) {
	case T_CONNECTING:	return -LX_EALREADY;
	case T_CONNECTED:	return -LX_EISCONN;
	case T_LISTEN:		return -LX_EINVAL;
	case T_FAILED:
		rv = -t->s.error;
		t->s.error = 0;
		return rv != 0 ? rv : -LX_ECONNABORTED;
	}
	if ((rv = lnet_from_lx(s, sa, len, &ip, &port)) != 0)
		return rv;
	if (port == 0 || ip_addr_isany(&ip))
		return -LX_ECONNREFUSED;
	if (t->pcb == NULL)
		return -LX_EINVAL;
	ltcp_apply_opts(t);
	ip_addr_copy(t->peer, ip);
	t->peer_port = port;
	if ((rv = lnet_err(tcp_connect(t->pcb, &ip, port, t_connected))) != 0)
		return rv;
	t->state = T_CONNECTING;
	return -LX_EINPROGRESS;
}

static int
t_listen(struct lsock *s, int backlog)
{
	struct tsock *t = (struct tsock *)s;
	struct tcp_pcb *l;
	err_t err;

	if (backlog < 1)
		backlog = 1;
	if (backlog > 255)
		backlog = 255;
	if (t->state == T_LISTEN) {
		tcp_backlog_set(t->pcb, (u8_t)backlog);
		return 0;
	}
	if (t->state != T_NEW || t->pcb == NULL)
		return -LX_EINVAL;
	if (t->pcb->local_port == 0) {
		if (s->reuseaddr || s->reuseport)
			ip_set_option(t->pcb, SOF_REUSEADDR);
		if ((err = tcp_bind(t->pcb, &t->pcb->local_ip, 0)) != ERR_OK)
			return lnet_err(err);
	}
	l = tcp_listen_with_backlog_and_err(t->pcb, (u8_t)backlog, &err);
	if (l == NULL)
		return err == ERR_USE ? -LX_EADDRINUSE : -LX_ENOBUFS;
	t->pcb = l;			/* the old PCB is freed */
	t->state = T_LISTEN;
	tcp_arg(l, t);
	tcp_accept(l, t_accept);
	return 0;
}

static int
t_accept_op(struct lsock *s, struct lsock **newp,
    struct lx_sockaddr_storage *ss, unsigned *len)
{
	struct tsock *l = (struct tsock *)s, *t;

	if (l->state != T_LISTEN)
		return -LX_EINVAL;
	if ((t = l->aqh) == NULL)
		return -LX_EAGAIN;
	if ((l->aqh = t->next) == NULL)
		l->aqt = NULL;
	l->aqn--;
	t->next = NULL;
	if (t->pcb != NULL)
		tcp_backlog_accepted(t->pcb);
	*len = (unsigned)lnet_to_lx(s, &t->peer, t->peer_port, ss);
	*newp = &t->s;
	return 0;
}

static long
t_sendmsg(struct lsock *s, const struct lx_msghdr *m, int flags)
{
	struct tsock *t = (struct tsock *)s;
	size_t i, off, c, total = 0, room;
	u8_t wf;
	err_t err;
	int rv;

	if (t->s.error != 0 && t->pcb == NULL) {
		rv = -t->s.error;
		t->s.error = 0;
		return rv;
	}
	if (t->state == T_CONNECTING)
		return -LX_EAGAIN;
	if (t->state != T_CONNECTED)
		return t->state == T_FAILED ? -LX_EPIPE : -LX_ENOTCONN;
	if (t->pcb == NULL || s->shut_wr)
		return -LX_EPIPE;
	room = tcp_sndbuf(t->pcb);
	for (i = 0; i < m->msg_iovlen && room > 0; i++) {
		const char *b = m->msg_iov[i].iov_base;
		for (off = 0; off < m->msg_iov[i].iov_len && room > 0;
		    off += c) {
			c = m->msg_iov[i].iov_len - off;
			if (c > room)
				c = room;
			if (c > 0xffff)
				c = 0xffff;
			wf = TCP_WRITE_FLAG_COPY;
			if (c < m->msg_iov[i].iov_len - off ||
			    i + 1 < m->msg_iovlen || (flags & LX_MSG_MORE))
				wf |= TCP_WRITE_FLAG_MORE;
			err = tcp_write(t->pcb, b + off, (u16_t)c, wf);
			if (err != ERR_OK) {
				t->wblocked = 1;
				room = 0;
				break;
			}
			total += c;
			room -= c;
		}
	}
	/* TCP_CORK and MSG_MORE hold what is queued: lwIP's timer sends it
	 * within a tick unless more arrives (Linux waits 200 ms) */
	if ((!(flags & LX_MSG_MORE) && !t->cork) || total == 0)
		tcp_output(t->pcb);
	if (total == 0) {
		long want = lx_iov_total(m->msg_iov, m->msg_iovlen);
		return want == 0 ? 0 : -LX_EAGAIN;
	}
	return (long)total;
}

static long
t_recvmsg(struct lsock *s, struct lx_msghdr *m, int flags)
{
	struct tsock *t = (struct tsock *)s;
	struct pbuf *q;
	size_t want, done = 0, off, c;
	int rv;

	if (t->state == T_LISTEN || t->state == T_NEW ||
	    t->state == T_CONNECTING)
		return -LX_ENOTCONN;
	if (s->shut_rd)
		return 0;
	if (t->rxbytes == 0) {
		if (t->s.error != 0) {
			rv = -t->s.error;
			t->s.error = 0;
			return rv;
		}
		return t->eof || t->pcb == NULL ? 0 : -LX_EAGAIN;
	}
	want = (size_t)lx_iov_total(m->msg_iov, m->msg_iovlen);
	off = t->rxoff;
	for (q = t->rxh; q != NULL && done < want; q = q->next) {
		c = q->len - off;
		if (c > want - done)
			c = want - done;
		lx_iov_from(m->msg_iov, m->msg_iovlen, done,
		    (char *)q->payload + off, c);
		done += c;
		off = 0;
	}
	m->msg_namelen = 0;		/* streams give no address (Linux) */
	if (flags & LX_MSG_PEEK)
		return (long)done;
	/* consume: free whole pbufs, open the window by what was read */
	t->rxbytes -= done;
	c = done;
	while (c > 0) {
		q = t->rxh;
		if (c < q->len - t->rxoff) {
			t->rxoff += c;
			break;
		}
		c -= q->len - t->rxoff;
		t->rxoff = 0;
		t->rxh = q->next;
		q->next = NULL;
		q->tot_len = q->len;
		pbuf_free(q);
	}
	/* zero-length pbufs left at the head go too */
	while (t->rxh != NULL && t->rxh->len == t->rxoff && t->rxbytes > 0) {
		q = t->rxh;
		t->rxh = q->next;
		t->rxoff = 0;
		q->next = NULL;
		q->tot_len = q->len;
		pbuf_free(q);
	}
	if (t->rxh == NULL) {
		t->rxt = NULL;
		t->rxoff = 0;
	}
	recved(t->pcb, done);
	return (long)done;
}

static int
t_shutdown(struct lsock *s, int how)
{
	struct tsock *t = (struct tsock *)s;
	size_t n;

	if (t->state == T_LISTEN && how != LX_SHUT_WR) {
		s->shut_rd = 1;
		return 0;
	}
	if (t->state != T_CONNECTED)
		return -LX_ENOTCONN;
	if (how != LX_SHUT_WR && !s->shut_rd) {
		s->shut_rd = 1;
		n = t->rxbytes;
		rx_drop_all(t);
		recved(t->pcb, n);
	}
	if (how != LX_SHUT_RD && !s->shut_wr) {
		s->shut_wr = 1;
		if (t->pcb != NULL)
			(void)tcp_shutdown(t->pcb, 0, 1);
	}
	return 0;
}

static int
t_name(struct lsock *s, struct lx_sockaddr_storage *ss, int peer)
{
	struct tsock *t = (struct tsock *)s;
	ip_addr_t any;

	if (peer) {
		if (t->state != T_CONNECTED)
			return -LX_ENOTCONN;
		return lnet_to_lx(s, &t->peer, t->peer_port, ss);
	}
	if (t->pcb == NULL) {
		ip_addr_set_zero(&any);
		return lnet_to_lx(s, &any, 0, ss);
	}
	return lnet_to_lx(s, &t->pcb->local_ip, t->pcb->local_port, ss);
}

static int
t_poll(struct lsock *s)
{
	struct tsock *t = (struct tsock *)s;
	int m = 0;

	if (s->error != 0)
		m |= LX_POLLERR;
	switch (t->state) {
	case T_LISTEN:
		return m | (t->aqn > 0 ? LX_POLLIN | LX_POLLRDNORM : 0);
	case T_NEW:
		return m | LX_POLLOUT | LX_POLLWRNORM | LX_POLLHUP;
	case T_CONNECTING:
		return m;
	case T_FAILED:
		return m | LX_POLLOUT | LX_POLLWRNORM | LX_POLLHUP;
	}
	if (t->rxbytes > 0 || t->eof || s->shut_rd || t->pcb == NULL)
		m |= LX_POLLIN | LX_POLLRDNORM;
	if (t->eof || t->pcb == NULL)
		m |= LX_POLLRDHUP;
	if (t->pcb == NULL || (t->eof && s->shut_wr))
		m |= LX_POLLHUP;
	if (t->pcb == NULL || (!s->shut_wr && writable(t)))
		m |= LX_POLLOUT | LX_POLLWRNORM;
	return m;
}

static void
t_free(struct tsock *t)
{

	rx_drop_all(t);
	lsock_fini(&t->s);
	lnet_mem_free(t);
}

static void
t_close(struct lsock *s)
{
	struct tsock *t = (struct tsock *)s, *c;
	struct tcp_pcb *pcb = t->pcb;

	if (t->state == T_LISTEN) {
		while ((c = t->aqh) != NULL) {
			t->aqh = c->next;
			c->s.linger_on = 1;	/* never accepted: reset */
			c->s.linger = 0;
			t_close(&c->s);
		}
		if (pcb != NULL) {
			tcp_arg(pcb, NULL);
			tcp_accept(pcb, NULL);
			tcp_close(pcb);
		}
		t_free(t);
		return;
	}
	if (pcb != NULL) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		if (s->linger_on && s->linger == 0)
			tcp_abort(pcb);
		else if (t->state != T_CONNECTED && t->state != T_CONNECTING)
			tcp_close(pcb);		/* never fails before SYN */
		else if (t->rxbytes > 0 && !s->shut_rd)
			tcp_abort(pcb);		/* unread data: RST, as Linux */
		else if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);		/* no memory for the FIN */
	}
	t_free(t);
}

static const struct lsock_ops tcp_ops = {
	.bind = t_bind,
	.connect = t_connect,
	.listen = t_listen,
	.accept = t_accept_op,
	.sendmsg = t_sendmsg,
	.recvmsg = t_recvmsg,
	.shutdown = t_shutdown,
	.name = t_name,
	.setopt = ltcp_setopt,
	.getopt = ltcp_getopt,
	.ioctl = ltcp_ioctl,
	.poll = t_poll,
	.close = t_close,
};

int
ltcp_new(int domain, struct lsock **out)
{
	struct tsock *t;

	if ((t = tsock_alloc(domain)) == NULL)
		return -LX_ENOBUFS;
	t->pcb = tcp_new_ip_type(lnet_pcbtype(&t->s));
	if (t->pcb == NULL) {
		t_free(t);
		return -LX_ENOBUFS;
	}
	t_setup(t, t->pcb);
	*out = &t->s;
	return 0;
}
