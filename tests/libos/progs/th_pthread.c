/* th_pthread: create, join (return values), detach, self, equal, exit. */
/* STATUS: 0 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *
worker(void *arg)
{
	long n = (long)arg;

	pthread_mutex_lock(&mu);
	counter += (int)n;
	pthread_mutex_unlock(&mu);
	return (void *)(n * 10);
}

static void *
exiter(void *arg)
{
	pthread_exit((void *)77);
	return NULL;
}

static volatile int detached_ran;

static void *
detached(void *arg)
{
	detached_ran = 1;
	return NULL;
}

static void *
selfcheck(void *arg)
{
	pthread_t *main_t = arg;

	return (void *)(long)(pthread_equal(pthread_self(), *main_t) ? 1 : 2);
}

int
main(void)
{
	pthread_t t[4], d, m = pthread_self();
	pthread_attr_t a;
	void *rv;
	long sum = 0;
	int i, e;

	for (i = 0; i < 4; i++)
		if ((e = pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1))))
			printf("create %d: %s\n", i, strerror(e));
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &rv);
		sum += (long)rv;
	}
	printf("counter=%d sum=%ld\n", counter, sum);

	pthread_create(&t[0], NULL, exiter, NULL);
	pthread_join(t[0], &rv);
	printf("pthread_exit value=%ld\n", (long)rv);

	pthread_create(&t[0], NULL, selfcheck, &m);
	pthread_join(t[0], &rv);
	printf("thread is not main: %s\n", (long)rv == 2 ? "yes" : "no");

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < 3; i++)
		pthread_create(&d, &a, detached, NULL);
	for (i = 0; i < 100 && !detached_ran; i++)
		usleep(1000);
	printf("detached ran: %s\n", detached_ran ? "yes" : "no");

	pthread_create(&t[0], NULL, worker, (void *)5L);
	e = pthread_detach(t[0]);
	printf("detach: %d\n", e);
	usleep(10000);
	e = pthread_detach(pthread_self());
	printf("detach main: %d\n", e);
	printf("counter=%d\n", counter);
	return 0;
}
