/*
 * tmpfs_pages.c -- the page store of a tmpfs file: a radix tree of 4 KiB
 * pages, 512 pointers a node, as deep as the highest page written needs.
 * A page never written is a hole (reads as zeros) and costs nothing, so a
 * file may be sparse anywhere below 2^63 bytes: only memory running out
 * stops a write (ENOSPC, as Linux's tmpfs says when it is full).
 */
#include "vfs.h"
#include "tmpfs.h"

#define RBITS	9
#define RFAN	(1 << RBITS)

/* The slot of page pi, made (with the nodes above it) when `alloc`;
 * NULL when it is not there (or memory ran out). */
static void **
pg_slot(struct tpages *tp, uint64_t pi, int alloc)
{
	void **pp, **node;
	int l;

	while (tp->levels < 7 && (pi >> (RBITS * tp->levels)) != 0) {
		if (!alloc)
			return NULL;
		if (tp->root != NULL) {
			if ((node = lo_zalloc(RFAN * sizeof(void *))) == NULL)
				return NULL;
			node[0] = tp->root;
			tp->root = node;
		}
		tp->levels++;
	}
	pp = &tp->root;
	for (l = tp->levels; l > 0; l--) {
		if (*pp == NULL) {
			if (!alloc ||
			    (*pp = lo_zalloc(RFAN * sizeof(void *))) == NULL)
				return NULL;
		}
		node = *pp;
		pp = &node[(pi >> (RBITS * (l - 1))) & (RFAN - 1)];
	}
	return pp;
}

/* The page pi for reading: NULL for a hole. */
const char *
tpages_get(struct tpages *tp, uint64_t pi)
{
	void **pp = pg_slot(tp, pi, 0);

	return pp != NULL ? *pp : NULL;
}

/* The page pi for writing, made zeroed if needed; NULL: no memory. */
char *
tpages_make(struct tpages *tp, uint64_t pi)
{
	void **pp = pg_slot(tp, pi, 1);

	if (pp == NULL)
		return NULL;
	if (*pp == NULL) {
		if ((*pp = lo_zalloc(TPAGE)) == NULL)
			return NULL;
		tp->nalloc++;
	}
	return *pp;
}

/* Frees what of the subtree at *pp (level, first page base) lies at or
 * above page keep. */
static void
pg_trunc(struct tpages *tp, void **pp, int level, uint64_t base,
    uint64_t keep)
{
	uint64_t span;
	void **node;
	int i;

	if (*pp == NULL)
		return;
	if (level == 0) {
		if (base >= keep) {
			lo_free(*pp, TPAGE);
			*pp = NULL;
			tp->nalloc--;
		}
		return;
	}
	span = (uint64_t)1 << (RBITS * (level - 1));
	node = *pp;
	for (i = 0; i < RFAN; i++)
		if (base + (uint64_t)(i + 1) * span > keep)
			pg_trunc(tp, &node[i], level - 1,
			    base + (uint64_t)i * span, keep);
	if (base >= keep) {
		lo_free(node, RFAN * sizeof(void *));
		*pp = NULL;
	}
}

/* Drops every page from keep on. */
void
tpages_trunc(struct tpages *tp, uint64_t keep)
{

	pg_trunc(tp, &tp->root, tp->levels, 0, keep);
	if (tp->root == NULL)
		tp->levels = 0;
}
