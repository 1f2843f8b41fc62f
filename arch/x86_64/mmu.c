/*
 * mmu.c -- page protection in ring 0 (QEMU/KVM, Xen PVH): W^X for the
 * image, no-execute for all other memory, unmapped guard pages, and
 * the page-granular protections mprotect asks for.
 *
 * entry.S identity-maps 0..4 GiB with 2 MiB pages (the first 2 MiB in
 * 4 KiB pages).  A 2 MiB page is split into a 4 KiB table only where a
 * finer protection is asked for -- the image, stack guard pages, what
 * an app mprotects -- because every split costs a page and a TLB
 * flush; the rest stays in large pages, marked no-execute.
 *
 * Also the layout policy every platform applies to the image
 * (arch_image_protect): text read+execute, rodata read-only, data and
 * bss read+write+no-execute, the hypercall page read+execute.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#define PTE_P		0x001ULL
#define PTE_RW		0x002ULL
#define PTE_PS		0x080ULL
#define PTE_NX		(1ULL << 63)
#define PTE_FRAME	0x000ffffffffff000ULL
#define PDE_FRAME	0x000fffffffe00000ULL
#define PTE_KEEP	0x17fULL	/* P RW US PWT PCD A D G of a 2M */
#define MAPPED_LIMIT	(4ULL << 30)
#define MSR_EFER	0xc0000080
#define EFER_NXE	0x800

extern uint64_t boot_pd[2048];
extern uint64_t boot_pt0[512];
extern char _image_start[], _etext[], _rodata_end[], _image_end[];
extern char hypercall_page[];

static uint64_t nx_bit;			/* PTE_NX when EFER.NXE is on */
unsigned arch_mmu_splits;		/* 2 MiB pages split (diagnostics) */

static void
flush_all(void)
{
	uint64_t cr3;

	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)
	    :: "memory");
}

/* The 4 KiB entry of va, splitting its 2 MiB page first if needed;
 * NULL when no page is free for the table. */
static uint64_t *
pte_of(uintptr_t va)
{
	uint64_t *pde = &boot_pd[va >> 21], *pt, base, fl;
	int i;

	if (!(*pde & PTE_PS))
		return (uint64_t *)(uintptr_t)(*pde & PTE_FRAME) +
		    ((va >> 12) & 511);
	if ((pt = td_page_alloc(0)) == NULL)
		return NULL;
	base = *pde & PDE_FRAME;
	fl = (*pde & PTE_KEEP & ~PTE_PS) | (*pde & PTE_NX);
	for (i = 0; i < 512; i++)
		pt[i] = (base + ((uint64_t)i << 12)) | fl;
	/* execute permission is decided per 4 KiB entry from now on */
	/* Same translations and rights as the 2 MiB entry: a stale TLB
	 * entry for it is harmless until the invlpg of the entry changed */
	*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_RW;
	arch_mmu_splits++;
	return pt + ((va >> 12) & 511);
}

static uint64_t
pte_bits(int prot)
{
	uint64_t v;

	prot &= TD_PROT_READ | TD_PROT_WRITE | TD_PROT_EXEC;
	if (prot == TD_PROT_NONE)
		return 0;
	v = PTE_P;
	if (prot & TD_PROT_WRITE)
		v |= PTE_RW;
	if (!(prot & TD_PROT_EXEC))
		v |= nx_bit;
	return v;
}

int
arch_mmu_protect(uintptr_t va, size_t len, int prot)
{
	uint64_t *e, bits = pte_bits(prot);
	uintptr_t a;

	if (va + len > MAPPED_LIMIT || va + len < va)
		return -1;
	/* one flush for a batch: under QEMU TCG every invlpg empties the
	 * whole software TLB anyway, at a cost of ~100 us of host time */
	if (len == 0 && (prot & TD_PROT_BATCH)) {
		flush_all();
		return 0;
	}
	for (a = va; a < va + len; a += TD_PAGE_SIZE) {
		if ((e = pte_of(a)) == NULL)
			return -1;
		/* identity map: the frame is the address */
		*e = bits != 0 ? (a | bits) : 0;
		if (!(prot & TD_PROT_BATCH))
			__asm__ volatile("invlpg (%0)" :: "r"(a) : "memory");
	}
	return 0;
}

/* The image policy, through the platform's own protect call. */
int
arch_image_protect(int (*prot)(uintptr_t, size_t, int))
{
	uintptr_t t0 = (uintptr_t)_image_start, t1 = (uintptr_t)_etext;
	uintptr_t r1 = (uintptr_t)_rodata_end, e = (uintptr_t)_image_end;
	uintptr_t hp = (uintptr_t)hypercall_page;
	const int B = TD_PROT_BATCH;
	int rc = 0;

	rc |= prot(t0, t1 - t0, TD_PROT_READ | TD_PROT_EXEC | B);
	rc |= prot(t1, r1 - t1, TD_PROT_READ | B);
	/* The hypercall page (in .bss, filled by the builder on PV and by
	 * Xen on PVH, then only called) never loses its execute right, not
	 * even between two calls: on PV, prot() itself calls through it. */
	rc |= prot(r1, hp - r1, TD_PROT_READ | TD_PROT_WRITE | B);
	rc |= prot(hp, TD_PAGE_SIZE, TD_PROT_READ | TD_PROT_EXEC | B);
	rc |= prot(hp + TD_PAGE_SIZE, e - hp - TD_PAGE_SIZE,
	    TD_PROT_READ | TD_PROT_WRITE | B);
	rc |= prot(0, 0, B);
	return rc;
}

