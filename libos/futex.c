/*
 * futex.c -- futex(2): wait queues keyed by address.
 *
 * One address space: private and shared futexes are the same thing, and
 * the key is the address itself.  A waiter sits in the bucket of its
 * address with its own wait queue; a wake takes it off the bucket, marks
 * it and wakes its queue, so "how many were woken" is exact and a
 * requeue only moves entries between buckets.  Threads are cooperative
 * on one CPU: nothing runs between the check of *uaddr and the waiter
 * going onto its bucket, which is the atomicity futex promises.
 */
#include "lo.h"
#include <tandem/core.h>
#include <linux/futex.h>
#include <linux/time_types.h>

#define NBUCKET_LOG2	6
#define NBUCKET		(1 << NBUCKET_LOG2)

struct fbucket {
	struct fwaiter	*head, *tail;
};

struct fwaiter {
	struct fwaiter	*next, *prev;
	int		*uaddr;
	struct fbucket	*b;		/* its bucket */
	uint32_t	 bitset;
	int		 woken;		/* by a futex wake: off the bucket */
	int		 poked;		/* its thread was made runnable */
	struct td_thread *thread;
	struct lo_waiter kick;		/* td->waiting: a signal's wake */
	/* the call as made, for its restart after a signal */
	int		 val;
	int		 op;		/* FUTEX_WAIT, or _BITSET[|_REALTIME] */
	const struct __kernel_timespec *ts;
	uint64_t	 dl;		/* absolute monotonic, or UINT64_MAX */
};

static struct fbucket buckets[NBUCKET];

/* Fibonacci hashing: the top bits of a multiple by 2^64 / phi mix
 * every bit of the address, in three instructions. */
LO_INLINE struct fbucket *
bucket(int *uaddr)
{

	return &buckets[((uint64_t)(uintptr_t)uaddr *
	    0x9e3779b97f4a7c15ULL) >> (64 - NBUCKET_LOG2)];
}

/* At the tail: wakes go in arrival order. */
LO_INLINE void
fw_insert(struct fwaiter *w)
{
	struct fbucket *b = bucket(w->uaddr);

	w->b = b;
	w->next = NULL;
	w->prev = b->tail;
	if (b->tail != NULL)
		b->tail->next = w;
	else
		b->head = w;
	b->tail = w;
}

LO_INLINE void
fw_remove(struct fwaiter *w)
{
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		w->b->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		w->b->tail = w->prev;
}

/* Makes the waiter's thread runnable, once per wait (a second wake of
 * the same wait would leave a stale wake flag on its thread). */
LO_INLINE void
fw_poke(struct fwaiter *w)
{

	if (w->poked)
		return;
	w->poked = 1;
	td_thread_wake(w->thread);
}

/* lo_wait_kick's way in: a signal arrived for the waiting thread. */
static void
fw_kick(struct lo_waiter *k, int events)
{

	fw_poke((struct fwaiter *)((char *)k - offsetof(struct fwaiter,
	    kick)));
}

/* Takes w off its bucket as woken and makes its thread runnable. */
LO_INLINE void
fw_wake(struct fwaiter *w)
{

	fw_remove(w);
	w->woken = 1;
	fw_poke(w);
}

/* The first waiter of uaddr that bitset wakes, from w on; NULL: none. */
LO_INLINE struct fwaiter *
fw_find(struct fwaiter *w, int *uaddr, uint32_t bitset)
{

	while (w != NULL && (w->uaddr != uaddr || !(w->bitset & bitset)))
		w = w->next;
	return w;
}

/* Wakes w, the first of up to n (> 1) waiters; returns how many. */
static long __attribute__((noinline))
futex_wake_n(struct fwaiter *w, int *uaddr, int n, uint32_t bitset)
{
	struct fwaiter *next;
	int k = 0;

	for (; w != NULL && k < n; w = fw_find(next, uaddr, bitset)) {
		next = w->next;
		fw_wake(w);
		k++;
	}
	return k;
}

/* As lo_futex_wake, returning the long a system call does: the
 * common FUTEX_WAKE is then a tail call from sys_futex.  One waiter
 * (a lock's or a condition's hand-over) in a small frame. */
static long
futex_wake(int *uaddr, int n, uint32_t bitset)
{
	struct fwaiter *w = fw_find(bucket(uaddr)->head, uaddr, bitset);

	if (w == NULL || n <= 0)
		return 0;
	if (n != 1)
		return futex_wake_n(w, uaddr, n, bitset);
	fw_wake(w);
	return 1;
}

int
lo_futex_wake(int *uaddr, int n, uint32_t bitset)
{

	return (int)futex_wake(uaddr, n, bitset);
}

