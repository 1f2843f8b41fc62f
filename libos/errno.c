/*
 * errno.c -- rumpuser_seterrno() reaches the app's errno.
 *
 * rumpuser(3) says rumpuser_seterrno sets the calling host thread's
 * errno.  For Tandem a thread that runs app code has its errno where
 * musl keeps it: in the thread's own struct pthread, which the thread's
 * TLS pointer (its FS base) points at.  Where in that struct is musl's
 * business, so it is measured once, when the C library is up on the main
 * thread: musl's own __errno_location() minus the FS base.  From then on
 * the calling thread's errno is its FS base plus that offset -- per
 * thread, and it follows a thread that installs another TLS block
 * (arch_prctl(ARCH_SET_FS)) as musl's __errno_location would.
 *
 * Threads that run no app code (drivers', the network stack's) and app
 * threads before they have TLS are left alone: hypercall/ keeps the last
 * value for them.
 */
#include "lo.h"
#include <tandem/core.h>
#include <tandem/hypercall.h>

/* musl's (every Linux C library has it); weak: libos links without a C
 * library in the hypercall-level tests. */
extern int *__errno_location(void) __attribute__((weak));

static long	errno_off = -1;		/* from the FS base; -1: unknown */

/* The thread's errno is inside the thread's own block of TLS data, so
 * an offset outside its first pages means the layout is not musl's. */
#define ERRNO_OFF_MAX	4096

static void
errno_late(void)
{
	uint64_t fs = td_thread_get_fsbase();
	long off;

	if (__errno_location == NULL || fs == 0)
		return;
	off = (long)((uintptr_t)__errno_location() - (uintptr_t)fs);
	if (off >= 0 && off < ERRNO_OFF_MAX)
		errno_off = off;
}

LO_LATE(errno_late);

/* hypercall/init.c's rumpuser_seterrno(), on the calling thread. */
void
td_app_seterrno(int error)
{
	struct lo_thread *td = (struct lo_thread *)rumpuser_curlwp();
	uint64_t fs;

	if (td == NULL || !td->app || errno_off < 0)
		return;
	if ((fs = td_thread_get_fsbase()) == 0)
		return;
	*(int *)(uintptr_t)(fs + (uint64_t)errno_off) =
	    lo_errno_from_rump(error);
}
