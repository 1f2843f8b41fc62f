/*
 * sched.c -- cooperative threads on one CPU.
 *
 * A thread runs until it yields, blocks, sleeps or exits.  The boot
 * context becomes the idle thread: it never sits on the run queue and
 * runs only when nothing else can, to expire sleepers and to halt in
 * td_plat.block() until the next interrupt or deadline.  Interrupt
 * handlers touch only the run and sleep queues, through
 * td_thread_wake(), so every queue change happens with interrupts
 * masked.
 */
#include "core_impl.h"
#include "sched_impl.h"

#include <tandem/arch.h>

#define STACK_MIN	(8 * 1024)
#define CANARY_WORDS	8
#define CANARY		0x5374616b43616e79ULL

static struct td_thread	 idle_thread;
static struct td_thread	*cur = &idle_thread;
static struct td_thread	*rq_head, *rq_tail;
static struct td_thread	*sq_head;		/* sorted by deadline */
struct td_thread	*sched_all_head;
static struct td_thread	*reap_list;
int			 sched_nthreads;
uint64_t		 sched_slice_tsc;	/* TSC when cur was switched to */

/* ---- queues (callers mask interrupts) ------------------------------ */

static void
rq_push(struct td_thread *t)
{
	t->state = TS_RUNNABLE;
	t->rq_next = NULL;
	if (rq_tail != NULL)
		rq_tail->rq_next = t;
	else
		rq_head = t;
	rq_tail = t;
}

static struct td_thread *
rq_pop(void)
{
	struct td_thread *t = rq_head;

	if (t != NULL) {
		rq_head = t->rq_next;
		if (rq_head == NULL)
			rq_tail = NULL;
	}
	return t;
}

/* Equal deadlines keep their arrival order. */
static void
sq_insert(struct td_thread *t)
{
	struct td_thread *p = NULL, *n = sq_head;

	while (n != NULL && n->deadline <= t->deadline) {
		p = n;
		n = n->sq_next;
	}
	t->sq_prev = p;
	t->sq_next = n;
	if (p != NULL)
		p->sq_next = t;
	else
		sq_head = t;
	if (n != NULL)
		n->sq_prev = t;
}

static void
sq_remove(struct td_thread *t)
{
	if (t->sq_prev != NULL)
		t->sq_prev->sq_next = t->sq_next;
	else
		sq_head = t->sq_next;
	if (t->sq_next != NULL)
		t->sq_next->sq_prev = t->sq_prev;
	t->sq_next = t->sq_prev = NULL;
	t->deadline = UINT64_MAX;
}

static void
expire_sleepers(void)
{
	struct td_thread *t;
	uint64_t now;

	if (sq_head == NULL)
		return;
	now = td_now();
	while ((t = sq_head) != NULL && t->deadline <= now) {
		sq_remove(t);
		t->woken = 0;
		rq_push(t);
	}
}

/* ---- switching ------------------------------------------------------ */

/* Every switch checks the outgoing stack's canary words where no guard
 * page lies below it (posix, or when no page table could be had): a
 * guard page already faults at the first word written past the end.
 * One branch over the OR of the words' differences, not one per word. */
static void
canary_scan(struct td_thread *t)
{
	const uint64_t *b = t->st.base;
	uint64_t d = 0;
	int i;

#pragma GCC unroll 8
	for (i = 0; i < CANARY_WORDS; i++)
		d |= b[i] ^ CANARY;
	if (d != 0)
		td_panic("stack overflow in thread \"%s\"", t->name);
}

static inline __attribute__((always_inline)) void
canary_check(struct td_thread *t)
{

	if (t->st.base != NULL && t->st.guard == 0)	/* not idle, no guard */
		canary_scan(t);
}

static void
thread_free(struct td_thread *t)
{
	if (t->all_prev != NULL)
		t->all_prev->all_next = t->all_next;
	else
		sched_all_head = t->all_next;
	if (t->all_next != NULL)
		t->all_next->all_prev = t->all_prev;
	stack_put(&t->st);
	td_free(t);
}

/* Frees the detached threads that exited: only now is no one running on
 * their stacks.  Inline: after nearly every switch there is nothing. */
static void reap_all(void);

static inline void
reap(void)
{

	if (__builtin_expect(reap_list != NULL, 0))
		reap_all();
}

static void
reap_all(void)
{
	struct td_thread *t;

	while ((t = reap_list) != NULL) {
		reap_list = t->reap_next;
		thread_free(t);
	}
}

/*
 * Gives the CPU to the next runnable thread, or to idle.  The caller has
 * masked interrupts and already put itself where it belongs (run queue,
 * sleep queue, nowhere).  Returns when the caller runs again.
 */
static uint64_t fsbase_loaded;		/* what the CPU has now */
static uintptr_t watch_loaded;		/* Xen PV: the watched stack word */

