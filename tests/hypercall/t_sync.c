/*
 * t_sync.c -- part of suite.c: threads, curlwp, mutexes, rw locks,
 * condition variables and clocks under the fake kernel.
 */

/* ---- threads and curlwp ------------------------------------------------ */

static int thr_ran, thr_curlwp_ok;

static void *
thr_body(void *arg)
{
	struct fk_lwp *l = fk_enter();
	int i;

	thr_ran += (int)(intptr_t)arg;
	for (i = 0; i < 50; i++) {
		fk_msleep(0);		/* switch away and back */
		td_yield();
		if (rumpuser_curlwp() != (struct lwp *)l)
			return NULL;
	}
	thr_curlwp_ok++;
	fk_leave();
	return NULL;
}

static void
t_threads(void)
{
	void *cookie[8];
	int i, b0, rv = 0;

	thr_ran = thr_curlwp_ok = 0;
	for (i = 0; i < 8; i++)
		rv |= rumpuser_thread_create(thr_body, (void *)(intptr_t)1,
		    "t_thr", 1, i - 4, i % 2 ? -1 : 0, &cookie[i]);
	CHECK(rv == 0);
	b0 = fk.bunsched;
	for (i = 0; i < 8; i++)
		rv |= rumpuser_thread_join(cookie[i]);
	CHECK(rv == 0);
	CHECK(fk.bunsched > b0);	/* join gives the CPU back */
	CHECK(fk_have_cpu());
	CHECK(thr_ran == 8);
	CHECK(thr_curlwp_ok == 8);
	/* a detached thread that exits through thread_exit */
	CHECK(rumpuser_thread_create(thr_body, (void *)(intptr_t)100, NULL, 0,
	    0, -1, NULL) == 0);
	while (thr_curlwp_ok != 9)
		fk_msleep(1);
	CHECK(thr_ran == 108);
}

static void
t_curlwp(void)
{
	struct lwp *me = rumpuser_curlwp();
	struct fk_lwp *x = fk_lwp_alloc();

	CHECK(me != NULL);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, me);
	CHECK(rumpuser_curlwp() == NULL);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, (struct lwp *)x);
	CHECK(rumpuser_curlwp() == (struct lwp *)x);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, (struct lwp *)x);
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, (struct lwp *)x);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, me);
	CHECK(rumpuser_curlwp() == me);
	td_free(x);
}

/* ---- mutexes ---------------------------------------------------------- */

static struct rumpuser_mtx *mx;
static int mx_count, mx_inside, mx_bad;

/* Holds the mutex across a CPU-releasing sleep so others contend: a
 * contended enter that kept the CPU would deadlock here. */
static void *
mx_body(void *arg)
{
	int i;

	fk_enter();
	for (i = 0; i < 40; i++) {
		rumpuser_mutex_enter(mx);
		if (mx_inside++ != 0)
			mx_bad++;
		if (i % 8 == 0)
			fk_msleep(0);
		else
			td_yield();
		mx_count++;
		mx_inside--;
		rumpuser_mutex_exit(mx);
		if (!fk_have_cpu())
			mx_bad++;
	}
	fk_leave();
	return NULL;
}

/* Outside the kernel (no CPU, no lwp), like a rump scheduler lock. */
static void *
mx_spin_body(void *arg)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (i & 1)
			rumpuser_mutex_enter(mx);
		else
			rumpuser_mutex_enter_nowrap(mx);
		if (mx_inside++ != 0)
			mx_bad++;
		td_yield();
		mx_count++;
		mx_inside--;
		rumpuser_mutex_exit(mx);
	}
	return NULL;
}

static void
mx_run(void *(*fn)(void *), int n)
{
	void *c[8];
	int i;

	for (i = 0; i < n; i++)
		rumpuser_thread_create(fn, NULL, "t_mtx", 1, 0, -1, &c[i]);
	for (i = 0; i < n; i++)
		rumpuser_thread_join(c[i]);
}

