/*
 * devfs.c -- "devfs" at /dev: null, zero, full, random, urandom, console,
 * tty, the links stdin/stdout/stderr, the directory fd/ and shm/ (where
 * a tmpfs is mounted, for shm_open and sem_open).
 *
 * Devices carry Linux's numbers (1:3 null, 1:5 zero, 1:7 full, 1:8
 * random, 1:9 urandom, 5:0 tty, 5:1 console).  /dev/stdin reads as the
 * link Linux has ("/proc/self/fd/0"); following it -- open, stat --
 * gives fd 0 itself, as Linux's "magic" /proc links do, without a /proc.
 * /dev/fd/N is the same for every open fd N.  /dev/tty is ENXIO: the
 * app has no controlling terminal, as a Linux daemon has none.
 */
#include "vfs.h"

enum dkind { D_ROOT, D_NULL, D_ZERO, D_FULL, D_RANDOM, D_URANDOM,
	D_CONSOLE, D_TTY, D_LINK, D_FDDIR, D_FDLINK, D_SHM };

struct dnode {
	const char	*name;
	enum dkind	 kind;
	uint32_t	 mode;
	uint64_t	 rdev;
	const char	*target;
};

#define FDLINK_INO	1000	/* /dev/fd/N: FDLINK_INO + N */

static const struct dnode dnodes[] = {
	{ "",		D_ROOT,		S_IFDIR | 0755,	0, NULL },
	{ "null",	D_NULL,		S_IFCHR | 0666,	0x103, NULL },
	{ "zero",	D_ZERO,		S_IFCHR | 0666,	0x105, NULL },
	{ "full",	D_FULL,		S_IFCHR | 0666,	0x107, NULL },
	{ "random",	D_RANDOM,	S_IFCHR | 0666,	0x108, NULL },
	{ "urandom",	D_URANDOM,	S_IFCHR | 0666,	0x109, NULL },
	{ "tty",	D_TTY,		S_IFCHR | 0666,	0x500, NULL },
	{ "console",	D_CONSOLE,	S_IFCHR | 0600,	0x501, NULL },
	{ "stdin",	D_LINK,		S_IFLNK | 0777,	0, "/proc/self/fd/0" },
	{ "stdout",	D_LINK,		S_IFLNK | 0777,	0, "/proc/self/fd/1" },
	{ "stderr",	D_LINK,		S_IFLNK | 0777,	0, "/proc/self/fd/2" },
	{ "fd",		D_FDDIR,	S_IFDIR | 0755,	0, NULL },
	{ "shm",	D_SHM,		S_IFDIR | 01777, 0, NULL },	/* tmpfs */
};
#define NDNODES	((int)(sizeof(dnodes) / sizeof(dnodes[0])))

static const struct dnode fdlink = { "", D_FDLINK, S_IFLNK | 0700, 0, NULL };

static const struct lo_vnops devfs_vnops;
static int64_t devfs_time;

static int
node_vnode(struct lo_mount *mp, const struct dnode *dn, uint64_t ino,
    struct lo_vnode **out)
{

	*out = lo_vn_new(mp, &devfs_vnops, dn->mode, ino, (void *)dn);
	return *out == NULL ? -ENOMEM : 0;
}

static const struct dnode *
dn_of(struct lo_vnode *vn)
{

	return vn->priv;
}

int
devfs_magicfd(struct lo_vnode *vn)
{

	if (vn->ops != &devfs_vnops)
		return -1;
	if (dn_of(vn)->kind == D_FDLINK)
		return (int)(vn->ino - FDLINK_INO);
	if (dn_of(vn)->kind == D_LINK)
		return dn_of(vn)->target[14] - '0';
	return -1;
}

int
devfs_open_check(struct lo_vnode *vn)
{

	if (vn->ops == &devfs_vnops && dn_of(vn)->kind == D_TTY)
		return -ENXIO;
	return 0;
}

static int
d_lookup(struct lo_vnode *dir, const char *name, struct lo_vnode **out)
{
	struct lo_file *f;
	long n = 0;
	int i;

	if (dn_of(dir)->kind == D_FDDIR) {
		for (i = 0; name[i] >= '0' && name[i] <= '9' && n < LO_NOFILE;
		    i++)
			n = n * 10 + name[i] - '0';
		if (name[i] != '\0' || i == 0 || (i > 1 && name[0] == '0') ||
		    (f = lo_fd_get((int)n)) == NULL)
			return -ENOENT;
		lo_file_rele(f);
		return node_vnode(dir->mnt, &fdlink, FDLINK_INO + (uint64_t)n,
		    out);
	}
	for (i = 1; i < NDNODES; i++)
		if (strcmp(dnodes[i].name, name) == 0)
			return node_vnode(dir->mnt, &dnodes[i], (uint64_t)i + 1,
			    out);
	return -ENOENT;
}

