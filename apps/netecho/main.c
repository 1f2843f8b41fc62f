/*
 * netecho -- a TCP/UDP echo appliance written against libos/net's socket
 * module (sock.h), event-driven through lsock_poll and wakeup callbacks:
 * the shape libos's poll/epoll will have.  Used by tests/net and bench.
 *
 *   netecho [port=7] [selftest=1]
 * TCP, one dual-stack (AF_INET6, V6ONLY off) listener per service:
 *   port     echo             port+2  discard (counts bytes)
 *   port+12  source (sends a byte pattern until the peer closes)
 *   port+1   control: one command per line --
 *     stats                 -> "stats mem=... socks=... active=... ..."
 *     ifconfig              -> addresses, "virt0 inet ...;dns ..."
 *     connect ADDR PORT     -> connects out, sends "hello tandem\n",
 *                              replies "connect ok N: <first line read>"
 *                              or "connect error E"
 *     quit                  -> the app exits 0
 * UDP echo on port (dual-stack).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/core.h>

#include "netecho.h"

enum { K_LISTEN, K_ECHO, K_DISCARD, K_SOURCE, K_CTL, K_OUT, K_UDP };

struct conn {
	struct lsock	*s;
	int		 kind, svc;	/* svc: kind of a listener's children */
	int		 dirty, closing;
	struct conn	*nextdirty;
	char		*pend;		/* bytes not yet sent */
	size_t		 plen, poff;
	unsigned long	 count;
	char		 line[256];	/* control / outbound */
	size_t		 llen;
	struct conn	*ctl;		/* outbound: who asked */
};

static struct td_thread *mainthr;
static struct conn *dirty;
static int quitting;
static char iobuf[65536];
static unsigned nconns;

static void
wake(void *arg)
{
	struct conn *c = arg;

	if (!c->dirty) {
		c->dirty = 1;
		c->nextdirty = dirty;
		dirty = c;
	}
	td_thread_wake(mainthr);
}

static struct conn *
conn_new(struct lsock *s, int kind)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->s = s;
	c->kind = kind;
	nconns++;
	lsock_set_wakeup(s, wake, c);
	wake(c);		/* look at it once */
	return c;
}

static void
conn_free(struct conn *c)
{

	lsock_close(c->s);
	c->closing = 1;		/* freed when popped off the dirty list */
	c->s = NULL;
	if (!c->dirty)
		wake(c);
	free(c->pend);
	c->pend = NULL;
	nconns--;
}

/* Sends what is pending; 1 when all of it went. */
static int
flush(struct conn *c)
{
	long n;

	while (c->poff < c->plen) {
		n = xsend(c->s, c->pend + c->poff, c->plen - c->poff,
		    LX_MSG_NOSIGNAL);
		if (n < 0)
			return n == -LX_EAGAIN ? 0 : -1;
		c->poff += (size_t)n;
	}
	free(c->pend);
	c->pend = NULL;
	c->plen = c->poff = 0;
	return 1;
}

static int
sendall(struct conn *c, const char *b, size_t len)
{
	long n = 0;

	if (c->plen == 0) {
		n = xsend(c->s, b, len, LX_MSG_NOSIGNAL);
		if (n < 0 && n != -LX_EAGAIN)
			return -1;
		if (n < 0)
			n = 0;
	}
	if ((size_t)n < len) {
		char *p = realloc(c->pend, c->plen + len - (size_t)n);
		if (p == NULL)
			return -1;
		memcpy(p + c->plen, b + n, len - (size_t)n);
		c->pend = p;
		c->plen += len - (size_t)n;
	}
	return 0;
}

static void
do_echo(struct conn *c)
{
	long n;
	int f;

	for (;;) {
		if ((f = flush(c)) <= 0) {
			if (f < 0)
				conn_free(c);
			return;
		}
		n = xrecv(c->s, iobuf, sizeof(iobuf), 0);
		if (n == -LX_EAGAIN)
			return;
		if (n <= 0) {		/* EOF or error */
			conn_free(c);
			return;
		}
		if (sendall(c, iobuf, (size_t)n) != 0) {
			conn_free(c);
			return;
		}
	}
}

static void
do_discard(struct conn *c)
{
	long n;

	while ((n = xrecv(c->s, iobuf, sizeof(iobuf), 0)) > 0)
		c->count += (unsigned long)n;
	if (n != -LX_EAGAIN)
		conn_free(c);
}

