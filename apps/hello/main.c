/*
 * hello -- the first Tandem appliance: shows where it runs and that time
 * works, then exits with the status given as its first argument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <tandem.h>

static long long
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	struct timespec ts, req = { 0, 10 * 1000 * 1000 };
	struct tm tm;
	long long t0, t1, worst = 0;
	int i;

	printf("Hello from Tandem on %s (cpuid: %s)\n", tandem_platform(),
	    tandem_cpuid_signature());
	for (i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	t0 = mono_ns();
	printf("uptime: %lld.%06lld s\n", t0 / 1000000000LL,
	    (t0 % 1000000000LL) / 1000);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	printf("date: %04d-%02d-%02d %02d:%02d:%02d UTC\n", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	for (i = 0; i < 10; i++) {
		t0 = mono_ns();
		nanosleep(&req, NULL);
		t1 = mono_ns();
		printf("sleep %d: 10 ms took %lld us\n", i, (t1 - t0) / 1000);
		if (t1 - t0 > worst)
			worst = t1 - t0;
	}
	printf("worst sleep: %lld us\n", worst / 1000);
	return argc > 1 ? atoi(argv[1]) : 0;
}
