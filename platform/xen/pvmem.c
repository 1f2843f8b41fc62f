/*
 * pvmem.c -- Xen PV memory: map all RAM 1:1 (VA == pfn << 12) and hand
 * it to the page allocator.
 *
 * The PV builder maps only the bootstrap region: the image, start_info,
 * the p2m list, xenstore and console pages, its page tables and about
 * 512 KiB of slack.  Page tables are read-only to us and change only
 * through Xen, so to reach the rest of RAM we build tables the Xen way:
 * fill a free page with entries (machine frames from the p2m list),
 * remap that page read-only, then have Xen hook it into its parent
 * with mmu_update (which validates and types it).  Table pages come
 * from the slack right after the bootstrap region, and every 2 MiB
 * chunk mapped adds more mapped memory than its table costs, so the
 * supply never runs dry.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "xen.h"

#define PTE_P		0x001ULL
#define PTE_RW		0x002ULL
#define PTE_US		0x004ULL
#define PTE_A		0x020ULL
#define PTE_D		0x040ULL
#define PTE_NX		(1ULL << 63)
#define PTE_FRAME	0x000ffffffffff000ULL
#define PTE_DATA	(PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | nx)
#define PTE_TABLE	(PTE_P | PTE_RW | PTE_US | PTE_A)
#define PTE_RO		(PTE_P | PTE_US | PTE_A)

#define CHUNK		(512 * XEN_PAGE_SIZE)		/* one L1 table */
#define MAP_LIMIT	(1ULL << 30)	/* one L2 table; plenty for now */

static unsigned long *p2m;		/* si->mfn_list */
static uint64_t *l4;			/* si->pt_base */
static uint64_t next_table;		/* VA of the next free table page */
static mmu_update_t req[512];
static uint64_t nx;			/* PTE_NX when the CPU has NX */

uint64_t xen_pv_mapped_end;		/* diagnostics */
static uint64_t bootstrap_top;		/* end of what the builder mapped */
unsigned xen_pv_new_tables;

static inline unsigned
idx(uint64_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The table an entry points to, at its 1:1 address. */
static uint64_t *
table_of(uint64_t pte)
{
	xen_pfn_t mfn = (pte & PTE_FRAME) >> XEN_PAGE_SHIFT;

	return (uint64_t *)(machine_to_phys_mapping[mfn] << XEN_PAGE_SHIFT);
}

/* The level-`level` entry for va, or NULL if a table above is missing;
 * *ma gets the entry's machine address for mmu_update. */
static uint64_t *
entry_of(uint64_t va, int level, uint64_t *ma)
{
	uint64_t *t = l4, *e, frame = 0;
	int l;

	for (l = 4; ; l--) {
		e = &t[idx(va, l)];
		if (l == level)
			break;
		if (!(*e & PTE_P))
			return NULL;
		frame = *e & PTE_FRAME;
		t = table_of(*e);
	}
	if (ma != NULL)
		*ma = (l == 4 ? 0 : frame) + idx(va, l) * 8;
	return e;
}

static int
va_mapped(uint64_t va)
{
	uint64_t *e = entry_of(va, 1, NULL);

	return e != NULL && (*e & PTE_P);
}

static void
mmu_set(uint64_t ma, uint64_t val)
{
	mmu_update_t u = { .ptr = ma | MMU_NORMAL_PT_UPDATE, .val = val };
	long rc;

	if ((rc = HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF)) != 0)
		xen_boot_fail("mmu_update of a table entry", rc);
}

/* A zeroed page for a new table, still writable. */
static uint64_t *
table_alloc(void)
{
	uint64_t va = next_table;

	if (!va_mapped(va))
		xen_boot_fail("no mapped page for a page table", 0);
	next_table += XEN_PAGE_SIZE;
	xen_pv_new_tables++;
	memset((void *)va, 0, XEN_PAGE_SIZE);
	return (uint64_t *)va;
}

