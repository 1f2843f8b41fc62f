/*
 * sock_unix.c -- AF_UNIX stream and datagram sockets inside the guest:
 * a name table in memory (path or abstract names; no file is created,
 * so no file system is needed), byte queues for streams, message queues
 * for datagrams.  Data is copied once, from the sender's iovec into a
 * queue chunk, and once out to the receiver.
 */
#include "sock_int.h"
#include "net_int.h"

#define UNIX_BUF	(256 * 1024)
#define CHUNK_MAX	(64 * 1024)

enum { U_NEW, U_LISTEN, U_CONNECTED };

struct umsg {
	struct umsg	*next;
	size_t		 len, off;
	unsigned	 fromlen;	/* datagrams: sender's name */
	struct lx_sockaddr_un from;
	char		 data[];
};

struct usk {
	struct lsock	 s;
	struct usk	*all;		/* every unix socket, for wakeups */
	int		 state;
	int		 was_connected;
	struct lx_sockaddr_un name;
	unsigned	 namelen;	/* 0: unbound */
	struct usk	*peer;		/* stream peer / dgram default */
	struct usk	*blocked_on;	/* a send found this one full */
	struct umsg	*qh, *qt;
	size_t		 qbytes;
	int		 backlog, aqn;
	struct usk	*aqh, *aqt, *anext;
};

static struct usk *all_usk;
static const struct lsock_ops unix_ops;

static struct usk *
usk_alloc(int type)
{
	struct usk *u;

	if ((u = lnet_mem_calloc(1, sizeof(*u))) == NULL)
		return NULL;
	lsock_init(&u->s, &unix_ops, LX_AF_UNIX, type, 0);
	u->s.rcvbuf = u->s.sndbuf = UNIX_BUF;
	u->all = all_usk;
	all_usk = u;
	return u;
}

/* The name in sa: its significant length (2 + bytes), or an errno. */
static int
parse_name(const struct lx_sockaddr *sa, unsigned len,
    struct lx_sockaddr_un *out)
{
	const struct lx_sockaddr_un *sun = (const void *)sa;
	unsigned n;

	if (sa->sa_family != LX_AF_UNIX)
		return -LX_EINVAL;
	if (len <= 2 || len > sizeof(*sun))
		return -LX_EINVAL;
	memset(out, 0, sizeof(*out));
	out->sun_family = LX_AF_UNIX;
	n = len - 2;
	if (sun->sun_path[0] != '\0') {		/* a path: up to its NUL */
		n = (unsigned)strnlen(sun->sun_path, n);
		if (n == LX_UNIX_PATH_MAX)
			return -LX_EINVAL;
	}
	memcpy(out->sun_path, sun->sun_path, n);
	return (int)(2 + n + (sun->sun_path[0] != '\0'));	/* + NUL */
}

static struct usk *
lookup(const struct lx_sockaddr_un *name, unsigned len, int type)
{
	struct usk *u;

	for (u = all_usk; u != NULL; u = u->all)
		if (u->namelen == len && u->s.type == type &&
		    memcmp(&u->name, name, len) == 0)
			return u;
	return NULL;
}

static int
name_taken(const struct lx_sockaddr_un *name, unsigned len)
{
	struct usk *u;

	for (u = all_usk; u != NULL; u = u->all)
		if (u->namelen == len && memcmp(&u->name, name, len) == 0)
			return 1;
	return 0;
}

static int
x_bind(struct lsock *s, const struct lx_sockaddr *sa, unsigned len)
{
	struct usk *u = (struct usk *)s;
	struct lx_sockaddr_un n;
	int l;

	if ((l = parse_name(sa, len, &n)) < 0)
		return l;
	if (u->namelen != 0)
		return -LX_EINVAL;
	if (name_taken(&n, (unsigned)l))
		return -LX_EADDRINUSE;
	u->name = n;
	u->namelen = (unsigned)l;
	return 0;
}

/* Who is waiting to send to u: wake them (u just made room). */
static void
wake_senders(struct usk *u)
{
	struct usk *v;

	for (v = all_usk; v != NULL; v = v->all)
		if (v->blocked_on == u || (v->peer == u &&
		    u->s.type == LX_SOCK_STREAM)) {
			v->blocked_on = NULL;
			lsock_wake(&v->s);
		}
}