static int
d_readlink(struct lo_vnode *vn, char *buf, size_t len)
{
	const struct dnode *dn = dn_of(vn);
	const char *t = dn->target;
	struct lo_file *f = NULL;
	struct stat st;
	char tmp[48];
	size_t n;

	if (dn->kind == D_FDLINK) {
		/* what the file is, named as Linux names it */
		if ((f = lo_fd_get((int)(vn->ino - FDLINK_INO))) == NULL)
			return -ENOENT;
		if (f->ops == &vfs_fileops)
			t = ((struct vfile *)f->priv)->path;
		else if (f->ops->stat != NULL && f->ops->stat(f, &st) == 0 &&
		    ((st.st_mode & S_IFMT) == S_IFIFO ||
		    (st.st_mode & S_IFMT) == S_IFSOCK)) {
			memcpy(tmp, (st.st_mode & S_IFMT) == S_IFIFO ?
			    "pipe:[" : "socket:[", 9);
			lo_utoa(tmp + strlen(tmp), st.st_ino, 10);
			memcpy(tmp + strlen(tmp), "]", 2);
			t = tmp;
		} else
			t = "/dev/console";
	} else if (t == NULL)
		return -EINVAL;
	n = strlen(t);
	if (len > n)
		len = n;
	memcpy(buf, t, len);
	if (f != NULL)
		lo_file_rele(f);
	return (int)len;
}

static int
d_getattr(struct lo_vnode *vn, struct lo_attr *a)
{
	const struct dnode *dn = dn_of(vn);

	a->mode = dn->mode;
	a->nlink = (dn->mode & S_IFMT) == S_IFDIR ? 2 : 1;
	a->ino = vn->ino;
	a->rdev = dn->rdev;
	a->size = dn->target != NULL ? (int64_t)strlen(dn->target) : 0;
	a->atime_ns = a->mtime_ns = a->ctime_ns = devfs_time;
	return 0;
}

/* Without any entropy source (no RDRAND, no virtio-rng) rumpuser would
 * block forever; Linux's urandom never blocks, so fall back to a
 * generator seeded from the clocks -- and say once that it is weak. */
static ssize_t
weakbytes(unsigned char *p, size_t len)
{
	static uint64_t s;
	static int warned;
	size_t i;

	if (!warned) {
		warned = 1;
		lo_printf("tandem: libos: /dev/urandom: no entropy source, "
		    "output is predictable (attach virtio-rng)\n");
		s = (uint64_t)vfs_now() ^ (lo_now() << 17);
	}
	for (i = 0; i < len; i++) {
		uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		p[i] = (unsigned char)(z ^ (z >> 31));
	}
	return (ssize_t)len;
}

static ssize_t
randbytes(void *buf, size_t len)
{
	size_t got = 0;
	int rv;

	if (len > 33554431)		/* Linux caps one read of random */
		len = 33554431;
	rv = rumpuser_getrandom(buf, len, RUMPUSER_RANDOM_NOWAIT, &got);
	if (rv == 0 && got > 0)
		return (ssize_t)got;
	return weakbytes(buf, len);
}

static ssize_t
d_read(struct lo_vnode *vn, void *buf, size_t len, int64_t off)
{

	switch (dn_of(vn)->kind) {
	case D_NULL:
	case D_CONSOLE:			/* no console input: end of file */
		return 0;
	case D_ZERO:
	case D_FULL:
		memset(buf, 0, len);
		return (ssize_t)len;
	case D_RANDOM:
	case D_URANDOM:
		return randbytes(buf, len);
	default:
		return -EINVAL;
	}
}

static ssize_t
d_write(struct lo_vnode *vn, const void *buf, size_t len, int64_t off)
{

	if (dn_of(vn)->kind == D_NULL)	/* the usual one, before the switch */
		return (ssize_t)len;
	switch (dn_of(vn)->kind) {
	case D_NULL:
	case D_ZERO:
	case D_RANDOM:			/* mixing in is allowed, and ignored */
	case D_URANDOM:
		return (ssize_t)len;
	case D_FULL:
		return -ENOSPC;
	case D_CONSOLE:
		lo_cons_write(buf, len);
		return (ssize_t)len;
	default:
		return -EINVAL;
	}
}

/* readdir of /dev: the table; of /dev/fd: the open fds. */
static int
d_readdir(struct lo_vnode *vn, int64_t *pos, lo_filldir fill, void *ctx)
{
	struct lo_file *f;
	char num[24];
	int i;

	for (;;) {
		if (*pos == 0) {
			if (fill(ctx, ".", 1, vn->ino, DT_DIR, 1))
				return 0;
		} else if (*pos == 1) {
			if (fill(ctx, "..", 2, 1, DT_DIR, 2))
				return 0;
		} else if (dn_of(vn)->kind == D_ROOT) {
			i = (int)*pos - 1;
			if (i >= NDNODES)
				return 0;
			if (fill(ctx, dnodes[i].name, strlen(dnodes[i].name),
			    (uint64_t)i + 1, VFS_DTYPE(dnodes[i].mode),
			    *pos + 1))
				return 0;
		} else {
			i = (int)*pos - 2;
			while (i < LO_NOFILE && (f = lo_fd_get(i)) == NULL)
				i++;
			if (i >= LO_NOFILE)
				return 0;
			lo_file_rele(f);
			*pos = i + 2;
			lo_utoa(num, (uint64_t)i, 10);
			if (fill(ctx, num, strlen(num),
			    FDLINK_INO + (uint64_t)i, DT_LNK, *pos + 1))
				return 0;
		}
		(*pos)++;
	}
}

static const struct lo_vnops devfs_vnops = {
	.lookup = d_lookup,
	.readlink = d_readlink,
	.getattr = d_getattr,
	.read = d_read,
	.write = d_write,
	.readdir = d_readdir,
};

static int
devfs_mount(struct lo_mount *mp, const char *source, int flags,
    const char *opts, struct lo_vnode **root)
{

	devfs_time = vfs_now();
	return node_vnode(mp, &dnodes[0], 1, root);
}

const struct lo_fstype vfs_devfs = {
	.name = "devfs",
	.mount = devfs_mount,
};
