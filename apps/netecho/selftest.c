/*
 * selftest.c -- the socket module's semantics checked over loopback
 * (127.0.0.1, ::1, AF_UNIX) inside the guest: results are printed as
 * "selftest: N passed, N failed" and failures name the check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/core.h>

#include "netecho.h"

static int npass, nfail;

#define CHECK(what, cond) do {						\
	if (cond)							\
		npass++;						\
	else {								\
		nfail++;						\
		td_printf("selftest: FAIL %s (line %d)\n", what, __LINE__);\
	}								\
} while (0)

static const uint8_t lo6[16] = { [15] = 1 };

long
xsend(struct lsock *s, const void *b, size_t len, int flags)
{
	struct lx_iovec iov = { (void *)(uintptr_t)b, len };
	struct lx_msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	return lsock_sendmsg(s, (void *)&m, flags);
}

long
xrecv(struct lsock *s, void *b, size_t len, int flags)
{
	struct lx_iovec iov = { b, len };
	struct lx_msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	return lsock_recvmsg(s, (void *)&m, flags);
}

long
xsendto(struct lsock *s, const void *b, size_t len, const void *sa,
    unsigned salen)
{
	struct lx_iovec iov = { (void *)(uintptr_t)b, len };
	struct lx_msghdr m = { .msg_name = (void *)(uintptr_t)sa,
	    .msg_namelen = salen, .msg_iov = &iov, .msg_iovlen = 1 };

	return lsock_sendmsg(s, (void *)&m, 0);
}

long
xrecvfrom(struct lsock *s, void *b, size_t len, void *sa, unsigned *salen)
{
	struct lx_iovec iov = { b, len };
	struct lx_msghdr m = { .msg_name = sa, .msg_namelen = *salen,
	    .msg_iov = &iov, .msg_iovlen = 1 };
	long n;

	n = lsock_recvmsg(s, (void *)&m, 0);
	*salen = m.msg_namelen;
	return n;
}

void
sin4(struct lx_sockaddr_in *sa, const char *dotted, int port)
{
	unsigned a[4] = { 0, 0, 0, 0 }, i = 0;
	const char *p;

	for (p = dotted; *p != '\0' && i < 4; p++) {
		if (*p == '.')
			i++;
		else if (*p >= '0' && *p <= '9')
			a[i] = a[i] * 10 + (unsigned)(*p - '0');
	}
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = LX_AF_INET;
	sa->sin_port = (uint16_t)((port >> 8 & 0xff) | (port & 0xff) << 8);
	sa->sin_addr = a[0] | a[1] << 8 | a[2] << 16 | a[3] << 24;
}

void
sin6any(struct lx_sockaddr_in6 *sa, const uint8_t *a16, int port)
{

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = LX_AF_INET6;
	sa->sin6_port = (uint16_t)((port >> 8 & 0xff) | (port & 0xff) << 8);
	memcpy(sa->sin6_addr, a16, 16);
}

int
waitfor(struct lsock *s, int mask, int ms)
{
	int m, i;

	for (i = 0; i <= ms; i++) {
		if ((m = lsock_poll(s)) & mask)
			return m;
		td_sleep_ns(1000 * 1000);
	}
	return 0;
}

/* A connected TCP pair over loopback: client *c, accepted *a. */
static int
tcp_pair(int fam, int port, struct lsock **c, struct lsock **a,
    struct lsock **l)
{
	struct lx_sockaddr_storage ss;
	unsigned sl;
	int rv;

	if (fam == LX_AF_INET)
		sin4((void *)&ss, "127.0.0.1", port), sl = 16;
	else
		sin6any((void *)&ss, lo6, port), sl = 28;
	if (lsock_socket(fam, LX_SOCK_STREAM, 0, l) != 0 ||
	    lsock_bind(*l, (void *)&ss, sl) != 0 || lsock_listen(*l, 4) != 0)
		return -1;
	if (lsock_socket(fam, LX_SOCK_STREAM, 0, c) != 0)
		return -2;
	rv = lsock_connect(*c, (void *)&ss, sl);
	if (rv != -LX_EINPROGRESS && rv != 0)
		return -3;
	if (!(waitfor(*c, LX_POLLOUT, 2000) & LX_POLLOUT) ||
	    !(waitfor(*l, LX_POLLIN, 2000) & LX_POLLIN))
		return -4;
	return lsock_accept(*l, a, NULL, NULL);
}

