/*
 * mem_bigstack.c -- threads with big stacks in a small guest, as
 * redis's bio threads ask (4 MiB each): three threads with 8 MiB stacks
 * in a 16 MiB guest, each using a little of it, one using 1 MiB deep
 * in recursion.  Linux backs stack pages when touched; so must Tandem.
 */
/* BOOT: --mem 16 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static unsigned
deep(unsigned n)
{
	volatile unsigned char buf[4000];

	memset((void *)buf, (int)n, sizeof(buf));
	if (n == 0)
		return buf[7];
	return deep(n - 1) + buf[n % 4000];
}

static void *
run(void *arg)
{
	unsigned n = (unsigned)(unsigned long)arg;

	return (void *)(unsigned long)deep(n);
}

int
main(void)
{
	pthread_attr_t a;
	pthread_t t[3];
	unsigned depth[3] = { 4, 64, 256 };
	void *r;
	int i, rc;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 8 << 20);
	for (i = 0; i < 3; i++) {
		rc = pthread_create(&t[i], &a, run,
		    (void *)(unsigned long)depth[i]);
		printf("thread %d: create %s\n", i, rc == 0 ? "ok" : strerror(rc));
		if (rc != 0)
			return 1;
	}
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], &r);
		printf("thread %d: depth %u result %lu\n", i, depth[i],
		    (unsigned long)r);
	}
	return 0;
}
