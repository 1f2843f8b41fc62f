/*
 * panic -- a deliberate fault, to show (and test) what a crash prints:
 * trap name, registers, a symbolized backtrace, and a failure status.
 *   panic fault   (default) write through a wild pointer
 *   panic abort   call abort()-like tandem panic path via a failed check
 *   panic ud      execute an invalid instruction
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long *wild = (long *)0x7ff0000000ULL;

static void __attribute__((noinline))
crash_here(const char *how)
{
	if (strcmp(how, "ud") == 0)
		__asm__ volatile("ud2");
	if (strcmp(how, "abort") == 0)
		abort();
	*wild = 42;
}

static void __attribute__((noinline))
level2(const char *how)
{
	crash_here(how);
	printf("not reached\n");
}

int
main(int argc, char **argv)
{
	printf("panic: about to fault (%s)\n", argc > 1 ? argv[1] : "fault");
	level2(argc > 1 ? argv[1] : "fault");
	return 0;
}
