/*
 * traps.c -- IDT (ring 0) and Xen PV trap table, the C side of every
 * interrupt, exception and PV event upcall.
 *
 * Exceptions are fatal: we print what a developer needs to find the bug
 * (vector name, error code, fault address, registers, a symbolized
 * backtrace, the current thread) and end the guest with status 255.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "xenpv.h"

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vec, err;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t  ist;
	uint8_t  type;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
} __attribute__((packed));

extern char trap_stubs[], irq_stubs[], pv_trap_stubs[];
extern char pv_event_callback[], pv_failsafe_callback[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct {
	void	(*fn)(void *);
	void	*arg;
} irq_handlers[257];
static int in_fatal;

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check",
	"machine check", "SIMD FP error", "virtualization", "control protection",
};

static uint64_t
read_cr2(struct trapframe *tf)
{
	uint64_t cr2;

	if (arch_irq_mode == ARCH_IRQ_XENPV)
		return xenpv_fault_cr2();
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	return cr2;
}

static void
dump_regs(struct trapframe *tf)
{
	/* Xen PV keeps the saved upcall mask above the selector bits */
	td_printf("  rip %016lx  rsp %016lx  rflags %08lx cs %lx ss %lx\n",
	    tf->rip, tf->rsp, tf->rflags, tf->cs & 0xffff, tf->ss & 0xffff);
	td_printf("  rax %016lx  rbx %016lx  rcx %016lx\n",
	    tf->rax, tf->rbx, tf->rcx);
	td_printf("  rdx %016lx  rsi %016lx  rdi %016lx\n",
	    tf->rdx, tf->rsi, tf->rdi);
	td_printf("  rbp %016lx  r8  %016lx  r9  %016lx\n",
	    tf->rbp, tf->r8, tf->r9);
	td_printf("  r10 %016lx  r11 %016lx  r12 %016lx\n",
	    tf->r10, tf->r11, tf->r12);
	td_printf("  r13 %016lx  r14 %016lx  r15 %016lx\n",
	    tf->r13, tf->r14, tf->r15);
}

extern char _image_start[], _etext[], _rodata_end[];

/* What a page fault means, in words, from its error code and address;
 * buf gets the text (the panic line's tail). */
static void
pf_reason(struct trapframe *tf, uint64_t cr2, char *buf, size_t n)
{
	const char *owner = td_stack_guard_owner(cr2);
	uint64_t off;
	const char *sym;

	if (owner != NULL)
		td_snprintf(buf, n, "stack overflow in thread %s", owner);
	else if (!(tf->err & 1) && cr2 < tf->rsp + 256 &&
	    cr2 + TD_PAGE_SIZE > tf->rsp)
		/* an unmapped page right at the stack pointer: a guard page
		 * the C library put below a stack of its own */
		td_snprintf(buf, n, "stack overflow in thread %s",
		    td_thread_self() ? td_thread_name(td_thread_self()) : "?");
	else if (cr2 < TD_PAGE_SIZE)
		td_snprintf(buf, n, "NULL pointer dereference");
	else if (tf->err & 0x10) {
		/* rip is the target; the caller's return address is on top
		 * of the stack when the jump was a call */
		sym = arch_symbolize(*(uint64_t *)tf->rsp, &off);
		td_snprintf(buf, n, "jump to non-executable memory %#lx "
		    "(called from %s+%#lx)", cr2, sym, off);
	} else if ((tf->err & 3) == 3 && cr2 >= (uint64_t)_image_start &&
	    cr2 < (uint64_t)_etext)
		td_snprintf(buf, n, "write to read-only text at %s",
		    arch_symbolize(cr2, &off));
	else if ((tf->err & 3) == 3)
		td_snprintf(buf, n, "write to read-only memory %#lx", cr2);
	else
		td_snprintf(buf, n, "access to unmapped memory %#lx", cr2);
}

