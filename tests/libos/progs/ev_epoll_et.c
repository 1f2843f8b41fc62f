/* ev_epoll_et: edge-triggered epoll: one event per wakeup (each write
 * to a pipe is one), none while nothing happens even if still ready,
 * the write end hears only "room again" after full, MOD re-reports,
 * eventfd reports the state now on its edge. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ev_util.h"

int
main(void)
{
	int ep, p[2], efd, n;
	char buf[70000];
	struct epoll_event e;
	uint64_t v;

	ep = epoll_create1(0);
	pipe2(p, O_NONBLOCK);
	printf("add read end ET -> %d\n", add(ep, p[0], EPOLLIN | EPOLLET, 1));
	wait_show("nothing yet", ep, 16, 0);
	write(p[1], "a", 1);
	wait_show("after a write", ep, 16, 0);
	wait_show("again: no new edge", ep, 16, 0);
	write(p[1], "b", 1);
	wait_show("another write: a new edge", ep, 16, 0);
	read(p[0], buf, 1);
	wait_show("partial read: no edge", ep, 16, 0);
	e.events = EPOLLIN | EPOLLET;
	e.data.u64 = 11;
	printf("MOD -> %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	wait_show("after MOD (still readable)", ep, 16, 0);
	wait_show("again", ep, 16, 0);
	read(p[0], buf, 1);
	e.data.u64 = 12;
	printf("MOD when not ready -> %d\n", epoll_ctl(ep, EPOLL_CTL_MOD,
	    p[0], &e));
	wait_show("nothing", ep, 16, 0);

	/* the write end: ready at ADD, then only when room comes back
	 * after the pipe was full */
	printf("add write end ET -> %d\n", add(ep, p[1], EPOLLOUT | EPOLLET,
	    2));
	wait_show("at ADD", ep, 16, 0);
	write(p[1], "c", 1);
	wait_show("write: read end's edge only", ep, 16, 0);
	read(p[0], buf, 1);
	wait_show("read of a non-full pipe", ep, 16, 0);
	n = 0;
	while (write(p[1], buf, 4096) > 0)
		n++;
	printf("filled with %d pages\n", n);
	wait_show("full", ep, 16, 0);
	read(p[0], buf, 100);
	wait_show("read 100 bytes of a full pipe", ep, 16, 0);
	read(p[0], buf, 3996);
	wait_show("one page freed", ep, 16, 0);
	wait_show("again", ep, 16, 0);
	close(p[0]);
	wait_show("reader gone", ep, 16, 0);
	close(p[1]);

	/* eventfd: a write is an edge for an item watching IN|OUT */
	efd = eventfd(0, EFD_NONBLOCK);
	printf("add eventfd IN|OUT ET -> %d\n", add(ep, efd, EPOLLIN |
	    EPOLLOUT | EPOLLET, 3));
	wait_show("at ADD", ep, 16, 0);
	v = 5;
	write(efd, &v, 8);
	wait_show("after write", ep, 16, 0);
	wait_show("again", ep, 16, 0);
	read(efd, &v, 8);
	wait_show("after read", ep, 16, 0);
	return 0;
}
