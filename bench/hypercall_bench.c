/*
 * hypercall_bench.c -- hot paths of the hypercall layer, for
 * bench/hypercall.sh: each measured loop runs between callgrind
 * start/stop requests and is dumped under its own name, so the script
 * reads exact instruction counts per operation.  Natively the requests
 * are no-ops.
 *
 * Built as an image (apps/hypercall-bench, TD_BENCH_TSC defined) the same
 * loops are timed with the TSC instead and printed as "bench: NAME
 * CYCLES"; under QEMU's -icount shift=0 a TSC cycle is one instruction.
 */
#ifdef TD_BENCH_TSC
#include <tandem/arch.h>
#else
#include <valgrind/callgrind.h>
#endif

#include <tandem/core.h>
#include <rump/rumpuser.h>

#define N	10000

/* A kernel whose upcalls do nothing: counts the hypercall side only. */
static void nop(void) { }
static void nop_bunsched(int n, int *c, void *i) { *c = 0; }
static void nop_bsched(int n, void *i) { }
static const struct rumpuser_hyperup up = {
	.hyp_schedule = nop,
	.hyp_unschedule = nop,
	.hyp_backend_unschedule = nop_bunsched,
	.hyp_backend_schedule = nop_bsched,
};

static struct rumpuser_mtx *m;
static struct rumpuser_cv *cv;
static volatile int turn, stop;

#ifdef TD_BENCH_TSC
#define MEASURE(name, body) do {					\
	uint64_t t0_ = rdtsc();						\
	body;								\
	td_printf("bench: %s %lu\n", name,				\
	    (unsigned long)(rdtsc() - t0_));				\
} while (0)
#else
#define MEASURE(name, body) do {					\
	CALLGRIND_ZERO_STATS;						\
	CALLGRIND_START_INSTRUMENTATION;				\
	body;								\
	CALLGRIND_STOP_INSTRUMENTATION;					\
	CALLGRIND_DUMP_STATS_AT(name);					\
} while (0)
#endif

static void *
pong(void *arg)
{

	rumpuser_mutex_enter(m);
	while (!stop) {
		while (turn != 1 && !stop)
			rumpuser_cv_wait(cv, m);
		turn = 0;
		rumpuser_cv_signal(cv);
	}
	rumpuser_mutex_exit(m);
	return NULL;
}

static void *
yielder(void *arg)
{

	while (!stop)
		td_yield();
	return NULL;
}

int
main(int argc, char **argv)
{
	int64_t s;
	long ns;
	void *c;
	int i;

	rumpuser_init(RUMPUSER_VERSION, &up);
	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&cv);

	MEASURE("empty", for (i = 0; i < N; i++) __asm__ volatile(""));
	MEASURE("mutex", for (i = 0; i < N; i++) {
		rumpuser_mutex_enter(m);
		rumpuser_mutex_exit(m);
	});
	MEASURE("clock", for (i = 0; i < N; i++)
		rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns));
	MEASURE("curlwp", for (i = 0; i < N; i++)
		__asm__ volatile("" :: "r"(rumpuser_curlwp())));

	/* signal -> the waiter runs and answers: two wakeups per round */
	rumpuser_thread_create(pong, NULL, "pong", 1, 0, -1, &c);
	rumpuser_mutex_enter(m);
	MEASURE("cvpingpong", for (i = 0; i < N; i++) {
		turn = 1;
		rumpuser_cv_signal(cv);
		while (turn != 0)
			rumpuser_cv_wait(cv, m);
	});
	stop = 1;
	rumpuser_cv_broadcast(cv);
	rumpuser_mutex_exit(m);
	rumpuser_thread_join(c);

	/* two threads yielding to each other: two switches per round */
	stop = 0;
	rumpuser_thread_create(yielder, NULL, "yield", 1, 0, -1, &c);
	MEASURE("yield", for (i = 0; i < N; i++) td_yield());
	stop = 1;
	rumpuser_thread_join(c);
	td_printf("bench: %d rounds each\n", N);
	return 0;
}
