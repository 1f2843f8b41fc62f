/*
 * main.c -- the suite as a program: platform posix (tests/hypercall/
 * run.sh) or any image.  HYPTEST_EXIT=N and HYPTEST_PANIC=1 check
 * rumpuser_exit instead of running the suite.
 */
#include <tandem/core.h>
#include <rump/rumpuser.h>

int	hypercall_suite(void);

int
main(int argc, char **argv)
{
	const char *v;
	int n = 0;

	if ((v = td_param("HYPTEST_EXIT")) != NULL) {
		while (*v >= '0' && *v <= '9')
			n = n * 10 + (*v++ - '0');
		rumpuser_exit(n);
	}
	if (td_param("HYPTEST_PANIC") != NULL)
		rumpuser_exit(RUMPUSER_PANIC);
	return hypercall_suite() != 0;
}
