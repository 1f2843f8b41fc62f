/* ev_epoll_oneshot: EPOLLONESHOT reports once until EPOLL_CTL_MOD re-arms
 * it (LT and ET), EPOLLEXCLUSIVE's rules, EPOLLWAKEUP accepted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ev_util.h"

static int
ctl(int ep, int op, int fd, unsigned events, int data)
{
	struct epoll_event e;
	int r;

	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.u64 = (uint64_t)data;
	r = epoll_ctl(ep, op, fd, &e);
	return r < 0 ? -errno : r;
}

int
main(void)
{
	int ep, ep2, p[2], q[2];
	char buf[16];

	ep = epoll_create1(0);
	pipe2(p, O_NONBLOCK);
	printf("add ONESHOT -> %d\n", add(ep, p[0], EPOLLIN | EPOLLONESHOT,
	    1));
	write(p[1], "a", 1);
	wait_show("after a write", ep, 16, 0);
	wait_show("again: disarmed", ep, 16, 0);
	write(p[1], "b", 1);
	wait_show("another write: still disarmed", ep, 16, 0);
	printf("ADD again -> %d\n", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 9));
	printf("MOD re-arms -> %d\n", ctl(ep, EPOLL_CTL_MOD, p[0],
	    EPOLLIN | EPOLLONESHOT, 2));
	wait_show("after MOD", ep, 16, 0);
	wait_show("again", ep, 16, 0);
	read(p[0], buf, sizeof(buf));
	printf("MOD when not ready -> %d\n", ctl(ep, EPOLL_CTL_MOD, p[0],
	    EPOLLIN | EPOLLONESHOT | EPOLLET, 3));
	wait_show("nothing", ep, 16, 0);
	write(p[1], "c", 1);
	wait_show("a write after re-arming", ep, 16, 0);
	write(p[1], "d", 1);
	wait_show("next write", ep, 16, 0);
	printf("MOD to plain LT -> %d\n", ctl(ep, EPOLL_CTL_MOD, p[0],
	    EPOLLIN, 4));
	wait_show("level again", ep, 16, 0);
	wait_show("level again", ep, 16, 0);
	printf("DEL -> %d\n", ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0));
	wait_show("after DEL", ep, 16, 0);

	/* a oneshot item with nothing ready when it fires on HUP */
	pipe(q);
	printf("add ONESHOT on q -> %d\n", add(ep, q[0], EPOLLIN |
	    EPOLLONESHOT, 5));
	close(q[1]);
	wait_show("writer gone", ep, 16, 0);
	wait_show("again", ep, 16, 0);

	/* EPOLLEXCLUSIVE */
	printf("ADD EXCLUSIVE -> %d\n", ctl(ep, EPOLL_CTL_ADD, p[1],
	    EPOLLOUT | EPOLLEXCLUSIVE, 6));
	wait_show("exclusive item", ep, 16, 0);
	printf("MOD of an exclusive item -> %s\n", strerror(-ctl(ep,
	    EPOLL_CTL_MOD, p[1], EPOLLOUT, 6)));
	printf("MOD asking EXCLUSIVE -> %s\n", strerror(-ctl(ep,
	    EPOLL_CTL_MOD, q[0], EPOLLIN | EPOLLEXCLUSIVE, 6)));
	printf("ADD EXCLUSIVE|ONESHOT -> %s\n", strerror(-ctl(ep,
	    EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT,
	    7)));
	printf("ADD EXCLUSIVE|RDHUP -> %s\n", strerror(-ctl(ep,
	    EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP,
	    7)));
	ep2 = epoll_create1(0);
	printf("ADD EXCLUSIVE of an epoll -> %s\n", strerror(-ctl(ep,
	    EPOLL_CTL_ADD, ep2, EPOLLIN | EPOLLEXCLUSIVE, 8)));
	printf("DEL exclusive -> %d\n", ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0));
	printf("ADD with EPOLLWAKEUP -> %d\n", ctl(ep, EPOLL_CTL_ADD, p[1],
	    EPOLLOUT | EPOLLWAKEUP, 10));
	wait_show("wakeup item", ep, 16, 0);
	return 0;
}
