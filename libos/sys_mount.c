/*
 * sys_mount.c -- mount(2) and umount2(2) over the mount table, for the
 * file system types registered here ("tmpfs", and "ext4" on a rumpuser
 * device "blkN" when it is linked).  Linux's rules: the mount point must
 * exist and be a directory; an unknown type is ENODEV; a file system in
 * use cannot be unmounted (EBUSY).  MS_RDONLY is honoured, the other
 * per-mount flags (nosuid, nodev, noexec, noatime ...) are accepted:
 * there is one user and nothing to execute.
 */
#include "vfs.h"
#include <linux/mount.h>

#define MS_UNSUPPORTED	(MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | \
	MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

static int
copy_word(const char *u, char *buf, size_t len)
{
	size_t i;

	if (LO_BADPTR(u))
		return -EFAULT;
	for (i = 0; i < len; i++)
		if ((buf[i] = u[i]) == '\0')
			return 0;
	return -ENAMETOOLONG;
}

static long
sys_mount(long source, long target, long type, long flags, long data)
{
	char t[32], src[64] = "", *path;
	struct nd nd;
	int rv;

	if (flags & MS_UNSUPPORTED)
		return -EINVAL;
	if ((rv = copy_word((const char *)type, t, sizeof(t))) < 0)
		return rv == -ENAMETOOLONG ? -ENODEV : rv;
	if (source != 0 && (rv = copy_word((const char *)source, src,
	    sizeof(src))) < 0)
		return rv;
	if (!vfs_fstype_known(t) || strcmp(t, "rootfs") == 0 ||
	    strcmp(t, "devfs") == 0)
		return -ENODEV;
	if ((rv = vfs_namei(AT_FDCWD, (const char *)target, ND_FOLLOW,
	    &nd)) < 0)
		return rv;
	if ((nd.vp->mode & S_IFMT) != S_IFDIR || nd.magicfd >= 0) {
		vfs_nd_done(&nd);
		return -ENOTDIR;
	}
	path = lo_strdup(nd.path);
	vfs_nd_done(&nd);
	if (path == NULL)
		return -ENOMEM;
	rv = lo_mount(t, strcmp(t, "tmpfs") == 0 ? NULL : src, path,
	    (flags & MS_RDONLY) ? LO_MNT_RDONLY : 0, NULL);
	lo_strfree(path);
	return rv;
}

/* Is anything open (an fd, the cwd) on this mount? */
static int
mount_busy(struct vfs_mnt *m)
{
	struct lo_file *f;
	struct lo_vnode *cwd;
	const char *p;
	int fd, busy;

	cwd = vfs_cwd(&p);
	busy = cwd->mnt == &m->m;
	lo_vn_rele(cwd);
	for (fd = 0; fd < LO_NOFILE && !busy; fd++)
		if ((f = lo_fd_get(fd)) != NULL) {
			busy = f->vn != NULL && f->vn->mnt == &m->m;
			lo_file_rele(f);
		}
	for (struct vfs_mnt *o = vfs_mounts; o != NULL && !busy; o = o->next)
		busy = o->cov_mnt == &m->m;	/* something mounted on it */
	return busy;
}

static long
sys_umount2(long target, long flags)
{
	struct vfs_mnt *m, **mp;
	struct nd nd;
	int rv;

	if (flags & ~0xfL)
		return -EINVAL;
	if ((rv = vfs_namei(AT_FDCWD, (const char *)target,
	    (flags & 8) ? 0 : ND_FOLLOW, &nd)) < 0)	/* UMOUNT_NOFOLLOW */
		return rv;
	for (mp = &vfs_mounts; (m = *mp) != NULL; mp = &m->next)
		if (&m->m == nd.vp->mnt && m->root->ino == nd.vp->ino)
			break;
	vfs_nd_done(&nd);
	if (m == NULL)
		return -EINVAL;		/* not a mount point */
	if (m->cov_mnt == NULL || mount_busy(m))
		return -EBUSY;
	*mp = m->next;
	if (m->m.fs->unmount != NULL)
		m->m.fs->unmount(&m->m);
	/* vnodes of it may still be cached by its file system: the mount
	 * record stays allocated, unreachable */
	lo_vn_rele(m->root);
	m->root = NULL;
	return 0;
}

LO_SYSCALL(mount, sys_mount);
LO_SYSCALL(umount2, sys_umount2);