/* Xen refuses a table page that is still writable through any map. */
static uint64_t
table_seal(uint64_t *t)
{
	uint64_t mfn = p2m[(uint64_t)t >> XEN_PAGE_SHIFT];
	long rc;

	rc = HYPERVISOR_update_va_mapping((unsigned long)t,
	    (mfn << XEN_PAGE_SHIFT) | PTE_RO, UVMF_INVLPG);
	if (rc != 0)
		xen_boot_fail("remap page table read-only", rc);
	return mfn << XEN_PAGE_SHIFT;
}

static void
ensure_l2(uint64_t va)
{
	uint64_t *e, ma;

	if ((e = entry_of(va, 3, &ma)) == NULL)
		xen_boot_fail("no L4 entry for RAM", 0);
	if (*e & PTE_P)
		return;
	mmu_set(ma, table_seal(table_alloc()) | PTE_TABLE);
}

static void
new_l1(uint64_t va, uint64_t limit, uint64_t l2e_ma)
{
	uint64_t *t = table_alloc(), pfn;
	int i;

	for (i = 0; i < 512; i++) {
		pfn = (va >> XEN_PAGE_SHIFT) + i;
		if ((pfn << XEN_PAGE_SHIFT) >= limit)
			break;
		t[i] = ((uint64_t)p2m[pfn] << XEN_PAGE_SHIFT) | PTE_DATA;
	}
	mmu_set(l2e_ma, table_seal(t) | PTE_TABLE);
}

/* The builder's last L1 is partly filled: add the missing entries. */
static void
fill_l1(uint64_t va, uint64_t limit, uint64_t l2e)
{
	uint64_t *t = table_of(l2e), pfn, base = l2e & PTE_FRAME;
	unsigned n = 0, done;
	long rc;
	int i;

	for (i = 0; i < 512; i++) {
		pfn = (va >> XEN_PAGE_SHIFT) + i;
		if ((pfn << XEN_PAGE_SHIFT) >= limit)
			break;
		if (t[i] & PTE_P)
			continue;
		req[n].ptr = (base + i * 8) | MMU_NORMAL_PT_UPDATE;
		req[n].val = ((uint64_t)p2m[pfn] << XEN_PAGE_SHIFT) | PTE_DATA;
		n++;
	}
	if (n == 0)
		return;
	rc = HYPERVISOR_mmu_update(req, n, &done, DOMID_SELF);
	if (rc != 0)
		xen_boot_fail("mmu_update of L1 entries", rc);
}

static void
map_chunk(uint64_t va, uint64_t limit)
{
	uint64_t *e, ma;

	ensure_l2(va);
	e = entry_of(va, 2, &ma);
	if (*e & PTE_P)
		fill_l1(va, limit, *e);
	else
		new_l1(va, limit, ma);
}

static uint64_t
max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The end of everything the builder placed after the image. */
static uint64_t
bootstrap_end(start_info_t *si)
{
	uint64_t end = (uint64_t)_image_end;

	end = max64(end, (uint64_t)si + sizeof(*si));
	end = max64(end, si->mfn_list + si->nr_pages * sizeof(p2m[0]));
	end = max64(end, si->pt_base + si->nr_pt_frames * XEN_PAGE_SIZE);
	end = max64(end, (uint64_t)xen_store_ring + XEN_PAGE_SIZE);
	end = max64(end, ((uint64_t)machine_to_phys_mapping[
	    si->console.domU.mfn] + 1) << XEN_PAGE_SHIFT);
	if (si->mod_start != 0 && (si->flags & SIF_MOD_START_PFN))
		end = max64(end, (si->mod_start << XEN_PAGE_SHIFT) +
		    si->mod_len);
	else if (si->mod_start != 0)
		end = max64(end, si->mod_start + si->mod_len);
	return (end + XEN_PAGE_SIZE - 1) & ~(XEN_PAGE_SIZE - 1);
}

/* For grants: the machine frame behind one of our pfns. */
uint64_t
xen_pv_pfn_to_mfn(uint64_t pfn)
{
	return p2m[pfn];
}

