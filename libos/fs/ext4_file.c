/*
 * ext4_file.c -- file data and attributes of the "ext4" type: read,
 * write, getattr, setattr (truncate/extend, times, mode, owner), fsync.
 *
 * Data goes through libext2fs's ext2_file (extents or block maps, holes
 * read as zeros), opened per call on the inode just read: no second copy
 * of an inode lives between calls.  atime is not updated by reads (as
 * with noatime): a read never writes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext4_int.h"

#define CHUNK	(1U << 30)	/* ext2fs_file_read/write take unsigned int */

static int
enter(struct lo_vnode *vn, int write)
{
	struct e4_mount *m = e4m(vn);

	e4_lock(m);
	if (m->fs == NULL) {
		e4_unlock(m);
		return -EIO;
	}
	if (write && m->rdonly) {
		e4_unlock(m);
		return -EROFS;
	}
	return 0;
}

static long
leave(struct lo_vnode *vn, long e)
{

	e4_unlock(e4m(vn));
	return e;
}

int
e4_getattr(struct lo_vnode *vn, struct lo_attr *a)
{
	struct e4_mount *m = e4m(vn);
	struct ext2_inode_large in;
	int e;

	if ((e = enter(vn, 0)) != 0)
		return e;
	if ((e = e4_iget(m, e4ino(vn), &in)) != 0)
		return (int)leave(vn, e);
	memset(a, 0, sizeof(*a));
	a->mode = in.i_mode;
	a->nlink = in.i_links_count;
	a->uid = inode_uid(in);
	a->gid = inode_gid(in);
	a->ino = e4ino(vn);
	a->size = (int64_t)EXT2_I_SIZE(&in);
	a->blocks = (int64_t)ext2fs_get_stat_i_blocks(m->fs,
	    (struct ext2_inode *)&in);
	a->blksize = m->fs->blocksize;
	a->atime_ns = e4_gettime(&in, 'a');
	a->mtime_ns = e4_gettime(&in, 'm');
	a->ctime_ns = e4_gettime(&in, 'c');
	return (int)leave(vn, 0);
}

static int
truncate_to(struct e4_mount *m, ext2_ino_t ino, struct ext2_inode_large *in,
    int64_t size)
{
	ext2_file_t f;
	errcode_t err;

	if (!LINUX_S_ISREG(in->i_mode))
		return LINUX_S_ISDIR(in->i_mode) ? -EISDIR : -EINVAL;
	if (size < 0)
		return -EINVAL;
	if ((uint64_t)size > (1ULL << 44))	/* 16 TiB: ext4's limit at 4 KiB */
		return -EFBIG;
	m->dirty = 1;
	if ((err = ext2fs_file_open2(m->fs, ino, (struct ext2_inode *)in,
	    EXT2_FILE_WRITE, &f)) != 0)
		return e4_errno(err);
	/* frees blocks past the end and zeroes the tail of the last one */
	err = ext2fs_file_set_size2(f, (ext2_off64_t)size);
	if (err == 0)
		err = ext2fs_file_close(f);
	else
		ext2fs_file_close(f);
	return e4_errno(err);
}

int
e4_setattr(struct lo_vnode *vn, const struct lo_attr *a, int mask)
{
	struct e4_mount *m = e4m(vn);
	struct ext2_inode_large in;
	int e;

	if ((e = enter(vn, 1)) != 0)
		return e;
	if ((e = e4_iget(m, e4ino(vn), &in)) != 0)
		return (int)leave(vn, e);
	if (mask & LO_SETATTR_SIZE) {
		if ((e = truncate_to(m, e4ino(vn), &in, a->size)) != 0 ||
		    (e = e4_iget(m, e4ino(vn), &in)) != 0)
			return (int)leave(vn, e);
		e4_touch(m, &in, "m");
	}
	if (mask & LO_SETATTR_MODE)
		in.i_mode = (__u16)((in.i_mode & LINUX_S_IFMT) |
		    (a->mode & 07777));
	if (mask & LO_SETATTR_OWNER) {
		in.i_uid = (__u16)a->uid;
		ext2fs_set_i_uid_high(in, a->uid >> 16);
		in.i_gid = (__u16)a->gid;
		ext2fs_set_i_gid_high(in, a->gid >> 16);
	}
	if (mask & LO_SETATTR_ATIME)
		e4_settime(&in, 'a', a->atime_ns);
	if (mask & LO_SETATTR_MTIME)
		e4_settime(&in, 'm', a->mtime_ns);
	e4_touch(m, &in, "c");
	vn->mode = in.i_mode;
	return (int)leave(vn, e4_iput(m, e4ino(vn), &in));
}

