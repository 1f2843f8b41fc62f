/*
 * xencheck.c -- checks of the Xen split-driver plumbing, run as the app
 * of an image on Xen PV and PVH:
 *   grant      grant/revoke a frame 20000 times: entries right, refs
 *              reused, nothing leaks
 *   xenstore   write/read/directory/rm under data/, ENOENT, a 2000-byte
 *              value (longer than the 1 KiB ring; xenstored caps domU nodes at 2 KiB), transactions (commit,
 *              abort, a conflict gives TD_EAGAIN), a watch fires
 *   timers     "timers: start", 30 sleeps of 100 ms, "timers: done":
 *              the test pauses the domain in between, no sleep may be
 *              lost (all 30 end; the late one shows the pause)
 *   reconnect  with argument "reconnect" (and a disk): writes blk0,
 *              says "xencheck: close the backend", waits for dom0 to
 *              write data/go (after faking a backend close and seeing
 *              the backend connected again), then reads back and
 *              writes once more over the new connection
 *   sgecho     with argument "sgecho N": like pingd mode=l2echo, but
 *              each echo goes out in three pieces (header, two halves
 *              of the payload), so netfront's scatter-gather transmit
 *              carries it; exits after N echoes
 *   shutdown   with argument "wait": waits for the toolstack; our
 *              td_app_shutdown() is told and its status (3) is kept
 * Prints "xencheck: ok NAME" / "xencheck: FAIL NAME ..."; exits with
 * the number of failures (or 3 through the shutdown handler).
 */
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <tandem/platform.h>

#include "xen.h"
#include "grant.h"
#include "xenstore.h"
#include "xs_proto.h"

static int failures;

static void
check(int ok, const char *name, const char *why, long a)
{
	if (ok)
		td_printf("xencheck: ok %s\n", name);
	else {
		td_printf("xencheck: FAIL %s: %s (%ld)\n", name, why, a);
		failures++;
	}
}

static void
check_grant(void)
{
	static char page[4096] __attribute__((aligned(4096)));
	unsigned base = xen_grant_inuse(), i;
	grant_ref_t r, first = XEN_GREF_INVALID;
	int bad = 0, reused = 0;

	for (i = 0; i < 20000; i++) {
		r = xen_grant_va(0, page, i & 1);
		if (r == XEN_GREF_INVALID) {
			bad++;
			break;
		}
		if (i == 0)
			first = r;
		else if (r == first)
			reused++;
		if (xen_grant_end(r) != 0)
			bad++;
	}
	check(bad == 0 && xen_grant_inuse() == base, "grant",
	    "grant/revoke failed or leaked", bad);
	check(reused > 0, "grant-reuse", "references never reused", reused);
}

