/*
 * lo.h -- private to libos/: what its files share.  The contract with
 * apps and plug-ins is <tandem/libos.h>; nothing outside libos/ may
 * include this file.
 *
 * Linux ABI facts (numbers, structure layouts, flag values) come from
 * the kernel's uapi headers as Debian packages them (linux-libc-dev);
 * no C library header is used here.
 */
#ifndef LIBOS_LO_H
#define LIBOS_LO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/types.h>
#include <asm/stat.h>
#include <linux/stat.h>
#include <linux/uio.h>
#include <asm/poll.h>

#include <rump/rumpuser.h>
#include <tandem/core.h>
#include <tandem/libos.h>

/* Calls off the hot paths (setup, reports, rare cases) in files built
 * for speed: built for size, so a musl hello keeps its 200 KiB budget. */
#define LO_COLD		__attribute__((cold))
/* A small step of a hot path, inlined even in files built for size
 * (-Os inlines little: see the Makefile's LOHOT). */
#define LO_INLINE	static inline __attribute__((always_inline))

#ifndef O_ASYNC
#define O_ASYNC		FASYNC		/* the uapi header's name for it */
#endif

/* ---- system call table ------------------------------------------------
 * Each file registers its calls with LO_SYSCALL(name, fn); fn takes up
 * to six `long` arguments (fewer are fine: the SysV ABI passes them in
 * registers, extra ones are ignored) and returns the Linux result. */
typedef long (*lo_sysfn)(long, long, long, long, long, long);

struct lo_sysent {
	int		 nr;
	const char	*name;
	lo_sysfn	 fn;
};