#define FAST_MAX	(1U << 20)	/* bytes per device read */

/* Reads straight from the extents: whole blocks of one extent in one
 * device read (libext2fs's file reader asks for one block at a time).
 * Stops, for the caller's generic path, at a hole or an unwritten
 * extent; *done is what it read. */
static errcode_t
fast_read(struct e4_mount *m, ext2_ino_t ino, struct ext2_inode_large *in,
    char *buf, size_t len, uint64_t off, size_t *done)
{
	ext2_filsys fs = m->fs;
	uint64_t bs = fs->blocksize, pos, avail, within;
	ext2_extent_handle_t h;
	struct ext2fs_extent ex;
	char *bounce = NULL;
	errcode_t err;
	blk64_t lblk;
	size_t n;

	*done = 0;
	if ((err = ext2fs_extent_open2(fs, ino, (struct ext2_inode *)in,
	    &h)) != 0)
		return err;
	while (*done < len) {
		pos = off + *done;
		lblk = pos / bs;
		within = pos % bs;
		if ((err = ext2fs_extent_goto2(h, 0, lblk)) != 0 ||
		    (err = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT,
		    &ex)) != 0 || (ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT) ||
		    lblk < ex.e_lblk || lblk >= ex.e_lblk + ex.e_len)
			break;
		avail = (ex.e_lblk + ex.e_len - lblk) * bs - within;
		n = len - *done < avail ? len - *done : (size_t)avail;
		if (n > FAST_MAX)
			n = FAST_MAX;
		if (within == 0 && n >= bs) {
			n -= n % bs;
			err = io_channel_read_blk64(fs->io, ex.e_pblk + lblk -
			    ex.e_lblk, (int)(n / bs), buf + *done);
		} else {
			if (bounce == NULL &&
			    (bounce = malloc(bs)) == NULL) {
				err = EXT2_ET_NO_MEMORY;
				break;
			}
			err = io_channel_read_blk64(fs->io, ex.e_pblk + lblk -
			    ex.e_lblk, 1, bounce);
			if (n > bs - within)
				n = (size_t)(bs - within);
			memcpy(buf + *done, bounce + within, n);
		}
		if (err != 0)
			break;
		*done += n;
	}
	free(bounce);
	ext2fs_extent_free(h);
	/* a hole or the end of the tree: the generic path goes on */
	return err == EXT2_ET_EXTENT_NOT_FOUND || err == EXT2_ET_EXTENT_NO_NEXT ?
	    0 : err;
}

ssize_t
e4_read(struct lo_vnode *vn, void *buf, size_t len, int64_t off)
{
	struct e4_mount *m = e4m(vn);
	struct ext2_inode_large in;
	ext2_file_t f;
	unsigned int got, n;
	size_t done = 0;
	errcode_t err;
	int e;

	if (off < 0)
		return -EINVAL;
	if ((e = enter(vn, 0)) != 0)
		return e;
	if ((e = e4_iget(m, e4ino(vn), &in)) != 0)
		return leave(vn, e);
	if (LINUX_S_ISDIR(in.i_mode))
		return leave(vn, -EISDIR);
	if (!LINUX_S_ISREG(in.i_mode) && !LINUX_S_ISLNK(in.i_mode))
		return leave(vn, -EINVAL);
	if ((uint64_t)off >= EXT2_I_SIZE(&in))
		return leave(vn, 0);
	/* never past the size (libext2fs reads a whole inline-data area) */
	if (len > EXT2_I_SIZE(&in) - (uint64_t)off)
		len = (size_t)(EXT2_I_SIZE(&in) - (uint64_t)off);
	if ((in.i_flags & EXT4_EXTENTS_FL) &&
	    !(in.i_flags & EXT4_INLINE_DATA_FL)) {
		err = fast_read(m, e4ino(vn), &in, buf, len, (uint64_t)off,
		    &done);
		if (err != 0 || done == len)
			return leave(vn, done > 0 ? (ssize_t)done :
			    e4_errno(err));
	}
	if ((err = ext2fs_file_open2(m->fs, e4ino(vn), (struct ext2_inode *)&in,
	    0, &f)) != 0)
		return leave(vn, done > 0 ? (ssize_t)done : e4_errno(err));
	err = ext2fs_file_llseek(f, (__u64)off + done, EXT2_SEEK_SET, NULL);
	while (err == 0 && done < len) {
		n = len - done > CHUNK ? CHUNK : (unsigned)(len - done);
		err = ext2fs_file_read(f, (char *)buf + done, n, &got);
		done += got;
		if (got < n)
			break;
	}
	ext2fs_file_close(f);
	return leave(vn, done > 0 ? (ssize_t)done : e4_errno(err));
}

