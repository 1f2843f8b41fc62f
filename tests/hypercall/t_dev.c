/*
 * t_dev.c -- part of suite.c: parameters, randomness, misc calls, block
 * I/O through the registry, and the if_virt NIC contract over a
 * loopback netdev.
 */

static int
t_streq(const char *a, const char *b)
{

	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

static void
t_param(void)
{
	char buf[64];

	CHECK(rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)) == 0 &&
	    t_streq(buf, "1"));
	CHECK(rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, sizeof(buf))
	    == 0 && buf[0] == 't');
	CHECK(rumpuser_getparam("RUMP_VERBOSE", buf, sizeof(buf)) == 0);
	CHECK(rumpuser_getparam("RUMP_MEMLIMIT", buf, sizeof(buf)) == 0 &&
	    buf[0] >= '1' && buf[0] <= '9');
	CHECK(rumpuser_getparam("HYPTEST_NO_SUCH_KEY", buf, sizeof(buf)) ==
	    TD_ENOENT);
	CHECK(rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, 1) == TD_E2BIG);
	/* given on the command line by run.sh; absent under a bare boot */
	if (td_param("HYPTEST_KEY") != NULL)
		CHECK(rumpuser_getparam("HYPTEST_KEY", buf, sizeof(buf)) ==
		    0 && t_streq(buf, "hello world"));
}

static void
t_random(void)
{
	static unsigned char a[4096], b[64];
	size_t got = 0, i;
	int ones = 0, k;

	td_printf("hypercall-test: entropy source %s\n",
	    td_rng_source() ? td_rng_source() : "NONE");
	if (td_rng_source() == NULL) {
		CHECK(rumpuser_getrandom(b, sizeof(b), RUMPUSER_RANDOM_NOWAIT,
		    &got) == TD_EAGAIN && got == 0);
		/* blocking: a clear error, not a hang */
		got = 1;
		CHECK(rumpuser_getrandom(b, sizeof(b), 0, &got) == TD_ENXIO &&
		    got == 0);
		return;
	}
	CHECK(rumpuser_getrandom(a, sizeof(a), 0, &got) == 0 &&
	    got == sizeof(a));
	CHECK(rumpuser_getrandom(b, sizeof(b), RUMPUSER_RANDOM_HARD |
	    RUMPUSER_RANDOM_NOWAIT, &got) == 0 && got > 0);
	for (i = 0; i < sizeof(a); i++)
		for (k = 0; k < 8; k++)
			ones += (a[i] >> k) & 1;
	/* 32768 bits: mean 16384, sd 90; 10 sd is a broken source */
	CHECK(ones > 16384 - 900 && ones < 16384 + 900);
	CHECK(__builtin_memcmp(a, b, got) != 0);
	CHECK(rumpuser_getrandom(a, 0, 0, &got) == 0 && got == 0);
}

static void
t_misc(void)
{
	void *p;
	int al;

	for (al = 0; al <= 65536; al = al ? al * 4 : 1) {
		CHECK(rumpuser_malloc(1000, al, &p) == 0);
		CHECK(al == 0 || ((uintptr_t)p & (uintptr_t)(al - 1)) == 0);
		__builtin_memset(p, 0xa5, 1000);
		rumpuser_free(p, 1000);
	}
	CHECK(rumpuser_malloc(10, 3, &p) == TD_EINVAL);
	CHECK(rumpuser_anonmmap(NULL, 3 * 4096, 14, 0, &p) == 0 &&
	    ((uintptr_t)p & 16383) == 0 && ((char *)p)[12287] == 0);
	rumpuser_unmap(p, 3 * 4096);
	rumpuser_putchar('o');
	rumpuser_putchar('k');
	rumpuser_putchar('\n');
	rumpuser_dprintf("hypercall-test: dprintf %d %s %llx\n", 42, "str",
	    0x1234ULL);
	rumpuser_seterrno(TD_EAGAIN);
	CHECK(hyp_geterrno() == TD_EAGAIN);
	CHECK(rumpuser_kill(RUMPUSER_PID_SELF, 15) == 0);
	rumpuser_dl_bootstrap(NULL, NULL, NULL);
	CHECK(rumpuser_daemonize_begin() == TD_ENOSYS);
	CHECK(rumpuser_daemonize_done(0) == TD_ENOSYS);
	CHECK(rumpuser_sp_init("unix://x", "NetBSD", "9", "amd64") ==
	    TD_ENOSYS);
	CHECK(rumpuser_sp_anonmmap(NULL, 4096, &p) == TD_ENOSYS);
	rumpuser_sp_fini(NULL);
}

