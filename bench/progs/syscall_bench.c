/*
 * syscall_bench.c -- the cost of system calls in guest cycles, the same
 * program on Tandem (tandem-cc) and in the Linux guest (musl-gcc
 * -static, as /init).  Under QEMU -icount shift=0 the TSC advances one
 * tick per guest instruction, so the numbers are exact and repeatable.
 * Prints "bench: NAME CYCLES" per operation (loop overhead subtracted),
 * then powers the Linux guest off (Tandem just exits).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE	128	/* <linux/futex.h>: WAIT | PRIVATE */
#define FUTEX_WAKE_PRIVATE	129

#define N	2000

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t empty;

#define TIMED(name, n, body) do {					\
	uint64_t t0 = rdtsc();						\
	for (int i_ = 0; i_ < (n); i_++) { body; }			\
	uint64_t t = rdtsc() - t0;					\
	printf("bench: %s %.1f\n", name,				\
	    (double)(t > empty * (n) ? t - empty * (n) : 0) / (n));	\
} while (0)

static void *
noop(void *a)
{
	return a;
}

static int pfd[2], qfd[2];
static volatile int ftx;

static void *
echo_thread(void *a)
{
	char c;

	for (int i = 0; i < N; i++) {
		if (read(pfd[0], &c, 1) != 1 || write(qfd[1], &c, 1) != 1)
			break;
	}
	return a;
}

static void *
futex_thread(void *a)
{
	for (int i = 0; i < N; i++) {
		while (ftx == 0)
			syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 0, NULL);
		ftx = 0;
		syscall(SYS_futex, &ftx, FUTEX_WAKE_PRIVATE, 1);
	}
	return a;
}

int
main(void)
{
	struct timespec ts;
	struct utsname u;
	pthread_t th;
	char c = 'x';
	int fd;
	uint64_t t0;

	setvbuf(stdout, NULL, _IONBF, 0);
	t0 = rdtsc();
	for (volatile int i = 0; i < N; i++)
		;
	empty = (rdtsc() - t0) / N;
	TIMED("getpid", N, getpid());
	TIMED("syscall_getpid", N, syscall(SYS_getpid));	/* + musl's varargs */
	TIMED("clock_gettime_monotonic", N, clock_gettime(CLOCK_MONOTONIC, &ts));
	fd = open("/dev/null", O_WRONLY);
	TIMED("write_devnull_1byte", N, write(fd, &c, 1));
	close(fd);
	if (pipe(pfd) == 0 && pipe(qfd) == 0 &&
	    pthread_create(&th, NULL, echo_thread, NULL) == 0) {
		TIMED("pipe_roundtrip", N, write(pfd[1], &c, 1); read(qfd[0], &c, 1));
		pthread_join(th, NULL);
	} else
		printf("bench: pipe_roundtrip failed\n");
	TIMED("thread_create_join", 200,
	    pthread_create(&th, NULL, noop, NULL); pthread_join(th, NULL));
	if (pthread_create(&th, NULL, futex_thread, NULL) == 0) {
		TIMED("futex_wake_to_run", N,
		    ftx = 1; syscall(SYS_futex, &ftx, FUTEX_WAKE_PRIVATE, 1);
		    while (ftx != 0)
			syscall(SYS_futex, &ftx, FUTEX_WAIT_PRIVATE, 1, NULL));
		pthread_join(th, NULL);
	}
	printf("bench: done\n");
	if (uname(&u) == 0 && strstr(u.release, "tandem") == NULL) {
		sync();
		reboot(RB_POWER_OFF);	/* the Linux guest: we are its /init */
	}
	return 0;
}
