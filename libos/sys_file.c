/*
 * sys_file.c -- the system calls on files by name or fd: open, the stat
 * family, access, truncate, chmod/chown, utimensat, sync, statfs,
 * sendfile and the advice calls.  Linux's checks in Linux's order, so
 * the errno values match (a missing name before a read-only mount ...).
 */
#include "vfs.h"
#include <linux/magic.h>
#include <asm/statfs.h>

static uint32_t umask_ = 022;

uint32_t
vfs_umask(void)
{

	return umask_;
}

static long
sys_umask(long mask)
{
	uint32_t old = umask_;

	umask_ = (uint32_t)mask & 0777;
	return old;
}

/* ---- open ---------------------------------------------------------------- */

#define OPEN_VALID	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | \
	O_APPEND | O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | \
	O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | __O_SYNC | \
	O_PATH | __O_TMPFILE)

static long
sys_openat(long dirfd, long path, long flags, long mode)
{
	struct nd nd;
	int nf = 0, rv;

	if (flags & __O_TMPFILE)
		return -EOPNOTSUPP;
	flags &= OPEN_VALID;
	/* Linux 6.4 on: never a regular file made by an O_DIRECTORY open */
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
	if (!(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
		nf |= ND_FOLLOW;
	if (flags & O_CREAT)
		nf |= ND_PARENT;
	if ((rv = vfs_namei((int)dirfd, (const char *)path, nf, &nd)) < 0)
		return rv;
	if ((flags & O_CREAT) && (nd.slash || (nd.vp != NULL &&
	    nd.name[0] == '/' && !(flags & O_EXCL))))
		rv = -EISDIR;
	else
		rv = vfs_open_nd(&nd, (int)flags, (uint32_t)mode);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_open(long path, long flags, long mode)
{

	return sys_openat(AT_FDCWD, path, flags, mode);
}

static long
sys_creat(long path, long mode)
{

	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

LO_SYSCALL(open, sys_open);
LO_SYSCALL(openat, sys_openat);
LO_SYSCALL(creat, sys_creat);
LO_SYSCALL(umask, sys_umask);

/* ---- stat ------------------------------------------------------------------ */

/* The attributes of what (dirfd, path, flags) names; for an fd that is
 * not a vnode (console, pipe, socket) its file's stat op. */
static int
stat_fd(int fd, struct stat *st)
{
	struct lo_file *f = lo_fd_get(fd);
	int rv;

	if (f == NULL)
		return -EBADF;
	if (f->ops->stat != NULL)
		rv = f->ops->stat(f, st);
	else {
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFIFO | 0600;
		st->st_nlink = 1;
		st->st_blksize = 4096;
		rv = 0;
	}
	lo_file_rele(f);
	return rv;
}

static int
stat_at(int dirfd, const char *path, int flags, struct stat *st)
{
	struct nd nd;
	struct lo_attr a;
	int rv, nf = 0;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
	    AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (LO_BADPTR(path))
		return -EFAULT;
	if ((flags & AT_EMPTY_PATH) && path[0] == '\0' && dirfd != AT_FDCWD)
		return stat_fd(dirfd, st);
	if (!(flags & AT_SYMLINK_NOFOLLOW))
		nf |= ND_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		nf |= ND_EMPTY;
	if ((rv = vfs_namei(dirfd, path, nf, &nd)) < 0)
		return rv;
	if (nd.magicfd >= 0)
		rv = stat_fd(nd.magicfd, st);
	else if ((rv = vfs_getattr(nd.vp, &a)) == 0) {
		vfs_stat_fill(&a, st);
		st->st_dev = nd.vp->mnt->dev;
	}
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_newfstatat(long dirfd, long path, long st, long flags)
{
	struct stat s;
	int rv;

	if ((rv = stat_at((int)dirfd, (const char *)path, (int)flags, &s)) < 0)
		return rv;
	if (LO_BADPTR(st))
		return -EFAULT;
	memcpy((void *)st, &s, sizeof(s));
	return 0;
}

static long
sys_stat(long path, long st)
{

	return sys_newfstatat(AT_FDCWD, path, st, 0);
}

static long
sys_lstat(long path, long st)
{

	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

static long
sys_fstat(long fd, long st)
{
	struct stat s;
	int rv;

	if ((rv = stat_fd((int)fd, &s)) < 0)
		return rv;
	if (LO_BADPTR(st))
		return -EFAULT;
	memcpy((void *)st, &s, sizeof(s));
	return 0;
}

static void
ts(struct statx_timestamp *t, long sec, long nsec)
{

	t->tv_sec = sec;
	t->tv_nsec = (uint32_t)nsec;
}

static long
sys_statx(long dirfd, long path, long flags, long mask, long buf)
{
	struct statx x;
	struct stat s;
	int rv;

	if ((uint32_t)mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if ((rv = stat_at((int)dirfd, (const char *)path, (int)flags, &s)) < 0)
		return rv;
	if (LO_BADPTR(buf))
		return -EFAULT;
	memset(&x, 0, sizeof(x));
	x.stx_mask = STATX_BASIC_STATS;
	x.stx_blksize = (uint32_t)s.st_blksize;
	x.stx_nlink = (uint32_t)s.st_nlink;
	x.stx_uid = s.st_uid;
	x.stx_gid = s.st_gid;
	x.stx_mode = (uint16_t)s.st_mode;
	x.stx_ino = s.st_ino;
	x.stx_size = (uint64_t)s.st_size;
	x.stx_blocks = (uint64_t)s.st_blocks;
	ts(&x.stx_atime, (long)s.st_atime, (long)s.st_atime_nsec);
	ts(&x.stx_mtime, (long)s.st_mtime, (long)s.st_mtime_nsec);
	ts(&x.stx_ctime, (long)s.st_ctime, (long)s.st_ctime_nsec);
	x.stx_rdev_major = (uint32_t)((s.st_rdev >> 8) & 0xfff);
	x.stx_rdev_minor = (uint32_t)((s.st_rdev & 0xff) |
	    ((s.st_rdev >> 12) & ~0xffUL));
	x.stx_dev_major = (uint32_t)((s.st_dev >> 8) & 0xfff);
	x.stx_dev_minor = (uint32_t)((s.st_dev & 0xff) |
	    ((s.st_dev >> 12) & ~0xffUL));
	memcpy((void *)buf, &x, sizeof(x));
	return 0;
}

LO_SYSCALL(stat, sys_stat);
LO_SYSCALL(lstat, sys_lstat);
LO_SYSCALL(fstat, sys_fstat);
LO_SYSCALL(newfstatat, sys_newfstatat);
LO_SYSCALL(statx, sys_statx);

/* ---- access ------------------------------------------------------------------ */

static long
sys_faccessat2(long dirfd, long path, long mode, long flags)
{
	struct nd nd;
	struct lo_attr a;
	int rv, type;

	if (mode & ~7L)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rv = vfs_namei((int)dirfd, (const char *)path,
	    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : ND_FOLLOW) |
	    ((flags & AT_EMPTY_PATH) ? ND_EMPTY : 0), &nd);
	if (rv < 0)
		return rv;
	if (nd.magicfd < 0 && (rv = vfs_getattr(nd.vp, &a)) == 0) {
		type = a.mode & S_IFMT;
		/* root: anything but running a file no one may run */
		if ((mode & 2) && vfs_rdonly(nd.vp) && (type == S_IFREG ||
		    type == S_IFDIR || type == S_IFLNK))
			rv = -EROFS;
		else if ((mode & 1) && type != S_IFDIR && !(a.mode & 0111))
			rv = -EACCES;
	}
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_faccessat(long dirfd, long path, long mode)
{

	return sys_faccessat2(dirfd, path, mode, 0);
}

static long
sys_access(long path, long mode)
{

	return sys_faccessat2(AT_FDCWD, path, mode, 0);
}

LO_SYSCALL(access, sys_access);
LO_SYSCALL(faccessat, sys_faccessat);
LO_SYSCALL(faccessat2, sys_faccessat2);

/* ---- attributes by name or fd -------------------------------------------- */

/* setattr on the object named or on an fd's vnode (path == NULL). */
static int
setattr_on(struct lo_vnode *vp, const struct lo_attr *a, int mask)
{

	if (vfs_rdonly(vp))
		return -EROFS;
	if (vp->ops->setattr == NULL)
		return -EPERM;
	return vp->ops->setattr(vp, a, mask);
}

static int
setattr_at(int dirfd, const char *path, int nf, const struct lo_attr *a,
    int mask)
{
	struct nd nd;
	int rv;

	if ((rv = vfs_namei(dirfd, path, nf, &nd)) < 0)
		return rv;
	if (nd.magicfd >= 0)
		rv = 0;			/* the console: nothing to change */
	else
		rv = setattr_on(nd.vp, a, mask);
	vfs_nd_done(&nd);
	return rv;
}

static int
setattr_fd(int fd, const struct lo_attr *a, int mask, int needwrite)
{
	struct lo_file *f;
	int rv;

	if ((f = lo_fd_get(fd)) == NULL)
		return -EBADF;
	if (f->flags & O_PATH)
		rv = -EBADF;
	else if (f->vn == NULL)
		rv = needwrite ? -EINVAL : 0;
	else if (needwrite && (f->flags & O_ACCMODE) == O_RDONLY)
		rv = -EINVAL;
	else
		rv = setattr_on(f->vn, a, mask);
	lo_file_rele(f);
	return rv;
}

static long
sys_fchmodat(long dirfd, long path, long mode)
{
	struct lo_attr a = { .mode = (uint32_t)mode };

	return setattr_at((int)dirfd, (const char *)path, ND_FOLLOW, &a,
	    LO_SETATTR_MODE);
}

static long
sys_chmod(long path, long mode)
{

	return sys_fchmodat(AT_FDCWD, path, mode);
}

static long
sys_fchmod(long fd, long mode)
{
	struct lo_attr a = { .mode = (uint32_t)mode };

	return setattr_fd((int)fd, &a, LO_SETATTR_MODE, 0);
}

/* uid/gid -1 keep the old value. */
static int
owner_attr(struct lo_vnode *vp, long uid, long gid, struct lo_attr *a)
{
	int rv;

	if ((rv = vfs_getattr(vp, a)) < 0)
		return rv;
	if ((uint32_t)uid != (uint32_t)-1)
		a->uid = (uint32_t)uid;
	if ((uint32_t)gid != (uint32_t)-1)
		a->gid = (uint32_t)gid;
	return 0;
}

static long
sys_fchownat(long dirfd, long path, long uid, long gid, long flags)
{
	struct lo_attr a;
	struct nd nd;
	int rv;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rv = vfs_namei((int)dirfd, (const char *)path,
	    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : ND_FOLLOW) |
	    ((flags & AT_EMPTY_PATH) ? ND_EMPTY : 0), &nd);
	if (rv < 0)
		return rv;
	if (nd.magicfd < 0 && (rv = owner_attr(nd.vp, uid, gid, &a)) == 0)
		rv = setattr_on(nd.vp, &a, LO_SETATTR_OWNER);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_chown(long path, long uid, long gid)
{

	return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

static long
sys_lchown(long path, long uid, long gid)
{

	return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

static long
sys_fchown(long fd, long uid, long gid)
{
	struct lo_file *f;
	struct lo_attr a;
	int rv;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->flags & O_PATH)
		rv = -EBADF;
	else if (f->vn == NULL)
		rv = 0;
	else if ((rv = owner_attr(f->vn, uid, gid, &a)) == 0)
		rv = setattr_on(f->vn, &a, LO_SETATTR_OWNER);
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(chmod, sys_chmod);
LO_SYSCALL(fchmod, sys_fchmod);
LO_SYSCALL(fchmodat, sys_fchmodat);
LO_SYSCALL(chown, sys_chown);
LO_SYSCALL(lchown, sys_lchown);
LO_SYSCALL(fchown, sys_fchown);
LO_SYSCALL(fchownat, sys_fchownat);

/* ---- truncate ------------------------------------------------------------- */

static int
trunc_check(struct lo_vnode *vp)
{

	if ((vp->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if ((vp->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return 0;
}

static long
sys_truncate(long path, long len)
{
	struct lo_attr a = { .size = len };
	struct nd nd;
	int rv;

	if (len < 0)
		return -EINVAL;
	if ((rv = vfs_namei(AT_FDCWD, (const char *)path, ND_FOLLOW, &nd)) < 0)
		return rv;
	if (nd.magicfd >= 0)
		rv = -EINVAL;
	else if ((rv = trunc_check(nd.vp)) == 0)
		rv = setattr_on(nd.vp, &a, LO_SETATTR_SIZE);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_ftruncate(long fd, long len)
{
	struct lo_attr a = { .size = len };
	struct lo_file *f;
	int rv;

	if (len < 0)
		return -EINVAL;
	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->flags & O_PATH)
		rv = -EBADF;
	else if (f->vn == NULL || (f->vn->mode & S_IFMT) != S_IFREG ||
	    (f->flags & O_ACCMODE) == O_RDONLY)
		rv = -EINVAL;
	else
		rv = setattr_on(f->vn, &a, LO_SETATTR_SIZE);
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(truncate, sys_truncate);
LO_SYSCALL(ftruncate, sys_ftruncate);