static void
t_mutex(void)
{
	struct lwp *owner;
	int b0, s0;

	rumpuser_mutex_init(&mx, RUMPUSER_MTX_KMUTEX);
	rumpuser_mutex_enter(mx);
	rumpuser_mutex_owner(mx, &owner);
	CHECK(owner == rumpuser_curlwp());
	CHECK(rumpuser_mutex_tryenter(mx) == TD_EBUSY);
	rumpuser_mutex_exit(mx);
	rumpuser_mutex_owner(mx, &owner);
	CHECK(owner == NULL);
	CHECK(rumpuser_mutex_tryenter(mx) == 0);
	rumpuser_mutex_exit(mx);

	/* uncontended enter makes no upcalls */
	b0 = fk.bunsched;
	rumpuser_mutex_enter(mx);
	rumpuser_mutex_exit(mx);
	CHECK(fk.bunsched == b0);

	mx_count = mx_inside = mx_bad = 0;
	b0 = fk.bunsched;
	mx_run(mx_body, 8);
	CHECK(mx_count == 8 * 40 && mx_bad == 0);
	CHECK(fk.bunsched - b0 > 8);	/* contended enters unscheduled */
	CHECK(fk.bad_release == 0 && fk.bad_nlocks == 0);
	rumpuser_mutex_destroy(mx);

	/* SPIN and nowrap: contention blocks without any upcall */
	rumpuser_mutex_init(&mx, RUMPUSER_MTX_SPIN);
	mx_count = mx_inside = mx_bad = 0;
	b0 = fk.bunsched;
	s0 = fk.bsched;
	fk_cpu_give();
	mx_spin_body(NULL);		/* join below needs no CPU either */
	fk_cpu_take();
	mx_run(mx_spin_body, 6);
	CHECK(mx_count == 7 * 200 && mx_bad == 0);
	CHECK(fk.bsched - s0 == 6 && fk.bunsched - b0 == 6);	/* joins only */
	rumpuser_mutex_destroy(mx);
}

/* ---- rw locks ------------------------------------------------------------ */

static struct rumpuser_rw *rw;
static int rw_readers, rw_writers, rw_bad, rw_done;

static void *
rw_body(void *arg)
{
	int i, w = (int)(intptr_t)arg, held;

	fk_enter();
	for (i = 0; i < 30; i++) {
		rumpuser_rw_enter(w ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER,
		    rw);
		if (w) {
			rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
			if (!held || rw_writers++ != 0 || rw_readers != 0)
				rw_bad++;
		} else if (rw_readers++, rw_writers != 0)
			rw_bad++;
		if (i % 5 == 0)
			fk_msleep(0);
		else
			td_yield();
		if (w)
			rw_writers--;
		else
			rw_readers--;
		rumpuser_rw_exit(rw);
	}
	rw_done++;
	fk_leave();
	return NULL;
}

static void *
rw_reader_hold(void *arg)
{

	fk_enter();
	rumpuser_rw_enter(RUMPUSER_RW_READER, rw);
	rw_readers++;
	while (rw_done == 0)
		fk_msleep(1);
	rw_readers--;
	rumpuser_rw_exit(rw);
	fk_leave();
	return NULL;
}

