/*
 * sys_dir.c -- the system calls on names and directories: mkdir, rmdir,
 * unlink, rename, link, symlink, readlink (and their *at forms),
 * getdents64/getdents, getcwd, chdir, fchdir.
 *
 * A last component of ".", ".." or the root itself is refused here with
 * Linux's errno for each call, so file systems only see plain names.
 */
#include "vfs.h"

static int
isdotname(const struct nd *nd)
{

	return nd->name[0] == '/' || (nd->name[0] == '.' &&
	    (nd->name[1] == '\0' || (nd->name[1] == '.' &&
	    nd->name[2] == '\0')));
}

/* ---- mkdir ---------------------------------------------------------------- */

static long
sys_mkdirat(long dirfd, long path, long mode)
{
	struct nd nd;
	int rv;

	if ((rv = vfs_namei((int)dirfd, (const char *)path, ND_PARENT, &nd)) < 0)
		return rv;
	if (nd.vp != NULL)
		rv = -EEXIST;
	else if (vfs_rdonly(nd.dvp))
		rv = -EROFS;
	else if (nd.dvp->ops->mkdir == NULL)
		rv = -EPERM;
	else
		rv = nd.dvp->ops->mkdir(nd.dvp, nd.name,
		    S_IFDIR | ((uint32_t)mode & 07777 & ~vfs_umask()));
	vfs_nd_done(&nd);
	return rv;
}

/* mknod: regular files only; device nodes, FIFOs and sockets in a file
 * system need what libos does not have (EPERM, as for a user without
 * CAP_MKNOD). */
static long
sys_mknodat(long dirfd, long path, long mode, long dev)
{
	struct lo_vnode *vp;
	struct nd nd;
	int rv;

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		break;
	case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return -EPERM;
	default:
		return -EINVAL;
	}
	if ((rv = vfs_namei((int)dirfd, (const char *)path, ND_PARENT, &nd)) < 0)
		return rv;
	if (nd.vp != NULL)
		rv = -EEXIST;
	else if (nd.slash)
		rv = -ENOENT;
	else if (vfs_rdonly(nd.dvp))
		rv = -EROFS;
	else if (nd.dvp->ops->create == NULL)
		rv = -EPERM;
	else if ((rv = nd.dvp->ops->create(nd.dvp, nd.name, S_IFREG |
	    ((uint32_t)mode & 07777 & ~vfs_umask()), &vp)) == 0)
		lo_vn_rele(vp);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_mknod(long path, long mode, long dev)
{

	return sys_mknodat(AT_FDCWD, path, mode, dev);
}

static long
sys_mkdir(long path, long mode)
{

	return sys_mkdirat(AT_FDCWD, path, mode);
}

/* ---- unlink / rmdir -------------------------------------------------------- */

static int
do_rmdir(struct nd *nd)
{

	if (nd->name[0] == '/' || nd->mounted)
		return -EBUSY;
	if (strcmp(nd->name, ".") == 0)
		return -EINVAL;
	if (strcmp(nd->name, "..") == 0)
		return -ENOTEMPTY;
	if ((nd->vp->mode & S_IFMT) != S_IFDIR)
		return -ENOTDIR;
	if (vfs_rdonly(nd->dvp))
		return -EROFS;
	return nd->dvp->ops->rmdir != NULL ?
	    nd->dvp->ops->rmdir(nd->dvp, nd->name) : -EPERM;
}

