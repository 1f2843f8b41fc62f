/*
 * Tandem's x86_64 system-call layer for musl (overlay; see
 * libos/musl/build-musl.sh).  A system call is a plain function call into
 * libos (include/tandem/libos.h): in a Xen PV guest the `syscall`
 * instruction is the hypercall instruction, and a trap would cost far
 * more than a call on every platform.  Arguments and return values keep
 * Linux's meaning (negative errno), so the rest of musl is unchanged.
 *
 * No VDSO_* macros: there is no vDSO; time goes through libos too.
 */
#define __SYSCALL_LL_E(x)	(x)
#define __SYSCALL_LL_O(x)	(x)

long	__tandem_syscall(long, long, long, long, long, long, long);

static __inline long
__syscall0(long n)
{
	return __tandem_syscall(n, 0, 0, 0, 0, 0, 0);
}

static __inline long
__syscall1(long n, long a)
{
	return __tandem_syscall(n, a, 0, 0, 0, 0, 0);
}

static __inline long
__syscall2(long n, long a, long b)
{
	return __tandem_syscall(n, a, b, 0, 0, 0, 0);
}

static __inline long
__syscall3(long n, long a, long b, long c)
{
	return __tandem_syscall(n, a, b, c, 0, 0, 0);
}

static __inline long
__syscall4(long n, long a, long b, long c, long d)
{
	return __tandem_syscall(n, a, b, c, d, 0, 0);
}

static __inline long
__syscall5(long n, long a, long b, long c, long d, long e)
{
	return __tandem_syscall(n, a, b, c, d, e, 0);
}

static __inline long
__syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	return __tandem_syscall(n, a, b, c, d, e, f);
}

#define IPC_64	0
