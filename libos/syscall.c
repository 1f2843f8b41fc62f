/*
 * syscall.c -- the one entry from apps: __tandem_syscall(), a table
 * lookup and a call.  The table is filled once from the link set every
 * libos file adds its calls to (LO_SYSCALL), so a file brings its calls
 * along and nothing else needs editing.
 *
 * Unknown numbers return -ENOSYS, never crash, and are counted; the
 * report at exit names each with its count.
 */
#include "lo.h"
#include "sysnames.h"		/* generated from <asm/unistd_64.h> */

#define LO_STR_(x)	#x
#define LO_STR(x)	LO_STR_(x)

extern const struct lo_sysent *const __start_link_set_libos_sys[];
extern const struct lo_sysent *const __stop_link_set_libos_sys[];

/* The fast table: a call's handler, or lo_sys_slow (the entry's way to
 * the slow paths below) for every other number. */
static lo_sysfn		 systab[LO_NSYS] __attribute__((used));	/* asm */
extern long		 lo_sys_slow(long, long, long, long, long, long);
static int		 trace_nosys;	/* command line: libos.strace=1 */
static uint32_t		 unimpl[LO_NSYS + 1];	/* last: out of range */
volatile int		 lo_sigflag;		/* see signal.c */
static lo_sysfn		 rsystab[LO_NSYS] __attribute__((used));	/* SA_RESTART's (signal.c); asm */
static long		 oor_nr;	/* the out-of-range number, -1: several */

LO_COLD void
lo_syscall_init(void)
{
	const struct lo_sysent *const *e;
	char num[8];

	for (int i = 0; i < LO_NSYS; i++)
		systab[i] = lo_sys_slow;
	for (e = __start_link_set_libos_sys; e < __stop_link_set_libos_sys;
	    e++) {
		if ((*e)->nr < 0 || (*e)->nr >= LO_NSYS)
			lo_panic("libos: syscall %s has number %d",
			    (*e)->name, (*e)->nr);
		if (systab[(*e)->nr] != lo_sys_slow)
			lo_panic("libos: syscall %s registered twice",
			    (*e)->name);
		systab[(*e)->nr] = (*e)->fn;
	}
	/* calls SA_RESTART restarts leave the fast table for the slow one,
	 * but those that keep their arguments themselves when interrupted
	 * (lo_syscall_intr): read, write, futex */
	for (int i = 0; i < LO_NSYS; i++)
		if (systab[i] != NULL && lo_signal_restart_nr(i) &&
		    i != __NR_read && i != __NR_write && i != __NR_futex) {
			rsystab[i] = systab[i];
			systab[i] = lo_sys_slow;
		}
	if (rumpuser_getparam("libos.strace", num, sizeof(num)) == 0 &&
	    num[0] == '1')
		trace_nosys = 1;
}


static long __attribute__((noinline))
nosys(long n)
{
	char num[24];

	unimpl[(unsigned long)n < LO_NSYS ? n : LO_NSYS]++;
	if ((unsigned long)n >= LO_NSYS) {	/* name it if it is only one */
		if (unimpl[LO_NSYS] == 1)
			oor_nr = n;
		else if (oor_nr != n)
			oor_nr = -1;
	}
	if (trace_nosys)
		lo_printf("tandem: libos: unimplemented syscall %s\n",
		    lo_utoa(num, (uint64_t)n, 10));
	return -ENOSYS;
}

/*
 * What the fast table does not have: calls that SA_RESTART restarts
 * after a handler interrupted them (the slow ones), in a loop that keeps
 * the arguments, and unknown numbers.  retslot is where the app's return
 * address is (a handler may change it through its ucontext's RIP, as
 * musl's cancellation does).
 */
long	lo_syscall_slow(long, long, long, long, long, long, long,
	    uintptr_t *);

long
lo_syscall_slow(long a1, long a2, long a3, long a4, long a5, long a6,
    long n, uintptr_t *retslot)
{
	lo_sysfn fn;
	long rv;

	if ((unsigned long)n >= LO_NSYS || (fn = rsystab[n]) == NULL)
		return nosys(n);
	do
		rv = fn(a1, a2, a3, a4, a5, a6);
	while (__builtin_expect(lo_sigflag, 0) &&
	    lo_signal_deliver_at(retslot) && rv == -EINTR &&
	    lo_signal_restart(n));
	return rv;
}

