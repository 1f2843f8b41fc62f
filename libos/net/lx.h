/*
 * lx.h -- the Linux socket ABI the socket module speaks: constants and
 * structure layouts as the x86_64 Linux kernel defines them (the values
 * of linux-libc-dev's uapi headers and of musl's; tests/net checks them
 * against the host's headers).  Prefixed LX_ so this header can sit
 * next to any C library's own definitions.
 */
#ifndef TANDEM_LIBOS_LX_H
#define TANDEM_LIBOS_LX_H

#include <stddef.h>
#include <stdint.h>

/* ---- errno ---- */
#define LX_EPERM		1
#define LX_ENOENT		2
#define LX_EINTR		4
#define LX_EBADF		9
#define LX_EAGAIN		11
#define LX_ENOMEM		12
#define LX_EACCES		13
#define LX_EFAULT		14
#define LX_EEXIST		17
#define LX_ENOTDIR		20
#define LX_EINVAL		22
#define LX_EMFILE		24
#define LX_ENOSPC		28
#define LX_EPIPE		32
#define LX_ENAMETOOLONG		36
#define LX_ENOTSOCK		88
#define LX_EDESTADDRREQ		89
#define LX_EMSGSIZE		90
#define LX_EPROTOTYPE		91
#define LX_ENOPROTOOPT		92
#define LX_EPROTONOSUPPORT	93
#define LX_ESOCKTNOSUPPORT	94
#define LX_EOPNOTSUPP		95
#define LX_EAFNOSUPPORT		97
#define LX_EADDRINUSE		98
#define LX_EADDRNOTAVAIL	99
#define LX_ENETDOWN		100
#define LX_ENETUNREACH		101
#define LX_ECONNABORTED		103
#define LX_ECONNRESET		104
#define LX_ENOBUFS		105
#define LX_EISCONN		106
#define LX_ENOTCONN		107
#define LX_ETIMEDOUT		110
#define LX_ECONNREFUSED		111
#define LX_EHOSTUNREACH		113
#define LX_EALREADY		114
#define LX_EINPROGRESS		115

/* ---- families, types, protocols ---- */
#define LX_AF_UNSPEC		0
#define LX_AF_UNIX		1
#define LX_AF_INET		2
#define LX_AF_INET6		10
#define LX_SOCK_STREAM		1
#define LX_SOCK_DGRAM		2
#define LX_SOCK_SEQPACKET	5
#define LX_SOCK_NONBLOCK	04000
#define LX_SOCK_CLOEXEC		02000000
#define LX_IPPROTO_IP		0
#define LX_IPPROTO_TCP		6
#define LX_IPPROTO_UDP		17
#define LX_IPPROTO_IPV6		41

/* ---- options ---- */
#define LX_SOL_SOCKET		1
#define LX_SO_REUSEADDR		2
#define LX_SO_TYPE		3
#define LX_SO_ERROR		4
#define LX_SO_BROADCAST		6
#define LX_SO_SNDBUF		7
#define LX_SO_RCVBUF		8
#define LX_SO_KEEPALIVE		9
#define LX_SO_LINGER		13
#define LX_SO_REUSEPORT		15
#define LX_SO_RCVLOWAT		18
#define LX_SO_SNDLOWAT		19
#define LX_SO_ACCEPTCONN	30
#define LX_SO_PROTOCOL		38
#define LX_SO_DOMAIN		39
#define LX_TCP_NODELAY		1
#define LX_TCP_MAXSEG		2
#define LX_TCP_CORK		3
#define LX_TCP_KEEPIDLE		4
#define LX_TCP_KEEPINTVL	5
#define LX_TCP_KEEPCNT		6
#define LX_IP_TOS		1
#define LX_IP_TTL		2
#define LX_IPV6_V6ONLY		26

/* ---- send/recv flags, shutdown, poll, ioctl ---- */
#define LX_MSG_OOB		0x1
#define LX_MSG_PEEK		0x2
#define LX_MSG_CTRUNC		0x8
#define LX_MSG_TRUNC		0x20
#define LX_MSG_DONTWAIT		0x40
#define LX_MSG_WAITALL		0x100
#define LX_MSG_NOSIGNAL		0x4000
#define LX_MSG_MORE		0x8000
#define LX_SHUT_RD		0
#define LX_SHUT_WR		1
#define LX_SHUT_RDWR		2
#define LX_POLLIN		0x001
#define LX_POLLPRI		0x002
#define LX_POLLOUT		0x004
#define LX_POLLERR		0x008
#define LX_POLLHUP		0x010
#define LX_POLLNVAL		0x020
#define LX_POLLRDNORM		0x040
#define LX_POLLWRNORM		0x100
#define LX_POLLRDHUP		0x2000
#define LX_FIONREAD		0x541B
#define LX_FIONBIO		0x5421
#define LX_SIOCOUTQ		0x5411

/* ---- structures ---- */
struct lx_sockaddr {
	uint16_t	sa_family;
	char		sa_data[14];
};
struct lx_sockaddr_in {
	uint16_t	sin_family;
	uint16_t	sin_port;	/* network order */
	uint32_t	sin_addr;	/* network order */
	uint8_t		sin_zero[8];
};
struct lx_sockaddr_in6 {
	uint16_t	sin6_family;
	uint16_t	sin6_port;
	uint32_t	sin6_flowinfo;
	uint8_t		sin6_addr[16];
	uint32_t	sin6_scope_id;
};
#define LX_UNIX_PATH_MAX	108
struct lx_sockaddr_un {
	uint16_t	sun_family;
	char		sun_path[LX_UNIX_PATH_MAX];
};
struct lx_sockaddr_storage {
	uint16_t	ss_family;
	char		ss_data[126];
} __attribute__((aligned(8)));
struct lx_iovec {
	void		*iov_base;
	size_t		 iov_len;
};
/* The kernel's layout (msg_iovlen and msg_controllen are size_t; musl
 * zeroes its padding words before the call). */
struct lx_msghdr {
	void		*msg_name;
	uint32_t	 msg_namelen;
	struct lx_iovec	*msg_iov;
	size_t		 msg_iovlen;
	void		*msg_control;
	size_t		 msg_controllen;
	int		 msg_flags;
};
struct lx_linger {
	int		l_onoff;
	int		l_linger;
};

#endif /* TANDEM_LIBOS_LX_H */
