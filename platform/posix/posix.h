/*
 * posix.h -- private to platform/posix: the host devices the idle loop
 * polls.  This platform is Tandem inside one Linux process (tests,
 * sanitizers, valgrind, gdb); the host calls stay in this directory.
 */
#ifndef POSIX_H
#define POSIX_H

#include <poll.h>

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
