/*
 * ext4_sync.c -- what fsync writes besides the inode and data (which went
 * to the device when the operation ran): libext2fs's in-memory bitmaps,
 * group descriptors and superblock, then one device flush.
 *
 * libext2fs's own bitmap writer rewrites the block bitmap of every group
 * when any bit changed: on a 1 GiB disk that is 8 writes per fsync'd
 * append, on 100 GiB 800.  We count which groups' block bitmaps changed
 * (libext2fs reports every allocation and free through its
 * block_alloc_stats callbacks) and write only those; inode bitmaps
 * change rarely (create, unlink) and are written whole.  libext2fs's own
 * writer runs at unmount, so the device ends exactly as e2fsprogs would
 * leave it.
 */
#include <stdlib.h>
#include <string.h>

#include "ext4_int.h"

static void
mark(struct e4_mount *m, blk64_t blk, blk64_t num)
{
	ext2_filsys fs = m->fs;
	dgrp_t g, last;

	if (num == 0 || blk >= ext2fs_blocks_count(fs->super))
		return;
	g = ext2fs_group_of_blk2(fs, blk);
	last = ext2fs_group_of_blk2(fs, blk + num - 1 <
	    ext2fs_blocks_count(fs->super) ? blk + num - 1 :
	    ext2fs_blocks_count(fs->super) - 1);
	for (; g <= last && g < m->ngroups; g++)
		m->bbdirty[g / 8] |= (uint8_t)(1 << (g % 8));
}

static void
stats_cb(ext2_filsys fs, blk64_t blk, int inuse)
{
	struct e4_mount *m = fs->priv_data;

	mark(m, blk, 1);
	e4io_alloc(fs->io, blk * fs->blocksize, fs->blocksize, inuse);
	if (m->old_stats != NULL)
		m->old_stats(fs, blk, inuse);
}

static void
range_cb(ext2_filsys fs, blk64_t blk, blk_t num, int inuse)
{
	struct e4_mount *m = fs->priv_data;

	mark(m, blk, num);
	e4io_alloc(fs->io, blk * fs->blocksize, (uint64_t)num * fs->blocksize,
	    inuse);
	if (m->old_range != NULL)
		m->old_range(fs, blk, num, inuse);
}

/* Group g's block bitmap, laid out and checksummed as e2fsprogs does. */
static errcode_t
write_group(ext2_filsys fs, dgrp_t g, char *buf)
{
	unsigned nbytes = EXT2_CLUSTERS_PER_GROUP(fs->super) / 8, nbits, j;
	blk64_t first = EXT2FS_B2C(fs, fs->super->s_first_data_block) +
	    (blk64_t)g * (nbytes << 3), blk;
	errcode_t err;

	if (ext2fs_has_group_desc_csum(fs) &&
	    ext2fs_bg_flags_test(fs, g, EXT2_BG_BLOCK_UNINIT))
		return 0;		/* nothing allocated there */
	memset(buf, 0xff, fs->blocksize);
	if ((err = ext2fs_get_block_bitmap_range2(fs->block_map, first,
	    nbytes << 3, buf)) != 0)
		return err;
	if (g == fs->group_desc_count - 1) {
		/* the bits past the end of the file system are set */
		nbits = (unsigned)EXT2FS_NUM_B2C(fs,
		    (ext2fs_blocks_count(fs->super) -
		    (__u64)fs->super->s_first_data_block) %
		    (__u64)EXT2_BLOCKS_PER_GROUP(fs->super));
		if (nbits != 0)
			for (j = nbits; j < fs->blocksize * 8; j++)
				ext2fs_set_bit(j, buf);
	}
	if ((err = ext2fs_block_bitmap_csum_set(fs, g, buf, nbytes)) != 0)
		return err;
	ext2fs_group_desc_csum_set(fs, g);
	fs->flags |= EXT2_FLAG_DIRTY;
	blk = ext2fs_block_bitmap_loc(fs, g);
	if (blk == 0 || blk >= ext2fs_blocks_count(fs->super))
		return 0;
	return io_channel_write_blk64(fs->io, blk, 1, buf);
}

