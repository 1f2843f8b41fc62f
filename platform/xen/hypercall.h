/*
 * hypercall.h -- calling Xen.  Same ABI for PV and PVH: call into the
 * hypercall page at 32 * number, arguments in rdi rsi rdx r10 r8, result
 * in rax.  PV: the domain builder filled the page; PVH: xen_pvh_boot
 * asked Xen to fill it through the MSR named by CPUID.
 *
 * The public headers come from libxen-dev; __XEN_INTERFACE_VERSION__ is
 * set by the Makefile (without it they select the legacy numbering).
 */
#ifndef PLATFORM_XEN_HYPERCALL_H
#define PLATFORM_XEN_HYPERCALL_H

#include <stdint.h>
/* x86 PV guests have start_info and the per-vCPU upcall mask; the public
 * headers leave it to the guest to say so before including them. */
#ifndef XEN_HAVE_PV_GUEST_ENTRY
#define XEN_HAVE_PV_GUEST_ENTRY	1
#endif
#ifndef XEN_HAVE_PV_UPCALL_MASK
#define XEN_HAVE_PV_UPCALL_MASK	1
#endif
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/grant_table.h>
#include <xen/version.h>

extern char hypercall_page[4096];

#define HC_CLOBBERS "memory", "rcx", "r11"

static inline long
hypercall1(unsigned nr, unsigned long a1)
{
	long ret;
	register unsigned long d __asm__("rdi") = a1;

	__asm__ volatile("call *%[hc]"
	    : "=a"(ret), "+r"(d)
	    : [hc] "r"(hypercall_page + nr * 32)
	    : HC_CLOBBERS, "rsi", "rdx", "r8", "r9", "r10");
	return ret;
}

static inline long
hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
	long ret;
	register unsigned long d __asm__("rdi") = a1;
	register unsigned long s __asm__("rsi") = a2;

	__asm__ volatile("call *%[hc]"
	    : "=a"(ret), "+r"(d), "+r"(s)
	    : [hc] "r"(hypercall_page + nr * 32)
	    : HC_CLOBBERS, "rdx", "r8", "r9", "r10");
	return ret;
}

static inline long
hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;
	register unsigned long d __asm__("rdi") = a1;
	register unsigned long s __asm__("rsi") = a2;
	register unsigned long x __asm__("rdx") = a3;

	__asm__ volatile("call *%[hc]"
	    : "=a"(ret), "+r"(d), "+r"(s), "+r"(x)
	    : [hc] "r"(hypercall_page + nr * 32)
	    : HC_CLOBBERS, "r8", "r9", "r10");
	return ret;
}

static inline long
hypercall4(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
    unsigned long a4)
{
	long ret;
	register unsigned long d __asm__("rdi") = a1;
	register unsigned long s __asm__("rsi") = a2;
	register unsigned long x __asm__("rdx") = a3;
	register unsigned long r10 __asm__("r10") = a4;

	__asm__ volatile("call *%[hc]"
	    : "=a"(ret), "+r"(d), "+r"(s), "+r"(x), "+r"(r10)
	    : [hc] "r"(hypercall_page + nr * 32)
	    : HC_CLOBBERS, "r8", "r9");
	return ret;
}

static inline long
HYPERVISOR_sched_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, cmd, (unsigned long)arg);
}

static inline long
HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd,
	    (unsigned long)arg);
}

static inline long
HYPERVISOR_vcpu_op(int cmd, int vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, (unsigned long)arg);
}

static inline long
HYPERVISOR_hvm_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_hvm_op, cmd, (unsigned long)arg);
}

static inline long
HYPERVISOR_memory_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, (unsigned long)arg);
}

/* PV only: segment bases a ring-3 kernel cannot write itself. */
static inline long
HYPERVISOR_set_segment_base(int which, uint64_t base)
{
	return hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

/* PV only: debug registers (the stack watch, pv.c). */
static inline long
HYPERVISOR_set_debugreg(int reg, unsigned long value)
{
	return hypercall2(__HYPERVISOR_set_debugreg, reg, value);
}

static inline long
HYPERVISOR_set_timer_op(uint64_t deadline)
{
	return hypercall1(__HYPERVISOR_set_timer_op, deadline);
}

static inline long
HYPERVISOR_xen_version(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, (unsigned long)arg);
}

static inline long
HYPERVISOR_grant_table_op(int cmd, void *arg, unsigned count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd,
	    (unsigned long)arg, count);
}

static inline long
HYPERVISOR_mmu_update(mmu_update_t *req, unsigned count, unsigned *done,
    domid_t dom)
{
	return hypercall4(__HYPERVISOR_mmu_update, (unsigned long)req, count,
	    (unsigned long)done, dom);
}

static inline long
HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
    unsigned long flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long
HYPERVISOR_set_trap_table(void *table)
{
	return hypercall1(__HYPERVISOR_set_trap_table, (unsigned long)table);
}

static inline long
HYPERVISOR_callback_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_callback_op, cmd, (unsigned long)arg);
}

static inline long
HYPERVISOR_fpu_taskswitch(int set)
{
	return hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long
HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned count, unsigned *done,
    domid_t dom)
{
	return hypercall4(__HYPERVISOR_mmuext_op, (unsigned long)op, count,
	    (unsigned long)done, dom);
}

#endif