void
xen_pv_mem_init(start_info_t *si)
{
	uint64_t start, limit, va;

	uint32_t r[4];

	/* Xen runs PV guests with EFER.NXE on when the CPU has NX; plain
	 * CPUID would show the outer hypervisor's view */
	cpuid_xenpv(0x80000001, 0, r);
	if (r[3] & (1U << 20))
		nx = PTE_NX;
	p2m = (unsigned long *)si->mfn_list;
	l4 = (uint64_t *)si->pt_base;
	start = bootstrap_end(si);
	next_table = start;
	limit = si->nr_pages << XEN_PAGE_SHIFT;
	if (limit > MAP_LIMIT)
		limit = MAP_LIMIT;
	for (va = start & ~(CHUNK - 1); va < limit; va += CHUNK)
		map_chunk(va, limit);
	xen_pv_mapped_end = limit;
	/* the builder's slack (~512 KiB) may reach into the next chunk */
	bootstrap_top = (start + 2 * CHUNK - 1) & ~(CHUNK - 1);
	if (bootstrap_top > limit)
		bootstrap_top = limit;
	/* the table pages we took are in use for good */
	xen_ram_add(next_table, limit);
}

/* ---- page protection (td_plat.page_protect) ------------------------- */

static unsigned nreq;

static void
req_flush(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	unsigned done;
	long rc;

	if (nreq == 0)
		return;
	rc = HYPERVISOR_mmu_update(req, nreq, &done, DOMID_SELF);
	if (rc != 0)
		td_panic("pv protect: mmu_update refused (%ld, %u of %u done)",
		    rc, done, nreq);
	nreq = 0;
	(void)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void
req_add(uint64_t ma, uint64_t val)
{
	req[nreq].ptr = ma | MMU_NORMAL_PT_UPDATE;
	req[nreq].val = val;
	if (++nreq == 512)
		req_flush();
}

/*
 * Every page is a 4 KiB entry here (the builder's tables and ours), so
 * a protection is an L1 update per page, batched.  The frame is kept
 * from the old entry (the shared_info page is not our own pfn's frame);
 * an unmapped page gets its frame back from the p2m list (VA == pfn).
 */
int
xen_pv_protect(uintptr_t va, size_t len, int prot)
{
	uint64_t *e, ma, frame, val;
	uintptr_t a;

	if (len == 0 && (prot & TD_PROT_BATCH)) {
		req_flush();
		return 0;
	}
	for (a = va; a < va + len; a += XEN_PAGE_SIZE) {
		if ((e = entry_of(a, 1, &ma)) == NULL)
			return -1;
		frame = (*e & PTE_P) ? (*e & PTE_FRAME) :
		    (uint64_t)p2m[a >> XEN_PAGE_SHIFT] << XEN_PAGE_SHIFT;
		val = 0;
		if ((prot & ~TD_PROT_BATCH) != TD_PROT_NONE) {
			val = frame | PTE_P | PTE_US | PTE_A;
			if (prot & TD_PROT_WRITE)
				val |= PTE_RW | PTE_D;
			if (!(prot & TD_PROT_EXEC))
				val |= nx;
		}
		req_add(ma, val);
	}
	if (!(prot & TD_PROT_BATCH))
		req_flush();
	return 0;
}

/* NX on present pages of [a, b), keeping everything else (the
 * builder's page tables stay read-only). */
static void
nx_range(uintptr_t a, uintptr_t b)
{
	uint64_t *e, ma;

	for (; a < b; a += XEN_PAGE_SIZE)
		if ((e = entry_of(a, 1, &ma)) != NULL && (*e & PTE_P) &&
		    !(*e & PTE_NX))
			req_add(ma, *e | nx);
	req_flush();
}

/* The image W^X; what the builder mapped around it NX (the RAM mapped
 * by xen_pv_mem_init already is). */
void
xen_pv_protect_init(void)
{
	if (arch_image_protect(xen_pv_protect) != 0)
		td_panic("W^X: the image is not mapped");
	if (nx == 0)
		return;
	nx_range(XEN_PAGE_SIZE, (uintptr_t)_image_start);
	nx_range((uintptr_t)_image_end, bootstrap_top);
}

/* ---- demand paging (td_plat.lazy_get/lazy_set, core/lazy.c) ---------
 * The lazy window's tables are made the Xen way at run time: a page
 * from the allocator, zeroed, remapped read-only, then hooked into its
 * parent with mmu_update (kept for good).  Entries change through
 * update_va_mapping.  A page that is not present keeps core's marker
 * bits shifted one up and no frame address, so Xen's L1TF check of
 * non-present entries finds nothing to object to. */

/* A new, sealed table hooked at the entry whose machine address is ma;
 * -1 when no page or Xen said no. */
static int
lz_hook(uint64_t ma)
{
	mmu_update_t u;
	uint64_t *t;

	if ((t = td_page_alloc(0)) == NULL)
		return -1;
	memset(t, 0, XEN_PAGE_SIZE);
	if (HYPERVISOR_update_va_mapping((unsigned long)t,
	    ((uint64_t)p2m[(uint64_t)t >> XEN_PAGE_SHIFT] << XEN_PAGE_SHIFT) |
	    PTE_RO, UVMF_INVLPG) != 0) {
		td_page_free(t, 0);
		return -1;
	}
	u.ptr = ma | MMU_NORMAL_PT_UPDATE;
	u.val = ((uint64_t)p2m[(uint64_t)t >> XEN_PAGE_SHIFT] <<
	    XEN_PAGE_SHIFT) | PTE_TABLE;
	if (HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF) != 0)
		td_panic("pv lazy: Xen refused a page table for the window");
	return 0;
}