/* fs->write_bitmaps while mounted: called by ext2fs_flush2. */
static errcode_t
write_bitmaps(ext2_filsys fs)
{
	struct e4_mount *m = fs->priv_data;
	errcode_t err = 0;
	char *buf;
	dgrp_t g;

	if (ext2fs_test_ib_dirty(fs) &&
	    (err = ext2fs_write_inode_bitmap(fs)) != 0)
		return err;
	if (!ext2fs_test_bb_dirty(fs))
		return 0;
	if ((buf = malloc(fs->blocksize)) == NULL)
		return EXT2_ET_NO_MEMORY;
	for (g = 0; g < m->ngroups && err == 0; g++) {
		if (!(m->bbdirty[g / 8] & (1 << (g % 8))))
			continue;
		if ((err = write_group(fs, g, buf)) == 0)
			m->bbdirty[g / 8] &= (uint8_t)~(1 << (g % 8));
	}
	free(buf);
	if (err == 0)
		fs->flags &= ~EXT2_FLAG_BB_DIRTY;
	return err;
}

/* The inode tables' device bytes, for the I/O manager's write order.
 * They never move while mounted, so they are taken once, in group order
 * (ascending on every layout mke2fs makes; flex_bg packs neighbours into
 * one range).  An unsorted layout gives none: that only gives up the
 * data-before-inode order, not correctness. */
static void
itables(ext2_filsys fs)
{
	uint64_t bs = fs->blocksize, off;
	uint64_t len = (uint64_t)fs->inode_blocks_per_group * bs;
	struct e4_range *r;
	dgrp_t g;
	int n = 0;

	if ((r = calloc(fs->group_desc_count, sizeof(*r))) == NULL)
		return;
	for (g = 0; g < fs->group_desc_count; g++) {
		if ((off = ext2fs_inode_table_loc(fs, g) * bs) == 0)
			continue;
		if (n > 0 && off < r[n - 1].end) {
			free(r);
			return;
		}
		if (n > 0 && off == r[n - 1].end) {
			r[n - 1].end += len;
			continue;
		}
		r[n].off = off;
		r[n++].end = off + len;
	}
	e4io_set_itables(fs->io, r, n);
}

void
e4_track(struct e4_mount *m)
{
	ext2_filsys fs = m->fs;

	itables(fs);
	m->ngroups = fs->group_desc_count;
	if ((m->bbdirty = calloc(m->ngroups / 8 + 1, 1)) == NULL)
		return;			/* libext2fs's writer: slower, fine */
	fs->priv_data = m;
	ext2fs_set_block_alloc_stats_callback(fs, stats_cb, &m->old_stats);
	ext2fs_set_block_alloc_stats_range_callback(fs, range_cb,
	    &m->old_range);
	fs->write_bitmaps = write_bitmaps;
}

void
e4_untrack(struct e4_mount *m)
{
	ext2_filsys fs = m->fs;

	if (m->bbdirty == NULL)
		return;
	fs->write_bitmaps = ext2fs_write_bitmaps;
	ext2fs_set_block_alloc_stats_callback(fs, m->old_stats, NULL);
	ext2fs_set_block_alloc_stats_range_callback(fs, m->old_range, NULL);
	free(m->bbdirty);
	m->bbdirty = NULL;
}

int
e4_flush(struct e4_mount *m)
{
	errcode_t err;

	if (m->rdonly || m->fs == NULL)
		return 0;
	m->fs->super->s_wtime = (__u32)(e4_now_ns() / 1000000000);
	ext2fs_mark_super_dirty(m->fs);
	m->dirty = 0;
	/* One device flush at the end, not libext2fs's two: its first one
	 * orders the superblock after the rest, which matters for the
	 * "clean" state we do not claim while mounted. */
	err = ext2fs_flush2(m->fs, EXT2_FLAG_FLUSH_NO_SYNC);
	if (err == 0)
		err = io_channel_flush(m->fs->io);
	if (err == 0 && m->werr) {	/* an earlier op's write failed */
		m->werr = 0;
		return -EIO;
	}
	return e4_errno(err);
}