static void
check_xenstore(void)
{
	static char big[2001], back[2100];
	char buf[64], dir[256];
	uint32_t len, off = 0;
	const char *name;
	struct xs_watch w;
	xs_tx_t tx, tx2;
	int err, n = 0, i;

	err = xs_write(0, "data/tdtest/a", "hello");
	if (err == 0)
		err = xs_read(0, "data/tdtest/a", buf, sizeof(buf));
	check(err == 0 && strcmp(buf, "hello") == 0, "xs-rw", "write/read",
	    err);
	xs_write(0, "data/tdtest/b", "2");
	err = xs_directory(0, "data/tdtest", dir, sizeof(dir), &len);
	while (err == 0 && xs_dir_next(dir, len, &off, &name) == 1)
		n++;
	check(err == 0 && n == 2, "xs-dir", "directory", n);
	err = xs_read(0, "data/tdtest/nothere", buf, sizeof(buf));
	check(err == TD_ENOENT, "xs-enoent", "missing key", err);
	err = xs_read(0, "data/tdtest/a", buf, 3);
	check(err == TD_E2BIG, "xs-e2big", "short buffer", err);
	for (i = 0; i < 2000; i++)
		big[i] = (char)('a' + i % 26);
	err = xs_write(0, "data/tdtest/big", big);
	if (err == 0)
		err = xs_read(0, "data/tdtest/big", back, sizeof(back));
	check(err == 0 && strcmp(big, back) == 0, "xs-big", "2000 bytes",
	    err);

	err = xs_tx_start(&tx);
	if (err == 0)
		err = xs_write(tx, "data/tdtest/t", "in-tx");
	if (err == 0)
		err = xs_tx_end(tx, 0);
	if (err == 0)
		err = xs_read(0, "data/tdtest/t", buf, sizeof(buf));
	check(err == 0 && strcmp(buf, "in-tx") == 0, "xs-tx-commit",
	    "commit", err);
	err = xs_tx_start(&tx);
	if (err == 0)
		err = xs_write(tx, "data/tdtest/t", "aborted");
	if (err == 0)
		err = xs_tx_end(tx, 1);
	if (err == 0)
		err = xs_read(0, "data/tdtest/t", buf, sizeof(buf));
	check(err == 0 && strcmp(buf, "in-tx") == 0, "xs-tx-abort", "abort",
	    err);
	/* tx reads t, someone else changes it, tx writes: conflict */
	err = xs_tx_start(&tx);
	if (err == 0)
		err = xs_read(tx, "data/tdtest/t", buf, sizeof(buf));
	if (err == 0 && (err = xs_tx_start(&tx2)) == 0) {
		xs_write(tx2, "data/tdtest/t", "other");
		err = xs_tx_end(tx2, 0);
	}
	if (err == 0)
		err = xs_write(tx, "data/tdtest/t", "mine");
	if (err == 0)
		err = xs_tx_end(tx, 0);
	check(err == TD_EAGAIN, "xs-tx-conflict", "want TD_EAGAIN", err);

	err = xs_watch_add(&w, "data/tdtest/w");
	if (err == 0)
		err = xs_watch_wait(&w, td_now() + 5000000000ULL);
	if (err == 0) {
		xs_write(0, "data/tdtest/w", "x");
		err = xs_watch_wait(&w, td_now() + 5000000000ULL);
	}
	xs_watch_del(&w);
	check(err == 0, "xs-watch", "no event", err);
	err = xs_rm(0, "data/tdtest");
	if (err == 0)
		err = xs_read(0, "data/tdtest/a", buf, sizeof(buf)) ==
		    TD_ENOENT ? 0 : -1;
	check(err == 0, "xs-rm", "rm", err);
	check(xs_malformed == 0, "xs-clean", "malformed replies", xs_malformed);
}

static void
check_timers(void)
{
	uint64_t t, worst = 0, d;
	int i;

	td_printf("timers: start\n");
	for (i = 0; i < 30; i++) {
		t = td_now();
		td_sleep_ns(100000000ULL);
		d = td_now() - t;
		if (d > worst)
			worst = d;
	}
	td_printf("timers: done, 30 sleeps, worst %lu ms\n",
	    (unsigned long)(worst / 1000000));
}

static volatile int io_done;

static void
io_cb(struct td_blkreq *r)
{
	io_done = 1;
}

static int
blk_io(struct td_blkdev *d, int op, void *buf, size_t len)
{
	struct td_blkreq r;
	int i;

	memset(&r, 0, sizeof(r));
	r.op = op;
	r.buf = buf;
	r.len = len;
	r.done = io_cb;
	io_done = 0;
	td_blkdev_start(d, &r);
	for (i = 0; i < 3000 && !io_done; i++)
		td_sleep_ns(10000000ULL);
	return io_done ? r.error : TD_ETIMEDOUT;
}

