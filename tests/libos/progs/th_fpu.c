/* th_fpu: FPU/SSE state stays with its thread across switches: threads
 * compute in double and float (SSE), with x87 long double and a changed
 * rounding mode, yielding all the time; results equal a lone run. */
/* STATUS: 0 */
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#define N	6

static double
work(int id, int yield)
{
	double x = 1.0 + id * 0.125, acc = 0;
	float f = (float)id * 0.5f + 0.25f;
	long double ld = 1.0L + id;
	int i;

	for (i = 0; i < 2000; i++) {
		x = x * 1.0000001 + 1.0 / (i + 1.0 + id);
		f = f * 0.999f + 0.001f * (float)i;
		ld = ld * 1.0000001L + 0.5L / (i + 1);
		acc += sqrt(x) + f + (double)ld * 1e-3;
		if (yield && i % 50 == 0)
			sched_yield();
	}
	return acc;
}

/* A thread that runs with another rounding mode keeps it. */
static double
rounded(int yield)
{
	volatile double a = 1.0, b = 3.0;
	double r = 0;
	int i;

	fesetround(FE_UPWARD);
	for (i = 0; i < 100; i++) {
		r += a / b;
		if (yield)
			sched_yield();
	}
	r += (fegetround() == FE_UPWARD) ? 1000 : 0;
	fesetround(FE_TONEAREST);
	return r;
}

static double expect[N], got[N];
static double rexpect, rgot;

static void *
worker(void *arg)
{
	long id = (long)arg;

	got[id] = work((int)id, 1);
	return NULL;
}

static void *
rworker(void *arg)
{
	rgot = rounded(1);
	return NULL;
}

int
main(void)
{
	pthread_t t[N + 1];
	int i, same = 0;

	for (i = 0; i < N; i++)
		expect[i] = work(i, 0);
	rexpect = rounded(0);
	for (i = 0; i < N; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)i);
	pthread_create(&t[N], NULL, rworker, NULL);
	/* the main thread computes too, in the default mode */
	for (i = 0; i < 20; i++) {
		volatile double a = 1.0, b = 3.0;
		if (a / b != 1.0 / 3.0)
			printf("main thread saw another rounding mode\n");
		sched_yield();
	}
	for (i = 0; i <= N; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < N; i++)
		same += memcmp(&expect[i], &got[i], sizeof(double)) == 0;
	printf("threads with the same results as alone: %d of %d\n", same, N);
	printf("rounding mode kept in its thread: %s\n",
	    memcmp(&rexpect, &rgot, sizeof(double)) == 0 && rgot > 1000 ?
	    "yes" : "no");
	printf("main rounding mode: %s\n",
	    fegetround() == FE_TONEAREST ? "to nearest" : "other");
	return 0;
}
