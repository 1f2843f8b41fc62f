/*
 * pipe.c -- pipe/pipe2, and the iovec cursor the readiness files share.
 *
 * A pipe is Linux's: a ring of 16 page-sized buffers (65536 bytes, the
 * F_GETPIPE_SZ answer).  A write first tops up the last buffer when the
 * odd part of its length fits there, then fills whole new pages; so a
 * write of up to a page (PIPE_BUF, 4096) goes in whole or not at all,
 * and how many bytes fit before EAGAIN is what Linux says too.  With
 * O_DIRECT each write is a packet: buffers are not merged and a read
 * takes at most one packet (the rest of it is dropped).
 *
 * Each end has its own wait queue (readers', writers') like Linux, so
 * readiness callbacks hear only what concerns their end: every write
 * wakes the readers' queue, a read wakes the writers' queue only when
 * it frees a buffer of a full pipe, a close wakes both.  (The iovec
 * cursor the readiness files share is iocur.c's.)
 */
#include "lo.h"
#include <asm/ioctls.h>

#define PIPE_SLOTS	16		/* by default: 65536 bytes */
#define PIPE_MAXSLOTS	(1U << 19)	/* F_SETPIPE_SZ up to 2 GiB */
#define PIPE_PAGE	4096

#define PB_MERGE	1	/* later small writes may top it up */
#define PB_PACKET	2	/* O_DIRECT: one read takes it whole */

struct pbuf {
	char		*page;
	uint16_t	 off, len;
	int		 flags;
};

struct pipe {
	struct pbuf	*bufs;
	unsigned	 nslots;	/* a power of 2 (F_SETPIPE_SZ) */
	unsigned	 head, tail;	/* free-running; head - tail used */
	int		 readers, writers;
	char		*spare;		/* one page kept for the next write */
	struct lo_waitq	 rdq, wrq;
	uint64_t	 ino;
	int64_t		 ctime_ns;
};

static uint64_t pipe_ino = 1;

/* ---- the pipe ----------------------------------------------------------- */

/* For the usual read(2)/write(2) of one small buffer (a wake-up byte,
 * a line): no cursor, and no memcpy call for one byte. */
static inline __attribute__((always_inline)) size_t
iov_total(const struct iovec *iov, int cnt)
{

	return cnt == 1 ? iov->iov_len : lo_iov_total(iov, cnt);
}

static inline __attribute__((always_inline)) void
small_copy(void *d, const void *s, size_t n)
{

	if (n == 1)
		*(char *)d = *(const char *)s;
	else
		memcpy(d, s, n);
}


static int
pipe_full(const struct pipe *p)
{

	return p->head - p->tail >= p->nslots;
}

static void
page_put(struct pipe *p, char *page)
{

	if (p->spare == NULL)
		p->spare = page;
	else
		lo_free(page, PIPE_PAGE);
}

static char *
page_get(struct pipe *p)
{
	char *page = p->spare;

	if (page != NULL) {
		p->spare = NULL;
		return page;
	}
	return lo_malloc(PIPE_PAGE);
}

static ssize_t __attribute__((noinline))
pipe_read_any(struct pipe *p, const struct iovec *iov, int cnt)
{
	struct lo_iocur c;
	struct pbuf *b;
	size_t want, n;
	ssize_t got = 0;
	int wake_writer = 0;

	if ((want = iov_total(iov, cnt)) == 0)
		return 0;
	lo_iocur_init(&c, iov, cnt);
	while (want > 0 && p->head != p->tail) {
		b = &p->bufs[p->tail & (p->nslots - 1)];
		n = b->len < want ? b->len : want;
		lo_iocur_put(&c, b->page + b->off, n);
		got += (ssize_t)n;
		b->off += (uint16_t)n;
		b->len -= (uint16_t)n;
		want -= n;
		if (b->flags & PB_PACKET) {	/* the rest of a packet goes */
			b->len = 0;
			want = 0;
		}
		if (b->len == 0) {
			wake_writer |= pipe_full(p);
			page_put(p, b->page);
			b->page = NULL;
			p->tail++;
		}
	}
	if (wake_writer)
		lo_wakeup(&p->wrq, POLLOUT | POLLWRNORM);
	if (got > 0)
		return got;
	return p->writers == 0 ? 0 : -EAGAIN;
}

