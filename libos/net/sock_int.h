/*
 * sock_int.h -- private to libos/net's socket files: the object every
 * socket starts with, the per-type operations behind sock.h, and the
 * helpers shared by TCP, UDP and AF_UNIX.
 */
#ifndef TANDEM_LIBOS_SOCK_INT_H
#define TANDEM_LIBOS_SOCK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lx.h"
#include "sock.h"

struct lsock_ops {
	int	(*bind)(struct lsock *, const struct lx_sockaddr *, unsigned);
	int	(*connect)(struct lsock *, const struct lx_sockaddr *,
		    unsigned);
	int	(*listen)(struct lsock *, int);
	int	(*accept)(struct lsock *, struct lsock **,
		    struct lx_sockaddr_storage *, unsigned *);
	long	(*sendmsg)(struct lsock *, const struct lx_msghdr *, int);
	long	(*recvmsg)(struct lsock *, struct lx_msghdr *, int);
	int	(*shutdown)(struct lsock *, int);
	/* fills *ss, returns its length or a negative errno */
	int	(*name)(struct lsock *, struct lx_sockaddr_storage *, int peer);
	/* protocol options and the SOL_SOCKET ones that need the PCB:
	 * -ENOPROTOOPT when not theirs */
	int	(*setopt)(struct lsock *, int, int, const void *, unsigned);
	int	(*getopt)(struct lsock *, int, int, int *);
	int	(*ioctl)(struct lsock *, unsigned long, void *);
	int	(*poll)(struct lsock *);
	void	(*close)(struct lsock *);
};

struct lsock {
	const struct lsock_ops *ops;
	int		 domain, type, protocol;
	void		(*wakefn)(void *);
	void		*wakearg;
	int		 error;		/* pending SO_ERROR, positive */
	unsigned	 reuseaddr:1, reuseport:1, keepalive:1, v6only:1,
			 linger_on:1, broadcast:1, shut_rd:1, shut_wr:1;
	int		 linger;
	int		 rcvbuf, sndbuf;
};

/* Calls the socket's wakeup function, if any. */
static inline void
lsock_wake(struct lsock *s)
{

	if (s->wakefn != NULL)
		s->wakefn(s->wakearg);
}

/* Sets the common fields of a new socket and counts it. */
void	lsock_init(struct lsock *, const struct lsock_ops *, int domain,
	    int type, int protocol);
/* Uncounts it (the type's close frees the memory). */
void	lsock_fini(struct lsock *);

/* Bytes in an iovec array, or -EINVAL if it overflows ssize_t. */
long	lx_iov_total(const struct lx_iovec *, size_t n);
/* Copies into/out of an iovec array starting at byte `skip'. */
size_t	lx_iov_from(const struct lx_iovec *, size_t n, size_t skip,
	    const void *src, size_t len);
size_t	lx_iov_to(void *dst, const struct lx_iovec *, size_t n, size_t skip,
	    size_t len);
/* Copies a name out: at most *len bytes, then *len = full length. */
void	lx_name_out(void *dst, unsigned *len, const void *src, unsigned full);

/* Per-type constructors (sock_tcp.c, sock_udp.c, sock_unix.c). */
int	ltcp_new(int domain, struct lsock **);
int	ludp_new(int domain, struct lsock **);
int	lunix_new(int type, struct lsock **);
int	lunix_pair(int type, struct lsock *out[2]);

#endif /* TANDEM_LIBOS_SOCK_INT_H */
