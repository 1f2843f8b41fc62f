/*
 * core.h -- what core/ promises to the layers above (hypercall/, drivers,
 * and, until libos arrives, the apps' small C runtime).
 *
 * One CPU, cooperative threads: a thread runs until it yields, blocks,
 * sleeps or exits.  Interrupt handlers never switch threads; they only
 * make threads runnable (calls marked IRQ-safe).  Nothing here is
 * reentrant from interrupt context unless it says IRQ-safe.
 */
#ifndef TANDEM_CORE_H
#define TANDEM_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define TD_NORETURN	__attribute__((noreturn))
#define TD_PRINTF(a, b)	__attribute__((format(printf, a, b)))
/* Run once or rarely (attach, probe, reports): built for size and kept
 * apart from the hot code, in files otherwise built for speed. */
#define TD_COLD		__attribute__((cold))

/* ---- interrupt masking (IRQ-safe, nestable) ------------------------- */
typedef unsigned long td_irqflags_t;
/* Masks interrupts/events; returns the previous state for restore. */
td_irqflags_t	td_irq_save(void);
/* Restores a state from td_irq_save(); handles events that became
 * pending while masked before returning. */
void		td_irq_restore(td_irqflags_t);

/* ---- memory --------------------------------------------------------- */
#define TD_PAGE_SIZE	4096UL
/* 2^order contiguous pages, page aligned, or NULL when none are free. */
void	*td_page_alloc(unsigned order);
/* Frees pages from td_page_alloc with the same order. */
void	 td_page_free(void *p, unsigned order);
/* Pages free / total (for diagnostics and RUMP_MEMLIMIT). */
size_t	 td_page_nfree(void);
size_t	 td_page_ntotal(void);

/* Page protection (hardening: W^X, guard pages, mprotect).  prot is a
 * set of TD_PROT_* bits (the values are Linux's PROT_*): NONE unmaps
 * the pages (any access faults), no WRITE makes them read-only, no EXEC
 * makes them no-execute where the CPU has NX.  addr and len are page
 * aligned and name memory core handed out (td_page_alloc, the heap) or
 * the image.  Returns 0; 1 when the platform has no page protection
 * (posix: nothing changed); -1 when no page for a page table could be
 * had.  Memory given back to core must first be made READ|WRITE again. */
#define TD_PROT_NONE	0
#define TD_PROT_READ	1
#define TD_PROT_WRITE	2
#define TD_PROT_EXEC	4
/* Many changes in a row (core's stack cache): with this bit the TLB is
 * not invalidated page by page; a final call with len 0 and only this
 * bit does it once.  Until then the old rights may still apply. */
#define TD_PROT_BATCH	0x100
int	 td_page_protect(void *addr, size_t len, int prot);

/* Demand-zero memory (core/lazy.c), as Linux backs anonymous memory:
 * address space is reserved now, and each page gets a zeroed page of
 * RAM at its first touch (from the page-fault handler), so what is never
 * touched costs nothing.  The addresses are NOT physical ones: never
 * hand them to a device (DMA); td_lazy_contains tells.  On Xen PV,
 * where a fault on the running stack cannot be handled, stacks must be
 * backed at once with td_lazy_stack.  A touch when no page is left
 * panics "out of memory backing a page at ADDR for THREAD".
 *
 * td_lazy_alloc: len (page multiple) bytes with protection prot
 * (TD_PROT_*; NONE faults until td_page_protect opens pages); NULL when
 * the platform has no demand paging (posix) or the window is full.
 * td_page_protect works on these pages as on any other. */
void	*td_lazy_alloc(size_t len, int prot);
/* Ends a whole reservation: its pages go back. */
void	 td_lazy_free(void *p, size_t len);
/* Pages of [p, p + len) inside a reservation go back: hole = 0, they
 * read as zeros at the next touch (MADV_DONTNEED; rights kept);
 * hole = 1, any access faults as an unmapped page (a partial munmap). */
void	 td_lazy_discard(void *p, size_t len, int hole);
/* 1 when [p, p + len) overlaps the lazy window. */
int	 td_lazy_contains(const void *p, size_t len);
/* [p, p + len) will be a thread's stack: backed now where the platform
 * needs it (Xen PV), else nothing.  *bottom (when bottom is not NULL)
 * gets the lowest page it backed -- the stack's usable end, above a
 * PROT_NONE guard -- or 0.  0, or -1 when out of pages. */
int	 td_lazy_stack(void *p, size_t len, uintptr_t *bottom);
/* Pages backing lazy memory now (diagnostics, tests). */
size_t	 td_lazy_backed(void);

/* Heap.  td_malloc(0) returns a unique pointer.  On exhaustion these
 * panic naming the request size and caller; use the _try variants to get
 * NULL instead.  Memory is not zeroed except by td_calloc. */
