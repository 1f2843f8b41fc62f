/*
 * pattern.h -- the deterministic disk pattern of blkcheck, shared with
 * the host side of the tests (tests/virtio/pattern.c), so either side
 * can write what the other verifies.
 *
 * Every 8-byte word at byte offset o holds mix(seed, o / 8): a disk
 * whose sectors were swapped, shifted, stale or torn does not verify.
 */
#ifndef BLKCHECK_PATTERN_H
#define BLKCHECK_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64's finaliser over (seed, word index) */
static inline uint64_t
pattern_word(uint64_t seed, uint64_t idx)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + idx + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fills len bytes (multiple of 8) that sit at byte offset off. */
static inline void
pattern_fill(uint64_t seed, uint64_t off, void *buf, size_t len)
{
	uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, off / 8 + i);
}

/* Offset (relative to buf) of the first byte that differs, or len. */
static inline size_t
pattern_check(uint64_t seed, uint64_t off, const void *buf, size_t len)
{
	const uint64_t *w = buf;
	const uint8_t *b = buf;
	uint64_t want;
	size_t i, j;

	for (i = 0; i < len / 8; i++) {
		if ((want = pattern_word(seed, off / 8 + i)) == w[i])
			continue;
		for (j = 0; j < 8; j++)
			if (b[i * 8 + j] != (uint8_t)(want >> (8 * j)))
				return i * 8 + j;
	}
	return len;
}

static inline uint8_t
pattern_byte(uint64_t seed, uint64_t off)
{
	return (uint8_t)(pattern_word(seed, off / 8) >> (8 * (off % 8)));
}

#endif
