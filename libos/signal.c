/*
 * signal.c -- signals to ourselves.  There is one process, so a signal
 * comes from the app itself (kill/tgkill/raise, SIGPIPE after EPIPE) or
 * from the platform (xl shutdown, the power button: SIGTERM).  Handlers
 * run as plain calls when the thread next leaves a system call (or
 * right away for a signal it raises at itself), never asynchronously.
 */
#include "lo.h"

#define NSIG_		64
#define SIG_DFL_	0UL
#define SIG_IGN_	1UL

struct ksigaction {		/* the kernel's layout, as musl passes it */
	uintptr_t	 handler;
	unsigned long	 flags;
	uintptr_t	 restorer;
	uint64_t	 mask;
};

#define SA_SIGINFO_	4
#define SA_RESETHAND_	0x80000000UL
#define SA_NODEFER_	0x40000000UL

static struct ksigaction actions[NSIG_ + 1];
extern volatile int lo_sigflag;

/* Signals whose default action is to ignore them. */
static int
default_ignored(int sig)
{

	return sig == 17 || sig == 18 || sig == 23 || sig == 28 ||
	    (sig >= 32);	/* SIGCHLD SIGCONT SIGURG SIGWINCH, RT */
}

static void
default_action(int sig)
{

	if (default_ignored(sig))
		return;
	lo_printf("tandem: killed by signal %d\n", sig);
	lo_exit(128 + sig);
}

int
lo_signal_pending(void)
{
	struct lo_thread *td = lo_curthread();

	return (td->sigpend & ~td->sigmask) != 0;
}

/* siginfo as Linux lays it out: signo, errno, code, then pid/uid. */
struct ksiginfo {
	int	si_signo, si_errno, si_code, pad;
	int	si_pid, si_uid;
	char	rest[128 - 24];
};

static void
run_handler(int sig)
{
	struct ksigaction *a = &actions[sig];
	struct lo_thread *td = lo_curthread();
	struct ksiginfo si;
	uint64_t omask = td->sigmask;
	uintptr_t h = a->handler;

	if (h == SIG_IGN_)
		return;
	if (h == SIG_DFL_) {
		default_action(sig);
		return;
	}
	td->sigmask |= a->mask;
	if (!(a->flags & SA_NODEFER_))
		td->sigmask |= 1ULL << (sig - 1);
	if (a->flags & SA_RESETHAND_)
		a->handler = SIG_DFL_;
	if (a->flags & SA_SIGINFO_) {
		memset(&si, 0, sizeof(si));
		si.si_signo = sig;
		si.si_code = -6;	/* SI_TKILL */
		si.si_pid = 1;
		((void (*)(int, void *, void *))h)(sig, &si, NULL);
	} else
		((void (*)(int))h)(sig);
	td->sigmask = omask;
}

int
lo_signal_deliver(void)
{
	struct lo_thread *td = lo_curthread();
	uint64_t ready;
	int sig, ran = 0;

	lo_sigflag = 0;
	while ((ready = td->sigpend & ~td->sigmask) != 0) {
		sig = __builtin_ctzll(ready) + 1;
		td->sigpend &= ~(1ULL << (sig - 1));
		run_handler(sig);
		ran = 1;
	}
	for (td = lo_threads; td != NULL; td = td->next)
		if (td->sigpend & ~td->sigmask)
			lo_sigflag = 1;
	return ran;
}

/* Makes sig pending for td; wakes it if it waits. */
void
lo_signal_post(struct lo_thread *td, int sig)
{

	if (actions[sig].handler == SIG_IGN_ ||
	    (actions[sig].handler == SIG_DFL_ && default_ignored(sig)))
		return;
	td->sigpend |= 1ULL << (sig - 1);
	lo_sigflag = 1;
	lo_wait_kick(td);
}

void
lo_signal_raise(int sig)
{

	lo_signal_post(lo_curthread(), sig);
}

static long
sys_rt_sigaction(long sig, long act, long oact, long size)
{
	const struct ksigaction *na = (const void *)act;

	if (sig < 1 || sig > NSIG_ || size != 8)
		return -EINVAL;
	if (na != NULL && (sig == 9 || sig == 19))	/* KILL, STOP */
		return -EINVAL;
	if ((oact != 0 && LO_BADPTR(oact)) || (act != 0 && LO_BADPTR(act)))
		return -EFAULT;
	if (oact != 0)
		memcpy((void *)oact, &actions[sig], sizeof(actions[sig]));
	if (na != NULL) {
		actions[sig] = *na;
		actions[sig].mask &= ~((1ULL << 8) | (1ULL << 18));
	}
	return 0;
}

static long
sys_rt_sigprocmask(long how, long set, long oset, long size)
{
	struct lo_thread *td = lo_curthread();
	uint64_t s;

	if (size != 8)
		return -EINVAL;
	if ((set != 0 && LO_BADPTR(set)) || (oset != 0 && LO_BADPTR(oset)))
		return -EFAULT;
	if (oset != 0)
		*(uint64_t *)oset = td->sigmask;
	if (set == 0)
		return 0;
	s = *(const uint64_t *)set & ~((1ULL << 8) | (1ULL << 18));
	switch (how) {
	case 0:	td->sigmask |= s;	break;	/* SIG_BLOCK */
	case 1:	td->sigmask &= ~s;	break;	/* SIG_UNBLOCK */
	case 2:	td->sigmask = s;	break;	/* SIG_SETMASK */
	default: return -EINVAL;
	}
	if (td->sigpend & ~td->sigmask)
		lo_sigflag = 1;
	return 0;
}

static struct lo_thread *
thread_of(int tid)
{
	struct lo_thread *td;

	for (td = lo_threads; td != NULL; td = td->next)
		if (td->tid == tid)
			return td;
	return NULL;
}

static long
sys_tgkill(long tgid, long tid, long sig)
{
	struct lo_thread *td;

	if (sig < 0 || sig > NSIG_)
		return -EINVAL;
	if (tgid != 1 || (td = thread_of((int)tid)) == NULL)
		return -ESRCH;
	if (sig != 0)
		lo_signal_post(td, (int)sig);
	return 0;
}

static long
sys_tkill(long tid, long sig)
{

	return sys_tgkill(1, tid, sig);
}

static long
sys_kill(long pid, long sig)
{

	if (sig < 0 || sig > NSIG_)
		return -EINVAL;
	if (pid != 1 && pid != 0 && pid != -1)
		return -ESRCH;
	if (sig != 0)
		lo_signal_post(lo_curthread(), (int)sig);
	return 0;
}

static long
sys_rt_sigreturn(void)
{

	lo_panic("rt_sigreturn: libos returns from handlers itself");
}

LO_SYSCALL(rt_sigaction, sys_rt_sigaction);
LO_SYSCALL(rt_sigprocmask, sys_rt_sigprocmask);
LO_SYSCALL(tgkill, sys_tgkill);
LO_SYSCALL(tkill, sys_tkill);
LO_SYSCALL(kill, sys_kill);
LO_SYSCALL(rt_sigreturn, sys_rt_sigreturn);
