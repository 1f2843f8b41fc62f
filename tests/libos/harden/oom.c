/*
 * oom.c -- touches more demand-zero memory than the guest has: the page
 * fault that finds no page left must end the guest with a clear panic
 * naming the address and the thread, not hang or corrupt memory.
 */
/* EXPECT: out of memory backing a page at 0x[0-9a-f]+ for main */
#include <stdio.h>
#include <sys/mman.h>

int
main(void)
{
	size_t n = (size_t)2 << 30, i;
	volatile char *p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("mapped 2 GiB\n");
	fflush(stdout);
	for (i = 0; i < n; i += 4096)
		p[i] = 1;
	printf("touched every page of 2 GiB: no limit?\n");
	return 0;
}