/* ---- block I/O ---------------------------------------------------------- */

#define BIO_N		64
#define BIO_SZ		8192
#define BIO_BIG		(320 * 1024)	/* split by the registry */

static struct rumpuser_mtx *bio_m;
static struct rumpuser_cv *bio_cv;
static int bio_done, bio_err, bio_ctx_bad;
static size_t bio_bytes;
static struct td_thread *bio_submitter;

static void
t_biodone(void *arg, size_t bytes, int error)
{

	/* rumpuser(3) context: a thread with its own lwp holding a CPU */
	if (!fk_have_cpu() || rumpuser_curlwp() == NULL ||
	    td_thread_self() == bio_submitter)
		bio_ctx_bad++;
	rumpuser_mutex_enter(bio_m);
	bio_done++;
	bio_bytes += bytes;
	if (error != 0)
		bio_err = error;
	rumpuser_cv_signal(bio_cv);
	rumpuser_mutex_exit(bio_m);
}

static void
bio_wait(int n)
{

	rumpuser_mutex_enter(bio_m);
	while (bio_done < n)
		rumpuser_cv_wait(bio_cv, bio_m);
	rumpuser_mutex_exit(bio_m);
}

static void
bio_reset(void)
{

	bio_done = bio_err = 0;
	bio_bytes = 0;
}

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 9));
}

