/*
 * t_fake.c -- part of suite.c: a fake rump kernel.  One virtual CPU,
 * built from rumpuser's own nowrap mutex and cv as a real rump kernel's
 * scheduler is, and counters for every upcall, so the tests can check
 * that each blocking hypercall gives the CPU back and takes it again.
 * With a single virtual CPU a hypercall that blocks while holding it
 * deadlocks the suite, which run.sh's timeout turns into a failure.
 */

#define FK_NLOCKS	3	/* "biglock depth" carried across a block */

struct fk_lwp {
	int		 id;
	int		 nlocks;	/* returned by the last unschedule */
};

static struct {
	int	sched, unsched, bsched, bunsched;
	int	newlwp, lwpswitch, release, rfork, curlwp;
	int	bad_nlocks, bad_release, bad_nolwp;
	int	il_seen, il_held;	/* backend_schedule with interlock */
	void	*il_last;		/* last interlock given back */
} fk;

static struct rumpuser_mtx *fk_cpumtx;
static struct rumpuser_cv *fk_cpucv;
static struct td_thread *fk_cpu;	/* holder of the only vCPU */
static int fk_nextlwp = 1;

static void
fk_cpu_take(void)
{

	rumpuser_mutex_enter_nowrap(fk_cpumtx);
	while (fk_cpu != NULL)
		rumpuser_cv_wait_nowrap(fk_cpucv, fk_cpumtx);
	fk_cpu = td_thread_self();
	rumpuser_mutex_exit(fk_cpumtx);
}

static void
fk_cpu_give(void)
{

	if (fk_cpu != td_thread_self())
		fk.bad_release++;
	rumpuser_mutex_enter_nowrap(fk_cpumtx);
	fk_cpu = NULL;
	rumpuser_cv_signal(fk_cpucv);
	rumpuser_mutex_exit(fk_cpumtx);
}

/* Does the calling thread hold the virtual CPU? */
static int
fk_have_cpu(void)
{

	return fk_cpu == td_thread_self();
}

static void fk_schedule(void) { fk.sched++; fk_cpu_take(); }
static void fk_unschedule(void) { fk.unsched++; fk_cpu_give(); }

static void
fk_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	struct fk_lwp *l = (struct fk_lwp *)rumpuser_curlwp();

	fk.bunsched++;
	fk.il_last = interlock;
	*countp = FK_NLOCKS;
	if (l != NULL)
		l->nlocks = FK_NLOCKS;
	else
		fk.bad_nolwp++;
	fk_cpu_give();
}

static void
fk_backend_schedule(int nlocks, void *interlock)
{
	struct fk_lwp *l = (struct fk_lwp *)rumpuser_curlwp();
	struct rumpuser_mtx *m = interlock;

	fk.bsched++;
	if (l == NULL)
		fk.bad_nolwp++;
	else if (nlocks != 0 && nlocks != l->nlocks)
		fk.bad_nlocks++;
	if (m != NULL) {
		/* Is the interlock already retaken?  (No other thread holds
		 * it in the tests that look at this.) */
		fk.il_seen++;
		if (rumpuser_mutex_tryenter(m) == 0)
			rumpuser_mutex_exit(m);
		else
			fk.il_held++;
	}
	fk_cpu_take();
}

static struct fk_lwp *
fk_lwp_alloc(void)
{
	struct fk_lwp *l = td_calloc(1, sizeof(*l));

	l->id = fk_nextlwp++;
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, (struct lwp *)l);
	return l;
}

static int
fk_newlwp(pid_t pid)
{
	struct lwp *old = rumpuser_curlwp();

	fk.newlwp++;
	if (old != NULL)
		rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, old);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, (struct lwp *)fk_lwp_alloc());
	return 0;
}

static void fk_lwproc_switch(struct lwp *l) { fk.lwpswitch++; }
static void fk_lwproc_release(void) { fk.release++; }
static int fk_lwproc_rfork(void *p, int f, const char *c) { fk.rfork++; return 0; }
static struct lwp *fk_lwproc_curlwp(void) { fk.curlwp++; return rumpuser_curlwp(); }
static int fk_syscall(int n, void *a, long *r) { return TD_ENOSYS; }
static void fk_lwpexit(void) { }
static void fk_execnotify(const char *c) { }
static pid_t fk_getpid(void) { return 1; }

static const struct rumpuser_hyperup fk_up = {
	.hyp_schedule		= fk_schedule,
	.hyp_unschedule		= fk_unschedule,
	.hyp_backend_unschedule	= fk_backend_unschedule,
	.hyp_backend_schedule	= fk_backend_schedule,
	.hyp_lwproc_switch	= fk_lwproc_switch,
	.hyp_lwproc_release	= fk_lwproc_release,
	.hyp_lwproc_rfork	= fk_lwproc_rfork,
	.hyp_lwproc_newlwp	= fk_newlwp,
	.hyp_lwproc_curlwp	= fk_lwproc_curlwp,
	.hyp_syscall		= fk_syscall,
	.hyp_lwpexit		= fk_lwpexit,
	.hyp_execnotify		= fk_execnotify,
	.hyp_getpid		= fk_getpid,
};

/* A rump kernel thread starts with an lwp and a CPU and ends without. */
static struct fk_lwp *
fk_enter(void)
{
	struct fk_lwp *l = fk_lwp_alloc();

	rumpuser_curlwpop(RUMPUSER_LWP_SET, (struct lwp *)l);
	fk_cpu_take();
	return l;
}

static void
fk_leave(void)
{
	struct lwp *l = rumpuser_curlwp();

	fk_cpu_give();
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
	td_free(l);
}

static void
fk_init(void)
{

	rumpuser_mutex_init(&fk_cpumtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&fk_cpucv);
}

/* Sleeps ms with the CPU given back, as a kernel thread would. */
static void
fk_msleep(long ms)
{

	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (ms % 1000) * 1000000L);
}

static uint64_t
fk_ms(void)
{
	int64_t s;
	long ns;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns);
	return (uint64_t)s * 1000 + (uint64_t)ns / 1000000;
}
