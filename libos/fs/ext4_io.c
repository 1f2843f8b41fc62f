/*
 * ext4_io.c -- libext2fs's I/O manager over rumpuser's device calls.
 *
 * A channel is a rumpuser fd on a device name ("blk0").  Reads and
 * writes are synchronous rumpuser_iovread/iovwrite of whole blocks (they
 * give back the rump CPU while the device works); flush is
 * rumpuser_syncfd(WRITE|BARRIER|SYNC): everything written before is on
 * stable storage when it returns (a virtio-blk flush, a blkif
 * flush-cache, fdatasync on posix).  Single-block reads go through a
 * small cache (ext4_cache.c).
 *
 * Write order is what lets a crash (no journal is written) leave a state
 * from which e2fsck -fy keeps everything an fsync acknowledged.  The
 * writes of one file system operation (everything between two
 * e4io_commit calls: ext4_vfs.c commits when an op drops the mount lock)
 * reach the device in this order:
 *   1. blocks allocated by this op (data, new extent or directory
 *      blocks): nothing on the device points to them yet, so they go out
 *      first; consecutive ones are gathered into one request of up to
 *      1 MiB (libext2fs writes a file one block at a time);
 *   2. every other block (directory, bitmaps, descriptors, superblock,
 *      data blocks rewritten in place), held and sent at commit in
 *      libext2fs's order, a rewrite of the block just written replacing
 *      it; then the inode table blocks among them, in the same order.
 *      Why: ext2fs_file_write writes the inode with its new i_size
 *      before ext2fs_file_close writes the partly filled last block, so
 *      a crash between the two left an i_size covering zeros (a torn
 *      tail: redis then refuses its AOF).  Data before inode is what
 *      Linux's data=ordered gives too;
 *   3. last, the extent tree blocks the op changed (recognised by their
 *      header), the ones nearest the root first.
 * Why 3: libext2fs grows a leaf's extent before it writes the inode's new
 * i_size, and moves extents out of a full leaf before the parent points
 * to their new block.  A crash between the two leaves an extent reaching
 * past what its parent covers (i_size for the last one), and e2fsck
 * deletes such an extent whole -- acknowledged blocks included.  Written
 * top-down, the parent covers the child first: a crash then leaves a
 * size over a hole (kept), or an extent both in the old leaf and in the
 * new one (e2fsck drops the old copy), never a lost one.
 * An op that freed blocks writes nothing early (a block it freed and
 * took again may still be named by a block it has not yet rewritten).
 */
#include <sys/types.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <rump/rumpuser.h>

#include "ext4_int.h"

#define HELD_MAX	512		/* held writes before a commit ... */
#define HELD_BYTES	(4U << 20)	/* ... or bytes: an op that big
					 * (rare) is committed in pieces */
#define FRESH_MAX	32		/* ranges allocated by the op */
#define RUN_MAX		(1U << 20)	/* bytes of fresh writes per request */

struct held {
	uint64_t	off;
	size_t		len;
	void		*buf;
};

struct e4_chan {
	int		fd;
	uint64_t	size;		/* device bytes */
	unsigned long long nread, nwritten;
	struct held	*held;		/* writes not yet sent, in order */
	int		 nheld, heldcap;
	size_t		 heldbytes;
	struct e4_range	 fresh[FRESH_MAX];	/* bytes the op allocated */
	int		 nfresh;
	int		 freed;		/* the op freed blocks: none fresh */
	struct e4_cache	*cache;		/* ext4_cache.c, may be NULL */
	struct e4_range	*itab;		/* inode tables, sorted, merged */
	int		 nitab;
	char		*run;		/* fresh writes gathered into one */
	uint64_t	 run_off;
	size_t		 run_len;
};

static errcode_t commit(struct e4_chan *);

/* rumpuser errors (NetBSD numbers) as libext2fs error codes: the device
 * said no, so the file system sees an I/O error. */
static errcode_t
io_err(int e, int write)
{

	if (e == 12)			/* ENOMEM */
		return EXT2_ET_NO_MEMORY;
	if (e == 28 && write)		/* ENOSPC: past the end */
		return EXT2_ET_SHORT_WRITE;
	return EIO;
}

