/*
 * epecho -- a TCP/UDP echo server as an ordinary POSIX C program: one
 * thread, epoll (edge-triggered), non-blocking sockets.  Built with
 * tandem-cc it is the appliance tests/net drives on every platform; built
 * natively it runs on Linux the same way (the loopback sanity run and the
 * Linux side of bench/netstack.sh).  Same ports and protocol as the
 * netecho appliance (apps/netecho), minus its stack-internal statistics:
 *
 *   epecho [-p PORT] [-w HTTPPORT] [-4]
 * TCP, dual-stack listeners on [::] (on 0.0.0.0 with -4):
 *   PORT      echo                 PORT+2   discard
 *   PORT+12   source (a byte pattern until the peer closes)
 *   PORT+1    control, one command a line:
 *     stats             -> "stats conns=N fds=N accepted=N"
 *     connect HOST PORT -> connects out, sends "hello tandem\n", replies
 *                          "connect ok N: <first line read>" or
 *                          "connect error <strerror>"
 *     quit              -> "bye", and the program exits 0
 *   HTTPPORT  (default 80; 0: none) any request gets a 200 text/plain
 *             answer naming the peer ("epecho: hello ADDR"), then close
 * UDP echo on PORT.  Prints "epecho: ready on port PORT" when listening.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { K_LISTEN, K_ECHO, K_DISCARD, K_SOURCE, K_CTL, K_OUT, K_UDP,
	K_HTTP };

struct conn {
	int		 fd;
	enum kind	 kind, svc;	/* svc: the kind of a listener's children */
	char		*pend;		/* bytes accepted but not yet sent */
	size_t		 plen, poff;
	int		 eof;		/* close once pend is sent */
	unsigned long	 count;
	char		 line[512];	/* control, outbound, http request */
	size_t		 llen;
	struct conn	*peer;		/* outbound <-> the control conn asking */
};

static int ep;
static int quitting;
static unsigned nconns, nfds;
static unsigned long accepted;
static char iobuf[65536];
static char pattern[65536 + 26];