/* Moves len bytes from s to r, checking the pattern; returns bytes. */
static size_t
pump(struct lsock *s, struct lsock *r, size_t len)
{
	static unsigned char b[32768], q[32768];
	size_t sent = 0, got = 0, i;
	long n;
	int idle = 0;

	while (got < len && idle < 2000) {
		for (i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)((sent + i) * 7);
		n = sent < len ? xsend(s, b, len - sent < sizeof(b) ?
		    len - sent : sizeof(b), 0) : -LX_EAGAIN;
		if (n > 0)
			sent += (size_t)n;
		n = xrecv(r, q, sizeof(q), 0);
		if (n > 0) {
			for (i = 0; i < (size_t)n; i++)
				if (q[i] != (unsigned char)((got + i) * 7))
					return got + i;
			got += (size_t)n;
			idle = 0;
		} else {
			idle++;
			td_sleep_ns(1000 * 1000);
		}
	}
	return got;
}

static void
t_tcp(int fam)
{
	struct lsock *c, *a, *l;
	struct lx_sockaddr_storage ss;
	char buf[64];
	unsigned sl;
	int v, port = fam == LX_AF_INET ? 5555 : 5556;
	long n;

	CHECK("tcp pair", tcp_pair(fam, port, &c, &a, &l) == 0);
	CHECK("tcp 1 MB through loopback", pump(c, a, 1 << 20) == 1 << 20);
	CHECK("tcp 1 MB back", pump(a, c, 1 << 20) == 1 << 20);
	sl = sizeof(ss);
	CHECK("getpeername", lsock_getpeername(a, (void *)&ss, &sl) == 0 &&
	    ss.ss_family == fam && sl == (fam == LX_AF_INET ? 16u : 28u));
	sl = sizeof(ss);
	CHECK("getsockname port", lsock_getsockname(l, (void *)&ss, &sl) == 0
	    && ((struct lx_sockaddr_in *)&ss)->sin_port ==
	    (uint16_t)((port >> 8) | (port & 0xff) << 8));
	CHECK("send", xsend(c, "peekaboo", 8, 0) == 8);
	waitfor(a, LX_POLLIN, 1000);
	CHECK("FIONREAD", lsock_ioctl(a, LX_FIONREAD, &v) == 0 && v == 8);
	CHECK("MSG_PEEK", xrecv(a, buf, 4, LX_MSG_PEEK) == 4 &&
	    memcmp(buf, "peek", 4) == 0);
	CHECK("recv after peek", xrecv(a, buf, sizeof(buf), 0) == 8 &&
	    memcmp(buf, "peekaboo", 8) == 0);
	CHECK("nothing more: EAGAIN", xrecv(a, buf, 8, 0) == -LX_EAGAIN);
	CHECK("shutdown(WR)", lsock_shutdown(c, LX_SHUT_WR) == 0);
	CHECK("peer sees EOF + RDHUP",
	    (waitfor(a, LX_POLLRDHUP, 1000) & LX_POLLIN) &&
	    xrecv(a, buf, 8, 0) == 0);
	CHECK("send after SHUT_WR: EPIPE", xsend(c, "x", 1, 0) == -LX_EPIPE);
	CHECK("half-closed peer still sends", xsend(a, "back", 4, 0) == 4 &&
	    waitfor(c, LX_POLLIN, 1000) && xrecv(c, buf, 8, 0) == 4);
	lsock_close(a);
	CHECK("close -> EOF", waitfor(c, LX_POLLHUP, 1000) &&
	    xrecv(c, buf, 8, 0) == 0);
	lsock_close(c);
	lsock_close(l);

	/* reset: SO_LINGER {1, 0} */
	CHECK("tcp pair 2", tcp_pair(fam, port + 10, &c, &a, &l) == 0 ||
	    (l = NULL, 0));
	if (l != NULL) {
		struct lx_linger lg = { 1, 0 };
		CHECK("SO_LINGER", lsock_setsockopt(a, LX_SOL_SOCKET,
		    LX_SO_LINGER, &lg, sizeof(lg)) == 0);
		lsock_close(a);
		waitfor(c, LX_POLLERR, 1000);
		n = xrecv(c, buf, 8, 0);
		CHECK("RST -> ECONNRESET", n == -LX_ECONNRESET);
		CHECK("then EPIPE", xsend(c, "x", 1, 0) == -LX_EPIPE);
		lsock_close(c);
		lsock_close(l);
	}
}

