/*
 * sockfile.h -- shared by the two halves of libos's socket system calls:
 * sockfile.c (the socket file, creation, connections, addresses, options)
 * and sockmsg.c (the data calls).  Private to them.
 */
#ifndef SOCKFILE_H
#define SOCKFILE_H

#include "lo.h"
#include "lx.h"
#include "net.h"
#include "sock.h"

/* A socket's lo_file private part. */
struct sfile {
	struct lsock	*s;
	struct lo_waitq	 wq;		/* kicked by the stack's wakeup */
	uint64_t	 rcvtimeo;	/* ns, 0 = none */
	uint64_t	 sndtimeo;
};

#define SF(f)	((struct sfile *)(f)->priv)
#define SO_RCVTIMEO_	20
#define SO_SNDTIMEO_	21

/* The socket of fd, its file held in *fp (lo_file_rele when done); NULL
 * for a bad fd, (struct lsock *)-1 for a file that is not a socket. */
struct lsock	*sf_sock_of(int fd, struct lo_file **fp);
/* Waits for the socket's state to change until dl (lo_now() ns,
 * UINT64_MAX: no limit); -EAGAIN when dl passed (Linux's answer to an
 * SO_*TIMEO running out), -EINTR on a signal. */
int	sf_wait(struct lo_file *f, uint64_t dl);

/* In a system call: f, s from fd, or return EBADF / ENOTSOCK. */
#define GETSOCK(fd, f, s) do {						\
	if (((s) = sf_sock_of((int)(fd), &(f))) == NULL)		\
		return -EBADF;						\
	if ((s) == (struct lsock *)-1)					\
		return -ENOTSOCK;					\
} while (0)

/* Whether a call on f with these MSG_ flags must not block. */
static inline int
sf_nonblock(struct lo_file *f, int msgflags)
{

	return (f->flags & O_NONBLOCK) || (msgflags & LX_MSG_DONTWAIT);
}

/* The deadline of an SO_*TIMEO value (0 = none) from now. */
static inline uint64_t
sf_deadline(uint64_t timeo)
{

	return timeo == 0 ? UINT64_MAX : lo_now() + timeo;
}

#endif