static void
do_source(struct conn *c)
{
	static char pat[65536];
	long n;
	size_t i;

	if (pat[1] == 0)
		for (i = 0; i < sizeof(pat); i++)
			pat[i] = (char)('a' + i % 26);
	for (;;) {
		n = xrecv(c->s, iobuf, sizeof(iobuf), 0);
		if (n == 0 || (n < 0 && n != -LX_EAGAIN)) {
			conn_free(c);
			return;
		}
		i = c->count % 26;
		n = xsend(c->s, pat + i, sizeof(pat) - 26, LX_MSG_NOSIGNAL);
		if (n == -LX_EAGAIN)
			return;
		if (n < 0) {
			conn_free(c);
			return;
		}
		c->count += (unsigned long)n;
	}
}

static void
reply(struct conn *c, const char *s)
{

	if (c != NULL && c->s != NULL && sendall(c, s, strlen(s)) != 0)
		conn_free(c);
}

static void
start_out(struct conn *ctl, char *args)
{
	struct lx_sockaddr_in sa;
	struct lsock *s;
	struct conn *c;
	char *sp, msg[64];
	int rv;

	if ((sp = strchr(args, ' ')) == NULL) {
		reply(ctl, "connect error usage\n");
		return;
	}
	*sp = '\0';
	sin4(&sa, args, atoi(sp + 1));
	if ((rv = lsock_socket(LX_AF_INET, LX_SOCK_STREAM, 0, &s)) != 0 ||
	    ((rv = lsock_connect(s, (void *)&sa, sizeof(sa))) != 0 &&
	    rv != -LX_EINPROGRESS)) {
		snprintf(msg, sizeof(msg), "connect error %d\n", -rv);
		reply(ctl, msg);
		return;
	}
	if ((c = conn_new(s, K_OUT)) != NULL)
		c->ctl = ctl;
}

static void
do_out(struct conn *c)
{
	unsigned len = sizeof(int);
	int err = 0, m;
	char msg[320], *sp;
	long n;

	m = lsock_poll(c->s);
	if (c->count == 0) {		/* not yet connected */
		if (!(m & (LX_POLLOUT | LX_POLLERR)))
			return;
		lsock_getsockopt(c->s, LX_SOL_SOCKET, LX_SO_ERROR, &err, &len);
		if (err != 0) {
			snprintf(msg, sizeof(msg), "connect error %d\n", err);
			reply(c->ctl, msg);
			conn_free(c);
			return;
		}
		c->count = 1;
		sendall(c, "hello tandem\n", 13);
	}
	flush(c);
	while ((n = xrecv(c->s, c->line + c->llen,
	    sizeof(c->line) - 1 - c->llen, 0)) > 0)
		c->llen += (size_t)n;
	if (n == -LX_EAGAIN && c->llen < sizeof(c->line) - 1)
		return;
	c->line[c->llen] = '\0';
	if ((sp = strchr(c->line, '\n')) != NULL)
		*sp = '\0';
	snprintf(msg, sizeof(msg), "connect ok %zu: %s\n", c->llen, c->line);
	reply(c->ctl, msg);
	conn_free(c);
}

static void
command(struct conn *c, char *l)
{
	struct lnet_stats st;
	char msg[256];

	if (strcmp(l, "stats") == 0) {
		lnet_stats(&st);
		snprintf(msg, sizeof(msg), "stats mem=%zu peak=%zu budget=%zu "
		    "fails=%lu socks=%u active=%u tw=%u listen=%u udp=%u "
		    "conns=%u rx=%lu tx=%lu drop=%lu\n", st.mem_inuse,
		    st.mem_peak, st.mem_budget, st.mem_fails, st.socks,
		    st.tcp_active, st.tcp_tw, st.tcp_listen, st.udp, nconns,
		    st.rx_frames, st.tx_frames, st.rx_dropped);
		reply(c, msg);
	} else if (strcmp(l, "ifconfig") == 0) {
		char big[1024];
		char *p;

		lnet_describe(big, sizeof(big));
		for (p = big; *p != '\0'; p++)
			if (*p == '\n' && p[1] != '\0')
				*p = ';';
		reply(c, big);
	} else if (strncmp(l, "connect ", 8) == 0) {
		start_out(c, l + 8);
	} else if (strcmp(l, "quit") == 0) {
		reply(c, "bye\n");
		quitting = 1;
	} else
		reply(c, "unknown command\n");
}