static void
t_errors(void)
{
	struct lsock *s, *t;
	struct lx_sockaddr_in sa;
	unsigned sl = sizeof(int);
	int v = 0, rv;
	char b[4];

	CHECK("bad type", lsock_socket(LX_AF_INET, 99, 0, &s) ==
	    -LX_ESOCKTNOSUPPORT);
	CHECK("bad family", lsock_socket(12345, LX_SOCK_STREAM, 0, &s) ==
	    -LX_EAFNOSUPPORT);
	CHECK("bad protocol", lsock_socket(LX_AF_INET, LX_SOCK_STREAM,
	    LX_IPPROTO_UDP, &s) == -LX_EPROTONOSUPPORT);
	lsock_socket(LX_AF_INET, LX_SOCK_STREAM, 0, &s);
	sin4(&sa, "127.0.0.1", 1);
	rv = lsock_connect(s, (void *)&sa, sizeof(sa));
	CHECK("connect: EINPROGRESS", rv == -LX_EINPROGRESS);
	CHECK("refused: POLLERR", waitfor(s, LX_POLLERR, 2000) & LX_POLLOUT);
	CHECK("SO_ERROR = ECONNREFUSED", lsock_getsockopt(s, LX_SOL_SOCKET,
	    LX_SO_ERROR, &v, &sl) == 0 && v == LX_ECONNREFUSED);
	lsock_close(s);
	lsock_socket(LX_AF_INET, LX_SOCK_STREAM, 0, &s);
	CHECK("getpeername: ENOTCONN", lsock_getpeername(s, (void *)&sa, &sl)
	    == -LX_ENOTCONN);
	CHECK("recv unconnected: ENOTCONN", xrecv(s, b, 4, 0) ==
	    -LX_ENOTCONN);
	CHECK("accept not listening: EINVAL", lsock_accept(s, &t, NULL, NULL)
	    == -LX_EINVAL);
	CHECK("unknown option: ENOPROTOOPT", lsock_setsockopt(s, 6, 999, &v,
	    sizeof(v)) == -LX_ENOPROTOOPT);
	sin4(&sa, "192.0.2.99", 0);
	CHECK("bind foreign address: EADDRNOTAVAIL", lsock_bind(s,
	    (void *)&sa, sizeof(sa)) == -LX_EADDRNOTAVAIL);
	sin4(&sa, "127.0.0.1", 6000);
	CHECK("bind", lsock_bind(s, (void *)&sa, sizeof(sa)) == 0);
	lsock_socket(LX_AF_INET, LX_SOCK_STREAM, 0, &t);
	CHECK("bind twice: EADDRINUSE", lsock_bind(t, (void *)&sa,
	    sizeof(sa)) == -LX_EADDRINUSE);
	v = 1;
	CHECK("TCP_NODELAY", lsock_setsockopt(t, LX_IPPROTO_TCP,
	    LX_TCP_NODELAY, &v, sizeof(v)) == 0 && (v = 0,
	    lsock_getsockopt(t, LX_IPPROTO_TCP, LX_TCP_NODELAY, &v, &sl) == 0)
	    && v == 1);
	v = 1000;
	sl = sizeof(v);
	CHECK("SO_RCVBUF doubles", lsock_setsockopt(t, LX_SOL_SOCKET,
	    LX_SO_RCVBUF, &v, sizeof(v)) == 0 && lsock_getsockopt(t,
	    LX_SOL_SOCKET, LX_SO_RCVBUF, &v, &sl) == 0 && v == 4608);
	CHECK("SO_TYPE", lsock_getsockopt(t, LX_SOL_SOCKET, LX_SO_TYPE, &v,
	    &sl) == 0 && v == LX_SOCK_STREAM);
	v = 30;
	CHECK("TCP_KEEPIDLE", lsock_setsockopt(t, LX_IPPROTO_TCP,
	    LX_TCP_KEEPIDLE, &v, sizeof(v)) == 0);
	lsock_listen(s, 1);
	CHECK("SO_ACCEPTCONN", lsock_getsockopt(s, LX_SOL_SOCKET,
	    LX_SO_ACCEPTCONN, &v, &sl) == 0 && v == 1);
	lsock_close(s);
	lsock_close(t);
}

