/*
 * errno.c -- the C runtime's errno: per thread, in core's word for it
 * (td_thread_errno), and set by rumpuser_seterrno on the calling thread
 * as NetBSD's librumpuser sets the host thread's (issue 9).  The app
 * reads the numbers of <errno.h> here (Linux's); rumpuser speaks
 * NetBSD's.  Both the errno macro and the hook live in this file, so an
 * app that reads errno links the hook too (rumpuser_seterrno's
 * reference to it is weak and would not pull it in alone).
 */
#include <errno.h>
#include <tandem/core.h>
#include <tandem/hypercall.h>

int *
__tdcrt_errno(void)
{
	return td_thread_errno();
}

/* NetBSD number -> ours: 1..34 are the same on both. */
static int
from_netbsd(int e)
{
	switch (e) {
	case TD_EAGAIN:		return EAGAIN;
	case TD_EINPROGRESS:	return EINPROGRESS;
	case TD_EOPNOTSUPP:	return EOPNOTSUPP;
	case TD_ENOBUFS:	return ENOBUFS;
	case TD_ETIMEDOUT:	return ETIMEDOUT;
	case TD_ENAMETOOLONG:	return ENAMETOOLONG;
	case TD_ENOSYS:		return ENOSYS;
	default:
		return e >= 0 && e <= 34 ? e : EIO;
	}
}

/* hypercall/init.c's rumpuser_seterrno(), on the calling thread. */
void
td_app_seterrno(int error)
{
	*td_thread_errno() = from_netbsd(error);
}
