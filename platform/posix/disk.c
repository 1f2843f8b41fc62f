/*
 * disk.c -- platform posix block devices: host files behind the block
 * registry.  Requests queue up in submit() and run when the CPU idles
 * (posix_block), newest first, so callers see many requests in flight
 * and completions out of order, as with a real ring.  A small queue
 * depth exercises the registry's back-pressure.
 */
#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "host.h"
#include "posix.h"

#define DISK_QDEPTH	16
#define DISK_SECTOR	512

struct pdisk {
	int		 fd;
	int		 nq;
	struct td_blkreq *q[DISK_QDEPTH];
};

static struct pdisk disks[TD_BLKDEV_MAX];
static int ndisks;

/* Linux -errno to the registry's TD_E* */
static int
host_err(int e)
{

	switch (-e) {
	case ENOSPC:	return TD_ENOSPC;
	case EROFS:	return TD_EROFS;
	case EFBIG:	return TD_EFBIG;
	default:	return TD_EIO;
	}
}

static int
disk_submit(void *softc, struct td_blkreq *r)
{
	struct pdisk *d = softc;

	if (d->nq == DISK_QDEPTH)
		return TD_EAGAIN;
	d->q[d->nq++] = r;
	return 0;
}

static int
disk_xfer(struct pdisk *d, struct td_blkreq *r)
{
	int64_t off = (int64_t)(r->sector * DISK_SECTOR);
	size_t done = 0;
	long n;
	int rv;

	if (r->op == TD_BLK_FLUSH)
		return (rv = host_fdatasync(d->fd)) == 0 ? 0 : host_err(rv);
	while (done < r->len) {
		if (r->op == TD_BLK_READ)
			n = host_pread(d->fd, (char *)r->buf + done,
			    r->len - done, off + (int64_t)done);
		else
			n = host_pwrite(d->fd, (char *)r->buf + done,
			    r->len - done, off + (int64_t)done);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return host_err((int)n);
		if (n == 0) {		/* read past a short file: zeroes */
			memset((char *)r->buf + done, 0, r->len - done);
			break;
		}
		done += (size_t)n;
	}
	if (r->op == TD_BLK_WRITE && (r->flags & TD_BLKREQ_FUA) &&
	    (rv = host_fdatasync(d->fd)) != 0)
		return host_err(rv);
	return 0;
}

int
posix_disk_run(void)
{
	struct pdisk *d;
	struct td_blkreq *r;
	int i, n = 0;

	for (i = 0; i < ndisks; i++) {
		d = &disks[i];
		while (d->nq > 0) {
			r = d->q[--d->nq];	/* newest first */
			td_blkreq_done(r, disk_xfer(d, r));
			n++;
		}
	}
	return n;
}

static const struct td_blkdev_ops disk_ops = {
	.submit = disk_submit,
};

/* Size of a regular file or a block device, or -errno. */
static int64_t
disk_size(int fd)
{
	struct stat st;
	int rv;

	if ((rv = host_fstat(fd, &st)) != 0)
		return rv;
	switch (st.st_mode & HOST_S_IFMT) {
	case HOST_S_IFREG:
		return (int64_t)st.st_size;
	case HOST_S_IFBLK:
		return host_lseek(fd, 0, HOST_SEEK_END);
	case HOST_S_IFDIR:
		return -EISDIR;
	default:
		return -EINVAL;
	}
}

int
posix_disk_add(const char *spec)
{
	struct td_blkdev_info info;
	char name[TD_DEVNAME_MAX], path[4096];
	const char *eq = strchr(spec, '=');
	int64_t size;
	size_t plen;
	int ro = 0, fd, rv;

	if (eq == NULL || eq == spec || (size_t)(eq - spec) >= sizeof(name) ||
	    strlen(eq + 1) >= sizeof(path) || ndisks == TD_BLKDEV_MAX) {
		posix_warn("posix: bad --disk %s (NAME=PATH[,ro])\n", spec);
		return -1;
	}
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	strcpy(path, eq + 1);
	plen = strlen(path);
	if (plen > 3 && strcmp(path + plen - 3, ",ro") == 0) {
		path[plen - 3] = '\0';
		ro = 1;
	}
	if ((fd = host_openat(AT_FDCWD, path, (ro ? O_RDONLY : O_RDWR) |
	    O_CLOEXEC, 0)) < 0) {
		posix_warn("posix: --disk %s: %s\n", spec, posix_strerror(fd));
		return -1;
	}
	if ((size = disk_size(fd)) < 0) {
		posix_warn("posix: --disk %s: %s\n", spec,
		    posix_strerror((int)size));
		host_close(fd);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.nsectors = (uint64_t)size / DISK_SECTOR;
	info.sector_size = DISK_SECTOR;
	info.max_xfer = 128 * 1024;
	info.flags = TD_BLKDEV_WCACHE | TD_BLKDEV_FUA |
	    (ro ? TD_BLKDEV_RDONLY : 0);
	disks[ndisks].fd = fd;
	if ((rv = td_blkdev_register(name, &disk_ops, &disks[ndisks],
	    &info)) != 0) {
		posix_warn("posix: --disk %s: registry error %d\n", spec, rv);
		host_close(fd);
		return -1;
	}
	ndisks++;
	return 0;
}
