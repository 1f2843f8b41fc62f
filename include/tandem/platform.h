/*
 * platform.h -- the contract between core/ and a platform (xen, virtio, posix).
 *
 * Exactly one platform is live per boot; it is chosen at run time by the
 * arch entry path and CPUID (see arch/x86_64/boot.c), never by #ifdef.
 * Every image links all machine platforms; only the detected one runs its
 * init.  Core calls the platform only through `td_plat`, below.
 *
 * Threading model: one CPU, cooperative threads.  "Interrupt context" is
 * an interrupt/event handler running on the current thread's stack with
 * interrupts masked; it may only call td_thread_wake() and td_timer_*()
 * style functions documented as IRQ-safe in core.h.
 */
#ifndef TANDEM_PLATFORM_H
#define TANDEM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* One range of RAM handed to the page allocator. */
struct td_memrange {
	uint64_t	start;		/* physical == virtual address, page aligned */
	uint64_t	len;		/* bytes, multiple of 4096 */
};

#define TD_MAXRANGES	32

struct td_platform {
	/* Short name printed at boot and by apps: "kvm", "tcg", "xen-pv",
	 * "xen-pvh", "posix".  Never NULL. */
	const char	*name;

	/* Hypervisor the CPU reports (CPUID 0x40000000 signature) or "none".
	 * In a Xen PV guest this is the *outer* hypervisor. */
	const char	*cpuid_sig;

	/* Kernel command line as given by the loader ("" if none).  Core
	 * splits it; the platform keeps the storage alive forever. */
	const char	*cmdline;
	char **host_argv;   /* posix app mode: argv for the app, unchanged; NULL on machines */
	char **host_envp;   /* posix: the host environment; NULL on machines */

	/* RAM the page allocator may own: excludes the image, boot info,
	 * page tables, rings and anything else the platform still needs. */
	struct td_memrange ram[TD_MAXRANGES];
	int		nram;

	/* Write len bytes to the console.  MUST NOT block on a thread (may
	 * spin briefly on a full ring/UART).  Callable with IRQs masked and
	 * from trap handlers.  '\n' is written as is; the platform adds '\r'
	 * where the device needs it. */
	void		(*cons_write)(const char *buf, size_t len);

	/* Push everything written so far to the outside world and wait until
	 * the other side consumed it (UART shift register empty, Xen console
	 * ring out_cons == out_prod).  Called before exit and after a panic. */
	void		(*cons_flush)(void);

	/* Monotonic nanoseconds since an arbitrary point near boot.  Never
	 * goes backwards, also across a pause of the VM.  IRQ-safe, cheap
	 * (pvclock or TSC arithmetic; no exits on the hot path). */
	uint64_t	(*mono_ns)(void);

	/* Wall clock: nanoseconds since 1970-01-01T00:00Z corresponding to
	 * mono_ns() == 0.  Read once at init; 0 if unknown. */
	int64_t		wall_base_ns;

	/* TSC at the image's first instruction and the TSC rate (0 if
	 * unknown), for TD_BOOTSTATS=1: entry->main cost in cycles. */
	uint64_t	entry_tsc;
	uint64_t	tsc_hz;

	/* Idle: called by the scheduler with IRQs masked when no thread is
	 * runnable.  Arms a one-shot timer for `deadline` (absolute mono ns,
	 * UINT64_MAX = none), then halts the CPU (HLT / SCHEDOP_block / a host
	 * sleep) until an interrupt, an event or the deadline.  Pending
	 * interrupt handlers have run when it returns, IRQs masked again.
	 * MUST NOT busy-wait. */
	void		(*block)(uint64_t deadline);

	/* End the guest with `status` (0..255) as its exit status, after
	 * cons_flush().  Never returns. */
	void		(*exit)(int status) __attribute__((noreturn));

	/* Load the FS segment base (the TLS pointer of app threads): wrmsr
	 * in ring 0, HYPERVISOR_set_segment_base in a PV guest, arch_prctl
	 * on posix.  Called by the scheduler when it switches to a thread
	 * whose FS base differs from the loaded one; NULL if not possible. */
	void		(*set_fsbase)(uint64_t base);

	/* posix app mode only (NULL elsewhere): the host's stdin, stdout
	 * and stderr, so that a program built by tandem-cc and run on Linux
	 * (a configure test) reads and writes them as a Linux program does.
	 * write=0 reads.  Returns bytes or -errno.  In app mode the console
	 * (Tandem's own messages) goes to stderr and "tandem: exit N" is
	 * not printed: the exit status says it. */
	long		(*host_stdio)(int fd, void *buf, size_t len, int write);

