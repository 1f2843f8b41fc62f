/* Hardening: apps are built with -fstack-protector-strong; overflowing
 * a local array ends in __stack_chk_fail, which panics naming the
 * function.  Expected: status 255. */
/* EXPECT: panic: stack smashing detected \(__stack_chk_fail\) in smash\+ */
#include <stdio.h>
#include <string.h>

void __attribute__((noinline))
smash(const char *s)
{
	char buf[16];

	strcpy(buf, s);
	printf("copied %zu bytes\n", strlen(buf));
}

int
main(int argc, char **argv)
{
	char big[200];

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	puts("smashing the stack");
	fflush(stdout);
	smash(argc > 5 ? argv[1] : big);
	return 0;
}