static void
check_reconnect(void)
{
	static uint8_t a[65536], b[65536];
	struct td_blkdev *d = td_blkdev_lookup("blk0");
	struct xs_watch w;
	char v[8];
	int err, i, round;

	if (d == NULL) {
		check(0, "reconnect", "no blk0", 0);
		return;
	}
	for (round = 0; round < 2; round++) {
		for (i = 0; i < (int)sizeof(a); i++)
			a[i] = (uint8_t)(i * 7 + round * 13);
		err = blk_io(d, TD_BLK_WRITE, a, sizeof(a));
		check(err == 0, round ? "reconnect-write-after" :
		    "reconnect-write-before", "write", err);
		if (round == 1)
			break;
		xs_write(0, "data/go", "0");	/* ours: dom0 may write it */
		xs_watch_add(&w, "data/go");
		td_printf("xencheck: close the backend\n");
		err = -1;
		for (i = 0; i < 30 && err != 0; i++) {
			xs_watch_wait(&w, td_now() + 1000000000ULL);
			if (xs_read(0, "data/go", v, sizeof(v)) == 0 &&
			    strcmp(v, "1") == 0)
				err = 0;
		}
		xs_watch_del(&w);
		check(err == 0, "reconnect-go", "dom0 never said go", err);
		memset(b, 0, sizeof(b));
		err = blk_io(d, TD_BLK_READ, b, sizeof(b));
		check(err == 0 && memcmp(a, b, sizeof(a)) == 0,
		    "reconnect-read", "data after reconnect", err);
	}
	memset(b, 0, sizeof(b));
	err = blk_io(d, TD_BLK_READ, b, sizeof(b));
	check(err == 0 && memcmp(a, b, sizeof(a)) == 0, "reconnect-verify",
	    "second write", err);
}

static struct td_netdev *sg_nd;
static unsigned long sg_want, sg_done, sg_err;
static struct td_thread *sg_main;

static void
sg_input(void *arg, const struct td_iovec *iov, size_t niov)
{
	static uint8_t f[1536];
	struct td_iovec out[3];
	size_t len = 0, i, half;
	uint8_t mac[6];

	for (i = 0; i < niov; i++) {
		if (len + iov[i].iov_len > sizeof(f))
			return;
		memcpy(f + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (len < 15 || f[12] != 0x88 || f[13] != 0xb5)
		return;
	memcpy(mac, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	half = (len - 14) / 2;
	out[0].iov_base = f;
	out[0].iov_len = 14;
	out[1].iov_base = f + 14;
	out[1].iov_len = half;
	out[2].iov_base = f + 14 + half;
	out[2].iov_len = len - 14 - half;
	if (td_netdev_xmit(sg_nd, out, 3) != 0)
		sg_err++;
	if (++sg_done == sg_want)
		td_thread_wake(sg_main);
}

static int
sg_echo(unsigned long n)
{
	struct td_netclient c = { .input = sg_input };

	sg_main = td_thread_self();
	sg_want = n;
	if ((sg_nd = td_netdev_byindex(0)) == NULL ||
	    td_netdev_attach(sg_nd, &c) != 0) {
		td_printf("xencheck: no NIC\n");
		return 1;
	}
	td_printf("xencheck: sgecho ready\n");
	while (sg_done < sg_want) {
		td_thread_prepare_block();
		if (sg_done < sg_want)
			td_thread_block(UINT64_MAX);
	}
	td_sleep_ns(200 * 1000 * 1000);
	td_netdev_detach(sg_nd);
	td_printf("xencheck: %lu echoes in 3 pieces, %lu not sent\n",
	    sg_done, sg_err);
	return sg_err != 0;
}

/* the lifecycle's app hook (weak in platform/xen/lifecycle.c) */
int
td_app_shutdown(const char *reason)
{
	td_printf("xencheck: told of shutdown (%s), %d failures\n", reason,
	    failures);
	return failures == 0 ? 3 : 1;
}

int
main(int argc, char **argv)
{
	uint64_t n;

	if (argc > 2 && strcmp(argv[1], "sgecho") == 0 &&
	    xs_parse_u64(argv[2], &n) == 0)
		return sg_echo(n);
	if (argc > 1 && strcmp(argv[1], "reconnect") == 0) {
		check_reconnect();
		return failures;
	}
	check_grant();
	check_xenstore();
	check_timers();
	if (argc > 1 && strcmp(argv[1], "wait") == 0) {
		td_printf("xencheck: waiting\n");
		for (;;)
			td_sleep_ns(1000000000ULL);
	}
	return failures;
}
