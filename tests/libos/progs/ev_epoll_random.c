/* ev_epoll_random: a fixed pseudo-random walk over pipes, eventfds, two
 * epolls (one inside the other) and poll: every write, read, ctl (LT,
 * ET, ONESHOT, MOD, DEL), dup, close and wait is printed, so any
 * difference from Linux in readiness, event masks or ready-list order
 * shows.  ARGS: the seed and the number of steps. */
/* ARGS: 12345 3000 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define NP	6		/* pipes */
#define NE	2		/* eventfds */
#define NF	(2 * NP + NE)	/* watched files: pipe ends, eventfds */

static uint64_t seed;
static int fds[NF], dups[NF], ep, outer;
static char buf[70000];

static unsigned
rnd(unsigned n)
{

	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

static void
mkpipe(int i)
{
	int p[2];

	pipe2(p, O_NONBLOCK);
	fds[2 * i] = p[0];
	fds[2 * i + 1] = p[1];
}

static int
slot_of(int fd)
{
	int i;

	for (i = 0; i < NF; i++)
		if (fds[i] == fd)
			return i;
	return -1;
}

static void
res(long r)
{

	if (r < 0)
		printf(" -> %s\n", strerror(errno));
	else
		printf(" -> %ld\n", r);
}

static void
ewait(int e, const char *name)
{
	struct epoll_event ev[8];
	int max = 1 + (int)rnd(8), r, i;

	r = epoll_wait(e, ev, max, 0);
	printf("wait %s max %d ->", name, max);
	if (r < 0)
		printf(" %s", strerror(errno));
	for (i = 0; i < r; i++)
		printf(" %llu:%x", (unsigned long long)ev[i].data.u64,
		    ev[i].events);
	printf("\n");
}

static void
step(int n)
{
	static const unsigned evsets[] = {
		EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET,
		EPOLLOUT | EPOLLET, EPOLLIN | EPOLLONESHOT,
		EPOLLIN | EPOLLRDNORM, EPOLLIN | EPOLLOUT | EPOLLET, 0,
		EPOLLIN | EPOLLONESHOT | EPOLLET, EPOLLPRI | EPOLLRDHUP,
	};
	struct epoll_event e;
	struct pollfd pf[4];
	int s = (int)rnd(NF), k, op, i, fd;
	uint64_t v;

	fd = fds[s];
	printf("%d: ", n);
	switch (rnd(12)) {
	case 0:
	case 1:
		k = (int)(rnd(3) == 0 ? rnd(20000) : 1 + rnd(100));
		if (s >= 2 * NP) {
			v = 1 + rnd(3);
			printf("efd %d write %llu", s, (unsigned long long)v);
			res(write(fd, &v, 8));
		} else {
			fd = fds[s | 1];
			printf("pipe %d write %d", s / 2, k);
			res(write(fd, buf, (size_t)k));
		}
		break;
	case 2:
	case 3:
		k = 1 + (int)rnd(rnd(4) == 0 ? 70000 : 200);
		if (s >= 2 * NP) {
			printf("efd %d read", s);
			res(read(fd, &v, 8));
		} else {
			fd = fds[s & ~1];
			printf("pipe %d read %d", s / 2, k);
			res(read(fd, buf, (size_t)k));
		}
		break;
	case 4:
	case 5:
	case 6:
		op = 1 + (int)rnd(3);
		e.events = evsets[rnd(sizeof(evsets) / sizeof(evsets[0]))];
		e.data.u64 = (uint64_t)(100 * n + s);
		printf("ctl %s slot %d events %x", op == EPOLL_CTL_ADD ? "add" :
		    op == EPOLL_CTL_DEL ? "del" : "mod", s, e.events);
		res(epoll_ctl(ep, op, fd, &e));
		break;
	case 7:
	case 8:
		ewait(ep, "inner");
		break;
	case 9:
		if (rnd(3) == 0) {
			ewait(outer, "outer");
			break;
		}
		for (i = 0; i < 4; i++) {
			pf[i].fd = fds[rnd(NF)];
			pf[i].events = (short)(rnd(2) ? POLLIN : POLLOUT);
		}
		k = poll(pf, 4, 0);
		printf("poll %d:", k);
		for (i = 0; i < 4; i++)
			printf(" %d:%x", slot_of(pf[i].fd), pf[i].revents);
		printf("\n");
		break;
	case 10:
		/* dup the file, or close the dup */
		if (dups[s] >= 0) {
			printf("close dup of slot %d", s);
			res(close(dups[s]));
			dups[s] = -1;
		} else {
			dups[s] = dup(fd);
			printf("dup slot %d\n", s);
		}
		break;
	case 11:
		/* a new pipe or eventfd in place of the old */
		if (s < 2 * NP) {
			printf("new pipe %d", s / 2);
			close(fds[s & ~1]);
			close(fds[s | 1]);
			mkpipe(s / 2);
			res(0);
		} else {
			printf("new efd %d", s);
			close(fd);
			fds[s] = eventfd(rnd(2), EFD_NONBLOCK |
			    (rnd(2) ? EFD_SEMAPHORE : 0));
			res(0);
		}
		break;
	}
}

int
main(int argc, char **argv)
{
	struct epoll_event e;
	int i, n;

	seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
	n = argc > 2 ? atoi(argv[2]) : 1000;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (i = 0; i < NP; i++)
		mkpipe(i);
	for (i = 0; i < NE; i++)
		fds[2 * NP + i] = eventfd(0, EFD_NONBLOCK);
	for (i = 0; i < NF; i++)
		dups[i] = -1;
	ep = epoll_create1(0);
	outer = epoll_create1(0);
	e.events = EPOLLIN | EPOLLET;
	e.data.u64 = 999;
	epoll_ctl(outer, EPOLL_CTL_ADD, ep, &e);
	for (i = 0; i < n; i++)
		step(i);
	return 0;
}
