/* th_sched: the scheduler calls (one CPU here, several on the host:
 * only facts true on both), CPU clocks of threads, and a call musl makes
 * on every thread at once (setuid through __synccall). */
/* STATUS: 0 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;

static void *
blocked(void *arg)
{
	while (!stop)
		usleep(1000);
	return NULL;
}

static void *
busy(void *arg)
{
	struct timespec t0, t;
	volatile double x = 1;
	int i;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (i = 0; i < 2000000; i++)
		x = x * 1.0000001;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (void *)(long)(t.tv_sec > t0.tv_sec || t.tv_nsec > t0.tv_nsec);
}

int
main(void)
{
	struct sched_param sp;
	cpu_set_t set;
	pthread_t t[3];
	void *rv;
	int r, i;

	printf("sched_yield: %d\n", sched_yield());
	CPU_ZERO(&set);
	r = sched_getaffinity(0, sizeof(set), &set);
	printf("getaffinity: %d, some CPU: %s\n", r,
	    CPU_COUNT(&set) >= 1 ? "yes" : "no");
	printf("online CPUs match the affinity mask: %s\n",
	    sysconf(_SC_NPROCESSORS_ONLN) == CPU_COUNT(&set) ? "yes" : "no");
	r = sched_setaffinity(0, sizeof(set), &set);
	printf("setaffinity to the same set: %d\n", r);
	CPU_ZERO(&set);
	printf("setaffinity to no CPU: %s\n",
	    sched_setaffinity(0, sizeof(set), &set) ? strerror(errno) : "ok");
	printf("getcpu: %s\n", sched_getcpu() >= 0 ? "ok" : strerror(errno));
	/* musl's wrappers of these say ENOSYS without asking: the calls */
	printf("getscheduler: %s\n", syscall(SYS_sched_getscheduler, 0) ==
	    SCHED_OTHER ? "SCHED_OTHER" : "other");
	sp.sched_priority = 7;
	r = (int)syscall(SYS_sched_getparam, 0, &sp);
	printf("getparam: %d priority %d\n", r, sp.sched_priority);
	printf("priority range OTHER %d..%d, FIFO %d..%d, RR %d..%d\n",
	    sched_get_priority_min(SCHED_OTHER),
	    sched_get_priority_max(SCHED_OTHER),
	    sched_get_priority_min(SCHED_FIFO),
	    sched_get_priority_max(SCHED_FIFO),
	    sched_get_priority_min(SCHED_RR), sched_get_priority_max(SCHED_RR));
	r = sched_get_priority_max(99);
	printf("bad policy: %d %s\n", r, strerror(errno));
	sp.sched_priority = 0;
	printf("setscheduler OTHER: %s\n", syscall(SYS_sched_setscheduler, 0,
	    SCHED_OTHER, &sp) ? strerror(errno) : "ok");
	sp.sched_priority = 5;
	printf("setscheduler OTHER prio 5: %s\n",
	    syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp) ?
	    strerror(errno) : "ok");
	printf("getscheduler no such pid: %s\n",
	    syscall(SYS_sched_getscheduler, 999999) < 0 ? strerror(errno) :
	    "found");

	pthread_create(&t[0], NULL, busy, NULL);
	pthread_join(t[0], &rv);
	printf("a busy thread's CPU clock advances: %s\n", rv ? "yes" : "no");

	/* setuid with threads: musl runs it on every thread by signal */
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, blocked, NULL);
	usleep(5000);
	r = setuid(getuid());
	printf("setuid with 3 threads: %s\n", r ? strerror(errno) : "ok");
	r = setgid(getgid());
	printf("setgid with 3 threads: %s\n", r ? strerror(errno) : "ok");
	stop = 1;
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("threads joined\n");
	return 0;
}