static void
t_rwlock(void)
{
	void *c[8];
	int held, i;

	rumpuser_rw_init(&rw);
	CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw) == 0);
	rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
	CHECK(held);
	CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw) == TD_EBUSY);
	rumpuser_rw_downgrade(rw);
	rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
	CHECK(!held);
	rumpuser_rw_held(RUMPUSER_RW_READER, rw, &held);
	CHECK(held);
	CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw) == 0); /* shared */
	CHECK(rumpuser_rw_tryupgrade(rw) == TD_EBUSY);	/* two readers */
	rumpuser_rw_exit(rw);
	CHECK(rumpuser_rw_tryupgrade(rw) == 0);		/* one reader */
	rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
	CHECK(held);
	rumpuser_rw_exit(rw);
	rumpuser_rw_held(RUMPUSER_RW_READER, rw, &held);
	CHECK(!held);

	/* another thread's read hold: we share it, a writer waits */
	rw_done = 0;
	rw_readers = 0;
	rumpuser_thread_create(rw_reader_hold, NULL, "t_rdr", 1, 0, -1, &c[0]);
	while (rw_readers == 0)
		fk_msleep(1);
	CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw) == TD_EBUSY);
	CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw) == 0);
	rumpuser_rw_exit(rw);
	rw_done = 1;
	rumpuser_rw_enter(RUMPUSER_RW_WRITER, rw);	/* waits for it */
	CHECK(rw_readers == 0);
	rumpuser_rw_exit(rw);
	rumpuser_thread_join(c[0]);

	/* mixed stress */
	rw_readers = rw_writers = rw_bad = rw_done = 0;
	for (i = 0; i < 8; i++)
		rumpuser_thread_create(rw_body, (void *)(intptr_t)(i % 3 == 0),
		    "t_rw", 1, 0, -1, &c[i]);
	for (i = 0; i < 8; i++)
		rumpuser_thread_join(c[i]);
	CHECK(rw_done == 8 && rw_bad == 0);
	rumpuser_rw_destroy(rw);
}

/* ---- condition variables ------------------------------------------------- */

static struct rumpuser_mtx *cvm;
static struct rumpuser_cv *cv;
static int cv_flag, cv_woken, cv_timed_rv;

static void *
cv_waiter(void *arg)
{

	fk_enter();
	rumpuser_mutex_enter(cvm);
	while (!cv_flag)
		rumpuser_cv_wait(cv, cvm);
	cv_woken++;
	rumpuser_mutex_exit(cvm);
	fk_leave();
	return NULL;
}

static void *
cv_timed_waiter(void *arg)
{

	fk_enter();
	rumpuser_mutex_enter(cvm);
	cv_timed_rv = rumpuser_cv_timedwait(cv, cvm, 5, 0);
	rumpuser_mutex_exit(cvm);
	fk_leave();
	return NULL;
}

/* No CPU and no lwp: wait_nowrap must not upcall (the fake counts an
 * upcall without an lwp in bad_nolwp). */
static void *
cv_nowrap_waiter(void *arg)
{

	rumpuser_mutex_enter_nowrap(cvm);
	while (!cv_flag)
		rumpuser_cv_wait_nowrap(cv, cvm);
	cv_woken++;
	rumpuser_mutex_exit(cvm);
	return NULL;
}

static void
cv_signal_later(int flag)
{

	rumpuser_mutex_enter(cvm);
	cv_flag = flag;
	rumpuser_cv_broadcast(cv);
	rumpuser_mutex_exit(cvm);
}

/* The documented reacquire order, seen from backend_schedule. */
static void *
cv_order_waiter(void *arg)
{

	fk_enter();
	rumpuser_mutex_enter(cvm);
	fk.il_seen = fk.il_held = 0;
	rumpuser_cv_timedwait(cv, cvm, 0, 5000000);
	rumpuser_mutex_exit(cvm);
	fk_leave();
	return NULL;
}

static void
cv_order(int flags, int want_held)
{
	void *c;

	rumpuser_mutex_init(&cvm, flags);
	rumpuser_thread_create(cv_order_waiter, NULL, "t_cvo", 1, 0, -1, &c);
	rumpuser_thread_join(c);
	CHECK(fk.il_seen == 1 && fk.il_held == want_held);
	CHECK(fk.il_last == cvm);	/* interlock given to unschedule */
	rumpuser_mutex_destroy(cvm);
}

