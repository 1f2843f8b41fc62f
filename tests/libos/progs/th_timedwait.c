/* th_timedwait: pthread_cond_timedwait (both clocks), sem_timedwait,
 * pthread_mutex_timedlock, pthread_timedjoin_np-like waits. */
/* STATUS: 0 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag;

static struct timespec
in_ms(clockid_t clk, long ms)
{
	struct timespec t;

	clock_gettime(clk, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void *
signaller(void *arg)
{
	usleep(30000);
	pthread_mutex_lock(&mu);
	flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *
holder(void *arg)
{
	pthread_mutex_lock(&mu);
	usleep(200000);
	pthread_mutex_unlock(&mu);
	return NULL;
}

int
main(void)
{
	struct timespec t0, dl;
	pthread_condattr_t ca;
	pthread_cond_t mcv;
	pthread_t t;
	sem_t sem;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	dl = in_ms(CLOCK_REALTIME, 100);
	pthread_mutex_lock(&mu);
	r = pthread_cond_timedwait(&cv, &mu, &dl);
	pthread_mutex_unlock(&mu);
	printf("cond_timedwait realtime 100ms: %s, >= 100ms: %s\n",
	    strerror(r), ms_since(&t0) >= 100 ? "yes" : "no");

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mcv, &ca);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dl = in_ms(CLOCK_MONOTONIC, 80);
	pthread_mutex_lock(&mu);
	r = pthread_cond_timedwait(&mcv, &mu, &dl);
	pthread_mutex_unlock(&mu);
	printf("cond_timedwait monotonic 80ms: %s, >= 80ms: %s\n",
	    strerror(r), ms_since(&t0) >= 80 ? "yes" : "no");

	/* signalled before the deadline */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&t, NULL, signaller, NULL);
	dl = in_ms(CLOCK_REALTIME, 5000);
	pthread_mutex_lock(&mu);
	r = 0;
	while (!flag && r == 0)
		r = pthread_cond_timedwait(&cv, &mu, &dl);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
	printf("signalled in time: %s, flag=%d, < 5s: %s\n", strerror(r), flag,
	    ms_since(&t0) < 5000 ? "yes" : "no");

	/* a deadline in the past */
	dl = in_ms(CLOCK_REALTIME, -1000);
	pthread_mutex_lock(&mu);
	r = pthread_cond_timedwait(&cv, &mu, &dl);
	pthread_mutex_unlock(&mu);
	printf("past deadline: %s\n", strerror(r));
	dl.tv_nsec = 2000000000;
	pthread_mutex_lock(&mu);
	r = pthread_cond_timedwait(&cv, &mu, &dl);
	pthread_mutex_unlock(&mu);
	printf("bad nsec: %s\n", strerror(r));

	sem_init(&sem, 0, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dl = in_ms(CLOCK_REALTIME, 60);
	r = sem_timedwait(&sem, &dl);
	printf("sem_timedwait 60ms: %s, >= 60ms: %s\n",
	    r ? strerror(errno) : "ok", ms_since(&t0) >= 60 ? "yes" : "no");
	sem_post(&sem);
	r = sem_timedwait(&sem, &dl);
	printf("sem_timedwait posted: %s\n", r ? strerror(errno) : "ok");

	pthread_create(&t, NULL, holder, NULL);
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dl = in_ms(CLOCK_REALTIME, 50);
	r = pthread_mutex_timedlock(&mu, &dl);
	printf("mutex_timedlock held: %s, >= 50ms: %s\n", strerror(r),
	    ms_since(&t0) >= 50 ? "yes" : "no");
	dl = in_ms(CLOCK_REALTIME, 3000);
	r = pthread_mutex_timedlock(&mu, &dl);
	printf("mutex_timedlock after release: %s\n", strerror(r));
	if (r == 0)
		pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
	return 0;
}
