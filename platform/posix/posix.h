/*
 * posix.h -- private to platform/posix: the entry, the host devices the
 * idle loop polls.  This platform is Tandem inside one Linux process
 * (tests, sanitizers, valgrind, gdb, configure-test programs); it
 * reaches Linux only through host.h, never through a C library.
 */
#ifndef POSIX_H
#define POSIX_H

#include <stddef.h>

#include "host.h"

/* Standard names: core/string.c in a freestanding link, the host libc
 * in the glibc-hosted test builds (core/string.c's are weak). */
void	*memcpy(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strcpy(char *, const char *);

/*
 * The common entry: hosted.c's main() and start.S's _start call it with
 * the process's arguments and environment (envp NULL-terminated, as
 * the kernel laid them out).  Fills td_plat and enters core; never
 * returns.
 *
 * Tool mode (default): PROG [--disk NAME=PATH[,ro]]... [--net tap:IF]...
 * [KEY=VALUE...] [--] [app args...]; the words that are not devices
 * become core's command line.
 * App mode (TANDEM_POSIX set in the environment, or td_posix_app_mode
 * linked as 1): argv goes to the app unchanged, argv[0] included, and
 * Tandem's own words come from TANDEM_POSIX in the same syntax.
 */
void	posix_start(int argc, char **argv, char **envp)
	    __attribute__((noreturn));

/* 0 in main.c (weak); an app-mode link adds appmode.c, which defines
 * it as 1. */
extern int td_posix_app_mode;

/* --disk NAME=PATH[,ro] */
int	posix_disk_add(const char *spec);
/* Runs the queued disk requests ("the device"), completing them out of
 * order.  Returns how many completed. */
int	posix_disk_run(void);

/* --net tap:IFNAME */
int	posix_tap_add(const char *spec);
/* Adds the tap fds to pfd (at most max); returns how many. */
int	posix_tap_pollfds(struct pollfd *pfd, int max);
/* After poll: kicks the receive side of every readable tap. */
void	posix_tap_ready(const struct pollfd *pfd, int n);

#endif /* POSIX_H */
