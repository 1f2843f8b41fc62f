/*
 * vfs.c -- the mount table and name lookup (see vfs.h for the design).
 *
 * Lookup walks one component at a time.  A component that names a
 * covered directory continues at the newest mount's root; ".." goes to
 * the parent of the canonical path reached so far, walked again from
 * the root, so it leaves a mount the way it came in; a symlink's target
 * is spliced in front of what is left of the path (at most 40 of them,
 * then ELOOP), from the root when it is absolute.
 */
#include "vfs.h"

struct vfs_mnt		*vfs_mounts;
static struct vfs_mnt	*vfs_rootmnt;
static const struct lo_fstype *fstypes[16];
static int		 nfstypes;
static uint64_t		 next_dev = 0x10;	/* st_dev: 0:16, 0:17, ... */

int
lo_fstype_register(const struct lo_fstype *t)
{
	int i;

	for (i = 0; i < nfstypes; i++)
		if (strcmp(fstypes[i]->name, t->name) == 0)
			return -EEXIST;
	if (nfstypes == (int)(sizeof(fstypes) / sizeof(fstypes[0])))
		return -ENOSPC;
	fstypes[nfstypes++] = t;
	return 0;
}

static const struct lo_fstype *
fstype_find(const char *name)
{
	int i;

	for (i = 0; i < nfstypes; i++)
		if (strcmp(fstypes[i]->name, name) == 0)
			return fstypes[i];
	return NULL;
}

int
vfs_fstype_known(const char *name)
{

	return fstype_find(name) != NULL;
}

struct vfs_mnt *
vfs_mnt_of(struct lo_vnode *vn)
{

	return (struct vfs_mnt *)vn->mnt;
}

int
vfs_rdonly(struct lo_vnode *vn)
{

	return vn->mnt != NULL && (vn->mnt->flags & LO_MNT_RDONLY) != 0;
}

int64_t
vfs_now(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	return sec * 1000000000LL + nsec;
}

int
vfs_getattr(struct lo_vnode *vn, struct lo_attr *a)
{
	int rv;

	memset(a, 0, sizeof(*a));
	if ((rv = vn->ops->getattr(vn, a)) < 0)
		return rv;
	if (a->ino == 0)
		a->ino = vn->ino;
	if (a->blksize == 0)
		a->blksize = 4096;
	if ((a->mode & S_IFMT) == 0)
		a->mode |= vn->mode & S_IFMT;
	return 0;
}

/* ---- lookup ------------------------------------------------------------ */

int
vfs_getpath(const char *u, char *buf, int empty_ok)
{
	int i;

	if (LO_BADPTR(u))
		return -EFAULT;
	for (i = 0; i < VFS_PATH_MAX; i++)
		if ((buf[i] = u[i]) == '\0')
			break;
	if (i == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (i == 0 && !empty_ok)
		return -ENOENT;
	return 0;
}

/* If vp is covered, the root of the newest mount on it instead. */
static struct lo_vnode *
cross(struct lo_vnode *vp, int *mounted)
{
	struct vfs_mnt *m;

again:
	for (m = vfs_mounts; m != NULL; m = m->next)
		if (m->cov_mnt != NULL && m->cov_mnt == vp->mnt &&
		    m->cov_ino == vp->ino && m->root != vp) {
			lo_vn_rele(vp);
			vp = m->root;
			lo_vn_ref(vp);
			*mounted = 1;
			goto again;
		}
	return vp;
}

static int
isdots(const char *n)
{

	return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

/* The vnode of a canonical absolute path (no links, dots or repeats). */
int
vfs_walk_canon(const char *path, struct lo_vnode **out)
{
	struct lo_vnode *vp = vfs_rootmnt->root, *child;
	char name[VFS_NAME_MAX + 1];
	const char *p = path, *q;
	int rv, m;

	lo_vn_ref(vp);
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && *q != '/'; q++)
			;
		if (q - p > VFS_NAME_MAX || (vp->mode & S_IFMT) != S_IFDIR ||
		    vp->ops->lookup == NULL) {
			lo_vn_rele(vp);
			return -ENOENT;
		}
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		rv = vp->ops->lookup(vp, name, &child);
		lo_vn_rele(vp);
		if (rv < 0)
			return rv;
		vp = cross(child, &m);
		p = q;
	}
	*out = vp;
	return 0;
}

