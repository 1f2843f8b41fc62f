/*
 * test_crt_errno.c -- libtdcrt's errno (core/crt/errno.c) is per thread,
 * and rumpuser_seterrno's hook (td_app_seterrno, given NetBSD numbers)
 * sets the calling thread's with the numbers of libtdcrt's own
 * <errno.h> (issue 9).  Threads set different values, yield so the
 * others set theirs, and read their own back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core_impl.h"
#include "test.h"
#include <tandem/hypercall.h>
#include "../../include/crt/errno.h"	/* errno as libtdcrt apps read it */

/* NetBSD number (what rumpuser_seterrno is given) -> libtdcrt's */
static const struct { int nb, crt; } vals[] = {
	{ TD_ENOENT, ENOENT }, { TD_EAGAIN, EAGAIN },
	{ TD_ETIMEDOUT, ETIMEDOUT }, { TD_ENAMETOOLONG, ENAMETOOLONG },
	{ TD_ENOSYS, ENOSYS }, { TD_EINVAL, EINVAL },
	{ TD_EINPROGRESS, EINPROGRESS }, { TD_EOPNOTSUPP, EOPNOTSUPP },
	{ TD_ENOBUFS, ENOBUFS }, { TD_ERANGE, ERANGE },
};
#define NVAL	((int)(sizeof(vals) / sizeof(vals[0])))
#define NT	4

static int	 ok[NT];

static void
worker(void *arg)
{
	int i = (int)(long)arg, v;

	ok[i] = errno == 0;		/* a new thread starts at 0 */
	for (int round = 0; round < NVAL; round++) {
		v = (i + round) % NVAL;
		td_app_seterrno(vals[v].nb);
		td_yield();		/* the others set theirs */
		if (errno != vals[v].crt)
			ok[i] = 0;
		errno = 0;		/* the app writes it too */
		td_yield();
		if (errno != 0)
			ok[i] = 0;
	}
}

static void
test_per_thread(void)
{
	struct td_thread *t[NT];
	int i;

	errno = 0;
	for (i = 0; i < NT; i++)
		CHECK((t[i] = td_thread_create("w", worker, (void *)(long)i,
		    0, TD_THREAD_JOINABLE)) != NULL);
	td_app_seterrno(TD_EAGAIN);	/* the driver's own, meanwhile */
	for (i = 0; i < NT; i++)
		CHECK(td_thread_join(t[i]) == 0);
	for (i = 0; i < NT; i++)
		CHECK(ok[i]);
	CHECK(errno == EAGAIN);
}

static void
test_unknown_numbers(void)
{

	td_app_seterrno(0);
	CHECK(errno == 0);
	td_app_seterrno(TD_EPERM);	/* 1..34: the same on both */
	CHECK(errno == EPERM);
	td_app_seterrno(TD_EBUSY);
	CHECK(errno == EBUSY);
	td_app_seterrno(93);		/* NetBSD's ENOATTR: no name here */
	CHECK(errno == EIO);
	td_app_seterrno(-5);
	CHECK(errno == EIO);
}

static void
driver(void *arg)
{
	RUN(test_per_thread);
	RUN(test_unknown_numbers);
	_exit(t_done());
}

int
main(void)
{
	fake_init("", 64UL << 20);
	page_init(td_plat.ram, td_plat.nram);
	heap_init();
	sched_init();
	td_thread_create("driver", driver, NULL, 256 * 1024, 0);
	sched_idle();
}
