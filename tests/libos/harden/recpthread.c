/* Hardening: unbounded recursion in a pthread (musl maps its stack
 * PROT_NONE and opens all of it but the guard page at the bottom) runs
 * into that guard page.  Expected: status 255 and a fault report naming
 * dive, not a write over whatever lies below the stack. */
/* EXPECT: tandem: fault: stack overflow in thread app */
/* EXPECT: panic: [a-z ]+ at dive\+ */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

int __attribute__((noinline))
dive(int n)
{
	volatile char pad[200];

	memset((char *)pad, n, sizeof(pad));
	return dive(n + 1) + pad[n % 200];
}

static void *
deep(void *arg)
{
	printf("%d\n", dive(0));
	return arg;
}

int
main(void)
{
	pthread_t t;

	puts("recursing in a pthread");
	fflush(stdout);
	if (pthread_create(&t, NULL, deep, NULL) != 0) {
		puts("no thread");
		return 1;
	}
	pthread_join(t, NULL);
	puts("thread returned");
	return 0;
}