/* Moves up to n waiters of uaddr to uaddr2; returns how many. */
static int
requeue(int *uaddr, int *uaddr2, int n)
{
	struct fwaiter *w, *next;
	int k = 0;

	for (w = bucket(uaddr)->head; w != NULL && k < n; w = next) {
		next = w->next;
		if (w->uaddr != uaddr)
			continue;
		fw_remove(w);
		w->uaddr = uaddr2;
		fw_insert(w);
		k++;
	}
	return k;
}

/* A timespec to an absolute monotonic deadline; op says how to read it
 * (FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute, on the wall clock
 * with FUTEX_CLOCK_REALTIME). */
static int __attribute__((noinline))
deadline_of(const struct __kernel_timespec *ts, int op, uint64_t *dl)
{
	uint64_t now, ns;
	int64_t sec;
	long nsec;

	now = lo_now();
	if (LO_BADPTR(ts))
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > UINT64_MAX / 1000000000ULL / 2)
		ns = UINT64_MAX / 2;
	else
		ns = (uint64_t)ts->tv_sec * 1000000000ULL +
		    (uint64_t)ts->tv_nsec;
	if ((op & FUTEX_CMD_MASK) == FUTEX_WAIT) {
		*dl = now + ns;
		return 0;
	}
	if (op & FUTEX_CLOCK_REALTIME) {	/* the wall clock's distance */
		rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
		uint64_t w = (uint64_t)sec * 1000000000ULL + (uint64_t)nsec;
		*dl = ns > w ? now + (ns - w) : now;
		return 0;
	}
	*dl = ns;
	return 0;
}

/* An interrupted wait keeps its call for a restart (lo_syscall_intr). */
LO_COLD static long
wait_intr(const struct fwaiter *w)
{

	return lo_syscall_intr(__NR_futex, (long)w->uaddr, w->op, w->val,
	    (long)w->ts, 0, (long)w->bitset);
}

/*
 * The wait blocks in core itself rather than through lo_wait(): the
 * waiter already is the queue entry a wake finds, and its thread is
 * woken directly (about a third of a futex round trip went to the
 * generic queue).  op is FUTEX_WAIT or FUTEX_WAIT_BITSET, maybe with
 * FUTEX_CLOCK_REALTIME; the waiter keeps the call for a restart.
 */
static long __attribute__((noinline))
futex_wait(int *uaddr, int val, const struct __kernel_timespec *ts, int op,
    uint32_t bitset)
{
	struct lo_thread *td;
	struct fwaiter w;
	int rv;

	if (bitset == 0)
		return -EINVAL;
	/* the call goes into the waiter first: nothing to keep in
	 * registers across the calls below */
	w.uaddr = uaddr;
	w.bitset = bitset;
	w.val = val;
	w.op = op;
	w.ts = ts;
	w.dl = UINT64_MAX;	/* no clock read for the usual wait */
	if (ts != NULL && (rv = deadline_of(ts, op, &w.dl)) != 0)
		return rv;
	if (*(volatile int *)w.uaddr != w.val)
		return -EAGAIN;
	td = lo_curthread_hot();
	w.woken = 0;
	w.poked = 0;
	w.thread = td->core;
	w.kick.fn = fw_kick;
	fw_insert(&w);
	td->waiting = &w.kick;
	rv = lo_block(td, &w.woken, w.dl);
	td->waiting = NULL;
	if (w.woken)
		return 0;	/* a wake that raced a timeout or signal wins */
	fw_remove(&w);
	return rv == -EINTR ? wait_intr(&w) : rv;
}

/* FUTEX_WAKE_OP: *uaddr2 op= oparg, wake on uaddr, and on uaddr2 too if
 * the old value compares as told. */
static long
futex_wake_op(int *uaddr, int n, int n2, int *uaddr2, uint32_t code)
{
	int op = (code >> 28) & 0xf, cmp = (code >> 24) & 0xf;
	int oparg = (int)(code << 8) >> 20, cmparg = (int)(code << 20) >> 20;
	int old, k, hit;

	if (LO_BADPTR(uaddr2))
		return -EFAULT;
	if (op & FUTEX_OP_OPARG_SHIFT) {
		if (oparg < 0 || oparg > 31)
			return -EINVAL;
		oparg = 1 << oparg;
	}
	old = *uaddr2;
	switch (op & 7) {
	case FUTEX_OP_SET:	*uaddr2 = oparg;	break;
	case FUTEX_OP_ADD:	*uaddr2 = old + oparg;	break;
	case FUTEX_OP_OR:	*uaddr2 = old | oparg;	break;
	case FUTEX_OP_ANDN:	*uaddr2 = old & ~oparg;	break;
	case FUTEX_OP_XOR:	*uaddr2 = old ^ oparg;	break;
	default:		return -ENOSYS;
	}
	switch (cmp) {
	case FUTEX_OP_CMP_EQ:	hit = old == cmparg;	break;
	case FUTEX_OP_CMP_NE:	hit = old != cmparg;	break;
	case FUTEX_OP_CMP_LT:	hit = old < cmparg;	break;
	case FUTEX_OP_CMP_LE:	hit = old <= cmparg;	break;
	case FUTEX_OP_CMP_GT:	hit = old > cmparg;	break;
	case FUTEX_OP_CMP_GE:	hit = old >= cmparg;	break;
	default:		return -ENOSYS;
	}
	k = lo_futex_wake(uaddr, n, FUTEX_BITSET_MATCH_ANY);
	if (hit)
		k += lo_futex_wake(uaddr2, n2, FUTEX_BITSET_MATCH_ANY);
	return k;
}

