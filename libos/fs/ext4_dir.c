/*
 * ext4_dir.c -- the name-space vnode ops of the "ext4" type: lookup,
 * create, mkdir, unlink, rmdir, rename, symlink, link, readlink, readdir.
 *
 * Order of writes, for what a crash leaves: a new inode is written
 * before the entry that names it; rename over an existing name rewrites
 * that one entry in place (one block: the name never disappears) before
 * the old name goes.  Everything else after a crash is e2fsck's to fix
 * (a link count one too high, an inode not yet freed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext4_int.h"

#define NAME_MAX_E4	255
#define LINK_MAX_E4	65000

static int
ftype(uint32_t mode)
{

	switch (mode & LINUX_S_IFMT) {
	case LINUX_S_IFREG:	return EXT2_FT_REG_FILE;
	case LINUX_S_IFDIR:	return EXT2_FT_DIR;
	case LINUX_S_IFCHR:	return EXT2_FT_CHRDEV;
	case LINUX_S_IFBLK:	return EXT2_FT_BLKDEV;
	case LINUX_S_IFIFO:	return EXT2_FT_FIFO;
	case LINUX_S_IFSOCK:	return EXT2_FT_SOCK;
	case LINUX_S_IFLNK:	return EXT2_FT_SYMLINK;
	default:		return EXT2_FT_UNKNOWN;
	}
}

/* Common entry checks; on success the mount is locked. */
static int
enter(struct lo_vnode *dir, const char *name, int write)
{
	struct e4_mount *m = e4m(dir);

	if (name != NULL && strlen(name) > NAME_MAX_E4)
		return -ENAMETOOLONG;
	if (!LINUX_S_ISDIR(dir->mode))
		return -ENOTDIR;
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

/* New names need a few blocks (a directory block, an expansion, an
 * extent split) and maybe an inode: refuse up front rather than have
 * libext2fs fail half way. */
static int
nospace(struct e4_mount *m, int inode)
{
	struct ext2_super_block *sb = m->fs->super;

	return ext2fs_free_blocks_count(sb) < 4 ||
	    (inode && sb->s_free_inodes_count == 0);
}

static int
leave(struct lo_vnode *dir, int e)
{

	e4_unlock(e4m(dir));
	return e;
}

static int
find(struct e4_mount *m, ext2_ino_t dir, const char *name, ext2_ino_t *ino)
{

	return e4_errno(ext2fs_lookup(m->fs, dir, name, (int)strlen(name),
	    NULL, ino));
}

static int
inuse(struct e4_mount *m, ext2_ino_t ino)
{
	struct e4_node *n;

	for (n = m->hash[ino % E4_HASH]; n != NULL; n = n->next)
		if (n->ino == ino)
			return 1;
	return 0;
}

/* Adds an entry, growing the directory when it is full. */
static int
addlink(struct e4_mount *m, ext2_ino_t dir, const char *name, ext2_ino_t ino,
    int ft)
{
	errcode_t err;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		err = ext2fs_link(m->fs, dir, name, ino, ft);
		if (err != EXT2_ET_DIR_NO_SPACE)
			break;
		if ((err = ext2fs_expand_dir(m->fs, dir)) != 0)
			break;
	}
	m->dirty = 1;
	return e4_errno(err);
}

/* Adds delta to the link count of ino and stamps times (which). */
static int
adjust(struct e4_mount *m, ext2_ino_t ino, int delta, const char *which)
{
	struct ext2_inode_large in;
	int e;

	if ((e = e4_iget(m, ino, &in)) != 0)
		return e;
	if (delta < 0 && in.i_links_count > 0)
		in.i_links_count--;
	else if (delta > 0 && in.i_links_count < LINK_MAX_E4)
		in.i_links_count++;
	e4_touch(m, &in, which);
	return e4_iput(m, ino, &in);
}

int
e4_lookup(struct lo_vnode *dir, const char *name, struct lo_vnode **out)
{
	struct e4_mount *m = e4m(dir);
	ext2_ino_t ino;
	int e;

	if ((e = enter(dir, name, 0)) != 0)
		return e;
	if ((e = find(m, e4ino(dir), name, &ino)) == 0)
		e = e4_vget(m, ino, out);
	return leave(dir, e);
}

