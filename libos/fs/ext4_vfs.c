/*
 * ext4_vfs.c -- the "ext4" lo_fstype: mount policy (which features we
 * write, which we only read, which we refuse), the vnode table, inode
 * helpers, flush/sync/unmount.  Directory operations are in ext4_dir.c,
 * file data and attributes in ext4_file.c.
 *
 * The journal.  libext2fs neither replays nor writes a jbd2 journal, and
 * we do not either.  A file system with has_journal is mounted
 * read-write only when its journal is empty (no needs_recovery flag, the
 * journal superblock's s_start 0); we then write without journalling, as
 * ext2 does: while mounted the superblock says "not clean" (s_state
 * without EXT2_VALID_FS), so after a crash e2fsck does a full check and
 * repairs what was in flight, and a clean unmount sets it back.  What an
 * fsync acknowledged is safe without a journal: fsync writes the inode,
 * its extent blocks, the bitmaps and the group descriptors, then flushes
 * the device (rumpuser_syncfd BARRIER|SYNC); later writes never move an
 * acknowledged block.  needs_recovery set (the journal holds
 * transactions) refuses the mount, read-only too: the on-disk metadata
 * is stale until the journal is replayed (e2fsck does that).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include "ext4_int.h"

/* What we write: ext2/ext3/ext4 as Debian's mke2fs makes them. */
#define E4_INCOMPAT_RW	(EXT2_FEATURE_INCOMPAT_FILETYPE | \
	EXT3_FEATURE_INCOMPAT_EXTENTS | EXT4_FEATURE_INCOMPAT_64BIT | \
	EXT4_FEATURE_INCOMPAT_FLEX_BG | EXT2_FEATURE_INCOMPAT_META_BG | \
	EXT4_FEATURE_INCOMPAT_CSUM_SEED | EXT4_FEATURE_INCOMPAT_LARGEDIR)
/* ... and what we can still read (names stay plain text). */
#define E4_INCOMPAT_RO	(E4_INCOMPAT_RW | EXT4_FEATURE_INCOMPAT_INLINE_DATA | \
	EXT4_FEATURE_INCOMPAT_MMP | EXT4_FEATURE_INCOMPAT_EA_INODE)
#define E4_ROCOMPAT_RW	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
	EXT2_FEATURE_RO_COMPAT_LARGE_FILE | EXT4_FEATURE_RO_COMPAT_HUGE_FILE | \
	EXT4_FEATURE_RO_COMPAT_GDT_CSUM | EXT4_FEATURE_RO_COMPAT_DIR_NLINK | \
	EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE | \
	EXT4_FEATURE_RO_COMPAT_METADATA_CSUM | EXT4_FEATURE_RO_COMPAT_PROJECT)

int
e4_errno(errcode_t e)
{

	if (e == 0)
		return 0;
	if (e > 0 && e < 256)		/* a plain errno value */
		return -(int)e;
	switch (e) {
	case EXT2_ET_NO_MEMORY:		return -ENOMEM;
	case EXT2_ET_BLOCK_ALLOC_FAIL:
	case EXT2_ET_INODE_ALLOC_FAIL:
	case EXT2_ET_DIR_NO_SPACE:
	case EXT2_ET_EA_NO_SPACE:
	case EXT2_ET_RES_GDT_BLOCKS:	return -ENOSPC;
	case EXT2_ET_FILE_NOT_FOUND:	return -ENOENT;
	case EXT2_ET_DIR_EXISTS:
	case EXT2_ET_FILE_EXISTS:	return -EEXIST;
	case EXT2_ET_NO_DIRECTORY:	return -ENOTDIR;
	case EXT2_ET_RO_FILSYS:		return -EROFS;
	case EXT2_ET_FILE_TOO_BIG:
	case EXT2_ET_EXTENT_NOT_SUPPORTED: return -EFBIG;
	case EXT2_ET_INVALID_ARGUMENT:	return -EINVAL;
	default:			return -EIO;	/* corrupt or device */
	}
}

void
e4_lock(struct e4_mount *m)
{

	rumpuser_mutex_enter(m->lock);
}

/* The end of an op: its writes go to the device in a crash-safe order
 * (ext4_io.c). */