static long __attribute__((noinline))
futex_cmd(long a, long op, long val, long ts, long a2, long val3)
{
	int *uaddr = (int *)a, *uaddr2 = (int *)a2;
	int cmd = (int)op & FUTEX_CMD_MASK;
	int rt = (op & FUTEX_CLOCK_REALTIME) != 0;
	int n;

	if (LO_BADPTR(uaddr) || ((uintptr_t)uaddr & 3) != 0)
		return LO_BADPTR(uaddr) ? -EFAULT : -EINVAL;
	if (rt && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, (int)val, (const void *)ts,
		    FUTEX_WAIT, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, (int)val, (const void *)ts,
		    FUTEX_WAIT_BITSET | (rt ? FUTEX_CLOCK_REALTIME : 0),
		    (uint32_t)val3);
	case FUTEX_WAKE:
		return lo_futex_wake(uaddr, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		if ((uint32_t)val3 == 0)
			return -EINVAL;
		return lo_futex_wake(uaddr, (int)val, (uint32_t)val3);
	case FUTEX_CMP_REQUEUE:
		if (*(volatile int *)uaddr != (int)val3)
			return -EAGAIN;
		/* FALLTHROUGH */
	case FUTEX_REQUEUE:
		/* the 4th argument is a count here, not a timeout */
		if ((int)val < 0 || (int)ts < 0)
			return -EINVAL;
		if (LO_BADPTR(uaddr2))
			return -EFAULT;
		n = lo_futex_wake(uaddr, (int)val, FUTEX_BITSET_MATCH_ANY);
		if (uaddr2 == uaddr)
			return n;
		return n + requeue(uaddr, uaddr2, (int)ts);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, (int)val, (int)ts, uaddr2,
		    (uint32_t)val3);
	default:		/* PI futexes: no priorities here */
		return -ENOSYS;
	}
}

/*
 * What musl's locks and condition variables use is decoded first, in a
 * frame-less function that tail-calls the wake or the wait; the rest,
 * with every check, is futex_cmd's.
 */
static long
sys_futex(long a, long op, long val, long ts, long a2, long val3)
{
	int *uaddr = (int *)a;

	if (__builtin_expect(!LO_BADPTR(uaddr) && ((uintptr_t)uaddr & 3) == 0,
	    1)) {
		if ((op & ~(long)FUTEX_PRIVATE_FLAG) == FUTEX_WAKE)
			return futex_wake(uaddr, (int)val,
			    FUTEX_BITSET_MATCH_ANY);
		if ((op & ~(long)FUTEX_PRIVATE_FLAG) == FUTEX_WAIT)
			return futex_wait(uaddr, (int)val, (const void *)ts,
			    FUTEX_WAIT, FUTEX_BITSET_MATCH_ANY);
	}
	return futex_cmd(a, op, val, ts, a2, val3);
}

/* The robust list is walked by the kernel when a thread dies holding a
 * robust mutex.  Threads here die only through musl's own exit, which
 * walks it itself; the head is only kept to be given back. */
static long
sys_set_robust_list(long head, long len)
{

	if (len != 24)		/* sizeof(struct robust_list_head) */
		return -EINVAL;
	lo_curthread()->robust = (uintptr_t)head;
	return 0;
}

static long
sys_get_robust_list(long pid, long headp, long lenp)
{

	struct lo_thread *td;

	for (td = lo_threads; td != NULL; td = td->next)
		if (td->tid == (pid != 0 ? pid : lo_curthread()->tid))
			break;
	if (td == NULL)
		return -ESRCH;
	if (LO_BADPTR(headp) || LO_BADPTR(lenp))
		return -EFAULT;
	*(long *)headp = (long)td->robust;
	*(long *)lenp = 24;
	return 0;
}

LO_SYSCALL(futex, sys_futex);
LO_SYSCALL(set_robust_list, sys_set_robust_list);
LO_SYSCALL(get_robust_list, sys_get_robust_list);