int
e4_create(struct lo_vnode *dir, const char *name, uint32_t mode,
    struct lo_vnode **out)
{
	struct e4_mount *m = e4m(dir);
	struct ext2_inode_large in;
	ext2_extent_handle_t h;
	ext2_ino_t ino;
	int e;

	if ((e = enter(dir, name, 1)) != 0)
		return e;
	if (nospace(m, 1))
		return leave(dir, -ENOSPC);
	if ((e = find(m, e4ino(dir), name, &ino)) != -ENOENT)
		return leave(dir, e == 0 ? -EEXIST : e);
	mode = LINUX_S_IFREG | (mode & 07777);
	if ((e = e4_errno(ext2fs_new_inode(m->fs, e4ino(dir), (int)mode, NULL,
	    &ino))) != 0)
		return leave(dir, e);
	memset(&in, 0, sizeof(in));
	in.i_mode = (__u16)mode;
	in.i_links_count = 1;
	if (ext2fs_has_feature_extents(m->fs->super)) {
		in.i_flags |= EXT4_EXTENTS_FL;
		/* an empty extent header in i_block */
		if ((e = e4_errno(ext2fs_extent_open2(m->fs, ino,
		    (struct ext2_inode *)&in, &h))) != 0)
			return leave(dir, e);
		ext2fs_extent_free(h);
	}
	if ((e = e4_errno(ext2fs_write_new_inode(m->fs, ino,
	    (struct ext2_inode *)&in))) != 0 ||
	    (e = e4_iget(m, ino, &in)) != 0)
		return leave(dir, e);
	e4_touch(m, &in, "amc");
	if ((e = e4_iput(m, ino, &in)) != 0)
		return leave(dir, e);
	ext2fs_inode_alloc_stats2(m->fs, ino, +1, 0);
	if ((e = addlink(m, e4ino(dir), name, ino, EXT2_FT_REG_FILE)) != 0) {
		ext2fs_inode_alloc_stats2(m->fs, ino, -1, 0);
		return leave(dir, e);
	}
	if ((e = adjust(m, e4ino(dir), 0, "mc")) == 0)
		e = e4_vget(m, ino, out);
	return leave(dir, e);
}

int
e4_mkdir(struct lo_vnode *dir, const char *name, uint32_t mode)
{
	struct e4_mount *m = e4m(dir);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	errcode_t err;
	int e, tries;

	if ((e = enter(dir, name, 1)) != 0)
		return e;
	if (nospace(m, 1))
		return leave(dir, -ENOSPC);
	if ((e = find(m, e4ino(dir), name, &ino)) != -ENOENT)
		return leave(dir, e == 0 ? -EEXIST : e);
	m->dirty = 1;
	for (tries = 0; tries < 3; tries++) {
		err = ext2fs_mkdir(m->fs, e4ino(dir), 0, name);
		if (err != EXT2_ET_DIR_NO_SPACE)
			break;
		if ((err = ext2fs_expand_dir(m->fs, e4ino(dir))) != 0)
			break;
	}
	if ((e = e4_errno(err)) != 0 ||
	    (e = find(m, e4ino(dir), name, &ino)) != 0 ||
	    (e = e4_iget(m, ino, &in)) != 0)
		return leave(dir, e);
	in.i_mode = (__u16)(LINUX_S_IFDIR | (mode & 07777));
	e4_touch(m, &in, "amc");
	if ((e = e4_iput(m, ino, &in)) == 0)
		e = adjust(m, e4ino(dir), 0, "mc");
	return leave(dir, e);
}

/* Is directory ino empty (only "." and "..")? */
struct empty_ctx {
	int	others;
};

static int
empty_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int off,
    int bs, char *buf, void *priv)
{
	struct empty_ctx *c = priv;

	if (entry == DIRENT_DOT_FILE || entry == DIRENT_DOT_DOT_FILE ||
	    d->inode == 0)
		return 0;
	c->others++;
	return DIRENT_ABORT;
}

static int
isempty(struct e4_mount *m, ext2_ino_t ino)
{
	struct empty_ctx c = { 0 };
	int e;

	e = e4_errno(ext2fs_dir_iterate2(m->fs, ino, 0, NULL, empty_cb, &c));
	return e != 0 ? e : c.others ? -ENOTEMPTY : 0;
}

/* Removes name (ino) from dir and drops the link; frees the inode when
 * that was the last link and nobody has it open. */
