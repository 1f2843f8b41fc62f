/*
 * blkdev.c -- the block device registry: names, request validation,
 * back-pressure when a driver's queue is full, and the completion thread
 * that turns driver completions (often from interrupt handlers) into
 * thread-context callbacks.
 */
#include "hyp_int.h"

struct td_blkdev {
	char			 name[TD_DEVNAME_MAX];
	const struct td_blkdev_ops *ops;
	void			*softc;
	struct td_blkdev_info	 info;
	unsigned		 inflight;	/* started, done() not yet run */
	int			 full;		/* driver said TD_EAGAIN */
	struct td_blkreq	*pend, **pendtail;	/* waiting for room */
	struct hyp_waitq	 drainq;	/* waiting for inflight == 0 */
};

static struct td_blkdev blkdevs[TD_BLKDEV_MAX];
static int nblkdev;

/* Completed requests, appended by td_blkreq_done() under td_irq_save. */
static struct td_blkreq *done_head, **done_tail = &done_head;
static struct td_thread *done_thread;

TD_COLD int
td_blkdev_register(const char *name, const struct td_blkdev_ops *ops,
    void *softc, const struct td_blkdev_info *info)
{
	struct td_blkdev *d;

	if (td_blkdev_lookup(name) != NULL)
		return TD_EEXIST;
	if (nblkdev == TD_BLKDEV_MAX)
		return TD_ENOSPC;
	if (hyp_strlen(name) >= TD_DEVNAME_MAX || info->sector_size < 512 ||
	    (info->sector_size & (info->sector_size - 1)) != 0)
		return TD_EINVAL;
	d = &blkdevs[nblkdev++];
	hyp_strlcpy(d->name, name, sizeof(d->name));
	d->ops = ops;
	d->softc = softc;
	d->info = *info;
	d->pendtail = &d->pend;
	hyp_wq_init(&d->drainq);
	return 0;
}

struct td_blkdev *
td_blkdev_lookup(const char *name)
{
	int i;

	for (i = 0; i < nblkdev; i++)
		if (hyp_strcmp(blkdevs[i].name, name) == 0)
			return &blkdevs[i];
	return NULL;
}

const struct td_blkdev_info *
td_blkdev_info(const struct td_blkdev *d)
{

	return &d->info;
}

const char *
td_blkdev_name(const struct td_blkdev *d)
{

	return d->name;
}

unsigned
td_blkdev_inflight(const struct td_blkdev *d)
{

	return d->inflight;
}

void
td_blkreq_done(struct td_blkreq *req, int error)
{
	td_irqflags_t s;
	struct td_thread *t;

	req->error = error;
	req->next = NULL;
	s = td_irq_save();
	*done_tail = req;
	done_tail = &req->next;
	t = done_thread;
	td_irq_restore(s);
	if (t != NULL)
		td_thread_wake(t);
}

/* Submits queued requests until the driver pushes back. */
static void
blk_kick(struct td_blkdev *d)
{
	struct td_blkreq *r;
	int rv;

	while (!d->full && (r = d->pend) != NULL) {
		/* Unlink first: the driver may complete r inside submit. */
		if ((d->pend = r->next) == NULL)
			d->pendtail = &d->pend;
		if ((rv = d->ops->submit(d->softc, r)) == TD_EAGAIN) {
			d->full = 1;
			if ((r->next = d->pend) == NULL)
				d->pendtail = &r->next;
			d->pend = r;
			break;
		}
		if (rv != 0)
			td_blkreq_done(r, rv);
	}
}

static void
blk_done_thread(void *arg)
{
	struct td_blkreq *list, *r, *next;
	struct td_blkdev *d;
	td_irqflags_t s;

	for (;;) {
		s = td_irq_save();
		while (done_head == NULL) {
			td_thread_prepare_block();
			td_irq_restore(s);
			td_thread_block(UINT64_MAX);
			s = td_irq_save();
		}
		list = done_head;
		done_head = NULL;
		done_tail = &done_head;
		td_irq_restore(s);

		for (r = list; r != NULL; r = next) {
			next = r->next;
			if ((d = r->dev) != NULL) {
				d->inflight--;
				d->full = 0;	/* a slot came free */
			}
			r->done(r);	/* may free r */
			if (d != NULL) {
				blk_kick(d);
				if (d->inflight == 0)
					hyp_wq_wake_all(&d->drainq);
			}
		}
	}
}

static void
blk_start_thread(void)
{

	if (done_thread == NULL)
		done_thread = td_thread_create("blkdone", blk_done_thread,
		    NULL, TD_STACK_DEFAULT, 0);
	if (done_thread == NULL)
		td_panic("hypercall: cannot create the block completion thread");
}

void
hyp_blk_fail(struct td_blkreq *req, int error)
{

	blk_start_thread();
	req->dev = NULL;
	td_blkreq_done(req, error);
}

static int
blk_check(const struct td_blkdev *d, const struct td_blkreq *r)
{
	const struct td_blkdev_info *in = &d->info;
	uint64_t n;

	if (r->op == TD_BLK_FLUSH)
		return 0;
	if (r->op != TD_BLK_READ && r->op != TD_BLK_WRITE)
		return TD_EINVAL;
	if (r->op == TD_BLK_WRITE && (in->flags & TD_BLKDEV_RDONLY))
		return TD_EROFS;
	if (r->len == 0 || r->len % in->sector_size != 0 ||
	    (in->max_xfer != 0 && r->len > in->max_xfer))
		return TD_EINVAL;
	if (td_lazy_contains(r->buf, r->len))
		return TD_EINVAL;	/* not physical memory: no DMA there */
	n = r->len / in->sector_size;
	if (r->sector >= in->nsectors || n > in->nsectors - r->sector)
		return TD_ENOSPC;
	return 0;
}

TD_COLD void
td_blkdev_start(struct td_blkdev *d, struct td_blkreq *r)
{
	int rv;

	blk_start_thread();
	r->dev = d;
	r->next = NULL;
	r->error = 0;
	d->inflight++;
	if ((rv = blk_check(d, r)) != 0 ||
	    (r->op == TD_BLK_FLUSH && !(d->info.flags & TD_BLKDEV_WCACHE))) {
		td_blkreq_done(r, rv);	/* nothing to do, or invalid */
		return;
	}
	if (r->op != TD_BLK_WRITE)
		r->flags &= ~TD_BLKREQ_FUA;
	*d->pendtail = r;
	d->pendtail = &r->next;
	blk_kick(d);
}

void
hyp_blk_drain(struct td_blkdev *d)
{
	struct hyp_waiter w;

	while (d->inflight != 0)
		hyp_wq_wait(&d->drainq, &w, UINT64_MAX);
}
