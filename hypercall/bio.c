/*
 * bio.c -- rumpuser's file name space over the block device registry:
 * open/close/getfileinfo, asynchronous rumpuser_bio, synchronous
 * iovread/iovwrite and syncfd.
 *
 * A bio's biodone runs on the registry's completion thread, which got
 * an lwp of its own and takes a rump CPU around each call, as the kernel
 * expects of a hypervisor thread calling in.
 */
#include "hyp_int.h"

#define HYP_NFILES	32
#define HYP_FDBASE	3	/* fds look like fds, never 0 */
#define BOUNCE_MAX	(64 * 1024)

struct hyp_file {
	struct td_blkdev *dev;
	int		  mode;
	int64_t		  pos;		/* for RUMPUSER_IOV_NOSEEK */
	unsigned	  inflight;	/* bios not yet done */
	struct hyp_waitq  idleq;	/* close waits for inflight == 0 */
};

static struct hyp_file files[HYP_NFILES];

static struct hyp_file *
fd_get(int fd)
{
	unsigned i = (unsigned)(fd - HYP_FDBASE);

	if (i >= HYP_NFILES || files[i].dev == NULL)
		return NULL;
	return &files[i];
}

static struct td_blkdev *
dev_byname(const char *name)
{

	if (name[0] == '/' && name[1] == 'd' && name[2] == 'e' &&
	    name[3] == 'v' && name[4] == '/')
		name += 5;		/* "/dev/blk0" is blk0 too */
	return td_blkdev_lookup(name);
}

static uint64_t
dev_bytes(const struct td_blkdev *d)
{
	const struct td_blkdev_info *in = td_blkdev_info(d);

	return in->nsectors * in->sector_size;
}

TD_COLD int
rumpuser_open(const char *name, int mode, int *fdp)
{
	struct td_blkdev *d;
	int i, acc = mode & RUMPUSER_OPEN_ACCMODE;

	if ((d = dev_byname(name)) == NULL)
		return TD_ENOENT;	/* devices cannot be created */
	if ((mode & (RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_EXCL)) ==
	    (RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_EXCL))
		return TD_EEXIST;
	if (acc != RUMPUSER_OPEN_RDONLY &&
	    (td_blkdev_info(d)->flags & TD_BLKDEV_RDONLY))
		return TD_EROFS;
	for (i = 0; i < HYP_NFILES; i++) {
		if (files[i].dev == NULL) {
			files[i].dev = d;
			files[i].mode = mode;
			files[i].pos = 0;
			files[i].inflight = 0;
			hyp_wq_init(&files[i].idleq);
			*fdp = i + HYP_FDBASE;
			return 0;
		}
	}
	return TD_EMFILE;
}

int
rumpuser_close(int fd)
{
	struct hyp_file *f = fd_get(fd);
	struct hyp_waiter w;
	int nlocks;

	if (f == NULL)
		return TD_EBADF;
	if (f->inflight != 0) {
		hyp_unsched(&nlocks, NULL);
		while (f->inflight != 0)
			hyp_wq_wait(&f->idleq, &w, UINT64_MAX);
		hyp_sched(nlocks, NULL);
	}
	f->dev = NULL;
	return 0;
}

int
rumpuser_getfileinfo(const char *name, uint64_t *sizep, int *typep)
{
	struct td_blkdev *d;

	if ((d = dev_byname(name)) == NULL)
		return TD_ENOENT;
	if (sizep != NULL)
		*sizep = dev_bytes(d);
	if (typep != NULL)
		*typep = RUMPUSER_FT_BLK;
	return 0;
}

/* ---- asynchronous block I/O ------------------------------------------- */

struct hyp_bio {
	rump_biodone_fn	 done;
	void		*arg;
	struct hyp_file	*file;
	size_t		 bytes;
	int		 error;
	int		 parts;		/* requests still out */
	int		 flush;		/* SYNC without FUA: flush after */
	struct td_blkreq req[];
};

static void
bio_finish(struct hyp_bio *b)
{
	static int entered;
	int nlocks;

	if (b->file != NULL && --b->file->inflight == 0)
		hyp_wq_wake_all(&b->file->idleq);
	if (!entered) {			/* first call on this thread */
		hyp_kthread_enter();
		entered = 1;
	}
	hyp_sched(0, NULL);
	b->done(b->arg, b->bytes, b->error);
	hyp_unsched(&nlocks, NULL);
	td_free(b);
}

static void
bio_part_done(struct td_blkreq *r)
{
	struct hyp_bio *b = r->cookie;

	if (r->error != 0 && b->error == 0)
		b->error = r->error;
	else if (r->op != TD_BLK_FLUSH)
		b->bytes += r->len;
	if (--b->parts > 0)
		return;
	if (b->flush && b->error == 0) {
		b->flush = 0;
		b->parts = 1;
		r->op = TD_BLK_FLUSH;
		r->flags = 0;
		r->len = 0;
		td_blkdev_start(r->dev, r);
		return;
	}
	bio_finish(b);
}

