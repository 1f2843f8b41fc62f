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
#define SI_USER_	0
#define SI_TKILL_	(-6)
#define SA_RESETHAND_	0x80000000UL
#define SA_NODEFER_	0x40000000UL

static struct ksigaction actions[NSIG_ + 1];
extern volatile int lo_sigflag;

/* Signals whose default action is to ignore them. */
static int
default_ignored(int sig)
{

	/* SIGCHLD SIGCONT SIGURG SIGWINCH; and the stop signals (STOP
	 * TSTP TTIN TTOU): there is no job control and nobody to continue
	 * us, so stopping is not done.  Real-time ones terminate, as on
	 * Linux. */
	return sig == 17 || sig == 18 || sig == 23 || sig == 28 ||
	    (sig >= 19 && sig <= 22);
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
	int	 si_signo, si_errno, si_code, pad;
	int	 si_pid, si_uid;
	uint64_t si_value;		/* sigqueue's */
	char	 rest[128 - 32];
};

/*
 * The ucontext a SA_SIGINFO handler gets (x86_64 layout, as musl's
 * ucontext_t): the stack it runs on and the mask of before; the
 * registers are not captured (handlers run as calls at syscall exit,
 * the interrupted state is the syscall's return).
 */
struct kucontext {
	unsigned long	 uc_flags;
	void		*uc_link;
	uintptr_t	 ss_sp;
	int		 ss_flags;
	size_t		 ss_size;
	uint64_t	 gregs[23];
	void		*fpregs;
	uint64_t	 reserved1[8];
	uint64_t	 sigmask[16];	/* sigset_t of the C library */
	uint64_t	 fpregs_mem[64];
};

/* lo_sigcall(sp, h, sig, info, uc): h(sig, info, uc) on the stack below
 * sp (an alternate signal stack), back on this stack afterwards. */
__asm__(
	".text\n"
	".globl lo_sigcall\n"
	".type lo_sigcall, @function\n"
	"lo_sigcall:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	and $-16, %rdi\n"
	"	mov %rdi, %rsp\n"
	"	mov %rsi, %rax\n"
	"	mov %edx, %edi\n"
	"	mov %rcx, %rsi\n"
	"	mov %r8, %rdx\n"
	"	call *%rax\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	"	ret\n"
	".size lo_sigcall, . - lo_sigcall\n");
void	lo_sigcall(uintptr_t, uintptr_t, int, void *, void *);

#define SA_ONSTACK_	0x08000000UL
#define SA_RESTART_	0x10000000UL
#define SS_ONSTACK_	1
#define SS_DISABLE_	2
#define SS_AUTODISARM_	(1U << 31)

/* Runs the handler; returns the mask the handler's ucontext asks to
 * return with (what rt_sigreturn would restore: musl's cancellation
 * handler adds SIGCANCEL to it). */
#define REG_RIP_	16

/* Whether the thread runs on its alternate signal stack now: decided by
 * the stack pointer, as Linux does, so a handler that longjmps out of
 * it leaves no trace. */
int
lo_on_altstack(struct lo_thread *td)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return td->alt_size != 0 && sp - td->alt_sp < td->alt_size;
}

static uint64_t
call_handler(struct lo_thread *td, const struct ksigaction *a, int sig,
    uint64_t omask, uintptr_t *retslot)
{
	struct ksiginfo si;
	struct kucontext uc;
	int onalt = 0, oflags = td->alt_flags;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = td->sigcode[sig - 1];
	si.si_pid = 1;
	si.si_value = td->sigval[sig - 1];
	memset(&uc, 0, sizeof(uc));
	uc.sigmask[0] = omask;
	if (retslot != NULL)
		uc.gregs[REG_RIP_] = *retslot;
	uc.fpregs = uc.fpregs_mem;
	uc.ss_sp = td->alt_sp;
	uc.ss_size = td->alt_size;
	uc.ss_flags = lo_on_altstack(td) ? SS_ONSTACK_ : (td->alt_flags & 3);
	if ((a->flags & SA_ONSTACK_) && !(td->alt_flags & SS_DISABLE_) &&
	    !lo_on_altstack(td)) {
		onalt = 1;
		if (td->alt_flags & SS_AUTODISARM_) {
			td->alt_sp = 0;		/* until the handler returns */
			td->alt_size = 0;
			td->alt_flags = SS_DISABLE_;
		}
	}
	if (onalt)
		lo_sigcall(uc.ss_sp + uc.ss_size, a->handler, sig, &si, &uc);
	else	/* extra arguments are harmless to a 1-argument handler */
		((void (*)(int, void *, void *))a->handler)(sig, &si, &uc);
	if (onalt && (oflags & SS_AUTODISARM_)) {
		td->alt_sp = (uintptr_t)uc.ss_sp;	/* armed again */
		td->alt_size = uc.ss_size;
		td->alt_flags = oflags;
	}
	if (retslot != NULL && uc.gregs[REG_RIP_] != *retslot) {
		*retslot = uc.gregs[REG_RIP_];	/* the call returns there */
		td->intr_restart = 0;
	}
	return uc.sigmask[0];
}

