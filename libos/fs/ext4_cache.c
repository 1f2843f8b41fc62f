/*
 * ext4_cache.c -- a small read cache of single blocks under the I/O
 * manager (ext4_io.c): libext2fs keeps no block cache, so every lookup
 * in a directory re-reads all of its blocks and every file write re-reads
 * the extent path.  Direct-mapped, E4C_N blocks of one size (the first
 * size cached: the file system's block size); a write of any bytes a
 * cached block holds drops that block, so the cache never holds anything
 * older than the device plus the writes held in ext4_io.c, which readers
 * look at first.
 */
#include <stdlib.h>
#include <string.h>

#include "ext4_int.h"

#define E4C_N		256		/* blocks (1 MiB at 4 KiB) */

struct e4_cache {
	size_t		 len;		/* bytes per block, 0 before use */
	char		*mem;		/* E4C_N blocks */
	uint64_t	 off[E4C_N];	/* byte offset of slot i's block */
	uint8_t		 valid[E4C_N];
};

struct e4_cache *
e4c_new(void)
{

	return calloc(1, sizeof(struct e4_cache));
}

void
e4c_free(struct e4_cache *k)
{

	if (k != NULL)
		free(k->mem);
	free(k);
}

static unsigned
slot(const struct e4_cache *k, uint64_t off)
{

	return (unsigned)((off / k->len) % E4C_N);
}

int
e4c_get(struct e4_cache *k, uint64_t off, size_t len, void *data)
{
	unsigned i;

	if (k == NULL || k->len == 0 || len != k->len || off % len != 0)
		return 0;
	i = slot(k, off);
	if (!k->valid[i] || k->off[i] != off)
		return 0;
	memcpy(data, k->mem + (size_t)i * len, len);
	return 1;
}

void
e4c_put(struct e4_cache *k, uint64_t off, size_t len, const void *data)
{
	unsigned i;

	if (k == NULL || len == 0 || len > 65536 || off % len != 0)
		return;
	if (k->len == 0) {
		if ((k->mem = malloc(E4C_N * len)) == NULL)
			return;
		k->len = len;
	}
	if (len != k->len)
		return;
	i = slot(k, off);
	memcpy(k->mem + (size_t)i * len, data, len);
	k->off[i] = off;
	k->valid[i] = 1;
}

void
e4c_forget(struct e4_cache *k, uint64_t off, uint64_t len)
{
	uint64_t a;
	unsigned i;

	if (k == NULL || k->len == 0)
		return;
	if (len / k->len >= E4C_N) {		/* a big write: drop all */
		memset(k->valid, 0, sizeof(k->valid));
		return;
	}
	for (a = off - off % k->len; a < off + len; a += k->len) {
		i = slot(k, a);
		if (k->off[i] == a)
			k->valid[i] = 0;
	}
}
