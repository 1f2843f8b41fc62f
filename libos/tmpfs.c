/*
 * tmpfs.c -- "tmpfs", a file system in RAM (mounted at /tmp): files,
 * directories, symlinks, hard links, atomic rename, times and modes.
 *
 * File data lives in 4 KiB pages in a radix tree (tmpfs_pages.c); a page
 * never written is a hole and reads as zeros, so truncate-to-extend and
 * seeking past the end cost nothing.  Directory entries keep their order
 * of creation and carry a cookie, the readdir position, that survives
 * the removal of other entries.  An inode lives while it has a name or
 * a vnode (an open file keeps an unlinked inode alive).
 *
 * Out of memory is ENOSPC for data and new names, as Linux's tmpfs
 * says when it is full.
 */
#include "vfs.h"
#include "tmpfs.h"

#define PG		TPAGE

struct tdent;

struct tnode {
	uint32_t	 mode, nlink, uid, gid;
	uint64_t	 ino;
	int64_t		 size;
	int64_t		 atime, mtime, ctime;
	struct lo_vnode	*vn;		/* while referenced */
	struct lo_mount	*mnt;
	/* regular files */
	struct tpages	 pg;
	/* directories */
	struct tdent	*ents, **tail;
	uint64_t	 cookie;	/* next entry's */
	struct tnode	*parent;
	/* symlinks */
	char		*target;
};

struct tdent {
	struct tdent	*next;
	struct tnode	*tn;
	uint64_t	 cookie;
	size_t		 alloc;
	char		 name[];
};

struct tmpfs {
	uint64_t	 nextino;
};

static const struct lo_vnops tmpfs_vnops;

static struct tnode *
tn_new(struct lo_mount *mp, uint32_t mode)
{
	struct tmpfs *fs = mp->priv;
	struct tnode *tn = lo_zalloc(sizeof(*tn));

	if (tn == NULL)
		return NULL;
	tn->mode = mode;
	tn->ino = fs->nextino++;
	tn->atime = tn->mtime = tn->ctime = vfs_now();
	tn->tail = &tn->ents;
	tn->cookie = 2;
	tn->mnt = mp;
	return tn;
}

static void
tn_free(struct tnode *tn)
{

	tpages_trunc(&tn->pg, 0);
	lo_strfree(tn->target);
	lo_free(tn, sizeof(*tn));
}

/* A name or a vnode gone: free the inode when neither is left. */
static void
tn_maybe_free(struct tnode *tn)
{

	if (tn->nlink == 0 && tn->vn == NULL)
		tn_free(tn);
}

static struct tdent *
dir_find(struct tnode *dir, const char *name, struct tdent ***prevp)
{
	struct tdent **pp, *d;

	for (pp = &dir->ents; (d = *pp) != NULL; pp = &d->next)
		if (strcmp(d->name, name) == 0) {
			if (prevp != NULL)
				*prevp = pp;
			return d;
		}
	return NULL;
}

static int
dir_add(struct tnode *dir, const char *name, struct tnode *tn)
{
	size_t n = strlen(name) + 1;
	struct tdent *d = lo_malloc(sizeof(*d) + n);

	if (d == NULL)
		return -ENOSPC;
	d->next = NULL;
	d->tn = tn;
	d->cookie = dir->cookie++;
	d->alloc = sizeof(*d) + n;
	memcpy(d->name, name, n);
	*dir->tail = d;
	dir->tail = &d->next;
	if ((tn->mode & S_IFMT) == S_IFDIR) {
		dir->nlink++;
		tn->parent = dir;
	}
	tn->nlink++;
	dir->mtime = dir->ctime = vfs_now();
	return 0;
}

/* Takes the entry out of dir; the inode loses a name. */
static void
dir_remove(struct tnode *dir, struct tdent **pp)
{
	struct tdent *d = *pp;
	struct tnode *tn = d->tn;

	*pp = d->next;
	if (dir->tail == &d->next)
		dir->tail = pp;
	lo_free(d, d->alloc);
	dir->mtime = dir->ctime = vfs_now();
	tn->ctime = dir->mtime;
	if ((tn->mode & S_IFMT) == S_IFDIR) {
		dir->nlink--;
		tn->nlink = 0;		/* its "." goes with it */
	} else
		tn->nlink--;
	tn_maybe_free(tn);
}