static void
t_condvar(void)
{
	void *c[6];
	uint64_t t0, dt;
	int i, w, rv;

	rumpuser_mutex_init(&cvm, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&cv);

	/* timeout, within tolerance (valgrind is slow: generous) */
	rumpuser_mutex_enter(cvm);
	t0 = fk_ms();
	rv = rumpuser_cv_timedwait(cv, cvm, 0, 30000000);
	dt = fk_ms() - t0;
	CHECK(rv == TD_ETIMEDOUT);
	CHECK(dt >= 29 && dt < 1000);
	rumpuser_mutex_exit(cvm);
	CHECK(fk_have_cpu());

	/* signal before the timeout: 0 */
	cv_flag = cv_woken = 0;
	rumpuser_thread_create(cv_waiter, NULL, "t_cvw", 1, 0, -1, &c[0]);
	fk_msleep(5);
	rumpuser_cv_has_waiters(cv, &w);
	CHECK(w);
	cv_signal_later(1);
	rumpuser_thread_join(c[0]);
	CHECK(cv_woken == 1);
	rumpuser_cv_has_waiters(cv, &w);
	CHECK(!w);

	/* broadcast wakes all, wrap and nowrap alike */
	cv_woken = 0;
	for (i = 1; i < 5; i++)
		rumpuser_thread_create(cv_waiter, NULL, "t_cvw", 1, 0, -1,
		    &c[i]);
	rumpuser_thread_create(cv_nowrap_waiter, NULL, "t_cvn", 1, 0, -1,
	    &c[5]);
	fk_msleep(10);
	cv_signal_later(1);
	for (i = 1; i < 6; i++)
		rumpuser_thread_join(c[i]);
	CHECK(cv_woken == 5);

	/* a timedwait that is signalled returns 0, early */
	cv_timed_rv = -1;
	rumpuser_thread_create(cv_timed_waiter, NULL, "t_cvt", 1, 0, -1, &c[0]);
	fk_msleep(5);
	t0 = fk_ms();
	rumpuser_mutex_enter(cvm);
	rumpuser_cv_signal(cv);
	rumpuser_mutex_exit(cvm);
	rumpuser_thread_join(c[0]);
	CHECK(cv_timed_rv == 0 && fk_ms() - t0 < 1000);
	rumpuser_cv_destroy(cv);
	rumpuser_mutex_destroy(cvm);

	rumpuser_cv_init(&cv);
	cv_order(RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX, 0);	/* CPU first */
	cv_order(RUMPUSER_MTX_SPIN, 1);			/* mutex first */
	rumpuser_cv_destroy(cv);
	CHECK(fk.bad_release == 0 && fk.bad_nlocks == 0 && fk.bad_nolwp == 0);
}

/* ---- clocks ------------------------------------------------------------ */

static int clk_spins;
static volatile int clk_stop;

static void *
clk_spinner(void *arg)
{

	fk_enter();
	while (!clk_stop) {
		clk_spins++;
		fk_msleep(0);
	}
	fk_leave();
	return NULL;
}

static void
t_clock(void)
{
	int64_t s, s2;
	long ns, ns2;
	uint64_t t0, dt;
	int b0;
	void *c;

	CHECK(rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns) == 0);
	CHECK(rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s2, &ns2) == 0);
	CHECK(ns >= 0 && ns < 1000000000L && (s2 > s || (s2 == s && ns2 >= ns)));
	CHECK(rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &s, &ns) == 0);
	CHECK(rumpuser_clock_gettime(7, &s, &ns) == TD_EINVAL);

	/* relative sleep releases the CPU: another kernel thread runs */
	clk_spins = 0;
	clk_stop = 0;
	rumpuser_thread_create(clk_spinner, NULL, "t_spin", 1, 0, -1, &c);
	b0 = fk.bunsched;
	t0 = fk_ms();
	CHECK(rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 20000000) == 0);
	dt = fk_ms() - t0;
	CHECK(dt >= 20 && dt < 1000);
	CHECK(fk_have_cpu());
	CHECK(clk_spins > 0);
	CHECK(fk.bunsched > b0);

	/* absolute monotonic deadline */
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns);
	ns += 15000000;
	if (ns >= 1000000000L) {
		s++;
		ns -= 1000000000L;
	}
	CHECK(rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO, s, ns) == 0);
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s2, &ns2);
	CHECK(s2 > s || (s2 == s && ns2 >= ns));
	/* a deadline in the past returns at once */
	t0 = fk_ms();
	CHECK(rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO, 0, 1) == 0);
	CHECK(fk_ms() - t0 < 100);
	clk_stop = 1;
	rumpuser_thread_join(c);
}
