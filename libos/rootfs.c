/*
 * rootfs.c -- "rootfs", the root directory baked into the image: a cpio
 * "newc" archive (what `tandem bake` makes with `cpio -o -H newc`)
 * between __tandem_root_start and __tandem_root_end.
 *
 * The archive is parsed once, at mount, into a tree of inodes whose
 * names and file data point into the image itself: nothing is copied,
 * and `map` hands out pointers into it (zero-copy mmap and sendfile).
 * The file system is read-only; the one exception is a directory made
 * to hold a mount point that the root does not have.
 *
 * The archive is input like any other: a bad magic, a size running past
 * the end, a name without its NUL or with a ".." component stops the
 * boot with "root archive corrupt at offset N: why", never a crash.
 * No archive at all gives an empty root with /tmp and /dev.
 */
#include "vfs.h"

extern const char __tandem_root_start[] __attribute__((weak));
extern const char __tandem_root_end[] __attribute__((weak));

struct rdent;

struct rinode {
	uint32_t	 mode, uid, gid, nlink;
	uint64_t	 ino;
	uint64_t	 cpino;		/* the archive's, for hard links */
	uint64_t	 rdev;
	int64_t		 mtime_ns;
	const char	*data;		/* file data or link target */
	size_t		 size;
	struct rdent	*ents, **tail;	/* directories, archive order */
	struct rinode	*parent;
	struct rinode	*nextlink;	/* inodes with nlink > 1 */
	struct lo_vnode	*vn;		/* cached while referenced */
};

struct rdent {
	struct rdent	*next;
	const char	*name;		/* not NUL-terminated */
	size_t		 namelen;
	struct rinode	*ip;
};

static struct rinode	*r_root;
static struct rinode	*r_links;
static uint64_t		 r_nextino = 1;
static struct lo_mount	*r_mnt;
static const struct lo_vnops rootfs_vnops;

static const char	*r_err;		/* why the archive is corrupt */

static struct rinode *
inode_new(uint32_t mode, struct rinode *parent)
{
	struct rinode *ip = lo_zalloc(sizeof(*ip));

	if (ip == NULL)
		return NULL;
	ip->mode = mode;
	ip->ino = r_nextino++;
	ip->tail = &ip->ents;
	ip->parent = parent != NULL ? parent : ip;
	ip->nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 0;
	return ip;
}

static struct rdent *
dir_find(struct rinode *dir, const char *name, size_t len)
{
	struct rdent *d;

	for (d = dir->ents; d != NULL; d = d->next)
		if (d->namelen == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

static int
dir_add(struct rinode *dir, const char *name, size_t len, struct rinode *ip)
{
	struct rdent *d = lo_zalloc(sizeof(*d));

	if (d == NULL)
		return -ENOMEM;
	d->name = name;
	d->namelen = len;
	d->ip = ip;
	*dir->tail = d;
	dir->tail = &d->next;
	if ((ip->mode & S_IFMT) == S_IFDIR)
		dir->nlink++;
	else
		ip->nlink++;
	return 0;
}

/* ---- the archive ----------------------------------------------------- */

struct cphdr {
	uint64_t	f[13];	/* ino mode uid gid nlink mtime filesize
				 * devmaj devmin rdevmaj rdevmin namesize chk */
};

static int
hex8(const char *p, uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 8; i++) {
		char c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint64_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint64_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static int
type_ok(uint32_t mode)
{

	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return 1;
	}
	return 0;
}

/* One archive member at path `name` (NUL-terminated). */
static int
add_member(const char *name, const struct cphdr *h, const char *data)
{
	struct rinode *dir = r_root, *ip;
	struct rdent *d;
	const char *p = name, *q;
	uint32_t mode = (uint32_t)h->f[1];

	if (!type_ok(mode))
		return r_err = "bad file type", -EINVAL;
	for (;;) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
			p++;
			continue;
		}
		if (*p == '\0') {		/* the root itself */
			if ((mode & S_IFMT) != S_IFDIR)
				return r_err = "root is not a directory",
				    -EINVAL;
			r_root->mode = mode;
			r_root->mtime_ns = (int64_t)h->f[5] * 1000000000;
			return 0;
		}
		for (q = p; *q != '\0' && *q != '/'; q++)
			;
		if (q - p == 2 && p[0] == '.' && p[1] == '.')
			return r_err = "'..' in a name", -EINVAL;
		if (q - p > VFS_NAME_MAX)
			return r_err = "name component too long", -EINVAL;
		while (*q == '/')
			q++;
		if (*q != '\0')	{	/* an inner component: a directory */
			const char *e = p;
			while (*e != '/')
				e++;
			if ((d = dir_find(dir, p, (size_t)(e - p))) == NULL) {
				if ((ip = inode_new(S_IFDIR | 0755, dir)) ==
				    NULL || dir_add(dir, p, (size_t)(e - p),
				    ip) < 0)
					return r_err = "out of memory", -ENOMEM;
				d = dir_find(dir, p, (size_t)(e - p));
			}
			if ((d->ip->mode & S_IFMT) != S_IFDIR)
				return r_err = "parent is not a directory",
				    -EINVAL;
			dir = d->ip;
			p = q;
			continue;
		}
		break;
	}
	for (q = p; *q != '\0' && *q != '/'; q++)
		;
	if ((d = dir_find(dir, p, (size_t)(q - p))) != NULL) {
		if ((d->ip->mode & S_IFMT) != S_IFDIR ||
		    (mode & S_IFMT) != S_IFDIR)
			return r_err = "duplicate entry", -EINVAL;
		d->ip->mode = mode;	/* made implicitly before: now known */
		d->ip->mtime_ns = (int64_t)h->f[5] * 1000000000;
		return 0;
	}
	ip = NULL;
	if ((mode & S_IFMT) == S_IFREG && h->f[4] > 1)
		for (ip = r_links; ip != NULL; ip = ip->nextlink)
			if (ip->cpino == h->f[0])
				break;
	if (ip == NULL) {
		if ((ip = inode_new(mode, dir)) == NULL)
			return r_err = "out of memory", -ENOMEM;
		ip->cpino = h->f[0];
		if ((mode & S_IFMT) == S_IFREG && h->f[4] > 1) {
			ip->nextlink = r_links;
			r_links = ip;
		}
	}
	ip->uid = (uint32_t)h->f[2];
	ip->gid = (uint32_t)h->f[3];
	ip->mtime_ns = (int64_t)h->f[5] * 1000000000;
	ip->rdev = ((h->f[9] & 0xfff) << 8) | (h->f[10] & 0xff) |
	    ((h->f[10] & ~0xffULL) << 12);
	if (h->f[6] > 0 || ip->data == NULL) {	/* hard links: data once */
		ip->data = data;
		ip->size = (size_t)h->f[6];
	}
	if (dir_add(dir, p, (size_t)(q - p), ip) < 0)
		return r_err = "out of memory", -ENOMEM;
	return 0;
}