static int
do_unlink(struct nd *nd)
{

	if (isdotname(nd) || (nd->vp->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if (nd->slash)
		return -ENOTDIR;
	if (vfs_rdonly(nd->dvp))
		return -EROFS;
	return nd->dvp->ops->unlink != NULL ?
	    nd->dvp->ops->unlink(nd->dvp, nd->name) : -EPERM;
}

static long
sys_unlinkat(long dirfd, long path, long flags)
{
	struct nd nd;
	int rv;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if ((rv = vfs_namei((int)dirfd, (const char *)path, ND_PARENT, &nd)) < 0)
		return rv;
	if (nd.vp == NULL)
		rv = -ENOENT;
	else if (flags & AT_REMOVEDIR)
		rv = do_rmdir(&nd);
	else
		rv = do_unlink(&nd);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_unlink(long path)
{

	return sys_unlinkat(AT_FDCWD, path, 0);
}

static long
sys_rmdir(long path)
{

	return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* ---- rename ------------------------------------------------------------------ */

static int
do_rename(struct nd *o, struct nd *n, int flags)
{
	size_t ol;
	int odir, rv;

	if (o->vp == NULL)
		return -ENOENT;
	if (isdotname(o) || o->mounted || n->mounted)
		return -EBUSY;
	if (isdotname(n))
		return (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	odir = (o->vp->mode & S_IFMT) == S_IFDIR;
	if (!odir && (o->slash || n->slash))
		return -ENOTDIR;
	if (o->dvp->mnt != n->dvp->mnt)
		return -EXDEV;
	if (n->vp != NULL && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (n->vp != NULL && n->vp->mnt == o->vp->mnt &&
	    n->vp->ino == o->vp->ino)
		return 0;			/* the same file */
	if (n->vp != NULL) {
		int ndir = (n->vp->mode & S_IFMT) == S_IFDIR;
		if (odir && !ndir)
			return -ENOTDIR;
		if (!odir && ndir)
			return -EISDIR;
	}
	/* a directory into itself */
	ol = strlen(o->path);
	if (odir && strncmp(n->path, o->path, ol) == 0 &&
	    (n->path[ol] == '/' || ol == 1))
		return -EINVAL;
	if (vfs_rdonly(o->dvp))
		return -EROFS;
	if (o->dvp->ops->rename == NULL)
		return -EPERM;
	rv = o->dvp->ops->rename(o->dvp, o->name, n->dvp, n->name);
	if (rv == 0 && odir)
		vfs_path_moved(o->path, n->path);
	return rv;
}

static long
sys_renameat2(long odirfd, long opath, long ndirfd, long npath, long flags)
{
	struct nd o, n;
	int rv;

	if (flags & ~(long)(RENAME_NOREPLACE | RENAME_EXCHANGE |
	    RENAME_WHITEOUT))
		return -EINVAL;
	if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
		return (flags & RENAME_NOREPLACE) ? -EINVAL : -EOPNOTSUPP;
	if ((rv = vfs_namei((int)odirfd, (const char *)opath, ND_PARENT,
	    &o)) < 0)
		return rv;
	if ((rv = vfs_namei((int)ndirfd, (const char *)npath, ND_PARENT,
	    &n)) < 0) {
		vfs_nd_done(&o);
		return rv;
	}
	rv = do_rename(&o, &n, (int)flags);
	vfs_nd_done(&o);
	vfs_nd_done(&n);
	return rv;
}

static long
sys_renameat(long odirfd, long opath, long ndirfd, long npath)
{

	return sys_renameat2(odirfd, opath, ndirfd, npath, 0);
}

static long
sys_rename(long opath, long npath)
{

	return sys_renameat2(AT_FDCWD, opath, AT_FDCWD, npath, 0);
}

/* ---- links ------------------------------------------------------------------ */

static long
sys_symlinkat(long target, long dirfd, long path)
{
	char *t;
	struct nd nd;
	int rv;

	if ((t = lo_malloc(VFS_PATH_MAX)) == NULL)
		return -ENOMEM;
	if ((rv = vfs_getpath((const char *)target, t, 0)) < 0) {
		lo_free(t, VFS_PATH_MAX);
		return rv;
	}
	if ((rv = vfs_namei((int)dirfd, (const char *)path, ND_PARENT,
	    &nd)) == 0) {
		if (nd.vp != NULL)
			rv = -EEXIST;
		else if (nd.slash)
			rv = -ENOENT;
		else if (vfs_rdonly(nd.dvp))
			rv = -EROFS;
		else if (nd.dvp->ops->symlink == NULL)
			rv = -EPERM;
		else
			rv = nd.dvp->ops->symlink(nd.dvp, nd.name, t);
		vfs_nd_done(&nd);
	}
	lo_free(t, VFS_PATH_MAX);
	return rv;
}

static long
sys_symlink(long target, long path)
{

	return sys_symlinkat(target, AT_FDCWD, path);
}

static long
sys_readlinkat(long dirfd, long path, long buf, long size)
{
	struct nd nd;
	int rv;

	if (size <= 0)
		return -EINVAL;
	if ((rv = vfs_namei((int)dirfd, (const char *)path, ND_EMPTY,
	    &nd)) < 0)
		return rv;
	if ((nd.vp->mode & S_IFMT) != S_IFLNK || nd.vp->ops->readlink == NULL)
		rv = ((const char *)path)[0] == '\0' ? -ENOENT : -EINVAL;
	else if (LO_BADPTR(buf))
		rv = -EFAULT;
	else
		rv = nd.vp->ops->readlink(nd.vp, (char *)buf, (size_t)size);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_readlink(long path, long buf, long size)
{

	return sys_readlinkat(AT_FDCWD, path, buf, size);
}

static long
sys_linkat(long odirfd, long opath, long ndirfd, long npath, long flags)
{
	struct nd o, n;
	int rv;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((rv = vfs_namei((int)odirfd, (const char *)opath,
	    ((flags & AT_SYMLINK_FOLLOW) ? ND_FOLLOW : 0) |
	    ((flags & AT_EMPTY_PATH) ? ND_EMPTY : 0), &o)) < 0)
		return rv;
	if ((rv = vfs_namei((int)ndirfd, (const char *)npath, ND_PARENT,
	    &n)) < 0) {
		vfs_nd_done(&o);
		return rv;
	}
	if (n.vp != NULL)
		rv = -EEXIST;
	else if ((o.vp->mode & S_IFMT) == S_IFDIR || o.magicfd >= 0)
		rv = -EPERM;
	else if (o.vp->mnt != n.dvp->mnt)
		rv = -EXDEV;
	else if (n.slash)
		rv = -ENOENT;
	else if (vfs_rdonly(n.dvp))
		rv = -EROFS;
	else if (n.dvp->ops->link == NULL)
		rv = -EPERM;
	else
		rv = n.dvp->ops->link(n.dvp, n.name, o.vp);
	vfs_nd_done(&o);
	vfs_nd_done(&n);
	return rv;
}

static long
sys_link(long opath, long npath)
{

	return sys_linkat(AT_FDCWD, opath, AT_FDCWD, npath, 0);
}

LO_SYSCALL(mkdir, sys_mkdir);
LO_SYSCALL(mkdirat, sys_mkdirat);
LO_SYSCALL(mknod, sys_mknod);
LO_SYSCALL(mknodat, sys_mknodat);
LO_SYSCALL(rmdir, sys_rmdir);
LO_SYSCALL(unlink, sys_unlink);
LO_SYSCALL(unlinkat, sys_unlinkat);
LO_SYSCALL(rename, sys_rename);
LO_SYSCALL(renameat, sys_renameat);
LO_SYSCALL(renameat2, sys_renameat2);
LO_SYSCALL(symlink, sys_symlink);
LO_SYSCALL(symlinkat, sys_symlinkat);
LO_SYSCALL(readlink, sys_readlink);
LO_SYSCALL(readlinkat, sys_readlinkat);
LO_SYSCALL(link, sys_link);
LO_SYSCALL(linkat, sys_linkat);

/* ---- getdents ---------------------------------------------------------------- */

struct dctx {
	char	*buf;
	size_t	 len, used;
	int	 old;		/* getdents: struct linux_dirent */
	int	 full;		/* an entry did not fit */
};

static int
fill(void *arg, const char *name, size_t namelen, uint64_t ino, int dtype,
    int64_t nextpos)
{
	struct dctx *c = arg;
	size_t rec;
	char *p;

	if (c->old)	/* ino, off, reclen, name, NUL, pad, type */
		rec = (8 + 8 + 2 + namelen + 2 + 7) & ~(size_t)7;
	else
		rec = (sizeof(struct vfs_dirent64) + namelen + 1 + 7) &
		    ~(size_t)7;
	if (c->used + rec > c->len) {
		c->full = 1;
		return 1;
	}
	p = c->buf + c->used;
	memset(p, 0, rec);
	if (c->old) {
		memcpy(p, &ino, 8);
		memcpy(p + 8, &nextpos, 8);
		memcpy(p + 16, &(uint16_t){ (uint16_t)rec }, 2);
		memcpy(p + 18, name, namelen);
		p[rec - 1] = (char)dtype;
	} else {
		struct vfs_dirent64 *d = (struct vfs_dirent64 *)p;
		d->d_ino = ino;
		d->d_off = nextpos;
		d->d_reclen = (uint16_t)rec;
		d->d_type = (uint8_t)dtype;
		memcpy(d->d_name, name, namelen);
	}
	c->used += rec;
	return 0;
}

static long
do_getdents(long fd, long buf, long count, int old)
{
	struct dctx c = { (char *)buf, (size_t)count, 0, old, 0 };
	struct lo_file *f;
	int64_t pos;
	int rv;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->vn == NULL || f->ops != &vfs_fileops || (f->flags & O_PATH))
		rv = (f->flags & O_PATH) ? -EBADF : -ENOTDIR;
	else if ((f->vn->mode & S_IFMT) != S_IFDIR ||
	    f->vn->ops->readdir == NULL)
		rv = -ENOTDIR;
	else if (LO_BADPTR(buf))
		rv = -EFAULT;
	else {
		pos = f->off;
		rv = f->vn->ops->readdir(f->vn, &pos, fill, &c);
		if (rv == 0) {
			f->off = pos;
			/* an entry was there but did not fit: EINVAL */
			rv = c.used == 0 && c.full ? -EINVAL : (int)c.used;
		}
	}
	lo_file_rele(f);
	return rv;
}

static long
sys_getdents64(long fd, long buf, long count)
{

	return do_getdents(fd, buf, count, 0);
}

static long
sys_getdents(long fd, long buf, long count)
{

	return do_getdents(fd, buf, count, 1);
}

LO_SYSCALL(getdents64, sys_getdents64);
LO_SYSCALL(getdents, sys_getdents);

/* ---- the cwd --------------------------------------------------------------- */

static long
sys_getcwd(long buf, long size)
{
	const char *p;
	struct lo_vnode *vn = vfs_cwd(&p), *now;
	size_t n = strlen(p) + 1;
	int gone;

	/* a removed cwd has no name any more: ENOENT, as Linux */
	gone = vfs_walk_canon(p, &now) < 0;
	if (!gone) {
		gone = now->mnt != vn->mnt || now->ino != vn->ino;
		lo_vn_rele(now);
	}
	lo_vn_rele(vn);
	if (gone)
		return -ENOENT;
	if (LO_BADPTR(buf))
		return -EFAULT;
	if ((size_t)size < n)
		return -ERANGE;
	memcpy((void *)buf, p, n);
	return (long)n;
}

static long
sys_chdir(long path)
{
	struct nd nd;
	int rv;

	if ((rv = vfs_namei(AT_FDCWD, (const char *)path, ND_FOLLOW, &nd)) < 0)
		return rv;
	if (nd.magicfd >= 0 || (nd.vp->mode & S_IFMT) != S_IFDIR)
		rv = -ENOTDIR;
	else
		vfs_set_cwd(nd.vp, nd.path);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_fchdir(long fd)
{
	struct lo_file *f;
	int rv = 0;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->vn == NULL || f->ops != &vfs_fileops ||
	    (f->vn->mode & S_IFMT) != S_IFDIR)
		rv = -ENOTDIR;
	else
		vfs_set_cwd(f->vn, ((struct vfile *)f->priv)->path);
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(getcwd, sys_getcwd);
LO_SYSCALL(chdir, sys_chdir);
LO_SYSCALL(fchdir, sys_fchdir);