/*
 * The frame-pointer chain starts at the caller's frame when the fault
 * is in a function that has none of its own (a leaf, or a call into
 * data): its return address is then on top of the stack.  Printed when
 * it looks like one -- it follows a call rel32, or the fault was the
 * fetch of a call's target.
 */
static void
leaf_caller(struct trapframe *tf)
{
	uint64_t ret, off;
	const uint8_t *c;
	const char *sym;

	if (tf->rsp < (uint64_t)_image_start || tf->rsp >= (1ULL << 40) ||
	    (tf->rsp & 7) != 0 || td_stack_guard_owner(tf->rsp) != NULL)
		return;
	/* a stack overflow: rsp itself may be in the unmapped page */
	if (tf->vec == 14 && !(tf->err & 1) &&
	    (read_cr2(tf) >> 12) == (tf->rsp >> 12))
		return;
	ret = *(uint64_t *)tf->rsp;
	if (ret < (uint64_t)_image_start + 5 || ret >= (uint64_t)_etext)
		return;
	c = (const uint8_t *)ret;
	if (!(tf->vec == 14 && (tf->err & 0x10)) && c[-5] != 0xe8)
		return;
	if (tf->rbp >= tf->rsp && tf->rbp < tf->rsp + 16 * 1024 &&
	    *(uint64_t *)(tf->rbp + 8) == ret)
		return;		/* the chain has it already */
	sym = arch_symbolize(ret, &off);
	td_printf("    %016lx %s+%#lx\n", ret, sym, off);
}

static void __attribute__((noreturn))
fatal_trap(struct trapframe *tf)
{
	char why[128];
	const char *name = tf->vec < 32 && exc_names[tf->vec] ?
	    exc_names[tf->vec] : "unexpected interrupt";
	uint64_t off;
	const char *sym;

	if (in_fatal++) {
		/* a fault while reporting one: say so and stop */
		td_cons_write("tandem: panic: fault in trap handler\n", 37);
		td_plat.exit(255);
	}
	if (tf->vec == 257)
		name = "Xen failsafe callback (bad segment on return)";
	sym = arch_symbolize(tf->rip, &off);
	td_printf("tandem: trap %lu (%s) err %#lx at %s+%#lx",
	    tf->vec, name, tf->err, sym, off);
	if (tf->vec == 14)
		td_printf(" addr %#lx", read_cr2(tf));
	td_printf(" thread %s\n", td_thread_self() ?
	    td_thread_name(td_thread_self()) : "(boot)");
	why[0] = 0;
	if (tf->vec == 14)
		pf_reason(tf, read_cr2(tf), why, sizeof(why));
	else if (tf->vec == 1 && td_plat.stack_watch != NULL)
		/* Xen PV's stack watch (platform.h: stack_watch), the only
		 * use of a debug register: under a core stack, or in the
		 * lowest page of one a thread made (td_thread_stack_bottom) */
		td_snprintf(why, sizeof(why), "stack overflow in thread %s",
		    td_stack_guard_owner(tf->rsp) != NULL ?
		    td_stack_guard_owner(tf->rsp) : td_thread_self() != NULL ?
		    td_thread_name(td_thread_self()) : "?");
	else if (strcmp(sym, "__stack_chk_fail") == 0)
		td_snprintf(why, sizeof(why), "stack smashing detected");
	if (why[0] != 0)
		td_printf("tandem: fault: %s\n", why);
	dump_regs(tf);
	td_printf("  backtrace:\n    %016lx %s+%#lx\n", tf->rip, sym, off);
	leaf_caller(tf);
	arch_backtrace(tf->rbp);
	if (why[0] != 0)
		td_panic("%s at %s+%#lx: %s", name, sym, off, why);
	td_panic("%s at %s+%#lx", name, sym, off);
}