static errcode_t
e4io_open(const char *name, int flags, io_channel *out)
{
	struct struct_io_channel *io = NULL;
	struct e4_chan *c = NULL;
	int type, fd, e;
	uint64_t size;

	if (name == NULL)
		return EXT2_ET_BAD_DEVICE_NAME;
	if ((e = rumpuser_getfileinfo(name, &size, &type)) != 0)
		return e == 2 ? ENOENT : EIO;
	io = calloc(1, sizeof(*io));
	c = calloc(1, sizeof(*c));
	if (io == NULL || c == NULL || (io->name = strdup(name)) == NULL)
		goto nomem;
	e = rumpuser_open(name, (flags & IO_FLAG_RW) ? RUMPUSER_OPEN_RDWR :
	    RUMPUSER_OPEN_RDONLY, &fd);
	if (e != 0) {
		free(io->name);
		free(io);
		free(c);
		return e == 30 ? EROFS : e == 2 ? ENOENT : EIO;
	}
	c->fd = fd;
	c->size = size;
	c->cache = e4c_new();
	io->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	io->manager = e4_io_manager;
	io->block_size = 1024;
	io->refcount = 1;
	io->flags = CHANNEL_FLAGS_BLOCK_DEVICE;
	io->private_data = c;
	*out = io;
	return 0;
nomem:
	if (io != NULL)
		free(io->name);
	free(io);
	free(c);
	return EXT2_ET_NO_MEMORY;
}

static errcode_t
e4io_close(io_channel io)
{
	struct e4_chan *c = io->private_data;

	errcode_t err;

	if (--io->refcount > 0)
		return 0;
	err = commit(c);
	rumpuser_close(c->fd);
	free(c->held);
	free(c->run);
	free(c->itab);
	e4c_free(c->cache);
	free(c);
	free(io->name);
	free(io);
	return err;
}

static errcode_t
e4io_set_blksize(io_channel io, int bs)
{

	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0)
		return EXT2_ET_INVALID_ARGUMENT;
	io->block_size = bs;
	return 0;
}

static errcode_t
raw(struct e4_chan *c, uint64_t off, uint64_t len, void *data, int write)
{
	struct rumpuser_iovec iov;
	size_t done;
	int e;

	iov.iov_base = data;
	iov.iov_len = (size_t)len;
	if (write)
		e = rumpuser_iovwrite(c->fd, &iov, 1, (int64_t)off, &done);
	else
		e = rumpuser_iovread(c->fd, &iov, 1, (int64_t)off, &done);
	if (e != 0)
		return io_err(e, write);
	if (done != len)
		return write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
	if (write)
		c->nwritten += len;
	else
		c->nread += len;
	return 0;
}

/* The depth (0 leaf .. 5) of an extent tree block, -1 if h is not one:
 * the header libext2fs and Linux write, eh_max filling the block. */
static int
extent_depth(const struct held *h)
{
	const uint8_t *b = h->buf;
	unsigned magic, entries, max, depth;

	if (h->len < 1024)
		return -1;
	magic = b[0] | b[1] << 8;
	entries = b[2] | b[3] << 8;
	max = b[4] | b[5] << 8;
	depth = b[6] | b[7] << 8;
	if (magic != 0xf30a || max != (h->len - 12) / 12 || entries > max ||
	    depth > 5)
		return -1;
	return (int)depth;
}

/* A later held write of the same bytes makes held[i] stale. */
static int
superseded(struct e4_chan *c, int i)
{
	int j;

	for (j = i + 1; j < c->nheld; j++)
		if (c->held[j].off == c->held[i].off &&
		    c->held[j].len == c->held[i].len)
			return 1;
	return 0;
}

/* Sends the gathered fresh writes. */
static errcode_t
run_flush(struct e4_chan *c)
{
	errcode_t err;

	if (c->run_len == 0)
		return 0;
	err = raw(c, c->run_off, c->run_len, c->run, 1);
	c->run_len = 0;
	return err;
}

/* A fresh write joins the run when it extends or rewrites it. */
static errcode_t
run_add(struct e4_chan *c, uint64_t off, uint64_t len, const void *data)
{
	errcode_t err;

	if (c->run_len != 0 && off >= c->run_off &&
	    off + len <= c->run_off + c->run_len) {
		memcpy(c->run + (off - c->run_off), data, len);
		return 0;
	}
	if (c->run_len != 0 && off == c->run_off + c->run_len &&
	    c->run_len + len <= RUN_MAX) {
		memcpy(c->run + c->run_len, data, len);
		c->run_len += len;
		return 0;
	}
	if ((err = run_flush(c)) != 0)
		return err;
	if (len > RUN_MAX || (c->run == NULL &&
	    (c->run = malloc(RUN_MAX)) == NULL))
		return raw(c, off, len, (void *)(uintptr_t)data, 1);
	memcpy(c->run, data, len);
	c->run_off = off;
	c->run_len = len;
	return 0;
}

/* Whether a held write lies in an inode table (binary search of the
 * ranges the mount gave; none given: nothing is, libext2fs's order). */
static int
in_itable(const struct e4_chan *c, const struct held *h)
{
	int lo = 0, hi = c->nitab - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (h->off >= c->itab[mid].end)
			lo = mid + 1;
		else if (h->off < c->itab[mid].off)
			hi = mid - 1;
		else
			return 1;
	}
	return 0;
}

