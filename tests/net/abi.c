/*
 * abi.c -- libos/net/lx.h must say what the Linux headers say: built with
 * the host's (glibc + linux-libc-dev) headers and run by tests/net/run.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "lx.h"

#define SAME(a, b)	_Static_assert((a) == (b), #a " != " #b)
#define LAYOUT(lt, lf, ht, hf)						\
	SAME(offsetof(struct lt, lf), offsetof(struct ht, hf));		\
	SAME(sizeof(((struct lt *)0)->lf), sizeof(((struct ht *)0)->hf))

SAME(LX_EAGAIN, EAGAIN); SAME(LX_EINPROGRESS, EINPROGRESS);
SAME(LX_EALREADY, EALREADY); SAME(LX_EISCONN, EISCONN);
SAME(LX_ENOTCONN, ENOTCONN); SAME(LX_ECONNREFUSED, ECONNREFUSED);
SAME(LX_ECONNRESET, ECONNRESET); SAME(LX_ECONNABORTED, ECONNABORTED);
SAME(LX_ETIMEDOUT, ETIMEDOUT); SAME(LX_EPIPE, EPIPE);
SAME(LX_EADDRINUSE, EADDRINUSE); SAME(LX_EADDRNOTAVAIL, EADDRNOTAVAIL);
SAME(LX_ENOBUFS, ENOBUFS); SAME(LX_EAFNOSUPPORT, EAFNOSUPPORT);
SAME(LX_ESOCKTNOSUPPORT, ESOCKTNOSUPPORT);
SAME(LX_EPROTONOSUPPORT, EPROTONOSUPPORT); SAME(LX_ENOPROTOOPT, ENOPROTOOPT);
SAME(LX_EOPNOTSUPP, EOPNOTSUPP); SAME(LX_EDESTADDRREQ, EDESTADDRREQ);
SAME(LX_EMSGSIZE, EMSGSIZE); SAME(LX_ENETUNREACH, ENETUNREACH);
SAME(LX_EHOSTUNREACH, EHOSTUNREACH); SAME(LX_ENETDOWN, ENETDOWN);
SAME(LX_EINVAL, EINVAL); SAME(LX_EFAULT, EFAULT); SAME(LX_ENOENT, ENOENT);
SAME(LX_ENOMEM, ENOMEM); SAME(LX_EEXIST, EEXIST);
SAME(LX_AF_UNIX, AF_UNIX); SAME(LX_AF_INET, AF_INET);
SAME(LX_AF_INET6, AF_INET6); SAME(LX_AF_UNSPEC, AF_UNSPEC);
SAME(LX_SOCK_STREAM, SOCK_STREAM); SAME(LX_SOCK_DGRAM, SOCK_DGRAM);
SAME(LX_SOCK_NONBLOCK, SOCK_NONBLOCK); SAME(LX_SOCK_CLOEXEC, SOCK_CLOEXEC);
SAME(LX_IPPROTO_TCP, IPPROTO_TCP); SAME(LX_IPPROTO_UDP, IPPROTO_UDP);
SAME(LX_IPPROTO_IPV6, IPPROTO_IPV6);
SAME(LX_SOL_SOCKET, SOL_SOCKET); SAME(LX_SO_REUSEADDR, SO_REUSEADDR);
SAME(LX_SO_REUSEPORT, SO_REUSEPORT); SAME(LX_SO_KEEPALIVE, SO_KEEPALIVE);
SAME(LX_SO_RCVBUF, SO_RCVBUF); SAME(LX_SO_SNDBUF, SO_SNDBUF);
SAME(LX_SO_LINGER, SO_LINGER); SAME(LX_SO_ERROR, SO_ERROR);
SAME(LX_SO_TYPE, SO_TYPE); SAME(LX_SO_ACCEPTCONN, SO_ACCEPTCONN);
SAME(LX_SO_BROADCAST, SO_BROADCAST); SAME(LX_SO_DOMAIN, SO_DOMAIN);
SAME(LX_SO_PROTOCOL, SO_PROTOCOL); SAME(LX_SO_RCVLOWAT, SO_RCVLOWAT);
SAME(LX_TCP_NODELAY, TCP_NODELAY); SAME(LX_TCP_MAXSEG, TCP_MAXSEG);
SAME(LX_TCP_CORK, TCP_CORK);
SAME(LX_TCP_KEEPIDLE, TCP_KEEPIDLE); SAME(LX_TCP_KEEPINTVL, TCP_KEEPINTVL);
SAME(LX_TCP_KEEPCNT, TCP_KEEPCNT); SAME(LX_IPV6_V6ONLY, IPV6_V6ONLY);
SAME(LX_IP_TOS, IP_TOS); SAME(LX_IP_TTL, IP_TTL);
SAME(LX_MSG_PEEK, MSG_PEEK); SAME(LX_MSG_TRUNC, MSG_TRUNC);
SAME(LX_MSG_DONTWAIT, MSG_DONTWAIT); SAME(LX_MSG_NOSIGNAL, MSG_NOSIGNAL);
SAME(LX_MSG_MORE, MSG_MORE); SAME(LX_MSG_WAITALL, MSG_WAITALL);
SAME(LX_MSG_OOB, MSG_OOB); SAME(LX_MSG_CTRUNC, MSG_CTRUNC);
SAME(LX_SHUT_RD, SHUT_RD); SAME(LX_SHUT_WR, SHUT_WR);
SAME(LX_SHUT_RDWR, SHUT_RDWR);
SAME(LX_POLLIN, POLLIN); SAME(LX_POLLOUT, POLLOUT); SAME(LX_POLLERR, POLLERR);
SAME(LX_POLLHUP, POLLHUP); SAME(LX_POLLRDHUP, POLLRDHUP);
SAME(LX_POLLRDNORM, POLLRDNORM); SAME(LX_POLLWRNORM, POLLWRNORM);
SAME(LX_POLLNVAL, POLLNVAL);
SAME(LX_FIONREAD, FIONREAD); SAME(LX_FIONBIO, FIONBIO);
SAME(LX_SIOCOUTQ, TIOCOUTQ);
SAME(sizeof(struct lx_sockaddr_in), sizeof(struct sockaddr_in));
SAME(sizeof(struct lx_sockaddr_in6), sizeof(struct sockaddr_in6));
SAME(sizeof(struct lx_sockaddr_un), sizeof(struct sockaddr_un));
SAME(sizeof(struct lx_sockaddr_storage), sizeof(struct sockaddr_storage));
SAME(sizeof(struct lx_msghdr), sizeof(struct msghdr));
LAYOUT(lx_sockaddr_in, sin_port, sockaddr_in, sin_port);
LAYOUT(lx_sockaddr_in, sin_addr, sockaddr_in, sin_addr);
LAYOUT(lx_sockaddr_in6, sin6_port, sockaddr_in6, sin6_port);
LAYOUT(lx_sockaddr_in6, sin6_flowinfo, sockaddr_in6, sin6_flowinfo);
LAYOUT(lx_sockaddr_in6, sin6_addr, sockaddr_in6, sin6_addr);
LAYOUT(lx_sockaddr_in6, sin6_scope_id, sockaddr_in6, sin6_scope_id);
LAYOUT(lx_sockaddr_un, sun_path, sockaddr_un, sun_path);
LAYOUT(lx_msghdr, msg_name, msghdr, msg_name);
LAYOUT(lx_msghdr, msg_namelen, msghdr, msg_namelen);
LAYOUT(lx_msghdr, msg_iov, msghdr, msg_iov);
LAYOUT(lx_msghdr, msg_iovlen, msghdr, msg_iovlen);
LAYOUT(lx_msghdr, msg_control, msghdr, msg_control);
LAYOUT(lx_msghdr, msg_controllen, msghdr, msg_controllen);
LAYOUT(lx_msghdr, msg_flags, msghdr, msg_flags);
LAYOUT(lx_linger, l_linger, linger, l_linger);
LAYOUT(lx_iovec, iov_len, iovec, iov_len);

int
main(void)
{

	printf("lx.h matches the host's headers\n");
	return 0;
}
