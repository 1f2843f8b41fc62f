/*
 * sys_errno.c -- rumpuser_seterrno() sets the calling thread's errno,
 * as the app reads it (issue 9).  Under Tandem the program calls the
 * hypercall itself with NetBSD numbers, as code over rump_sys_* would;
 * on Linux (the reference) there is no such call, so the program sets
 * errno to what Tandem must show.  Each thread sets a different value,
 * lets the others run (they set theirs), and reads its own back.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

void	rumpuser_seterrno(int) __attribute__((weak));

/* NetBSD number -> what the app must read (Linux numbering) */
static const struct { int nb, lx; } vals[] = {
	{ 2, ENOENT }, { 35, EAGAIN }, { 60, ETIMEDOUT }, { 63, ENAMETOOLONG },
	{ 78, ENOSYS }, { 22, EINVAL },
};
#define NT	5

static int
set(int i)
{

	if (rumpuser_seterrno != NULL)
		rumpuser_seterrno(vals[i].nb);
	else
		errno = vals[i].lx;
	return vals[i].lx;
}

static void *
worker(void *arg)
{
	int i = (int)(long)arg, want, ok = 1;

	for (int round = 0; round < 3; round++) {
		want = set((i + round) % 6);
		sched_yield();			/* the others set theirs */
		if (errno != want)
			ok = 0;
	}
	return (void *)(long)ok;
}

int
main(void)
{
	pthread_t t[NT];
	void *rv;
	int i, oks = 0, want;

	want = set(0);
	printf("main: %s\n", errno == want ? strerror(errno) : "wrong");
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1));
	want = set(5);
	sched_yield();
	for (i = 0; i < NT; i++) {
		pthread_join(t[i], &rv);
		oks += (int)(long)rv;
	}
	printf("threads whose errno stayed their own: %d of %d\n", oks, NT);
	printf("main after the threads: %s\n",
	    errno == want ? strerror(errno) : "wrong");
	return 0;
}