void
e4io_set_itables(io_channel io, struct e4_range *r, int n)
{
	struct e4_chan *c = io->private_data;

	free(c->itab);
	c->itab = r;
	c->nitab = r != NULL ? n : 0;
}

/* Sends the held writes (order: see the top of this file) and forgets
 * what the op allocated.  The first error is returned, the rest still
 * tried: the caller reports the error, the device keeps what it took. */
static errcode_t
commit(struct e4_chan *c)
{
	errcode_t err, e;
	int i, d, depth, pass;

	err = run_flush(c);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->nheld; i++) {
			if (extent_depth(&c->held[i]) >= 0 ||
			    in_itable(c, &c->held[i]) != pass)
				continue;
			e = raw(c, c->held[i].off, c->held[i].len,
			    c->held[i].buf, 1);
			if (err == 0)
				err = e;
		}
	for (d = 5; d >= 0; d--)
		for (i = 0; i < c->nheld; i++) {
			depth = extent_depth(&c->held[i]);
			if (depth != d || superseded(c, i))
				continue;
			e = raw(c, c->held[i].off, c->held[i].len,
			    c->held[i].buf, 1);
			if (err == 0)
				err = e;
		}
	for (i = 0; i < c->nheld; i++)
		free(c->held[i].buf);
	c->nheld = 0;
	c->heldbytes = 0;
	c->nfresh = 0;
	c->freed = 0;
	return err;
}

errcode_t
e4io_commit(io_channel io)
{

	return commit(io->private_data);
}

void
e4io_alloc(io_channel io, uint64_t off, uint64_t len, int inuse)
{
	struct e4_chan *c = io->private_data;
	struct e4_range *r;
	int i;

	if (inuse < 0) {
		c->freed = 1;
		c->nfresh = 0;
		return;
	}
	if (c->freed || len == 0)
		return;
	for (i = 0; i < c->nfresh; i++) {
		r = &c->fresh[i];
		if (r->end == off) {
			r->end = off + len;
			return;
		}
		if (r->off == off + len) {
			r->off = off;
			return;
		}
	}
	if (c->nfresh < FRESH_MAX) {	/* else: held, which is safe too */
		c->fresh[c->nfresh].off = off;
		c->fresh[c->nfresh++].end = off + len;
	}
}

static int
fresh(struct e4_chan *c, uint64_t off, uint64_t len)
{
	int i;

	for (i = 0; i < c->nfresh; i++)
		if (off >= c->fresh[i].off && off + len <= c->fresh[i].end)
			return 1;
	return 0;
}

static int
overlaps(const struct held *h, uint64_t off, uint64_t len)
{

	return off < h->off + h->len && h->off < off + len;
}

/* A fresh block goes out now; held writes of it (libext2fs zeroes a
 * block when it allocates it) are dropped; one that only partly
 * overlaps sends everything held first. */
static errcode_t
write_fresh(struct e4_chan *c, uint64_t off, uint64_t len, void *data)
{
	errcode_t err;
	int i, j;

	for (i = j = 0; i < c->nheld; i++) {
		if (overlaps(&c->held[i], off, len) && (c->held[i].off < off ||
		    c->held[i].off + c->held[i].len > off + len)) {
			c->nheld = j + (c->nheld - i);
			memmove(&c->held[j], &c->held[i],
			    (size_t)(c->nheld - j) * sizeof(*c->held));
			if ((err = commit(c)) != 0)
				return err;
			return run_add(c, off, len, data);
		}
		if (overlaps(&c->held[i], off, len)) {
			c->heldbytes -= c->held[i].len;
			free(c->held[i].buf);
			continue;
		}
		c->held[j++] = c->held[i];
	}
	c->nheld = j;
	return run_add(c, off, len, data);
}

static errcode_t
hold(struct e4_chan *c, uint64_t off, uint64_t len, const void *data)
{
	struct held *h, *n;
	errcode_t err;

	/* the run goes out before anything held: a later write of its
	 * bytes must not be overtaken by it */
	if (c->run_len != 0 && off < c->run_off + c->run_len &&
	    c->run_off < off + len && (err = commit(c)) != 0)
		return err;
	h = c->nheld > 0 ? &c->held[c->nheld - 1] : NULL;
	if (h != NULL && h->off == off && h->len == len) {
		memcpy(h->buf, data, len);	/* the same block again */
		return 0;
	}
	if (c->nheld == c->heldcap) {
		n = realloc(c->held, (size_t)(c->heldcap + 16) * sizeof(*n));
		if (n == NULL)
			goto direct;
		c->held = n;
		c->heldcap += 16;
	}
	h = &c->held[c->nheld];
	if ((h->buf = malloc(len)) == NULL)
		goto direct;
	memcpy(h->buf, data, len);
	h->off = off;
	h->len = len;
	c->nheld++;
	c->heldbytes += len;
	if (c->nheld >= HELD_MAX || c->heldbytes >= HELD_BYTES)
		return commit(c);
	return 0;
direct:
	/* no memory: keep the order by sending what is held first */
	if (commit(c) != 0)
		return EIO;
	return raw(c, off, len, (void *)(uintptr_t)data, 1);
}

