/* ev_select: select/pselect on pipes: sets in and out, the count (an fd
 * ready in two sets counts twice), EBADF for a closed fd in any set,
 * timeouts, fds above 1024 with a bigger set, pselect's signal mask. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>

static volatile int caught;

static void
on_usr1(int sig)
{

	caught++;
}

static void
show(const char *what, int r, fd_set *rs, fd_set *ws, int maxfd)
{
	int fd;

	printf("%-36s -> %d %s", what, r, r < 0 ? strerror(errno) : "");
	if (r >= 0) {
		printf(" read:");
		for (fd = 0; fd < maxfd; fd++)
			if (rs != NULL && FD_ISSET(fd, rs))
				printf(" %d", fd);
		printf(" write:");
		for (fd = 0; fd < maxfd; fd++)
			if (ws != NULL && FD_ISSET(fd, ws))
				printf(" %d", fd);
	}
	printf("\n");
}

int
main(void)
{
	int p[2], q[2], r, big;
	fd_set rs, ws, es;
	struct timeval tv;
	struct timespec ts;
	sigset_t block, empty;
	unsigned long *bigset;

	pipe(p);		/* 3 4 */
	pipe(q);		/* 5 6 */
	FD_ZERO(&rs); FD_ZERO(&ws);
	FD_SET(p[0], &rs); FD_SET(q[0], &rs);
	tv.tv_sec = 0; tv.tv_usec = 0;
	r = select(7, &rs, NULL, NULL, &tv);
	show("nothing readable, timeout 0", r, &rs, NULL, 7);

	FD_ZERO(&rs); FD_SET(p[0], &rs); FD_SET(q[0], &rs);
	tv.tv_sec = 0; tv.tv_usec = 30000;
	r = select(7, &rs, NULL, NULL, &tv);
	show("nothing readable, 30ms", r, &rs, NULL, 7);

	write(q[1], "x", 1);
	FD_ZERO(&rs); FD_ZERO(&ws);
	FD_SET(p[0], &rs); FD_SET(q[0], &rs);
	FD_SET(p[1], &ws); FD_SET(q[1], &ws);
	r = select(7, &rs, &ws, NULL, NULL);
	show("q readable, both writable", r, &rs, &ws, 7);

	/* an fd in two sets counts twice; the except set stays empty */
	FD_ZERO(&rs); FD_ZERO(&ws); FD_ZERO(&es);
	FD_SET(q[0], &rs); FD_SET(q[0], &ws); FD_SET(q[0], &es);
	r = select(7, &rs, &ws, &es, NULL);
	show("read end in all three sets", r, &rs, &ws, 7);
	printf("except set has it: %d\n", FD_ISSET(q[0], &es));
	r = eventfd(1, 0);
	FD_ZERO(&rs); FD_ZERO(&ws);
	FD_SET(r, &rs); FD_SET(r, &ws);
	r = select(r + 1, &rs, &ws, NULL, NULL);
	show("eventfd in read and write sets", r, &rs, &ws, 8);
	close(7);

	/* nfds limits what is looked at */
	FD_ZERO(&rs); FD_SET(q[0], &rs);
	tv.tv_sec = 0; tv.tv_usec = 0;
	r = select(5, &rs, NULL, NULL, &tv);
	show("fd 5 set but nfds 5", r, &rs, NULL, 7);

	/* a writer gone: readable (EOF) */
	close(p[1]);
	FD_ZERO(&rs); FD_SET(p[0], &rs);
	r = select(7, &rs, NULL, NULL, NULL);
	show("writer gone", r, &rs, NULL, 7);

	/* a closed fd in any set: EBADF */
	FD_ZERO(&rs); FD_SET(p[1], &rs);
	r = select(7, &rs, NULL, NULL, NULL);
	show("closed fd in read set", r, NULL, NULL, 7);
	FD_ZERO(&ws); FD_SET(p[1], &ws);
	r = select(7, NULL, &ws, NULL, NULL);
	show("closed fd in write set", r, NULL, NULL, 7);
	FD_ZERO(&es); FD_SET(p[1], &es);
	r = select(7, NULL, NULL, &es, NULL);
	show("closed fd in except set", r, NULL, NULL, 7);
	r = select(-1, NULL, NULL, NULL, NULL);
	show("nfds -1", r, NULL, NULL, 0);
	tv.tv_sec = -1; tv.tv_usec = 0;
	r = select(0, NULL, NULL, NULL, &tv);
	show("negative timeout", r, NULL, NULL, 0);
	tv.tv_sec = 0; tv.tv_usec = 20000;
	r = select(0, NULL, NULL, NULL, &tv);
	show("a 20ms sleep", r, NULL, NULL, 0);

	/* beyond FD_SETSIZE with a bigger set */
	big = dup2(q[0], 1500);
	bigset = calloc(2048 / 64, sizeof(long));
	bigset[big / 64] |= 1UL << (big % 64);
	r = select(big + 1, (fd_set *)bigset, NULL, NULL, NULL);
	printf("fd %d in a 2048-bit set -> %d, set: %d\n", big, r,
	    (int)(bigset[big / 64] >> (big % 64) & 1));
	close(big);
	bigset[big / 64] |= 1UL << (big % 64);
	r = select(big + 1, (fd_set *)bigset, NULL, NULL, NULL);
	printf("after closing it -> %d %s\n", r, strerror(errno));

	/* pselect: the mask lets a pending signal in */
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR1);
	FD_ZERO(&rs); FD_SET(p[0], &rs);
	read(p[0], &r, 1);
	ts.tv_sec = 0; ts.tv_nsec = 10000000;
	FD_ZERO(&rs);
	FD_SET(3, &rs);
	close(q[1]);
	read(q[0], &r, 1);
	r = pselect(0, NULL, NULL, NULL, &ts, &block);
	printf("pselect, SIGUSR1 stays blocked -> %d, handler ran %d\n", r,
	    caught);
	sigemptyset(&empty);
	ts.tv_sec = 5;
	r = pselect(0, NULL, NULL, NULL, &ts, &empty);
	printf("pselect unblocking it -> %d %s, handler ran %d\n", r,
	    r < 0 ? strerror(errno) : "", caught);
	return 0;
}