static void
do_ctl(struct conn *c)
{
	char *nl;
	long n;

	flush(c);
	for (;;) {
		n = xrecv(c->s, c->line + c->llen,
		    sizeof(c->line) - 1 - c->llen, 0);
		if (n == -LX_EAGAIN)
			return;
		if (n <= 0) {
			conn_free(c);
			return;
		}
		c->llen += (size_t)n;
		c->line[c->llen] = '\0';
		while ((nl = strchr(c->line, '\n')) != NULL) {
			*nl = '\0';
			if (nl > c->line && nl[-1] == '\r')
				nl[-1] = '\0';
			command(c, c->line);
			if (c->s == NULL)
				return;
			c->llen -= (size_t)(nl + 1 - c->line);
			memmove(c->line, nl + 1, c->llen + 1);
		}
		if (c->llen == sizeof(c->line) - 1)
			c->llen = 0;		/* overlong line: dropped */
	}
}

static void
do_udp(struct conn *c)
{
	struct lx_sockaddr_storage ss;
	unsigned sl;
	long n;

	for (;;) {
		sl = sizeof(ss);
		n = xrecvfrom(c->s, iobuf, sizeof(iobuf), &ss, &sl);
		if (n < 0)
			return;
		(void)xsendto(c->s, iobuf, (size_t)n, &ss, sl);
	}
}

static void
do_listen(struct conn *c)
{
	struct lsock *ns;

	while (lsock_accept(c->s, &ns, NULL, NULL) == 0)
		if (conn_new(ns, c->svc) == NULL)
			lsock_close(ns);
}

static void
handle(struct conn *c)
{

	switch (c->kind) {
	case K_LISTEN:	do_listen(c); break;
	case K_ECHO:	do_echo(c); break;
	case K_DISCARD:	do_discard(c); break;
	case K_SOURCE:	do_source(c); break;
	case K_CTL:	do_ctl(c); break;
	case K_OUT:	do_out(c); break;
	case K_UDP:	do_udp(c); break;
	}
}

static int
listener(int type, int port, int svc)
{
	static const uint8_t any[16];
	struct lx_sockaddr_in6 sa;
	struct lsock *s;
	struct conn *c;
	int one = 1, zero = 0, rv;

	if ((rv = lsock_socket(LX_AF_INET6, type, 0, &s)) != 0)
		return rv;
	lsock_setsockopt(s, LX_SOL_SOCKET, LX_SO_REUSEADDR, &one, sizeof(one));
	lsock_setsockopt(s, LX_IPPROTO_IPV6, LX_IPV6_V6ONLY, &zero,
	    sizeof(zero));
	sin6any(&sa, any, port);
	if ((rv = lsock_bind(s, (void *)&sa, sizeof(sa))) != 0 ||
	    (type == LX_SOCK_STREAM && (rv = lsock_listen(s, 255)) != 0)) {
		lsock_close(s);
		return rv;
	}
	if ((c = conn_new(s, type == LX_SOCK_STREAM ? K_LISTEN : K_UDP)) ==
	    NULL)
		return -LX_ENOMEM;
	c->svc = svc;
	return 0;
}

static const char *
opt(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return td_param(key);
}

int
main(int argc, char **argv)
{
	struct conn *c;
	const char *s;
	int port, rv;

	mainthr = td_thread_self();
	if ((rv = lnet_init()) != 0) {
		td_printf("netecho: network start failed: %d\n", rv);
		return 1;
	}
	s = opt(argc, argv, "selftest");
	if (s == NULL || strcmp(s, "0") != 0) {
		rv = selftest();
		if (s != NULL && strcmp(s, "only") == 0)
			return rv == 0 ? 0 : 1;
		if (rv != 0)
			return 1;
	}
	port = (s = opt(argc, argv, "port")) != NULL ? atoi(s) : 7;
	if ((rv = listener(LX_SOCK_STREAM, port, K_ECHO)) != 0 ||
	    (rv = listener(LX_SOCK_STREAM, port + 1, K_CTL)) != 0 ||
	    (rv = listener(LX_SOCK_STREAM, port + 2, K_DISCARD)) != 0 ||
	    (rv = listener(LX_SOCK_STREAM, port + 12, K_SOURCE)) != 0 ||
	    (rv = listener(LX_SOCK_DGRAM, port, 0)) != 0) {
		td_printf("netecho: cannot listen: %d\n", rv);
		return 1;
	}
	td_printf("netecho: ready on port %d\n", port);
	while (!quitting) {
		while ((c = dirty) != NULL) {
			dirty = c->nextdirty;
			c->dirty = 0;
			if (c->closing)
				free(c);
			else
				handle(c);
		}
		td_thread_prepare_block();
		if (dirty == NULL && !quitting)
			td_thread_block(UINT64_MAX);
	}
	/* let the "bye" reach the peer */
	td_sleep_ns(100 * 1000 * 1000);
	td_printf("netecho: quit\n");
	return 0;
}