/* memcpy returning n: a tail call, so its caller needs no frame. */
static ssize_t __attribute__((noinline))
copy_n(void *d, const void *s, size_t n)
{

	memcpy(d, s, n);
	return (ssize_t)n;
}

/*
 * What the reads of a pipe with data take: one buffer wanting no more
 * than the first page holds (what the general loop would take in one
 * step) in a small frame, the rest in pipe_read_any.  A buffer read
 * empty gives its page to the spare; when the spare is taken or a
 * writer may wait for the slot, pipe_read_any frees it and wakes them.
 * The bookkeeping comes before the copy, so only the copy's own
 * arguments live across it.
 */
static ssize_t
pipe_read_data(struct pipe *p, const struct iovec *iov, int cnt)
{
	struct pbuf *b = &p->bufs[p->tail & (p->nslots - 1)];
	size_t want;
	char *src;

	if (cnt != 1 || (want = iov->iov_len) == 0 || want > b->len ||
	    (b->flags & PB_PACKET) ||
	    (want == b->len && (p->spare != NULL || pipe_full(p))))
		return pipe_read_any(p, iov, cnt);
	src = b->page + b->off;
	b->off += (uint16_t)want;
	b->len -= (uint16_t)want;
	if (b->len == 0) {
		p->spare = b->page;
		p->tail++;
	}
	if (want != 1)
		return copy_n(iov->iov_base, src, want);
	*(char *)iov->iov_base = *src;
	return 1;
}

/*
 * read(2) of the empty pipe: 0 at EOF (no writer) or for a read of
 * nothing, -EAGAIN when O_NONBLOCK, else it waits here for data or EOF
 * (-EINTR on a signal), then reads.  Waiting here rather than in the fd
 * layer reads the pipe once per wait, not twice; the wait is lo_wait's
 * halves inline (lo.h), on the queue until the pipe has data or no writer.
 * O_NONBLOCK is looked at on every round, as Linux's pipe_read does.
 */
static ssize_t __attribute__((noinline))
pipe_read_wait(struct lo_file *f, struct pipe *p, const struct iovec *iov,
    int cnt)
{
	struct lo_thread *td;
	struct lo_twait t;
	int rv;

	if (p->writers == 0 || iov_total(iov, cnt) == 0)
		return 0;
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	td = lo_curthread_hot();
	lo_twait_enter(td, &p->rdq, &t);
	while ((rv = lo_block(td, &t.woken, UINT64_MAX)) == 0 &&
	    p->head == p->tail && p->writers != 0 && !(f->flags & O_NONBLOCK))
		t.woken = 0;
	lo_twait_leave(td, &p->rdq, &t);
	if (p->head != p->tail)		/* data wins over a signal */
		return pipe_read_data(p, iov, cnt);
	return rv != 0 ? rv : p->writers == 0 ? 0 : -EAGAIN;
}

/* read(2) of a pipe: no frame of its own on the way to either. */
static ssize_t
pipe_read(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct pipe *p = f->priv;

	if (p->head == p->tail)
		return pipe_read_wait(f, p, iov, cnt);
	return pipe_read_data(p, iov, cnt);
}

/* Fills whole new pages from the cursor while there are free slots. */
static ssize_t
fill_pages(struct pipe *p, struct lo_iocur *c, size_t want, int flags)
{
	struct pbuf *b;
	ssize_t done = 0;
	size_t n;
	char *page;

	while (want > 0 && !pipe_full(p)) {
		if ((page = page_get(p)) == NULL)
			return done > 0 ? done : -ENOMEM;
		n = want < PIPE_PAGE ? want : PIPE_PAGE;
		lo_iocur_get(c, page, n);
		b = &p->bufs[p->head & (p->nslots - 1)];
		b->page = page;
		b->off = 0;
		b->len = (uint16_t)n;
		b->flags = flags;
		p->head++;
		done += (ssize_t)n;
		want -= n;
	}
	return done;
}