static void
t_bio(void)
{
	static const char magic[] = "TANDEM-HYPERCALL-DURABLE";
	struct rumpuser_iovec iov[3];
	/* static, not heap: see run.sh on valgrind and reused stacks */
	static unsigned char w[BIO_N * BIO_SZ], r[BIO_N * BIO_SZ];
	static unsigned char big[BIO_BIG], big2[BIO_BIG];
	uint64_t size;
	size_t n;
	unsigned maxfl = 0;
	int fd, type, i, ok;

	if (rumpuser_getfileinfo("blk0", &size, &type) != 0) {
		td_printf("hypercall-test: no blk0, block tests skipped\n");
		return;
	}
	CHECK(type == RUMPUSER_FT_BLK && size >= 4 << 20);
	CHECK(rumpuser_getfileinfo("nosuchdisk", NULL, NULL) == TD_ENOENT);
	CHECK(rumpuser_open("nosuchdisk", RUMPUSER_OPEN_RDWR, &fd) ==
	    TD_ENOENT);
	CHECK(rumpuser_open("/dev/blk0", RUMPUSER_OPEN_RDWR |
	    RUMPUSER_OPEN_BIO, &fd) == 0);
	rumpuser_mutex_init(&bio_m, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&bio_cv);
	bio_submitter = td_thread_self();

	/* many writes in flight, then one big one that gets split */
	bio_reset();
	for (i = 0; i < BIO_N; i++) {
		fill(w + i * BIO_SZ, BIO_SZ, (unsigned)i);
		rumpuser_bio(fd, RUMPUSER_BIO_WRITE, w + i * BIO_SZ, BIO_SZ,
		    (int64_t)(i * 2 + 1) * BIO_SZ, t_biodone, NULL);
		if (td_blkdev_inflight(td_blkdev_lookup("blk0")) > maxfl)
			maxfl = td_blkdev_inflight(td_blkdev_lookup("blk0"));
	}
	fill(big, BIO_BIG, 999);
	rumpuser_bio(fd, RUMPUSER_BIO_WRITE | RUMPUSER_BIO_SYNC, big, BIO_BIG,
	    2 << 20, t_biodone, NULL);
	bio_wait(BIO_N + 1);
	CHECK(maxfl >= BIO_N / 2);
	CHECK(bio_err == 0 && bio_bytes == BIO_N * BIO_SZ + BIO_BIG);
	CHECK(bio_ctx_bad == 0);
	CHECK(rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE |
	    RUMPUSER_SYNCFD_BARRIER | RUMPUSER_SYNCFD_SYNC, 0, 0) == 0);

	/* read back, again all in flight */
	bio_reset();
	__builtin_memset(r, 0, BIO_N * BIO_SZ);
	for (i = BIO_N - 1; i >= 0; i--)
		rumpuser_bio(fd, RUMPUSER_BIO_READ, r + i * BIO_SZ, BIO_SZ,
		    (int64_t)(i * 2 + 1) * BIO_SZ, t_biodone, NULL);
	rumpuser_bio(fd, RUMPUSER_BIO_READ, big2, BIO_BIG, 2 << 20,
	    t_biodone, NULL);
	bio_wait(BIO_N + 1);
	CHECK(bio_err == 0 && bio_ctx_bad == 0);
	CHECK(__builtin_memcmp(w, r, BIO_N * BIO_SZ) == 0);
	CHECK(__builtin_memcmp(big, big2, BIO_BIG) == 0);

	/* bad requests complete with an error, on the same thread */
	bio_reset();
	rumpuser_bio(999, RUMPUSER_BIO_READ, r, 512, 0, t_biodone, NULL);
	bio_wait(1);
	CHECK(bio_err == TD_EBADF && bio_ctx_bad == 0);
	bio_reset();
	rumpuser_bio(fd, RUMPUSER_BIO_READ, r, 100, 0, t_biodone, NULL);
	bio_wait(1);
	CHECK(bio_err == TD_EINVAL);
	bio_reset();	/* straddling the end: short */
	rumpuser_bio(fd, RUMPUSER_BIO_READ, r, 4096, (int64_t)size - 1024,
	    t_biodone, NULL);
	bio_wait(1);
	CHECK(bio_err == 0 && bio_bytes == 1024);
	bio_reset();
	rumpuser_bio(fd, RUMPUSER_BIO_WRITE, r, 512, (int64_t)size,
	    t_biodone, NULL);
	bio_wait(1);
	CHECK(bio_err == TD_ENOSPC);

	/* unaligned scatter/gather against what bio wrote */
	fill(w, 5000, 77);
	iov[0].iov_base = w;
	iov[0].iov_len = 1000;
	iov[1].iov_base = w + 1000;
	iov[1].iov_len = 3;
	iov[2].iov_base = w + 1003;
	iov[2].iov_len = 3997;
	CHECK(rumpuser_iovwrite(fd, iov, 3, BIO_SZ + 77, &n) == 0 &&
	    n == 5000);
	__builtin_memset(r, 0, 8192);
	iov[0].iov_base = r;
	iov[0].iov_len = 5077;
	CHECK(rumpuser_iovread(fd, iov, 1, BIO_SZ, &n) == 0 && n == 5077);
	fill(r + 6000, BIO_SZ, 0);	/* what bio #0 wrote */
	ok = __builtin_memcmp(r, r + 6000, 77) == 0 &&
	    __builtin_memcmp(r + 77, w, 5000) == 0;
	CHECK(ok);
	/* NOSEEK advances a private position */
	iov[0].iov_base = r;
	iov[0].iov_len = 100;
	CHECK(rumpuser_iovread(fd, iov, 1, RUMPUSER_IOV_NOSEEK, &n) == 0 &&
	    n == 100);
	CHECK(rumpuser_iovread(fd, iov, 1, RUMPUSER_IOV_NOSEEK, &n) == 0 &&
	    n == 100);

	/* durable marker for run.sh to find in the host file */
	__builtin_memset(r, 0, 512);
	__builtin_memcpy(r, magic, sizeof(magic));
	iov[0].iov_base = r;
	iov[0].iov_len = 512;
	CHECK(rumpuser_iovwrite(fd, iov, 1, 0, &n) == 0 && n == 512);
	CHECK(rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE |
	    RUMPUSER_SYNCFD_SYNC, 0, 0) == 0);
	CHECK(rumpuser_syncfd(fd, 0, 0, 0) == TD_EINVAL);
	CHECK(fk_have_cpu());
	CHECK(rumpuser_close(fd) == 0);
	CHECK(rumpuser_close(fd) == TD_EBADF);
	rumpuser_cv_destroy(bio_cv);
	rumpuser_mutex_destroy(bio_m);
}

