/*
 * errno.h -- Tandem's private mini C runtime for apps (core/crt/).
 * errno is per thread (core keeps the word: td_thread_errno), and
 * rumpuser_seterrno sets it with these numbers (Linux's) for the NetBSD
 * ones it is given (core/crt/errno.c).
 */
#ifndef _TDCRT_ERRNO_H
#define _TDCRT_ERRNO_H

int	*__tdcrt_errno(void);
#define errno	(*__tdcrt_errno())

#define EPERM	1
#define ENOENT	2
#define EINTR	4
#define EIO	5
#define EAGAIN	11
#define ENOMEM	12
#define EFAULT	14
#define EBUSY	16
#define EINVAL	22
#define ERANGE	34
#define ENOSYS	38
#define ENAMETOOLONG 36
#define EOPNOTSUPP 95
#define ENOBUFS	105
#define ETIMEDOUT 110
#define EINPROGRESS 115

#endif
