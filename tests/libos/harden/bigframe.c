/* Hardening: recursion with frames larger than a page.  Without probes
 * a frame could step over the guard page into the memory below; apps
 * are built with -fstack-clash-protection, so the guard page is touched
 * first.  Expected: status 255, "stack overflow in thread main".
 * (QEMU only: on Xen PV the stack watch sees one word, which a probe
 * may step over; Xen then crashes the domain.) */
/* EXPECT: tandem: fault: stack overflow in thread main */
/* EXPECT: panic: [a-z ]+ at big\+ */
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

int __attribute__((noinline))
big(int n)
{
	volatile char pad[20000];

	pad[0] = (char)n;
	pad[sizeof(pad) - 1] = (char)n;
	return big(n + 1) + pad[n % 100];
}

int
main(void)
{
	puts("recursing with 20 KB frames");
	fflush(stdout);
	printf("%d\n", big(0));
	return 0;
}