static void
t_udp(int fam)
{
	struct lsock *a, *b;
	struct lx_sockaddr_storage sa, from;
	unsigned sl = fam == LX_AF_INET ? 16 : 28, fl;
	char buf[2000];
	int v;

	if (fam == LX_AF_INET)
		sin4((void *)&sa, "127.0.0.1", 7070);
	else
		sin6any((void *)&sa, lo6, 7071);
	CHECK("udp sockets", lsock_socket(fam, LX_SOCK_DGRAM, 0, &a) == 0 &&
	    lsock_socket(fam, LX_SOCK_DGRAM, 0, &b) == 0);
	CHECK("udp bind", lsock_bind(a, (void *)&sa, sl) == 0);
	CHECK("udp no dest: EDESTADDRREQ", xsend(b, "x", 1, 0) ==
	    -LX_EDESTADDRREQ);
	CHECK("udp sendto", xsendto(b, "datagram", 8, &sa, sl) == 8);
	CHECK("udp POLLIN", waitfor(a, LX_POLLIN, 1000));
	CHECK("udp FIONREAD", lsock_ioctl(a, LX_FIONREAD, &v) == 0 && v == 8);
	fl = sizeof(from);
	CHECK("udp recvfrom", xrecvfrom(a, buf, sizeof(buf), &from, &fl) == 8
	    && memcmp(buf, "datagram", 8) == 0 && from.ss_family == fam);
	CHECK("udp reply to sender", xsendto(a, "pong", 4, &from, fl) == 4 &&
	    waitfor(b, LX_POLLIN, 1000) && xrecv(b, buf, 10, 0) == 4);
	memset(buf, 'z', 1400);
	CHECK("udp big", xsendto(b, buf, 1400, &sa, sl) == 1400);
	waitfor(a, LX_POLLIN, 1000);
	{
		struct lx_iovec iov = { buf, 100 };
		struct lx_msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		CHECK("udp MSG_TRUNC", lsock_recvmsg(a, (void *)&m,
		    LX_MSG_TRUNC) == 1400 && (m.msg_flags & LX_MSG_TRUNC));
	}
	CHECK("udp connect", lsock_connect(b, (void *)&sa, sl) == 0 &&
	    xsend(b, "c", 1, 0) == 1 && waitfor(a, LX_POLLIN, 1000) &&
	    xrecv(a, buf, 10, 0) == 1);
	lsock_close(a);
	lsock_close(b);
}

static void
t_dualstack(void)
{
	struct lsock *l, *c, *a;
	struct lx_sockaddr_in6 s6;
	struct lx_sockaddr_in s4;
	struct lx_sockaddr_storage ss;
	static const uint8_t any[16];
	unsigned sl = sizeof(ss);

	lsock_socket(LX_AF_INET6, LX_SOCK_STREAM, 0, &l);
	sin6any(&s6, any, 5600);
	CHECK("v6 any bind", lsock_bind(l, (void *)&s6, sizeof(s6)) == 0 &&
	    lsock_listen(l, 8) == 0);
	lsock_socket(LX_AF_INET, LX_SOCK_STREAM, 0, &c);
	sin4(&s4, "127.0.0.1", 5600);
	lsock_connect(c, (void *)&s4, sizeof(s4));
	CHECK("v4 client reaches v6 listener", waitfor(l, LX_POLLIN, 2000) &&
	    lsock_accept(l, &a, (void *)&ss, &sl) == 0);
	CHECK("peer is v4-mapped", sl == 28 && ss.ss_family == LX_AF_INET6 &&
	    ((struct lx_sockaddr_in6 *)&ss)->sin6_addr[10] == 0xff &&
	    ((struct lx_sockaddr_in6 *)&ss)->sin6_addr[12] == 127);
	lsock_close(a);
	lsock_close(c);
	lsock_close(l);
}

/* A v6-only socket leaves the port's IPv4 side free; a dual-stack UDP
 * socket talks to IPv4 peers through v4-mapped addresses. */