/* ---- NIC: if_virt over a loopback netdev ------------------------------- */

#define LOOP_Q	16
static struct td_netdev *loop_nd;
static unsigned char loop_buf[LOOP_Q][256];
static size_t loop_len[LOOP_Q];
static int loop_head, loop_tail, loop_drops;
static int vif_got, vif_bad, vif_ctx_bad;
static struct virtif_sc *vif_sc = (struct virtif_sc *)&vif_got;

static int
loop_xmit(void *softc, const struct td_iovec *iov, size_t niov)
{
	size_t i, n = 0;

	if (loop_tail - loop_head == LOOP_Q) {
		loop_drops++;
		return TD_ENOBUFS;
	}
	for (i = 0; i < niov; i++) {
		__builtin_memcpy(loop_buf[loop_tail % LOOP_Q] + n,
		    iov[i].iov_base, iov[i].iov_len);
		n += iov[i].iov_len;
	}
	loop_len[loop_tail++ % LOOP_Q] = n;
	td_netdev_rx_kick(loop_nd);	/* "interrupt" */
	return 0;
}

static int
loop_rx_poll(void *softc, int budget)
{
	struct td_iovec iov;
	int n = 0;

	while (n < budget && loop_head != loop_tail) {
		iov.iov_base = loop_buf[loop_head % LOOP_Q];
		iov.iov_len = loop_len[loop_head % LOOP_Q];
		td_netdev_input(loop_nd, &iov, 1);
		loop_head++;
		n++;
	}
	return n;
}

static const struct td_netdev_ops loop_ops = {
	.xmit = loop_xmit,
	.rx_poll = loop_rx_poll,
};

/* The kernel side of if_virt, as the fake kernel implements it. */
void
rump_virtif_virt_deliverpkt(struct virtif_sc *sc, struct iovec *iov,
    size_t n)
{
	struct rumpuser_iovec *v = (struct rumpuser_iovec *)(void *)iov;
	unsigned char *p = v[0].iov_base;

	if (!fk_have_cpu() || rumpuser_curlwp() == NULL)
		vif_ctx_bad++;
	if (sc != vif_sc || n != 1 || v[0].iov_len != (size_t)(p[0] + 14))
		vif_bad++;
	vif_got++;
}

static void
t_net(void)
{
	struct td_netdev_info info = { { 0x02, 0, 0, 0x11, 0x22, 0x33 }, 1500 };
	struct rumpuser_iovec iov[2];
	struct virtif_user *viu;
	unsigned char frame[200];
	uint8_t mac[6] = { 0 };
	int i;

	if (loop_nd == NULL)
		CHECK(td_netdev_register("loop0", &loop_ops, NULL, &info,
		    &loop_nd) == 0);
	CHECK(rumpcomp_virt_create("nosuchnic", vif_sc, mac, &viu) ==
	    TD_ENXIO);
	CHECK(rumpcomp_virt_create("loop0", vif_sc, mac, &viu) == 0);
	CHECK(mac[0] == 0x02 && mac[5] == 0x33);
	vif_got = vif_bad = vif_ctx_bad = 0;
	for (i = 0; i < 100; i++) {
		frame[0] = (unsigned char)(i + 20);	/* length - 14 */
		iov[0].iov_base = frame;
		iov[0].iov_len = 14;
		iov[1].iov_base = frame + 14;
		iov[1].iov_len = (size_t)frame[0];
		rumpcomp_virt_send(viu, (struct iovec *)(void *)iov, 2);
		if (i % 10 == 9)
			fk_msleep(0);	/* let the receive thread run */
	}
	for (i = 0; i < 200 && vif_got + loop_drops < 100; i++)
		fk_msleep(1);
	CHECK(vif_got + loop_drops == 100 && vif_got >= 10);
	CHECK(vif_bad == 0 && vif_ctx_bad == 0);
	CHECK(rumpcomp_virt_dying(viu) == 0);
	rumpcomp_virt_destroy(viu);
	CHECK(fk_have_cpu());
	/* the device can be bound again, here by unit number */
	if (td_netdev_byindex(0) == loop_nd) {
		CHECK(rumpcomp_virt_create("0", vif_sc, mac, &viu) == 0);
		rumpcomp_virt_destroy(viu);
	}
}
