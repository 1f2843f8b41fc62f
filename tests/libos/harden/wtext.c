/* Hardening: a write to the program's text faults (W^X: text is
 * read+execute).  Expected: status 255, the fault named, write_text in
 * the report. */
/* EXPECT: tandem: fault: write to read-only text at victim */
/* EXPECT: panic: page fault at write_text\+ */
#include <stdio.h>

void __attribute__((noinline))
victim(void)
{
	puts("victim");
}

void __attribute__((noinline))
write_text(volatile unsigned char *p)
{
	*p = 0xc3;
}

int
main(void)
{
	puts("writing to text");
	fflush(stdout);
	write_text((volatile unsigned char *)(void *)victim);
	puts("text was writable");
	return 0;
}
