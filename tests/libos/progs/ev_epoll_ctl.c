/* ev_epoll_ctl: epoll_ctl's errors (EBADF, EINVAL, EEXIST, ENOENT,
 * EFAULT), items keyed by (file, fd), and when items go: with the last
 * reference to the open file, not with close(fd) while a dup lives. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ev_util.h"

static const char *
ctl(int ep, int op, int fd, unsigned events, int data)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.u64 = (uint64_t)data;
	return epoll_ctl(ep, op, fd, &e) < 0 ? strerror(errno) : "ok";
}

int
main(void)
{
	int ep, p[2], d, ep2;

	ep = epoll_create1(0);
	pipe(p);
	printf("bad epfd: %s\n", ctl(99, EPOLL_CTL_ADD, p[0], EPOLLIN, 0));
	printf("bad fd: %s\n", ctl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0));
	printf("epfd is a pipe: %s\n", ctl(p[1], EPOLL_CTL_ADD, p[0],
	    EPOLLIN, 0));
	printf("epoll in itself: %s\n", ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN,
	    0));
	printf("bad op: %s\n", ctl(ep, 7, p[0], EPOLLIN, 0));
	printf("MOD before ADD: %s\n", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN,
	    0));
	printf("DEL before ADD: %s\n", ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0));
	printf("ADD: %s\n", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
	printf("ADD twice: %s\n", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
	printf("ADD NULL event: %s\n", epoll_ctl(ep, EPOLL_CTL_ADD, p[1],
	    NULL) < 0 ? strerror(errno) : "ok");
	printf("DEL NULL event: %s\n", epoll_ctl(ep, EPOLL_CTL_DEL, p[0],
	    NULL) < 0 ? strerror(errno) : "ok");
	printf("ADD with no events: %s\n", ctl(ep, EPOLL_CTL_ADD, p[0], 0,
	    1));
	write(p[1], "x", 1);
	wait_show("no interest, data", ep, 16, 0);
	close(p[1]);
	wait_show("no interest, HUP", ep, 16, 0);
	close(p[0]);
	wait_show("closed", ep, 16, 0);

	/* a dup keeps the open file alive: the item stays and reports
	 * with its old data; DEL by the closed fd is EBADF */
	pipe(p);
	printf("ADD read end: %s\n", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN,
	    5));
	d = dup(p[0]);
	printf("ADD the dup too: %s\n", ctl(ep, EPOLL_CTL_ADD, d, EPOLLIN,
	    6));
	write(p[1], "y", 1);
	wait_show("both fds", ep, 16, 0);
	close(p[0]);
	wait_show("first fd closed, dup open", ep, 16, 0);
	printf("DEL by the closed fd: %s\n", ctl(ep, EPOLL_CTL_DEL, p[0], 0,
	    0));
	close(d);
	wait_show("all closed", ep, 16, 0);

	/* the same fd number, a new file: a new key */
	pipe(p);
	write(p[1], "z", 1);
	printf("ADD new file at the old number: %s\n", ctl(ep,
	    EPOLL_CTL_ADD, p[0], EPOLLIN, 7));
	wait_show("new file", ep, 16, 0);

	/* closing the epoll fd itself frees its items; the files live */
	ep2 = epoll_create1(0);
	printf("ADD to a second epoll: %s\n", ctl(ep2, EPOLL_CTL_ADD, p[0],
	    EPOLLIN, 8));
	close(ep2);
	wait_show("first epoll still works", ep, 16, 0);
	printf("read after: %d\n", (int)read(p[0], &d, 1));
	close(ep);
	printf("write after closing the epoll: %d\n", (int)write(p[1], "w",
	    1));
	return 0;
}
