/* ev_timerfd: one-shot and periodic timers (coarse counts only),
 * gettime, old values, TFD_TIMER_ABSTIME in the past, disarming, bad
 * arguments, epoll on timers (ET hears a periodic timer once until it
 * is read), several timers firing in deadline order. */
/* TIMEOUT: 120 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MS	1000000L

static struct itimerspec
its(long vsec, long vns, long isec, long ins)
{
	struct itimerspec t;

	t.it_value.tv_sec = vsec;
	t.it_value.tv_nsec = vns;
	t.it_interval.tv_sec = isec;
	t.it_interval.tv_nsec = ins;
	return t;
}

static long
ns(const struct timespec *ts)
{

	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

static long long
rd(int fd)
{
	uint64_t v;
	long r = read(fd, &v, 8);

	return r < 0 ? -errno : (long long)v;
}

int
main(void)
{
	static const int ms[5] = { 250, 50, 150, 100, 200 };
	int fd, bl, ep, p[2], t[5], i, r, got;
	struct itimerspec s, old;
	struct pollfd pf;
	struct epoll_event e[5];
	long long v;

	r = timerfd_create(42, 0);
	printf("bad clock -> %d %s\n", r, strerror(errno));
	r = timerfd_create(CLOCK_MONOTONIC, 0x10);
	printf("bad flags -> %d %s\n", r, strerror(errno));
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	printf("created: FD_CLOEXEC %d O_NONBLOCK %d\n", fcntl(fd, F_GETFD),
	    !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	printf("read unarmed -> %lld\n", rd(fd));
	timerfd_gettime(fd, &old);
	printf("gettime unarmed: %ld %ld\n", ns(&old.it_value),
	    ns(&old.it_interval));

	/* one-shot, 50 ms */
	s = its(0, 50 * MS, 0, 0);
	printf("settime 50ms -> %d\n", timerfd_settime(fd, 0, &s, &old));
	timerfd_gettime(fd, &old);
	printf("remaining in (0, 50ms]: %d\n", ns(&old.it_value) > 0 &&
	    ns(&old.it_value) <= 50 * MS);
	printf("read before expiry -> %lld\n", rd(fd));
	pf.fd = fd;
	pf.events = POLLIN;
	r = poll(&pf, 1, 5000);
	printf("poll -> %d revents %x\n", r, pf.revents);
	printf("read -> %lld\n", rd(fd));
	printf("read again -> %lld\n", rd(fd));
	timerfd_gettime(fd, &old);
	printf("gettime after: %ld %ld\n", ns(&old.it_value),
	    ns(&old.it_interval));

	/* periodic: 10 ms then every 20 ms; 105 ms later about 5 ticks */
	s = its(0, 10 * MS, 0, 20 * MS);
	timerfd_settime(fd, 0, &s, NULL);
	poll(NULL, 0, 105);
	v = rd(fd);
	/* expiries at 10, 30, 50, 70, 90 ms at least (no upper bound: an
	 * emulated machine may oversleep) */
	printf("periodic ticks >= 5: %d\n", v >= 5);
	timerfd_gettime(fd, &old);
	printf("interval %ld, next in (0, 20ms]: %d\n", ns(&old.it_interval),
	    ns(&old.it_value) > 0 && ns(&old.it_value) <= 20 * MS);
	/* replacing it returns the old setting */
	s = its(10, 0, 0, 0);
	timerfd_settime(fd, 0, &s, &old);
	printf("old interval %ld\n", ns(&old.it_interval));
	s = its(0, 0, 0, 0);
	timerfd_settime(fd, 0, &s, &old);
	printf("old value in (9s, 10s]: %d, interval %ld\n",
	    ns(&old.it_value) > 9000 * MS && ns(&old.it_value) <= 10000 * MS,
	    ns(&old.it_interval));
	poll(NULL, 0, 30);
	printf("disarmed: read -> %lld\n", rd(fd));

	/* a blocking read waits for the next expiry */
	bl = timerfd_create(CLOCK_BOOTTIME, 0);
	s = its(0, 30 * MS, 0, 0);
	timerfd_settime(bl, 0, &s, NULL);
	printf("blocking read -> %lld\n", rd(bl));

	/* absolute times in the past fire at once */
	s = its(0, 1, 0, 0);
	printf("ABSTIME 1ns (monotonic) -> %d\n", timerfd_settime(bl,
	    TFD_TIMER_ABSTIME, &s, NULL));
	printf("read -> %lld\n", rd(bl));
	close(bl);
	bl = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	s = its(1000, 0, 0, 0);
	printf("ABSTIME 1000s (realtime) -> %d\n", timerfd_settime(bl,
	    TFD_TIMER_ABSTIME, &s, NULL));
	pf.fd = bl;
	printf("poll -> %d\n", poll(&pf, 1, 5000));
	printf("read -> %lld\n", rd(bl));
	/* armed, expired, then disarmed: the count is gone */
	timerfd_settime(bl, TFD_TIMER_ABSTIME, &s, NULL);
	poll(&pf, 1, 5000);
	s = its(0, 0, 0, 0);
	timerfd_settime(bl, 0, &s, NULL);
	printf("expired then disarmed: read -> %lld\n", rd(bl));
	close(bl);

	/* bad arguments */
	s = its(0, 1000000000, 0, 0);
	r = timerfd_settime(fd, 0, &s, NULL);
	printf("nsec 1e9 -> %d %s\n", r, strerror(errno));
	s = its(-1, 0, 0, 0);
	r = timerfd_settime(fd, 0, &s, NULL);
	printf("negative -> %d %s\n", r, strerror(errno));
	s = its(1, 0, 0, 0);
	r = timerfd_settime(fd, 4, &s, NULL);
	printf("bad flags -> %d %s\n", r, strerror(errno));
	pipe(p);
	r = timerfd_settime(p[0], 0, &s, NULL);
	printf("settime on a pipe -> %d %s\n", r, strerror(errno));
	r = timerfd_gettime(p[0], &old);
	printf("gettime on a pipe -> %d %s\n", r, strerror(errno));
	r = timerfd_settime(99, 0, &s, NULL);
	printf("settime bad fd -> %d %s\n", r, strerror(errno));
	r = (int)read(fd, &v, 4);
	printf("4-byte read -> %d %s\n", r, strerror(errno));
	r = (int)write(fd, &v, 8);
	printf("write -> %d %s\n", r, strerror(errno));

	/* edge-triggered epoll: a periodic timer is one event until read */
	ep = epoll_create1(0);
	e[0].events = EPOLLIN | EPOLLET;
	e[0].data.u64 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, e);
	s = its(0, 10 * MS, 0, 10 * MS);
	timerfd_settime(fd, 0, &s, NULL);
	r = epoll_wait(ep, e, 5, 5000);
	printf("ET first expiry -> %d\n", r);
	r = epoll_wait(ep, e, 5, 60);
	printf("ET, not read, 60ms later -> %d\n", r);
	v = rd(fd);
	printf("read: ticks >= 4: %d\n", v >= 4);
	r = epoll_wait(ep, e, 5, 5000);
	printf("ET after reading -> %d\n", r);
	close(fd);

	/* five timers: they fire in deadline order (several may come in
	 * one wait; each reported one is read so it is not reported again) */
	for (i = 0; i < 5; i++) {
		t[i] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
		s = its(0, ms[i] * MS, 0, 0);
		timerfd_settime(t[i], 0, &s, NULL);
		e[0].events = EPOLLIN;
		e[0].data.u64 = (uint64_t)i;
		epoll_ctl(ep, EPOLL_CTL_ADD, t[i], e);
	}
	printf("order:");
	for (got = 0; got < 5; got += r) {
		r = epoll_wait(ep, e, 5, 5000);
		if (r <= 0)
			break;
		for (i = 0; i < r; i++) {
			printf(" %d", ms[e[i].data.u64]);
			rd(t[e[i].data.u64]);
		}
	}
	printf("\n");
	/* closing an armed timer is fine */
	s = its(0, 20 * MS, 0, 20 * MS);
	timerfd_settime(t[0], 0, &s, NULL);
	close(t[0]);
	poll(NULL, 0, 50);
	printf("done\n");
	return 0;
}