static void
t_v6only(void)
{
	struct lsock *a, *b, *u, *v;
	struct lx_sockaddr_in6 s6, from;
	struct lx_sockaddr_in s4;
	static const uint8_t any[16];
	unsigned fl = sizeof(from);
	int one = 1, val;
	char buf[16];

	lsock_socket(LX_AF_INET6, LX_SOCK_STREAM, 0, &a);
	lsock_socket(LX_AF_INET, LX_SOCK_STREAM, 0, &b);
	CHECK("IPV6_V6ONLY set", lsock_setsockopt(a, LX_IPPROTO_IPV6,
	    LX_IPV6_V6ONLY, &one, sizeof(one)) == 0);
	sin6any(&s6, any, 5700);
	sin4(&s4, "0.0.0.0", 5700);
	CHECK("v6only bind", lsock_bind(a, (void *)&s6, sizeof(s6)) == 0);
	CHECK("v4 bind of the same port", lsock_bind(b, (void *)&s4,
	    sizeof(s4)) == 0);
	lsock_close(a);
	lsock_close(b);

	lsock_socket(LX_AF_INET6, LX_SOCK_DGRAM, 0, &u);
	lsock_socket(LX_AF_INET, LX_SOCK_DGRAM, 0, &v);
	sin6any(&s6, any, 5701);
	lsock_bind(u, (void *)&s6, sizeof(s6));
	sin4(&s4, "127.0.0.1", 5701);
	CHECK("v4 datagram to a dual-stack socket", xsendto(v, "m", 1, &s4,
	    sizeof(s4)) == 1 && waitfor(u, LX_POLLIN, 1000) &&
	    xrecvfrom(u, buf, sizeof(buf), &from, &fl) == 1 && fl == 28 &&
	    from.sin6_addr[10] == 0xff && from.sin6_addr[12] == 127);
	CHECK("reply to the v4-mapped sender", xsendto(u, "r", 1, &from, fl)
	    == 1 && waitfor(v, LX_POLLIN, 1000) && xrecv(v, buf, 16, 0) == 1);
	fl = sizeof(int);
	CHECK("SIOCOUTQ on udp", lsock_ioctl(u, LX_SIOCOUTQ, &val) == 0);
	CHECK("unknown ioctl: ENOTTY", lsock_ioctl(u, 0x1234, &val) == -25);
	lsock_close(u);
	lsock_close(v);
}