/*
 * The end of a restartable call when a signal is pending: fr holds n
 * and the six arguments as the app passed them, so a call SA_RESTART
 * restarts is made again with them.  retslot is where the app's return
 * address is.  A call of the fast table asks for its own restart by
 * -LO_ERESTART (lo_syscall_intr), which is -EINTR to everyone else.
 */
long	lo_syscall_restart(long, const long *, uintptr_t *);

long
lo_syscall_restart(long rv, const long *fr, uintptr_t *retslot)
{
	lo_sysfn fn;

	while (lo_sigflag && lo_signal_deliver_at(retslot) && rv == -EINTR &&
	    lo_signal_restart(fr[0])) {
		fn = rsystab[fr[0]] != NULL ? rsystab[fr[0]] : systab[fr[0]];
		rv = fn(fr[1], fr[2], fr[3], fr[4], fr[5], fr[6]);
		if (rv == -LO_ERESTART)
			rv = -EINTR;
	}
	return rv;
}

/* The thread's interrupted call, kept by lo_syscall_intr. */
LO_COLD long
lo_syscall_intr(long n, long a1, long a2, long a3, long a4, long a5,
    long a6)
{
	long *rs = lo_curthread()->rs;

	rs[0] = n;
	rs[1] = a1;
	rs[2] = a2;
	rs[3] = a3;
	rs[4] = a4;
	rs[5] = a5;
	rs[6] = a6;
	lo_sigflag = 1;		/* the entry's end comes (path 2 below) */
	return -LO_ERESTART;
}

/*
 * The end of a call of the fast table (path 2 below) when a signal is
 * pending: handlers run, and a call that said -LO_ERESTART becomes
 * -EINTR or, when SA_RESTART says so, runs again.  Its arguments are
 * copied first: a handler's own calls may keep theirs in their place.
 */
long	lo_syscall_end(long, uintptr_t *);

long
lo_syscall_end(long rv, uintptr_t *retslot)
{
	long fr[7];

	if (rv != -LO_ERESTART) {
		lo_signal_deliver_at(retslot);
		return rv;
	}
	memcpy(fr, lo_curthread()->rs, sizeof(fr));
	return lo_syscall_restart(-EINTR, fr, retslot);
}

/*
 * The entries (libos.h), written out because the path is a handful of
 * instructions (getpid: 16 with the app's call) and must stay so: a
 * bounds check, an indirect call through the table, one load of the
 * pending-signal flag; no frame.  Numbers the fast table does not
 * have call lo_sys_slow there, which drops that call's frame and goes
 * on to the slow paths with n still in rax.
 *  - __tandem_syscall(n, a1..a6): moves the arguments one register
 *    down (a6 from the stack);
 *  - __tandem_syscallK(a1, .., aK, n) for K < 6 (musl's __syscall0..5)
 *    has the number after the arguments, so they already sit where the
 *    handler wants them and only n moves.  Unused registers carry
 *    garbage the handler never reads.
 * A signal pending after the call is delivered with the app's return
 * address slot, as is the slow path's.  Calls SA_RESTART restarts
 * (readv, ioctl, accept...) keep n and their arguments in a frame for
 * lo_syscall_restart, which only runs when a signal is pending: seven
 * pushes instead of a C loop around every such call.  read, write and
 * futex, the calls of every pipe and lock round trip, spare even those:
 * they stay in the fast table and keep their arguments only when a
 * signal interrupts them (lo_syscall_intr).
 * Every call made from here has the SysV 16-byte stack alignment: the
 * ext4 handlers (libext2fs, built by tandem-cc) keep SSE values on
 * their frames with aligned moves and fault otherwise (tests/fs guest).
 */
