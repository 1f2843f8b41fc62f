/* th_clock: the clocks, their errors, and sleeps that take as long as
 * asked (coarse facts only: exact times differ between runs). */
/* STATUS: 0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *
ename(int e)
{
	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case EINTR: return "EINTR";
	default: return strerror(e);
	}
}

static long long
ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int
main(void)
{
	static const struct { clockid_t id; const char *name; } clk[] = {
		{ CLOCK_REALTIME, "REALTIME" },
		{ CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
		{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
		{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
		{ CLOCK_BOOTTIME, "BOOTTIME" },
	};
	struct timespec t, res, req, rem;
	struct timeval tv;
	long long a, b, prev;
	int i, ok, r;

	for (i = 0; i < (int)(sizeof(clk) / sizeof(clk[0])); i++) {
		r = clock_gettime(clk[i].id, &t);
		printf("%s: gettime %s, nsec in range %s", clk[i].name,
		    ename(r ? errno : 0),
		    t.tv_nsec >= 0 && t.tv_nsec < 1000000000 ? "yes" : "no");
		r = clock_getres(clk[i].id, &res);
		printf(", getres %s, res <= 10ms %s\n", ename(r ? errno : 0),
		    res.tv_sec == 0 && res.tv_nsec <= 10000000 ? "yes" : "no");
	}
	printf("bad clock: gettime %s", clock_gettime(12345, &t) ? ename(errno) : "ok");
	printf(", getres %s\n", clock_getres(12345, &res) ? ename(errno) : "ok");

	prev = ns(CLOCK_MONOTONIC);
	for (ok = 1, i = 0; i < 10000; i++) {
		a = ns(CLOCK_MONOTONIC);
		if (a < prev)
			ok = 0;
		prev = a;
	}
	printf("monotonic never goes back: %s\n", ok ? "yes" : "no");
	a = ns(CLOCK_REALTIME) / 1000000000LL;
	printf("realtime after 2020: %s\n", a > 1577836800LL ? "yes" : "no");
	gettimeofday(&tv, NULL);
	printf("gettimeofday agrees with realtime: %s\n",
	    tv.tv_sec - a <= 1 && tv.tv_sec >= a ? "yes" : "no");
	printf("time() agrees: %s\n", time(NULL) - a <= 1 ? "yes" : "no");

	a = ns(CLOCK_MONOTONIC);
	req.tv_sec = 0;
	req.tv_nsec = 100 * 1000000;
	r = nanosleep(&req, &rem);
	b = ns(CLOCK_MONOTONIC);
	printf("nanosleep 100ms: %s, slept >= 100ms: %s, < 2s: %s\n",
	    ename(r ? errno : 0), b - a >= 100000000 ? "yes" : "no",
	    b - a < 2000000000 ? "yes" : "no");
	a = ns(CLOCK_MONOTONIC);
	usleep(50000);
	b = ns(CLOCK_MONOTONIC);
	printf("usleep 50ms: slept >= 50ms: %s\n", b - a >= 50000000 ? "yes" : "no");
	a = ns(CLOCK_MONOTONIC);
	req.tv_nsec = 0;
	req.tv_sec = 1;
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
	b = ns(CLOCK_MONOTONIC);
	printf("clock_nanosleep 1s: %d, slept >= 1s: %s\n", r,
	    b - a >= 1000000000 ? "yes" : "no");
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += 80000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	a = ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
	b = ns(CLOCK_MONOTONIC);
	printf("clock_nanosleep absolute +80ms: %d, reached: %s\n", r,
	    b >= t.tv_sec * 1000000000LL + t.tv_nsec ? "yes" : "no");
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += 60000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	a = ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL);
	b = ns(CLOCK_MONOTONIC);
	printf("clock_nanosleep realtime absolute +60ms: %d, >= 50ms: %s\n", r,
	    b - a >= 50000000 ? "yes" : "no");
	t.tv_sec = 0;
	t.tv_nsec = 0;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
	printf("absolute time in the past: %d\n", r);
	req.tv_sec = 0;
	req.tv_nsec = 1000000000;
	printf("nanosleep bad nsec: %s\n", nanosleep(&req, NULL) ? ename(errno) : "ok");
	req.tv_sec = -1;
	req.tv_nsec = 0;
	printf("nanosleep negative: %s\n", nanosleep(&req, NULL) ? ename(errno) : "ok");
	printf("clock_nanosleep bad clock: %s\n",
	    ename(clock_nanosleep(12345, 0, &req, NULL)));
	printf("clock_nanosleep thread cputime: %s\n",
	    ename(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
	t.tv_sec = 1;
	t.tv_nsec = 0;
	printf("clock_settime MONOTONIC: %s\n",
	    clock_settime(CLOCK_MONOTONIC, &t) ? ename(errno) : "ok");

	/* CPU time: sleeping costs little of it (coarse: < 100ms of a
	 * 300ms sleep), for the process and the thread */
	a = ns(CLOCK_PROCESS_CPUTIME_ID);
	b = ns(CLOCK_THREAD_CPUTIME_ID);
	usleep(300000);
	a = ns(CLOCK_PROCESS_CPUTIME_ID) - a;
	b = ns(CLOCK_THREAD_CPUTIME_ID) - b;
	printf("process cputime during a 300ms sleep < 100ms: %s\n",
	    a >= 0 && a < 100000000LL ? "yes" : "no");
	printf("thread cputime during a 300ms sleep < 100ms: %s\n",
	    b >= 0 && b < 100000000LL ? "yes" : "no");
	{
		struct rusage ru;
		struct tms tm;
		r = getrusage(RUSAGE_SELF, &ru);
		printf("getrusage self: %s, ", ename(r ? errno : 0));
		r = getrusage(RUSAGE_THREAD, &ru);
		printf("thread: %s, ", ename(r ? errno : 0));
		r = getrusage(12345, &ru);
		printf("bad who: %s\n", r ? ename(errno) : "ok");
		printf("times: %s\n", times(&tm) != (clock_t)-1 ? "ok" : "error");
	}
	return 0;
}
