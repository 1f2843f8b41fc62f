/*
 * harness.c -- counting checks and tests; see test.h.
 */
#include <stdio.h>

#include "test.h"

int		 t_cur_failed;
static int	 npass, nfail;

void
t_fail(const char *file, int line, const char *what)
{
	printf("  %s:%d: check failed: %s\n", file, line, what);
	t_cur_failed++;
}

void
t_run(const char *name, void (*fn)(void))
{
	t_cur_failed = 0;
	fn();
	printf("%s %s\n", t_cur_failed ? "FAIL" : "PASS", name);
	fflush(stdout);
	if (t_cur_failed)
		nfail++;
	else
		npass++;
}

int
t_done(void)
{
	fflush(stdout);
	return nfail ? 1 : 0;
}