static int
get_vnode(struct tnode *tn, struct lo_vnode **out)
{

	if (tn->vn != NULL)
		lo_vn_ref(tn->vn);
	else if ((tn->vn = lo_vn_new(tn->mnt, &tmpfs_vnops, tn->mode, tn->ino,
	    tn)) == NULL)
		return -ENOMEM;
	*out = tn->vn;
	return 0;
}

/* ---- names ----------------------------------------------------------- */

static int
t_lookup(struct lo_vnode *dvn, const char *name, struct lo_vnode **out)
{
	struct tdent *d = dir_find(dvn->priv, name, NULL);

	return d == NULL ? -ENOENT : get_vnode(d->tn, out);
}

/* A new inode named `name` in dir. */
static int
t_make(struct lo_vnode *dvn, const char *name, uint32_t mode,
    struct tnode **out)
{
	struct tnode *dir = dvn->priv, *tn;

	if (dir->nlink == 0)
		return -ENOENT;		/* removed while we looked */
	if (dir_find(dir, name, NULL) != NULL)
		return -EEXIST;
	if ((tn = tn_new(dvn->mnt, mode)) == NULL)
		return -ENOSPC;
	if ((mode & S_IFMT) == S_IFDIR)
		tn->nlink = 1;		/* "." (the name adds one) */
	if (dir_add(dir, name, tn) < 0) {
		tn_free(tn);
		return -ENOSPC;
	}
	*out = tn;
	return 0;
}

static int
t_create(struct lo_vnode *dvn, const char *name, uint32_t mode,
    struct lo_vnode **out)
{
	struct tnode *tn;
	int rv;

	if ((rv = t_make(dvn, name, mode, &tn)) < 0)
		return rv;
	return get_vnode(tn, out);
}

static int
t_mkdir(struct lo_vnode *dvn, const char *name, uint32_t mode)
{
	struct tnode *tn;

	return t_make(dvn, name, S_IFDIR | (mode & 07777), &tn);
}

static int
t_symlink(struct lo_vnode *dvn, const char *name, const char *target)
{
	struct tnode *tn;
	char *t = lo_strdup(target);
	int rv;

	if (t == NULL)
		return -ENOSPC;
	if ((rv = t_make(dvn, name, S_IFLNK | 0777, &tn)) < 0) {
		lo_strfree(t);
		return rv;
	}
	tn->target = t;
	tn->size = (int64_t)strlen(t);
	return 0;
}

static int
t_link(struct lo_vnode *dvn, const char *name, struct lo_vnode *vn)
{
	struct tnode *dir = dvn->priv, *tn = vn->priv;
	int rv;

	if (dir->nlink == 0 || tn->nlink == 0)
		return -ENOENT;
	if (dir_find(dir, name, NULL) != NULL)
		return -EEXIST;
	if ((rv = dir_add(dir, name, tn)) == 0)
		tn->ctime = vfs_now();
	return rv;
}

