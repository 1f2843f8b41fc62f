/*
 * mem_lazy.c -- big anonymous mappings behave as on Linux (demand-zero
 * on Tandem: a page costs RAM only once touched): 64 MiB mapped in a
 * 32 MiB guest, a few pages touched, parts unmapped, MADV_DONTNEED,
 * mprotect round trips keeping data, MAP_FIXED over a mapping, and
 * many mappings made and unmapped in turn (pages must go back).
 */
/* BOOT: --mem 32 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MiB	(1024UL * 1024)
#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)

static int bad;

static void
check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "WRONG");
	bad |= !ok;
}

static int
zeros(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

int
main(void)
{
	unsigned char *p, *q;
	size_t off[] = { 0, 4096, 17 * MiB + 123, 32 * MiB, 64 * MiB - 1 };
	unsigned i, round;

	p = mmap(NULL, 64 * MiB, RW, ANON, -1, 0);
	check(p != MAP_FAILED, "map 64 MiB");
	if (p == MAP_FAILED)
		return 1;
	check(zeros(p + 40 * MiB, 8192), "untouched pages read zero");
	for (i = 0; i < 5; i++)
		p[off[i]] = (unsigned char)(i + 1);
	for (i = 0; i < 5 && p[off[i]] == i + 1; i++)
		;
	check(i == 5, "touched pages keep their bytes");

	/* MADV_DONTNEED: private anonymous pages read zero afterwards */
	memset(p + MiB, 0x5a, 3 * 4096);
	check(madvise(p + MiB, 3 * 4096, MADV_DONTNEED) == 0, "madvise");
	check(zeros(p + MiB, 3 * 4096), "dontneed pages read zero");

	/* mprotect round trip of a touched page keeps its data */
	memset(p + 2 * MiB, 0x33, 4096);
	check(mprotect(p + 2 * MiB, 3 * 4096, PROT_NONE) == 0, "prot none");
	check(mprotect(p + 2 * MiB, 3 * 4096, PROT_READ) == 0, "prot read");
	check(p[2 * MiB + 4095] == 0x33 && p[2 * MiB + 4096] == 0,
	    "data kept across PROT_NONE");
	check(mprotect(p + 2 * MiB, 3 * 4096, RW) == 0, "prot rw");
	p[2 * MiB + 8192] = 7;
	check(p[2 * MiB + 8192] == 7, "writable again");

	/* MAP_FIXED over part of it: zeros there, the rest untouched */
	memset(p + 5 * MiB, 0x11, 2 * 4096);
	q = mmap(p + 5 * MiB, 4096, RW, ANON | MAP_FIXED, -1, 0);
	check(q == p + 5 * MiB, "map fixed");
	check(zeros(q, 4096) && q[4096] == 0x11, "fixed page fresh");

	/* PROT_NONE, then all but the first page opened, as musl maps a
	 * thread's stack: opened pages work and read zero, the guard
	 * opened later reads zero too, and the address space comes back
	 * clean for the next mapping */
	q = mmap(NULL, MiB, PROT_NONE, ANON, -1, 0);
	check(q != MAP_FAILED && mprotect(q + 4096, MiB - 4096, RW) == 0,
	    "open all but a guard page");
	if (q != MAP_FAILED) {
		q[MiB - 1] = 9;
		q[4096] = 8;
		check(q[MiB - 1] == 9 && q[4096] == 8 && zeros(q + 8192, 4096),
		    "opened pages");
		check(mprotect(q, 4096, PROT_READ) == 0 && zeros(q, 4096),
		    "guard opened reads zero");
		check(mprotect(q + 4096, 8192, PROT_NONE) == 0 &&
		    mprotect(q + 4096, 8192, RW) == 0 && q[4096] == 8,
		    "closed and opened again");
		check(munmap(q, MiB) == 0, "unmap it");
		q = mmap(NULL, MiB, RW, ANON, -1, 0);
		check(q != MAP_FAILED && zeros(q, MiB), "next mapping zero");
		if (q != MAP_FAILED)
			munmap(q, MiB);
	}

	/* unmap the middle, then the rest */
	check(munmap(p + 16 * MiB, 16 * MiB) == 0, "unmap the middle");
	check(p[off[1]] == 2 && p[off[3]] == 4 && p[off[4]] == 5,
	    "the rest still there");
	check(munmap(p, 64 * MiB) == 0, "unmap all");

	/* 12 rounds of 24 MiB, each touched every 16 KiB: 72 MiB backed
	 * in all, which fits a 32 MiB guest only if munmap gives pages
	 * back */
	for (round = 0; round < 12; round++) {
		p = mmap(NULL, 24 * MiB, RW, ANON, -1, 0);
		if (p == MAP_FAILED)
			break;
		for (i = 0; i < 24 * MiB / 16384; i++)
			p[(size_t)i * 16384] = (unsigned char)round;
		if (p[24 * MiB - 16384] != (unsigned char)round)
			break;
		munmap(p, 24 * MiB);
	}
	check(round == 12, "map/touch/unmap 12 x 24 MiB");
	return bad;
}
