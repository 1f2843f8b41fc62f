/*
 * vfs_file.c -- files over vnodes (what open(2) returns), the cwd, and
 * bringing the file systems up: the baked root at /, tmpfs at /tmp,
 * devfs at /dev, then the mount words of the manifest and command line.
 *
 * A vnode file has f->vn set and f->priv a struct vfile with the path
 * it was opened by; fd.c does offsets, O_APPEND and blocking.  Reads
 * and writes go straight to the vnode's read/write ops.
 */
#include "vfs.h"
#include <linux/ioctl.h>
#include <asm/ioctls.h>
#include <tandem/core.h>

static struct lo_vnode	*cwd_vn;
static char		*cwd_path;

/* ---- the file ops ------------------------------------------------------ */

/* readv/writev and the rest: each buffer in turn, stopping short when
 * one is. */
static ssize_t __attribute__((noinline))
vf_rw_any(struct lo_vnode *vn, const struct iovec *iov, int cnt,
    int64_t off, int write)
{
	ssize_t r, total = 0;
	int i;

	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		r = write ? vn->ops->write(vn, iov[i].iov_base,
		    iov[i].iov_len, off < 0 ? -1 : off + total) :
		    vn->ops->read(vn, iov[i].iov_base, iov[i].iov_len,
		    off < 0 ? -1 : off + total);
		if (r < 0)
			return total > 0 ? total : r;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

/* One buffer (read(2), write(2)) goes to the vnode op in a tail call. */
static inline __attribute__((always_inline)) ssize_t
vf_rw(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off,
    int write)
{
	struct lo_vnode *vn = f->vn;

	if (f->flags & O_PATH)
		return -EBADF;
	if ((vn->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if ((write ? (void *)vn->ops->write : (void *)vn->ops->read) == NULL)
		return -EINVAL;
	if (cnt != 1 || iov->iov_len == 0)
		return vf_rw_any(vn, iov, cnt, off, write);
	if (off < 0)
		off = -1;
	return write ? vn->ops->write(vn, iov->iov_base, iov->iov_len, off) :
	    vn->ops->read(vn, iov->iov_base, iov->iov_len, off);
}

static ssize_t
vf_read(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{

	return vf_rw(f, iov, cnt, off, 0);
}

static ssize_t
vf_write(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{

	return vf_rw(f, iov, cnt, off, 1);
}

static int
vf_poll(struct lo_file *f)
{

	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static int
vf_ioctl(struct lo_file *f, unsigned long req, void *arg)
{
	struct lo_attr a;
	int rv;

	if (req != FIONREAD || (f->vn->mode & S_IFMT) != S_IFREG)
		return -ENOTTY;
	if (LO_BADPTR(arg))
		return -EFAULT;
	if ((rv = vfs_getattr(f->vn, &a)) < 0)
		return rv;
	*(int *)arg = a.size > f->off ? (int)(a.size - f->off) : 0;
	return 0;
}

void
vfs_stat_fill(const struct lo_attr *a, struct stat *st)
{

	memset(st, 0, sizeof(*st));
	st->st_ino = a->ino;
	st->st_nlink = a->nlink;
	st->st_mode = a->mode;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_size = a->size;
	st->st_blksize = a->blksize;
	st->st_blocks = a->blocks;
	st->st_atime = a->atime_ns / 1000000000;
	st->st_atime_nsec = a->atime_ns % 1000000000;
	st->st_mtime = a->mtime_ns / 1000000000;
	st->st_mtime_nsec = a->mtime_ns % 1000000000;
	st->st_ctime = a->ctime_ns / 1000000000;
	st->st_ctime_nsec = a->ctime_ns % 1000000000;
}

static int
vf_stat(struct lo_file *f, struct stat *st)
{
	struct lo_attr a;
	int rv;

	if ((rv = vfs_getattr(f->vn, &a)) < 0)
		return rv;
	vfs_stat_fill(&a, st);
	st->st_dev = f->vn->mnt->dev;
	return 0;
}

static void
vf_close(struct lo_file *f)
{
	struct vfile *vf = f->priv;

	lo_strfree(vf->path);
	lo_free(vf, sizeof(*vf));
}

const struct lo_fileops vfs_fileops = {
	.read = vf_read,
	.write = vf_write,
	.poll = vf_poll,
	.ioctl = vf_ioctl,
	.stat = vf_stat,
	.close = vf_close,
};

/* ---- open ---------------------------------------------------------------- */

/* What F_GETFL shows, as Linux keeps it (O_LARGEFILE on 64-bit). */
static int
kept_flags(int flags)
{

	if (flags & O_PATH)
		return flags & (O_DIRECTORY | O_NOFOLLOW | O_PATH);
	return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) |
	    O_LARGEFILE;
}

static int
open_check(struct nd *nd, int flags)
{
	struct lo_vnode *vp = nd->vp;
	int type = vp->mode & S_IFMT, acc = flags & O_ACCMODE, rv;
	struct lo_attr a;

	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (type == S_IFLNK && !(flags & O_PATH))
		return -ELOOP;
	if ((flags & O_DIRECTORY) && type != S_IFDIR)
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (type == S_IFDIR && (acc != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if ((acc != O_RDONLY || (flags & O_TRUNC)) && vfs_rdonly(vp) &&
	    (type == S_IFREG || type == S_IFDIR))
		return -EROFS;
	if (type == S_IFCHR && (rv = devfs_open_check(vp)) < 0)
		return rv;
	if ((flags & O_TRUNC) && type == S_IFREG) {
		memset(&a, 0, sizeof(a));
		a.size = 0;
		if (vp->ops->setattr == NULL)
			return -EROFS;
		if ((rv = vp->ops->setattr(vp, &a, LO_SETATTR_SIZE)) < 0)
			return rv;
	}
	return 0;
}

static int
open_create(struct nd *nd, uint32_t mode)
{
	struct lo_vnode *vp;
	int rv;

	if (nd->slash)
		return -EISDIR;
	if (vfs_rdonly(nd->dvp))
		return -EROFS;
	if (nd->dvp->ops->create == NULL)
		return -EPERM;
	rv = nd->dvp->ops->create(nd->dvp, nd->name,
	    S_IFREG | (mode & 07777 & ~vfs_umask()), &vp);
	if (rv < 0)
		return rv;
	nd->vp = vp;
	return 0;
}

int
vfs_open_nd(struct nd *nd, int flags, uint32_t mode)
{
	struct lo_file *f;
	struct vfile *vf;
	int rv;

	if (nd->magicfd >= 0) {		/* /dev/stdin and friends */
		if ((f = lo_fd_get(nd->magicfd)) == NULL)
			return -ENOENT;
		return lo_fd_install(f, 0, (flags & O_CLOEXEC) != 0);
	}
	if (nd->vp == NULL) {
		if ((rv = open_create(nd, mode)) < 0)
			return rv;
	} else if ((rv = open_check(nd, flags)) < 0)
		return rv;
	if ((vf = lo_zalloc(sizeof(*vf))) == NULL ||
	    (vf->path = lo_strdup(nd->path)) == NULL) {
		lo_free(vf, sizeof(*vf));
		return -ENOMEM;
	}
	if ((f = lo_file_new(&vfs_fileops, kept_flags(flags), vf)) == NULL) {
		vf_close(&(struct lo_file){ .priv = vf });
		return -ENOMEM;
	}
	f->vn = nd->vp;			/* the file takes nd's reference */
	nd->vp = NULL;
	return lo_fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}

/* ---- the cwd -------------------------------------------------------------- */

struct lo_vnode *
vfs_cwd(const char **pathp)
{

	lo_vn_ref(cwd_vn);
	*pathp = cwd_path;
	return cwd_vn;
}

void
vfs_set_cwd(struct lo_vnode *vn, const char *path)
{
	char *p = lo_strdup(path);

	if (p == NULL)
		return;
	lo_vn_ref(vn);
	if (cwd_vn != NULL)
		lo_vn_rele(cwd_vn);
	lo_strfree(cwd_path);
	cwd_vn = vn;
	cwd_path = p;
}

static void
path_fix(char **pp, const char *from, size_t fl, const char *to)
{
	size_t tl = strlen(to), rl;
	char *n;

	if (strncmp(*pp, from, fl) != 0 || ((*pp)[fl] != '\0' &&
	    (*pp)[fl] != '/'))
		return;
	rl = strlen(*pp + fl);
	if (tl + rl >= VFS_PATH_MAX || (n = lo_malloc(tl + rl + 1)) == NULL)
		return;
	memcpy(n, to, tl);
	memcpy(n + tl, *pp + fl, rl + 1);
	lo_strfree(*pp);
	*pp = n;
}

void
vfs_path_moved(const char *from, const char *to)
{
	size_t fl = strlen(from);
	struct lo_file *f;
	int fd;

	path_fix(&cwd_path, from, fl, to);
	for (fd = 0; fd < LO_NOFILE; fd++)
		if ((f = lo_fd_get(fd)) != NULL) {
			if (f->ops == &vfs_fileops)
				path_fix(&((struct vfile *)f->priv)->path,
				    from, fl, to);
			lo_file_rele(f);
		}
}

/* ---- bringing it up ------------------------------------------------------ */

static const char *
errname(int e)
{

	switch (-e) {
	case ENODEV:	return "no such device or file system";
	case ENOENT:	return "no such file or directory";
	case ENOTDIR:	return "not a directory";
	case ENOMEM:	return "out of memory";
	case EROFS:	return "read-only file system";
	case EINVAL:	return "invalid argument";
	case EIO:	return "input/output error";
	case ENXIO:	return "no such device";
	case EBUSY:	return "busy";
	default:	return "error";
	}
}

/* posix app mode (a tandem-cc program run on Linux): the host's files
 * are the root and its cwd is ours (libos/hostfs.c). */
static void
vfs_init_host(void)
{
	char cwd[4096];
	struct nd nd;
	long n;

	if (lo_mount("hostfs", "/", "/", 0, NULL) < 0)
		lo_panic("cannot serve the host's files");
	n = td_host()->syscall(__NR_getcwd, (long)cwd, sizeof(cwd), 0, 0,
	    0, 0);
	if (n < 0 || vfs_namei(AT_FDCWD, cwd, ND_FOLLOW, &nd) < 0) {
		memcpy(cwd, "/", 2);
		if (vfs_namei(AT_FDCWD, cwd, ND_FOLLOW, &nd) < 0)
			lo_panic("no root directory");
	}
	vfs_set_cwd(nd.vp, cwd);
	vfs_nd_done(&nd);
	/* /dev is Tandem's (its /dev/fd/N names our fds, not the host's) */
	if (lo_mount("devfs", NULL, "/dev", 0, NULL) < 0 ||
	    lo_mount("tmpfs", NULL, "/dev/shm", 0, NULL) < 0)
		lo_panic("cannot mount /dev over the host's");
}

static void
vfs_init(void)
{
	struct nd nd;
	int rv;

	lo_fstype_register(&vfs_rootfs);
	lo_fstype_register(&vfs_tmpfs);
	lo_fstype_register(&vfs_devfs);
	if (&lo_hostfs != NULL)
		lo_fstype_register(&lo_hostfs);
	if (&e4_fstype != NULL)		/* config fs: libos/fs */
		lo_fstype_register(&e4_fstype);
	if (td_host() != NULL && &lo_hostfs != NULL) {
		vfs_init_host();
		return;
	}
	/* rootfs reports a corrupt archive itself, naming the offset */
	if ((rv = lo_mount("rootfs", NULL, "/", LO_MNT_RDONLY, NULL)) < 0)
		lo_exit(1);
	if (vfs_namei(AT_FDCWD, "/", ND_FOLLOW, &nd) < 0)
		lo_panic("no root directory");
	vfs_set_cwd(nd.vp, "/");
	vfs_nd_done(&nd);
	if ((rv = lo_mount("tmpfs", NULL, "/tmp", 0, NULL)) < 0 ||
	    (rv = lo_mount("devfs", NULL, "/dev", 0, NULL)) < 0 ||
	    (rv = lo_mount("tmpfs", NULL, "/dev/shm", 0, NULL)) < 0) {
		lo_printf("tandem: libos: cannot mount /tmp, /dev or /dev/shm: "
		    "%s\n",
		    errname(rv));
		lo_exit(1);
	}
}
LO_INIT(20, vfs_init);

/* "blkN:/path[:ro]" -> lo_mount("ext4", "blkN", "/path", ...). */
static void
mount_word(const char *w, size_t n)
{
	char src[16], path[256];
	size_t i, j;
	int flags = 0, rv;

	for (i = 0; i < n && w[i] != ':'; i++)
		;
	for (j = i + 1; j < n && w[j] != ':'; j++)
		;
	if (i >= sizeof(src) || i < 4 || strncmp(w, "blk", 3) != 0 ||
	    j > n || j - i - 1 >= sizeof(path) || j - i < 3 ||
	    w[i + 1] != '/' || (j < n && (n - j != 3 ||
	    strncmp(w + j, ":ro", 3) != 0))) {
		lo_printf("tandem: libos: mount %.*s: want blkN:/path[:ro]\n",
		    (int)n, w);
		lo_exit(1);
	}
	memcpy(src, w, i);
	src[i] = '\0';
	memcpy(path, w + i + 1, j - i - 1);
	path[j - i - 1] = '\0';
	if (j < n)
		flags |= LO_MNT_RDONLY;
	rv = lo_mount("ext4", src, path, flags, NULL);
	if (rv == -ENODEV && !vfs_fstype_known("ext4")) {
		lo_printf("tandem: libos: mount %s:%s: no file system type "
		    "ext4 in this image\n", src, path);
		lo_exit(1);
	}
	if (rv < 0) {
		lo_printf("tandem: libos: mount %s:%s: %s\n", src, path,
		    errname(rv));
		lo_exit(1);
	}
}

static void
manifest_mount(const char *v, size_t n, void *arg)
{

	mount_word(v, n);
}

/* After every file system type has registered (prio 20-30). */
static void
vfs_mount_words(void)
{
	const char *k, *v;
	int i;

	lo_manifest_each("mount", manifest_mount, NULL);
	for (i = 0; (v = td_param_at(i, &k)) != NULL; i++)
		if (strcmp(k, "mount") == 0)
			mount_word(v, strlen(v));
}
LO_LATE(vfs_mount_words);	/* ext4 needs the C library up */