static void
t_unix(void)
{
	struct lsock *p[2], *l, *c, *a, *d1, *d2;
	struct lx_sockaddr_un un;
	char buf[64];
	unsigned fl;
	int i;

	CHECK("socketpair", lsock_socketpair(LX_AF_UNIX, LX_SOCK_STREAM, 0, p)
	    == 0);
	CHECK("pair send/recv", xsend(p[0], "hello", 5, 0) == 5 &&
	    (lsock_poll(p[1]) & LX_POLLIN) && xrecv(p[1], buf, 64, 0) == 5);
	CHECK("pair 1 MB", pump(p[0], p[1], 1 << 20) == 1 << 20);
	for (i = 0; xsend(p[0], buf, sizeof(buf), 0) > 0 && i < 100000; i++)
		;
	CHECK("pair full: EAGAIN, no POLLOUT", i < 100000 &&
	    !(lsock_poll(p[0]) & LX_POLLOUT));
	lsock_close(p[1]);
	CHECK("peer closed: EPIPE", xsend(p[0], "x", 1, 0) == -LX_EPIPE &&
	    (lsock_poll(p[0]) & LX_POLLHUP));
	lsock_close(p[0]);

	memset(&un, 0, sizeof(un));
	un.sun_family = LX_AF_UNIX;
	strcpy(un.sun_path, "/tmp/tandem.sock");
	lsock_socket(LX_AF_UNIX, LX_SOCK_STREAM, 0, &c);
	CHECK("unix connect nowhere: ENOENT", lsock_connect(c, (void *)&un,
	    sizeof(un)) == -LX_ENOENT);
	lsock_socket(LX_AF_UNIX, LX_SOCK_STREAM, 0, &l);
	CHECK("unix bind+listen", lsock_bind(l, (void *)&un, sizeof(un)) == 0
	    && lsock_listen(l, 2) == 0);
	lsock_socket(LX_AF_UNIX, LX_SOCK_STREAM, 0, &a);
	CHECK("unix bind twice: EADDRINUSE", lsock_bind(a, (void *)&un,
	    sizeof(un)) == -LX_EADDRINUSE);
	lsock_close(a);
	CHECK("unix connect", lsock_connect(c, (void *)&un, sizeof(un)) == 0);
	CHECK("unix accept", lsock_accept(l, &a, NULL, NULL) == 0 &&
	    xsend(c, "ab", 2, 0) == 2 && xrecv(a, buf, 64, 0) == 2);
	lsock_shutdown(c, LX_SHUT_WR);
	CHECK("unix SHUT_WR -> EOF", xrecv(a, buf, 64, 0) == 0 &&
	    (lsock_poll(a) & LX_POLLRDHUP));
	lsock_close(a);
	lsock_close(c);
	lsock_close(l);

	/* datagrams: abstract names */
	memset(&un, 0, sizeof(un));
	un.sun_family = LX_AF_UNIX;
	memcpy(un.sun_path, "\0abs1", 5);
	lsock_socket(LX_AF_UNIX, LX_SOCK_DGRAM, 0, &d1);
	lsock_socket(LX_AF_UNIX, LX_SOCK_DGRAM, 0, &d2);
	CHECK("unix dgram bind abstract", lsock_bind(d1, (void *)&un, 7) == 0);
	CHECK("unix dgram sendto", xsendto(d2, "one", 3, &un, 7) == 3 &&
	    xsendto(d2, "three", 5, &un, 7) == 5);
	fl = sizeof(un);
	CHECK("unix dgram boundaries", xrecv(d1, buf, 64, 0) == 3 &&
	    xrecvfrom(d1, buf, 64, &un, &fl) == 5 && fl == 2);
	memset(&un, 0, sizeof(un));
	un.sun_family = LX_AF_UNIX;
	memcpy(un.sun_path, "\0abs1", 5);
	fl = sizeof(un);
	CHECK("unix getsockname (abstract)", lsock_getsockname(d1,
	    (void *)&un, &fl) == 0 && fl == 7 && un.sun_path[1] == 'a');
	CHECK("unix dgram connect + send", lsock_connect(d2, (void *)&un, 7)
	    == 0 && xsend(d2, "c", 1, 0) == 1 && xrecv(d1, buf, 64, 0) == 1);
	lsock_close(d1);
	CHECK("unix dgram peer gone: ECONNREFUSED", xsend(d2, "c", 1, 0) ==
	    -LX_ECONNREFUSED);
	lsock_close(d2);

	CHECK("dgram socketpair", lsock_socketpair(LX_AF_UNIX, LX_SOCK_DGRAM,
	    0, p) == 0 && xsend(p[0], "abc", 3, 0) == 3 &&
	    xsend(p[0], "de", 2, 0) == 2);
	{
		int v = 0;
		CHECK("unix FIONREAD: next datagram", lsock_ioctl(p[1],
		    LX_FIONREAD, &v) == 0 && v == 3);
	}
	CHECK("dgram pair keeps boundaries", xrecv(p[1], buf, 64, 0) == 3 &&
	    xrecv(p[1], buf, 64, 0) == 2 && xrecv(p[1], buf, 64, 0) ==
	    -LX_EAGAIN);
	lsock_close(p[0]);
	lsock_close(p[1]);
	CHECK("inet socketpair: EOPNOTSUPP", lsock_socketpair(LX_AF_INET,
	    LX_SOCK_STREAM, 0, p) == -LX_EOPNOTSUPP);
}

static unsigned
nsocks(void)
{
	struct lnet_stats st;

	lnet_stats(&st);
	return st.socks;
}

int
selftest(void)
{
	unsigned before = nsocks();

	t_tcp(LX_AF_INET);
	t_tcp(LX_AF_INET6);
	t_dualstack();
	t_errors();
	t_udp(LX_AF_INET);
	t_udp(LX_AF_INET6);
	t_v6only();
	t_unix();
	CHECK("every socket freed", nsocks() == before);
	td_printf("selftest: %d passed, %d failed\n", npass, nfail);
	return nfail;
}
