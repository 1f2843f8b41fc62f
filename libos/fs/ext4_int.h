/*
 * ext4_int.h -- private to libos/fs/ext4*.c: the "ext4" file system type
 * (ext2, ext3 and ext4 alike) on e2fsprogs' libext2fs.
 *
 * One mount = one ext2_filsys on a rumpuser device.  One vnode per inode
 * in use (a small hash per mount), so every holder of an inode sees the
 * same vnode.  libext2fs is not reentrant and our I/O blocks (another
 * thread may run meanwhile), so every operation holds the mount's lock.
 */
#ifndef LIBOS_FS_EXT4_INT_H
#define LIBOS_FS_EXT4_INT_H

#include <sys/types.h>
#include <ext2fs/ext2fs.h>
#include <tandem/libos.h>

#include "ext4.h"

struct rumpuser_mtx;

#define E4_HASH		64

struct e4_node {
	struct e4_node	*next;		/* hash chain */
	struct lo_vnode	*vn;
	ext2_ino_t	 ino;
};

struct e4_mount {
	ext2_filsys		 fs;
	struct lo_mount		*mnt;
	struct rumpuser_mtx	*lock;
	int			 rdonly;
	int			 dirty;		/* written since the last flush */
	struct e4_node		*hash[E4_HASH];
	/* ext4_sync.c: groups whose block bitmap changed since the last
	 * flush, and the libext2fs callbacks we chained in front of */
	uint8_t			*bbdirty;
	dgrp_t			 ngroups;
	void	(*old_stats)(ext2_filsys, blk64_t, int);
	void	(*old_range)(ext2_filsys, blk64_t, blk_t, int);
	/* ext4_io.c: a held write failed when an op ended; the next
	 * fsync reports it */
	int			 werr;
};

extern io_manager e4_io_manager;

/* ext4_io.c */
/* Ends an op: sends the writes held back (extent blocks last, root
 * first); the first error. */
errcode_t e4io_commit(io_channel);
/* libext2fs allocated (inuse > 0) or freed len bytes at off: a fresh
 * block may go to the device before the op ends. */
void	e4io_alloc(io_channel, uint64_t off, uint64_t len, int inuse);
/* A range of device bytes [off, end). */
struct e4_range {
	uint64_t	off, end;
};
/* The inode tables of the mounted file system, n ranges sorted and
 * disjoint (malloc'd; the channel owns them): their blocks are sent
 * after the other held blocks of an op (data before the inode). */
void	e4io_set_itables(io_channel, struct e4_range *, int n);
extern const struct lo_vnops e4_vnops;

/* ext4_cache.c: single blocks read from the device (ext4_io.c) */
struct e4_cache;
struct e4_cache *e4c_new(void);		/* NULL: no cache, still works */
void	e4c_free(struct e4_cache *);
/* 1 and the bytes if the block at off (len bytes) is cached */
int	e4c_get(struct e4_cache *, uint64_t off, size_t len, void *);
void	e4c_put(struct e4_cache *, uint64_t off, size_t len, const void *);
/* Before any write of [off, off + len): drops the blocks it touches. */
void	e4c_forget(struct e4_cache *, uint64_t off, uint64_t len);

/* ext4_vfs.c */
int	e4_errno(errcode_t);		/* libext2fs code -> -errno */
void	e4_lock(struct e4_mount *);
void	e4_unlock(struct e4_mount *);
/* The vnode of ino with a new reference (made if not in use). */
int	e4_vget(struct e4_mount *, ext2_ino_t, struct lo_vnode **);
int	e4_iget(struct e4_mount *, ext2_ino_t, struct ext2_inode_large *);
int	e4_iput(struct e4_mount *, ext2_ino_t, struct ext2_inode_large *);
/* Sets the times named by which ('a', 'm', 'c' characters) to now. */
void	e4_touch(struct e4_mount *, struct ext2_inode_large *, const char *);
void	e4_settime(struct ext2_inode_large *, int which, int64_t ns);
int64_t	e4_gettime(const struct ext2_inode_large *, int which);
/* Frees an inode with no links left (blocks, then the inode itself). */
int	e4_release(struct e4_mount *, ext2_ino_t);
int64_t	e4_now_ns(void);		/* wall clock */

/* ext4_sync.c */
/* Durable: libext2fs state written, then the device flushed. */
int	e4_flush(struct e4_mount *);
/* From a read-write mount on: write only the block bitmaps that changed
 * (e4_untrack before unmount restores libext2fs's own writer). */
void	e4_track(struct e4_mount *);
void	e4_untrack(struct e4_mount *);

static inline struct e4_mount *
e4m(const struct lo_vnode *vn)
{

	return vn->mnt->priv;
}

static inline ext2_ino_t
e4ino(const struct lo_vnode *vn)
{

	return (ext2_ino_t)vn->ino;
}

#endif /* LIBOS_FS_EXT4_INT_H */