/* A read sees the held writes: an exact one is copied, a partial overlap
 * sends them all first.  One block (count 1, not libext2fs's byte reads
 * of the superblock) goes through the cache. */
static errcode_t
read_held(struct e4_chan *c, uint64_t off, uint64_t len, void *data,
    int one)
{
	errcode_t err;
	int i;

	if (c->run_len != 0 && off < c->run_off + c->run_len &&
	    c->run_off < off + len && (err = run_flush(c)) != 0)
		return err;
	for (i = c->nheld - 1; i >= 0; i--) {
		if (!overlaps(&c->held[i], off, len))
			continue;
		if (c->held[i].off == off && c->held[i].len == len) {
			memcpy(data, c->held[i].buf, len);
			return 0;
		}
		if ((err = commit(c)) != 0)
			return err;
		break;
	}
	if (!one)
		return raw(c, off, len, data, 0);
	if (e4c_get(c->cache, off, len, data))
		return 0;
	if ((err = raw(c, off, len, data, 0)) == 0)
		e4c_put(c->cache, off, len, data);
	return err;
}

/* count > 0: blocks; count < 0: -count bytes (libext2fs's convention). */
static errcode_t
xfer(io_channel io, unsigned long long blk, int count, void *data, int write)
{
	struct e4_chan *c = io->private_data;
	uint64_t off, len;

	len = count < 0 ? (uint64_t)-(int64_t)count :
	    (uint64_t)count * (uint64_t)io->block_size;
	off = blk * (uint64_t)io->block_size;
	if (len == 0)
		return 0;
	if (blk > c->size / 512 || off + len > c->size || off + len < off)
		return write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
	if (!write)
		return read_held(c, off, len, data, count == 1);
	e4c_forget(c->cache, off, len);
	if (fresh(c, off, len))
		return write_fresh(c, off, len, data);
	return hold(c, off, len, data);
}

static errcode_t
e4io_read_blk64(io_channel io, unsigned long long blk, int count, void *data)
{

	return xfer(io, blk, count, data, 0);
}

static errcode_t
e4io_write_blk64(io_channel io, unsigned long long blk, int count,
    const void *data)
{

	return xfer(io, blk, count, (void *)(uintptr_t)data, 1);
}

static errcode_t
e4io_read_blk(io_channel io, unsigned long blk, int count, void *data)
{

	return xfer(io, blk, count, data, 0);
}

static errcode_t
e4io_write_blk(io_channel io, unsigned long blk, int count, const void *data)
{

	return xfer(io, blk, count, (void *)(uintptr_t)data, 1);
}

/* No write_byte: libext2fs then writes the superblock as one aligned
 * 1 KiB block instead of a read-modify-write per changed field (those
 * partial writes protect fields a mounted kernel might change, which
 * nobody does under us). */

static errcode_t
e4io_flush(io_channel io)
{
	struct e4_chan *c = io->private_data;
	errcode_t err;

	if ((err = commit(c)) != 0)
		return err;
	return rumpuser_syncfd(c->fd, RUMPUSER_SYNCFD_WRITE |
	    RUMPUSER_SYNCFD_BARRIER | RUMPUSER_SYNCFD_SYNC, 0, 0) == 0 ? 0 : EIO;
}

static errcode_t
e4io_set_option(io_channel io, const char *opt, const char *arg)
{

	return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t
e4io_get_stats(io_channel io, io_stats *out)
{
	static struct struct_io_stats st;
	struct e4_chan *c = io->private_data;

	st.num_fields = 2;
	st.bytes_read = c->nread;
	st.bytes_written = c->nwritten;
	*out = &st;
	return 0;
}

static struct struct_io_manager e4_manager = {
	.magic		= EXT2_ET_MAGIC_IO_MANAGER,
	.name		= "tandem rumpuser I/O manager",
	.open		= e4io_open,
	.close		= e4io_close,
	.set_blksize	= e4io_set_blksize,
	.read_blk	= e4io_read_blk,
	.write_blk	= e4io_write_blk,
	.flush		= e4io_flush,
	.set_option	= e4io_set_option,
	.get_stats	= e4io_get_stats,
	.read_blk64	= e4io_read_blk64,
	.write_blk64	= e4io_write_blk64,
};

io_manager e4_io_manager = &e4_manager;
