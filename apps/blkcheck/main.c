/*
 * blkcheck -- writes or verifies a deterministic pattern on block
 * devices through the block registry, with many requests in flight.
 *
 *   blkcheck write|verify|read SEED [DEV[,DEV...]] [bs=BYTES] [qd=N]
 *            [limit=BYTES] [hold]
 *
 * write fills each device with the pattern of SEED (+ its place in the
 * list) and flushes it; verify checks every byte and exits 0 only if all
 * match, else prints the first mismatch; read only reads (benchmarks).
 * hold: sleep forever when done (a test kills the VM then).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "pattern.h"

#define MAXDEV	8
#define MAXQD	64

enum { OP_WRITE, OP_VERIFY, OP_READ };

struct job;

struct slot {
	struct td_blkreq req;
	struct job	*j;
	uint8_t		*buf;
	uint64_t	 off;
	int		 busy;
};

struct job {
	struct td_blkdev *dev;
	char		 name[TD_DEVNAME_MAX];
	uint64_t	 seed, size, next, donebytes;
	int		 inflight, err, flushed;
	uint64_t	 bad;		/* first mismatch offset, or ~0 */
	uint8_t		 got, want;
	struct slot	 slot[MAXQD];
};

static struct job jobs[MAXDEV];
static int njobs, op, qd = 16;
static size_t bs = 65536;
static uint64_t limit;
static struct td_thread *waiter;
static int progress;

static void
req_done(struct td_blkreq *r)
{
	struct slot *s = r->cookie;
	struct job *j = s->j;
	size_t at;

	if (r->error != 0 && j->err == 0)
		j->err = r->error;
	if (r->error == 0 && r->op == TD_BLK_READ && op == OP_VERIFY &&
	    (at = pattern_check(j->seed, s->off, s->buf, r->len)) < r->len &&
	    s->off + at < j->bad) {
		j->bad = s->off + at;
		j->got = s->buf[at];
		j->want = pattern_byte(j->seed, s->off + at);
	}
	if (r->op == TD_BLK_FLUSH)
		j->flushed = 1;
	else
		j->donebytes += r->len;
	s->busy = 0;
	j->inflight--;
	progress = 1;
	td_thread_wake(waiter);
}

static void
start(struct job *j, struct slot *s, int rop, uint64_t off, size_t len)
{
	s->busy = 1;
	s->off = off;
	memset(&s->req, 0, sizeof(s->req));
	s->req.op = rop;
	s->req.sector = off / 512;
	s->req.buf = s->buf;
	s->req.len = len;
	s->req.done = req_done;
	s->req.cookie = s;
	if (rop == TD_BLK_WRITE)
		pattern_fill(j->seed, off, s->buf, len);
	j->inflight++;
	td_blkdev_start(j->dev, &s->req);
}

/* Starts what fits; returns 1 while the job has work left. */
static int
pump(struct job *j)
{
	int i;
	size_t len;

	for (i = 0; i < qd && j->next < j->size && j->err == 0; i++) {
		if (j->slot[i].busy)
			continue;
		len = j->size - j->next < bs ? (size_t)(j->size - j->next) : bs;
		start(j, &j->slot[i], op == OP_WRITE ? TD_BLK_WRITE :
		    TD_BLK_READ, j->next, len);
		j->next += len;
	}
	if (j->inflight > 0)
		return 1;
	if (op == OP_WRITE && j->err == 0 && !j->flushed &&
	    !j->slot[0].busy && j->next >= j->size) {
		if (j->slot[0].req.op == TD_BLK_FLUSH)
			return 0;
		start(j, &j->slot[0], TD_BLK_FLUSH, 0, 0);
		return 1;
	}
	return 0;
}

/* virtio-blk's ring and LAPIC state, when the image has that driver */
void vblk_dump(void) __attribute__((weak));

/* Nothing completed for 5 s: say what is outstanding (we keep waiting;
 * the test's timeout decides). */
static void
stalled(void)
{
	int i;

	if (vblk_dump != NULL)
		vblk_dump();
	for (i = 0; i < njobs; i++)
		printf("blkcheck: %s: stalled, %d requests in flight (%u in the "
		    "registry), next offset %llu\n", jobs[i].name,
		    jobs[i].inflight, td_blkdev_inflight(jobs[i].dev),
		    (unsigned long long)jobs[i].next);
}

