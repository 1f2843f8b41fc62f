/* ev_epoll_lt: level-triggered epoll on pipes: exact event masks, items
 * stay ready while ready, maxevents and round robin, HUP/ERR when the
 * peer goes, epoll_create* and epoll_wait arguments. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ev_util.h"

static volatile int caught;

static void
on_usr1(int sig)
{

	caught++;
}

/* epoll_pwait and epoll_pwait2 (a timespec; not in musl 1.2.3) */
static void
pwaits(int ep)
{
	struct epoll_event ev;
	struct timespec ts = { 0, 20000000 };
	sigset_t block, empty;
	int e2, p[2];
	long r;

	e2 = epoll_create1(0);
	r = syscall(SYS_epoll_pwait2, e2, &ev, 1, &ts, NULL, 8);
	printf("pwait2 20ms, nothing -> %ld\n", r);
	ts.tv_nsec = 1000000000;
	r = syscall(SYS_epoll_pwait2, e2, &ev, 1, &ts, NULL, 8);
	printf("pwait2 bad timespec -> %ld %s\n", r, strerror(errno));
	pipe(p);
	write(p[1], "x", 1);
	add(e2, p[0], EPOLLIN, 9);
	r = syscall(SYS_epoll_pwait2, e2, &ev, 1, NULL, NULL, 8);
	printf("pwait2 no timeout, ready -> %ld data %d\n", r,
	    (int)ev.data.u64);
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR1);
	r = epoll_pwait(e2, &ev, 1, 10, &block);
	printf("pwait, ready, SIGUSR1 pending -> %ld, handler ran %d\n", r,
	    caught);
	read(p[0], &ev, 1);
	r = epoll_pwait(e2, &ev, 1, 10, &block);
	printf("pwait, not ready, SIGUSR1 blocked -> %ld, handler ran %d\n",
	    r, caught);
	r = epoll_pwait(e2, &ev, 1, 5000, &empty);
	printf("pwait unblocking it -> %ld %s, handler ran %d\n", r,
	    r < 0 ? strerror(errno) : "", caught);
	raise(SIGUSR1);
	ts.tv_sec = 5;
	ts.tv_nsec = 0;
	r = syscall(SYS_epoll_pwait2, e2, &ev, 1, &ts, &empty, 8);
	printf("pwait2 unblocking it -> %ld %s, handler ran %d\n", r,
	    r < 0 ? strerror(errno) : "", caught);
	r = syscall(SYS_epoll_pwait2, e2, &ev, 1, &ts, &empty, 4);
	printf("pwait2 sigsetsize 4 -> %ld %s\n", r, strerror(errno));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
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
	pwaits(ep);
	return 0;
}
