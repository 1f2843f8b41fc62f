/*
 * pv.c -- booting as a Xen PV guest.
 *
 * Entered from pv_start64 in long mode, ring 3 "kernel mode", with the
 * builder's page tables (VA == pfn << 12 since VIRT_BASE is 0) and
 * si = start_info.  Everything the guest needs is named by start_info
 * in machine frames; the m2p table Xen maps at HYPERVISOR_VIRT_START
 * turns them into our pfns.  There is no IDT and no cli: exceptions
 * are registered with set_trap_table, events come through a callback,
 * and masking is the upcall mask byte in vcpu_info.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "../../arch/x86_64/xenpv.h"
#include "xen.h"

const char *arch_cpuid_signature(void);

#define PTE_RW_USER	0x7	/* present, writable, user (ring 3 kernel) */
#define EXC_MASK_EVENTS	4	/* trap_info.flags: mask events on entry */

static struct trap_info trap_table[33];

static void
map_shared_info(start_info_t *si)
{
	long rc;

	rc = HYPERVISOR_update_va_mapping((unsigned long)xen_shinfo_page,
	    si->shared_info | PTE_RW_USER, UVMF_INVLPG);
	if (rc != 0)
		xen_exit(254);	/* no console yet: the status is all */
	xen_shinfo = (shared_info_t *)xen_shinfo_page;
	xen_vcpu = &xen_shinfo->vcpu_info[0];
}

/* A machine frame the builder gave us, at its 1:1 virtual address. */
static void *
mfn_to_va(xen_pfn_t mfn)
{
	return (void *)(machine_to_phys_mapping[mfn] << XEN_PAGE_SHIFT);
}

/*
 * Called back by arch_traps_init(): the 32 exception stubs (32 bytes
 * apart), the event callback and the failsafe callback.  #BP and #OF
 * get DPL 3 so int3/into work from any ring; all mask events on entry
 * like an interrupt gate would.
 */
void
xenpv_traps_init(char *stubs, char *event_cb, char *failsafe_cb)
{
	struct callback_register ev = {
		.type = CALLBACKTYPE_event,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)event_cb,
	};
	struct callback_register fs = {
		.type = CALLBACKTYPE_failsafe,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)failsafe_cb,
	};
	long rc;
	int v;

	for (v = 0; v < 32; v++) {
		trap_table[v].vector = v;
		trap_table[v].flags = EXC_MASK_EVENTS |
		    ((v == 3 || v == 4) ? 3 : 0);
		trap_table[v].cs = FLAT_KERNEL_CS;
		trap_table[v].address = (unsigned long)(stubs + 24 * v);
	}
	memset(&trap_table[32], 0, sizeof(trap_table[32]));	/* end */
	if ((rc = HYPERVISOR_set_trap_table(trap_table)) != 0)
		xen_boot_fail("set_trap_table", rc);
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &ev)) != 0)
		xen_boot_fail("register event callback", rc);
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &fs)) != 0)
		xen_boot_fail("register failsafe callback", rc);
}

uint64_t
xenpv_fault_cr2(void)
{
	return xen_vcpu != NULL ? xen_vcpu->arch.cr2 : 0;
}

static void
pv_upcall(void *arg)
{
	xen_evtchn_upcall(arg);
}

/*
 * The stack watch (td_plat.stack_watch): DR0 watches 8-byte writes at
 * the word under each thread's stack, so running off its end raises #DB
 * with a page of room left for the report.  DR7 is set once: local
 * enable 0, RW0 = 01 (writes), LEN0 = 10 (8 bytes).
 */
#define DR7_WATCH0_W8	(0x1UL | (0x1UL << 16) | (0x2UL << 18))

static void
pv_stack_watch(uintptr_t addr)
{
	static int dr7_set;
	long rc;

	if ((rc = HYPERVISOR_set_debugreg(0, addr)) != 0)
		td_panic("set_debugreg(0, %#lx): %ld", (unsigned long)addr, rc);
	if (!dr7_set) {
		if ((rc = HYPERVISOR_set_debugreg(7, DR7_WATCH0_W8)) != 0)
			td_panic("set_debugreg(7): %ld", rc);
		dr7_set = 1;
	}
}

/* Unmap page 0 so that NULL dereferences fault instead of reading
 * whatever the builder left there. */
static void
unmap_null_page(void)
{
	HYPERVISOR_update_va_mapping(0, 0, UVMF_INVLPG);
}

void
xen_pv_boot(start_info_t *si)
{
	if (strncmp(si->magic, "xen-3.0-x86_64", 14) != 0)
		xen_exit(253);	/* not a 64-bit PV start_info */
	xen_is_pv = 1;
	map_shared_info(si);

	/* events stay masked until core unmasks; no cli in ring 3 */
	xen_vcpu->evtchn_upcall_mask = 1;
	arch_xen_upcall_mask = &xen_vcpu->evtchn_upcall_mask;
	arch_xen_upcall_pending = &xen_vcpu->evtchn_upcall_pending;
	arch_xen_force_upcall = xen_force_upcall;
	arch_irq_mode = ARCH_IRQ_XENPV;

	xen_cons_init(mfn_to_va(si->console.domU.mfn),
	    si->console.domU.evtchn);
	xen_store_ring = mfn_to_va(si->store_mfn);
	xen_store_port = si->store_evtchn;
	xen_plat_common("xen-pv", arch_cpuid_signature());
	td_plat.cmdline = xen_save_cmdline((const char *)si->cmd_line,
	    sizeof(si->cmd_line));

	arch_traps_init();
	arch_irq_set_handler(256, pv_upcall, NULL);
	/* apps use SSE: make sure the first use does not trap with #NM */
	HYPERVISOR_fpu_taskswitch(0);

	td_boot_mark("platform");
	xen_evtchn_init();
	xen_time_init();
	td_boot_mark("clock");
	xen_pv_mem_init(si);
	unmap_null_page();
	td_plat.stack_watch = pv_stack_watch;
	core_main();
}