static void
load_fsbase(uint64_t base)
{

	if (td_plat.set_fsbase == NULL)
		td_panic("thread %s needs a TLS base; platform %s cannot "
		    "set one", cur->name, td_plat.name);
	td_plat.set_fsbase(base);
	fsbase_loaded = base;
}

void
td_thread_set_fsbase(uint64_t base)
{

	cur->fsbase = base;
	if (base != 0 && base != fsbase_loaded)
		load_fsbase(base);
}

void
td_thread_stack_bottom(uintptr_t bottom)
{
	uintptr_t w;

	if (td_plat.stack_watch == NULL || cur == &idle_thread)
		return;
	/* a core stack's own watch: the top word of the page under it
	 * (stack.c) */
	w = bottom != 0 ? bottom + TD_PAGE_SIZE - 8 : cur->st.base != NULL ?
	    (uintptr_t)cur->st.base - 8 : 0;
	cur->st.watch = w;
	if (w != 0 && w != watch_loaded) {
		td_plat.stack_watch(w);
		watch_loaded = w;
	}
}

uint64_t
td_thread_get_fsbase(void)
{

	return cur->fsbase;
}

static inline __attribute__((always_inline)) void
schedule_inline(void)
{
	struct td_thread *prev = cur, *next;
	uint64_t now;

	expire_sleepers();
	next = rq_pop();
	if (next == NULL)
		next = &idle_thread;
	if (next == prev) {
		prev->state = TS_RUNNING;
		return;
	}
	canary_check(prev);
	if (prev == &idle_thread)
		prev->state = TS_RUNNABLE;
	next->state = TS_RUNNING;
	cur = next;
	if (next->fsbase != 0 && next->fsbase != fsbase_loaded)
		load_fsbase(next->fsbase);
	/* idle (no watch) keeps the last one: it never writes there */
	if (next->st.watch != 0 && next->st.watch != watch_loaded) {
		td_plat.stack_watch(next->st.watch);
		watch_loaded = next->st.watch;
	}
	now = rdtsc();			/* CPU time: the slice that ends */
	prev->run_tsc += now - sched_slice_tsc;
	sched_slice_tsc = now;
	arch_switch(&prev->ctx, &next->ctx);
	reap();
}

/* td_thread_block, the switch of every wait, has it inline; yields,
 * exits and idle call it. */
static void __attribute__((noinline))
schedule(void)
{

	schedule_inline();
}

static void
thread_start(void *arg)
{
	struct td_thread *t = arg;

	reap();
	td_irq_restore(t->irqflags);
	t->fn(t->arg);
	td_thread_exit();
}

/* ---- threads -------------------------------------------------------- */

TD_COLD void
sched_init(void)
{
	td_irqflags_t fl = td_irq_save();

	memset(&idle_thread, 0, sizeof(idle_thread));
	strcpy(idle_thread.name, "idle");
	idle_thread.state = TS_RUNNING;
	idle_thread.deadline = UINT64_MAX;
	idle_thread.irqflags = fl;
	cur = &idle_thread;
	rq_head = rq_tail = sq_head = reap_list = NULL;
	sched_all_head = &idle_thread;
	sched_nthreads = 0;
	clock_tsc_init();
	sched_slice_tsc = rdtsc();
	td_irq_restore(fl);
}

struct td_thread *
td_thread_create(const char *name, td_thread_fn fn, void *arg,
    size_t stacksize, int flags)
{
	struct td_thread *t;
	td_irqflags_t fl;
	int i;

	if (stacksize == TD_STACK_DEFAULT)
		stacksize = STACK_DEFAULT;
	if (stacksize < STACK_MIN)
		stacksize = STACK_MIN;
	stacksize = (stacksize + TD_PAGE_SIZE - 1) & ~(TD_PAGE_SIZE - 1);
	if ((t = td_malloc_try(sizeof(*t))) == NULL)
		return NULL;
	memset(t, 0, sizeof(*t));
	if (stack_get(&t->st, stacksize) != 0) {
		td_free(t);
		return NULL;
	}
	for (i = 0; i < CANARY_WORDS; i++)
		t->st.base[i] = CANARY;
	if (name == NULL)
		name = "?";
	/* t is zeroed: no padding to write (strncpy's, byte by byte) */
	memcpy(t->name, name, strnlen(name, sizeof(t->name) - 1));
	t->fn = fn;
	t->arg = arg;
	t->flags = flags;
	t->deadline = UINT64_MAX;
	arch_ctx_init(&t->ctx, (char *)t->st.base + stacksize, thread_start,
	    t);

	fl = td_irq_save();
	t->irqflags = fl;
	t->all_next = sched_all_head;
	if (sched_all_head != NULL)
		sched_all_head->all_prev = t;
	sched_all_head = t;
	sched_nthreads++;
	rq_push(t);
	td_irq_restore(fl);
	return t;
}