static void
path_up(char *path)
{
	char *s = path + strlen(path);

	while (s > path && *s != '/')
		s--;
	if (s == path)
		s[1] = '\0';
	else
		*s = '\0';
}

static int
path_add(char *path, const char *name)
{
	size_t pl = strlen(path), nl = strlen(name);

	if (pl + 1 + nl >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (pl > 1)
		path[pl++] = '/';
	memcpy(path + pl, name, nl + 1);
	return 0;
}

/* The directory a lookup starts at, with its path. */
static int
start_at(int dirfd, const char *buf, struct lo_vnode **vpp, char *path,
    int flags)
{
	struct lo_file *f;
	struct vfile *vf;
	const char *cp;
	struct lo_vnode *vp;

	if (buf[0] == '/') {
		vp = vfs_rootmnt->root;
		cp = "/";
	} else if (dirfd == AT_FDCWD) {
		vp = vfs_cwd(&cp);
		lo_vn_rele(vp);		/* vfs_cwd gave a ref: take ours below */
	} else {
		if ((f = lo_fd_get(dirfd)) == NULL)
			return -EBADF;
		if (f->vn == NULL || f->ops != &vfs_fileops ||
		    (buf[0] != '\0' && (f->vn->mode & S_IFMT) != S_IFDIR)) {
			lo_file_rele(f);
			return -ENOTDIR;
		}
		vf = f->priv;
		vp = f->vn;
		lo_vn_ref(vp);
		memcpy(path, vf->path, strlen(vf->path) + 1);
		lo_file_rele(f);
		*vpp = vp;
		return 0;
	}
	lo_vn_ref(vp);
	memcpy(path, cp, strlen(cp) + 1);
	*vpp = vp;
	return 0;
}

/* Splices a symlink's target in front of rest (a suffix of buf). */
static int
splice_link(struct lo_vnode *lnk, char *buf, size_t bufsz, const char *rest,
    char *tbuf)
{
	size_t rl = strlen(rest);
	int tl;

	tl = lnk->ops->readlink != NULL ?
	    lnk->ops->readlink(lnk, tbuf, VFS_PATH_MAX - 1) : -EINVAL;
	if (tl < 0)
		return tl;
	if (tl == 0)
		return -ENOENT;
	if ((size_t)tl + rl + 1 > bufsz)
		return -ENAMETOOLONG;
	memmove(buf + tl, rest, rl + 1);
	memcpy(buf, tbuf, (size_t)tl);
	return 0;
}

#define NBUF	(2 * VFS_PATH_MAX + 2)

/* A lookup needs 16 KiB of scratch (the path being walked, a symlink's
 * target, the canonical path): three page-sized heap round trips per
 * open() or stat() were ~1,000 instructions of an nginx request.  One
 * set is kept for the next lookup; a lookup running while it is taken
 * (another thread, or a second nd alive, as rename has) allocates. */
enum { KEEP_SCRATCH, KEEP_PATH };
static void *nm_keep[2];

static void *
keep_get(int k, size_t n)
{
	void *p = __atomic_exchange_n(&nm_keep[k], NULL, __ATOMIC_ACQUIRE);

	return p != NULL ? p : lo_malloc(n);
}

static void
keep_put(int k, void *p, size_t n)
{
	void *none = NULL;

	if (p != NULL && !__atomic_compare_exchange_n(&nm_keep[k], &none, p,
	    0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		lo_free(p, n);
}

static int
namei_walk(struct nd *nd, char *buf, char *tbuf, struct lo_vnode *cur,
    int flags)
{
	struct lo_vnode *child;
	char *p = buf, *q, *r;
	size_t len;
	int rv, links = 0, last, m;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0') {
			/* nothing left: the path named cur itself */
			if (flags & ND_PARENT) {
				memcpy(nd->name, "/", 2);
				lo_vn_ref(cur);
				nd->dvp = cur;
			}
			nd->vp = cur;
			return 0;
		}
		for (q = p; *q != '\0' && *q != '/'; q++)
			;
		len = (size_t)(q - p);
		if (len > VFS_NAME_MAX) {
			rv = -ENAMETOOLONG;
			break;
		}
		for (r = q; *r == '/'; r++)
			;
		last = *r == '\0';
		memcpy(nd->name, p, len);
		nd->name[len] = '\0';
		if ((cur->mode & S_IFMT) != S_IFDIR ||
		    cur->ops->lookup == NULL) {
			rv = -ENOTDIR;
			break;
		}
		if (isdots(nd->name)) {
			if (nd->name[1] == '.') {
				path_up(nd->path);
				lo_vn_rele(cur);
				if ((rv = vfs_walk_canon(nd->path, &cur)) < 0)
					return rv;
			}
			if (last) {
				nd->slash = q != r;
				if (flags & ND_PARENT) {
					lo_vn_ref(cur);
					nd->dvp = cur;
				}
				nd->vp = cur;
				return 0;
			}
			p = q;
			continue;
		}
		rv = cur->ops->lookup(cur, nd->name, &child);
		if (rv == -ENOENT && last && (flags & ND_PARENT)) {
			nd->slash = q != r;
			nd->dvp = cur;
			return path_add(nd->path, nd->name);
		}
		if (rv < 0)
			break;
		m = 0;
		child = cross(child, &m);
		if ((child->mode & S_IFMT) == S_IFLNK &&
		    (!last || (flags & ND_FOLLOW) ||
		    (q != r && !(flags & ND_PARENT)))) {
			if ((nd->magicfd = devfs_magicfd(child)) >= 0) {
				if (!last) {
					lo_vn_rele(child);
					rv = -ENOTDIR;
					break;
				}
				goto found;
			}
			if (++links > VFS_MAXLINKS)
				rv = -ELOOP;
			else
				rv = splice_link(child, buf, NBUF, q, tbuf);
			lo_vn_rele(child);
			if (rv < 0)
				break;
			if (buf[0] == '/') {
				lo_vn_rele(cur);
				cur = vfs_rootmnt->root;
				lo_vn_ref(cur);
				memcpy(nd->path, "/", 2);
			}
			p = buf;
			continue;
		}
		if (last) {
found:
			nd->slash = q != r;
			nd->mounted = m;
			/* names of their own (unlink, mkdir ...) judge a
			 * trailing slash themselves, as Linux does */
			if (nd->slash && (child->mode & S_IFMT) != S_IFDIR &&
			    nd->magicfd < 0 && !(flags & ND_PARENT)) {
				lo_vn_rele(child);
				rv = -ENOTDIR;
				break;
			}
			if (flags & ND_PARENT)
				nd->dvp = cur;
			else
				lo_vn_rele(cur);
			nd->vp = child;
			return path_add(nd->path, nd->name);
		}
		if ((rv = path_add(nd->path, nd->name)) < 0) {
			lo_vn_rele(child);
			break;
		}
		lo_vn_rele(cur);
		cur = child;
		p = q;
	}
	lo_vn_rele(cur);
	return rv;
}

int
vfs_namei(int dirfd, const char *upath, int flags, struct nd *nd)
{
	struct lo_vnode *cur;
	char *buf, *tbuf;
	int rv;

	memset(nd, 0, sizeof(*nd));
	nd->magicfd = -1;
	buf = keep_get(KEEP_SCRATCH, NBUF + VFS_PATH_MAX);
	tbuf = buf != NULL ? buf + NBUF : NULL;
	nd->path = keep_get(KEEP_PATH, VFS_PATH_MAX);
	if (buf == NULL || nd->path == NULL) {
		rv = -ENOMEM;
		goto out;
	}
	if ((rv = vfs_getpath(upath, buf, flags & ND_EMPTY)) < 0)
		goto out;
	if ((rv = start_at(dirfd, buf, &cur, nd->path, flags)) < 0)
		goto out;
	if (buf[0] == '\0') {		/* AT_EMPTY_PATH */
		nd->vp = cur;
		goto out;
	}
	rv = namei_walk(nd, buf, tbuf, cur, flags);
out:
	keep_put(KEEP_SCRATCH, buf, NBUF + VFS_PATH_MAX);
	if (rv < 0) {
		vfs_nd_done(nd);
		nd->dvp = nd->vp = NULL;
	}
	return rv;
}

void
vfs_nd_done(struct nd *nd)
{

	if (nd->dvp != NULL)
		lo_vn_rele(nd->dvp);
	if (nd->vp != NULL)
		lo_vn_rele(nd->vp);
	nd->dvp = nd->vp = NULL;
	keep_put(KEEP_PATH, nd->path, VFS_PATH_MAX);
	nd->path = NULL;
}

/* ---- mounts ------------------------------------------------------------ */

/* mkdir -p of a mount point; the read-only root makes room for it. */
static int
mkpath(const char *path)
{
	char *pre = lo_malloc(VFS_PATH_MAX);
	struct nd nd;
	size_t i, n = strlen(path);
	int rv = 0;

	if (pre == NULL)
		return -ENOMEM;
	for (i = 1; i <= n && rv == 0; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(pre, path, i);
		pre[i] = '\0';
		if ((rv = vfs_namei(AT_FDCWD, pre, ND_FOLLOW | ND_PARENT,
		    &nd)) < 0)
			break;
		if (nd.vp == NULL) {
			if (rootfs_is(nd.dvp))
				rv = rootfs_mkdir_mountpoint(nd.dvp, nd.name);
			else if (vfs_rdonly(nd.dvp))
				rv = -EROFS;
			else
				rv = nd.dvp->ops->mkdir(nd.dvp, nd.name, 0755);
		}
		vfs_nd_done(&nd);
	}
	lo_free(pre, VFS_PATH_MAX);
	return rv;
}

int
lo_mount(const char *fstype, const char *source, const char *path,
    int flags, const char *opts)
{
	const struct lo_fstype *t = fstype_find(fstype);
	struct vfs_mnt *vm;
	struct nd nd;
	int rv;

	if (t == NULL)
		return -ENODEV;
	memset(&nd, 0, sizeof(nd));
	if (vfs_rootmnt != NULL) {
		if (path[0] != '/')
			return -EINVAL;
		if ((rv = mkpath(path)) < 0)
			return rv;
		if ((rv = vfs_namei(AT_FDCWD, path, ND_FOLLOW, &nd)) < 0)
			return rv;
		if ((nd.vp->mode & S_IFMT) != S_IFDIR) {
			vfs_nd_done(&nd);
			return -ENOTDIR;
		}
	} else if (strcmp(path, "/") != 0)
		return -ENOENT;
	if ((vm = lo_zalloc(sizeof(*vm))) == NULL) {
		vfs_nd_done(&nd);
		return -ENOMEM;
	}
	vm->m.fs = t;
	vm->m.flags = flags;
	vm->m.dev = next_dev++;
	rv = t->mount(&vm->m, source, flags, opts, &vm->root);
	if (rv == 0)
		vm->path = lo_strdup(nd.vp != NULL ? nd.path : "/");
	if (rv < 0 || vm->path == NULL) {
		if (rv == 0 && t->unmount != NULL)
			t->unmount(&vm->m);
		vfs_nd_done(&nd);
		lo_free(vm, sizeof(*vm));
		return rv < 0 ? rv : -ENOMEM;
	}
	if (nd.vp != NULL) {
		vm->cov_mnt = nd.vp->mnt;
		vm->cov_ino = nd.vp->ino;
	} else
		vfs_rootmnt = vm;
	vfs_nd_done(&nd);
	vm->next = vfs_mounts;
	vfs_mounts = vm;
	return 0;
}

void
lo_unmount_all(void)
{
	static int done;
	struct vfs_mnt *m;

	if (done++)
		return;
	/* newest first: a mount goes before the one it sits on */
	for (m = vfs_mounts; m != NULL; m = m->next) {
		if (m->m.fs->unmount != NULL)
			m->m.fs->unmount(&m->m);
		else if (m->m.fs->sync != NULL)
			m->m.fs->sync(&m->m);
	}
}
