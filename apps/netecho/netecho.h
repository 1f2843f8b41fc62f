/*
 * netecho.h -- shared by the netecho app's files.
 */
#ifndef NETECHO_H
#define NETECHO_H

#include "lx.h"
#include "net.h"
#include "sock.h"

/* Loopback tests of the socket API (selftest.c); returns failures. */
int	selftest(void);
/* Blocks the calling thread until lsock_poll(s) & mask or the timeout
 * (ms); returns the poll bits (0 on timeout). */
int	waitfor(struct lsock *s, int mask, int ms);
/* send/recv on one buffer */
long	xsend(struct lsock *, const void *, size_t, int flags);
long	xrecv(struct lsock *, void *, size_t, int flags);
long	xsendto(struct lsock *, const void *, size_t, const void *sa,
	    unsigned salen);
long	xrecvfrom(struct lsock *, void *, size_t, void *sa, unsigned *salen);
void	sin4(struct lx_sockaddr_in *, const char *dotted, int port);
void	sin6any(struct lx_sockaddr_in6 *, const uint8_t *a16, int port);

#endif
