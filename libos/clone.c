/*
 * clone.c -- threads as musl makes them, and how they end.
 *
 * musl's __clone(fn, stack, flags, arg, ptid, tls, ctid) is a call into
 * __tandem_clone (overlay clone.s).  Each clone is a rumpuser thread
 * (a core thread with a small stack of its own, the "core stack"); its
 * body sets the TLS base and switches to the stack musl allocated, where
 * fn(arg) runs.  Ending -- fn returning, SYS_exit, __unmapself -- goes
 * back to the core stack first, so the app's stack may be freed before
 * the thread is gone (a detached thread unmapping itself).
 *
 * CLONE_CHILD_CLEARTID is what pthread_join and musl's thread-list lock
 * rely on: at exit, 0 is stored at ctid and one futex waiter is woken.
 */
#include "lo.h"
#include <linux/sched.h>
#include <tandem/core.h>

/* What musl asks for a thread; anything else is not a thread. */
#define THREAD_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
	CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)

struct clone_start {
	struct lo_thread *td;
	int		(*fn)(void *);
	void		*stack;
	void		*arg;
	uint64_t	 tls;
	uintptr_t	 bottom;	/* Xen PV: the stack's lowest page */
};

/*
 * lo_clone_enter(fn, arg, stack, &ksp): saves the core stack pointer in
 * *ksp, runs fn(arg) on `stack` (aligned as a fresh Linux thread's), and
 * passes fn's result to lo_clone_return on the core stack.  Never
 * returns.
 * lo_stack_call(sp, fn, arg): calls fn(arg) on the stack below sp (fn
 * does not return).
 */
__asm__(
	".text\n"
	".globl lo_clone_enter\n"
	".type lo_clone_enter, @function\n"
	"lo_clone_enter:\n"
	"	mov %rsp, (%rcx)\n"
	"	mov %rcx, %r12\n"		/* callee-saved across fn */
	"	and $-16, %rdx\n"
	"	mov %rdx, %rsp\n"
	"	xor %ebp, %ebp\n"		/* ends backtraces */
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	call *%rax\n"
	"	mov (%r12), %rsp\n"
	"	and $-16, %rsp\n"
	"	mov %eax, %edi\n"
	"	call lo_clone_return\n"
	"	ud2\n"
	".size lo_clone_enter, . - lo_clone_enter\n"
	".globl lo_stack_call\n"
	".type lo_stack_call, @function\n"
	"lo_stack_call:\n"
	"	and $-16, %rdi\n"
	"	mov %rdi, %rsp\n"
	"	mov %rdx, %rdi\n"
	"	call *%rsi\n"
	"	ud2\n"
	".size lo_stack_call, . - lo_stack_call\n");

void	lo_clone_enter(int (*)(void *), void *, void *, uint64_t *)
	    __attribute__((noreturn));
void	lo_stack_call(uint64_t, void (*)(long), long)
	    __attribute__((noreturn));
void	lo_clone_return(int) __attribute__((noreturn));
void	lo_thread_link(struct lo_thread *);
int	lo_thread_unlink(struct lo_thread *);

static void *
clone_body(void *a)
{
	struct clone_start cs = *(struct clone_start *)a;

	lo_free(a, sizeof(cs));
	rumpuser_curlwpop(RUMPUSER_LWP_SET, (struct lwp *)cs.td);
	cs.td->core = td_thread_self();
	if (cs.tls != 0)
		td_thread_set_fsbase(cs.tls);
	if (cs.bottom != 0)	/* Xen PV: an overflow is reported, not fatal */
		td_thread_stack_bottom(cs.bottom);
	lo_clone_enter(cs.fn, cs.arg, cs.stack, &cs.td->ksp);
}