static int
x_connect(struct lsock *s, const struct lx_sockaddr *sa, unsigned len)
{
	struct usk *u = (struct usk *)s, *l, *srv;
	struct lx_sockaddr_un n;
	int nl;

	if (s->type == LX_SOCK_DGRAM && sa->sa_family == LX_AF_UNSPEC) {
		u->peer = NULL;
		return 0;
	}
	if ((nl = parse_name(sa, len, &n)) < 0)
		return nl;
	if (u->state == U_CONNECTED && s->type == LX_SOCK_STREAM)
		return -LX_EISCONN;
	if (u->state == U_LISTEN)
		return -LX_EINVAL;
	l = lookup(&n, (unsigned)nl, s->type);
	if (l == NULL)
		return n.sun_path[0] != '\0' && !name_taken(&n, (unsigned)nl) ?
		    -LX_ENOENT : -LX_ECONNREFUSED;
	if (s->type == LX_SOCK_DGRAM) {
		u->peer = l;
		u->was_connected = 1;	/* its close: ECONNREFUSED */
		return 0;
	}
	if (l->state != U_LISTEN || l->s.shut_rd)
		return -LX_ECONNREFUSED;
	if (l->aqn >= l->backlog)
		return -LX_EAGAIN;
	if ((srv = usk_alloc(LX_SOCK_STREAM)) == NULL)
		return -LX_ENOBUFS;
	srv->name = l->name;
	srv->namelen = l->namelen;	/* accepted sockets share the name */
	srv->state = u->state = U_CONNECTED;
	srv->was_connected = u->was_connected = 1;
	srv->peer = u;
	u->peer = srv;
	if (l->aqt == NULL)
		l->aqh = srv;
	else
		l->aqt->anext = srv;
	l->aqt = srv;
	l->aqn++;
	lsock_wake(&l->s);
	return 0;
}

static int
x_listen(struct lsock *s, int backlog)
{
	struct usk *u = (struct usk *)s;

	if (u->namelen == 0 || (u->state != U_NEW && u->state != U_LISTEN))
		return -LX_EINVAL;
	u->state = U_LISTEN;
	u->backlog = backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog;
	return 0;
}

static int
x_accept(struct lsock *s, struct lsock **newp, struct lx_sockaddr_storage *ss,
    unsigned *len)
{
	struct usk *u = (struct usk *)s, *c;

	if (u->state != U_LISTEN)
		return -LX_EINVAL;
	if ((c = u->aqh) == NULL)
		return -LX_EAGAIN;
	if ((u->aqh = c->anext) == NULL)
		u->aqt = NULL;
	u->aqn--;
	c->anext = NULL;
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = LX_AF_UNIX;
	*len = 2;
	if (c->peer != NULL && c->peer->namelen != 0) {
		memcpy(ss, &c->peer->name, c->peer->namelen);
		*len = c->peer->namelen;
	}
	*newp = &c->s;
	return 0;
}

static void
enqueue(struct usk *d, struct umsg *m)
{

	m->next = NULL;
	if (d->qt == NULL)
		d->qh = m;
	else
		d->qt->next = m;
	d->qt = m;
	d->qbytes += m->len;
	lsock_wake(&d->s);
}

static long
x_sendmsg(struct lsock *s, const struct lx_msghdr *m, int flags)
{
	struct usk *u = (struct usk *)s, *d;
	struct lx_sockaddr_un n;
	struct umsg *msg;
	size_t total, room;
	int nl;

	total = (size_t)lx_iov_total(m->msg_iov, m->msg_iovlen);
	if (s->shut_wr)
		return -LX_EPIPE;
	if (s->type == LX_SOCK_STREAM) {
		if ((d = u->peer) == NULL)
			return u->was_connected ? -LX_EPIPE : -LX_ENOTCONN;
		if (d->s.shut_rd)
			return -LX_EPIPE;
		room = d->qbytes < (size_t)d->s.rcvbuf ?
		    (size_t)d->s.rcvbuf - d->qbytes : 0;
		if (total == 0)
			return 0;
		if (room == 0) {
			u->blocked_on = d;
			return -LX_EAGAIN;
		}
		if (total > room)
			total = room;
		if (total > CHUNK_MAX)
			total = CHUNK_MAX;
		if ((msg = lnet_mem_malloc(sizeof(*msg) + total)) == NULL)
			return -LX_ENOBUFS;
		msg->fromlen = 0;
	} else {
		if (m->msg_name != NULL && m->msg_namelen > 0) {
			nl = parse_name(m->msg_name, m->msg_namelen, &n);
			if (nl < 0)
				return nl;
			d = lookup(&n, (unsigned)nl, LX_SOCK_DGRAM);
			if (d == NULL)
				return n.sun_path[0] != '\0' ? -LX_ENOENT :
				    -LX_ECONNREFUSED;
		} else if ((d = u->peer) == NULL)
			return u->was_connected ? -LX_ECONNREFUSED :
			    -LX_ENOTCONN;
		if (total > (size_t)d->s.rcvbuf)
			return -LX_EMSGSIZE;
		if (d->s.shut_rd)
			return -LX_EPIPE;
		if (d->qbytes + total > (size_t)d->s.rcvbuf) {
			u->blocked_on = d;
			return -LX_EAGAIN;
		}
		if ((msg = lnet_mem_malloc(sizeof(*msg) + total)) == NULL)
			return -LX_ENOBUFS;
		msg->fromlen = u->namelen;
		msg->from = u->name;
	}
	msg->len = total;
	msg->off = 0;
	lx_iov_to(msg->data, m->msg_iov, m->msg_iovlen, 0, total);
	enqueue(d, msg);
	return (long)total;
}

