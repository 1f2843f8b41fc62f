/*
 * sys_fileio.c -- file system calls about times, durability, space and
 * copying: utimensat (and the older futimesat/utimes/utime), fsync,
 * fdatasync, sync, syncfs, statfs, fstatfs, sendfile, fadvise64,
 * fallocate, readahead.
 */
#include "vfs.h"
#include <linux/magic.h>
#include <asm/statfs.h>
#include <linux/time.h>
#include <linux/utime.h>

#define UTIME_NOW	((1L << 30) - 1L)
#define UTIME_OMIT	((1L << 30) - 2L)

/* ---- times ------------------------------------------------------------- */

static int
times_attr(const struct timespec *t, struct lo_attr *a, int *mask)
{
	int64_t now = vfs_now();
	int i;

	*mask = 0;
	for (i = 0; i < 2; i++) {
		int64_t v;
		if (t == NULL || t[i].tv_nsec == UTIME_NOW)
			v = now;
		else if (t[i].tv_nsec == UTIME_OMIT)
			continue;
		else if (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000)
			return -EINVAL;
		else
			v = (int64_t)t[i].tv_sec * 1000000000 + t[i].tv_nsec;
		if (i == 0)
			a->atime_ns = v;
		else
			a->mtime_ns = v;
		*mask |= i == 0 ? LO_SETATTR_ATIME : LO_SETATTR_MTIME;
	}
	return 0;
}

static int
utimes_vn(struct lo_vnode *vp, const struct timespec *t)
{
	struct lo_attr a;
	int mask, rv;

	memset(&a, 0, sizeof(a));
	if ((rv = times_attr(t, &a, &mask)) < 0)
		return rv;
	if (vfs_rdonly(vp))
		return -EROFS;
	if (mask == 0)
		return 0;
	if (vp->ops->setattr == NULL)
		return 0;		/* devices: times are not kept */
	return vp->ops->setattr(vp, &a, mask);
}

static long
sys_utimensat(long dirfd, long path, long times, long flags)
{
	const struct timespec *t = (const struct timespec *)times;
	struct lo_file *f;
	struct nd nd;
	int rv;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (t != NULL && LO_BADPTR(t))
		return -EFAULT;
	if (path == 0) {		/* futimens: the fd itself */
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		if ((f = lo_fd_get((int)dirfd)) == NULL)
			return -EBADF;
		rv = f->vn != NULL ? utimes_vn(f->vn, t) : 0;
		lo_file_rele(f);
		return rv;
	}
	rv = vfs_namei((int)dirfd, (const char *)path,
	    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : ND_FOLLOW) |
	    ((flags & AT_EMPTY_PATH) ? ND_EMPTY : 0), &nd);
	if (rv < 0)
		return rv;
	rv = nd.magicfd >= 0 ? 0 : utimes_vn(nd.vp, t);
	vfs_nd_done(&nd);
	return rv;
}

static long
sys_futimesat(long dirfd, long path, long tv)
{
	const struct timeval *v = (const struct timeval *)tv;
	struct timespec t[2];
	int i;

	if (v == NULL)
		return sys_utimensat(dirfd, path, 0, 0);
	if (LO_BADPTR(v))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (v[i].tv_usec < 0 || v[i].tv_usec >= 1000000)
			return -EINVAL;
		t[i].tv_sec = v[i].tv_sec;
		t[i].tv_nsec = v[i].tv_usec * 1000;
	}
	return sys_utimensat(dirfd, path, (long)t, 0);
}

static long
sys_utimes(long path, long tv)
{

	return sys_futimesat(AT_FDCWD, path, tv);
}

static long
sys_utime(long path, long buf)
{
	const struct utimbuf *u = (const struct utimbuf *)buf;
	struct timespec t[2];

	if (u == NULL)
		return sys_utimensat(AT_FDCWD, path, 0, 0);
	if (LO_BADPTR(u))
		return -EFAULT;
	t[0].tv_sec = u->actime;
	t[1].tv_sec = u->modtime;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	return sys_utimensat(AT_FDCWD, path, (long)t, 0);
}

LO_SYSCALL(utimensat, sys_utimensat);
LO_SYSCALL(futimesat, sys_futimesat);
LO_SYSCALL(utimes, sys_utimes);
LO_SYSCALL(utime, sys_utime);

/* ---- durability -------------------------------------------------------- */