static void
die(const char *what)
{

	fprintf(stderr, "epecho: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct conn *
conn_add(int fd, enum kind kind, uint32_t events)
{
	struct epoll_event ev;
	struct conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->kind = kind;
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		free(c);
		return NULL;
	}
	nfds++;
	if (kind != K_LISTEN && kind != K_UDP)
		nconns++;
	return c;
}

static void
conn_close(struct conn *c)
{

	/* close() drops the epoll registration: no stale event follows
	 * (we never dup these fds) */
	close(c->fd);
	if (c->peer != NULL)
		c->peer->peer = NULL;
	nfds--;
	nconns--;
	free(c->pend);
	free(c);
}

/* Sends what is pending: 1 all sent, 0 would block, -1 error. */
static int
flush(struct conn *c)
{
	ssize_t n;

	while (c->poff < c->plen) {
		n = send(c->fd, c->pend + c->poff, c->plen - c->poff,
		    MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->poff += (size_t)n;
	}
	free(c->pend);
	c->pend = NULL;
	c->plen = c->poff = 0;
	return 1;
}

/* Queues b behind what is pending and sends what it can: 0, or -1. */
static int
put(struct conn *c, const void *b, size_t len)
{
	char *p;

	if ((p = realloc(c->pend, c->plen + len)) == NULL)
		return -1;
	memcpy(p + c->plen, b, len);
	c->pend = p;
	c->plen += len;
	return flush(c) < 0 ? -1 : 0;
}

/* Sends b right away (nothing is pending) and queues the rest: 0 or -1. */
static int
sendsome(struct conn *c, const char *b, size_t len)
{
	ssize_t n;

	n = send(c->fd, b, len, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	if (n < 0)
		n = 0;
	return (size_t)n < len ? put(c, b + n, len - (size_t)n) : 0;
}

/* An echo (or http, control) connection's common part: flushes, and
 * closes it when the peer ended and everything was sent.  1: go on. */
static int
drained(struct conn *c)
{
	int f = flush(c);

	if (f < 0 || (f > 0 && c->eof)) {
		conn_close(c);
		return 0;
	}
	return f;
}

static void
do_echo(struct conn *c)
{
	ssize_t n;

	/* edge-triggered: read until EAGAIN, but stop while the peer does
	 * not take our sends (EPOLLOUT brings us back) */
	while (drained(c)) {
		n = recv(c->fd, iobuf, sizeof(iobuf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			conn_close(c);
			return;
		}
		if (n == 0) {
			c->eof = 1;
			continue;
		}
		if (sendsome(c, iobuf, (size_t)n) != 0) {
			conn_close(c);
			return;
		}
	}
}

static void
do_discard(struct conn *c)
{
	ssize_t n;

	while ((n = recv(c->fd, iobuf, sizeof(iobuf), 0)) > 0)
		c->count += (unsigned long)n;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		conn_close(c);
}

static void
do_source(struct conn *c)
{
	ssize_t n;

	/* what the peer sends is read and dropped; its EOF ends us */
	while ((n = recv(c->fd, iobuf, sizeof(iobuf), 0)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
		conn_close(c);
		return;
	}
	for (;;) {
		n = send(c->fd, pattern + c->count % 26, 65536, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(c);
			return;
		}
		c->count += (unsigned long)n;
	}
}

static void
reply(struct conn *c, const char *s)
{

	if (c != NULL && put(c, s, strlen(s)) != 0)
		c->eof = 1;	/* drop it at its next event */
}

/* connect HOST PORT: any name getaddrinfo knows (numeric, /etc/hosts,
 * DNS), the first address that takes a non-blocking connect */
static void
start_out(struct conn *ctl, char *args)
{
	struct addrinfo hints, *res, *ai;
	struct conn *c;
	char *sp, msg[320];
	int fd = -1, e;

	if ((sp = strchr(args, ' ')) == NULL) {
		reply(ctl, "connect error usage: connect HOST PORT\n");
		return;
	}
	*sp++ = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(args, sp, &hints, &res)) != 0) {
		snprintf(msg, sizeof(msg), "connect error %s\n", gai_strerror(e));
		reply(ctl, msg);
		return;
	}
	e = 0;
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0 || (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
		    errno != EINPROGRESS)) {
			e = errno;
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "connect error %s\n", strerror(e));
		reply(ctl, msg);
		return;
	}
	if ((c = conn_add(fd, K_OUT, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
	    EPOLLET)) == NULL) {
		reply(ctl, "connect error out of memory\n");
		return;
	}
	if (ctl->peer != NULL)		/* one outbound per control conn */
		ctl->peer->peer = NULL;
	c->peer = ctl;
	ctl->peer = c;
}

static void
do_out(struct conn *c)
{
	socklen_t len = sizeof(int);
	char msg[600], *nl;
	ssize_t n;
	int err = 0;

	if (c->count == 0) {		/* the connect finished (or failed) */
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err == EINPROGRESS || err == EALREADY)
			return;
		if (err != 0) {
			snprintf(msg, sizeof(msg), "connect error %s\n",
			    strerror(err));
			reply(c->peer, msg);
			conn_close(c);
			return;
		}
		c->count = 1;
		if (sendsome(c, "hello tandem\n", 13) != 0) {
			conn_close(c);
			return;
		}
	}
	if (flush(c) < 0) {
		conn_close(c);
		return;
	}
	while ((n = recv(c->fd, c->line + c->llen,
	    sizeof(c->line) - 1 - c->llen, 0)) > 0)
		c->llen += (size_t)n;
	c->line[c->llen] = '\0';
	if ((nl = strchr(c->line, '\n')) == NULL && n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK) &&
	    c->llen < sizeof(c->line) - 1)
		return;			/* no whole line yet */
	if (nl != NULL)
		*nl = '\0';
	snprintf(msg, sizeof(msg), "connect ok %zu: %s\n", c->llen, c->line);
	reply(c->peer, msg);
	conn_close(c);
}

static void
command(struct conn *c, char *l)
{
	char msg[128];

	if (strcmp(l, "stats") == 0) {
		snprintf(msg, sizeof(msg), "stats conns=%u fds=%u accepted=%lu\n",
		    nconns, nfds, accepted);
		reply(c, msg);
	} else if (strncmp(l, "connect ", 8) == 0) {
		start_out(c, l + 8);
	} else if (strcmp(l, "quit") == 0) {
		reply(c, "bye\n");
		quitting = 1;
	} else
		reply(c, "unknown command\n");
}

/* Complete lines of c's input, each given to fn; 0 when c was closed. */
static int
lines(struct conn *c, void (*fn)(struct conn *, char *))
{
	char *nl;
	ssize_t n;

	for (;;) {
		if (!drained(c))
			return 0;
		n = recv(c->fd, c->line + c->llen, sizeof(c->line) - 1 - c->llen,
		    0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0) {
			c->eof = 1;
			return drained(c);
		}
		c->llen += (size_t)n;
		c->line[c->llen] = '\0';
		while ((nl = strchr(c->line, '\n')) != NULL) {
			*nl = '\0';
			if (nl > c->line && nl[-1] == '\r')
				nl[-1] = '\0';
			fn(c, c->line);
			c->llen -= (size_t)(nl + 1 - c->line);
			memmove(c->line, nl + 1, c->llen + 1);
		}
		if (c->llen == sizeof(c->line) - 1)
			c->llen = 0;		/* an overlong line is dropped */
	}
}

static void
ctl_line(struct conn *c, char *l)
{

	command(c, l);
}

