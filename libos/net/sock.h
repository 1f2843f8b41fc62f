/*
 * sock.h -- sockets for libos: the contract between the network module
 * (libos/net: lwIP for AF_INET/AF_INET6, an in-memory AF_UNIX) and the
 * fd table.
 *
 * Non-blocking by contract: every call returns >= 0 or a NEGATIVE Linux
 * errno, -EAGAIN when it would block.  libos builds blocking calls,
 * O_NONBLOCK, timeouts and SIGPIPE on top with lsock_poll() and the
 * wakeup callback.  Addresses, option values, flags and structures are
 * Linux's (x86_64): struct sockaddr/msghdr here are the C library's
 * names for the layouts of lx.h.  Calls may be made from any thread but
 * never from an interrupt handler or from inside a wakeup callback.
 * The first INET socket starts the stack (lnet_init(), net.h) if libos
 * has not already done so at start-up.
 */
#ifndef TANDEM_LIBOS_SOCK_H
#define TANDEM_LIBOS_SOCK_H

#include <stddef.h>

struct lsock;
struct sockaddr;
struct msghdr;

/* Creates a socket.  domain AF_UNIX/AF_INET/AF_INET6; type SOCK_STREAM
 * or SOCK_DGRAM (without SOCK_NONBLOCK/SOCK_CLOEXEC: those are fd
 * flags); protocol 0 or the matching IPPROTO_TCP/UDP.  -EAFNOSUPPORT,
 * -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -ENOMEM (-ENOBUFS when the
 * stack's memory budget is spent). */
int	lsock_socket(int domain, int type, int protocol, struct lsock **out);
/* A connected pair (AF_UNIX only, STREAM or DGRAM); -EOPNOTSUPP else. */
int	lsock_socketpair(int domain, int type, int protocol,
	    struct lsock *out[2]);
/* Binds a local address.  INET: port 0 picks one; -EADDRINUSE unless
 * SO_REUSEADDR/SO_REUSEPORT allow it; -EADDRNOTAVAIL for an address not
 * ours.  UNIX: a path or an abstract name (leading NUL) in a name table
 * of this guest; -EADDRINUSE if taken (no file is created). */
int	lsock_bind(struct lsock *, const struct sockaddr *, unsigned int len);
/* Starts a connection.  TCP: -EINPROGRESS, then POLLOUT, and SO_ERROR
 * tells the outcome (0, ECONNREFUSED, ETIMEDOUT, ...); again while
 * pending: -EALREADY; once connected: -EISCONN.  UDP: sets the default
 * peer (AF_UNSPEC dissolves it).  UNIX stream: connects at once (0) or
 * -ECONNREFUSED / -ENOENT; -EAGAIN when the listener's backlog is full. */
int	lsock_connect(struct lsock *, const struct sockaddr *,
	    unsigned int len);
/* Marks a stream socket passive; an unbound one gets a port.  backlog
 * (clamped to 1..255 for TCP) bounds connections not yet accepted,
 * half-open ones included; beyond it SYNs are dropped, as Linux does. */
int	lsock_listen(struct lsock *, int backlog);
/* Takes the oldest established connection: *newp, and its peer address
 * in addr/len if addr is not NULL (len in: room, out: full size).
 * -EAGAIN if none, -EINVAL if not listening. */
int	lsock_accept(struct lsock *, struct lsock **newp, struct sockaddr *,
	    unsigned int *len);
/* Sends from msg_iov; msg_name gives the destination of a datagram.
 * Returns the bytes taken (streams may take fewer than offered: what the
 * send buffer holds), -EAGAIN if none fit, -EPIPE once the stream can no
 * longer send (peer closed/reset or SHUT_WR: the caller raises SIGPIPE
 * unless MSG_NOSIGNAL), -ENOTCONN, -EDESTADDRREQ, -EMSGSIZE (datagram
 * over 65507 bytes), -ENOBUFS.  MSG_MORE delays a TCP push. */
long	lsock_sendmsg(struct lsock *, const struct msghdr *, int flags);
/* Receives into msg_iov, one copy from the stack's buffers.  Returns
 * bytes, 0 at end of stream, -EAGAIN if nothing is there yet, or the
 * pending error (-ECONNRESET...).  MSG_PEEK leaves the data queued;
 * MSG_DONTWAIT is implied; MSG_TRUNC returns a datagram's full length.
 * msg_name gets the sender of a datagram (or a stream's peer);
 * msg_flags gets MSG_TRUNC when a datagram did not fit. */
long	lsock_recvmsg(struct lsock *, struct msghdr *, int flags);
/* SHUT_RD: later receives return 0 (arriving data is discarded);
 * SHUT_WR: sends a FIN after queued data; -ENOTCONN if not connected. */
int	lsock_shutdown(struct lsock *, int how);
/* Local / peer address (len in: room, out: full size); getpeername of an
 * unconnected socket is -ENOTCONN. */
int	lsock_getsockname(struct lsock *, struct sockaddr *, unsigned int *);
int	lsock_getpeername(struct lsock *, struct sockaddr *, unsigned int *);
/* Options, Linux levels and names: SOL_SOCKET SO_REUSEADDR, SO_REUSEPORT,
 * SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_LINGER, SO_BROADCAST, SO_ERROR
 * (read clears it), SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN;
 * IPPROTO_TCP TCP_NODELAY, TCP_MAXSEG (get), TCP_KEEPIDLE/INTVL/CNT;
 * IPPROTO_IPV6 IPV6_V6ONLY (before bind); IPPROTO_IP IP_TTL, IP_TOS.
 * Unknown ones: -ENOPROTOOPT; a short value: -EINVAL. */
int	lsock_setsockopt(struct lsock *, int level, int name, const void *val,
	    unsigned int len);
int	lsock_getsockopt(struct lsock *, int level, int name, void *val,
	    unsigned int *len);
/* FIONREAD (int: bytes readable; a datagram socket's next datagram),
 * SIOCOUTQ (bytes not yet acknowledged); FIONBIO is the fd layer's.
 * Others: -ENOTTY (25). */
int	lsock_ioctl(struct lsock *, unsigned long req, void *arg);
/* The current readiness: POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP as
 * Linux computes them for this socket state. */
int	lsock_poll(struct lsock *);
/* fn(arg) is called (thread context, inside the stack: it must only note
 * the event and wake threads, never call lsock_*) whenever the poll
 * state may have changed.  One callback per socket; NULL removes it. */
void	lsock_set_wakeup(struct lsock *, void (*fn)(void *), void *arg);
/* Closes and frees the socket.  TCP: queued data is still sent, then a
 * FIN (the connection finishes in the background); unread received data
 * or SO_LINGER {1, 0} send a RST instead.  Always returns 0. */
int	lsock_close(struct lsock *);

#endif /* TANDEM_LIBOS_SOCK_H */