static int
drop(struct e4_mount *m, ext2_ino_t dir, const char *name, ext2_ino_t ino,
    int isdir)
{
	int e;

	m->dirty = 1;
	if ((e = e4_errno(ext2fs_unlink(m->fs, dir, name, ino, 0))) != 0)
		return e;
	if ((e = adjust(m, ino, -1, "c")) != 0 ||
	    (isdir && (e = adjust(m, ino, -1, "c")) != 0))
		return e;
	if (isdir && (e = adjust(m, dir, -1, "mc")) != 0)
		return e;
	if (!isdir && (e = adjust(m, dir, 0, "mc")) != 0)
		return e;
	return inuse(m, ino) ? 0 : e4_release(m, ino);
}

/* unlink (isdir 0) and rmdir (isdir 1): name must be a non-directory,
 * or an empty directory. */
static int
dir_remove(struct lo_vnode *dir, const char *name, int isdir)
{
	struct e4_mount *m = e4m(dir);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int e;

	if ((e = enter(dir, name, 1)) != 0)
		return e;
	if ((e = find(m, e4ino(dir), name, &ino)) != 0 ||
	    (e = e4_iget(m, ino, &in)) != 0)
		return leave(dir, e);
	if (LINUX_S_ISDIR(in.i_mode) != isdir)
		return leave(dir, isdir ? -ENOTDIR : -EISDIR);
	if (isdir && (e = isempty(m, ino)) != 0)
		return leave(dir, e);
	return leave(dir, drop(m, e4ino(dir), name, ino, isdir));
}

int
e4_unlink(struct lo_vnode *dir, const char *name)
{

	return dir_remove(dir, name, 0);
}

int
e4_rmdir(struct lo_vnode *dir, const char *name)
{

	return dir_remove(dir, name, 1);
}

/* Points the entry `name` of dir at ino (one block rewritten). */
struct set_ctx {
	const char	*name;
	int		 len, ft, found, filetype;
	ext2_ino_t	 ino;
};

static int
set_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int off,
    int bs, char *buf, void *priv)
{
	struct set_ctx *c = priv;

	if (d->inode == 0 || ext2fs_dirent_name_len(d) != c->len ||
	    memcmp(d->name, c->name, (size_t)c->len) != 0)
		return 0;
	d->inode = c->ino;
	if (c->filetype)
		ext2fs_dirent_set_file_type(d, c->ft);
	c->found = 1;
	return DIRENT_CHANGED | DIRENT_ABORT;
}

static int
setentry(struct e4_mount *m, ext2_ino_t dir, const char *name, ext2_ino_t ino,
    int ft)
{
	struct set_ctx c = { name, (int)strlen(name), ft, 0,
	    ext2fs_has_feature_filetype(m->fs->super), ino };
	int e;

	m->dirty = 1;
	e = e4_errno(ext2fs_dir_iterate2(m->fs, dir, 0, NULL, set_cb, &c));
	return e != 0 ? e : c.found ? 0 : -EIO;
}

/* Is `anc` an ancestor of (or) dir?  Walks "..". */
static int
ancestor(struct e4_mount *m, ext2_ino_t anc, ext2_ino_t dir)
{
	ext2_ino_t up;
	int depth;

	for (depth = 0; depth < 4096; depth++) {
		if (dir == anc)
			return 1;
		if (dir == EXT2_ROOT_INO)
			return 0;
		if (find(m, dir, "..", &up) != 0)
			return -EIO;
		dir = up;
	}
	return -EIO;			/* a loop: corrupt */
}

