/*
 * pvh.c -- booting as a Xen PVH guest.
 *
 * Entered through the PHYS32 entry like a QEMU direct boot: entry.S put
 * us in long mode, ring 0, with 0..4 GiB identity mapped in 2 MiB pages.
 * Being an HVM guest, we find Xen's pieces through HVM params instead of
 * start_info, mask with cli, and take events as an interrupt vector.
 * The guest-physical address space is ours, so addresses are pfns and
 * no translation is needed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "xen.h"

#include <xen/arch-x86/hvm/start_info.h>

#define LOW_RESERVED	0x100000ULL		/* BIOS-era area */
#define MAPPED_LIMIT	(4ULL << 30)		/* what entry.S maps */

/* CPUID base+2: ebx names the MSR that installs the hypercall page. */
static void
hypercall_page_init(uint32_t base)
{
	uint32_t r[4];

	cpuid(base + 2, 0, r);
	wrmsr(r[1], (uint64_t)(uintptr_t)hypercall_page);
}

static uint64_t
hvm_param(uint32_t index)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

	if (HYPERVISOR_hvm_op(HVMOP_get_param, &p) != 0)
		return 0;
	return p.value;
}

static long
hvm_param_set(uint32_t index, uint64_t value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF, .index = index, .value = value,
	};

	return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

/* Ask Xen to put shared_info in place of our page's frame. */
static void
map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = (uintptr_t)xen_shinfo_page >> XEN_PAGE_SHIFT,
	};

	if (HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp) != 0)
		xen_exit(254);	/* no console yet: the status is all */
	xen_shinfo = (shared_info_t *)xen_shinfo_page;
	/* vCPUs 0..31 have their vcpu_info inside shared_info */
	xen_vcpu = &xen_shinfo->vcpu_info[0];
}

static void
rings_init(void)
{
	uint64_t pfn;

	pfn = hvm_param(HVM_PARAM_CONSOLE_PFN);
	if (pfn != 0)
		xen_cons_init((void *)(uintptr_t)(pfn << XEN_PAGE_SHIFT),
		    hvm_param(HVM_PARAM_CONSOLE_EVTCHN));
	pfn = hvm_param(HVM_PARAM_STORE_PFN);
	if (pfn != 0)
		xen_store_ring = (void *)(uintptr_t)(pfn << XEN_PAGE_SHIFT);
	xen_store_port = hvm_param(HVM_PARAM_STORE_EVTCHN);
}

static void
reserve_page_of(void *p)
{
	if (p != NULL)
		xen_ram_reserve((uintptr_t)p, (uintptr_t)p + XEN_PAGE_SIZE);
}

/*
 * RAM: the memmap's RAM entries inside what entry.S mapped, without the
 * first MiB, the image, the start info and anything it points to, and
 * the rings.
 */
static void
mem_init(struct hvm_start_info *hsi)
{
	struct hvm_memmap_table_entry *m;
	uint64_t s, e;
	uint32_t i;

	if (hsi->version < 1 || hsi->memmap_entries == 0)
		xen_boot_fail("no memory map in hvm_start_info", hsi->version);
	m = (struct hvm_memmap_table_entry *)(uintptr_t)hsi->memmap_paddr;
	for (i = 0; i < hsi->memmap_entries; i++) {
		if (m[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		s = m[i].addr < LOW_RESERVED ? LOW_RESERVED : m[i].addr;
		e = m[i].addr + m[i].size;
		if (e > MAPPED_LIMIT)
			e = MAPPED_LIMIT;
		if (s < e)
			xen_ram_add(s, e);
	}
	xen_ram_reserve((uintptr_t)_image_start, (uintptr_t)_image_end);
	xen_ram_reserve((uintptr_t)hsi, (uintptr_t)hsi + sizeof(*hsi));
	xen_ram_reserve(hsi->memmap_paddr, hsi->memmap_paddr +
	    hsi->memmap_entries * sizeof(*m));
	if (hsi->cmdline_paddr != 0)
		xen_ram_reserve(hsi->cmdline_paddr, hsi->cmdline_paddr +
		    strlen((const char *)(uintptr_t)hsi->cmdline_paddr) + 1);
	if (hsi->nr_modules != 0)
		xen_ram_reserve(hsi->modlist_paddr, hsi->modlist_paddr +
		    hsi->nr_modules * sizeof(struct hvm_modlist_entry));
	reserve_page_of(xen_store_ring);
	if (hvm_param(HVM_PARAM_CONSOLE_PFN) != 0)
		reserve_page_of((void *)(uintptr_t)(hvm_param(
		    HVM_PARAM_CONSOLE_PFN) << XEN_PAGE_SHIFT));
}

/* Events as vector ARCH_VEC_XEN, straight from Xen (no LAPIC, no EOI). */
static void
upcall_init(void)
{
	long rc;

	arch_irq_set_handler(ARCH_VEC_XEN, xen_evtchn_upcall, NULL);
	xen_evtchn_init();
	rc = hvm_param_set(HVM_PARAM_CALLBACK_IRQ,
	    ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | ARCH_VEC_XEN);
	if (rc != 0)
		xen_boot_fail("set HVM_PARAM_CALLBACK_IRQ", rc);
	/* HVM masks with IF; the PV mask byte must not get in the way */
	xen_vcpu->evtchn_upcall_mask = 0;
}

void
xen_pvh_boot(struct hvm_start_info *hsi, uint32_t base)
{
	hypercall_page_init(base);
	if (hsi->magic != XEN_HVM_START_MAGIC_VALUE)
		xen_exit(253);
	xen_is_pv = 0;
	map_shared_info();
	rings_init();
	xen_plat_common("xen-pvh", "XenVMMXenVMM");
	td_plat.cmdline = xen_save_cmdline(hsi->cmdline_paddr == 0 ? "" :
	    (const char *)(uintptr_t)hsi->cmdline_paddr, SIZE_MAX);

	arch_irq_mode = ARCH_IRQ_CLI;	/* still cli from entry.S */
	arch_traps_init();
	td_boot_mark("platform");
	upcall_init();
	xen_time_init();
	td_boot_mark("clock");
	mem_init(hsi);
	core_main();
}
