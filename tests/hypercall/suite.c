/*
 * suite.c -- the rumpuser v17 conformance suite.  One translation unit
 * (the t_*.c parts are included) so an image can include just this
 * file: it needs core.h, hypercall.h and the rumpuser headers only.
 *
 * int hypercall_suite(void) plays a rump kernel (t_fake.c), calls
 * rumpuser_init with counting upcalls and exercises every hypercall,
 * checking the scheduling contract along the way.  It prints
 * "N passed, N failed" and returns the number of failures.
 */
#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <rump/rumpuser.h>
#include <rump/virtif.h>

int	hypercall_suite(void);
int	hyp_geterrno(void);		/* hypercall/init.c, for the test */

static int t_pass, t_fail;

#define CHECK(c) do {							\
	if (c)								\
		t_pass++;						\
	else {								\
		t_fail++;						\
		td_printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);	\
	}								\
} while (0)

#include "t_fake.c"
#include "t_sync.c"
#include "t_dev.c"

static const struct {
	const char *name;
	void	  (*fn)(void);
} t_list[] = {
	{ "curlwp",	t_curlwp },
	{ "threads",	t_threads },
	{ "mutex",	t_mutex },
	{ "rwlock",	t_rwlock },
	{ "condvar",	t_condvar },
	{ "clock",	t_clock },
	{ "param",	t_param },
	{ "random",	t_random },
	{ "misc",	t_misc },
	{ "bio",	t_bio },
	{ "net",	t_net },
};

int
hypercall_suite(void)
{
	unsigned i;
	int f0;

	CHECK(rumpuser_init(16, &fk_up) != 0);	/* exact version only */
	CHECK(rumpuser_init(18, &fk_up) != 0);
	CHECK(rumpuser_init(RUMPUSER_VERSION, &fk_up) == 0);
	fk_init();
	fk_enter();
	for (i = 0; i < sizeof(t_list) / sizeof(t_list[0]); i++) {
		f0 = t_fail;
		t_list[i].fn();
		CHECK(fk_have_cpu());		/* every call returned with it */
		td_printf("hypercall-test: %-8s %s\n", t_list[i].name,
		    t_fail == f0 ? "ok" : "FAILED");
	}
	/* the stored table was used, and the contract held throughout */
	CHECK(fk.bunsched > 0 && fk.bsched > 0 && fk.newlwp > 0);
	CHECK(fk.bad_release == 0 && fk.bad_nlocks == 0 && fk.bad_nolwp == 0);
	td_printf("hypercall-test: upcalls: schedule %d unschedule %d "
	    "backend_schedule %d backend_unschedule %d newlwp %d\n",
	    fk.sched, fk.unsched, fk.bsched, fk.bunsched, fk.newlwp);
	fk_leave();
	td_printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail;
}
