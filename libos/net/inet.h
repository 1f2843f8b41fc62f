/*
 * inet.h -- private to libos/net: Linux INET socket addresses to and
 * from lwIP's (sock_inet.c), shared by TCP and UDP.
 */
#ifndef TANDEM_LIBOS_INET_H
#define TANDEM_LIBOS_INET_H

#include "lwip/opt.h"
#include "lwip/ip_addr.h"
#include "sock_int.h"

/* The lwIP address type a socket's PCB gets. */
u8_t	lnet_pcbtype(const struct lsock *);
/* A Linux address for socket s: 0 with the address in ip and the port (host order) in port, or
 * -EAFNOSUPPORT / -EINVAL.  AF_UNSPEC gives -EAFNOSUPPORT (callers that
 * accept it check first).  A v4-mapped IPv6 address becomes IPv4; the
 * IPv6 any address becomes "any type" unless IPV6_V6ONLY. */
int	lnet_from_lx(const struct lsock *, const struct lx_sockaddr *,
	    unsigned len, ip_addr_t *ip, u16_t *port);
/* The Linux address of ip/port for socket s (IPv4 shown v4-mapped on an
 * AF_INET6 socket); returns its length. */
int	lnet_to_lx(const struct lsock *, const ip_addr_t *, u16_t port,
	    struct lx_sockaddr_storage *);
/* 0 if ip is any or an address of this guest, else -EADDRNOTAVAIL. */
int	lnet_is_local(const ip_addr_t *);
/* lwIP err_t to a negative Linux errno. */
int	lnet_err(int err);

#endif