	/* posix app mode only (NULL elsewhere): one Linux system call on
	 * the host, returning -errno on failure.  libos's hostfs serves the
	 * host's files through it, so that such a program opens the
	 * configure script's conftest files as a Linux program would. */
	long		(*host_syscall)(long nr, long a1, long a2, long a3,
			    long a4, long a5, long a6);

	/* Hardening (td_page_protect): set the protection of the page-
	 * aligned range [va, va + len) to prot (TD_PROT_* bits); 0, or -1
	 * when no page table could be had.  protect_init() is called once
	 * by core_main after the page allocator works: it maps the image
	 * W^X and all other memory no-execute.  NULL on posix. */
	int		(*page_protect)(uintptr_t va, size_t len, int prot);
	void		(*protect_init)(void);

	/* Xen PV only (NULL elsewhere): a fault in a stack's guard page
	 * cannot be reported there -- Xen pushes the exception frame onto
	 * the same stack and, failing, crashes the domain; ring 0 switches
	 * to a fault stack instead.  So each stack gets one more page, whose
	 * top word is watched with a debug register (a write raises #DB
	 * while 4 KiB of stack remain for the report).  Called by the
	 * scheduler when it switches to a thread with another watch word. */
	void		(*stack_watch)(uintptr_t addr);

	/* Demand paging (core/lazy.c; NULL on posix): the 4 KiB entries of
	 * core's lazy window [TD_LAZY_BASE, TD_LAZY_END), addresses that
	 * are never RAM's own.  An entry is either TD_LZ_PRESENT | TD_PROT_*
	 * bits | the (pseudo-)physical address of a page -- the platform
	 * maps that page there with those rights -- or, not present, a
	 * value below TD_LZ_PRESENT that core keeps for itself (any access
	 * faults; 0: nothing).  lazy_get returns TD_LZ_NOTABLE when no page
	 * table covers va (nor the rest of its 2 MiB).  lazy_set returns 0,
	 * or -1 when no page for a page table could be had (none is taken
	 * to store 0); it invalidates va's TLB entry unless batch is set,
	 * and lazy_set(0, 0, 1) flushes the whole TLB once.  Both are
	 * called with interrupts masked, also from the page-fault handler:
	 * they take pages only with td_page_alloc and never block. */
	uint64_t	(*lazy_get)(uintptr_t va);
	int		(*lazy_set)(uintptr_t va, uint64_t ent, int batch);
	/* Optional (NULL: core calls lazy_get page by page): the first
	 * page-aligned va' in [va, end) whose entry is not 0, or end; pages
	 * without a table count as 0.  Same calling rules as lazy_get.
	 * Lets core skip the untouched pages of a mapping it frees or
	 * discards at the cost of a table scan, not a lookup per page. */
	uintptr_t	(*lazy_next)(uintptr_t va, uintptr_t end);
};

/* The lazy window: 64 GiB of address space above the 4 GiB identity
 * map (one L4 slot, under the 1 TiB the backtrace code trusts). */
#define TD_LAZY_BASE	(64ULL << 30)
#define TD_LAZY_END	(128ULL << 30)
#define TD_LZ_PRESENT	0x400ULL
#define TD_LZ_NOTABLE	(~0ULL)
#define TD_LZ_FRAME	0x000ffffffffff000ULL

/* Called by the arch page-fault handler before it reports a fault:
 * backs a not-yet-touched page of the lazy window with a zeroed page
 * and returns 1 (retry the access); 0 when the fault is a real one
 * (not lazy memory, a hole, a guard page, a protection violation).
 * err is the x86 page-fault error code.  Panics "out of memory backing
 * a page at ADDR for THREAD" when no page is left. */
int	td_lazy_fault(uintptr_t addr, uint64_t err);

/* The live platform, set by the arch boot code before core_main() runs. */
extern struct td_platform td_plat;

/* Entered by the arch boot code once the platform filled td_plat.
 * Initialises core and runs the application; never returns. */
void	core_main(void) __attribute__((noreturn));

#endif /* TANDEM_PLATFORM_H */

/* ---- boot entries of the machine platforms, called by arch_boot() once
 * the entry path and CPUID named the machine.  Each fills td_plat, sets
 * the interrupt mode, installs traps and timers, and calls core_main(). */
struct start_info;
struct hvm_start_info;
void	xen_pv_boot(struct start_info *si) __attribute__((noreturn));
void	xen_pvh_boot(struct hvm_start_info *si, uint32_t xen_cpuid_base)
	    __attribute__((noreturn));
/* QEMU/KVM direct boot.  sig: CPUID 0x40000000 signature ("KVMKVMKVM",
 * "TCGTCGTCGTCG", "" when the CPU says no hypervisor). */
void	virtio_boot(struct hvm_start_info *si, const char *sig)
	    __attribute__((noreturn));
