/*
 * rdtsc -- print the guest's time stamp counter, for the Linux baseline's
 * /init (bench/linux-guest/build.sh).  Freestanding: no libc, so it builds
 * with plain gcc and adds ~1 KiB to the initramfs.
 *
 * Under QEMU TCG the guest TSC counts host TSC ticks since the VM started;
 * with -icount shift=0 it counts virtual nanoseconds (one per instruction,
 * plus warps over idle time), so the value is deterministic.
 */
static long
sys_write(int fd, const void *buf, unsigned long len)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
	    : "0"(1L), "D"((long)fd), "S"(buf), "d"(len)
	    : "rcx", "r11", "memory");
	return ret;
}

static void __attribute__((noreturn))
sys_exit(int status)
{
	__asm__ volatile("syscall" : : "a"(60L), "D"((long)status)
	    : "rcx", "r11", "memory");
	for (;;)
		;
}

void __attribute__((noreturn))
_start(void)
{
	unsigned int lo, hi;
	unsigned long long v;
	char buf[24];
	int i = sizeof(buf);

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	v = ((unsigned long long)hi << 32) | lo;
	buf[--i] = '\n';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	sys_write(1, buf + i, sizeof(buf) - i);
	sys_exit(0);
}
