/*
 * echosrv.c -- the Linux baseline guest's counterpart of apps/netecho (the
 * same services and control protocol, written with epoll instead of
 * libos/net's lsock_*), so tests/net/client.py measures both guests alike:
 *   PORT echo, PORT+1 control ("stats", "quit"), PORT+2 discard,
 *   PORT+12 source (a byte pattern until the peer closes).  PORT = 7.
 * Dual-stack IPv6 listeners, non-blocking sockets, level-triggered epoll.
 * Prints "netecho: ready on port 7"; exits 0 on "quit".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { K_LISTEN, K_ECHO, K_CTL, K_DISCARD, K_SOURCE };

struct conn {
	int	 fd, kind, svc;
	char	*pend;
	size_t	 plen, poff;
	char	 line[256];
	size_t	 llen;
};

static int ep, nconns, quitting;
static char buf[65536], pat[65536];

static void
drop(struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->pend);
	free(c);
	nconns--;
}

static void
watch(struct conn *c, int out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0),
	    .data.ptr = c };

	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* 1: all sent, 0: some pending, -1: error */
static int
sendq(struct conn *c, const char *b, size_t len)
{
	ssize_t n = 0;

	if (c->plen == 0) {
		n = send(c->fd, b, len, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n < 0)
			n = 0;
		if ((size_t)n == len)
			return 1;
	}
	c->pend = realloc(c->pend, c->plen + len - (size_t)n);
	memcpy(c->pend + c->plen, b + n, len - (size_t)n);
	c->plen += len - (size_t)n;
	watch(c, 1);
	return 0;
}

static int
flush(struct conn *c)
{
	ssize_t n;

	while (c->poff < c->plen) {
		n = send(c->fd, c->pend + c->poff, c->plen - c->poff,
		    MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->poff += (size_t)n;
	}
	free(c->pend);
	c->pend = NULL;
	c->plen = c->poff = 0;
	watch(c, 0);
	return 1;
}

static void
add(int fd, int kind, int svc)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	c->fd = fd;
	c->kind = kind;
	c->svc = svc;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	nconns++;
	if (kind == K_SOURCE)
		watch(c, 1);
}

static void
handle(struct conn *c, unsigned ev)
{
	ssize_t n;
	char *nl;
	int fd, f;

	switch (c->kind) {
	case K_LISTEN:
		while ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
			add(fd, c->svc, 0);
		return;
	case K_SOURCE:
		if (ev & EPOLLIN) {
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n == 0 || (n < 0 && errno != EAGAIN)) {
				drop(c);
				return;
			}
		}
		while ((n = send(c->fd, pat, sizeof(pat) - 26, MSG_NOSIGNAL)) > 0)
			;
		if (n < 0 && errno != EAGAIN)
			drop(c);
		return;
	}
	if ((f = flush(c)) <= 0) {
		if (f < 0)
			drop(c);
		return;
	}
	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			drop(c);
			return;
		}
		if (c->kind == K_DISCARD)
			continue;
		if (c->kind == K_ECHO) {
			if ((f = sendq(c, buf, (size_t)n)) < 0) {
				drop(c);
				return;
			}
			if (f == 0)
				return;
			continue;
		}
		if (c->llen + (size_t)n >= sizeof(c->line))
			c->llen = 0;
		memcpy(c->line + c->llen, buf, (size_t)n);
		c->llen += (size_t)n;
		c->line[c->llen] = '\0';
		while ((nl = strchr(c->line, '\n')) != NULL) {
			*nl = '\0';
			if (strcmp(c->line, "quit") == 0) {
				sendq(c, "bye\n", 4);
				quitting = 1;
			} else if (strcmp(c->line, "stats") == 0) {
				snprintf(buf, sizeof(buf), "stats mem=0 peak=0 "
				    "budget=0 fails=0 socks=%d active=%d\n",
				    nconns, nconns);
				sendq(c, buf, strlen(buf));
			} else
				sendq(c, "unknown command\n", 16);
			c->llen -= (size_t)(nl + 1 - c->line);
			memmove(c->line, nl + 1, c->llen + 1);
		}
	}
}

static int
listener(int port, int svc)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
	    .sin6_port = htons((uint16_t)port) };
	int fd, one = 1, zero = 0;

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (fd < 0 || bind(fd, (void *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 255) != 0) {
		perror("echosrv: listen");
		return -1;
	}
	add(fd, K_LISTEN, svc);
	return 0;
}

int
main(void)
{
	struct epoll_event ev[64];
	int i, n;

	for (i = 0; i < (int)sizeof(pat); i++)
		pat[i] = (char)('a' + i % 26);
	ep = epoll_create1(0);
	if (listener(7, K_ECHO) || listener(8, K_CTL) || listener(9, K_DISCARD) ||
	    listener(19, K_SOURCE))
		return 1;
	printf("netecho: ready on port 7\n");
	fflush(stdout);
	while (!quitting) {
		n = epoll_wait(ep, ev, 64, -1);
		for (i = 0; i < n; i++)
			handle(ev[i].data.ptr, ev[i].events);
	}
	usleep(100000);
	return 0;
}