void
e4_unlock(struct e4_mount *m)
{

	if (m->fs != NULL && !m->rdonly && e4io_commit(m->fs->io) != 0)
		m->werr = 1;
	rumpuser_mutex_exit(m->lock);
}

/* ---- inodes ------------------------------------------------------------ */

int
e4_iget(struct e4_mount *m, ext2_ino_t ino, struct ext2_inode_large *in)
{

	memset(in, 0, sizeof(*in));
	return e4_errno(ext2fs_read_inode_full(m->fs, ino,
	    (struct ext2_inode *)in, sizeof(*in)));
}

int
e4_iput(struct e4_mount *m, ext2_ino_t ino, struct ext2_inode_large *in)
{

	m->dirty = 1;
	return e4_errno(ext2fs_write_inode_full(m->fs, ino,
	    (struct ext2_inode *)in, sizeof(*in)));
}

int64_t
e4_now_ns(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	return sec * 1000000000LL + nsec;
}

/* The extra (nsec << 2 | epoch bits) word of time `which` if the inode
 * has room for it, else NULL. */
static __u32 *
xtime(struct ext2_inode_large *in, int which)
{
	size_t end;
	__u32 *p;

	switch (which) {
	case 'a': p = &in->i_atime_extra; break;
	case 'm': p = &in->i_mtime_extra; break;
	default:  p = &in->i_ctime_extra; break;
	}
	end = (size_t)((char *)(p + 1) - (char *)in);
	return in->i_extra_isize >= end - EXT2_GOOD_OLD_INODE_SIZE ? p : NULL;
}

static __u32 *
btime(struct ext2_inode_large *in, int which)
{

	return which == 'a' ? &in->i_atime : which == 'm' ? &in->i_mtime :
	    &in->i_ctime;
}

void
e4_settime(struct ext2_inode_large *in, int which, int64_t ns)
{
	int64_t sec = ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
	long nsec = (long)(ns - sec * 1000000000);
	__u32 *x = xtime(in, which);

	*btime(in, which) = (__u32)sec;
	if (x != NULL)
		*x = ((__u32)nsec << 2) |
		    (__u32)(((sec - (int32_t)sec) >> 32) & 3);
}

int64_t
e4_gettime(const struct ext2_inode_large *cin, int which)
{
	struct ext2_inode_large *in = (struct ext2_inode_large *)cin;
	int64_t sec = (int32_t)*btime(in, which);
	__u32 *x = xtime(in, which);

	if (x != NULL)
		sec += (int64_t)(*x & 3) << 32;
	if (sec > INT64_MAX / 1000000000 - 1)	/* past 2262: clamp */
		return INT64_MAX;
	return sec * 1000000000LL + (x != NULL ? (*x >> 2) % 1000000000 : 0);
}

void
e4_touch(struct e4_mount *m, struct ext2_inode_large *in, const char *which)
{
	int64_t t = e4_now_ns();

	for (; *which != '\0'; which++)
		e4_settime(in, *which, t);
}

int
e4_release(struct e4_mount *m, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	ext2_filsys fs = m->fs;
	int e, dir;

	if ((e = e4_iget(m, ino, &in)) != 0)
		return e;
	if (in.i_links_count != 0)
		return 0;
	dir = LINUX_S_ISDIR(in.i_mode);
	if (ext2fs_inode_has_valid_blocks2(fs, (struct ext2_inode *)&in) &&
	    (e = e4_errno(ext2fs_punch(fs, ino, (struct ext2_inode *)&in,
	    NULL, 0, ~0ULL))) != 0)
		return e;
	if (ext2fs_file_acl_block(fs, (struct ext2_inode *)&in) != 0)
		ext2fs_free_ext_attr(fs, ino, &in);
	in.i_dtime = (__u32)(e4_now_ns() / 1000000000);
	if ((e = e4_iput(m, ino, &in)) != 0)
		return e;
	ext2fs_inode_alloc_stats2(fs, ino, -1, dir);
	return 0;
}

/* ---- vnodes ------------------------------------------------------------ */

