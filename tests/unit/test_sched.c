/*
 * test_sched.c -- threads on virtual time: yield order, join, detached
 * reaping, sleep order and exact wake times, early wakes, the wake
 * pending flag, wakes from a fake interrupt in idle, per-thread words,
 * a stress mix, and last the stack canary (which ends the process).
 *
 * The tests run in a "driver" thread; the host's main() becomes the
 * idle thread, as the boot context does in an image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_impl.h"
#include "test.h"

#define MS	1000000ULL

static char	 trace[256];
static size_t	 ntrace;

static void
mark(char c)
{
	if (ntrace < sizeof(trace) - 1)
		trace[ntrace++] = c;
	trace[ntrace] = '\0';
}

static void
reset_trace(void)
{
	ntrace = 0;
	trace[0] = '\0';
}

static void
yielder(void *arg)
{
	int i;

	CHECK(!fake_masked);		/* threads start with IRQs on */
	for (i = 0; i < 3; i++) {
		mark(*(const char *)arg);
		td_yield();
	}
}

static void
test_yield_order(void)
{
	struct td_thread *t[3];
	int i;

	reset_trace();
	t[0] = td_thread_create("A", yielder, "A", 0, TD_THREAD_JOINABLE);
	t[1] = td_thread_create("B", yielder, "B", 0, TD_THREAD_JOINABLE);
	t[2] = td_thread_create("C", yielder, "C", 0, TD_THREAD_JOINABLE);
	CHECK(td_thread_count() == 4);
	for (i = 0; i < 3; i++)
		CHECK(td_thread_join(t[i]) == 0);
	CHECK(strcmp(trace, "ABCABCABC") == 0);
	CHECK(td_thread_count() == 1);
}

static void
nop(void *arg)
{
	mark('n');
}

static void
test_join_rules(void)
{
	struct td_thread *d, *j;
	size_t inuse = td_heap_inuse();

	reset_trace();
	d = td_thread_create("detached", nop, NULL, 0, 0);
	j = td_thread_create("joinable", nop, NULL, 0, TD_THREAD_JOINABLE);
	CHECK(td_thread_join(d) == -1);
	CHECK(td_thread_join(td_thread_self()) == -1);
	CHECK(td_thread_join(NULL) == -1);
	td_yield();			/* both run and exit */
	CHECK(strcmp(trace, "nn") == 0);
	CHECK(td_thread_count() == 1);	/* zombies are not live */
	CHECK(td_thread_join(j) == 0);	/* already a zombie */
	CHECK(td_thread_count() == 1);
	CHECK(td_heap_inuse() == inuse);	/* detached one reaped too */
}

static void
test_names(void)
{
	struct td_thread *t;

	t = td_thread_create("a-very-long-thread-name-that-goes-on-and-on",
	    nop, NULL, 0, TD_THREAD_JOINABLE);
	CHECK(strlen(td_thread_name(t)) == 31);
	CHECK(strncmp(td_thread_name(t), "a-very-long", 11) == 0);
	CHECK(strcmp(td_thread_name(td_thread_self()), "driver") == 0);
	td_thread_join(t);
}

struct sleeper {
	uint64_t	 deadline;
	uint64_t	 woke_at;
	int		 ret;
	char		 tag;
};

static void
sleeper(void *arg)
{
	struct sleeper *s = arg;

	s->ret = td_sleep_until(s->deadline);
	s->woke_at = td_now();
	mark(s->tag);
}

static void
test_sleep_order(void)
{
	struct sleeper s[4] = {
		{ .deadline = 30 * MS, .tag = '3' },
		{ .deadline = 10 * MS, .tag = '1' },
		{ .deadline = 20 * MS, .tag = '2' },
		{ .deadline = 20 * MS, .tag = 'b' },	/* same: FIFO */
	};
	struct td_thread *t[4];
	uint64_t t0 = fake_now;
	int i, nb = fake_nblock;

	reset_trace();
	for (i = 0; i < 4; i++) {
		s[i].deadline += t0;
		t[i] = td_thread_create("sleeper", sleeper, &s[i], 0,
		    TD_THREAD_JOINABLE);
	}
	for (i = 0; i < 4; i++)
		td_thread_join(t[i]);
	CHECK(strcmp(trace, "12b3") == 0);
	for (i = 0; i < 4; i++) {
		CHECK(s[i].ret == 0);
		CHECK(s[i].woke_at == s[i].deadline);
	}
	CHECK(fake_now == t0 + 30 * MS);
	CHECK(fake_nblock - nb == 3);	/* one halt per distinct deadline */
}

static void
test_sleep_past_and_ns(void)
{
	uint64_t t0 = fake_now;

	CHECK(td_sleep_until(0) == 0);
	CHECK(fake_now == t0);
	CHECK(td_sleep_ns(5 * MS) == 0);
	CHECK(fake_now == t0 + 5 * MS);
	CHECK(td_wall_ns() == td_plat.wall_base_ns + (int64_t)fake_now);
}

static void
test_wake_early(void)
{
	struct sleeper s = { .deadline = fake_now + 1000 * MS, .tag = 'w' };
	struct td_thread *t;
	uint64_t t0 = fake_now;

	reset_trace();
	t = td_thread_create("sleeper", sleeper, &s, 0, TD_THREAD_JOINABLE);
	td_yield();			/* it goes to sleep */
	CHECK(ntrace == 0);
	td_thread_wake(t);
	td_thread_join(t);
	CHECK(s.ret == 1 && s.woke_at == t0 && fake_now == t0);
	CHECK(strcmp(trace, "w") == 0);
}