int
e4_rename(struct lo_vnode *odir, const char *oname, struct lo_vnode *ndir,
    const char *nname)
{
	struct e4_mount *m = e4m(odir);
	struct ext2_inode_large src, dst;
	ext2_ino_t sino, tino = 0, od = e4ino(odir), nd = e4ino(ndir);
	int e, sdir;

	if (!LINUX_S_ISDIR(ndir->mode))
		return -ENOTDIR;
	if (strlen(nname) > NAME_MAX_E4)
		return -ENAMETOOLONG;
	if ((e = enter(odir, oname, 1)) != 0)
		return e;
	if ((e = find(m, od, oname, &sino)) != 0 ||
	    (e = e4_iget(m, sino, &src)) != 0)
		return leave(odir, e);
	sdir = LINUX_S_ISDIR(src.i_mode);
	e = find(m, nd, nname, &tino);
	if (e != 0 && e != -ENOENT)
		return leave(odir, e);
	if (e == 0 && tino == sino)
		return leave(odir, 0);		/* same file: nothing */
	if (sdir && od != nd && (e = ancestor(m, sino, nd)) != 0)
		return leave(odir, e < 0 ? e : -EINVAL);
	if (tino != 0) {
		if ((e = e4_iget(m, tino, &dst)) != 0)
			return leave(odir, e);
		if (sdir && !LINUX_S_ISDIR(dst.i_mode))
			return leave(odir, -ENOTDIR);
		if (!sdir && LINUX_S_ISDIR(dst.i_mode))
			return leave(odir, -EISDIR);
		if (sdir && (e = isempty(m, tino)) != 0)
			return leave(odir, e);
		/* the atomic step: nname now names the source */
		if ((e = setentry(m, nd, nname, sino, ftype(src.i_mode))) != 0 ||
		    (e = adjust(m, tino, -1, "c")) != 0 ||
		    (sdir && (e = adjust(m, tino, -1, "c")) != 0) ||
		    (sdir && (e = adjust(m, nd, -1, "mc")) != 0))
			return leave(odir, e);
	} else if ((e = addlink(m, nd, nname, sino, ftype(src.i_mode))) != 0)
		return leave(odir, e);
	if ((e = e4_errno(ext2fs_unlink(m->fs, od, oname, sino, 0))) != 0)
		return leave(odir, e);
	if (sdir && od != nd) {
		if ((e = setentry(m, sino, "..", nd, EXT2_FT_DIR)) != 0 ||
		    (e = adjust(m, nd, +1, "mc")) != 0 ||
		    (e = adjust(m, od, -1, "mc")) != 0)
			return leave(odir, e);
	}
	if ((e = adjust(m, sino, 0, "c")) != 0 ||
	    (e = adjust(m, od, 0, "mc")) != 0 ||
	    (od != nd && (e = adjust(m, nd, 0, "mc")) != 0))
		return leave(odir, e);
	if (tino != 0 && !inuse(m, tino))
		e = e4_release(m, tino);
	return leave(odir, e);
}

int
e4_symlink(struct lo_vnode *dir, const char *name, const char *target)
{
	struct e4_mount *m = e4m(dir);
	ext2_ino_t ino;
	errcode_t err;
	int e, tries;

	if (strlen(target) >= m->fs->blocksize || target[0] == '\0')
		return target[0] == '\0' ? -ENOENT : -ENAMETOOLONG;
	if ((e = enter(dir, name, 1)) != 0)
		return e;
	if (nospace(m, 1))
		return leave(dir, -ENOSPC);
	if ((e = find(m, e4ino(dir), name, &ino)) != -ENOENT)
		return leave(dir, e == 0 ? -EEXIST : e);
	m->dirty = 1;
	for (tries = 0; tries < 3; tries++) {
		err = ext2fs_symlink(m->fs, e4ino(dir), 0, name, target);
		if (err != EXT2_ET_DIR_NO_SPACE)
			break;
		if ((err = ext2fs_expand_dir(m->fs, e4ino(dir))) != 0)
			break;
	}
	if ((e = e4_errno(err)) == 0)
		e = adjust(m, e4ino(dir), 0, "mc");
	return leave(dir, e);
}

int
e4_link(struct lo_vnode *dir, const char *name, struct lo_vnode *vn)
{
	struct e4_mount *m = e4m(dir);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int e;

	if (LINUX_S_ISDIR(vn->mode))
		return -EPERM;
	if (vn->mnt != dir->mnt)
		return -EXDEV;
	if ((e = enter(dir, name, 1)) != 0)
		return e;
	if (nospace(m, 0))
		return leave(dir, -ENOSPC);
	if ((e = find(m, e4ino(dir), name, &ino)) != -ENOENT)
		return leave(dir, e == 0 ? -EEXIST : e);
	if ((e = e4_iget(m, e4ino(vn), &in)) != 0)
		return leave(dir, e);
	if (in.i_links_count >= LINK_MAX_E4)
		return leave(dir, -EMLINK);
	if (in.i_links_count == 0)
		return leave(dir, -ENOENT);	/* unlinked while open */
	/* count first: a crash between leaves one too many, never too few */
	if ((e = adjust(m, e4ino(vn), +1, "c")) != 0)
		return leave(dir, e);
	if ((e = addlink(m, e4ino(dir), name, e4ino(vn),
	    ftype(in.i_mode))) != 0) {
		adjust(m, e4ino(vn), -1, "c");
		return leave(dir, e);
	}
	return leave(dir, adjust(m, e4ino(dir), 0, "mc"));
}