void	*td_malloc(size_t);
void	*td_calloc(size_t n, size_t size);
void	*td_realloc(void *, size_t);
/* align: power of two >= sizeof(void *); size may be 0. */
void	*td_memalign(size_t align, size_t size);
void	*td_malloc_try(size_t);
void	*td_memalign_try(size_t align, size_t size);
/* Accepts NULL and anything returned by the calls above. */
void	 td_free(void *);
/* Usable size of a live block (>= the size asked for). */
size_t	 td_malloc_usable(const void *);
/* Bytes handed out now and the high-water mark. */
size_t	 td_heap_inuse(void);
size_t	 td_heap_peak(void);

/* ---- time ----------------------------------------------------------- */
/* Monotonic ns since boot (IRQ-safe). */
uint64_t td_now(void);
/* Wall clock, ns since the Unix epoch (0 based if unknown). */
int64_t	 td_wall_ns(void);

/* ---- threads -------------------------------------------------------- */
struct td_thread;
typedef void (*td_thread_fn)(void *);

#define TD_THREAD_JOINABLE	0x1	/* must be td_thread_join()ed */
#define TD_STACK_DEFAULT	0	/* 64 KiB */

/* Creates a runnable thread.  name is copied (truncated to 31 chars).
 * Returns NULL only if memory for the stack is exhausted. */
struct td_thread *td_thread_create(const char *name, td_thread_fn fn,
	    void *arg, size_t stacksize, int flags);
/* Ends the calling thread.  A joinable thread stays a zombie until it is
 * joined; others are freed by the scheduler. */
void	 td_thread_exit(void) TD_NORETURN;
/* Waits for a joinable thread to exit and frees it.  Returns 0, or -1 if
 * t is not joinable or is the caller. */
int	 td_thread_join(struct td_thread *t);
struct td_thread *td_thread_self(void);
const char *td_thread_name(const struct td_thread *);
/* Per-thread word for the layer above (rumpuser curlwp).  NULL at
 * creation. */
void	*td_thread_getspecific(void);
void	 td_thread_setspecific(void *);
/* The calling thread's errno word for the mini C runtime (libtdcrt's
 * errno, core/crt/errno.c): per thread, 0 when the thread is created.
 * libtdcrt has no TLS, and rumpuser_seterrno must set the calling
 * thread's errno (issue 9). */
int	*td_thread_errno(void);

/* Lets every other runnable thread run once before the caller resumes. */
void	 td_yield(void);
/* Sleeps until td_now() >= deadline (absolute ns).  0 if reached,
 * 1 if woken earlier by td_thread_wake(). */
int	 td_sleep_until(uint64_t deadline);
/* Relative convenience form of the above. */
int	 td_sleep_ns(uint64_t ns);
/* Blocks the caller until td_thread_wake() or the deadline (UINT64_MAX =
 * none).  A wake that arrives before the block is not lost: the caller
 * must have set itself "about to block" with td_thread_prepare_block()
 * first (all under td_irq_save if a handler may wake it).  Returns 0 when
 * woken, 1 on timeout. */
void	 td_thread_prepare_block(void);
int	 td_thread_block(uint64_t deadline);
/* Makes t runnable if it is blocked or sleeping (IRQ-safe).  Waking a
 * runnable thread sets its wake flag so its next block returns at once. */
void	 td_thread_wake(struct td_thread *t);

/* The calling thread now runs on a stack it did not get from core (libos's
 * clone: the C library's mapping) whose usable part starts at bottom.
 * Where a fault on the running stack cannot be reported (Xen PV: see
 * td_plat.stack_watch) the top word of that lowest page is watched
 * while the thread runs, so an overflow panics naming the thread with
 * 4 KiB left for the report -- the thread has all but 4 KiB of its
 * stack.  bottom 0: back to the watch of the thread's own core stack.
 * Elsewhere a no-op (the stack's guard page faults). */
void	 td_thread_stack_bottom(uintptr_t bottom);

/* The calling thread's FS base (TLS pointer of app code; 0 at creation,
 * when the thread runs with whatever base was loaded).  Set takes effect
 * at once and follows the thread across switches. */
void	 td_thread_set_fsbase(uint64_t base);
uint64_t td_thread_get_fsbase(void);

/* Thread stacks have an unmapped guard page below them (where the
 * platform can protect pages).  Returns the name of the thread whose
 * guard page holds addr, or NULL: for the page-fault report. */
const char *td_stack_guard_owner(uintptr_t addr);

/* CPU time of t in ns: how long it has run, the caller's current slice
 * included (each switch reads the TSC; time in interrupt handlers goes
 * to the thread they interrupted).  Never decreases for a thread; t must
 * not have been freed. */
