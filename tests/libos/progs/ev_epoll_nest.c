/* ev_epoll_nest: an epoll inside an epoll (LT and ET), poll and select
 * on an epoll fd, ELOOP for cycles and for nesting too deep. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include "ev_util.h"

static const char *
addr(int ep, int fd, unsigned events, int data)
{

	return add(ep, fd, events, data) < 0 ? strerror(errno) : "ok";
}

int
main(void)
{
	int in, out, et, p[2], e[8], i, r;
	struct pollfd pf;
	fd_set rs;
	struct timeval tv = { 0, 0 };
	char c;

	in = epoll_create1(0);
	out = epoll_create1(0);
	et = epoll_create1(0);
	pipe(p);
	printf("pipe into inner: %s\n", addr(in, p[0], EPOLLIN, 1));
	printf("inner into outer: %s\n", addr(out, in, EPOLLIN, 2));
	printf("inner into et (ET): %s\n", addr(et, in, EPOLLIN | EPOLLET,
	    3));
	printf("outer into inner: %s\n", addr(in, out, EPOLLIN, 4));
	printf("inner into inner: %s\n", addr(in, in, EPOLLIN, 5));
	wait_show("outer, nothing", out, 16, 0);
	pf.fd = in;
	pf.events = POLLIN;
	r = poll(&pf, 1, 0);
	printf("poll inner -> %d %s\n", r, evs(pf.revents));
	write(p[1], "a", 1);
	r = poll(&pf, 1, 0);
	printf("poll inner -> %d %s\n", r, evs(pf.revents));
	FD_ZERO(&rs);
	FD_SET(in, &rs);
	printf("select inner -> %d\n", select(in + 1, &rs, NULL, NULL, &tv));
	wait_show("outer", out, 16, 0);
	wait_show("outer again (level)", out, 16, 0);
	wait_show("et", et, 16, 0);
	wait_show("et again", et, 16, 0);
	wait_show("inner itself", in, 16, 0);
	write(p[1], "b", 1);
	wait_show("et after another write", et, 16, 0);
	read(p[0], &c, 1);
	read(p[0], &c, 1);
	wait_show("outer, drained", out, 16, 0);
	r = poll(&pf, 1, 0);
	printf("poll inner -> %d %s\n", r, evs(pf.revents));
	/* an outer waiter is woken by the inner's readiness */
	write(p[1], "c", 1);
	wait_show("outer with a timeout", out, 16, 1000);
	close(p[1]);
	wait_show("inner after writer gone", in, 16, 0);

	/* depth: a chain of epolls, each added into the next */
	for (i = 0; i < 8; i++)
		e[i] = epoll_create1(0);
	for (i = 0; i < 7; i++) {
		r = add(e[i + 1], e[i], EPOLLIN, i);
		printf("chain: epoll %d into epoll %d: %s\n", i, i + 1,
		    r < 0 ? strerror(errno) : "ok");
	}
	printf("cycle through the chain: %s\n", addr(e[0], e[3], EPOLLIN, 9));
	return 0;
}
