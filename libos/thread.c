/*
 * thread.c -- libos's threads: the lo_thread behind every thread that
 * makes system calls, kept in rumpuser's curlwp word (libos is the
 * "kernel" rumpuser serves, so that word is exactly its to use).
 */
#include "lo.h"
#include <tandem/core.h>

static struct lo_thread	 main_thread;
struct lo_thread	*lo_threads = &main_thread;
static int		 next_tid = 2;	/* the main thread is 1 */
static int		 napp;		/* app threads alive */
static uint64_t		 dead_cpu_ns;	/* CPU time of the threads gone */

void
lo_thread_init(void)
{

	main_thread.tid = 1;
	main_thread.app = 1;
	main_thread.alt_flags = 2;	/* SS_DISABLE */
	main_thread.core = td_thread_self();
	napp = 1;
	memcpy(main_thread.name, "main", 5);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, (struct lwp *)&main_thread);
}

struct lo_thread *
lo_curthread(void)
{

	return lo_curthread_hot();
}

/* Threads libos did not start (drivers', the net stack's) get an entry
 * the first time they need one. */
struct lo_thread *
lo_curthread_new(void)
{
	struct lo_thread *td;

	if ((td = lo_zalloc(sizeof(*td))) == NULL)
		lo_panic("no memory for a thread");
	td->tid = next_tid++;
	td->core = td_thread_self();
	memcpy(td->name, "kthread", 8);
	td->next = lo_threads;
	lo_threads = td;
	rumpuser_curlwpop(RUMPUSER_LWP_SET, (struct lwp *)td);
	return td;
}

int
lo_thread_newtid(void)
{

	return next_tid++;
}

struct lo_thread *
lo_thread_main(void)
{

	return &main_thread;
}

/* A new app thread (clone.c) joins the list. */
void
lo_thread_link(struct lo_thread *td)
{

	td->next = lo_threads;
	lo_threads = td;
	napp++;
}

/* An app thread leaves; returns how many app threads are left. */
int
lo_thread_unlink(struct lo_thread *td)
{
	struct lo_thread **pp;

	for (pp = &lo_threads; *pp != NULL; pp = &(*pp)->next)
		if (*pp == td) {
			*pp = td->next;
			break;
		}
	if (td->app) {
		dead_cpu_ns += lo_thread_cpu_ns(td);
		td->app = 0;
		napp--;
	}
	return napp;
}

/* CPU time: the time core's thread has run (it reads the TSC at each
 * switch), so waits of every kind count as none.  A clone child that
 * has not run yet has used none. */
uint64_t
lo_thread_cpu_ns(struct lo_thread *td)
{

	return td->core != NULL ? td_thread_cpu_ns(td->core) : 0;
}

/* The sum over the app threads, the ones gone included; never more
 * than the time since boot (one CPU: only the TSC's rate estimate could
 * make it so) and never less than it was. */
uint64_t
lo_process_cpu_ns(void)
{
	static uint64_t last;
	struct lo_thread *td;
	uint64_t t = dead_cpu_ns, now;

	for (td = lo_threads; td != NULL; td = td->next)
		if (td->app)
			t += lo_thread_cpu_ns(td);
	if (t > (now = lo_now()))
		t = now;
	if (t < last)
		t = last;
	last = t;
	return t;
}

static long
sys_set_tid_address(long p)
{
	struct lo_thread *td = lo_curthread();

	td->clear_tid = (int *)p;
	return td->tid;
}

static long
sys_gettid(void)
{

	return lo_curthread()->tid;
}

LO_SYSCALL(set_tid_address, sys_set_tid_address);
LO_SYSCALL(gettid, sys_gettid);

/* ARCH_SET_FS is how musl installs each thread's TLS (and its canary). */
static long
sys_arch_prctl(long code, long addr)
{

	switch (code) {
	case 0x1002:			/* ARCH_SET_FS */
		if ((uint64_t)addr >= (1ULL << 47))
			return -EPERM;	/* not canonical: Linux refuses */
		td_thread_set_fsbase((uint64_t)addr);
		return 0;
	case 0x1003:			/* ARCH_GET_FS */
		if (LO_BADPTR(addr))
			return -EFAULT;
		*(uint64_t *)addr = td_thread_get_fsbase();
		return 0;
	case 0x1001:			/* ARCH_SET_GS */
	case 0x1004:			/* ARCH_GET_GS */
		return -EINVAL;		/* GS belongs to the kernel side */
	default:
		return -EINVAL;
	}
}

LO_SYSCALL(arch_prctl, sys_arch_prctl);
