/* th_many: many threads at once and many in a row (stacks come back). */
/* STATUS: 0 */
/* TIMEOUT: 120 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#define N	64
#define ROUNDS	2500

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total;
static int order_ok = 1;

static void *
spin(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < 50; i++) {
		pthread_mutex_lock(&mu);
		total += id;
		pthread_mutex_unlock(&mu);
		if (i % 7 == 0)
			sched_yield();
	}
	return (void *)(id * id);
}

static void *
quick(void *arg)
{
	return arg;
}

int
main(void)
{
	pthread_t t[N];
	pthread_attr_t a;
	void *rv;
	long sq = 0, want = 0;
	int i, e, bad = 0;

	for (i = 0; i < N; i++)
		if ((e = pthread_create(&t[i], NULL, spin, (void *)(long)i)) != 0)
			printf("create %d: %s\n", i, strerror(e));
	for (i = 0; i < N; i++) {
		pthread_join(t[i], &rv);
		sq += (long)rv;
		want += (long)i * i;
	}
	printf("%d threads: total=%ld (want %ld), squares %s\n", N, total,
	    50L * N * (N - 1) / 2, sq == want ? "ok" : "wrong");

	/* create and join in a row: each stack must be given back */
	for (i = 0; i < ROUNDS; i++) {
		if (pthread_create(&t[0], NULL, quick, (void *)(long)i) != 0) {
			printf("create failed at %d\n", i);
			return 1;
		}
		pthread_join(t[0], &rv);
		if ((long)rv != i)
			bad++;
	}
	printf("%d create+join: %d bad\n", ROUNDS, bad);

	/* detached threads with small stacks, in a row */
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 65536);
	for (i = 0; i < ROUNDS; i++) {
		if (pthread_create(&t[0], &a, quick, NULL) != 0) {
			printf("detached create failed at %d\n", i);
			return 1;
		}
		if (i % 16 == 0)
			sched_yield();
	}
	for (i = 0; i < 20; i++)
		sched_yield();
	printf("%d detached: ok, order %s\n", ROUNDS, order_ok ? "ok" : "bad");
	return 0;
}
