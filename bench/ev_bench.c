/*
 * ev_bench.c -- readiness hot paths of libos (issue 9), as an ordinary
 * C program: built with tandem-cc and booted under QEMU TCG with
 * -icount shift=0 (the guest TSC then counts instructions, exactly and
 * repeatably), or built with musl-gcc and run on Linux for comparison.
 * Prints "bench: NAME TOTAL ROUNDS" per loop; bench/ev.sh subtracts the
 * empty loop and divides.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#define ROUNDS	20000

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#define LOOP(name, body) do {						\
	uint64_t t0_ = rdtsc();						\
	for (i = 0; i < ROUNDS; i++) {					\
		body;							\
		__asm__ volatile("" ::: "memory");			\
	}								\
	printf("bench: %s %llu %d\n", name,				\
	    (unsigned long long)(rdtsc() - t0_), ROUNDS);		\
} while (0)

int
main(void)
{
	int p[2], ep, i, bad = 0;
	char c = 'x';
	struct pollfd pf;
	struct epoll_event ev;

	if (pipe(p) != 0 || (ep = epoll_create1(0)) < 0)
		return 1;
	LOOP("empty", (void)0);
	LOOP("getppid", getppid());
	LOOP("pipe_rtt", bad |= write(p[1], &c, 1) != 1;
	    bad |= read(p[0], &c, 1) != 1);
	LOOP("write1", bad |= write(p[1], &c, 1) != 1);
	LOOP("read1", bad |= read(p[0], &c, 1) != 1);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	LOOP("read_eagain", bad |= read(p[0], &c, 1) != -1);
	fcntl(p[0], F_SETFL, 0);
	write(p[1], &c, 1);		/* one ready fd from here on */
	pf.fd = p[0];
	pf.events = POLLIN;
	LOOP("poll1", bad |= poll(&pf, 1, 0) != 1);
	ev.events = EPOLLIN;
	ev.data.u64 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	LOOP("epoll1", bad |= epoll_wait(ep, &ev, 1, 0) != 1);
	/* the same with 1000 more pipes registered, none ready: a wait
	 * costs O(ready), not O(registered) */
	for (i = 0; i < 1000; i++) {
		int q[2];
		if (pipe(q) != 0)
			return 1;
		ev.events = EPOLLIN;
		ev.data.u64 = 2;
		epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
	}
	LOOP("epoll1k", bad |= epoll_wait(ep, &ev, 1, 0) != 1);
	printf("bench: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