static long
do_fsync(long fd, int datasync)
{
	struct lo_file *f;
	int rv;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->flags & O_PATH)
		rv = -EBADF;
	else if (f->vn == NULL || f->ops != &vfs_fileops)
		rv = -EINVAL;
	else
		rv = f->vn->ops->fsync != NULL ?
		    f->vn->ops->fsync(f->vn, datasync) : 0;
	lo_file_rele(f);
	return rv;
}

static long
sys_fsync(long fd)
{

	return do_fsync(fd, 0);
}

static long
sys_fdatasync(long fd)
{

	return do_fsync(fd, 1);
}

static long
sys_sync(void)
{
	struct vfs_mnt *m;

	for (m = vfs_mounts; m != NULL; m = m->next)
		if (m->m.fs->sync != NULL)
			m->m.fs->sync(&m->m);
	return 0;
}

static long
sys_syncfs(long fd)
{
	struct lo_file *f;
	int rv = 0;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->vn != NULL && f->vn->mnt->fs->sync != NULL)
		rv = f->vn->mnt->fs->sync(f->vn->mnt);
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(fsync, sys_fsync);
LO_SYSCALL(fdatasync, sys_fdatasync);
LO_SYSCALL(sync, sys_sync);
LO_SYSCALL(syncfs, sys_syncfs);

/* ---- statfs ------------------------------------------------------------- */

static int
statfs_vn(struct lo_vnode *vp, struct statfs *s)
{
	const char *t = vp->mnt->fs->name;

	memset(s, 0, sizeof(*s));
	if (strcmp(t, "tmpfs") == 0 || strcmp(t, "devfs") == 0)
		s->f_type = TMPFS_MAGIC;
	else if (strcmp(t, "ext4") == 0)
		s->f_type = EXT4_SUPER_MAGIC;
	else
		s->f_type = RAMFS_MAGIC;
	s->f_bsize = s->f_frsize = 4096;
	if (strcmp(t, "tmpfs") == 0) {
		/* RAM is the limit: say half of it, as tmpfs's default */
		s->f_blocks = s->f_bfree = s->f_bavail = 65536;
		s->f_files = s->f_ffree = 65536;
	}
	s->f_fsid.val[0] = (int)vp->mnt->dev;
	s->f_namelen = VFS_NAME_MAX;
	s->f_flags = 0x20 | ((vp->mnt->flags & LO_MNT_RDONLY) ? 1 : 0);
	return 0;
}

static long
sys_statfs(long path, long buf)
{
	struct statfs s;
	struct nd nd;
	int rv;

	if ((rv = vfs_namei(AT_FDCWD, (const char *)path, ND_FOLLOW, &nd)) < 0)
		return rv;
	statfs_vn(nd.vp, &s);
	vfs_nd_done(&nd);
	if (LO_BADPTR(buf))
		return -EFAULT;
	memcpy((void *)buf, &s, sizeof(s));
	return 0;
}

static long
sys_fstatfs(long fd, long buf)
{
	struct statfs s;
	struct lo_file *f;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->vn != NULL)
		statfs_vn(f->vn, &s);
	else {
		memset(&s, 0, sizeof(s));
		s.f_type = 0x50495045;		/* PIPEFS_MAGIC */
		s.f_bsize = 4096;
		s.f_namelen = VFS_NAME_MAX;
	}
	lo_file_rele(f);
	if (LO_BADPTR(buf))
		return -EFAULT;
	memcpy((void *)buf, &s, sizeof(s));
	return 0;
}

LO_SYSCALL(statfs, sys_statfs);
LO_SYSCALL(fstatfs, sys_fstatfs);

/* ---- sendfile ----------------------------------------------------------- */

#define SF_CHUNK	65536

/* Copies up to count bytes of in (from *pos) to out; mapped files (the
 * baked root) go out without a bounce buffer. */
