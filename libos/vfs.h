/*
 * vfs.h -- private to the VFS files of libos (vfs*.c, rootfs.c, tmpfs.c,
 * devfs.c, sys_file.c, sys_dir.c): the mount table, name lookup and the
 * file object over a vnode.  Plug-ins see only <tandem/libos.h>.
 *
 * Design in brief:
 *  - A mount is a struct vfs_mnt wrapping the contract's struct lo_mount.
 *    The directory it covers is named by (mount, inode number), not by
 *    vnode pointer, so a file system may hand out a fresh vnode per
 *    lookup and mount points are still found.
 *  - Names are resolved by vfs_namei() one component at a time from the
 *    root, the cwd or a directory fd.  Every directory reached has a
 *    canonical absolute path (no symlinks, no "." or ".."); ".." is that
 *    path's parent, walked again from the root.  File systems therefore
 *    never see "." or "..", and ".." crosses mount points for free.
 */
#ifndef LIBOS_VFS_H
#define LIBOS_VFS_H

#include "lo.h"

#define VFS_PATH_MAX	4096	/* PATH_MAX, with the NUL */
#define VFS_NAME_MAX	255	/* NAME_MAX */
#define VFS_MAXLINKS	40	/* symlinks followed per lookup: ELOOP */

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#define RENAME_EXCHANGE		(1 << 1)
#define RENAME_WHITEOUT		(1 << 2)
#endif

struct vfs_mnt {
	struct lo_mount	 m;		/* first: lo_mount * converts */
	struct lo_vnode	*root;
	uint64_t	 cov_ino;	/* the directory it covers ... */
	struct lo_mount	*cov_mnt;	/* ... on this mount (NULL for /) */
	char		*path;		/* canonical mount point */
	struct vfs_mnt	*next;		/* newest first */
};

extern struct vfs_mnt *vfs_mounts;

/* namei flags */
#define ND_FOLLOW	0x1	/* follow a symlink in the last component */
#define ND_PARENT	0x2	/* the last may be missing: vp NULL, dvp set */
#define ND_EMPTY	0x4	/* "" names the start directory/file */

struct nd {
	struct lo_vnode	*dvp;		/* ND_PARENT: its directory, a ref */
	struct lo_vnode	*vp;		/* the object (a ref) or NULL */
	char		 name[VFS_NAME_MAX + 1];	/* ND_PARENT: last name,
					 * "." / ".." / "/" when it was one */
	int		 slash;		/* the path ended in '/' */
	int		 mounted;	/* vp is a mount root reached by name */
	int		 magicfd;	/* >= 0: vp is a link to that fd */
	char		*path;		/* canonical path of vp (or dvp/name) */
};

/* Resolves upath (a user pointer) from dirfd (AT_FDCWD: the cwd).
 * On success the caller owns nd's refs and path: vfs_nd_done(). */
int	vfs_namei(int dirfd, const char *upath, int flags, struct nd *);
void	vfs_nd_done(struct nd *);
/* The vnode (a ref) of a canonical absolute path, no symlinks followed. */
int	vfs_walk_canon(const char *path, struct lo_vnode **out);
/* Copies a user path in: -EFAULT, -ENAMETOOLONG, -ENOENT (empty). */
int	vfs_getpath(const char *upath, char *buf, int empty_ok);
/* vp's mount is read-only */
int	vfs_rdonly(struct lo_vnode *);
/* getattr with st_dev/blksize defaults filled in */
int	vfs_getattr(struct lo_vnode *, struct lo_attr *);
void	vfs_stat_fill(const struct lo_attr *, struct stat *);
struct vfs_mnt *vfs_mnt_of(struct lo_vnode *);
int	vfs_fstype_known(const char *);
/* Current wall-clock time in ns (file times). */
int64_t	vfs_now(void);
uint32_t vfs_umask(void);

/* ---- files over vnodes (vfs_file.c) ------------------------------- */
struct vfile {
	char	*path;		/* canonical path (directories: for *at) */
};
extern const struct lo_fileops vfs_fileops;
/* Opens the object nd names with open(2) flags; returns the fd. */
int	vfs_open_nd(struct nd *, int flags, uint32_t mode);
/* The cwd (a ref) and its canonical path. */
struct lo_vnode *vfs_cwd(const char **pathp);
void	vfs_set_cwd(struct lo_vnode *, const char *path);
/* A directory moved from `from` to `to`: the cwd's and open files'
 * paths below it follow. */
void	vfs_path_moved(const char *from, const char *to);

/* ---- the built-in file systems --------------------------------------- */
extern const struct lo_fstype vfs_rootfs, vfs_tmpfs, vfs_devfs;
/* rootfs: a directory in the read-only root to hold a mount point. */
int	rootfs_mkdir_mountpoint(struct lo_vnode *dir, const char *name);
int	rootfs_is(struct lo_vnode *);
/* devfs: the fd a /dev/stdin-like link stands for, or -1. */
int	devfs_magicfd(struct lo_vnode *);
/* devfs: what opening this device says (0, or -ENXIO for /dev/tty). */
int	devfs_open_check(struct lo_vnode *);

/* linux_dirent64, as getdents64 fills it */
struct vfs_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define VFS_DTYPE(mode)	(((mode) >> 12) & 15)

#endif /* LIBOS_VFS_H */