/* HTTP: the request's header lines are read up to the empty one */
static void
http_line(struct conn *c, char *l)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "?", body[128], msg[320];
	int port = 0;

	if (c->eof || c->count++ == 0 || *l != '\0')
		return;			/* the request line or a header */
	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (void *)&ss;
			inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
			port = ntohs(s6->sin6_port);
		} else {
			struct sockaddr_in *s4 = (void *)&ss;
			inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
			port = ntohs(s4->sin_port);
		}
	}
	snprintf(body, sizeof(body), "epecho: hello %s port %d\n", addr, port);
	snprintf(msg, sizeof(msg), "HTTP/1.0 200 OK\r\nContent-Type: text/plain"
	    "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    strlen(body), body);
	reply(c, msg);
	c->eof = 1;
}

static void
do_udp(struct conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t n;

	for (;;) {
		sl = sizeof(ss);
		n = recvfrom(c->fd, iobuf, sizeof(iobuf), 0,
		    (struct sockaddr *)&ss, &sl);
		if (n < 0)
			return;		/* EAGAIN: all read */
		(void)sendto(c->fd, iobuf, (size_t)n, 0, (struct sockaddr *)&ss,
		    sl);
	}
}

static void
do_listen(struct conn *c)
{
	struct conn *n;
	int fd, one = 1;

	while ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) >= 0) {
		accepted++;
		if (c->svc == K_ECHO)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		n = conn_add(fd, c->svc, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
		    EPOLLET);
		if (n != NULL && n->kind == K_SOURCE)
			do_source(n);
	}
	/* EMFILE/ENFILE/ENOMEM: the listener stays readable (level
	 * triggered); the peers wait in the backlog until fds come back */
}

static void
handle(struct conn *c, uint32_t ev)
{

	(void)ev;	/* each handler finds errors and EOF by reading */
	switch (c->kind) {
	case K_LISTEN:	do_listen(c); break;
	case K_ECHO:	do_echo(c); break;
	case K_DISCARD:	do_discard(c); break;
	case K_SOURCE:	do_source(c); break;
	case K_CTL:	lines(c, ctl_line); break;
	case K_HTTP:	lines(c, http_line); break;
	case K_OUT:	do_out(c); break;
	case K_UDP:	do_udp(c); break;
	}
}

static int
listener(int v4, int type, int port, enum kind svc)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	struct conn *c;
	int fd, one = 1, zero = 0;

	fd = socket(v4 ? AF_INET : AF_INET6, type | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v4) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&s4, sizeof(s4)) != 0)
			goto bad;
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(port);
		s6.sin6_addr = in6addr_any;
		if (bind(fd, (struct sockaddr *)&s6, sizeof(s6)) != 0)
			goto bad;
	}
	if (type == SOCK_STREAM && listen(fd, 1024) != 0)
		goto bad;
	/* listeners are level-triggered: an accept refused for want of
	 * fds is retried on the next event */
	c = conn_add(fd, type == SOCK_STREAM ? K_LISTEN : K_UDP,
	    type == SOCK_STREAM ? EPOLLIN : EPOLLIN | EPOLLET);
	if (c == NULL)
		return -1;
	c->svc = svc;
	return 0;
bad:
	close(fd);
	return -1;
}

int
main(int argc, char **argv)
{
	static struct epoll_event evs[256];
	int port = 7, http = 80, v4 = 0, i, n, o;
	char what[64];

	while ((o = getopt(argc, argv, "p:w:4")) != -1) {
		switch (o) {
		case 'p': port = atoi(optarg); break;
		case 'w': http = atoi(optarg); break;
		case '4': v4 = 1; break;
		default:
			fprintf(stderr, "usage: epecho [-p PORT] [-w HTTPPORT] "
			    "[-4]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535 - 12 || http < 0 || http > 65535) {
		fprintf(stderr, "epecho: bad port\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < (int)sizeof(pattern); i++)
		pattern[i] = (char)('a' + i % 26);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1");
	nfds = 1;
	if (listener(v4, SOCK_STREAM, port, K_ECHO) != 0 ||
	    listener(v4, SOCK_STREAM, port + 1, K_CTL) != 0 ||
	    listener(v4, SOCK_STREAM, port + 2, K_DISCARD) != 0 ||
	    listener(v4, SOCK_STREAM, port + 12, K_SOURCE) != 0 ||
	    (http != 0 && listener(v4, SOCK_STREAM, http, K_HTTP) != 0) ||
	    listener(v4, SOCK_DGRAM, port, K_UDP) != 0) {
		snprintf(what, sizeof(what), "listen on port %d..%d/%d", port,
		    port + 12, http);
		die(what);
	}
	printf("epecho: ready on port %d\n", port);
	while (!quitting) {
		n = epoll_wait(ep, evs, 256, -1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++)
			handle(evs[i].data.ptr, evs[i].events);
	}
	/* let the "bye" reach the peer (sent already unless it blocked) */
	usleep(100 * 1000);
	printf("epecho: quit\n");
	return 0;
}
