/*
 * test_lazy.c -- demand-zero memory (core/lazy.c) over a fake page
 * table: faults back pages zeroed with the reservation's rights, holes,
 * guard pages and write-protection refuse, discard and free give every
 * page back, PROT_NONE over a backed page keeps its data, address space
 * is reused, Xen PV's stacks are backed at once, and running out of
 * pages panics with the address and the thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_impl.h"
#include "test.h"

#define RAM	(4UL << 20)
#define NPTE	(64UL << 20 >> 12)	/* the first 64 MiB of the window */

int	zeros_ok(const char *f);

static uint64_t	 pte[NPTE];
static uint8_t	 table[NPTE / 512];	/* a "page table" per 2 MiB */
static int	 nflush, ntables;

static size_t
slot(uintptr_t va)
{
	size_t i = (va - TD_LAZY_BASE) >> 12;

	if (va < TD_LAZY_BASE || i >= NPTE) {
		printf("FAIL va %#lx outside the fake window\n",
		    (unsigned long)va);
		exit(1);
	}
	return i;
}

static uint64_t
fget(uintptr_t va)
{
	size_t i = slot(va);

	return table[i / 512] ? pte[i] : TD_LZ_NOTABLE;
}

static int
fset(uintptr_t va, uint64_t ent, int batch)
{
	size_t i;

	if (batch && va == 0 && ent == 0) {
		nflush++;
		return 0;
	}
	i = slot(va);
	if (!table[i / 512]) {
		if (ent == 0)
			return 0;
		table[i / 512] = 1;
		ntables++;
	}
	pte[i] = ent;
	return 0;
}

static void
setup(void)
{
	fake_init("", RAM);
	td_plat.lazy_get = fget;
	td_plat.lazy_set = fset;
	memset(pte, 0, sizeof(pte));
	memset(table, 0, sizeof(table));
	page_init(td_plat.ram, td_plat.nram);
	heap_init();
}

static void
test_fault_backs_zeroed(void)
{
	char *p = td_lazy_alloc(1 << 20, TD_PROT_READ | TD_PROT_WRITE);
	size_t before = td_page_nfree();
	uint64_t e;

	CHECK(p != NULL && td_lazy_contains(p, 1));
	CHECK(td_page_nfree() == before);	/* nothing backed yet */
	CHECK(td_lazy_fault((uintptr_t)p + 5000, 2) == 1);
	e = fget((uintptr_t)p + 4096);
	CHECK((e & TD_LZ_PRESENT) && (e & 7) == 3);
	CHECK(zeros_ok((char *)(uintptr_t)(e & TD_LZ_FRAME)));
	CHECK(td_page_nfree() == before - 1 && td_lazy_backed() == 1);
	/* present: a second fault there is a protection fault, not ours */
	CHECK(td_lazy_fault((uintptr_t)p + 4096, 3) == 0);
	td_lazy_free(p, 1 << 20);
	CHECK(td_page_nfree() == before && td_lazy_backed() == 0);
	CHECK(fget((uintptr_t)p + 4096) == 0);
}

static void
test_refusals(void)
{
	char *p = td_lazy_alloc(16 * 4096, TD_PROT_READ);

	CHECK(td_lazy_fault((uintptr_t)p, 2) == 0);	/* write to RO */
	CHECK(td_lazy_fault((uintptr_t)p, 0x10) == 0);	/* exec, no X */
	CHECK(td_lazy_fault((uintptr_t)p, 0) == 1);	/* read: fine */
	CHECK(td_page_protect(p + 4096, 4096, TD_PROT_NONE) == 0);
	CHECK(td_lazy_fault((uintptr_t)p + 4096, 0) == 0);	/* guard */
	td_lazy_discard(p + 2 * 4096, 4096, 1);
	CHECK(td_lazy_fault((uintptr_t)p + 2 * 4096, 0) == 0);	/* hole */
	CHECK(td_lazy_fault((uintptr_t)p + 16 * 4096, 0) == 0); /* past */
	CHECK(td_lazy_fault(0x1000, 0) == 0);		/* not the window */
	td_lazy_free(p, 16 * 4096);
	CHECK(td_lazy_backed() == 0);
}

