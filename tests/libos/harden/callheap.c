/* Hardening: a call into a heap buffer faults (the heap is no-execute).
 * Expected: status 255, the fault named, call_heap as the caller. */
/* EXPECT: tandem: fault: jump to non-executable memory 0x[0-9a-f]+ \(called from call_heap\+ */
/* EXPECT: panic: page fault at \? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __attribute__((noinline))
call_heap(unsigned char *code)
{
	int (*fn)(void) = (int (*)(void))(void *)code;

	return fn() + 1;
}

int
main(void)
{
	unsigned char *buf = malloc(64);

	/* mov $42, %eax; ret */
	memcpy(buf, "\xb8\x2a\x00\x00\x00\xc3", 6);
	puts("calling into the heap");
	fflush(stdout);
	printf("heap code returned %d\n", call_heap(buf));
	return 0;
}