#define ALIGN4(x)	(((x) + 3) & ~(uint64_t)3)

static int64_t
parse(const char *base, uint64_t len)
{
	uint64_t off = 0, noff, doff;
	struct cphdr h;
	const char *name;
	int i;

	for (;;) {
		if (off + 110 > len)	/* off may be past len by padding */
			return r_err = "archive ends without a TRAILER!!! "
			    "entry", (int64_t)(off < len ? off : len);
		if (memcmp(base + off, "070701", 6) != 0 &&
		    memcmp(base + off, "070702", 6) != 0)
			return r_err = "bad magic (not a cpio newc archive)",
			    (int)off;
		for (i = 0; i < 13; i++)
			if (hex8(base + off + 6 + 8 * i, &h.f[i]) < 0)
				return r_err = "bad header field", (int64_t)off;
		noff = off + 110;
		if (h.f[11] == 0 || noff + h.f[11] > len)
			return r_err = "name past the end", (int64_t)off;
		name = base + noff;
		if (name[h.f[11] - 1] != '\0' || strlen(name) != h.f[11] - 1)
			return r_err = "name without its NUL", (int64_t)off;
		doff = ALIGN4(noff + h.f[11]);
		if (doff > len || h.f[6] > len - doff)
			return r_err = "file data past the end", (int64_t)off;
		if (strcmp(name, "TRAILER!!!") == 0)
			return -1;
		if (add_member(name, &h, base + doff) < 0)
			return (int64_t)off;
		off = ALIGN4(doff + h.f[6]);
	}
}

/* ---- vnode ops ------------------------------------------------------- */

static int
get_vnode(struct rinode *ip, struct lo_vnode **out)
{

	if (ip->vn != NULL) {
		lo_vn_ref(ip->vn);
	} else if ((ip->vn = lo_vn_new(r_mnt, &rootfs_vnops, ip->mode,
	    ip->ino, ip)) == NULL)
		return -ENOMEM;
	*out = ip->vn;
	return 0;
}

static int
r_lookup(struct lo_vnode *dir, const char *name, struct lo_vnode **out)
{
	struct rdent *d = dir_find(dir->priv, name, strlen(name));

	return d == NULL ? -ENOENT : get_vnode(d->ip, out);
}

