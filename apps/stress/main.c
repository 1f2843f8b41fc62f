/*
 * stress -- many threads, interleaved sleeps: checks that every sleeper
 * wakes in deadline order, never early, and that the whole run takes
 * about as long as the longest sleep chain (the CPU idles, not spins).
 *   stress [NTHREADS [ROUNDS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <tandem.h>

#define MAXT	256

static int nthreads = 64, rounds = 5;
static long long start;
static int order[MAXT * 16], norder;
static int early, done;

static long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define SLACK	20000000LL	/* all threads exist before the first deadline */

/* Thread i wakes at start + SLACK + (r + 1) * (i % 16 + 1) ms: absolute
 * deadlines, so the wake order is fixed however long creation took. */
static void
worker(void *arg)
{
	int i = (int)(long)arg, r;
	long long d = (i % 16 + 1) * 1000000LL, t, want;

	for (r = 0; r < rounds; r++) {
		want = start + SLACK + (r + 1) * d;
		tandem_sleep_until(want);
		t = now();
		if (t < want)
			early++;
		if (r == 0 && norder < MAXT * 16)
			order[norder++] = i % 16;
		tandem_yield();
	}
	done++;
}

int
main(int argc, char **argv)
{
	void *t[MAXT];
	long long el, ideal;
	int i, inversions = 0;

	if (argc > 1)
		nthreads = atoi(argv[1]);
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (nthreads < 1 || nthreads > MAXT)
		nthreads = 64;
	printf("stress: %d threads x %d rounds\n", nthreads, rounds);
	start = now();
	for (i = 0; i < nthreads; i++)
		t[i] = tandem_thread_create("worker", worker, (void *)(long)i);
	for (i = 0; i < nthreads; i++)
		tandem_thread_join(t[i]);
	el = now() - start;
	for (i = 1; i < norder; i++)
		if (order[i] < order[i - 1])
			inversions++;
	ideal = SLACK + (long long)((nthreads < 16 ? nthreads : 16)) *
	    rounds * 1000000LL;
	printf("stress: %d threads x %d rounds: done %d, early wakeups %d, "
	    "order inversions %d\n", nthreads, rounds, done, early, inversions);
	printf("stress: elapsed %lld ms, longest chain %lld ms\n",
	    el / 1000000, ideal / 1000000);
	if (done != nthreads || early || inversions || el < ideal ||
	    el > ideal * 4 + 500000000LL) {
		printf("stress: FAIL\n");
		return 1;
	}
	printf("stress: OK\n");
	return 0;
}
