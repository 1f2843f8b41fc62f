/*
 * ev_util.h -- what the ev_epoll_* programs share: epoll event bits by
 * name, an epoll_wait that prints what it got, and EPOLL_CTL_ADD with a
 * data word.  Included by the programs, not built on its own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

static __attribute__((unused)) const char *
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

static __attribute__((unused)) void
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

static __attribute__((unused)) int
add(int ep, int fd, unsigned events, int data)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.u64 = (uint64_t)data;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}