static ssize_t __attribute__((noinline))
pipe_write_any(struct lo_file *f, struct pipe *p, const struct iovec *iov,
    int cnt, size_t want)
{
	struct lo_iocur c;
	struct pbuf *b;
	size_t odd, at;
	ssize_t done = 0, r;

	lo_iocur_init(&c, iov, cnt);
	odd = want & (PIPE_PAGE - 1);
	if (odd != 0 && p->head != p->tail) {
		b = &p->bufs[(p->head - 1) & (p->nslots - 1)];
		at = (size_t)b->off + b->len;
		if ((b->flags & PB_MERGE) && at + odd <= PIPE_PAGE) {
			lo_iocur_get(&c, b->page + at, odd);
			b->len += (uint16_t)odd;
			done = (ssize_t)odd;
			want -= odd;
		}
	}
	r = fill_pages(p, &c, want, (f->flags & O_DIRECT) ? PB_PACKET :
	    PB_MERGE);
	if (r < 0 && done == 0)
		return r;
	if (r > 0)
		done += r;
	if (done == 0)
		return -EAGAIN;
	lo_wakeup(&p->rdq, POLLIN | POLLRDNORM);
	return done;
}

/*
 * A write of one buffer smaller than a page to a pipe with a reader,
 * what pipe_write_any does with it in a straight line: topped up into
 * the last buffer if that takes it, else the spare page in a free slot;
 * the rest (a full pipe, no spare page) is pipe_write_any's.  The buffer
 * is set up before the copy (nothing runs before this write returns),
 * so only the pipe and the length live across the calls.
 */
static ssize_t
pipe_write_small(struct lo_file *f, struct pipe *p, const struct iovec *iov)
{
	size_t want = iov->iov_len, at;
	struct pbuf *b;
	char *dst;

	b = &p->bufs[(p->head - 1) & (p->nslots - 1)];
	at = (size_t)b->off + b->len;
	if (p->head != p->tail && (b->flags & PB_MERGE) &&
	    at + want <= PIPE_PAGE) {
		dst = b->page + at;
		b->len += (uint16_t)want;
	} else {
		if (pipe_full(p) || (dst = p->spare) == NULL)
			return pipe_write_any(f, p, iov, 1, want);
		p->spare = NULL;
		b = &p->bufs[p->head & (p->nslots - 1)];
		b->page = dst;
		b->off = 0;
		b->len = (uint16_t)want;
		b->flags = (f->flags & O_DIRECT) ? PB_PACKET : PB_MERGE;
		p->head++;
	}
	small_copy(dst, iov->iov_base, want);
	lo_wakeup(&p->rdq, POLLIN | POLLRDNORM);
	return (ssize_t)want;
}

/* write(2) of a pipe: nothing, no reader, several buffers or a page or
 * more go the general way. */
static ssize_t __attribute__((noinline))
pipe_write_gen(struct lo_file *f, struct pipe *p, const struct iovec *iov,
    int cnt)
{
	size_t want = iov_total(iov, cnt);

	if (want == 0)
		return 0;
	if (p->readers == 0)
		return -EPIPE;
	return pipe_write_any(f, p, iov, cnt, want);
}

/* The usual write, one buffer of less than a page to a pipe with a
 * reader, without a frame on the way. */
static ssize_t
pipe_write(struct lo_file *f, const struct iovec *iov, int cnt, int64_t off)
{
	struct pipe *p = f->priv;

	if (cnt == 1 && iov->iov_len - 1 < PIPE_PAGE - 1 && p->readers != 0)
		return pipe_write_small(f, p, iov);
	return pipe_write_gen(f, p, iov, cnt);
}

static int
pipe_poll(struct lo_file *f)
{
	struct pipe *p = f->priv;
	int mask = 0;

	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		if (p->head != p->tail)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	} else {
		if (!pipe_full(p))
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	return mask;
}

static int
pipe_ioctl(struct lo_file *f, unsigned long req, void *arg)
{
	struct pipe *p = f->priv;
	unsigned i;
	int n = 0;

	if (req != FIONREAD)
		return -ENOTTY;
	if (LO_BADPTR(arg))
		return -EFAULT;
	for (i = p->tail; i != p->head; i++)
		n += p->bufs[i & (p->nslots - 1)].len;
	*(int *)arg = n;
	return 0;
}

static int
pipe_stat(struct lo_file *f, struct stat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_ino = p->ino;
	st->st_dev = 0xe;		/* Linux's pipefs is an early anon dev */
	st->st_blksize = PIPE_PAGE;
	st->st_atime = st->st_mtime = st->st_ctime =
	    p->ctime_ns / 1000000000;
	st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec =
	    p->ctime_ns % 1000000000;
	return 0;
}