int
e4_readlink(struct lo_vnode *vn, char *buf, size_t len)
{
	struct e4_mount *m = e4m(vn);
	struct ext2_inode_large in;
	ext2_file_t f;
	unsigned int got = 0;
	char *tmp = NULL;
	uint64_t size;
	int e;

	e4_lock(m);
	if (m->fs == NULL)
		return leave(vn, -EIO);
	if ((e = e4_iget(m, e4ino(vn), &in)) != 0)
		return leave(vn, e);
	if (!LINUX_S_ISLNK(in.i_mode))
		return leave(vn, -EINVAL);
	size = EXT2_I_SIZE(&in);
	if (size == 0 || size >= m->fs->blocksize)
		return leave(vn, -EIO);
	if ((tmp = malloc(m->fs->blocksize)) == NULL)
		return leave(vn, -ENOMEM);
	if (ext2fs_is_fast_symlink((struct ext2_inode *)&in)) {
		if (size > sizeof(in.i_block))
			e = -EIO;
		else
			memcpy(tmp, in.i_block, (size_t)size);
		got = (unsigned)size;
	} else if ((e = e4_errno(ext2fs_file_open2(m->fs, e4ino(vn),
	    (struct ext2_inode *)&in, 0, &f))) == 0) {
		e = e4_errno(ext2fs_file_read(f, tmp, (unsigned)size, &got));
		ext2fs_file_close(f);
	}
	if (e == 0) {
		if (got > len)
			got = (unsigned)len;
		memcpy(buf, tmp, got);
		e = (int)got;
	}
	free(tmp);
	return leave(vn, e);
}

/* readdir: pos = block index * block size + offset in the block, so a
 * position stays valid while other entries come and go. */
struct rd_ctx {
	int64_t		 start, next;
	unsigned	 bs;
	lo_filldir	 fill;
	void		*ctx;
	int		 filetype, stopped;
};

static const int dtypes[] = { 0, 8, 4, 2, 6, 1, 12, 10 };	/* DT_* */

static int
rd_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int off,
    int bs, char *buf, void *priv)
{
	struct rd_ctx *c = priv;
	/* dir_iterate2 does not tell the block index; blocks come in order
	 * and offsets restart at 0 in each */
	int64_t pos, blk = c->next / c->bs;
	int ft = 0;

	if (off == 0 && c->next % c->bs != 0)
		blk++;
	pos = blk * c->bs + off;
	if (pos < c->start || d->inode == 0) {
		c->next = pos + (d->rec_len ? d->rec_len : 1);
		return 0;
	}
	if (c->filetype && (ft = ext2fs_dirent_file_type(d)) < 8)
		ft = dtypes[ft];
	else
		ft = 0;
	if (c->fill(c->ctx, d->name, (size_t)ext2fs_dirent_name_len(d),
	    d->inode, ft, pos + d->rec_len) != 0) {
		c->stopped = 1;
		c->next = pos;
		return DIRENT_ABORT;
	}
	c->next = pos + d->rec_len;
	return 0;
}

int
e4_readdir(struct lo_vnode *dir, int64_t *pos, lo_filldir fill, void *ctx)
{
	struct e4_mount *m = e4m(dir);
	struct rd_ctx c;
	int e;

	if ((e = enter(dir, NULL, 0)) != 0)
		return e;
	memset(&c, 0, sizeof(c));
	c.start = *pos;
	c.bs = m->fs->blocksize;
	c.fill = fill;
	c.ctx = ctx;
	c.filetype = ext2fs_has_feature_filetype(m->fs->super);
	e = e4_errno(ext2fs_dir_iterate2(m->fs, e4ino(dir),
	    DIRENT_FLAG_INCLUDE_EMPTY, NULL, rd_cb,
	    &c));
	if (e == 0)
		*pos = c.stopped ? c.next : INT64_MAX;
	return leave(dir, e);
}