uint64_t
xen_pv_lazy_get(uintptr_t va)
{
	uint64_t *e = entry_of(va, 1, NULL), v, ent;

	if (e == NULL)
		return TD_LZ_NOTABLE;
	if (!((v = *e) & PTE_P))
		return v >> 1;
	ent = ((uint64_t)machine_to_phys_mapping[(v & PTE_FRAME) >>
	    XEN_PAGE_SHIFT] << XEN_PAGE_SHIFT) | TD_LZ_PRESENT | TD_PROT_READ;
	if (v & PTE_RW)
		ent |= TD_PROT_WRITE;
	if (!(v & PTE_NX))
		ent |= TD_PROT_EXEC;
	return ent;
}

static uint64_t *
l1_entry(uintptr_t va)
{
	return entry_of(va, 1, NULL);
}

/* td_plat.lazy_next: a scan of the (read-only mapped) L1 tables. */
uintptr_t
xen_pv_lazy_next(uintptr_t va, uintptr_t end)
{
	return arch_lazy_scan(va, end, l1_entry);
}

int
xen_pv_lazy_set(uintptr_t va, uint64_t ent, int batch)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	uint64_t *e, ma, v;
	int lvl;

	if (batch && va == 0 && ent == 0) {
		(void)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
		return 0;
	}
	/* the L3 of slot 0 is the builder's; L2 and L1 may be missing */
	for (lvl = 2; lvl >= 1; lvl--) {
		if ((e = entry_of(va, lvl + 1, &ma)) == NULL)
			return -1;
		if (*e & PTE_P)
			continue;
		if (ent == 0)
			return 0;
		if (lz_hook(ma) != 0)
			return -1;
	}
	if (ent & TD_LZ_PRESENT) {
		v = ((uint64_t)p2m[(ent & TD_LZ_FRAME) >> XEN_PAGE_SHIFT] <<
		    XEN_PAGE_SHIFT) | PTE_P | PTE_US | PTE_A;
		if (ent & TD_PROT_WRITE)
			v |= PTE_RW | PTE_D;
		if (!(ent & TD_PROT_EXEC))
			v |= nx;
	} else
		v = ent << 1;
	if (HYPERVISOR_update_va_mapping(va, v, batch ? 0 : UVMF_INVLPG) != 0)
		td_panic("pv lazy: update_va_mapping(%#lx) refused",
		    (unsigned long)va);
	return 0;
}