int
e4_vget(struct e4_mount *m, ext2_ino_t ino, struct lo_vnode **out)
{
	struct ext2_inode_large in;
	struct e4_node *n, **hp = &m->hash[ino % E4_HASH];
	int e;

	for (n = *hp; n != NULL; n = n->next) {
		if (n->ino == ino) {
			lo_vn_ref(n->vn);
			*out = n->vn;
			return 0;
		}
	}
	if (ino < EXT2_ROOT_INO || ino > m->fs->super->s_inodes_count)
		return -EIO;		/* a corrupt directory entry */
	if ((e = e4_iget(m, ino, &in)) != 0)
		return e;
	if (in.i_links_count == 0 || (in.i_mode & LINUX_S_IFMT) == 0)
		return -EIO;		/* names a free inode */
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->ino = ino;
	n->vn = lo_vn_new(m->mnt, &e4_vnops, in.i_mode, ino, n);
	if (n->vn == NULL) {
		free(n);
		return -ENOMEM;
	}
	n->next = *hp;
	*hp = n;
	*out = n->vn;
	return 0;
}

/* The last reference: forget the vnode; an inode unlinked while in use
 * is freed now. */
static void
e4_inactive(struct lo_vnode *vn)
{
	struct e4_mount *m = e4m(vn);
	struct e4_node *n = vn->priv, **pp;

	e4_lock(m);
	for (pp = &m->hash[n->ino % E4_HASH]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	if (m->fs != NULL && !m->rdonly)
		e4_release(m, n->ino);
	e4_unlock(m);
	free(n);
}

/* ---- flush, mount, sync, unmount --------------------------------------- */

static void
say(const char *dev, const char *what, const char *detail)
{

	rumpuser_dprintf("ext4: %s: %s%s%s\n", dev, what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static void
sayfeat(const char *dev, const char *what, const char *kind, uint32_t bits,
    const char *names)
{

	rumpuser_dprintf("ext4: %s: %s: %s features 0x%x (%s)\n", dev, what,
	    kind, (unsigned)bits, names);
}

/* Is the journal empty?  0 yes, -EUCLEAN no, -EIO unreadable. */
static int
journal_clean(ext2_filsys fs)
{
	struct ext2_inode in;
	blk64_t pblk = 0;
	unsigned char *b;
	int e = -EIO;

	if (fs->super->s_journal_inum == 0)
		return -EINVAL;		/* external journal device */
	if (ext2fs_read_inode(fs, fs->super->s_journal_inum, &in) != 0 ||
	    ext2fs_bmap2(fs, fs->super->s_journal_inum, &in, NULL, 0, 0,
	    NULL, &pblk) != 0 || pblk == 0)
		return -EIO;
	if ((b = malloc(fs->blocksize)) == NULL)
		return -ENOMEM;
	if (io_channel_read_blk64(fs->io, pblk, 1, b) == 0) {
		/* jbd2 superblock, big-endian: magic at 0, s_start at 28 */
		if (b[0] != 0xc0 || b[1] != 0x3b || b[2] != 0x39 || b[3] != 0x98)
			e = -EIO;
		else
			e = (b[28] | b[29] | b[30] | b[31]) ? -EUCLEAN : 0;
	}
	free(b);
	return e;
}

/* Superblock geometry as mke2fs makes it and Linux checks it at mount
 * (libext2fs trusts some of it: a first data block past 1, say, makes
 * its bitmap loader write past its buffer). */
static int
geometry_ok(ext2_filsys fs)
{
	struct ext2_super_block *sb = fs->super;
	uint32_t bs = fs->blocksize, first = bs == 1024 ? 1 : 0;
	uint64_t groups = fs->group_desc_count;

	if (ext2fs_has_feature_bigalloc(sb)) {
		if (sb->s_first_data_block != 0 && sb->s_first_data_block != first)
			return 0;
	} else if (sb->s_first_data_block != first ||
	    sb->s_log_cluster_size != sb->s_log_block_size ||
	    sb->s_clusters_per_group != sb->s_blocks_per_group)
		return 0;
	if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group % 8 != 0 ||
	    (!ext2fs_has_feature_bigalloc(sb) &&
	    sb->s_blocks_per_group > bs * 8) ||
	    sb->s_clusters_per_group == 0 || sb->s_clusters_per_group > bs * 8 ||
	    sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > bs * 8 ||
	    (uint64_t)sb->s_inodes_per_group * groups != sb->s_inodes_count)
		return 0;
	return ext2fs_blocks_count(sb) > sb->s_first_data_block;
}

/* The mount policy; 0 or a -errno with the reason said. */
static int
check_features(ext2_filsys fs, const char *dev, int rw)
{
	struct ext2_super_block *sb = fs->super;
	uint32_t bits;
	int e;

	if (!geometry_ok(fs)) {
		say(dev, "mount refused", "corrupt superblock (geometry), "
		    "run e2fsck");
		return -EUCLEAN;
	}
	bits = sb->s_feature_incompat & ~E4_INCOMPAT_RO &
	    ~EXT3_FEATURE_INCOMPAT_RECOVER;
	if (bits != 0) {
		sayfeat(dev, "mount refused", "unsupported incompat", bits,
		    "compression, journal_dev, dirdata, encrypt, casefold "
		    "or unknown");
		return -EINVAL;
	}
	if (ext2fs_has_feature_journal_needs_recovery(sb)) {
		say(dev, "mount refused", "the journal needs recovery "
		    "(run e2fsck)");
		return -EUCLEAN;
	}
	if (!rw)
		return 0;
	if ((bits = sb->s_feature_incompat & ~E4_INCOMPAT_RW) != 0) {
		sayfeat(dev, "read-write mount refused", "incompat", bits,
		    "inline_data, mmp or ea_inode: we only read those; "
		    "mount it :ro");
		return -EROFS;
	}
	if ((bits = sb->s_feature_ro_compat & ~E4_ROCOMPAT_RW) != 0) {
		sayfeat(dev, "read-write mount refused", "ro_compat", bits,
		    "bigalloc, quota, verity, readonly, shared_blocks, "
		    "orphan_present...: we only read those; mount it :ro");
		return -EROFS;
	}
	if ((sb->s_state & EXT2_ERROR_FS) || !(sb->s_state & EXT2_VALID_FS) ||
	    sb->s_last_orphan != 0) {
		say(dev, "read-write mount refused", "not cleanly unmounted "
		    "or has errors (run e2fsck)");
		return -EUCLEAN;
	}
	if (ext2fs_has_feature_journal(sb) && (e = journal_clean(fs)) != 0) {
		say(dev, "read-write mount refused", e == -EINVAL ?
		    "external journal" : "the journal is not empty (run e2fsck)");
		return e == -EIO ? -EIO : -EUCLEAN;
	}
	return 0;
}

static int
e4_mount(struct lo_mount *mnt, const char *source, int flags,
    const char *opts, struct lo_vnode **root)
{
	struct e4_mount *m;
	ext2_filsys fs = NULL;
	struct lo_vnode *vn;
	errcode_t err;
	int rw = !(flags & LO_MNT_RDONLY), e;

	static int tables;

	if (source == NULL)
		return -EINVAL;
	if (!tables) {			/* com_err's messages for ours */
		initialize_ext2_error_table();
		tables = 1;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	rumpuser_mutex_init(&m->lock, RUMPUSER_MTX_KMUTEX);
	if (m->lock == NULL) {
		free(m);
		return -ENOMEM;
	}
	err = ext2fs_open2(source, NULL, EXT2_FLAG_64BITS |
	    (rw ? EXT2_FLAG_RW : 0), 0, 0, e4_io_manager, &fs);
	if (err != 0) {
		say(source, "mount failed", error_message(err));
		e = err == EXT2_ET_UNSUPP_FEATURE ? -EINVAL :
		    err == EXT2_ET_RO_UNSUPP_FEATURE ? -EROFS :
		    err == ENOENT ? -ENODEV : err == EROFS ? -EROFS :
		    err == EXT2_ET_NO_MEMORY ? -ENOMEM : -EINVAL;
		goto fail;
	}
	if ((e = check_features(fs, source, rw)) != 0)
		goto fail;
	m->fs = fs;
	m->mnt = mnt;
	m->rdonly = !rw;
	mnt->priv = m;
	if (rw) {
		if ((err = ext2fs_read_bitmaps(fs)) != 0) {
			say(source, "mount failed: bitmaps", error_message(err));
			e = -EIO;
			goto fail;
		}
		/* Not clean while we write (see the top of this file); only
		 * the primary superblock and descriptors until unmount. */
		fs->super->s_state &= ~EXT2_VALID_FS;
		fs->super->s_mnt_count++;
		fs->super->s_mtime = (__u32)(e4_now_ns() / 1000000000);
		fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
		ext2fs_mark_super_dirty(fs);
		e4_track(m);
		if ((e = e4_flush(m)) != 0)
			goto fail;
	}
	if ((e = e4_vget(m, EXT2_ROOT_INO, &vn)) != 0)
		goto fail;
	if (!LINUX_S_ISDIR(vn->mode)) {
		lo_vn_rele(vn);
		say(source, "mount failed", "the root inode is not a directory");
		e = -EIO;
		goto fail;
	}
	*root = vn;
	return 0;
fail:
	if (fs != NULL) {
		if (m->fs != NULL)
			e4_untrack(m);
		ext2fs_free(fs);	/* no flush: leave the device as it was */
	}
	mnt->priv = NULL;
	rumpuser_mutex_destroy(m->lock);
	free(m);
	return e;
}

static int
e4_sync(struct lo_mount *mnt)
{
	struct e4_mount *m = mnt->priv;
	int e;

	e4_lock(m);
	e = e4_flush(m);
	e4_unlock(m);
	return e;
}

static int
e4_unmount(struct lo_mount *mnt)
{
	struct e4_mount *m = mnt->priv;
	ext2_filsys fs;
	errcode_t err = 0;
	int i, busy = 0;

	e4_lock(m);
	if ((fs = m->fs) == NULL) {
		e4_unlock(m);
		return 0;
	}
	if (!m->rdonly) {
		e4_untrack(m);		/* libext2fs's full writer, once */
		fs->super->s_state |= EXT2_VALID_FS;
		fs->flags &= ~EXT2_FLAG_MASTER_SB_ONLY;	/* backups too */
		ext2fs_mark_super_dirty(fs);
	}
	/* ext2fs_close2 flushes (a read-only fs writes nothing). */
	err = ext2fs_close2(fs, 0);
	m->fs = NULL;
	for (i = 0; i < E4_HASH; i++)
		busy |= m->hash[i] != NULL;
	e4_unlock(m);
	/* Vnodes still held keep m (their ops then fail with EIO). */
	if (!busy) {
		rumpuser_mutex_destroy(m->lock);
		free(m);
		mnt->priv = NULL;
	}
	return e4_errno(err);
}

const struct lo_fstype e4_fstype = {
	.name		= "ext4",
	.mount		= e4_mount,
	.sync		= e4_sync,
	.unmount	= e4_unmount,
};

/* The vnode ops, in ext4_dir.c and ext4_file.c. */
int	e4_lookup(struct lo_vnode *, const char *, struct lo_vnode **);
int	e4_create(struct lo_vnode *, const char *, uint32_t, struct lo_vnode **);
int	e4_mkdir(struct lo_vnode *, const char *, uint32_t);
int	e4_unlink(struct lo_vnode *, const char *);
int	e4_rmdir(struct lo_vnode *, const char *);
int	e4_rename(struct lo_vnode *, const char *, struct lo_vnode *,
	    const char *);
int	e4_symlink(struct lo_vnode *, const char *, const char *);
int	e4_link(struct lo_vnode *, const char *, struct lo_vnode *);
int	e4_readlink(struct lo_vnode *, char *, size_t);
int	e4_readdir(struct lo_vnode *, int64_t *, lo_filldir, void *);
int	e4_getattr(struct lo_vnode *, struct lo_attr *);
int	e4_setattr(struct lo_vnode *, const struct lo_attr *, int);
ssize_t	e4_read(struct lo_vnode *, void *, size_t, int64_t);
ssize_t	e4_write(struct lo_vnode *, const void *, size_t, int64_t);
int	e4_fsync(struct lo_vnode *, int);

const struct lo_vnops e4_vnops = {
	.lookup		= e4_lookup,
	.create		= e4_create,
	.mkdir		= e4_mkdir,
	.unlink		= e4_unlink,
	.rmdir		= e4_rmdir,
	.rename		= e4_rename,
	.symlink	= e4_symlink,
	.link		= e4_link,
	.readlink	= e4_readlink,
	.getattr	= e4_getattr,
	.setattr	= e4_setattr,
	.read		= e4_read,
	.write		= e4_write,
	.fsync		= e4_fsync,
	.readdir	= e4_readdir,
	.inactive	= e4_inactive,
};