/* How much of len bytes at off the free space can take, keeping a
 * reserve for metadata: libext2fs's failure paths when an allocation
 * fails half way (an extent split, say) can leave an inode whose block
 * count and extent tree disagree, so we stop before.  Worst case counted:
 * every block new, one extent each. */
#define E4_RESERVE	16	/* blocks kept for directories and extents */

static size_t
room(struct e4_mount *m, size_t len, int64_t off)
{
	uint64_t bs = m->fs->blocksize, blocks, meta, free;

	free = ext2fs_free_blocks_count(m->fs->super);
	blocks = (len + (uint64_t)off % bs + bs - 1) / bs;
	meta = 4 + blocks / (bs / 12 - 1);
	if (free >= blocks + meta + E4_RESERVE)
		return len;
	if (free <= meta + E4_RESERVE + 1)
		return 0;
	blocks = free - meta - E4_RESERVE - 1;
	return blocks * bs - (uint64_t)off % bs < len ?
	    (size_t)(blocks * bs - (uint64_t)off % bs) : len;
}

/* Inside the size of a file that looks hole-free: no block to allocate
 * (i_blocks also counts extent/indirect blocks, so a rare sparse file
 * passes too: a few blocks kept free cover its allocations). */
static int
overwrite(struct e4_mount *m, struct ext2_inode_large *in, size_t len,
    int64_t off)
{
	uint64_t size = EXT2_I_SIZE(in), bs = m->fs->blocksize;

	return (uint64_t)off + len <= size &&
	    ext2fs_free_blocks_count(m->fs->super) >= E4_RESERVE / 2 &&
	    ext2fs_get_stat_i_blocks(m->fs, (struct ext2_inode *)in) * 512 /
	    bs >= (size + bs - 1) / bs;
}

ssize_t
e4_write(struct lo_vnode *vn, const void *buf, size_t len, int64_t off)
{
	struct e4_mount *m = e4m(vn);
	struct ext2_inode_large in;
	ext2_file_t f;
	unsigned int put, n;
	size_t done = 0;
	errcode_t err, cerr;
	int e;

	if (off < 0)
		return -EINVAL;
	if ((e = enter(vn, 1)) != 0)
		return e;
	if ((e = e4_iget(m, e4ino(vn), &in)) != 0)
		return leave(vn, e);
	if (!LINUX_S_ISREG(in.i_mode))
		return leave(vn, LINUX_S_ISDIR(in.i_mode) ? -EISDIR : -EINVAL);
	if ((uint64_t)off + len > (1ULL << 44))
		return leave(vn, -EFBIG);
	if (len == 0)
		return leave(vn, 0);
	if (!overwrite(m, &in, len, off) && (len = room(m, len, off)) == 0)
		return leave(vn, -ENOSPC);
	m->dirty = 1;
	if ((err = ext2fs_file_open2(m->fs, e4ino(vn), (struct ext2_inode *)&in,
	    EXT2_FILE_WRITE, &f)) != 0)
		return leave(vn, e4_errno(err));
	err = ext2fs_file_llseek(f, (__u64)off, EXT2_SEEK_SET, NULL);
	while (err == 0 && done < len) {
		n = len - done > CHUNK ? CHUNK : (unsigned)(len - done);
		put = 0;
		err = ext2fs_file_write(f, (const char *)buf + done, n, &put);
		done += put;
		if (put < n)
			break;
	}
	/* close writes the last block and the inode (size, blocks) */
	cerr = ext2fs_file_close(f);
	if (err == 0)
		err = cerr;
	if (done > 0 && e4_iget(m, e4ino(vn), &in) == 0) {
		e4_touch(m, &in, "mc");
		e4_iput(m, e4ino(vn), &in);
	}
	return leave(vn, done > 0 && cerr == 0 ? (ssize_t)done : e4_errno(err));
}

/* The data went to the device when write returned (no cache here); what
 * remains is libext2fs's metadata (bitmaps, descriptors, superblock) and
 * the device's own cache: e4_flush does both. */
int
e4_fsync(struct lo_vnode *vn, int datasync)
{
	int e;

	if ((e = enter(vn, 0)) != 0)
		return e;
	return (int)leave(vn, e4_flush(e4m(vn)));
}
