/* Hardening: stacks are no-execute: a call into code copied to a local
 * array faults.  Expected: status 255, call_stack as the caller. */
/* EXPECT: tandem: fault: jump to non-executable memory 0x[0-9a-f]+ \(called from call_stack\+ */
#include <stdio.h>
#include <string.h>

int __attribute__((noinline))
call_stack(void)
{
	unsigned char code[16];
	int (*fn)(void) = (int (*)(void))(void *)code;

	/* mov $42, %eax; ret */
	memcpy(code, "\xb8\x2a\x00\x00\x00\xc3", 6);
	__asm__ volatile("" ::: "memory");
	return fn() + 1;
}

int
main(void)
{
	puts("calling into the stack");
	fflush(stdout);
	printf("stack code returned %d\n", call_stack());
	return 0;
}
