/*
 * proc.c -- the one process: exit, ids, limits, names.
 */
#include "lo.h"
#include <tandem/core.h>

void	lo_unmount_all(void) __attribute__((weak));

void
lo_exit(int status)
{

	lo_fd_closeall();
	if (lo_unmount_all != NULL)
		lo_unmount_all();
	lo_syscall_report();
	rumpuser_exit(status & 255);
}

/* exit of the last thread and exit_group both end the guest: there is
 * one process.  (exit of one thread among several is thread.c's.) */
static long
sys_exit_group(long status)
{

	lo_exit((int)status);
}

static long
sys_getpid(void)
{

	return 1;
}

static long
sys_getppid(void)
{

	return 0;
}

static long
sys_zero(void)
{

	return 0;
}

LO_SYSCALL(exit_group, sys_exit_group);
LO_SYSCALL(getpid, sys_getpid);
LO_SYSCALL(getppid, sys_getppid);
LO_SYSCALL(getuid, sys_zero);
LO_SYSCALL(geteuid, sys_zero);
LO_SYSCALL(getgid, sys_zero);
LO_SYSCALL(getegid, sys_zero);
