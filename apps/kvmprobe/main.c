/*
 * kvmprobe -- what `tandem probe-kvm` boots: can this KVM run apps?
 *
 * hello (core only, no SSE) boots on a KVM that interprets ring-0 code
 * with an instruction emulator short of SSE (kvm_pvm: it stopped at a
 * PXOR in nginx).  Apps compiled by tandem-cc use SSE everywhere, so the
 * probe runs the kind of code they are made of, right after the exits
 * that make such a KVM emulate (console writes, sleeps, thread
 * switches): double arithmetic, a loop the compiler vectorizes, struct
 * zeroing, two threads, a rounding-mode change.  Exit status 0 iff every
 * result equals the one computed before any of that; the launcher then
 * sees "tandem: exit 0".
 */
#include <fenv.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NV	256

struct blob {
	double	 d[8];
	int	 v[NV];
	char	 name[40];
};

static double
mix(int seed, int pause)
{
	struct blob b;
	struct timespec ts = { 0, 100000 };
	double acc = 0;
	int i, r;

	for (r = 0; r < 20; r++) {
		memset(&b, 0, sizeof(b));
		for (i = 0; i < NV; i++)	/* vectorized at -O2 */
			b.v[i] = i * seed + r;
		for (i = 0; i < 8; i++)
			b.d[i] = (double)b.v[i * 31] / (seed + 1.5) + acc * 1e-3;
		snprintf(b.name, sizeof(b.name), "r%d", r);
		for (i = 0; i < 8; i++)
			acc += b.d[i] * 0.5 + (double)strlen(b.name);
		if (pause)
			nanosleep(&ts, NULL);
	}
	return acc;
}

static double want[2], got[2];

static void *
worker(void *arg)
{
	long id = (long)arg;

	got[id] = mix((int)id + 3, 1);
	return NULL;
}

int
main(void)
{
	pthread_t t[2];
	volatile double third;
	long i;
	int bad = 0;

	for (i = 0; i < 2; i++)
		want[i] = mix((int)i + 3, 0);
	printf("kvmprobe: SSE, threads and sleeps\n");
	fflush(stdout);
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 2;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 2; i++)
		bad += got[i] != want[i];
	fesetround(FE_UPWARD);
	third = 1.0;
	third /= 3.0;
	fesetround(FE_TONEAREST);
	bad += !(third > 1.0 / 3.0);
	printf("kvmprobe: %s\n", bad ? "WRONG RESULTS" : "ok");
	return bad ? 1 : 0;
}
