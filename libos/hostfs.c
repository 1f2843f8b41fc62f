/*
 * hostfs.c -- the host's files as a libos file system, for posix app
 * mode only: a program built by tandem-cc and run on Linux by a
 * configure script must create conftest.out in the build directory and
 * read the files it was given, as the same program would on Linux.  The
 * names, modes and data are the host's; the semantics above them
 * (namei, fds, offsets, O_APPEND) are libos's, which is what such a run
 * is for.
 *
 * Each vnode holds an O_PATH descriptor of its host object; every op is
 * a *at() call relative to it, so a vnode keeps naming its object when
 * others rename directories around it.  Data goes through a second
 * descriptor opened on first use (through /proc/self/fd, the only way
 * to reopen an O_PATH descriptor for I/O).  Host calls go through
 * td_host()->syscall (core.h), which exists only in that mode.
 */
#include "lo.h"
#include <tandem/core.h>

/* getdents64(2) records (the kernel's layout; no uapi header has it) */
struct linux_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

struct hnode {
	int	pfd;		/* O_PATH */
	int	iofd;		/* -1 until the first read/write */
	int	iomode;		/* O_RDWR or O_RDONLY */
};

#define H(vn)	((struct hnode *)(vn)->priv)

static long
hsys(long nr, long a, long b, long c, long d, long e)
{

	return td_host()->syscall(nr, a, b, c, d, e, 0);
}

static const struct lo_vnops hostfs_vnops;

static void
procpath(char *buf, int fd)
{
	char num[24];

	memcpy(buf, "/proc/self/fd/", 15);
	lo_utoa(num, (uint64_t)fd, 10);
	memcpy(buf + 14, num, strlen(num) + 1);
}

/* A vnode for an O_PATH descriptor (taken over). */
static int
hvnode(struct lo_mount *mp, int pfd, struct lo_vnode **out)
{
	struct stat st;
	struct hnode *h;
	long r;

	r = hsys(__NR_newfstatat, pfd, (long)"", (long)&st, AT_EMPTY_PATH, 0);
	if (r < 0 || (h = lo_malloc(sizeof(*h))) == NULL) {
		hsys(__NR_close, pfd, 0, 0, 0, 0);
		return r < 0 ? (int)r : -ENOMEM;
	}
	h->pfd = pfd;
	h->iofd = -1;
	h->iomode = 0;
	*out = lo_vn_new(mp, &hostfs_vnops, st.st_mode, st.st_ino, h);
	if (*out == NULL) {
		hsys(__NR_close, pfd, 0, 0, 0, 0);
		lo_free(h, sizeof(*h));
		return -ENOMEM;
	}
	return 0;
}