static void
pipe_close(struct lo_file *f)
{
	struct pipe *p = f->priv;
	unsigned i;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	if (p->readers > 0 || p->writers > 0) {
		/* the other end sees EOF/EPIPE now: wake everyone */
		lo_wakeup(&p->rdq, ~0);
		lo_wakeup(&p->wrq, ~0);
		return;
	}
	for (i = p->tail; i != p->head; i++)
		lo_free(p->bufs[i & (p->nslots - 1)].page, PIPE_PAGE);
	lo_free(p->spare, PIPE_PAGE);
	lo_free(p->bufs, p->nslots * sizeof(*p->bufs));
	lo_free(p, sizeof(*p));
}

static const struct lo_fileops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.close = pipe_close,
};

/* F_SETPIPE_SZ: a new ring of `slots` buffers (a power of 2); what is in
 * the pipe moves over in order.  EBUSY when it would not fit. */
static int
pipe_resize(struct pipe *p, unsigned slots)
{
	struct pbuf *n;
	unsigned i, used = p->head - p->tail;

	if (slots < used)
		return -EBUSY;
	if ((n = lo_zalloc(slots * sizeof(*n))) == NULL)
		return -ENOMEM;
	for (i = 0; i < used; i++)
		n[i] = p->bufs[(p->tail + i) & (p->nslots - 1)];
	lo_free(p->bufs, p->nslots * sizeof(*p->bufs));
	p->bufs = n;
	p->nslots = slots;
	p->tail = 0;
	p->head = used;
	return 0;
}

int
lo_pipe_fcntl(struct lo_file *f, int cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	unsigned slots;
	int rv;

	if (f->ops != &pipe_ops)
		return -EBADF;		/* Linux: not a pipe */
	if (cmd == F_GETPIPE_SZ)
		return (int)(p->nslots * PIPE_PAGE);
	/* F_SETPIPE_SZ: at least a page, rounded up to a power of 2 */
	arg = (unsigned)arg;		/* the call takes an unsigned int */
	if (arg > (1UL << 31))
		return -EINVAL;
	for (slots = 1; slots * (unsigned long)PIPE_PAGE < arg; slots <<= 1)
		;
	if (slots > PIPE_MAXSLOTS)
		return -EINVAL;
	if ((rv = pipe_resize(p, slots)) != 0)
		return rv;
	lo_wakeup(&p->wrq, ~0);		/* maybe room now; Linux wakes too */
	return (int)(slots * PIPE_PAGE);
}

static long
sys_pipe2(long ufds, long flags)
{
	struct lo_file *rf, *wf;
	struct pipe *p;
	int64_t sec;
	long nsec;
	int fd0, fd1, fl, cloexec;

	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (LO_BADPTR(ufds))
		return -EFAULT;
	if ((p = lo_zalloc(sizeof(*p))) == NULL)
		return -ENFILE;
	p->nslots = PIPE_SLOTS;
	if ((p->bufs = lo_zalloc(PIPE_SLOTS * sizeof(*p->bufs))) == NULL) {
		lo_free(p, sizeof(*p));
		return -ENFILE;
	}
	lo_waitq_init(&p->rdq);
	lo_waitq_init(&p->wrq);
	p->ino = pipe_ino++;
	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec) == 0)
		p->ctime_ns = sec * 1000000000LL + nsec;
	fl = (int)flags & (O_NONBLOCK | O_DIRECT);
	rf = lo_file_new(&pipe_ops, O_RDONLY | fl, p);
	wf = lo_file_new(&pipe_ops, O_WRONLY | fl, p);
	if (rf == NULL || wf == NULL) {
		lo_free(rf, sizeof(*rf));
		lo_free(wf, sizeof(*wf));
		lo_free(p->bufs, PIPE_SLOTS * sizeof(*p->bufs));
		lo_free(p, sizeof(*p));
		return -ENFILE;
	}
	rf->wq = &p->rdq;
	wf->wq = &p->wrq;
	p->readers = p->writers = 1;
	cloexec = (flags & O_CLOEXEC) != 0;
	if ((fd0 = lo_fd_install(rf, 0, cloexec)) < 0) {
		lo_file_rele(wf);
		return fd0;
	}
	if ((fd1 = lo_fd_install(wf, 0, cloexec)) < 0) {
		lo_fd_close(fd0);
		return fd1;
	}
	((int *)ufds)[0] = fd0;
	((int *)ufds)[1] = fd1;
	return 0;
}

static long
sys_pipe(long ufds)
{

	return sys_pipe2(ufds, 0);
}

LO_SYSCALL(pipe, sys_pipe);
LO_SYSCALL(pipe2, sys_pipe2);