/*
 * Ring 0, once the page allocator works: the image W^X (splitting its
 * 2 MiB pages), then no-execute on everything else.  Order matters: the
 * large page we run from loses its execute right only after its table
 * gave it back to the text pages.
 */
void
arch_mmu_init(void)
{
	uintptr_t a;
	int i;

	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx_bit = PTE_NX;
	if (arch_image_protect(arch_mmu_protect) != 0)
		td_panic("W^X: no page for the image's page tables");
	/* below the image: BIOS area, boot info; page 0 stays unmapped */
	for (a = TD_PAGE_SIZE; a < (uintptr_t)_image_start; a += TD_PAGE_SIZE)
		if (boot_pt0[a >> 12] & PTE_P)
			boot_pt0[a >> 12] |= nx_bit;
	for (i = 0; i < 2048; i++)
		if (boot_pd[i] & PTE_PS)
			boot_pd[i] |= nx_bit;
	flush_all();
}

/* For the boot report: "nx" or "no-nx". */
int
arch_mmu_has_nx(void)
{
	return nx_bit != 0;
}

/* ---- demand paging (td_plat.lazy_get/lazy_set, core/lazy.c) ---------
 * The lazy window lies above the identity map, in tables of its own
 * taken from the page allocator as pages get touched (kept for good:
 * one 4 KiB table serves 2 MiB).  A present entry maps the frame core
 * gives; a page that is not present keeps core's marker bits shifted
 * one up (bit 0, P, clear), which the CPU ignores. */

#define LZ_SPAN		(2ULL << 20)	/* what one L1 table maps */

static uint64_t *
lz_table(uint64_t *e, int alloc)
{
	uint64_t *t;

	if (*e & PTE_P)
		return (uint64_t *)(uintptr_t)(*e & PTE_FRAME);
	if (!alloc || (t = td_page_alloc(0)) == NULL)
		return NULL;
	memset(t, 0, TD_PAGE_SIZE);
	*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_RW;
	return t;
}

/* The last L1 table found and the 2 MiB it maps: a mapping's pages are
 * visited in order, so nearly every lookup hits it.  Tables are kept
 * for good and CR3 never changes, so it never goes stale. */
static uintptr_t lz_span = 1;		/* va >> 21; 1: none (not lazy) */
static uint64_t *lz_l1;

/* lz_pte's walk from CR3, when va is not in the cached table. */
static uint64_t * __attribute__((noinline))
lz_walk(uintptr_t va, int alloc)
{
	uint64_t *t, cr3;
	int lvl;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	t = (uint64_t *)(uintptr_t)(cr3 & PTE_FRAME);
	for (lvl = 3; lvl >= 1; lvl--) {
		t = lz_table(&t[(va >> (12 + 9 * lvl)) & 511], alloc);
		if (t == NULL)
			return NULL;
	}
	lz_span = va >> 21;
	lz_l1 = t;
	return &t[(va >> 12) & 511];
}

/* The L1 entry of va; NULL when a table is missing and !alloc (or no
 * page for one). */
static inline uint64_t *
lz_pte(uintptr_t va, int alloc)
{
	if ((va >> 21) == lz_span)
		return &lz_l1[(va >> 12) & 511];
	return lz_walk(va, alloc);
}

/* td_plat.lazy_next's scan, for ring 0 and Xen PV alike: the entries
 * are read in the table itself, a few instructions each, instead of one
 * lazy_get per page.  l1(va) is va's L1 entry, NULL without a table. */
uintptr_t
arch_lazy_scan(uintptr_t va, uintptr_t end, uint64_t *(*l1)(uintptr_t))
{
	uintptr_t lim;
	uint64_t *e, *p, *pe;

	while (va < end) {
		lim = (va + LZ_SPAN) & ~(LZ_SPAN - 1);
		if (lim > end)
			lim = end;
		if ((e = l1(va)) != NULL) {
			pe = e + ((lim - va) >> 12);
			for (p = e; p < pe; p++)
				if (*p != 0)
					return va + (uintptr_t)(p - e) *
					    TD_PAGE_SIZE;
		}
		va = lim;
	}
	return end;
}

static uint64_t *
lz_pte_noalloc(uintptr_t va)
{
	return lz_pte(va, 0);
}

uintptr_t
arch_lazy_next(uintptr_t va, uintptr_t end)
{
	return arch_lazy_scan(va, end, lz_pte_noalloc);
}

uint64_t
arch_lazy_get(uintptr_t va)
{
	uint64_t *e = lz_pte(va, 0), v, ent;

	if (e == NULL)
		return TD_LZ_NOTABLE;
	if (!((v = *e) & PTE_P))
		return v >> 1;
	ent = (v & PTE_FRAME) | TD_LZ_PRESENT | TD_PROT_READ;
	if (v & PTE_RW)
		ent |= TD_PROT_WRITE;
	if (!(v & nx_bit) || nx_bit == 0)
		ent |= TD_PROT_EXEC;
	return ent;
}

int
arch_lazy_set(uintptr_t va, uint64_t ent, int batch)
{
	uint64_t *e, v;

	if (batch && va == 0 && ent == 0) {
		flush_all();
		return 0;
	}
	if ((e = lz_pte(va, ent != 0)) == NULL)
		return ent != 0 ? -1 : 0;
	if (ent & TD_LZ_PRESENT) {
		/* core never asks for a present PROT_NONE page */
		v = (ent & TD_LZ_FRAME) | pte_bits((int)(ent & 7) |
		    TD_PROT_READ);
	} else
		v = ent << 1;
	*e = v;
	if (!batch)
		__asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
	return 0;
}
