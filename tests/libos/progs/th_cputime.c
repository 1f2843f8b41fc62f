/* th_cputime: the CPU-time clocks count running, not waiting: a thread
 * blocked in read() on a pipe, in a futex or in a sleep gains little
 * of it; a busy loop gains at most its wall time and does get there;
 * the process clock sums the threads, exited ones too (coarse facts
 * only, none that a loaded host could change). */
/* STATUS: 0 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define MS	1000000LL

static int pfd[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static long long
ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Spins until the calling thread has run ms more milliseconds (not
 * wall time: a loaded host gives the Linux reference less than a whole
 * CPU), or 20 s of wall time went by; 1 if the CPU time got there. */
static int
spin(long long ms)
{
	long long end = ns(CLOCK_THREAD_CPUTIME_ID) + ms * MS;
	long long cap = ns(CLOCK_MONOTONIC) + 20000 * MS;
	volatile unsigned x = 0;

	while (ns(CLOCK_THREAD_CPUTIME_ID) < end)
		if (++x % 64 == 0 && ns(CLOCK_MONOTONIC) > cap)
			return 0;
	return 1;
}

static void *
late_writer(void *a)
{
	usleep(200000);
	if (write(pfd[1], "x", 1) != 1)
		perror("write");
	return a;
}

static void *
late_signaller(void *a)
{
	usleep(200000);
	pthread_mutex_lock(&mu);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return a;
}

static void *
spinner(void *a)
{
	spin(150);
	return a;
}

/* Prints whether the calling thread's CPU time grew by less than half
 * the wall time while it waited. */
static void
report_wait(const char *what, long long c0, long long w0)
{
	long long c = ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	long long w = ns(CLOCK_MONOTONIC) - w0;

	printf("%s: waited >= 200ms: %s, thread cpu < wall/2: %s\n", what,
	    w >= 200 * MS ? "yes" : "no", c >= 0 && c < w / 2 ? "yes" : "no");
}

int
main(void)
{
	pthread_t th;
	long long c0, w0, p0, c, w, p, prev;
	char ch;
	int i, ok;

	if (pipe(pfd) != 0)
		return 1;
	pthread_create(&th, NULL, late_writer, NULL);
	c0 = ns(CLOCK_THREAD_CPUTIME_ID);
	w0 = ns(CLOCK_MONOTONIC);
	p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	printf("read: %d\n", (int)read(pfd[0], &ch, 1));
	report_wait("pipe read", c0, w0);
	p = ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	printf("pipe read: process cpu < wall/2: %s\n",
	    p >= 0 && p < (ns(CLOCK_MONOTONIC) - w0) / 2 ? "yes" : "no");
	pthread_join(th, NULL);

	pthread_create(&th, NULL, late_signaller, NULL);
	c0 = ns(CLOCK_THREAD_CPUTIME_ID);
	w0 = ns(CLOCK_MONOTONIC);
	pthread_mutex_lock(&mu);
	while (!ready)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	report_wait("cond wait", c0, w0);
	pthread_join(th, NULL);

	c0 = ns(CLOCK_THREAD_CPUTIME_ID);
	w0 = ns(CLOCK_MONOTONIC);
	ok = spin(200);
	c = ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	w = ns(CLOCK_MONOTONIC) - w0;
	printf("busy loop: thread cpu reached 200ms: %s, <= wall + 10ms: %s\n",
	    ok ? "yes" : "no", c <= w + 10 * MS ? "yes" : "no");

	/* a thread that spins and ends: its time stays in the process's */
	p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	c0 = ns(CLOCK_THREAD_CPUTIME_ID);
	pthread_create(&th, NULL, spinner, NULL);
	pthread_join(th, NULL);
	p = ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	c = ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	printf("exited spinner: process cpu >= 75ms: %s, main's < 75ms: %s\n",
	    p >= 75 * MS ? "yes" : "no", c < 75 * MS ? "yes" : "no");

	prev = ns(CLOCK_THREAD_CPUTIME_ID);
	for (ok = 1, i = 0; i < 10000; i++) {
		c = ns(CLOCK_THREAD_CPUTIME_ID);
		if (c < prev)
			ok = 0;
		prev = c;
	}
	printf("thread cputime never goes back: %s\n", ok ? "yes" : "no");
	return 0;
}
