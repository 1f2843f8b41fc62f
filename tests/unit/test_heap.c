/*
 * test_heap.c -- malloc and friends: unique malloc(0), alignment, usable
 * sizes, a random alloc/free/realloc stress with content checks and exact
 * in-use/peak accounting, exhaustion and the panics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_impl.h"
#include "test.h"

#define RAM	(64UL << 20)

static size_t nfree0;

static void
setup(void)
{
	page_init(td_plat.ram, td_plat.nram);
	heap_init();
	nfree0 = td_page_nfree();
}

static void
test_malloc0(void)
{
	void *a, *b;

	setup();
	a = td_malloc(0);
	b = td_malloc(0);
	CHECK(a != NULL && b != NULL && a != b);
	CHECK(td_malloc_usable(a) >= 1);
	td_free(a);
	td_free(b);
	td_free(NULL);
	CHECK(td_heap_inuse() == 0);
}

static void
test_sizes_and_alignment(void)
{
	size_t n, u;
	void *p;

	setup();
	for (n = 0; n < 20000; n += (n < 4200 ? 1 : 97)) {
		p = td_malloc(n);
		CHECK(((uintptr_t)p & 15) == 0);
		u = td_malloc_usable(p);
		CHECK(u >= n);
		CHECK(n > 2048 || u <= n + n / 4 + 16);
		CHECK(td_heap_inuse() == u);
		memset(p, 0x5a, u);
		td_free(p);
		CHECK(td_heap_inuse() == 0);
	}
}

static void
test_memalign(void)
{
	size_t align, n;
	void *p;

	setup();
	for (align = sizeof(void *); align <= (1UL << 21); align <<= 1)
		for (n = 0; n < 9000; n = n * 3 + 1) {
			p = td_memalign(align, n);
			CHECK(((uintptr_t)p & (align - 1)) == 0);
			CHECK(td_malloc_usable(p) >= n);
			memset(p, 0xa5, n);
			td_free(p);
		}
	CHECK(td_heap_inuse() == 0);
	CHECK(td_memalign_try(24, 10) == NULL);
	EXPECT_PANIC(td_memalign(3, 10), "bad alignment");
}

static void
test_calloc(void)
{
	unsigned char *p;
	size_t i;
	int ok = 1;

	setup();
	p = td_malloc(3000);
	memset(p, 0xaa, 3000);
	td_free(p);
	p = td_calloc(1000, 3);
	for (i = 0; i < 3000; i++)
		ok &= p[i] == 0;
	CHECK(ok);
	td_free(p);
	EXPECT_PANIC(td_calloc(SIZE_MAX / 2, 3), "out of memory: calloc(");
}

/* The value stored at byte i of block number id. */
static unsigned char
pat(size_t id, size_t i)
{
	return (unsigned char)(id * 131 + i * 7 + (i >> 8));
}

static int
content_ok(const unsigned char *p, size_t id, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pat(id, i))
			return 0;
	return 1;
}

static size_t
rand_size(void)
{
	int r = rand() % 100;

	if (r < 70)
		return rand() % 300;
	if (r < 95)
		return rand() % 5000;
	return rand() % 200000;
}

static void
test_stress(void)
{
	enum { N = 1500 };
	static unsigned char *p[N];
	static size_t len[N], id[N];
	size_t live = 0, peak = 0, nextid = 1, i, k, n;
	int round, bad = 0;

	setup();
	srand(7);
	for (round = 0; round < 60000; round++) {
		i = rand() % N;
		if (p[i] != NULL && rand() % 3 == 0) {
			/* realloc keeps the prefix */
			n = rand_size();
			live -= td_malloc_usable(p[i]);
			p[i] = td_realloc(p[i], n);
			live += td_malloc_usable(p[i]);
			bad += !content_ok(p[i], id[i], n < len[i] ? n : len[i]);
			for (k = len[i]; k < n; k++)
				p[i][k] = pat(id[i], k);
			len[i] = n;
		} else if (p[i] != NULL) {
			bad += !content_ok(p[i], id[i], len[i]);
			live -= td_malloc_usable(p[i]);
			td_free(p[i]);
			p[i] = NULL;
		} else {
			n = rand_size();
			p[i] = td_malloc(n);
			bad += ((uintptr_t)p[i] & 15) != 0;
			len[i] = n;
			id[i] = nextid++;
			for (k = 0; k < n; k++)
				p[i][k] = pat(id[i], k);
			live += td_malloc_usable(p[i]);
		}
		if (live > peak)
			peak = live;
		if (td_heap_inuse() != live)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(td_heap_peak() == peak);
	for (i = 0; i < N; i++) {
		if (p[i] != NULL) {
			CHECK(content_ok(p[i], id[i], len[i]));
			td_free(p[i]);
			p[i] = NULL;
		}
	}
	CHECK(td_heap_inuse() == 0);
	CHECK(td_heap_peak() == peak);
	/* at most one empty slab per class (<= 4 pages each) stays cached */
	CHECK(td_page_nfree() + 24 * 4 >= nfree0);
}

/* Not static: the OOM message must name it (dladdr needs a symbol). */
void
test_oom(void)
{
	void *blocks[200];
	volatile size_t n = 0;

	setup();
	CHECK(td_malloc_try((size_t)1 << 40) == NULL);
	CHECK(td_malloc_try(SIZE_MAX) == NULL);
	EXPECT_PANIC(td_malloc((size_t)1 << 40),
	    "out of memory: malloc(1099511627776) from test_oom+");
	while (n < 200 && (blocks[n] = td_malloc_try(1 << 20)) != NULL)
		n++;
	CHECK(n > 40 && n < 64);
	EXPECT_PANIC(td_malloc(1 << 20), "out of memory: malloc(1048576)");
	while (n > 0)
		td_free(blocks[--n]);
	CHECK(td_heap_inuse() == 0);
}

static void
test_bad_frees(void)
{
	char *s, *l;
	int local;

	setup();
	s = td_malloc(40);
	l = td_malloc(10000);
	td_free(s);
	EXPECT_PANIC(td_free(s), "double free");
	td_free(l);
	EXPECT_PANIC(td_free(l), "is not a heap block");
	s = td_malloc(40);
	EXPECT_PANIC(td_free(s + 8), "is not a heap block");
	EXPECT_PANIC(td_free(&local), "is not a heap block");
	l = td_page_alloc(0);
	EXPECT_PANIC(td_free(l), "is not a heap block");
	td_page_free(l, 0);
	/* a user value that looks like the free marker is no double free */
	memset(s, 0, 40);
	((uint64_t *)s)[1] = 0x7a6e64656d667265ULL;
	td_free(s);
	CHECK(td_heap_inuse() == 0);
}

static void
test_realloc_edges(void)
{
	char *p, *q;

	setup();
	p = td_realloc(NULL, 100);
	CHECK(p != NULL && td_malloc_usable(p) >= 100);
	memset(p, 'x', 100);
	q = td_realloc(p, 90);		/* in place */
	CHECK(q == p);
	q = td_realloc(p, 5000);
	CHECK(q[0] == 'x' && q[89] == 'x');
	p = td_realloc(q, 10);		/* shrinks to a slab */
	CHECK(td_malloc_usable(p) < 100 && p[9] == 'x');
	td_free(p);
	CHECK(td_heap_inuse() == 0);
}

int
main(void)
{
	fake_init("", RAM);
	RUN(test_malloc0);
	RUN(test_sizes_and_alignment);
	RUN(test_memalign);
	RUN(test_calloc);
	RUN(test_stress);
	RUN(test_oom);
	RUN(test_bad_frees);
	RUN(test_realloc_edges);
	return t_done();
}