__asm__(
	".text\n"
	".globl __tandem_syscall\n"
	".globl __tandem_syscall0, __tandem_syscall1, __tandem_syscall2\n"
	".globl __tandem_syscall3, __tandem_syscall4, __tandem_syscall5\n"
	".globl lo_sys_slow\n"
	".type __tandem_syscall, @function\n"
	".type __tandem_syscall0, @function\n"
	".type __tandem_syscall1, @function\n"
	".type __tandem_syscall2, @function\n"
	".type __tandem_syscall3, @function\n"
	".type __tandem_syscall4, @function\n"
	".type __tandem_syscall5, @function\n"
	".type lo_sys_slow, @function\n"
	"__tandem_syscall:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	mov %r8, %rcx\n"
	"	mov %r9, %r8\n"
	"	mov 8(%rsp), %r9\n"
	"	jmp 1f\n"
	"__tandem_syscall5:\n"
	"	mov %r9, %rax\n"
	"	jmp 1f\n"
	"__tandem_syscall4:\n"
	"	mov %r8, %rax\n"
	"	jmp 1f\n"
	"__tandem_syscall3:\n"
	"	mov %rcx, %rax\n"
	"	jmp 1f\n"
	"__tandem_syscall2:\n"
	"	mov %rdx, %rax\n"
	"	jmp 1f\n"
	"__tandem_syscall1:\n"
	"	mov %rsi, %rax\n"
	"	jmp 1f\n"
	"__tandem_syscall0:\n"
	"	mov %rdi, %rax\n"
	"1:	cmp $" LO_STR(LO_NSYS) ", %rax\n"
	"	jae 5f\n"
	"	sub $8, %rsp\n"		/* the handler's stack aligned */
	"	call *systab(,%rax,8)\n"
	"	cmpl $0, lo_sigflag(%rip)\n"
	"	jne 2f\n"
	"	add $8, %rsp\n"
	"	ret\n"
	"2:	mov %rax, %rdi\n"		/* the result */
	"	lea 8(%rsp), %rsi\n"		/* where the app's RIP is */
	"	call lo_syscall_end\n"
	"	add $8, %rsp\n"
	"	ret\n"
	"lo_sys_slow:\n"			/* systab's other numbers: n in rax */
	"	add $16, %rsp\n"		/* the entry's frame again */
	"	mov rsystab(,%rax,8), %r10\n"
	"	test %r10, %r10\n"
	"	jz 5f\n"
	"	push %r9\n"			/* the frame: a6 .. a1, n */
	"	push %r8\n"
	"	push %rcx\n"
	"	push %rdx\n"
	"	push %rsi\n"
	"	push %rdi\n"
	"	push %rax\n"			/* and aligned for the call */
	"	call *%r10\n"
	"	cmpl $0, lo_sigflag(%rip)\n"
	"	jne 4f\n"
	"	add $56, %rsp\n"
	"	ret\n"
	"4:	mov %rax, %rdi\n"		/* the result */
	"	mov %rsp, %rsi\n"		/* n, a1 .. a6 */
	"	lea 56(%rsp), %rdx\n"		/* where the app's RIP is */
	"	call lo_syscall_restart\n"
	"	add $56, %rsp\n"
	"	ret\n"
	"5:	mov %rsp, %r10\n"		/* where the app's RIP is */
	"	sub $8, %rsp\n"		/* the handler's stack aligned */
	"	push %r10\n"			/* lo_syscall_slow's 8th */
	"	push %rax\n"			/* and 7th argument: n */
	"	call lo_syscall_slow\n"
	"	add $24, %rsp\n"
	"	ret\n"
	".size __tandem_syscall, . - __tandem_syscall\n");

/* The name of call nr from the packed table, or NULL. */
static const char *
sysname(int nr)
{
	const char *p = lo_sysnames;
	int i;

	if (nr < 0 || nr >= LO_NSYSNAMES)
		return NULL;
	for (i = 0; i < nr; i++)
		p += strlen(p) + 1;
	return *p != '\0' ? p : NULL;
}

/* "tandem: unimplemented syscalls: name(nr) xCOUNT ..." or nothing. */
LO_COLD void
lo_syscall_report(void)
{
	char num[24];
	int i, any = 0;

	for (i = 0; i <= LO_NSYS; i++) {
		if (unimpl[i] == 0)
			continue;
		if (!any)
			lo_printf("tandem: unimplemented syscalls:");
		any = 1;
		if (i < LO_NSYS && sysname(i) != NULL)
			lo_printf(" %s(%d)", sysname(i), i);
		else if (i < LO_NSYS)
			lo_printf(" nr%d", i);
		else if (oor_nr >= 0)
			lo_printf(" nr%s", lo_utoa(num, (uint64_t)oor_nr, 10));
		else
			lo_printf(" out-of-range");
		lo_printf(" x%s", lo_utoa(num, unimpl[i], 10));
	}
	if (any)
		lo_printf("\n");
}
