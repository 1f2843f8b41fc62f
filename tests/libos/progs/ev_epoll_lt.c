/* ev_epoll_lt: level-triggered epoll on pipes: exact event masks, items
 * stay ready while ready, maxevents and round robin, HUP/ERR when the
 * peer goes, epoll_create* and epoll_wait arguments. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static const char *
evs(unsigned m)
{
	static char buf[128];
	static const struct { unsigned bit; const char *name; } n[] = {
		{ EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" },
		{ EPOLLERR, "ERR" }, { EPOLLHUP, "HUP" },
		{ EPOLLRDNORM, "RDNORM" }, { EPOLLRDBAND, "RDBAND" },
		{ EPOLLWRNORM, "WRNORM" }, { EPOLLWRBAND, "WRBAND" },
		{ EPOLLMSG, "MSG" }, { EPOLLRDHUP, "RDHUP" },
	};
	unsigned i;

	buf[0] = 0;
	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if (m & n[i].bit) {
			if (buf[0])
				strcat(buf, "|");
			strcat(buf, n[i].name);
		}
	return buf[0] ? buf : "0";
}

static void
wait_show(const char *what, int ep, int max, int ms)
{
	struct epoll_event ev[16];
	int r, i;

	r = epoll_wait(ep, ev, max, ms);
	printf("%-34s -> %d%s%s", what, r, r < 0 ? " " : "",
	    r < 0 ? strerror(errno) : "");
	for (i = 0; i < r; i++)
		printf(" [%d %s]", (int)ev[i].data.u64, evs(ev[i].events));
	printf("\n");
}

static int
add(int ep, int fd, unsigned events, int data)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.u64 = (uint64_t)data;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

int
main(void)
{
	int ep, p[2], q[2], r;
	char buf[16];
	struct epoll_event ev;

	r = epoll_create(0);
	printf("epoll_create(0) -> %d %s\n", r, strerror(errno));
	r = epoll_create1(EPOLL_CLOEXEC | 1);
	printf("epoll_create1(bad) -> %d %s\n", r, strerror(errno));
	ep = epoll_create1(EPOLL_CLOEXEC);
	printf("epoll_create1(CLOEXEC) -> %d, FD_CLOEXEC %d\n", ep,
	    fcntl(ep, F_GETFD));
	r = epoll_create(100);
	printf("epoll_create(100) -> %d, FD_CLOEXEC %d\n", r,
	    fcntl(r, F_GETFD));
	close(r);
	r = read(ep, buf, 1);
	printf("read(epfd) -> %d %s\n", r, strerror(errno));

	pipe(p);
	pipe(q);
	printf("add read end -> %d\n", add(ep, p[0], EPOLLIN, 1));
	wait_show("empty, timeout 0", ep, 16, 0);
	wait_show("empty, timeout 30ms", ep, 16, 30);
	write(p[1], "abc", 3);
	wait_show("after write", ep, 16, -1);
	wait_show("again (level)", ep, 16, 0);
	read(p[0], buf, 2);
	wait_show("after a partial read", ep, 16, 0);
	read(p[0], buf, 1);
	wait_show("drained", ep, 16, 0);

	printf("add write end (OUT) -> %d\n", add(ep, p[1], EPOLLOUT, 2));
	printf("add q read end (IN|RDNORM) -> %d\n",
	    add(ep, q[0], EPOLLIN | EPOLLRDNORM, 3));
	printf("add q write end (IN) -> %d\n", add(ep, q[1], EPOLLIN, 4));
	write(q[1], "x", 1);
	write(p[1], "y", 1);
	wait_show("three ready", ep, 16, 0);
	wait_show("maxevents 1", ep, 1, 0);
	wait_show("maxevents 1", ep, 1, 0);
	wait_show("maxevents 1", ep, 1, 0);
	wait_show("maxevents 1", ep, 1, 0);
	wait_show("maxevents 2", ep, 2, 0);
	wait_show("maxevents 2", ep, 2, 0);

	/* the peers go */
	close(q[1]);
	wait_show("q writer gone, data left", ep, 16, 0);
	read(q[0], buf, 1);
	wait_show("q drained", ep, 16, 0);
	close(p[0]);
	wait_show("p reader gone", ep, 16, 0);

	/* arguments */
	r = epoll_wait(ep, &ev, 0, 0);
	printf("maxevents 0 -> %d %s\n", r, strerror(errno));
	r = epoll_wait(ep, &ev, -1, 0);
	printf("maxevents -1 -> %d %s\n", r, strerror(errno));
	r = epoll_wait(99, &ev, 1, 0);
	printf("bad epfd -> %d %s\n", r, strerror(errno));
	r = epoll_wait(p[1], &ev, 1, 0);
	printf("epfd not an epoll -> %d %s\n", r, strerror(errno));
	r = epoll_wait(ep, NULL, 1, 0);
	printf("NULL events -> %d %s\n", r, strerror(errno));
	return 0;
}
