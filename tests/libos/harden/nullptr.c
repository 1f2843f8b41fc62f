/* Hardening: a NULL dereference faults (page 0 is unmapped).
 * Expected: status 255, the fault named, null_deref in the report. */
/* EXPECT: tandem: fault: NULL pointer dereference */
/* EXPECT: panic: page fault at null_deref\+ */
#include <stdio.h>

struct s {
	int a, b;
};

int __attribute__((noinline))
null_deref(struct s *p)
{
	return p->b;
}

int
main(int argc, char **argv)
{
	struct s *p = argc > 100 ? (struct s *)argv : NULL;

	puts("dereferencing NULL");
	fflush(stdout);
	printf("read %d\n", null_deref(p));
	return 0;
}