void
td_thread_exit(void)
{
	struct td_thread *t = cur;

	if (t == &idle_thread)
		td_panic("td_thread_exit from the idle thread");
	(void)td_irq_save();
	t->state = TS_ZOMBIE;
	sched_nthreads--;
	if (t->flags & TD_THREAD_JOINABLE) {
		if (t->joiner != NULL)
			td_thread_wake(t->joiner);
	} else {
		t->reap_next = reap_list;
		reap_list = t;
	}
	schedule();
	td_panic("zombie thread \"%s\" ran again", t->name);
}

int
td_thread_join(struct td_thread *t)
{
	if (t == NULL || t == cur || !(t->flags & TD_THREAD_JOINABLE) ||
	    (t->joiner != NULL && t->joiner != cur))
		return -1;
	t->joiner = cur;
	while (t->state != TS_ZOMBIE) {
		td_thread_prepare_block();
		if (t->state == TS_ZOMBIE)
			break;
		td_thread_block(UINT64_MAX);
	}
	thread_free(t);
	return 0;
}

struct td_thread *
td_thread_self(void)
{
	return cur;
}

void *
td_thread_getspecific(void)
{
	return cur->specific;
}

void
td_thread_setspecific(void *p)
{
	cur->specific = p;
}

int *
td_thread_errno(void)
{
	return &cur->crt_errno;
}

/* ---- yielding, sleeping, blocking ----------------------------------- */

void
td_yield(void)
{
	td_irqflags_t fl;

	if (cur == &idle_thread)
		return;
	fl = td_irq_save();
	rq_push(cur);
	schedule();
	td_irq_restore(fl);
}

void
td_thread_prepare_block(void)
{
	td_irqflags_t fl = td_irq_save();

	cur->wake_pending = 0;
	td_irq_restore(fl);
}

/* td_thread_block with interrupts masked: 0 woken, 1 not.  `hot': the
 * switch inline (ring 0's path), else schedule's call. */
static inline __attribute__((always_inline)) int
block_masked(struct td_thread *t, uint64_t deadline, int hot)
{

	if (t->wake_pending) {
		t->wake_pending = 0;
		return 0;
	}
	if (deadline != UINT64_MAX && deadline <= td_now())
		return 1;
	t->state = TS_BLOCKED;
	t->woken = 0;
	t->deadline = deadline;
	if (deadline != UINT64_MAX)
		sq_insert(t);
	if (hot)
		schedule_inline();
	else
		schedule();
	return t->woken ? 0 : 1;
}

/* Not ring 0: irq.c's masking, out of td_thread_block's way. */
static int __attribute__((noinline))
block_calls(struct td_thread *t, uint64_t deadline)
{
	td_irqflags_t fl = td_irq_save();
	int r = block_masked(t, deadline, 0);

	td_irq_restore(fl);
	return r;
}

/* The masking is chosen once per call: ring 0's inline, else irq.c's
 * (testing arch_irq_mode again after the switch would reload it, as
 * stores through t may alias it). */
int
td_thread_block(uint64_t deadline)
{
	struct td_thread *t = cur;
	td_irqflags_t fl;
	int r;

	if (t == &idle_thread)
		td_panic("the idle thread cannot block");
	if (__builtin_expect(arch_irq_mode == ARCH_IRQ_CLI, 1)) {
		fl = arch_cli_save();
		r = block_masked(t, deadline, 1);
		if (fl & 0x200)
			arch_sti();
		return r;
	}
	return block_calls(t, deadline);
}

/* td_thread_wake with interrupts masked. */
static inline __attribute__((always_inline)) void
wake_masked(struct td_thread *t)
{

	switch (t->state) {
	case TS_BLOCKED:
		if (t->deadline != UINT64_MAX)
			sq_remove(t);
		t->woken = 1;
		rq_push(t);
		break;
	case TS_RUNNING:
	case TS_RUNNABLE:
		t->wake_pending = 1;
		break;
	default:
		break;
	}
}

static void __attribute__((noinline))
wake_calls(struct td_thread *t)
{
	td_irqflags_t fl = td_irq_save();

	wake_masked(t);
	td_irq_restore(fl);
}

/* Ring 0's masking inline: the usual wake is a leaf, without a frame. */
void
td_thread_wake(struct td_thread *t)
{
	td_irqflags_t fl;

	if (__builtin_expect(arch_irq_mode == ARCH_IRQ_CLI, 1)) {
		fl = arch_cli_save();
		wake_masked(t);
		if (fl & 0x200)
			arch_sti();
		return;
	}
	wake_calls(t);
}

/* ---- idle ----------------------------------------------------------- */

static uint64_t
next_deadline(void)
{
	return sq_head != NULL ? sq_head->deadline : UINT64_MAX;
}

void
sched_idle(void)
{
	td_irqflags_t fl;

	for (;;) {
		fl = td_irq_save();
		expire_sleepers();
		while (rq_head == NULL) {
			td_plat.block(next_deadline());
			expire_sleepers();
		}
		schedule();
		td_irq_restore(fl);
	}
}