static void
run_handler(int sig, uintptr_t *retslot)
{
	struct ksigaction *a = &actions[sig];
	struct ksigaction copy;
	struct lo_thread *td = lo_curthread();
	uint64_t omask = td->restore_mask ? td->saved_mask : td->sigmask;
	uintptr_t h = a->handler;

	if (h == SIG_IGN_)
		return;
	if (h == SIG_DFL_) {
		default_action(sig);
		return;
	}
	copy = *a;
	td->restore_mask = 0;	/* sigsuspend's mask: the ucontext has it */
	td->sigmask |= a->mask;
	if (!(a->flags & SA_NODEFER_))
		td->sigmask |= 1ULL << (sig - 1);
	if (a->flags & SA_RESETHAND_)
		a->handler = SIG_DFL_;
	if (!(copy.flags & SA_RESTART_))
		td->intr_restart = 0;
	td->sigmask = call_handler(td, &copy, sig, omask, retslot) &
	    ~((1ULL << 8) | (1ULL << 18));
	if (td->sigpend & ~td->sigmask)
		lo_sigflag = 1;
}

int
lo_signal_deliver(void)
{

	return lo_signal_deliver_at(NULL);
}

int
lo_signal_deliver_at(uintptr_t *retslot)
{
	struct lo_thread *td = lo_curthread();
	uint64_t ready;
	int sig, ran = 0, restart = 1, orestart = td->intr_restart;

	lo_sigflag = 0;
	while ((ready = td->sigpend & ~td->sigmask) != 0) {
		sig = __builtin_ctzll(ready) + 1;
		td->sigpend &= ~(1ULL << (sig - 1));
		td->intr_restart = 1;
		run_handler(sig, retslot);
		restart &= td->intr_restart;
		ran = 1;
	}
	td->intr_restart = ran ? restart : orestart;
	if (td->restore_mask) {		/* sigsuspend's mask ends here */
		td->sigmask = td->saved_mask;
		td->restore_mask = 0;
	}
	for (td = lo_threads; td != NULL; td = td->next)
		if (td->sigpend & ~td->sigmask)
			lo_sigflag = 1;
	return ran;
}

/* Makes sig pending for td with si_code `code`; wakes it if it waits.
 * An ignored signal is dropped unless blocked (its action may change
 * before it is taken). */
static void
post_code(struct lo_thread *td, int sig, int code)
{

	if ((actions[sig].handler == SIG_IGN_ ||
	    (actions[sig].handler == SIG_DFL_ && default_ignored(sig))) &&
	    !(td->sigmask & (1ULL << (sig - 1))))
		return;
	td->sigpend |= 1ULL << (sig - 1);
	td->sigcode[sig - 1] = (signed char)code;
	td->sigval[sig - 1] = 0;
	lo_sigflag = 1;
	lo_wait_kick(td);
}

void
lo_signal_post(struct lo_thread *td, int sig)
{

	post_code(td, sig, SI_USER_);
}

/* With a si_code and si_value (timers, sigqueue); returns 1 if the
 * signal was already pending (it merges: a timer counts an overrun). */
int
lo_signal_post_val(struct lo_thread *td, int sig, int code, uint64_t val)
{
	uint64_t bit = 1ULL << (sig - 1);

	if (td->sigpend & bit)
		return 1;
	post_code(td, sig, code);
	if (td->sigpend & bit)
		td->sigval[sig - 1] = val;
	return 0;
}

