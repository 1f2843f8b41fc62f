/* Hardening: read-only data is read-only (a const table, written
 * through a cast).  Expected: status 255, write_rodata in the report. */
/* EXPECT: tandem: fault: write to read-only memory 0x */
/* EXPECT: panic: page fault at write_rodata\+ */
#include <stdio.h>

static const char table[64] = "a constant table";

void __attribute__((noinline))
write_rodata(volatile char *p)
{
	p[3] = 'X';
}

int
main(void)
{
	puts("writing to rodata");
	fflush(stdout);
	write_rodata((volatile char *)table);
	printf("rodata was writable: %s\n", table);
	return 0;
}