uint64_t td_thread_cpu_ns(struct td_thread *t);

/* Number of live threads (diagnostics). */
int	 td_thread_count(void);

/* ---- console, printing, panic -------------------------------------- */
/* Writes to the platform console (IRQ-safe; never blocks on threads). */
void	 td_cons_write(const char *, size_t);
/* printf subset: %d %i %u %x %X %o %p %s %c %% with - 0 width .prec,
 * l/ll/z/j/h/hh modifiers.  No floating point. */
int	 td_printf(const char *fmt, ...) TD_PRINTF(1, 2);
int	 td_vprintf(const char *fmt, va_list);
int	 td_snprintf(char *buf, size_t n, const char *fmt, ...) TD_PRINTF(3, 4);
int	 td_vsnprintf(char *buf, size_t n, const char *fmt, va_list);
/* Prints "tandem: panic: <msg>", a backtrace and the thread list, then
 * ends the guest with status 255. */
void	 td_panic(const char *fmt, ...) TD_PRINTF(1, 2) TD_NORETURN;
/* Prints "tandem: exit N" and ends the guest with status N & 255. */
void	 td_exit(int status) TD_NORETURN;

/* ---- graceful shutdown ------------------------------------------- */
/* Optional, defined by the app (weak): called in thread context when the
 * hypervisor asks the guest to stop (Xen `xl shutdown` / `xl reboot`,
 * reason "poweroff" / "reboot").  Its return value becomes the exit
 * status; disks are flushed after it returns and before the guest ends.
 * Without it the status is 0.  It need not return: libos's posts
 * SIGTERM to the app, whose exit (its own status; 143 by SIGTERM's
 * default action) ends the guest -- with the reboot/poweroff asked. */
int	 td_app_shutdown(const char *reason) __attribute__((weak));

/* ---- boot accounting ------------------------------------------------ */
/* Records that the boot phase named `what` (a string that lives for
 * ever) ends now, by the TSC.  Costs one RDTSC and a store; the first 24
 * marks are kept, later ones dropped.  Callable from the platform's
 * entry on, before core_main.  With TD_BOOTSTATS=1 the main thread
 * prints each phase's length ("tandem: boot: phase NAME N us") before
 * main: bench/boot.sh's breakdown of entry->main. */
void	 td_boot_mark(const char *what);

/* ---- the app ------------------------------------------------------- */
/* Optional, defined by a personality layer (libos, weak): when present,
 * core's main thread calls it instead of main(argc, argv), with the same
 * arguments; it sets up the C library and runs main itself.  Its return
 * value is the exit status. */
int	 td_app_main(int argc, char **argv) __attribute__((weak));

/* ---- command line --------------------------------------------------- */
/* The boot command line is "[KEY=VALUE ...] [--] [app args...]".  The
 * leading words of the form KEY=VALUE (KEY: letters, digits, '_', '.')
 * are parameters; an optional "--" ends them; the remaining words are the
 * app's argv[1..].  Double quotes group a word with spaces. */
const char *td_param(const char *key);	/* NULL if not given */
int	 td_app_args(char ***argvp);	/* returns argc; argv[0] is app name */
/* The i-th parameter in command-line order (value; key in *keyp), NULL
 * past the last: for families of keys such as env.NAME=VALUE. */
const char *td_param_at(int i, const char **keyp);
/* 1 if the command line had "--" or any app argument: then argv is
 * exactly what it said, and defaults (the bake manifest's args) do not
 * apply. */
int	 td_app_args_given(void);

/* ---- the host, in posix app mode ---------------------------------- */
/* A program built by tandem-cc and run on Linux (as a configure script
 * runs its tests: posix "app mode") is a Linux process: its argv, its
 * environment, its stdin/stdout/stderr and its files are the host's.
 * td_host() describes that host for the personality layer (libos), or
 * returns NULL: on every machine platform, and on posix outside app
 * mode.  The description and what it points to live as long as the
 * guest; all members are set. */
struct td_host {
	char	**argv;		/* the app's argv as the host gave it */
	char	**envp;		/* the host's environment */
	/* fd 0, 1 or 2 of the host; write=0 reads.  Bytes or -errno
	 * (Linux values); blocks the whole guest while the host does. */
	long	(*stdio)(int fd, void *buf, size_t len, int write);
	/* One Linux x86_64 system call on the host: its result, or -errno
	 * (Linux values).  Pointers are the guest's own (one address
	 * space); blocks the whole guest while the host does. */
	long	(*syscall)(long nr, long a1, long a2, long a3, long a4,
		    long a5, long a6);
};
const struct td_host *td_host(void);

#endif /* TANDEM_CORE_H */
