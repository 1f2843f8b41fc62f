/*
 * mono -- print the guest's CLOCK_MONOTONIC in nanoseconds, for the Linux
 * baseline's /init (bench/linux-guest/build.sh): busybox's `date` has no
 * %N, and /proc/uptime is only 10 ms.  The bench modes read it before and
 * after each timed step.  Freestanding like rdtsc.c: no libc.
 */
struct ts {
	long sec, nsec;
};

static long
sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
	    : "0"(nr), "D"(a), "S"(b), "d"(c)
	    : "rcx", "r11", "memory");
	return ret;
}

void __attribute__((noreturn, force_align_arg_pointer))
_start(void)
{
	struct ts t = { 0, 0 };
	unsigned long long v;
	char buf[24];
	int i = sizeof(buf), st = 0;

	if (sys3(228, 1, (long)&t, 0) != 0)	/* clock_gettime(CLOCK_MONOTONIC) */
		st = 1;
	v = (unsigned long long)t.sec * 1000000000ULL + (unsigned long long)t.nsec;
	buf[--i] = '\n';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	sys3(1, 1, (long)(buf + i), sizeof(buf) - i);
	sys3(60, st, 0, 0);
	for (;;)
		;
}
