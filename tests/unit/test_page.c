/*
 * test_page.c -- the buddy allocator: accounting over odd ranges,
 * alignment, exhaustion, coalescing back to the initial state, random
 * alloc/free with content tags, runs, and the double-free panics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_impl.h"
#include "test.h"

#define RAM	(32UL << 20)

static char	*ram;
static struct td_memrange mr[4];
static size_t	 expect_total;

static size_t
meta_pages(size_t npg)
{
	return (npg * sizeof(struct td_pgdesc) + TD_PAGE_SIZE - 1) /
	    TD_PAGE_SIZE;
}

/* Two ranges at awkward offsets, a too-small one and a misaligned one. */
static void
setup(void)
{
	char *base = (char *)(((uintptr_t)ram + (4UL << 20) - 1) &
	    ~((4UL << 20) - 1));

	mr[0].start = (uintptr_t)base + 3 * TD_PAGE_SIZE;
	mr[0].len = 1000 * TD_PAGE_SIZE;
	mr[1].start = (uintptr_t)base + 2000 * TD_PAGE_SIZE;
	mr[1].len = 517 * TD_PAGE_SIZE;
	mr[2].start = (uintptr_t)base + 3000 * TD_PAGE_SIZE;
	mr[2].len = TD_PAGE_SIZE;			/* too small */
	mr[3].start = (uintptr_t)base + 4000 * TD_PAGE_SIZE + 100;
	mr[3].len = 40 * TD_PAGE_SIZE;			/* rounds to 39 */
	page_init(mr, 4);
	expect_total = 1000 - meta_pages(1000) + 517 - meta_pages(517) +
	    39 - meta_pages(39);
}

static int
in_ranges(uintptr_t a, size_t len)
{
	int i;

	for (i = 0; i < 4; i++)
		if (a >= mr[i].start && a + len <= mr[i].start + mr[i].len)
			return 1;
	return 0;
}

/* Takes every free page, biggest blocks first; counts blocks per order
 * (a fingerprint of the free lists) and gives them back. */
static void
drain(size_t counts[PAGE_MAXORDER + 1])
{
	static void *got[8192];
	static unsigned ord[8192];
	size_t n = 0, i;
	int o;
	void *p;

	memset(counts, 0, sizeof(size_t) * (PAGE_MAXORDER + 1));
	for (o = PAGE_MAXORDER; o >= 0; o--)
		while ((p = td_page_alloc(o)) != NULL) {
			got[n] = p;
			ord[n++] = o;
			counts[o]++;
		}
	for (i = 0; i < n; i++)
		td_page_free(got[i], ord[i]);
}

static void
test_accounting(void)
{
	setup();
	CHECK(td_page_ntotal() == expect_total);
	CHECK(td_page_nfree() == expect_total);
	CHECK(td_page_alloc(PAGE_MAXORDER + 1) == NULL);
}

static void
test_exhaust_order0(void)
{
	static void *pg[4096];
	size_t n = 0, i, j;
	void *p;

	setup();
	while ((p = td_page_alloc(0)) != NULL) {
		CHECK(((uintptr_t)p & (TD_PAGE_SIZE - 1)) == 0);
		CHECK(in_ranges((uintptr_t)p, TD_PAGE_SIZE));
		memset(p, 0, TD_PAGE_SIZE);
		*(size_t *)p = n;
		pg[n++] = p;
	}
	CHECK(n == expect_total);
	CHECK(td_page_nfree() == 0);
	for (i = 0; i < n; i++)
		CHECK(*(size_t *)pg[i] == i);
	/* free in a scrambled order to exercise coalescing */
	for (i = 0; i < n; i++) {
		j = (i * 7919) % n;
		if (j != i) {
			p = pg[i];
			pg[i] = pg[j];
			pg[j] = p;
		}
	}
	for (i = 0; i < n; i++)
		td_page_free(pg[i], 0);
	CHECK(td_page_nfree() == expect_total);
}