int
__tandem_clone(int (*fn)(void *), void *stack, int flags, void *arg,
    int *ptid, void *tls, int *ctid)
{
	struct lo_thread *td, *self = lo_curthread();
	struct clone_start *cs;
	unsigned f = (unsigned)flags & ~0xffu;	/* low byte: exit signal */
	uintptr_t bottom;

	if (((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) ||
	    ((f & CLONE_SIGHAND) && !(f & CLONE_VM)))
		return -EINVAL;		/* as Linux checks */
	if (!(f & CLONE_VM) || !(f & CLONE_THREAD) || (f & CLONE_VFORK))
		return -ENOSYS;		/* a new process: there is one */
	if ((f & ~THREAD_FLAGS) != 0)
		return -EINVAL;		/* namespaces, ptrace, pidfd...: no */
	if (fn == NULL || stack == NULL)
		return -EINVAL;
	if ((f & CLONE_SETTLS) && (uint64_t)(uintptr_t)tls >= (1ULL << 47))
		return -EPERM;
	if (((f & CLONE_PARENT_SETTID) && LO_BADPTR(ptid)) ||
	    ((f & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
	    LO_BADPTR(ctid)))
		return -EFAULT;
	if (lo_mem_stack(stack, &bottom) != 0)
		return -ENOMEM;		/* (h-mem) Xen PV: stack backed now */
	if ((td = lo_zalloc(sizeof(*td))) == NULL)
		return -EAGAIN;
	if ((cs = lo_malloc(sizeof(*cs))) == NULL) {
		lo_free(td, sizeof(*td));
		return -EAGAIN;
	}
	td->tid = lo_thread_newtid();
	td->app = 1;
	td->sigmask = self->sigmask;	/* inherited, as on Linux */
	td->alt_flags = 2;		/* SS_DISABLE: not inherited */
	memcpy(td->name, self->name, sizeof(td->name));
	if (f & CLONE_CHILD_CLEARTID)
		td->clear_tid = ctid;
	cs->td = td;
	cs->fn = fn;
	cs->stack = stack;
	cs->arg = arg;
	cs->tls = (f & CLONE_SETTLS) ? (uint64_t)(uintptr_t)tls : 0;
	cs->bottom = bottom;
	if (rumpuser_thread_create(clone_body, cs, "app", 0, 0, -1,
	    &td->cookie) != 0) {
		lo_free(cs, sizeof(*cs));
		lo_free(td, sizeof(*td));
		return -EAGAIN;
	}
	/* the child runs only when this thread blocks or yields: both
	 * tids are in place before either looks */
	if (f & CLONE_PARENT_SETTID)
		*ptid = td->tid;
	if (f & CLONE_CHILD_SETTID)
		*ctid = td->tid;
	lo_thread_link(td);
	return td->tid;
}

/* The end of a thread, on a stack that is not the app's. */
static void __attribute__((noreturn))
thread_finish(long status)
{
	struct lo_thread *td = lo_curthread();
	void *base = td->unmap_base;
	size_t len = td->unmap_len;

	td->sigmask = ~0ULL;		/* nothing runs on a dying thread */
	td->sigpend = 0;
	td_thread_stack_bottom(0);	/* the app's stack is going away */
	if (base != NULL)
		__tandem_syscall(__NR_munmap, (long)base, (long)len, 0, 0, 0,
		    0);
	if (td->clear_tid != NULL) {
		*td->clear_tid = 0;
		lo_futex_wake(td->clear_tid, 1, ~0U);
	}
	if (lo_thread_unlink(td) == 0)
		lo_exit((int)status);	/* the last thread: the process ends */
	if (td == lo_thread_main()) {
		/* its stack is the process's initial stack, which other
		 * threads may still use (Linux keeps it): park, never free */
		for (;;)
			rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 1 << 30, 0);
	}
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, NULL);
	lo_free(td, sizeof(*td));
	rumpuser_thread_exit();
}

static void __attribute__((noreturn))
thread_end(int status)
{
	struct lo_thread *td = lo_curthread();

	if (td->ksp != 0)
		lo_stack_call(td->ksp, thread_finish, status);
	thread_finish(status);		/* the main thread: its own stack */
	__builtin_unreachable();	/* thread_finish ends the thread */
}

void
lo_clone_return(int status)
{

	thread_end(status);
}

/* SYS_exit: this thread only (exit_group is proc.c's). */
static long
sys_exit(long status)
{

	thread_end((int)status);
	return 0;
}

/* A detached thread frees its stack and ends; the stack goes back only
 * when the thread no longer runs on it (thread_finish, core stack). */
void
__tandem_unmapself(void *base, size_t len)
{
	struct lo_thread *td = lo_curthread();

	td->unmap_base = base;
	td->unmap_len = len;
	thread_end(0);
}

/* A raw clone system call cannot run code in a child; processes do not
 * exist: fork-like calls fail as on a kernel without them. */
static long
sys_nosys(void)
{

	return -ENOSYS;
}

LO_SYSCALL(exit, sys_exit);
LO_SYSCALL(clone, sys_nosys);
LO_SYSCALL(clone3, sys_nosys);
LO_SYSCALL(fork, sys_nosys);
LO_SYSCALL(vfork, sys_nosys);
