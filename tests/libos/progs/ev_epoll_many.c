/* ev_epoll_many: 1000 pipes in one epoll: only the ready ones come
 * back, level-triggered items are served round robin under maxevents,
 * HUPs when writers go, items vanish when read ends close. */
/* TIMEOUT: 120 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#define N	1000

static int rd[N], wr[N];
static struct epoll_event ev[2 * N];

/* One wait: how many, whether all match `want` and the predicate. */
static int
wait_check(int ep, int max, unsigned want, int (*pred)(int), int *first,
    int *last)
{
	int r, i, ok = 1;

	r = epoll_wait(ep, ev, max, 0);
	for (i = 0; i < r; i++)
		if (ev[i].events != want || !pred((int)ev[i].data.u64))
			ok = 0;
	if (r > 0) {
		*first = (int)ev[0].data.u64;
		*last = (int)ev[r - 1].data.u64;
	}
	return ok ? r : -1000 - r;
}

static int sevenths(int i) { return i % 7 == 3; }
static int evens(int i) { return i % 2 == 0; }
static int odds_sevenths(int i) { return i % 2 == 1 && i % 7 == 3; }

int
main(void)
{
	struct rlimit rl;
	struct epoll_event e;
	int ep, i, r, first = -1, last = -1, seen[N], all;
	char c;

	ep = epoll_create1(0);
	for (i = 0; i < N; i++) {
		int p[2], pr = pipe(p);
		/* a Linux host may allow only 1024 fds: ask for more then
		 * (only then: Tandem has 65536) */
		if (pr != 0 && errno == EMFILE &&
		    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			pr = pipe(p);
		}
		if (pr != 0) {
			printf("pipe %d: %s\n", i, strerror(errno));
			return 1;
		}
		rd[i] = p[0];
		wr[i] = p[1];
		e.events = EPOLLIN;
		e.data.u64 = (uint64_t)i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], &e) != 0) {
			printf("add %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("%d pipes registered\n", N);
	printf("nothing ready -> %d\n", epoll_wait(ep, ev, 2 * N, 0));
	for (i = 0; i < N; i++)
		if (i % 7 == 3)
			write(wr[i], "x", 1);
	r = wait_check(ep, 2 * N, EPOLLIN, sevenths, &first, &last);
	printf("every 7th written -> %d (first %d last %d)\n", r, first,
	    last);
	/* maxevents 50: three waits cover all 143, then it wraps */
	memset(seen, 0, sizeof(seen));
	all = 0;
	for (i = 0; i < 3; i++) {
		int j;
		r = wait_check(ep, 50, EPOLLIN, sevenths, &first, &last);
		printf("maxevents 50 -> %d (first %d last %d)\n", r, first,
		    last);
		for (j = 0; j < r; j++)
			if (!seen[ev[j].data.u64]++)
				all++;
	}
	printf("distinct fds seen in three waits: %d\n", all);
	for (i = 0; i < N; i++)
		if (i % 7 == 3)
			read(rd[i], &c, 1);
	printf("all read -> %d\n", epoll_wait(ep, ev, 2 * N, 0));

	/* the writers of even pipes go: their read ends report HUP */
	for (i = 0; i < N; i += 2)
		close(wr[i]);
	r = wait_check(ep, 2 * N, EPOLLHUP, evens, &first, &last);
	printf("even writers closed -> %d (first %d last %d)\n", r, first,
	    last);
	/* closing those read ends removes their items */
	for (i = 0; i < N; i += 2)
		close(rd[i]);
	printf("even read ends closed -> %d\n", epoll_wait(ep, ev, 2 * N, 0));
	for (i = 1; i < N; i += 2)
		if (i % 7 == 3)
			write(wr[i], "y", 1);
	r = wait_check(ep, 2 * N, EPOLLIN, odds_sevenths, &first, &last);
	printf("odd 7ths written -> %d (first %d last %d)\n", r, first, last);
	return 0;
}
