/*
 * Tandem's x86_64 system-call layer for musl (overlay; see
 * libos/musl/build-musl.sh).  A system call is a plain function call into
 * libos (include/tandem/libos.h): in a Xen PV guest the `syscall`
 * instruction is the hypercall instruction, and a trap would cost far
 * more than a call on every platform.  Arguments and return values keep
 * Linux's meaning (negative errno), so the rest of musl is unchanged.
 *
 * clock_gettime goes through a vDSO, as on Linux: libos hands musl one
 * in AT_SYSINFO_EHDR (libos/vdso.c) whose function reads the clock
 * without the system-call dispatch; musl's own lookup finds it.
 */
#define VDSO_USEFUL
#define VDSO_CGT_SYM	"__vdso_clock_gettime"
#define VDSO_CGT_VER	"LINUX_2.6"
#define __SYSCALL_LL_E(x)	(x)
#define __SYSCALL_LL_O(x)	(x)

long	__tandem_syscall(long, long, long, long, long, long, long);
/* Fewer arguments, the number last (include/tandem/libos.h): the
 * arguments are already in the registers the handler reads them from,
 * and unused ones need no zeroing. */
long	__tandem_syscall0(long);
long	__tandem_syscall1(long, long);
long	__tandem_syscall2(long, long, long);
long	__tandem_syscall3(long, long, long, long);
long	__tandem_syscall4(long, long, long, long, long);
long	__tandem_syscall5(long, long, long, long, long, long);

static __inline long
__syscall0(long n)
{
	return __tandem_syscall0(n);
}

static __inline long
__syscall1(long n, long a)
{
	return __tandem_syscall1(a, n);
}

static __inline long
__syscall2(long n, long a, long b)
{
	return __tandem_syscall2(a, b, n);
}

static __inline long
__syscall3(long n, long a, long b, long c)
{
	return __tandem_syscall3(a, b, c, n);
}

static __inline long
__syscall4(long n, long a, long b, long c, long d)
{
	return __tandem_syscall4(a, b, c, d, n);
}

static __inline long
__syscall5(long n, long a, long b, long c, long d, long e)
{
	return __tandem_syscall5(a, b, c, d, e, n);
}

static __inline long
__syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	return __tandem_syscall(n, a, b, c, d, e, f);
}

#define IPC_64	0
