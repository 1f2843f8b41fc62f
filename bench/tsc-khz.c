/*
 * tsc-khz -- measure the host TSC frequency (kHz) against CLOCK_MONOTONIC.
 * Under QEMU TCG without -icount the guest's RDTSC returns host TSC ticks,
 * so this converts a guest's cycle count into microseconds.
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct timespec req = { 0, 100 * 1000 * 1000 };
	double k[3], t;
	int i;

	for (i = 0; i < 3; i++) {
		double t0 = now();
		unsigned long long c0 = __rdtsc();
		nanosleep(&req, NULL);
		unsigned long long c1 = __rdtsc();
		double t1 = now();
		k[i] = (c1 - c0) / (t1 - t0) / 1000.0;
	}
	/* median of three: one preempted sample does not move it */
	if (k[0] > k[1]) { t = k[0]; k[0] = k[1]; k[1] = t; }
	if (k[1] > k[2]) { t = k[1]; k[1] = k[2]; k[2] = t; }
	if (k[0] > k[1]) { t = k[0]; k[0] = k[1]; k[1] = t; }
	printf("%.0f\n", k[1]);
	return 0;
}