static int
r_readlink(struct lo_vnode *vn, char *buf, size_t len)
{
	struct rinode *ip = vn->priv;

	if ((ip->mode & S_IFMT) != S_IFLNK)
		return -EINVAL;
	if (len > ip->size)
		len = ip->size;
	memcpy(buf, ip->data, len);
	return (int)len;
}

static int
r_getattr(struct lo_vnode *vn, struct lo_attr *a)
{
	struct rinode *ip = vn->priv;

	a->mode = ip->mode;
	a->nlink = ip->nlink;
	a->uid = ip->uid;
	a->gid = ip->gid;
	a->ino = ip->ino;
	a->size = (ip->mode & S_IFMT) == S_IFDIR ? 0 : (int64_t)ip->size;
	a->blocks = (a->size + 511) / 512;
	a->rdev = ip->rdev;
	a->atime_ns = a->mtime_ns = a->ctime_ns = ip->mtime_ns;
	return 0;
}

static ssize_t
r_read(struct lo_vnode *vn, void *buf, size_t len, int64_t off)
{
	struct rinode *ip = vn->priv;

	if ((ip->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	if (off < 0 || (uint64_t)off >= ip->size)
		return 0;
	if (len > ip->size - (size_t)off)
		len = ip->size - (size_t)off;
	memcpy(buf, ip->data + off, len);
	return (ssize_t)len;
}

static int
r_readdir(struct lo_vnode *vn, int64_t *pos, lo_filldir fill, void *ctx)
{
	struct rinode *ip = vn->priv;
	struct rdent *d;
	int64_t i;

	for (;;) {
		if (*pos == 0) {
			if (fill(ctx, ".", 1, ip->ino, DT_DIR, 1))
				return 0;
		} else if (*pos == 1) {
			if (fill(ctx, "..", 2, ip->parent->ino, DT_DIR, 2))
				return 0;
		} else {
			for (d = ip->ents, i = 2; d != NULL && i < *pos; i++)
				d = d->next;
			if (d == NULL)
				return 0;
			if (fill(ctx, d->name, d->namelen, d->ip->ino,
			    VFS_DTYPE(d->ip->mode), *pos + 1))
				return 0;
		}
		(*pos)++;
	}
}

static const void *
r_map(struct lo_vnode *vn, int64_t off, size_t len)
{
	struct rinode *ip = vn->priv;

	if ((ip->mode & S_IFMT) != S_IFREG || off < 0 ||
	    (uint64_t)off > ip->size || len > ip->size - (size_t)off)
		return NULL;
	return ip->data + off;
}

static void
r_inactive(struct lo_vnode *vn)
{
	struct rinode *ip = vn->priv;

	ip->vn = NULL;
}

static const struct lo_vnops rootfs_vnops = {
	.lookup = r_lookup,
	.readlink = r_readlink,
	.getattr = r_getattr,
	.read = r_read,
	.readdir = r_readdir,
	.map = r_map,
	.inactive = r_inactive,
};

int
rootfs_is(struct lo_vnode *vn)
{

	return vn->ops == &rootfs_vnops;
}

static int
mkdir_ip(struct rinode *dir, const char *name)
{
	struct rinode *ip;
	char *n = lo_strdup(name);

	if (n == NULL || (ip = inode_new(S_IFDIR | 0755, dir)) == NULL)
		return -ENOMEM;
	ip->mtime_ns = vfs_now();
	return dir_add(dir, n, strlen(n), ip);
}

int
rootfs_mkdir_mountpoint(struct lo_vnode *dirvn, const char *name)
{

	return mkdir_ip(dirvn->priv, name);
}

/* ---- the file system type ---------------------------------------------- */

static int
rootfs_mount(struct lo_mount *mp, const char *source, int flags,
    const char *opts, struct lo_vnode **root)
{
	const char *base = __tandem_root_start;
	uint64_t len = 0;
	int64_t off;

	r_mnt = mp;
	if ((r_root = inode_new(S_IFDIR | 0755, NULL)) == NULL)
		return -ENOMEM;
	if (base != NULL && __tandem_root_end > base)
		len = (uint64_t)(__tandem_root_end - base);
	if (len > 0 && (off = parse(base, len)) >= 0) {
		lo_printf("tandem: libos: root archive corrupt at offset %ld: "
		    "%s\n", (long)off, r_err);
		return -EINVAL;
	}
	/* what libos needs even of an empty root: mount points */
	if (dir_find(r_root, "tmp", 3) == NULL)
		mkdir_ip(r_root, "tmp");
	if (dir_find(r_root, "dev", 3) == NULL)
		mkdir_ip(r_root, "dev");
	return get_vnode(r_root, root);
}

const struct lo_fstype vfs_rootfs = {
	.name = "rootfs",
	.mount = rootfs_mount,
};
