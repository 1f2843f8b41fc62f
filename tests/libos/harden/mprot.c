/* Hardening: mprotect is honoured.  PROT_NONE then PROT_READ|PROT_WRITE
 * gives the page back with its contents; PROT_READ keeps it readable;
 * a write after PROT_READ faults.  Expected: status 255, write_ro in
 * the report. */
/* EXPECT: tandem: fault: write to read-only memory 0x */
/* EXPECT: panic: page fault at write_ro\+ */
#include <stdio.h>
#include <sys/mman.h>

void __attribute__((noinline))
write_ro(volatile char *p)
{
	p[10] = 'x';
}

int
main(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	p[10] = 'a';
	if (mprotect(p, 4096, PROT_NONE) != 0 ||
	    mprotect(p, 4096, PROT_READ | PROT_WRITE) != 0) {
		perror("mprotect");
		return 1;
	}
	p[11] = 'b';
	if (mprotect(p, 4096, PROT_READ) != 0) {
		perror("mprotect");
		return 1;
	}
	printf("read back %c%c\n", p[10], p[11]);
	p[4096] = 'c';		/* the second page stayed writable */
	fflush(stdout);
	write_ro(p);
	puts("read-only page was writable");
	return 0;
}