static int
t_unlink(struct lo_vnode *dvn, const char *name)
{
	struct tdent *d, **pp;

	if ((d = dir_find(dvn->priv, name, &pp)) == NULL)
		return -ENOENT;
	if ((d->tn->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	dir_remove(dvn->priv, pp);
	return 0;
}

static int
t_rmdir(struct lo_vnode *dvn, const char *name)
{
	struct tdent *d, **pp;

	if ((d = dir_find(dvn->priv, name, &pp)) == NULL)
		return -ENOENT;
	if ((d->tn->mode & S_IFMT) != S_IFDIR)
		return -ENOTDIR;
	if (d->tn->ents != NULL)
		return -ENOTEMPTY;
	dir_remove(dvn->priv, pp);
	return 0;
}

static int
t_rename(struct lo_vnode *odvn, const char *oname, struct lo_vnode *ndvn,
    const char *nname)
{
	struct tnode *od = odvn->priv, *nd = ndvn->priv, *tn;
	struct tdent *s, *t, **spp, **tpp;
	int isdir;

	if ((s = dir_find(od, oname, &spp)) == NULL)
		return -ENOENT;
	tn = s->tn;
	isdir = (tn->mode & S_IFMT) == S_IFDIR;
	if ((t = dir_find(nd, nname, &tpp)) != NULL) {
		if (t->tn == tn)
			return 0;	/* two names of one inode: no-op */
		if (isdir && (t->tn->mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
		if (!isdir && (t->tn->mode & S_IFMT) == S_IFDIR)
			return -EISDIR;
		if (isdir && t->tn->ents != NULL)
			return -ENOTEMPTY;
	} else if (nd->nlink == 0)
		return -ENOENT;
	/* all checks done: nothing below can fail but the new name */
	if (t == NULL) {
		if (dir_add(nd, nname, tn) < 0)
			return -ENOSPC;
	} else {
		struct tnode *old = t->tn;
		t->tn = tn;	/* the atomic replacement */
		tn->nlink++;
		if (isdir) {
			old->nlink = 0;
			tn->parent = nd;
		} else
			old->nlink--;
		old->ctime = vfs_now();
		tn_maybe_free(old);
	}
	/* the old name goes; s and spp are still good: entries were only
	 * appended or had their inode replaced */
	*spp = s->next;
	if (od->tail == &s->next)
		od->tail = spp;
	lo_free(s, s->alloc);
	tn->nlink--;
	if (isdir) {
		od->nlink--;
		tn->parent = nd;
	}
	od->mtime = od->ctime = nd->mtime = nd->ctime = tn->ctime =
	    vfs_now();
	return 0;
}

/* ---- attributes and data ---------------------------------------------- */

static int
t_readlink(struct lo_vnode *vn, char *buf, size_t len)
{
	struct tnode *tn = vn->priv;
	size_t n;

	if (tn->target == NULL)
		return -EINVAL;
	n = strlen(tn->target);
	if (len > n)
		len = n;
	memcpy(buf, tn->target, len);
	return (int)len;
}

static int
t_getattr(struct lo_vnode *vn, struct lo_attr *a)
{
	struct tnode *tn = vn->priv;
	struct tdent *d;
	int64_t n = 0;

	a->mode = tn->mode;
	a->nlink = tn->nlink;
	a->uid = tn->uid;
	a->gid = tn->gid;
	a->ino = tn->ino;
	a->size = tn->size;
	if ((tn->mode & S_IFMT) == S_IFDIR) {
		/* Linux's tmpfs: 20 per entry, plus 40 */
		for (d = tn->ents; d != NULL; d = d->next)
			n++;
		a->size = 40 + 20 * n;
	}
	a->blocks = (int64_t)tn->pg.nalloc * (PG / 512);
	a->blksize = PG;
	a->atime_ns = tn->atime;
	a->mtime_ns = tn->mtime;
	a->ctime_ns = tn->ctime;
	return 0;
}

/* Resizes a regular file: the tail of the last page is zeroed so that
 * growing again shows zeros. */
static int
t_resize(struct tnode *tn, int64_t size)
{
	char *p;

	if (size < tn->size) {
		tpages_trunc(&tn->pg, (uint64_t)(size + PG - 1) / PG);
		if (size % PG != 0 &&
		    (p = (char *)tpages_get(&tn->pg, (uint64_t)size / PG)) != NULL)
			memset(p + size % PG, 0, PG - (size_t)(size % PG));
	}
	tn->size = size;
	return 0;
}

static int
t_setattr(struct lo_vnode *vn, const struct lo_attr *a, int mask)
{
	struct tnode *tn = vn->priv;
	int64_t now = vfs_now();

	if (mask & LO_SETATTR_SIZE) {
		if ((tn->mode & S_IFMT) == S_IFDIR)
			return -EISDIR;
		if ((tn->mode & S_IFMT) != S_IFREG)
			return -EINVAL;
		if (a->size < 0)
			return -EINVAL;
		t_resize(tn, a->size);
		tn->mtime = now;
	}
	if (mask & LO_SETATTR_MODE)
		tn->mode = (tn->mode & S_IFMT) | (a->mode & 07777);
	if (mask & LO_SETATTR_OWNER) {
		tn->uid = a->uid;
		tn->gid = a->gid;
	}
	if (mask & LO_SETATTR_ATIME)
		tn->atime = a->atime_ns;
	if (mask & LO_SETATTR_MTIME)
		tn->mtime = a->mtime_ns;
	tn->ctime = now;
	return 0;
}

static ssize_t
t_read(struct lo_vnode *vn, void *buf, size_t len, int64_t off)
{
	struct tnode *tn = vn->priv;
	size_t done = 0, n, po;
	const char *p;
	int64_t pi;

	if ((tn->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	if (off < 0 || off >= tn->size)
		return 0;
	if ((int64_t)len > tn->size - off)
		len = (size_t)(tn->size - off);
	while (done < len) {
		pi = (off + (int64_t)done) / PG;
		po = (size_t)((off + (int64_t)done) % PG);
		n = PG - po < len - done ? PG - po : len - done;
		if ((p = tpages_get(&tn->pg, (uint64_t)pi)) != NULL)
			memcpy((char *)buf + done, p + po, n);
		else
			memset((char *)buf + done, 0, n);	/* a hole */
		done += n;
	}
	/* relatime, Linux's default: only when atime is behind the other
	 * times or a day old, so reads do not cost a clock read each */
	if (tn->atime <= tn->mtime || tn->atime <= tn->ctime) {
		tn->atime = vfs_now();
	} else {
		int64_t now = vfs_now();
		if (now - tn->atime >= 86400LL * 1000000000)
			tn->atime = now;
	}
	return (ssize_t)len;
}

#define TMPFS_MAXSIZE	INT64_MAX	/* Linux's MAX_LFS_FILESIZE */

static ssize_t
t_write(struct lo_vnode *vn, const void *buf, size_t len, int64_t off)
{
	struct tnode *tn = vn->priv;
	size_t done = 0, n, po;
	int64_t pi;
	char *p;

	if ((tn->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	if (off >= TMPFS_MAXSIZE)
		return -EFBIG;
	if ((int64_t)len > TMPFS_MAXSIZE - off)
		len = (size_t)(TMPFS_MAXSIZE - off);
	while (done < len) {
		pi = (off + (int64_t)done) / PG;
		po = (size_t)((off + (int64_t)done) % PG);
		n = PG - po < len - done ? PG - po : len - done;
		if ((p = tpages_make(&tn->pg, (uint64_t)pi)) == NULL)
			break;
		memcpy(p + po, (const char *)buf + done, n);
		done += n;
	}
	if (done == 0 && len > 0)
		return -ENOSPC;
	if (off + (int64_t)done > tn->size)
		tn->size = off + (int64_t)done;
	tn->mtime = tn->ctime = vfs_now();
	return (ssize_t)done;
}

static int
t_readdir(struct lo_vnode *vn, int64_t *pos, lo_filldir fill, void *ctx)
{
	struct tnode *tn = vn->priv;
	struct tdent *d;

	if (*pos == 0) {
		if (fill(ctx, ".", 1, tn->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		struct tnode *up = tn->parent != NULL ? tn->parent : tn;
		if (fill(ctx, "..", 2, up->ino, DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	for (d = tn->ents; d != NULL; d = d->next) {
		if ((int64_t)d->cookie < *pos)
			continue;
		if (fill(ctx, d->name, strlen(d->name), d->tn->ino,
		    VFS_DTYPE(d->tn->mode), (int64_t)d->cookie + 1))
			return 0;
		*pos = (int64_t)d->cookie + 1;
	}
	return 0;
}

static int
t_fsync(struct lo_vnode *vn, int datasync)
{

	return 0;		/* RAM: as durable as it gets */
}

static void
t_inactive(struct lo_vnode *vn)
{
	struct tnode *tn = vn->priv;

	tn->vn = NULL;
	tn_maybe_free(tn);
}

static const struct lo_vnops tmpfs_vnops = {
	.lookup = t_lookup,
	.create = t_create,
	.mkdir = t_mkdir,
	.unlink = t_unlink,
	.rmdir = t_rmdir,
	.rename = t_rename,
	.symlink = t_symlink,
	.link = t_link,
	.readlink = t_readlink,
	.getattr = t_getattr,
	.setattr = t_setattr,
	.read = t_read,
	.write = t_write,
	.fsync = t_fsync,
	.readdir = t_readdir,
	.inactive = t_inactive,
};

static int
tmpfs_mount(struct lo_mount *mp, const char *source, int flags,
    const char *opts, struct lo_vnode **root)
{
	struct tmpfs *fs = lo_zalloc(sizeof(*fs));
	struct tnode *tn;

	if (fs == NULL)
		return -ENOMEM;
	fs->nextino = 1;
	mp->priv = fs;
	if ((tn = tn_new(mp, S_IFDIR | 01777)) == NULL)
		return -ENOMEM;
	tn->nlink = 2;
	return get_vnode(tn, root);
}

static int
tmpfs_sync(struct lo_mount *mp)
{

	return 0;
}

const struct lo_fstype vfs_tmpfs = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
	.sync = tmpfs_sync,
};
