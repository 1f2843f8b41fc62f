/* th_signal: signals to self -- raise, kill, tgkill, sigaction with
 * SA_SIGINFO, masks and pending sets, SA_RESETHAND, SA_NODEFER,
 * sigaltstack, sigsuspend, sigtimedwait, a signal to another thread. */
/* STATUS: 0 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t got, depth, maxdepth, calls;
static volatile int last_signo, last_code, last_value;
static volatile uintptr_t handler_sp;

static const char *
ename(int e)
{
	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case EINTR: return "EINTR";
	case ESRCH: return "ESRCH";
	default: return strerror(e);
	}
}

static void
plain(int sig)
{
	got++;
	last_signo = sig;
}

static void
info(int sig, siginfo_t *si, void *uc)
{
	got++;
	last_signo = si->si_signo;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
}

static void
nested(int sig)
{
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	if (++calls < 3)
		raise(sig);
	depth--;
}

static void
where(int sig)
{
	int local;

	handler_sp = (uintptr_t)&local;
	got++;
}

static sigjmp_buf jb;
static void
jumper(int sig)
{
	int local;

	handler_sp = (uintptr_t)&local;
	siglongjmp(jb, 1);
}

static const char *
code_name(int c)
{
	switch (c) {
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	case SI_QUEUE: return "SI_QUEUE";
	default: return "other";
	}
}

static volatile int thread_got;
static void
thread_handler(int sig)
{
	thread_got = (int)syscall(SYS_gettid) != getpid() ? 1 : 2;
}

static void *
sleeper(void *arg)
{
	int i;

	for (i = 0; i < 200 && !thread_got; i++)
		usleep(1000);
	return NULL;
}

int
main(void)
{
	struct sigaction sa, old;
	sigset_t set, oset, pend;
	stack_t ss, oss;
	siginfo_t si;
	struct timespec ts = { 0, 20000000 };
	static char altstack[65536];
	pthread_t t;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plain;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("raise: handler ran %d time(s), signo %d\n", got, last_signo);
	kill(getpid(), SIGUSR1);
	printf("kill: handler ran %d time(s)\n", got);
	printf("kill signal 0: %s\n", kill(getpid(), 0) ? ename(errno) : "ok");
	printf("kill bad signal: %s\n", kill(getpid(), 1000) ? ename(errno) : "ok");
	printf("sigaction SIGKILL: %s\n",
	    sigaction(SIGKILL, &sa, NULL) ? ename(errno) : "ok");
	printf("sigaction 0: %s\n", sigaction(0, &sa, NULL) ? ename(errno) : "ok");
	sigaction(SIGUSR1, NULL, &old);
	printf("old action is ours: %s\n", old.sa_handler == plain ? "yes" : "no");

	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = info;
	sigaction(SIGUSR2, &sa, NULL);
	got = 0;
	raise(SIGUSR2);
	printf("SA_SIGINFO raise: ran %d, si_signo %d, si_code %s\n", got,
	    last_signo, code_name(last_code));
	kill(getpid(), SIGUSR2);
	printf("SA_SIGINFO kill: si_code %s\n", code_name(last_code));

	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 42 });
	printf("sigqueue: si_code %s, value %d\n", code_name(last_code),
	    last_value);

	/* masks: blocked signals wait, unblocking delivers */
	got = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &oset);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("blocked: ran %d, pending %s\n", got,
	    sigismember(&pend, SIGUSR1) ? "yes" : "no");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sigpending(&pend);
	printf("unblocked: ran %d, pending %s\n", got,
	    sigismember(&pend, SIGUSR1) ? "yes" : "no");
	sigprocmask(SIG_SETMASK, NULL, &oset);
	printf("mask empty again: %s\n",
	    sigismember(&oset, SIGUSR1) ? "no" : "yes");
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &oset);
	printf("KILL and STOP cannot be blocked: %s\n",
	    !sigismember(&oset, SIGKILL) && !sigismember(&oset, SIGSTOP) ?
	    "yes" : "no");
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	printf("bad how: %s\n", sigprocmask(99, &set, NULL) ? ename(errno) : "ok");

	/* ignored signals vanish */
	signal(SIGUSR1, SIG_IGN);
	got = 0;
	raise(SIGUSR1);
	sigpending(&pend);
	printf("ignored: ran %d, pending %s\n", got,
	    sigismember(&pend, SIGUSR1) ? "yes" : "no");

	/* SA_RESETHAND: once, then the default (which ignores SIGCHLD-like
	 * signals; SIGWINCH is one) */
	sa.sa_flags = SA_RESETHAND;
	sa.sa_handler = plain;
	sigaction(SIGWINCH, &sa, NULL);
	got = 0;
	raise(SIGWINCH);
	raise(SIGWINCH);
	sigaction(SIGWINCH, NULL, &old);
	printf("SA_RESETHAND: ran %d, now default %s\n", got,
	    old.sa_handler == SIG_DFL ? "yes" : "no");

	/* nesting: deferred without SA_NODEFER, nested with it */
	sa.sa_flags = 0;
	sa.sa_handler = nested;
	sigaction(SIGUSR1, &sa, NULL);
	maxdepth = calls = 0;
	raise(SIGUSR1);
	printf("without SA_NODEFER: max depth %d, calls %d\n", maxdepth, calls);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR1, &sa, NULL);
	maxdepth = calls = 0;
	raise(SIGUSR1);
	printf("with SA_NODEFER: max depth %d, calls %d\n", maxdepth, calls);

	/* sigaltstack */
	ss.ss_sp = altstack;
	ss.ss_size = 1024;
	ss.ss_flags = 0;
	printf("sigaltstack too small: %s\n",
	    sigaltstack(&ss, NULL) ? ename(errno) : "ok");
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 99;
	printf("sigaltstack bad flags: %s\n",
	    sigaltstack(&ss, NULL) ? ename(errno) : "ok");
	ss.ss_flags = 0;
	printf("sigaltstack: %s\n", sigaltstack(&ss, &oss) ? ename(errno) : "ok");
	printf("old one disabled: %s\n", oss.ss_flags == SS_DISABLE ? "yes" : "no");
	sa.sa_flags = SA_ONSTACK;
	sa.sa_handler = where;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("SA_ONSTACK handler on the alternate stack: %s\n",
	    handler_sp >= (uintptr_t)altstack &&
	    handler_sp < (uintptr_t)altstack + sizeof(altstack) ? "yes" : "no");
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("without SA_ONSTACK on the alternate stack: %s\n",
	    handler_sp >= (uintptr_t)altstack &&
	    handler_sp < (uintptr_t)altstack + sizeof(altstack) ? "yes" : "no");
	/* leaving a handler on the alternate stack by siglongjmp */
	sa.sa_flags = SA_ONSTACK;
	sa.sa_handler = jumper;
	sigaction(SIGUSR2, &sa, NULL);
	handler_sp = 0;
	if (sigsetjmp(jb, 1) == 0)
		raise(SIGUSR2);
	printf("siglongjmp out of the alternate stack: %s\n",
	    handler_sp >= (uintptr_t)altstack &&
	    handler_sp < (uintptr_t)altstack + sizeof(altstack) ? "yes" : "no");
	sigaltstack(NULL, &oss);
	printf("not on it afterwards: %s\n",
	    oss.ss_flags & SS_ONSTACK ? "no" : "yes");
	sigprocmask(SIG_SETMASK, NULL, &oset);
	printf("mask restored by siglongjmp: %s\n",
	    sigismember(&oset, SIGUSR2) ? "no" : "yes");
	handler_sp = 0;
	sa.sa_handler = where;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("next SA_ONSTACK handler on it again: %s\n",
	    handler_sp >= (uintptr_t)altstack &&
	    handler_sp < (uintptr_t)altstack + sizeof(altstack) ? "yes" : "no");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &oss);
	printf("disabled: %s\n", oss.ss_flags == SS_DISABLE ? "yes" : "no");

	/* sigsuspend: wait with a mask that lets SIGUSR1 in */
	sa.sa_flags = 0;
	sa.sa_handler = plain;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	got = 0;
	sigemptyset(&set);
	r = sigsuspend(&set);
	sigprocmask(SIG_SETMASK, NULL, &oset);
	printf("sigsuspend: %s, ran %d, mask restored %s\n",
	    r ? ename(errno) : "ok", got,
	    sigismember(&oset, SIGUSR1) ? "yes" : "no");

	/* sigtimedwait: a blocked pending signal is taken, not handled */
	raise(SIGUSR1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	got = 0;
	r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait: %d (si_signo %d), handler ran %d\n", r,
	    si.si_signo, got);
	r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait nothing pending: %s\n", r < 0 ? ename(errno) : "got one");
	sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 7 });
	r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait of a queued one: %d, code %s, value %d\n", r,
	    code_name(si.si_code), si.si_value.sival_int);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* to another thread */
	signal(SIGUSR2, thread_handler);
	pthread_create(&t, NULL, sleeper, NULL);
	usleep(1000);
	pthread_kill(t, SIGUSR2);
	pthread_join(t, NULL);
	printf("pthread_kill: ran in the thread %s\n",
	    thread_got == 1 ? "yes" : "no");
	printf("tgkill no such thread: %s\n",
	    syscall(SYS_tgkill, getpid(), 999999, SIGUSR2) ? ename(errno) : "ok");

	/* the default action of SIGTERM ends the process with 128+15 is
	 * th_sigterm's; here SIGCHLD's default is to ignore */
	raise(SIGCHLD);
	printf("SIGCHLD default: still here\n");
	return 0;
}