static long
x_recvmsg(struct lsock *s, struct lx_msghdr *m, int flags)
{
	struct usk *u = (struct usk *)s;
	struct umsg *q;
	size_t want, done = 0, c;
	long full;

	if (s->type == LX_SOCK_STREAM && u->state != U_CONNECTED)
		return -LX_ENOTCONN;
	if (u->qh == NULL) {
		if (s->shut_rd)
			return 0;
		if (s->type == LX_SOCK_STREAM && (u->peer == NULL ||
		    u->peer->s.shut_wr))
			return 0;
		return -LX_EAGAIN;
	}
	want = (size_t)lx_iov_total(m->msg_iov, m->msg_iovlen);
	if (s->type == LX_SOCK_DGRAM) {
		q = u->qh;
		full = (long)q->len;
		done = q->len < want ? q->len : want;
		lx_iov_from(m->msg_iov, m->msg_iovlen, 0, q->data, done);
		if (q->len > want)
			m->msg_flags |= LX_MSG_TRUNC;
		if (m->msg_name != NULL) {
			struct lx_sockaddr_un a;
			memset(&a, 0, sizeof(a));
			a.sun_family = LX_AF_UNIX;
			if (q->fromlen != 0)
				a = q->from;
			lx_name_out(m->msg_name, &m->msg_namelen, &a,
			    q->fromlen != 0 ? q->fromlen : 2);
		}
		if (!(flags & LX_MSG_PEEK)) {
			if ((u->qh = q->next) == NULL)
				u->qt = NULL;
			u->qbytes -= q->len;
			lnet_mem_free(q);
			wake_senders(u);
		}
		return (flags & LX_MSG_TRUNC) ? full : (long)done;
	}
	for (q = u->qh; q != NULL && done < want; q = q->next) {
		c = q->len - q->off;
		if (c > want - done)
			c = want - done;
		lx_iov_from(m->msg_iov, m->msg_iovlen, done, q->data + q->off,
		    c);
		done += c;
	}
	if (m->msg_name != NULL)
		m->msg_namelen = 0;
	if (flags & LX_MSG_PEEK)
		return (long)done;
	c = done;
	u->qbytes -= done;
	while (c > 0) {
		q = u->qh;
		if (c < q->len - q->off) {
			q->off += c;
			break;
		}
		c -= q->len - q->off;
		if ((u->qh = q->next) == NULL)
			u->qt = NULL;
		lnet_mem_free(q);
	}
	wake_senders(u);
	return (long)done;
}

static int
x_shutdown(struct lsock *s, int how)
{
	struct usk *u = (struct usk *)s;

	if (u->state != U_CONNECTED && u->peer == NULL)
		return -LX_ENOTCONN;
	if (how != LX_SHUT_WR)
		s->shut_rd = 1;
	if (how != LX_SHUT_RD)
		s->shut_wr = 1;
	if (u->peer != NULL)
		lsock_wake(&u->peer->s);
	return 0;
}

static int
x_name(struct lsock *s, struct lx_sockaddr_storage *ss, int peer)
{
	struct usk *u = (struct usk *)s, *v = u;

	if (peer) {
		if ((v = u->peer) == NULL)
			return -LX_ENOTCONN;
	}
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = LX_AF_UNIX;
	if (v->namelen == 0)
		return 2;
	memcpy(ss, &v->name, v->namelen);
	return (int)v->namelen;
}

