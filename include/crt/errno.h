/*
 * errno.h -- Tandem's private mini C runtime for apps (core/crt/).
 * One errno for all threads: good enough for cooperative test apps.
 * Replaced by musl when libos lands.
 */
#ifndef _TDCRT_ERRNO_H
#define _TDCRT_ERRNO_H

extern int errno;

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
#define ETIMEDOUT 110

#endif