static void
test_park_keeps_data(void)
{
	char *p = td_lazy_alloc(4 * 4096, TD_PROT_READ | TD_PROT_WRITE);
	size_t before;
	char *f;

	CHECK(td_lazy_fault((uintptr_t)p, 2) == 1);
	f = (char *)(uintptr_t)(fget((uintptr_t)p) & TD_LZ_FRAME);
	memset(f, 0x5a, 4096);
	before = td_page_nfree();
	CHECK(td_page_protect(p, 4096, TD_PROT_NONE) == 0);
	CHECK(!(fget((uintptr_t)p) & TD_LZ_PRESENT));
	CHECK(td_lazy_fault((uintptr_t)p, 0) == 0);
	CHECK(td_page_protect(p, 4096, TD_PROT_READ) == 0);
	CHECK((fget((uintptr_t)p) & TD_LZ_FRAME) == (uintptr_t)f);
	CHECK(f[4095] == 0x5a && td_page_nfree() == before);
	/* dontneed: the page goes, rights stay read-only */
	td_lazy_discard(p, 4096, 0);
	CHECK(td_page_nfree() == before + 1);
	CHECK(td_lazy_fault((uintptr_t)p, 2) == 0);
	CHECK(td_lazy_fault((uintptr_t)p, 0) == 1);
	td_lazy_free(p, 4 * 4096);
	CHECK(td_lazy_backed() == 0);

	/* dontneed over a PROT_NONE page that kept its frame: the frame
	 * goes back, and the page reads zeros once it is readable again */
	p = td_lazy_alloc(4 * 4096, TD_PROT_READ | TD_PROT_WRITE);
	CHECK(td_lazy_fault((uintptr_t)p, 2) == 1);
	memset((char *)(uintptr_t)(fget((uintptr_t)p) & TD_LZ_FRAME), 0x5a, 4096);
	before = td_page_nfree();
	CHECK(td_page_protect(p, 4096, TD_PROT_NONE) == 0);
	td_lazy_discard(p, 4096, 0);
	CHECK(td_page_nfree() == before + 1 && td_lazy_backed() == 0);
	CHECK(td_page_protect(p, 4096, TD_PROT_READ) == 0);
	CHECK(td_lazy_fault((uintptr_t)p, 0) == 1);
	f = (char *)(uintptr_t)(fget((uintptr_t)p) & TD_LZ_FRAME);
	CHECK(f[0] == 0 && f[4095] == 0);
	td_lazy_free(p, 4 * 4096);
	CHECK(td_lazy_backed() == 0);
}

static void
test_reuse(void)
{
	char *a = td_lazy_alloc(8 << 20, 3), *b = td_lazy_alloc(4096, 3);
	char *c;

	CHECK(a != NULL && b == a + (8 << 20));
	td_lazy_free(a, 8 << 20);
	c = td_lazy_alloc(4 << 20, 3);		/* first fit: a's place */
	CHECK(c == a);
	CHECK(td_lazy_alloc(4096 + 1, 3) == NULL);	/* not a page multiple */
	td_lazy_free(c, 4 << 20);
	td_lazy_free(b, 4096);
}

static void
test_pv_stack(void)
{
	char *p = td_lazy_alloc(8 * 4096, 3);
	uintptr_t bottom = 1;

	CHECK(td_lazy_stack(p, 8 * 4096, &bottom) == 0 &&
	    td_lazy_backed() == 0 && bottom == 0);
	td_plat.stack_watch = (void (*)(uintptr_t))abort;	/* "Xen PV" */
	CHECK(td_page_protect(p, 4096, TD_PROT_NONE) == 0);	/* guard */
	CHECK(td_lazy_stack(p, 8 * 4096, &bottom) == 0 &&
	    td_lazy_backed() == 7 && bottom == (uintptr_t)p + 4096);
	td_plat.stack_watch = NULL;
	td_lazy_free(p, 8 * 4096);
	CHECK(td_lazy_backed() == 0);
}

static void
test_oom_panics(void)
{
	size_t n = RAM * 2;
	char *p = td_lazy_alloc(n, 3);
	size_t off;

	CHECK(p != NULL);
	EXPECT_PANIC(for (off = 0; off < n; off += 4096)
	    td_lazy_fault((uintptr_t)p + off, 2),
	    "out of memory backing a page at 0x");
	CHECK(fake_cons_has(" for "));
}

int
zeros_ok(const char *f)
{
	int i;

	for (i = 0; i < 4096; i++)
		if (f[i] != 0)
			return 0;
	return 1;
}

int
main(void)
{
	setup();
	RUN(test_fault_backs_zeroed);
	RUN(test_refusals);
	RUN(test_park_keeps_data);
	RUN(test_reuse);
	RUN(test_pv_stack);
	RUN(test_oom_panics);
	printf("flushes %d, tables %d\n", nflush, ntables);
	return t_done();
}