static void
run_all(void)
{
	int i, busy;

	waiter = td_thread_self();
	for (;;) {
		busy = 0;
		for (i = 0; i < njobs; i++)
			busy |= pump(&jobs[i]);
		if (!busy)
			return;
		td_thread_prepare_block();
		if (!progress && td_thread_block(td_now() + 5000000000ULL))
			stalled();
		progress = 0;
	}
}

static int
add_job(const char *name, uint64_t seed)
{
	struct job *j = &jobs[njobs];
	const struct td_blkdev_info *in;
	int i;

	if (njobs == MAXDEV || (j->dev = td_blkdev_lookup(name)) == NULL) {
		printf("blkcheck: no block device %s\n", name);
		return -1;
	}
	in = td_blkdev_info(j->dev);
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->seed = seed;
	j->size = in->nsectors * in->sector_size;
	if (limit != 0 && limit < j->size)
		j->size = limit & ~511ULL;
	j->bad = ~0ULL;
	for (i = 0; i < qd; i++) {
		j->slot[i].j = j;
		if ((j->slot[i].buf = malloc(bs)) == NULL)
			return -1;
	}
	njobs++;
	return 0;
}

static int
report(uint64_t ns)
{
	struct job *j;
	uint64_t kbps;
	int i, rc = 0;

	for (i = 0; i < njobs; i++) {
		j = &jobs[i];
		kbps = ns ? j->donebytes * 1000000ULL / ns : 0;
		if (j->err != 0) {
			printf("blkcheck: %s: I/O error %d\n", j->name, j->err);
			rc = 1;
		} else if (j->bad != ~0ULL) {
			printf("blkcheck: %s: mismatch at byte %llu: got 0x%02x "
			    "want 0x%02x\n", j->name, (unsigned long long)j->bad,
			    j->got, j->want);
			rc = 1;
		} else {
			printf("blkcheck: %s: %s %llu bytes, seed %llu, %llu.%03llu MB/s%s\n",
			    j->name, op == OP_WRITE ? "wrote" : op == OP_VERIFY ?
			    "verified" : "read", (unsigned long long)j->donebytes,
			    (unsigned long long)j->seed,
			    (unsigned long long)(kbps / 1000),
			    (unsigned long long)(kbps % 1000),
			    j->flushed ? ", flushed" : "");
		}
	}
	return rc;
}

static int
usage(void)
{
	printf("usage: blkcheck write|verify|read SEED [DEV[,DEV...]] "
	    "[bs=N] [qd=N] [limit=N] [hold]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	char devs[128], *p, *q;
	uint64_t seed, t0;
	int i, hold = 0, rc, n = 0;

	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "write") == 0) op = OP_WRITE;
	else if (strcmp(argv[1], "verify") == 0) op = OP_VERIFY;
	else if (strcmp(argv[1], "read") == 0) op = OP_READ;
	else return usage();
	seed = strtoul(argv[2], NULL, 0);
	snprintf(devs, sizeof(devs), "blk0");
	for (i = 3; i < argc; i++) {
		if (strncmp(argv[i], "bs=", 3) == 0)
			bs = strtoul(argv[i] + 3, NULL, 0) & ~511UL;
		else if (strncmp(argv[i], "qd=", 3) == 0)
			qd = atoi(argv[i] + 3);
		else if (strncmp(argv[i], "limit=", 6) == 0)
			limit = strtoul(argv[i] + 6, NULL, 0);
		else if (strcmp(argv[i], "hold") == 0)
			hold = 1;
		else
			snprintf(devs, sizeof(devs), "%s", argv[i]);
	}
	if (bs == 0 || qd < 1 || qd > MAXQD)
		return usage();
	for (p = devs; p != NULL; p = q) {
		if ((q = strchr(p, ',')) != NULL)
			*q++ = 0;
		if (add_job(p, seed + (uint64_t)n++) != 0)
			return 1;
	}
	t0 = td_now();
	run_all();
	rc = report(td_now() - t0);
	if (hold) {
		printf("blkcheck: holding\n");
		for (;;)
			td_sleep_ns(1000000000ULL);
	}
	return rc;
}