static int
h_lookup(struct lo_vnode *dir, const char *name, struct lo_vnode **out)
{
	long fd;

	fd = hsys(__NR_openat, H(dir)->pfd, (long)name,
	    O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return (int)fd;
	return hvnode(dir->mnt, (int)fd, out);
}

static int
h_create(struct lo_vnode *dir, const char *name, uint32_t mode,
    struct lo_vnode **out)
{
	long fd;
	int rv;

	fd = hsys(__NR_openat, H(dir)->pfd, (long)name,
	    O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode & 07777, 0);
	if (fd < 0)
		return (int)fd;
	hsys(__NR_close, fd, 0, 0, 0, 0);
	if ((rv = h_lookup(dir, name, out)) != 0)
		return rv;
	return 0;
}

static int
h_mkdir(struct lo_vnode *dir, const char *name, uint32_t mode)
{

	return (int)hsys(__NR_mkdirat, H(dir)->pfd, (long)name, mode & 07777,
	    0, 0);
}

static int
h_unlink(struct lo_vnode *dir, const char *name)
{

	return (int)hsys(__NR_unlinkat, H(dir)->pfd, (long)name, 0, 0, 0);
}

static int
h_rmdir(struct lo_vnode *dir, const char *name)
{

	return (int)hsys(__NR_unlinkat, H(dir)->pfd, (long)name,
	    AT_REMOVEDIR, 0, 0);
}

static int
h_rename(struct lo_vnode *od, const char *on, struct lo_vnode *nd,
    const char *nn)
{

	return (int)hsys(__NR_renameat, H(od)->pfd, (long)on, H(nd)->pfd,
	    (long)nn, 0);
}

static int
h_symlink(struct lo_vnode *dir, const char *name, const char *target)
{

	return (int)hsys(__NR_symlinkat, (long)target, H(dir)->pfd,
	    (long)name, 0, 0);
}

static int
h_link(struct lo_vnode *dir, const char *name, struct lo_vnode *vn)
{

	return (int)hsys(__NR_linkat, H(vn)->pfd, (long)"", H(dir)->pfd,
	    (long)name, AT_EMPTY_PATH);
}

static int
h_readlink(struct lo_vnode *vn, char *buf, size_t len)
{

	return (int)hsys(__NR_readlinkat, H(vn)->pfd, (long)"", (long)buf,
	    (long)len, 0);
}

static int
h_getattr(struct lo_vnode *vn, struct lo_attr *a)
{
	struct stat st;
	long r;

	r = hsys(__NR_newfstatat, H(vn)->pfd, (long)"", (long)&st,
	    AT_EMPTY_PATH, 0);
	if (r < 0)
		return (int)r;
	memset(a, 0, sizeof(*a));
	a->mode = st.st_mode;
	a->nlink = (uint32_t)st.st_nlink;
	a->uid = st.st_uid;
	a->gid = st.st_gid;
	a->ino = st.st_ino;
	a->size = st.st_size;
	a->blocks = st.st_blocks;
	a->blksize = (uint32_t)st.st_blksize;
	a->rdev = st.st_rdev;
	a->atime_ns = (int64_t)st.st_atime * 1000000000 + st.st_atime_nsec;
	a->mtime_ns = (int64_t)st.st_mtime * 1000000000 + st.st_mtime_nsec;
	a->ctime_ns = (int64_t)st.st_ctime * 1000000000 + st.st_ctime_nsec;
	return 0;
}

static int
h_setattr(struct lo_vnode *vn, const struct lo_attr *a, int mask)
{
	struct { int64_t s, ns; } ts[2];
	char path[40];
	long r = 0;

	/* O_PATH descriptors refuse fchmod and ftruncate: by name */
	procpath(path, H(vn)->pfd);
	if ((mask & LO_SETATTR_MODE) && r == 0)
		r = hsys(__NR_chmod, (long)path, a->mode & 07777, 0, 0, 0);
	if ((mask & LO_SETATTR_OWNER) && r == 0)
		r = hsys(__NR_chown, (long)path, a->uid, a->gid, 0, 0);
	if ((mask & LO_SETATTR_SIZE) && r == 0)
		r = hsys(__NR_truncate, (long)path, a->size, 0, 0, 0);
	if ((mask & (LO_SETATTR_ATIME | LO_SETATTR_MTIME)) && r == 0) {
		ts[0].s = a->atime_ns / 1000000000;
		ts[0].ns = a->atime_ns % 1000000000;
		ts[1].s = a->mtime_ns / 1000000000;
		ts[1].ns = a->mtime_ns % 1000000000;
		if (!(mask & LO_SETATTR_ATIME))
			ts[0].ns = (1L << 30) - 2;	/* UTIME_OMIT */
		if (!(mask & LO_SETATTR_MTIME))
			ts[1].ns = (1L << 30) - 2;
		r = hsys(__NR_utimensat, AT_FDCWD, (long)path, (long)ts, 0, 0);
	}
	return (int)r;
}

/* The data descriptor: read-write when the host lets us, else read. */
static int
iofd(struct lo_vnode *vn, int write)
{
	struct hnode *h = H(vn);
	char path[40];
	long fd;

	if (h->iofd >= 0 && (!write || h->iomode == O_RDWR))
		return h->iofd;
	procpath(path, h->pfd);
	fd = hsys(__NR_openat, AT_FDCWD, (long)path, O_RDWR | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK, 0, 0);
	if (fd >= 0)
		h->iomode = O_RDWR;
	else if (!write) {
		fd = hsys(__NR_openat, AT_FDCWD, (long)path, O_RDONLY |
		    O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0, 0);
		h->iomode = O_RDONLY;
	}
	if (fd < 0)
		return (int)fd;
	if (h->iofd >= 0)
		hsys(__NR_close, h->iofd, 0, 0, 0, 0);
	h->iofd = (int)fd;
	return h->iofd;
}

static ssize_t
h_read(struct lo_vnode *vn, void *buf, size_t len, int64_t off)
{
	int fd = iofd(vn, 0);

	if (fd < 0)
		return fd;
	if (off < 0)		/* devices and fifos: no position */
		return hsys(__NR_read, fd, (long)buf, (long)len, 0, 0);
	return hsys(__NR_pread64, fd, (long)buf, (long)len, off, 0);
}

static ssize_t
h_write(struct lo_vnode *vn, const void *buf, size_t len, int64_t off)
{
	int fd = iofd(vn, 1);

	if (fd < 0)
		return fd;
	if (off < 0)
		return hsys(__NR_write, fd, (long)buf, (long)len, 0, 0);
	return hsys(__NR_pwrite64, fd, (long)buf, (long)len, off, 0);
}

static int
h_fsync(struct lo_vnode *vn, int datasync)
{
	int fd = iofd(vn, 0);

	if (fd < 0)
		return fd;
	return (int)hsys(datasync ? __NR_fdatasync : __NR_fsync, fd, 0, 0, 0,
	    0);
}

static int
h_readdir(struct lo_vnode *vn, int64_t *pos, lo_filldir fill, void *ctx)
{
	char buf[4096], path[40];
	struct linux_dirent64 *d;
	long fd, n, i;
	int rv = 0;

	procpath(path, H(vn)->pfd);
	fd = hsys(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC, 0, 0);
	if (fd < 0)
		return (int)fd;
	if (*pos != 0)
		hsys(__NR_lseek, fd, *pos, 0, 0, 0);
	while ((n = hsys(__NR_getdents64, fd, (long)buf, sizeof(buf), 0, 0))
	    > 0) {
		for (i = 0; i < n; i += d->d_reclen) {
			d = (struct linux_dirent64 *)(buf + i);
			if (fill(ctx, d->d_name, strlen(d->d_name), d->d_ino,
			    d->d_type, d->d_off) != 0)
				goto out;
			*pos = d->d_off;
		}
	}
	if (n < 0)
		rv = (int)n;
out:
	hsys(__NR_close, fd, 0, 0, 0, 0);
	return rv;
}

static void
h_inactive(struct lo_vnode *vn)
{
	struct hnode *h = H(vn);

	if (h->iofd >= 0)
		hsys(__NR_close, h->iofd, 0, 0, 0, 0);
	hsys(__NR_close, h->pfd, 0, 0, 0, 0);
	lo_free(h, sizeof(*h));
}

static const struct lo_vnops hostfs_vnops = {
	.lookup = h_lookup,
	.create = h_create,
	.mkdir = h_mkdir,
	.unlink = h_unlink,
	.rmdir = h_rmdir,
	.rename = h_rename,
	.symlink = h_symlink,
	.link = h_link,
	.readlink = h_readlink,
	.getattr = h_getattr,
	.setattr = h_setattr,
	.read = h_read,
	.write = h_write,
	.fsync = h_fsync,
	.readdir = h_readdir,
	.inactive = h_inactive,
};

/* source: the host directory to serve ("/" for all of it). */
static int
h_mount(struct lo_mount *mp, const char *source, int flags,
    const char *opts, struct lo_vnode **root)
{
	long fd;

	if (td_host() == NULL)
		return -ENODEV;		/* not posix app mode */
	/* libos applies the app's umask: the host's must not apply twice */
	hsys(__NR_umask, 0, 0, 0, 0, 0);
	fd = hsys(__NR_openat, AT_FDCWD, (long)(source ? source : "/"),
	    O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return (int)fd;
	return hvnode(mp, (int)fd, root);
}

static int
h_sync(struct lo_mount *mp)
{

	return 0;	/* writes are the host's already */
}

const struct lo_fstype lo_hostfs = {
	.name = "hostfs",
	.mount = h_mount,
	.sync = h_sync,
	.unmount = h_sync,
};
