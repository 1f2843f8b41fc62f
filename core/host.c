/*
 * host.c -- td_host(): the host of a program run as a Linux process
 * (posix app mode), from what the platform filled in td_plat.  The one
 * way layers above core reach those platform hooks (core.h).
 */
#include <tandem/core.h>
#include <tandem/platform.h>

static struct td_host	host;
static char		*noenv[1];

const struct td_host *
td_host(void)
{

	/* app mode sets argv, stdio and syscall together (platform/posix) */
	if (td_plat.host_syscall == NULL || td_plat.host_stdio == NULL ||
	    td_plat.host_argv == NULL)
		return NULL;
	if (host.syscall == NULL) {
		host.argv = td_plat.host_argv;
		host.envp = td_plat.host_envp != NULL ? td_plat.host_envp :
		    noenv;
		host.stdio = td_plat.host_stdio;
		host.syscall = td_plat.host_syscall;
	}
	return &host;
}
