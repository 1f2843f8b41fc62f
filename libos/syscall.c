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

extern const struct lo_sysent *const __start_link_set_libos_sys[];
extern const struct lo_sysent *const __stop_link_set_libos_sys[];

static lo_sysfn		 systab[LO_NSYS];
static int		 trace_nosys;	/* command line: libos.strace=1 */
static uint32_t		 unimpl[LO_NSYS + 1];	/* last: out of range */
volatile int		 lo_sigflag;		/* see signal.c */
static lo_sysfn		 rsystab[LO_NSYS];	/* SA_RESTART's (signal.c) */
static long		 oor_nr;	/* the out-of-range number, -1: several */

void
lo_syscall_init(void)
{
	const struct lo_sysent *const *e;
	char num[8];

	for (e = __start_link_set_libos_sys; e < __stop_link_set_libos_sys;
	    e++) {
		if ((*e)->nr < 0 || (*e)->nr >= LO_NSYS)
			lo_panic("libos: syscall %s has number %d",
			    (*e)->name, (*e)->nr);
		if (systab[(*e)->nr] != NULL)
			lo_panic("libos: syscall %s registered twice",
			    (*e)->name);
		systab[(*e)->nr] = (*e)->fn;
	}
	/* calls SA_RESTART restarts leave the fast table for the slow one */
	for (int i = 0; i < LO_NSYS; i++)
		if (systab[i] != NULL && lo_signal_restart_nr(i)) {
			rsystab[i] = systab[i];
			systab[i] = NULL;
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
 * the arguments, and unknown numbers.  A sibling call from
 * __tandem_syscall, so the return address is where it was.
 */
static long __attribute__((noinline))
syscall_slow(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	lo_sysfn fn;
	long rv;

	if ((unsigned long)n >= LO_NSYS || (fn = rsystab[n]) == NULL)
		return nosys(n);
	do
		rv = fn(a1, a2, a3, a4, a5, a6);
	while (__builtin_expect(lo_sigflag, 0) &&
	    lo_signal_deliver_at((uintptr_t *)__builtin_frame_address(0) + 1)
	    && rv == -EINTR && lo_signal_restart(n));
	return rv;
}

/* The hot path: a bounds check, a load, an indirect call; signals are
 * looked at only when one is pending (one load of a flag). */
long
__tandem_syscall(long n, long a1, long a2, long a3, long a4, long a5,
    long a6)
{
	lo_sysfn fn;
	long rv;

	if ((unsigned long)n >= LO_NSYS || (fn = systab[n]) == NULL)
		return syscall_slow(n, a1, a2, a3, a4, a5, a6);
	rv = fn(a1, a2, a3, a4, a5, a6);
	if (__builtin_expect(lo_sigflag, 0))
		lo_signal_deliver_at((uintptr_t *)__builtin_frame_address(0) +
		    1);
	return rv;
}

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
void
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