/* Called from trap_common with the frame on the interrupted stack. */
void
arch_trap(struct trapframe *tf)
{
	uint64_t v = tf->vec;

	if (v >= 32 && v <= 256 && irq_handlers[v].fn != NULL) {
		irq_handlers[v].fn(irq_handlers[v].arg);
		return;
	}
	if (v == ARCH_VEC_SPURIOUS)
		return;
	/* a first touch of demand-zero memory: backed, the access retried */
	if (v == 14 && !in_fatal && td_lazy_fault(read_cr2(tf), tf->err))
		return;
	fatal_trap(tf);
}

void
arch_irq_set_handler(int vec, void (*fn)(void *), void *arg)
{
	if (vec < 32 || vec > 256)
		td_panic("arch_irq_set_handler: bad vector %d", vec);
	irq_handlers[vec].arg = arg;
	irq_handlers[vec].fn = fn;
}

/*
 * Ring 0 has no stack switch on a fault in ring 0, so a fault in a
 * stack's guard page would push its frame into that same guard page
 * (double, then triple fault: a silent reset).  #PF and #DF therefore
 * run on their own stack (IST 1 of a TSS).  Both are fatal, so a nested
 * one reusing the stack from the top only loses the first report.
 */
static struct {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3;
	uint16_t iomap;
} __attribute__((packed)) tss;
static uint8_t fault_stack[16384] __attribute__((aligned(16)));
/* boot_gdt's three entries plus the TSS (16 bytes); writable, as ltr
 * marks the TSS busy in it */
static uint64_t gdt[5] __attribute__((aligned(16))) = {
	0, 0x00af9a000000ffffULL, 0x00cf92000000ffffULL,
};

static void
tss_init(void)
{
	uint64_t base = (uint64_t)&tss, lim = sizeof(tss) - 1;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) d = { sizeof(gdt) - 1, (uint64_t)gdt };

	tss.ist[0] = (uint64_t)(fault_stack + sizeof(fault_stack));
	tss.iomap = sizeof(tss);
	gdt[3] = (lim & 0xffff) | ((base & 0xffffff) << 16) |
	    (0x89ULL << 40) | (((lim >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;
	/* same selectors as entry.S's table: no reload needed */
	__asm__ volatile("lgdt %0" :: "m"(d));
	__asm__ volatile("ltr %w0" :: "r"(0x18));
}

static void
idt_set(int vec, void *handler)
{
	uint64_t a = (uint64_t)handler;
	struct idt_gate *g = &idt[vec];

	g->off0 = a & 0xffff;
	g->sel = 0x08;
	g->ist = (vec == 8 || vec == 14) ? 1 : 0;
	g->type = 0x8e;			/* present, DPL 0, interrupt gate */
	g->off1 = (a >> 16) & 0xffff;
	g->off2 = a >> 32;
	g->zero = 0;
}

static void
idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) d = { sizeof(idt) - 1, (uint64_t)idt };
	int i;

	for (i = 0; i < 256; i++)
		idt_set(i, i < 32 ? trap_stubs + 16 * i :
		    irq_stubs + 8 * (i - 32));
	__asm__ volatile("lidt %0" :: "m"(d));
}

/* Ring 0: page 0 stays unmapped from now on, so a NULL dereference is a
 * page fault and not a read of whatever the loader left there. */
static void
unmap_page0(void)
{
	extern uint64_t boot_pt0[512];

	boot_pt0[0] = 0;
	__asm__ volatile("invlpg (%0)" :: "r"(0UL) : "memory");
}

void
arch_traps_init(void)
{
	if (arch_irq_mode == ARCH_IRQ_XENPV) {
		xenpv_traps_init(pv_trap_stubs, pv_event_callback,
		    pv_failsafe_callback);
		return;
	}
	tss_init();
	idt_init();
	unmap_page0();
}

/* Ring 0 only: wrfsbase would need CR4.FSGSBASE, which old CPUs and
 * TCG's default CPU lack; the MSR works everywhere in ring 0. */
void
arch_set_fsbase_msr(uint64_t base)
{

	wrmsr(MSR_FS_BASE, base);
}