static struct hyp_bio *
bio_alloc(int nparts, rump_biodone_fn done, void *arg)
{
	struct hyp_bio *b;

	b = td_malloc_try(sizeof(*b) + (size_t)nparts * sizeof(b->req[0]));
	if (b == NULL)
		return NULL;
	hyp_memset(b, 0, sizeof(*b) + (size_t)nparts * sizeof(b->req[0]));
	b->done = done;
	b->arg = arg;
	b->parts = nparts;
	return b;
}

/* Finishes a bio that never reached a device, on the completion thread
 * like every other. */
static void
bio_fail(rump_biodone_fn done, void *arg, int error)
{
	struct hyp_bio *b;

	if ((b = bio_alloc(1, done, arg)) == NULL) {
		done(arg, 0, TD_ENOMEM);	/* nothing left to defer with */
		return;
	}
	b->req[0].cookie = b;
	b->req[0].done = bio_part_done;
	b->req[0].op = TD_BLK_FLUSH;	/* counts no bytes */
	hyp_blk_fail(&b->req[0], error);
}

void
rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rump_biodone_fn done, void *arg)
{
	struct hyp_file *f = fd_get(fd);
	const struct td_blkdev_info *in;
	struct hyp_bio *b;
	size_t chunk, n;
	uint64_t size;
	int i, nparts, write = (op & RUMPUSER_BIO_WRITE) != 0;

	if (f == NULL)
		return bio_fail(done, arg, TD_EBADF);
	if (td_lazy_contains(data, dlen))	/* no DMA there (h-mem) */
		return bio_fail(done, arg, TD_EINVAL);
	in = td_blkdev_info(f->dev);
	size = dev_bytes(f->dev);
	if (off < 0 || (uint64_t)off % in->sector_size != 0 ||
	    dlen % in->sector_size != 0)
		return bio_fail(done, arg, TD_EINVAL);
	if ((uint64_t)off >= size || dlen == 0)
		return bio_fail(done, arg, write && dlen ? TD_ENOSPC : 0);
	if (dlen > size - (uint64_t)off)
		dlen = (size_t)(size - (uint64_t)off);	/* short at the end */
	chunk = in->max_xfer != 0 ? in->max_xfer : dlen;
	nparts = (int)((dlen + chunk - 1) / chunk);
	if ((b = bio_alloc(nparts, done, arg)) == NULL)
		return bio_fail(done, arg, TD_ENOMEM);
	b->file = f;
	f->inflight++;
	if (write && (op & RUMPUSER_BIO_SYNC) &&
	    (in->flags & TD_BLKDEV_WCACHE) && !(in->flags & TD_BLKDEV_FUA))
		b->flush = 1;
	for (i = 0; i < nparts; i++) {
		n = dlen - (size_t)i * chunk < chunk ? dlen - (size_t)i * chunk
		    : chunk;
		b->req[i].op = write ? TD_BLK_WRITE : TD_BLK_READ;
		b->req[i].flags = write && (op & RUMPUSER_BIO_SYNC) ?
		    TD_BLKREQ_FUA : 0;
		b->req[i].sector = ((uint64_t)off + (uint64_t)i * chunk) /
		    in->sector_size;
		b->req[i].buf = (char *)data + (size_t)i * chunk;
		b->req[i].len = n;
		b->req[i].done = bio_part_done;
		b->req[i].cookie = b;
	}
	/* b may be finished (and freed) once its last part is started. */
	for (i = 0; i < nparts; i++)
		td_blkdev_start(f->dev, &b->req[i]);
}

/* ---- synchronous I/O (the caller has given back its rump CPU) ---------- */

struct syncio {
	struct hyp_waitq wq;
	int		 pending;
	int		 error;
};

static void
sync_done(struct td_blkreq *r)
{
	struct syncio *s = r->cookie;

	if (r->error != 0 && s->error == 0)
		s->error = r->error;
	if (--s->pending == 0)
		hyp_wq_wake_all(&s->wq);
}

#define SYNC_BATCH	8

/* Sector-aligned transfer, split into requests the device accepts and
 * run SYNC_BATCH at a time. */
static int
blk_xfer(struct td_blkdev *d, int op, char *buf, size_t len, uint64_t off)
{
	const struct td_blkdev_info *in = td_blkdev_info(d);
	struct td_blkreq req[SYNC_BATCH];
	struct hyp_waiter w;
	struct syncio s;
	size_t chunk = in->max_xfer != 0 ? in->max_xfer : len, n;
	int i;

	hyp_wq_init(&s.wq);
	s.error = 0;
	do {
		hyp_memset(req, 0, sizeof(req));
		s.pending = 0;
		for (i = 0; i < SYNC_BATCH && (len > 0 || op == TD_BLK_FLUSH);
		    i++) {
			n = len < chunk ? len : chunk;
			req[i].op = op;
			req[i].sector = off / in->sector_size;
			req[i].buf = buf;
			req[i].len = n;
			req[i].done = sync_done;
			req[i].cookie = &s;
			s.pending++;
			buf += n;
			off += n;
			len -= n;
			if (op == TD_BLK_FLUSH)
				break;
		}
		for (i = 0; i < s.pending; i++)
			td_blkdev_start(d, &req[i]);
		while (s.pending != 0)
			hyp_wq_wait(&s.wq, &w, UINT64_MAX);
	} while (len > 0 && s.error == 0);
	return s.error;
}