static void
test_block_semantics(void)
{
	struct td_thread *self = td_thread_self();
	uint64_t t0 = fake_now;

	/* a wake between prepare and block is not lost */
	td_thread_prepare_block();
	td_thread_wake(self);
	CHECK(td_thread_block(UINT64_MAX) == 0);
	/* prepare forgets a stale wake */
	td_thread_wake(self);
	td_thread_prepare_block();
	CHECK(td_thread_block(t0 + 7 * MS) == 1);
	CHECK(fake_now == t0 + 7 * MS);
	/* a deadline already past times out at once */
	td_thread_prepare_block();
	CHECK(td_thread_block(t0) == 1);
	CHECK(fake_now == t0 + 7 * MS);
}

/* ---- a fake interrupt, delivered while idle halts ---------------- */

static struct td_thread *irq_target;
static int irq_fired;

static void
irq_in_block(uint64_t deadline)
{
	CHECK(deadline == UINT64_MAX);
	fake_now += 3 * MS;		/* "the device took 3 ms" */
	irq_fired++;
	td_thread_wake(irq_target);
}

static void
test_wake_from_idle_irq(void)
{
	uint64_t t0 = fake_now;

	irq_target = td_thread_self();
	fake_block_hook = irq_in_block;
	td_thread_prepare_block();
	CHECK(td_thread_block(UINT64_MAX) == 0);
	fake_block_hook = NULL;
	CHECK(irq_fired == 1 && fake_now == t0 + 3 * MS);
	CHECK(!fake_masked);
}

static void
specific(void *arg)
{
	CHECK(td_thread_getspecific() == NULL);
	td_thread_setspecific(arg);
	td_yield();
	CHECK(td_thread_getspecific() == arg);
}

static void
test_specific(void)
{
	struct td_thread *a, *b;
	int x, y;

	td_thread_setspecific(&x);
	a = td_thread_create("a", specific, &x, 0, TD_THREAD_JOINABLE);
	b = td_thread_create("b", specific, &y, 0, TD_THREAD_JOINABLE);
	td_thread_join(a);
	td_thread_join(b);
	CHECK(td_thread_getspecific() == &x);
	td_thread_setspecific(NULL);
}

/* ---- stress: many threads yielding, sleeping and waking ----------- */

static int stress_done;

static void
stresser(void *arg)
{
	uintptr_t seed = (uintptr_t)arg;
	int i;
	char big[2000];

	for (i = 0; i < 20; i++) {
		seed = seed * 1103515245 + 12345;
		memset(big, (int)seed, sizeof(big));
		switch ((seed >> 16) % 3) {
		case 0:
			td_yield();
			break;
		case 1:
			td_sleep_ns((seed >> 8) % (5 * MS));
			break;
		default:
			td_thread_prepare_block();
			td_thread_block(td_now() + (seed >> 4) % MS);
			break;
		}
		CHECK(big[1999] == (char)seed);
	}
	stress_done++;
}

static void
test_stress(void)
{
	enum { N = 150 };
	struct td_thread *t[N];
	size_t inuse = td_heap_inuse();
	int i;

	stress_done = 0;
	for (i = 0; i < N; i++)
		t[i] = td_thread_create("stress", stresser,
		    (void *)(uintptr_t)(i + 1), 16384,
		    i % 2 ? TD_THREAD_JOINABLE : 0);
	for (i = 1; i < N; i += 2)
		CHECK(td_thread_join(t[i]) == 0);
	while (td_thread_count() > 1)
		td_sleep_ns(MS);
	td_yield();			/* let the last exits be reaped */
	CHECK(stress_done == N);
	CHECK(td_heap_inuse() == inuse);
}

static void
test_create_fails_cleanly(void)
{
	CHECK(td_thread_create("huge", nop, NULL, (size_t)1 << 40, 0) ==
	    NULL);
}

/* ---- last: the canary (its panic ends the process) ----------------- */

static void
smasher(void *arg)
{
	/* a 64 KiB stack is a run of 17 pages (guard page first) taken
	 * from a 128 KiB aligned block: find the bottom above the guard */
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	volatile uint64_t *bottom;

	__asm__("" : "+r"(sp));		/* hide the provenance from gcc */
	bottom = (volatile uint64_t *)((sp & ~(uintptr_t)0x1ffff) + 0x1000);

	bottom[3] = 0;
	td_yield();
	mark('!');			/* not reached */
}

static void
canary_exit(int status)
{
	int ok = status == 255 &&
	    fake_cons_has("tandem: panic: stack overflow in thread \"smasher\"") &&
	    fake_cons_has("threads:") && fake_cons_has("* smasher");

	printf("%s test_canary\n", ok ? "PASS" : "FAIL");
	if (!ok)
		printf("%s", fake_cons);
	fflush(stdout);
	_exit(ok ? t_done() : 1);
}

static void
test_canary(void)
{
	fake_cons_clear();
	fake_exit_hook = canary_exit;
	td_thread_create("smasher", smasher, NULL, 0, 0);
	td_yield();
	printf("FAIL test_canary (no panic)\n");
	fflush(stdout);
}

static void
driver(void *arg)
{
	RUN(test_yield_order);
	RUN(test_join_rules);
	RUN(test_names);
	RUN(test_sleep_order);
	RUN(test_sleep_past_and_ns);
	RUN(test_wake_early);
	RUN(test_block_semantics);
	RUN(test_wake_from_idle_irq);
	RUN(test_specific);
	RUN(test_stress);
	RUN(test_create_fails_cleanly);
	test_canary();
	_exit(1);
}

int
main(void)
{
	fake_init("", 64UL << 20);
	page_init(td_plat.ram, td_plat.nram);
	heap_init();
	sched_init();
	td_thread_create("driver", driver, NULL, 256 * 1024, 0);
	sched_idle();
}