/* A process-directed signal: the calling thread if it takes it (as
 * Linux prefers), else the main thread, else any app thread that does
 * not block it, else pending on the main thread (or the first one). */
struct lo_thread *
lo_signal_target(int sig)
{
	struct lo_thread *td, *cur = (struct lo_thread *)rumpuser_curlwp();
	struct lo_thread *m = lo_thread_main(), *any = NULL;
	uint64_t bit = 1ULL << (sig - 1);

	if (cur != NULL && cur->app && !(cur->sigmask & bit))
		return cur;
	if (m->app && !(m->sigmask & bit))
		return m;
	for (td = lo_threads; td != NULL; td = td->next)
		if (td->app) {
			if (!(td->sigmask & bit))
				return td;
			if (any == NULL)
				any = td;
		}
	return m->app || any == NULL ? m : any;
}

void
lo_signal_post_process_code(int sig, int code)
{
	struct lo_thread *td = lo_signal_target(sig);

	post_code(td, sig, code);
	/* all block it: one may be in sigtimedwait for it, and looks at
	 * the main thread's pending set when woken */
	if (td->sigmask & (1ULL << (sig - 1)))
		for (td = lo_threads; td != NULL; td = td->next)
			if (td->app)
				lo_wait_kick(td);
}

void
lo_signal_post_process(int sig)
{

	lo_signal_post_process_code(sig, SI_USER_);
}

void
lo_signal_raise(int sig)
{

	lo_signal_post(lo_curthread(), sig);
}

void
lo_sigmask_temp(uint64_t m)
{
	struct lo_thread *td = lo_curthread();

	if (!td->restore_mask)
		td->saved_mask = td->sigmask;
	td->restore_mask = 1;
	td->sigmask = m & ~((1ULL << 8) | (1ULL << 18));
	if (td->sigpend & ~td->sigmask)
		lo_sigflag = 1;
}

/* Calls that SA_RESTART restarts after a handler (Linux's -ERESTARTSYS
 * ones: slow I/O and waits without a timeout). */
int
lo_signal_restart(long nr)
{

	return lo_curthread()->intr_restart && lo_signal_restart_nr(nr);
}

int
lo_signal_restart_nr(long nr)
{

	switch (nr) {
	case __NR_read: case __NR_write: case __NR_readv: case __NR_writev:
	case __NR_pread64: case __NR_pwrite64: case __NR_preadv:
	case __NR_pwritev: case __NR_ioctl: case __NR_wait4:
	case __NR_waitid: case __NR_futex: case __NR_recvfrom:
	case __NR_sendto: case __NR_recvmsg: case __NR_sendmsg:
	case __NR_accept: case __NR_accept4: case __NR_flock:
	case __NR_fcntl: case __NR_open: case __NR_openat:
	case __NR_sendfile: case __NR_getrandom:
		return 1;
	default:
		return 0;
	}
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
		post_code(td, (int)sig, SI_TKILL_);
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
		lo_signal_post_process((int)sig);
	return 0;
}

/* sigqueue: the value travels with the signal (one per signal number:
 * queued real-time signals of one number are merged, as for the
 * others). */
static long
sys_rt_tgsigqueueinfo(long tgid, long tid, long sig, long info)
{
	const struct ksiginfo *si = (const void *)info;
	struct lo_thread *td;

	if (sig < 0 || sig > NSIG_)
		return -EINVAL;
	if (LO_BADPTR(info))
		return -EFAULT;
	if (tgid != 1 || (td = thread_of((int)tid)) == NULL)
		return -ESRCH;
	if (sig == 0)
		return 0;
	post_code(td, (int)sig, si->si_code);
	if (td->sigpend & (1ULL << (sig - 1)))
		td->sigval[sig - 1] = si->si_value;
	return 0;
}

static long
sys_rt_sigqueueinfo(long pid, long sig, long info)
{

	if (pid != 1 && pid != 0)
		return -ESRCH;
	return sys_rt_tgsigqueueinfo(1, lo_curthread()->tid, sig, info);
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
LO_SYSCALL(rt_sigqueueinfo, sys_rt_sigqueueinfo);
LO_SYSCALL(rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);
