/*
 * grant.c -- grant table v1: setup (PV and PVH), grant, revoke.
 *
 * The table lives in frames Xen owns.  PV: GNTTABOP_setup_table returns
 * their machine frames and we map them over pages of our .bss with
 * update_va_mapping.  PVH: XENMEM_add_to_physmap puts frame i at a pfn
 * of our choice -- the same .bss pages -- and the RAM that was there is
 * given back to Xen.  Either way the table ends up at `table`.
 *
 * Grant: write frame and domid, then (after a barrier) the flags that
 * make the entry live.  Revoke: clear flags with a compare-and-swap that
 * fails if Xen marked the entry reading/writing meanwhile, as the
 * protocol in grant_table.h requires.
 */
#include <stddef.h>
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include "xen.h"
#include "grant.h"

#define MAX_FRAMES	16		/* 8192 references */
#define PER_FRAME	(XEN_PAGE_SIZE / sizeof(grant_entry_v1_t))
#define PTE_DATA	0x67ULL		/* P RW US A D */

static char area[MAX_FRAMES * XEN_PAGE_SIZE]
    __attribute__((aligned(4096)));
static grant_entry_v1_t *table;
static unsigned nrefs, inuse;
/* free list threaded through a side array: next[ref] */
static grant_ref_t freehead = XEN_GREF_INVALID;
static grant_ref_t next_free[MAX_FRAMES * PER_FRAME];

uint64_t
xen_va_to_gfn(const void *va)
{
	uint64_t pfn = (uintptr_t)va >> XEN_PAGE_SHIFT;

	return xen_is_pv ? xen_pv_pfn_to_mfn(pfn) : pfn;
}

static int
setup_pv(unsigned n)
{
	xen_pfn_t frames[MAX_FRAMES];
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = n };
	unsigned i;
	long rc;

	set_xen_guest_handle(st.frame_list, frames);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1);
	if (rc != 0 || st.status != GNTST_okay)
		return rc != 0 ? (int)rc : st.status;
	for (i = 0; i < n; i++) {
		rc = HYPERVISOR_update_va_mapping(
		    (unsigned long)(area + i * XEN_PAGE_SIZE),
		    ((uint64_t)frames[i] << XEN_PAGE_SHIFT) | PTE_DATA,
		    UVMF_INVLPG);
		if (rc != 0)
			return (int)rc;
	}
	return 0;
}

static int
setup_pvh(unsigned n)
{
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
	};
	unsigned i;
	long rc;

	for (i = 0; i < n; i++) {
		x.idx = i;
		x.gpfn = ((uintptr_t)area >> XEN_PAGE_SHIFT) + i;
		rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
		if (rc != 0)
			return (int)rc;
	}
	return 0;
}

int
xen_grant_init(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	unsigned n = MAX_FRAMES, r;
	long rc;

	if (table != NULL)
		return 0;
	rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rc == 0 && q.status == GNTST_okay && q.max_nr_frames < n)
		n = q.max_nr_frames;
	rc = xen_is_pv ? setup_pv(n) : setup_pvh(n);
	if (rc != 0) {
		td_printf("xen: grant table setup (%u frames) failed: %ld\n",
		    n, rc);
		return (int)rc;
	}
	table = (grant_entry_v1_t *)area;
	nrefs = n * PER_FRAME;
	/* the first entries belong to the toolstack (console, xenstore) */
	for (r = nrefs - 1; r >= GNTTAB_NR_RESERVED_ENTRIES; r--) {
		next_free[r] = freehead;
		freehead = r;
	}
	return 0;
}

grant_ref_t
xen_grant_frame(domid_t dom, uint64_t gfn, int ro)
{
	td_irqflags_t s;
	grant_ref_t ref;

	s = td_irq_save();
	if ((ref = freehead) != XEN_GREF_INVALID) {
		freehead = next_free[ref];
		inuse++;
	}
	td_irq_restore(s);
	if (ref == XEN_GREF_INVALID)
		return ref;
	table[ref].frame = (uint32_t)gfn;
	table[ref].domid = dom;
	wmb();			/* frame and domid before the entry is live */
	__atomic_store_n(&table[ref].flags,
	    GTF_permit_access | (ro ? GTF_readonly : 0), __ATOMIC_SEQ_CST);
	return ref;
}

grant_ref_t
xen_grant_va(domid_t dom, const void *va, int ro)
{
	return xen_grant_frame(dom, xen_va_to_gfn(va), ro);
}

int
xen_grant_end(grant_ref_t ref)
{
	td_irqflags_t s;
	uint16_t fl;

	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= nrefs)
		return -1;
	fl = __atomic_load_n(&table[ref].flags, __ATOMIC_SEQ_CST);
	do {
		if (fl & (GTF_reading | GTF_writing))
			return -1;
	} while (!__atomic_compare_exchange_n(&table[ref].flags, &fl, 0, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	s = td_irq_save();
	next_free[ref] = freehead;
	freehead = ref;
	inuse--;
	td_irq_restore(s);
	return 0;
}

unsigned
xen_grant_inuse(void)
{
	return inuse;
}

unsigned
xen_grant_nrefs(void)
{
	return nrefs;
}
