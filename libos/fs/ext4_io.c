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
 * e2fsck can repair without losing what an fsync acknowledged.
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
};

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

	if (--io->refcount > 0)
		return 0;
	rumpuser_close(c->fd);
	free(c);
	free(io->name);
	free(io);
	return 0;
}

static errcode_t
e4io_set_blksize(io_channel io, int bs)
{

	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0)
		return EXT2_ET_INVALID_ARGUMENT;
	io->block_size = bs;
	return 0;
}

/* count > 0: blocks; count < 0: -count bytes (libext2fs's convention). */
static errcode_t
xfer(io_channel io, unsigned long long blk, int count, void *data, int write)
{
	struct e4_chan *c = io->private_data;
	struct rumpuser_iovec iov;
	uint64_t off, len;
	size_t done;
	int e;

	len = count < 0 ? (uint64_t)-(int64_t)count :
	    (uint64_t)count * (uint64_t)io->block_size;
	off = blk * (uint64_t)io->block_size;
	if (len == 0)
		return 0;
	if (blk > c->size / 512 || off + len > c->size || off + len < off)
		return write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
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

/* Bytes at any offset (libext2fs writes the superblock this way). */
static errcode_t
e4io_write_byte(io_channel io, unsigned long off, int count, const void *data)
{
	struct e4_chan *c = io->private_data;
	struct rumpuser_iovec iov;
	size_t done;
	int e;

	if (count < 0 || (uint64_t)off + (uint64_t)count > c->size)
		return EXT2_ET_SHORT_WRITE;
	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = (size_t)count;
	e = rumpuser_iovwrite(c->fd, &iov, 1, (int64_t)off, &done);
	if (e != 0)
		return io_err(e, 1);
	c->nwritten += (unsigned)count;
	return done == (size_t)count ? 0 : EXT2_ET_SHORT_WRITE;
}

static errcode_t
e4io_flush(io_channel io)
{
	struct e4_chan *c = io->private_data;

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
	.write_byte	= e4io_write_byte,
	.set_option	= e4io_set_option,
	.get_stats	= e4io_get_stats,
	.read_blk64	= e4io_read_blk64,
	.write_blk64	= e4io_write_blk64,
};

io_manager e4_io_manager = &e4_manager;