static int
x_setopt(struct lsock *s, int level, int name, const void *val, unsigned len)
{

	return -LX_ENOPROTOOPT;
}

static int
x_getopt(struct lsock *s, int level, int name, int *v)
{

	if (level == LX_SOL_SOCKET && name == LX_SO_ACCEPTCONN) {
		*v = ((struct usk *)s)->state == U_LISTEN;
		return 0;
	}
	return -LX_ENOPROTOOPT;
}

static int
x_ioctl(struct lsock *s, unsigned long req, void *arg)
{
	struct usk *u = (struct usk *)s;

	if (req != LX_FIONREAD)
		*(int *)arg = 0;
	else if (s->type == LX_SOCK_DGRAM)
		*(int *)arg = u->qh != NULL ? (int)u->qh->len : 0;
	else
		*(int *)arg = (int)u->qbytes;
	return 0;
}

static int
x_poll(struct lsock *s)
{
	struct usk *u = (struct usk *)s, *p = u->peer;
	int m = 0;

	if (s->type == LX_SOCK_DGRAM) {
		if (u->qh != NULL || s->shut_rd)
			m |= LX_POLLIN | LX_POLLRDNORM;
		if (p == NULL || p->qbytes < (size_t)p->s.rcvbuf)
			m |= LX_POLLOUT | LX_POLLWRNORM;
		return m;
	}
	if (u->state == U_LISTEN)
		return u->aqn > 0 ? LX_POLLIN | LX_POLLRDNORM : 0;
	if (u->state == U_NEW)
		return LX_POLLOUT | LX_POLLHUP;
	if (u->qh != NULL || s->shut_rd || p == NULL || p->s.shut_wr)
		m |= LX_POLLIN | LX_POLLRDNORM;
	if (p == NULL || p->s.shut_wr)
		m |= LX_POLLRDHUP;
	if (p == NULL || (s->shut_wr && p->s.shut_wr))
		m |= LX_POLLHUP;
	if (p == NULL || (!s->shut_wr && p->qbytes < (size_t)p->s.rcvbuf))
		m |= LX_POLLOUT | LX_POLLWRNORM;
	return m;
}

static void
x_close(struct lsock *s)
{
	struct usk *u = (struct usk *)s, *v, **pp, *c;
	struct umsg *q;

	while ((c = u->aqh) != NULL) {		/* never accepted */
		u->aqh = c->anext;
		x_close(&c->s);
	}
	for (pp = &all_usk; *pp != NULL; pp = &(*pp)->all)
		if (*pp == u) {
			*pp = u->all;
			break;
		}
	for (v = all_usk; v != NULL; v = v->all) {
		if (v->blocked_on == u)
			v->blocked_on = NULL;
		if (v->peer == u) {
			v->peer = NULL;
			lsock_wake(&v->s);
		}
	}
	while ((q = u->qh) != NULL) {
		u->qh = q->next;
		lnet_mem_free(q);
	}
	lsock_fini(s);
	lnet_mem_free(u);
}

static const struct lsock_ops unix_ops = {
	.bind = x_bind,
	.connect = x_connect,
	.listen = x_listen,
	.accept = x_accept,
	.sendmsg = x_sendmsg,
	.recvmsg = x_recvmsg,
	.shutdown = x_shutdown,
	.name = x_name,
	.setopt = x_setopt,
	.getopt = x_getopt,
	.ioctl = x_ioctl,
	.poll = x_poll,
	.close = x_close,
};

int
lunix_new(int type, struct lsock **out)
{
	struct usk *u;

	if ((u = usk_alloc(type)) == NULL)
		return -LX_ENOBUFS;
	*out = &u->s;
	return 0;
}

int
lunix_pair(int type, struct lsock *out[2])
{
	struct usk *a, *b;

	if ((a = usk_alloc(type)) == NULL)
		return -LX_ENOBUFS;
	if ((b = usk_alloc(type)) == NULL) {
		x_close(&a->s);
		return -LX_ENOBUFS;
	}
	a->peer = b;
	b->peer = a;
	a->state = b->state = U_CONNECTED;
	a->was_connected = b->was_connected = 1;
	out[0] = &a->s;
	out[1] = &b->s;
	return 0;
}
