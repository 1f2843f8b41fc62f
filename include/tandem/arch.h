/*
 * arch.h -- x86_64 services for core/ and the platforms: CPU
 * instructions, context switch, interrupt vectors, traps, backtraces.
 * Works in ring 0 (QEMU, Xen PVH) and in the Xen PV ring-3 kernel mode;
 * the platform posix uses only the context switch and backtrace.
 */
#ifndef TANDEM_ARCH_H
#define TANDEM_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- how we were entered (set by the entry code) --------------------- */
#define ARCH_ENTRY_PVH	1	/* XEN_ELFNOTE_PHYS32_ENTRY: QEMU or Xen PVH */
#define ARCH_ENTRY_PV	2	/* XEN_ELFNOTE_ENTRY: Xen PV */
extern uint32_t	arch_entry_kind;
extern uint64_t	arch_entry_info;	/* hvm_start_info or start_info */
extern uint64_t	arch_entry_tsc;		/* TSC at the first instruction */

/* ---- interrupt masking mode, chosen by the platform at init ---------- */
#define ARCH_IRQ_CLI	0	/* cli/sti (ring 0: QEMU, Xen PVH) */
#define ARCH_IRQ_XENPV	1	/* vcpu_info->evtchn_upcall_mask */
#define ARCH_IRQ_NONE	2	/* no asynchronous interrupts (posix) */
extern int	arch_irq_mode;
extern volatile uint8_t *arch_xen_upcall_mask;	/* ARCH_IRQ_XENPV */
extern volatile uint8_t *arch_xen_upcall_pending;
/* Called by td_irq_restore when unmasking in PV mode with an event
 * pending, so it is delivered now (the unmask race). */
extern void	(*arch_xen_force_upcall)(void);

/* ---- instructions --------------------------------------------------- */
/* Ring 0's masking (ARCH_IRQ_CLI): the IF bit (0x200) as it was, with
 * interrupts masked after; and unmasking.  td_irq_save/restore (irq.c)
 * use them, and core's block and wake paths inline them. */
static inline unsigned long
arch_cli_save(void)
{
	unsigned long f;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) :: "memory");
	return f & 0x200;
}

static inline void
arch_sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	    : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(sub));
}

/* Xen PV: the forced-emulation prefix makes Xen answer CPUID with the
 * guest's view.  #UD anywhere else. */
static inline void
cpuid_xenpv(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("ud2a; .ascii \"xen\"; cpuid"
	    : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(sub));
}

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void outb(uint16_t p, uint8_t v)
{ __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v)
{ __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v)
{ __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p)
{ uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p)
{ uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p)
{ uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

#define barrier()	__asm__ volatile("" ::: "memory")
#define mb()		__asm__ volatile("mfence" ::: "memory")
#define rmb()		barrier()	/* x86: loads are not reordered */
#define wmb()		barrier()	/* x86: stores are not reordered */
#define cpu_relax()	__asm__ volatile("pause" ::: "memory")

#define MSR_FS_BASE	0xc0000100
/* Ring 0 (QEMU/KVM, Xen PVH): the FS base through its MSR. */
void	arch_set_fsbase_msr(uint64_t base);

/* ---- context switch ------------------------------------------------- */
/* Callee-saved state of a suspended thread; only rsp is stored here, the
 * registers live on the thread's own stack. */
struct arch_ctx {
	uint64_t	rsp;
};
/* Prepares ctx so that the first arch_switch() to it calls fn(arg) on
 * the given stack (16-byte aligned as the ABI wants).  fn must not
 * return. */
void	arch_ctx_init(struct arch_ctx *ctx, void *stack_top,
	    void (*fn)(void *), void *arg);
/* Saves the caller's state in *from and resumes *to. */
void	arch_switch(struct arch_ctx *from, struct arch_ctx *to);

/* ---- interrupts (HVM: QEMU and Xen PVH) ----------------------------- */
#define ARCH_VEC_TIMER		0xf0	/* LAPIC timer */
#define ARCH_VEC_XEN		0xf3	/* Xen PVH event callback vector */
#define ARCH_VEC_SPURIOUS	0xff
/* Installs fn as the handler of an external interrupt vector (32..255).
 * fn runs with interrupts masked on the interrupted stack. */
void	arch_irq_set_handler(int vec, void (*fn)(void *), void *arg);
/* Called by the interrupt handler for ARCH_VEC_TIMER.. : acknowledge. */
void	arch_lapic_eoi(void);

/* ---- traps and diagnostics ------------------------------------------ */
/* Installs the IDT (ring 0) or the Xen PV trap table.  After this a
 * fault prints its registers and a symbolized backtrace and ends the
 * guest with status 255.  In ring 0 it also unmaps page 0 (NULL): call it
 * once the boot info, which QEMU places in low memory, has been read. */
void	arch_traps_init(void);
/* Prints a symbolized backtrace starting at frame pointer rbp. */
void	arch_backtrace(uint64_t rbp);
/* Name of the function containing addr, with offset; "?" if unknown. */
const char *arch_symbolize(uint64_t addr, uint64_t *offp);

/* ---- page protection (mmu.c) ---------------------------------------- */
/* Ring 0 (QEMU/KVM, Xen PVH): td_plat.page_protect and .protect_init.
 * Splits a 2 MiB page into 4 KiB entries where needed (see mmu.c). */
int	arch_mmu_protect(uintptr_t va, size_t len, int prot);
void	arch_mmu_init(void);
int	arch_mmu_has_nx(void);
extern unsigned arch_mmu_splits;
/* Ring 0: td_plat.lazy_get, .lazy_set and .lazy_next (demand paging,
 * platform.h). */
uint64_t arch_lazy_get(uintptr_t va);
int	arch_lazy_set(uintptr_t va, uint64_t ent, int batch);
uintptr_t arch_lazy_next(uintptr_t va, uintptr_t end);
/* lazy_next's table scan with another way to find an L1 entry (Xen PV's;
 * l1 returns NULL where no table covers va). */
uintptr_t arch_lazy_scan(uintptr_t va, uintptr_t end,
	    uint64_t *(*l1)(uintptr_t va));
/* The image policy (text RX, rodata R, data/bss RW NX, hypercall page
 * RX) applied through a platform's protect call; 0 or -1. */
int	arch_image_protect(int (*prot)(uintptr_t va, size_t len, int prot));

#endif /* TANDEM_ARCH_H */