static void
test_coalesce_restores(void)
{
	size_t before[PAGE_MAXORDER + 1], after[PAGE_MAXORDER + 1];
	static void *pg[4096];
	size_t n = 0, i;

	setup();
	drain(before);
	while (n < 4096 && (pg[n] = td_page_alloc(0)) != NULL)
		n++;
	for (i = 0; i < n; i += 2)
		td_page_free(pg[i], 0);
	for (i = 1; i < n; i += 2)
		td_page_free(pg[i], 0);
	drain(after);
	CHECK(memcmp(before, after, sizeof(before)) == 0);
	CHECK(td_page_nfree() == expect_total);
}

static void
test_alignment(void)
{
	unsigned o;
	void *p;

	setup();
	for (o = 0; o <= 7; o++) {
		p = td_page_alloc(o);
		CHECK(p != NULL);
		CHECK(((uintptr_t)p & ((TD_PAGE_SIZE << o) - 1)) == 0);
		CHECK(in_ranges((uintptr_t)p, TD_PAGE_SIZE << o));
		td_page_free(p, o);
	}
	CHECK(td_page_nfree() == expect_total);
}

static void
test_random(void)
{
	enum { N = 300 };
	static void *p[N];
	static unsigned ord[N];
	size_t inuse = 0, before[PAGE_MAXORDER + 1], after[PAGE_MAXORDER + 1];
	int i, k, round;

	setup();
	drain(before);
	srand(42);
	memset(p, 0, sizeof(p));
	for (round = 0; round < 20000; round++) {
		i = rand() % N;
		if (p[i] != NULL) {
			for (k = 0; k < (1 << ord[i]); k++)
				CHECK(*(int *)((char *)p[i] +
				    k * TD_PAGE_SIZE) == i * 64 + k);
			td_page_free(p[i], ord[i]);
			inuse -= 1UL << ord[i];
			p[i] = NULL;
			continue;
		}
		ord[i] = rand() % 6;
		if ((p[i] = td_page_alloc(ord[i])) == NULL)
			continue;
		inuse += 1UL << ord[i];
		for (k = 0; k < (1 << ord[i]); k++)
			*(int *)((char *)p[i] + k * TD_PAGE_SIZE) = i * 64 + k;
		CHECK(td_page_nfree() == expect_total - inuse);
	}
	for (i = 0; i < N; i++)
		if (p[i] != NULL)
			td_page_free(p[i], ord[i]);
	drain(after);
	CHECK(memcmp(before, after, sizeof(before)) == 0);
}

static void
test_runs(void)
{
	size_t f0;
	void *p, *q;

	setup();
	f0 = td_page_nfree();
	p = page_alloc_run(5, 0);
	CHECK(p != NULL);
	CHECK(((uintptr_t)p & (8 * TD_PAGE_SIZE - 1)) == 0);
	CHECK(td_page_nfree() == f0 - 5);
	q = page_alloc_run(3, 4);
	CHECK(q != NULL);
	CHECK(((uintptr_t)q & (16 * TD_PAGE_SIZE - 1)) == 0);
	CHECK(td_page_nfree() == f0 - 8);
	memset(p, 1, 5 * TD_PAGE_SIZE);
	page_free_run(p, 5);
	page_free_run(q, 3);
	CHECK(td_page_nfree() == f0);
	CHECK(page_alloc_run(0, 0) == NULL);
	CHECK(page_alloc_run(1UL << 30, 0) == NULL);
	EXPECT_PANIC(page_free_run(p, 5), "not a run of 5 pages");
}

static void
test_bad_frees(void)
{
	void *p;
	int local;

	setup();
	p = td_page_alloc(2);
	td_page_free(p, 2);
	EXPECT_PANIC(td_page_free(p, 2), "double free");
	p = td_page_alloc(2);
	EXPECT_PANIC(td_page_free(p, 1), "was not allocated with order 1");
	EXPECT_PANIC(td_page_free((char *)p + TD_PAGE_SIZE, 0),
	    "was not allocated");
	EXPECT_PANIC(td_page_free(&local, 0), "is not a page we own");
	td_page_free(p, 2);
	CHECK(td_page_nfree() == expect_total);
}

int
main(void)
{
	ram = fake_init("", RAM);
	RUN(test_accounting);
	RUN(test_exhaust_order0);
	RUN(test_coalesce_restores);
	RUN(test_alignment);
	RUN(test_random);
	RUN(test_runs);
	RUN(test_bad_frees);
	return t_done();
}
