/*
 * fdctl.c -- the fd calls off the read/write path: dup, dup2, dup3,
 * fcntl, ioctl's generic requests and lseek.  The table itself (and
 * what these need of it: lo_fd_dup_to, lo_fd_cloexec/setcloexec) is
 * fd.c's; this file is built for size like the rest of libos.
 */
#include "lo.h"
#include <linux/ioctl.h>
#include <asm/ioctls.h>

static long
sys_dup(long fd)
{
	struct lo_file *f = lo_fd_get((int)fd);

	return f == NULL ? -EBADF : lo_fd_install(f, 0, 0);
}

static long
sys_dup2(long oldfd, long newfd)
{
	struct lo_file *f;

	if (oldfd == newfd) {
		if ((f = lo_fd_get((int)oldfd)) == NULL)
			return -EBADF;
		lo_file_rele(f);
		return newfd;
	}
	return lo_fd_dup_to((int)oldfd, (int)newfd, 0);
}

static long
sys_dup3(long oldfd, long newfd, long flags)
{

	if (oldfd == newfd || (flags & ~O_CLOEXEC) != 0)
		return -EINVAL;
	return lo_fd_dup_to((int)oldfd, (int)newfd, (flags & O_CLOEXEC) != 0);
}

/* Flags F_SETFL may change, as Linux. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static long
sys_fcntl(long fd, long cmd, long arg)
{
	struct lo_file *f;
	long rv = 0;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		lo_file_ref(f);
		rv = lo_fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		rv = lo_fd_cloexec((int)fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		rv = lo_fd_setcloexec((int)fd, (arg & FD_CLOEXEC) != 0);
		break;
	case F_GETFL:
		rv = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | ((int)arg & SETFL_MASK);
		break;
	case F_GETLK:
	case F_OFD_GETLK:
		/* one process: no lock can conflict with ours */
		if (LO_BADPTR(arg))
			rv = -EFAULT;
		else
			((struct flock *)arg)->l_type = F_UNLCK;
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		rv = LO_BADPTR(arg) ? -EFAULT : 0;	/* nobody to exclude */
		break;
	case F_GETOWN:
	case F_SETOWN:
	case F_SETSIG:
	case F_GETSIG:
		rv = 0;
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		rv = lo_pipe_fcntl(f, (int)cmd, (unsigned long)arg);
		break;
	default:
		rv = -EINVAL;
	}
	lo_file_rele(f);
	return rv;
}

static long
sys_ioctl(long fd, long req, long arg)
{
	struct lo_file *f;
	long rv;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	switch ((unsigned long)req) {
	case FIONBIO:
		if (LO_BADPTR(arg))
			rv = -EFAULT;
		else {
			if (*(int *)arg)
				f->flags |= O_NONBLOCK;
			else
				f->flags &= ~O_NONBLOCK;
			rv = 0;
		}
		break;
	case FIOCLEX:
	case FIONCLEX:
		rv = lo_fd_setcloexec((int)fd, req == FIOCLEX);
		break;
	default:
		rv = f->ops->ioctl != NULL ? f->ops->ioctl(f,
		    (unsigned long)req, (void *)arg) : -ENOTTY;
	}
	lo_file_rele(f);
	return rv;
}

static long
sys_lseek(long fd, long off, long whence)
{
	struct lo_file *f;
	struct lo_attr a;
	int64_t base;
	long rv;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (!lo_file_seekable(f)) {
		lo_file_rele(f);
		return -ESPIPE;
	}
	switch (whence) {
	case 0:			/* SEEK_SET */
		base = 0;
		break;
	case 1:			/* SEEK_CUR */
		base = f->off;
		break;
	case 2:			/* SEEK_END */
		rv = f->vn->ops->getattr(f->vn, &a);
		if (rv < 0) {
			lo_file_rele(f);
			return rv;
		}
		base = a.size;
		break;
	default:
		lo_file_rele(f);
		return -EINVAL;
	}
	if ((off < 0 && base + off < 0) ||
	    (off > 0 && base + off < base)) {
		lo_file_rele(f);
		return off < 0 ? -EINVAL : -EOVERFLOW;
	}
	/* directories: the offset is the readdir position, opaque */
	f->off = base + off;
	rv = f->off;
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(dup, sys_dup);
LO_SYSCALL(dup2, sys_dup2);
LO_SYSCALL(dup3, sys_dup3);
LO_SYSCALL(fcntl, sys_fcntl);
LO_SYSCALL(ioctl, sys_ioctl);
LO_SYSCALL(lseek, sys_lseek);