/* Any byte range: unaligned ends go through a bounce buffer, read-
 * modify-write for writes.  So does demand-zero memory (h-mem): its
 * addresses are not physical ones, and a device must not see them. */
static int
range_xfer(struct td_blkdev *d, int write, char *buf, size_t len,
    uint64_t off, size_t *donep)
{
	uint64_t ss = td_blkdev_info(d)->sector_size, lo, within, span;
	char *bounce;
	size_t n;
	int error = 0;

	*donep = 0;
	if (off % ss == 0 && len % ss == 0 && !td_lazy_contains(buf, len)) {
		error = blk_xfer(d, write ? TD_BLK_WRITE : TD_BLK_READ, buf,
		    len, off);
		*donep = error == 0 ? len : 0;
		return error;
	}
	if ((bounce = td_memalign_try(ss, BOUNCE_MAX)) == NULL)
		return TD_ENOMEM;
	while (len > 0 && error == 0) {
		lo = off & ~(ss - 1);
		within = off - lo;
		span = (within + len + ss - 1) & ~(ss - 1);
		if (span > BOUNCE_MAX)
			span = BOUNCE_MAX;
		n = span - within < len ? (size_t)(span - within) : len;
		if (!write || within != 0 || n % ss != 0)
			error = blk_xfer(d, TD_BLK_READ, bounce, span, lo);
		if (error == 0 && write) {
			hyp_memcpy(bounce + within, buf, n);
			error = blk_xfer(d, TD_BLK_WRITE, bounce, span, lo);
		} else if (error == 0)
			hyp_memcpy(buf, bounce + within, n);
		if (error == 0) {
			buf += n;
			off += n;
			len -= n;
			*donep += n;
		}
	}
	td_free(bounce);
	return error;
}

static int
iov_xfer(int fd, int write, const struct rumpuser_iovec *iov, size_t iovlen,
    int64_t off, size_t *retv)
{
	struct hyp_file *f = fd_get(fd);
	uint64_t size, pos;
	size_t i, len, done, total = 0;
	int acc, nlocks, error = 0;

	*retv = 0;
	if (f == NULL)
		return TD_EBADF;
	acc = f->mode & RUMPUSER_OPEN_ACCMODE;
	if ((write && acc == RUMPUSER_OPEN_RDONLY) ||
	    (!write && acc == RUMPUSER_OPEN_WRONLY))
		return TD_EBADF;
	if (off != RUMPUSER_IOV_NOSEEK && off < 0)
		return TD_EINVAL;
	pos = (uint64_t)(off == RUMPUSER_IOV_NOSEEK ? f->pos : off);
	size = dev_bytes(f->dev);
	hyp_unsched(&nlocks, NULL);
	for (i = 0; i < iovlen && error == 0; i++) {
		if ((len = iov[i].iov_len) == 0)
			continue;
		if (pos >= size) {
			if (write)
				error = TD_ENOSPC;
			break;
		}
		if (len > size - pos)
			len = (size_t)(size - pos);
		error = range_xfer(f->dev, write, iov[i].iov_base, len, pos,
		    &done);
		total += done;
		pos += done;
		if (len != iov[i].iov_len)
			break;			/* reached the end */
	}
	hyp_sched(nlocks, NULL);
	if (off == RUMPUSER_IOV_NOSEEK)
		f->pos = (int64_t)pos;
	*retv = total;
	return total != 0 ? 0 : error;
}

int
rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovlen,
    int64_t off, size_t *retv)
{

	return iov_xfer(fd, 0, iov, iovlen, off, retv);
}

int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovlen,
    int64_t off, size_t *retv)
{

	return iov_xfer(fd, 1, iov, iovlen, off, retv);
}

/* WRITE: everything completed so far is made durable (device cache
 * flushed) before we return; BARRIER/SYNC: first wait for everything in
 * flight.  We never cache reads, so READ alone has nothing to do. */
int
rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	struct hyp_file *f = fd_get(fd);
	int nlocks, error = 0;

	if (f == NULL)
		return TD_EBADF;
	if ((flags & RUMPUSER_SYNCFD_BOTH) == 0)
		return TD_EINVAL;
	if ((flags & (RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_BARRIER |
	    RUMPUSER_SYNCFD_SYNC)) == 0)
		return 0;
	hyp_unsched(&nlocks, NULL);
	hyp_blk_drain(f->dev);
	if (flags & RUMPUSER_SYNCFD_WRITE)
		error = blk_xfer(f->dev, TD_BLK_FLUSH, NULL, 0, 0);
	hyp_sched(nlocks, NULL);
	return error;
}
