/* th_futex: the futex system call as musl and others use it. */
/* STATUS: 0 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h>'s values (the C library has no header for them) */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE	(FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE	(FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY	0xffffffff
#define FUTEX_OP_ADD		1
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	(((op & 0xf) << 28) | ((cmp & 0xf) << 24) | \
	((oparg & 0xfff) << 12) | (cmparg & 0xfff))

static const char *
ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINVAL: return "EINVAL";
	case EINTR: return "EINTR";
	case ENOSYS: return "ENOSYS";
	case EFAULT: return "EFAULT";
	default: return strerror(e);
	}
}

static long
fx(int *a, int op, int val, const struct timespec *ts, int *a2, int v3)
{
	long r = syscall(SYS_futex, a, op, val, ts, a2, v3);

	return r < 0 ? -errno : r;
}

static const char *
res(long r)
{
	static char buf[32];

	if (r < 0)
		return ename((int)-r);
	snprintf(buf, sizeof(buf), "%ld", r);
	return buf;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int word, word2, woke;

static void *
waiter(void *arg)
{
	long r = fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);

	if (r == 0)
		__atomic_add_fetch(&woke, 1, __ATOMIC_SEQ_CST);
	return (void *)r;
}

static void *
bitwaiter(void *arg)
{
	long r = fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL,
	    (int)(long)arg);

	if (r == 0)
		__atomic_add_fetch(&woke, 1, __ATOMIC_SEQ_CST);
	return (void *)r;
}

static void
settle(void)
{
	int i;

	for (i = 0; i < 20; i++)
		usleep(1000);
}

int
main(void)
{
	struct timespec ts = { 0, 100 * 1000000 }, t0, abs;
	pthread_t t[4];
	long r;
	int i;

	word = 1;
	printf("wait with *uaddr != val: %s\n",
	    res(fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
	word = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = fx(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	printf("relative timeout 100ms: %s, waited >= 100ms: %s\n", res(r),
	    ms_since(&t0) >= 100 ? "yes" : "no");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	abs = t0;
	abs.tv_nsec += 50 * 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	r = fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL,
	    FUTEX_BITSET_MATCH_ANY);
	printf("absolute monotonic timeout 50ms: %s, waited >= 50ms: %s\n",
	    res(r), ms_since(&t0) >= 50 ? "yes" : "no");
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 50 * 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = fx(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0,
	    &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	printf("absolute realtime timeout 50ms: %s, waited >= 40ms: %s\n",
	    res(r), ms_since(&t0) >= 40 ? "yes" : "no");
	ts.tv_nsec = 1000000000;
	printf("bad nsec: %s\n",
	    res(fx(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0)));
	printf("zero bitset: %s\n", res(fx(&word, FUTEX_WAIT_BITSET_PRIVATE,
	    0, NULL, NULL, 0)));
	printf("wake nobody: %s\n", res(fx(&word, FUTEX_WAKE_PRIVATE, 5,
	    NULL, NULL, 0)));
	printf("realtime flag on wake: %s\n", res(fx(&word,
	    FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0)));
	printf("unknown op: %s\n", res(fx(&word, 99, 0, NULL, NULL, 0)));
	printf("unaligned: %s\n", res(fx((int *)((char *)&word + 1),
	    FUTEX_WAKE, 1, NULL, NULL, 0)));

	/* wake counts: 3 waiters, wake 2, then the rest */
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	settle();
	printf("wake 2 of 3: %s\n", res(fx(&word, FUTEX_WAKE_PRIVATE, 2,
	    NULL, NULL, 0)));
	settle();
	printf("woken so far: %d\n", woke);
	printf("wake all: %s\n", res(fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX,
	    NULL, NULL, 0)));
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("woken: %d\n", woke);

	/* requeue: 3 waiters on word, wake 1, move 1, 1 stays */
	woke = 0;
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	settle();
	printf("cmp_requeue with wrong val3: %s\n", res(fx(&word,
	    FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 5)));
	printf("cmp_requeue wake 1 move 1: %s\n", res(fx(&word,
	    FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 0)));
	settle();
	printf("woken: %d\n", woke);
	printf("wake on word2: %s\n", res(fx(&word2, FUTEX_WAKE_PRIVATE,
	    INT_MAX, NULL, NULL, 0)));
	printf("requeue rest (wake 0, move all): %s\n", res(fx(&word,
	    FUTEX_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX, &word2, 0)));
	printf("wake on word2: %s\n", res(fx(&word2, FUTEX_WAKE_PRIVATE,
	    INT_MAX, NULL, NULL, 0)));
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("woken: %d\n", woke);

	/* bitsets: waiters on bit 1 and bit 2; wake bit 2 only */
	woke = 0;
	pthread_create(&t[0], NULL, bitwaiter, (void *)1L);
	pthread_create(&t[1], NULL, bitwaiter, (void *)2L);
	settle();
	printf("wake_bitset bit 2: %s\n", res(fx(&word,
	    FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 2)));
	printf("wake_bitset bit 1: %s\n", res(fx(&word,
	    FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 1)));
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);

	/* wake_op: word2 += 1 (old 0), wake word, and word2 if old == 0 */
	word2 = 0;
	r = fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2,
	    FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
	printf("wake_op: %s, word2=%d\n", res(r), word2);
	return 0;
}
