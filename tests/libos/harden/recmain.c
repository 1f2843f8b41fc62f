/* Hardening: unbounded recursion in main runs into the guard page under
 * the main thread's stack.  Expected: status 255, "stack overflow in
 * thread main", recurse in the report. */
/* EXPECT: tandem: fault: stack overflow in thread main */
/* EXPECT: panic: [a-z ]+ at recurse\+ */
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

int __attribute__((noinline))
recurse(int n)
{
	volatile char pad[200];

	memset((char *)pad, n, sizeof(pad));
	return recurse(n + 1) + pad[n % 200];
}

int
main(void)
{
	puts("recursing in main");
	fflush(stdout);
	printf("%d\n", recurse(0));
	return 0;
}