#define LO_SYSCALL(name, fn)						\
	static const struct lo_sysent __lo_se_##name =			\
	    { __NR_##name, #name, (lo_sysfn)(void (*)(void))(fn) };	\
	static const struct lo_sysent *const __lo_sep_##name		\
	    __attribute__((section("link_set_libos_sys"), used)) =	\
	    &__lo_se_##name

#define LO_NSYS		512	/* Linux x86_64 numbers are below this */

/* ---- init hooks (run once, in order of `prio`, before main) --------- */
struct lo_initent {
	int	  prio;		/* lower first: 10 core, 20 fs, 30 devices */
	void	(*fn)(void);
};
#define LO_INIT(prio, fn)						\
	static const struct lo_initent __lo_ie_##fn = { prio, fn };	\
	static const struct lo_initent *const __lo_iep_##fn		\
	    __attribute__((section("link_set_libos_init"), used)) =	\
	    &__lo_ie_##fn

/* Late hooks run once the C library is up (TLS, errno, malloc), before
 * the app's own constructors: for plug-ins built with tandem-cc (ext4 on
 * libext2fs uses musl and the stack protector's TLS canary). */
#define LO_LATE(fn)							\
	static void (*const __lo_le_##fn)(void)				\
	    __attribute__((section("link_set_libos_late"), used)) = fn

/* ---- threads: libos's per-thread state, behind rumpuser_curlwp() --- */
struct lo_thread {
	int		 tid;
	int		*clear_tid;	/* CLONE_CHILD_CLEARTID / set_tid_address */
	uint64_t	 sigmask;	/* blocked signals, bit (n - 1) */
	uint64_t	 sigpend;	/* pending for this thread */
	void		*unmap_base;	/* __unmapself: free after exit */
	size_t		 unmap_len;
	void		*cookie;	/* rumpuser thread */
	struct lo_waiter *waiting;	/* in lo_wait(), else NULL */
	char		 name[16];	/* prctl(PR_SET_NAME) */
	struct lo_thread *next;		/* all threads */
	/* threads, time, signals (h-thr: clone.c, time.c, signal.c) */
	int		 app;		/* main or made by clone (not a kthread) */
	uint64_t	 ksp;		/* clone: the core stack to exit on */
	struct td_thread *core;		/* core's thread running it */
	uintptr_t	 alt_sp;	/* sigaltstack */
	size_t		 alt_size;
	int		 alt_flags;	/* SS_DISABLE, SS_AUTODISARM */
	int		 on_alt;	/* (unused: see lo_on_altstack) */
	uint64_t	 saved_mask;	/* sigsuspend: restore after delivery */
	int		 restore_mask;
	int		 intr_restart;	/* last delivery: all SA_RESTART */
	uintptr_t	 robust;	/* set_robust_list */
	signed char	 sigcode[64];	/* si_code of each pending signal */
	uint64_t	 sigval[64];	/* si_value of each (sigqueue) */
	long		 rs[7];		/* lo_syscall_intr: n, a1..a6 */
};

/* The calling thread's entry; threads libos did not start get theirs at
 * the first call.  rumpuser's curlwp word is core's per-thread word
 * (hypercall/thread.c): lo_curthread_hot reads it inline, without the
 * two calls of rumpuser_curlwp(), for the paths every pipe, socket or
 * futex wait takes; elsewhere the call is smaller. */
struct lo_thread *lo_curthread(void);
struct lo_thread *lo_curthread_new(void);

LO_INLINE struct lo_thread *
lo_curthread_hot(void)
{
	struct lo_thread *td = td_thread_getspecific();

	return __builtin_expect(td != NULL, 1) ? td : lo_curthread_new();
}

void	lo_wait_kick(struct lo_thread *);	/* a signal for it */

/* ---- helpers every file uses ----------------------------------------
 * String and memory functions are the freestanding ones every image has
 * (core/string.c; the host's on posix). */
void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);

void	*lo_malloc(size_t);		/* NULL when exhausted */
void	*lo_zalloc(size_t);
void	 lo_free(void *, size_t);	/* size as allocated */
char	*lo_strdup(const char *);
void	 lo_strfree(char *);
/* Decimal/hex formatting into buf (no libc printf here); returns buf. */
char	*lo_utoa(char *buf, uint64_t v, int base);
#define lo_printf	rumpuser_dprintf
void	 lo_panic(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
/* A user pointer the app gave us: NULL and the first page are EFAULT
 * (the NULL page is unmapped on every platform; a kernel would fault
 * there too).  Anything else is trusted to the extent the hardware
 * protects it: there is one address space. */
#define LO_BADPTR(p)	((uintptr_t)(p) < 4096)

/* Console output for fds 1 and 2 and the report at exit. */
void	 lo_cons_write(const char *, size_t);

/* ---- files ------------------------------------------------------------ */
#define LO_NOFILE	65536	/* RLIMIT_NOFILE */
/* read/write through a file, blocking unless O_NONBLOCK or `nonblock`. */
ssize_t	lo_file_read(struct lo_file *, const struct iovec *, int, int64_t,
	    int nonblock);
ssize_t	lo_file_write(struct lo_file *, const struct iovec *, int, int64_t,
	    int nonblock);
int	lo_fd_close(int fd);
int	lo_fd_cloexec(int fd);		/* 1, 0 or -EBADF */
int	lo_fd_setcloexec(int fd, int on);	/* 0 or -EBADF */
/* oldfd's file also at newfd (closed first if open); newfd or -errno */
long	lo_fd_dup_to(int oldfd, int newfd, int cloexec);
/* lseek may move it: not a pipe, socket or character device */
int	lo_file_seekable(struct lo_file *f);
void	lo_fd_init(void);
void	lo_fd_closeall(void);

/* hostfs.c: posix app mode only; linked into posix programs alone */
extern const struct lo_fstype lo_hostfs __attribute__((weak));
/* libos/fs (ext2/3/4): linked with the `fs` component only */
extern const struct lo_fstype e4_fstype __attribute__((weak));

/* ---- readiness (pipe.c, poll.c, epoll.c, eventfd.c, timerfd.c) ----- */
/* A cursor over an app's iovec (validated by fd.c): get copies from the
 * app, put copies to it; both return the bytes moved. */
struct lo_iocur {
	const struct iovec	*iov;
	int			 cnt;
	size_t			 off;		/* into iov[0] */
};
void	lo_iocur_init(struct lo_iocur *, const struct iovec *, int);
size_t	lo_iov_total(const struct iovec *, int);
size_t	lo_iocur_get(struct lo_iocur *, void *dst, size_t);
size_t	lo_iocur_put(struct lo_iocur *, const void *src, size_t);
/* fstat of an anonymous-inode file (eventfd, epoll, timerfd): what
 * Linux shows for its one shared anon inode (mode 0600, no type). */
int	lo_anon_stat(struct lo_file *, struct stat *);
/* F_GETPIPE_SZ/F_SETPIPE_SZ for fcntl: -EBADF when f is not a pipe. */
int	lo_pipe_fcntl(struct lo_file *, int cmd, unsigned long arg);
/* The last reference to f is gone: drop it from every epoll set. */
void	lo_epoll_file_gone(struct lo_file *f);
/* Temporarily installs a signal mask for ppoll/pselect6/epoll_pwait
 * (umask: user pointer, size: sigsetsize); lo_sigmask_pop puts the
 * old mask back, first running handlers the temporary mask let through
 * when the call ends with -EINTR (as Linux's restore-after-handler). */
int	lo_sigmask_push(const void *umask, size_t size, uint64_t *saved);
void	lo_sigmask_pop(uint64_t saved, long rv);

/* ---- exit ------------------------------------------------------------- */
/* Ends the guest: flushes stdio's fds, unmounts, prints the report of
 * unimplemented calls and "tandem: exit N". */
void	lo_exit(int status) __attribute__((noreturn));
void	lo_syscall_report(void);

/* ---- signals (signal.c) ---------------------------------------------- */
/* Raises sig for the calling thread (SIGPIPE after EPIPE ...). */
void	lo_signal_raise(int sig);
/* Runs handlers of pending unblocked signals; 1 if one ran (-EINTR). */
int	lo_signal_deliver(void);
/* The same at the end of a system call whose return address is at
 * *retslot: a handler may change it through its ucontext's RIP (musl's
 * cancellation does). */
int	lo_signal_deliver_at(uintptr_t *retslot);
int	lo_signal_pending(void);
void	lo_signal_post(struct lo_thread *, int sig);
extern struct lo_thread *lo_threads;	/* all of them */
int	lo_thread_newtid(void);

/* ---- threads, time, signals (h-thr) ----------------------------------
 * The loop of every wait (lo_wait's and futex.c's): blocks td, the
 * calling thread, in core until *woken is set by its waker (0), a signal
 * it does not mask is pending (-EINTR) or deadline passes (-ETIMEDOUT);
 * td->waiting is the caller's business.  Inline: it is the middle of
 * every pipe, socket and futex wait.  A stale wake flag left on the
 * thread only makes one td_thread_block return early: the loop checks
 * again. */
LO_INLINE int
lo_block(struct lo_thread *td, const int *woken, uint64_t deadline)
{

	while (!*(const volatile int *)woken) {
		if (td->sigpend & ~td->sigmask)
			return -EINTR;
		if (td_thread_block(deadline) != 0 && !*woken &&
		    td_now() >= deadline)
			return -ETIMEDOUT;
	}
	return 0;
}
/*
 * A thread's entry on a wait queue, as lo_wait() makes it: lo_twake
 * (its fn) marks it woken and makes its thread runnable, once per wait.
 * lo_wq_push/lo_wq_unlink are lo_waitq_add/lo_waitq_del inline, and
 * lo_twait_enter/lo_twait_leave lo_wait's two halves, so a hot path (a
 * pipe's blocking read) waits in its own frame, around its own
 * lo_block loop, without lo_wait's call and frame.
 */
struct lo_twait {
	struct lo_waiter	 w;
	struct td_thread	*thread;
	int			 woken;
};
void	lo_twake(struct lo_waiter *, int events);

LO_INLINE void
lo_wq_push(struct lo_waitq *wq, struct lo_waiter *w)
{

	w->prev = NULL;
	w->next = wq->head;
	if (wq->head != NULL)
		wq->head->prev = w;
	wq->head = w;
}

LO_INLINE void
lo_wq_unlink(struct lo_waitq *wq, struct lo_waiter *w)
{

	if (w->prev != NULL)
		w->prev->next = w->next;
	else if (wq->head == w)
		wq->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->next = w->prev = NULL;
}

/* Queues t for td (the current thread) on wq; td->waiting names it for
 * a signal's wake.  t->woken is 0. */
LO_INLINE void
lo_twait_enter(struct lo_thread *td, struct lo_waitq *wq, struct lo_twait *t)
{

	t->thread = td->core;
	t->woken = 0;
	t->w.fn = lo_twake;
	t->w.arg = td;
	lo_wq_push(wq, &t->w);
	td->waiting = &t->w;
}

/* Undoes lo_twait_enter once the wait is over. */
LO_INLINE void
lo_twait_leave(struct lo_thread *td, struct lo_waitq *wq, struct lo_twait *t)
{

	td->waiting = NULL;
	lo_wq_unlink(wq, &t->w);
}

/* Wakes up to n futex waiters on uaddr (bitset: FUTEX_BITSET_MATCH_ANY
 * for all); returns how many. */
int	lo_futex_wake(int *uaddr, int n, uint32_t bitset);
/* A signal for the process (timer, shutdown): to the first app thread
 * that does not block it, else pending on the main thread. */
void	lo_signal_post_process(int sig);
/* The same with a si_code (SI_KERNEL for the timer; SI_USER above). */
void	lo_signal_post_process_code(int sig, int code);
int	lo_signal_post_val(struct lo_thread *, int sig, int code,
	    uint64_t val);
struct lo_thread *lo_signal_target(int sig);	/* for a process signal */
/* ITIMER_REAL (ptimer.c): the time left and interval out (ns; 0 left:
 * disarmed), a new relative value and interval in (0 disarms). */
void	lo_itimer_real(uint64_t *left, uint64_t *iv, const uint64_t *nv,
	    const uint64_t *niv);
/* sigsuspend/ppoll/pselect: mask `m` until the next delivery, then the
 * mask of before comes back. */
void	lo_sigmask_temp(uint64_t m);
/* A call of the fast table (read, write, futex: libos/syscall.c) that a
 * signal interrupted returns this with its number and arguments, which
 * the system-call entry then restarts as SA_RESTART says or turns into
 * -EINTR.  Never seen by apps: the entry sees it first. */
#define LO_ERESTART	512		/* Linux's ERESTARTSYS */
long	lo_syscall_intr(long n, long a1, long a2, long a3, long a4, long a5,
	    long a6);
/* Syscall exit after -EINTR: 1 if call `nr` is to be restarted
 * (every handler that ran had SA_RESTART and nr is restartable). */
int	lo_signal_restart(long nr);
int	lo_signal_restart_nr(long nr);	/* nr is one SA_RESTART restarts */
struct lo_thread *lo_thread_main(void);
int	lo_on_altstack(struct lo_thread *);	/* sp is on its sigaltstack */
void	lo_thread_setname(struct lo_thread *, const char *);
uint64_t lo_thread_cpu_ns(struct lo_thread *);
uint64_t lo_process_cpu_ns(void);

/* ---- errno translation (rumpuser speaks NetBSD numbers) -------------- */
int	lo_errno_from_rump(int);

/* ---- the bake manifest (start.c; used by the VFS for mount= lines) --
 * Calls fn(value, len, arg) for every "key=value" line; returns how many. */
int	lo_manifest_each(const char *key,
	    void (*fn)(const char *, size_t, void *), void *arg);

/* ---- the vDSO (vdso.c): the ELF image for AT_SYSINFO_EHDR, whose
 * __vdso_clock_gettime musl calls instead of the system call. */
void	*lo_vdso(void);

/* ---- memory (mem.c, h-mem): clone's new stack, top sp, is backed now
 * where the platform cannot fault it in (Xen PV).  0 or -ENOMEM. */
int	lo_mem_stack(void *sp, uintptr_t *bottom);

#endif /* LIBOS_LO_H */
