/*
 * ext4_io.c -- libext2fs's I/O manager over rumpuser's device calls.
 *
 * A channel is a rumpuser fd on a device name ("blk0").  Reads and
 * writes are synchronous rumpuser_iovread/iovwrite of whole blocks (they
 * give back the rump CPU while the device works); flush is
 * rumpuser_syncfd(WRITE|BARRIER|SYNC): everything written before is on
 * stable storage when it returns (a virtio-blk flush, a blkif
 * flush-cache, fdatasync on posix).  No cache here: libext2fs keeps its
 * own inode cache, and write-through keeps the order of writes the order
 * libext2fs issued them in, which is what makes a crash leave a state
 * e2fsck can repair without losing what an fsync acknowledged (a new
 * extent leaf reaches the device before the inode that points to it).
 * One exception that keeps that order: the last block written is held
 * back, and a write of the very same block replaces it (libext2fs writes
 * an inode's table block several times per file write); anything else --
 * another write, a read of it, flush, close -- sends it first.
 */
#include <sys/types.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <rump/rumpuser.h>

#include "ext4_int.h"

struct e4_chan {
	int		fd;
	uint64_t	size;		/* device bytes */
	unsigned long long nread, nwritten;
	void		*pend;		/* the held-back write, if pend_len */
	uint64_t	 pend_off;
	size_t		 pend_len, pend_cap;
};

static errcode_t unpend(struct e4_chan *);

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
	err = unpend(c);
	rumpuser_close(c->fd);
	free(c->pend);
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

/* Sends the held-back write; its error, if any, is the caller's. */
static errcode_t
unpend(struct e4_chan *c)
{
	errcode_t err;

	if (c->pend_len == 0)
		return 0;
	err = raw(c, c->pend_off, c->pend_len, c->pend, 1);
	c->pend_len = 0;
	return err;
}

/* count > 0: blocks; count < 0: -count bytes (libext2fs's convention). */
static errcode_t
xfer(io_channel io, unsigned long long blk, int count, void *data, int write)
{
	struct e4_chan *c = io->private_data;
	uint64_t off, len;
	errcode_t err;

	len = count < 0 ? (uint64_t)-(int64_t)count :
	    (uint64_t)count * (uint64_t)io->block_size;
	off = blk * (uint64_t)io->block_size;
	if (len == 0)
		return 0;
	if (blk > c->size / 512 || off + len > c->size || off + len < off)
		return write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
	if (c->pend_len != 0 && write && off == c->pend_off &&
	    len == c->pend_len) {
		memcpy(c->pend, data, len);	/* the same block again */
		return 0;
	}
	if (c->pend_len != 0 && (write || (off < c->pend_off + c->pend_len &&
	    c->pend_off < off + len)) && (err = unpend(c)) != 0)
		return err;
	if (!write || len > 65536)
		return raw(c, off, len, data, write);
	if (len > c->pend_cap) {
		free(c->pend);
		if ((c->pend = malloc(len)) == NULL) {
			c->pend_cap = 0;
			return raw(c, off, len, data, 1);
		}
		c->pend_cap = len;
	}
	memcpy(c->pend, data, len);
	c->pend_off = off;
	c->pend_len = len;
	return 0;
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

	if ((err = unpend(c)) != 0)
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