static ssize_t
sendfile_copy(struct lo_file *out, struct lo_file *in, int64_t *pos,
    size_t count)
{
	struct lo_vnode *vn = in->vn;
	char *bounce = NULL;
	const void *p;
	ssize_t r, done = 0;
	struct iovec v;
	int64_t ooff;
	int oseek = out->vn != NULL && (out->vn->mode & S_IFMT) == S_IFREG;

	while ((size_t)done < count) {
		size_t n = count - (size_t)done < SF_CHUNK ?
		    count - (size_t)done : SF_CHUNK;
		struct lo_attr a;
		if (vfs_getattr(vn, &a) < 0 || *pos >= a.size)
			break;
		if ((int64_t)n > a.size - *pos)
			n = (size_t)(a.size - *pos);
		p = vn->ops->map != NULL ? vn->ops->map(vn, *pos, n) : NULL;
		if (p == NULL) {
			if (bounce == NULL &&
			    (bounce = lo_malloc(SF_CHUNK)) == NULL)
				return done > 0 ? done : -ENOMEM;
			if ((r = vn->ops->read(vn, bounce, n, *pos)) <= 0) {
				if (r < 0 && done == 0)
					done = r;
				break;
			}
			n = (size_t)r;
			p = bounce;
		}
		v.iov_base = (void *)p;
		v.iov_len = n;
		ooff = oseek ? out->off : -1;
		r = lo_file_write(out, &v, 1, ooff, 0);
		if (r <= 0) {
			if (done == 0)
				done = r;
			if (r == -EPIPE)
				lo_signal_raise(13);
			break;
		}
		if (oseek)
			out->off += r;
		*pos += r;
		done += r;
		if ((size_t)r < n)
			break;
	}
	if (bounce != NULL)
		lo_free(bounce, SF_CHUNK);
	return done;
}

static long
sys_sendfile(long outfd, long infd, long offp, long count)
{
	struct lo_file *in, *out;
	int64_t pos;
	ssize_t r;

	if ((in = lo_fd_get((int)infd)) == NULL)
		return -EBADF;
	if ((out = lo_fd_get((int)outfd)) == NULL) {
		lo_file_rele(in);
		return -EBADF;
	}
	if ((in->flags & O_ACCMODE) == O_WRONLY || (in->flags & O_PATH) ||
	    (out->flags & O_ACCMODE) == O_RDONLY)
		r = -EBADF;
	else if (in->vn == NULL || (in->vn->mode & S_IFMT) != S_IFREG ||
	    (out->flags & O_APPEND))
		r = -EINVAL;
	else if (offp != 0 && LO_BADPTR(offp))
		r = -EFAULT;
	else if (count < 0)
		r = -EINVAL;
	else {
		pos = offp != 0 ? *(int64_t *)offp : in->off;
		if (pos < 0)
			r = -EINVAL;
		else {
			r = sendfile_copy(out, in, &pos, (size_t)count);
			if (offp != 0)
				*(int64_t *)offp = pos;
			else
				in->off = pos;
		}
	}
	lo_file_rele(in);
	lo_file_rele(out);
	return r;
}

LO_SYSCALL(sendfile, sys_sendfile);

/* ---- advice and space --------------------------------------------------- */

static long
sys_fadvise64(long fd, long off, long len, long advice)
{
	struct lo_file *f;
	long rv = 0;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->vn == NULL || (f->vn->mode & S_IFMT) == S_IFIFO)
		rv = -ESPIPE;
	else if (advice < 0 || advice > 5 || len < 0)
		rv = -EINVAL;
	lo_file_rele(f);
	return rv;
}

static long
sys_fallocate(long fd, long mode, long off, long len)
{
	struct lo_file *f;
	struct lo_attr a;
	long rv;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		rv = -EBADF;
	else if (mode != 0)
		rv = -EOPNOTSUPP;
	else if (f->vn == NULL || (f->vn->mode & S_IFMT) == S_IFIFO)
		rv = -ESPIPE;
	else if ((f->vn->mode & S_IFMT) == S_IFDIR)
		rv = -EISDIR;
	else if ((f->vn->mode & S_IFMT) != S_IFREG)
		rv = -ENODEV;
	else if (off + len < off)
		rv = -EFBIG;
	else if ((rv = vfs_getattr(f->vn, &a)) == 0 && a.size < off + len) {
		a.size = off + len;
		rv = f->vn->ops->setattr != NULL ?
		    f->vn->ops->setattr(f->vn, &a, LO_SETATTR_SIZE) : -EROFS;
	}
	lo_file_rele(f);
	return rv;
}

static long
sys_readahead(long fd, long off, long count)
{
	struct lo_file *f;
	long rv = 0;

	if ((f = lo_fd_get((int)fd)) == NULL)
		return -EBADF;
	if (f->vn == NULL || (f->vn->mode & S_IFMT) != S_IFREG ||
	    (f->flags & O_PATH))
		rv = -EINVAL;
	lo_file_rele(f);
	return rv;
}

LO_SYSCALL(fadvise64, sys_fadvise64);
LO_SYSCALL(fallocate, sys_fallocate);
LO_SYSCALL(readahead, sys_readahead);
