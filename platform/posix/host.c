/*
 * host.c -- platform posix: the only place that issues the `syscall`
 * instruction.  x86_64 Linux convention: number in rax, arguments in
 * rdi rsi rdx r10 r8 r9, result in rax (-4095..-1 = -errno); the
 * instruction clobbers rcx and r11.
 */
#include <asm/unistd.h>		/* __NR_* */
#include <asm/prctl.h>		/* ARCH_SET_FS */

#include <tandem/core.h>

#include "host.h"

static inline long
sc6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long rv;

	__asm__ volatile("syscall"
	    : "=a"(rv)
	    : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
	    : "rcx", "r11", "memory");
	return rv;
}

#define SC1(n, a)		sc6(n, (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b)		sc6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c)		sc6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d)	sc6(n, (long)(a), (long)(b), (long)(c), \
				    (long)(d), 0, 0)

long
host_read(int fd, void *buf, size_t len)
{

	return SC3(__NR_read, fd, buf, len);
}

long
host_write(int fd, const void *buf, size_t len)
{

	return SC3(__NR_write, fd, buf, len);
}

long
host_writev(int fd, const struct iovec *iov, int niov)
{

	return SC3(__NR_writev, fd, iov, niov);
}

long
host_pread(int fd, void *buf, size_t len, int64_t off)
{

	return SC4(__NR_pread64, fd, buf, len, off);
}

long
host_pwrite(int fd, const void *buf, size_t len, int64_t off)
{

	return SC4(__NR_pwrite64, fd, buf, len, off);
}

int
host_openat(int dirfd, const char *path, int flags, int mode)
{

	return (int)SC4(__NR_openat, dirfd, path, flags, mode);
}

int
host_close(int fd)
{

	return (int)SC1(__NR_close, fd);
}

int
host_fstat(int fd, struct stat *st)
{

	return (int)SC2(__NR_fstat, fd, st);
}

int64_t
host_lseek(int fd, int64_t off, int whence)
{

	return SC3(__NR_lseek, fd, off, whence);
}

int
host_ftruncate(int fd, int64_t len)
{

	return (int)SC2(__NR_ftruncate, fd, len);
}

int
host_fsync(int fd)
{

	return (int)SC1(__NR_fsync, fd);
}

int
host_fdatasync(int fd)
{

	return (int)SC1(__NR_fdatasync, fd);
}

int
host_ioctl(int fd, unsigned long req, void *arg)
{

	return (int)SC3(__NR_ioctl, fd, req, arg);
}

int
host_ppoll(struct pollfd *fds, unsigned nfds,
    const struct __kernel_timespec *ts)
{

	/* no sigmask: the kernel ignores sigsetsize then */
	return (int)sc6(__NR_ppoll, (long)fds, nfds, (long)ts, 0, 8, 0);
}

long
host_readlink(const char *path, char *buf, size_t len)
{

	return SC4(__NR_readlinkat, AT_FDCWD, path, buf, len);
}

void *
host_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{

	return (void *)sc6(__NR_mmap, (long)addr, (long)len, prot, flags, fd,
	    off);
}

int
host_munmap(void *addr, size_t len)
{

	return (int)SC2(__NR_munmap, addr, len);
}

int
host_clock_gettime(int clock, struct __kernel_timespec *ts)
{

	return (int)SC2(__NR_clock_gettime, clock, ts);
}

long
host_getrandom(void *buf, size_t len, unsigned flags)
{

	return SC3(__NR_getrandom, buf, len, flags);
}

int
host_arch_prctl(int code, uint64_t addr)
{

	return (int)SC2(__NR_arch_prctl, code, addr);
}

void
host_exit_group(int status)
{

	for (;;)
		(void)SC1(__NR_exit_group, status);
}

void
posix_set_fsbase(uint64_t base)
{
	int rv;

	/* A non-canonical base is the only way this fails (EPERM): a bug
	 * of the caller, and running on with the wrong TLS would corrupt
	 * some other thread's data. */
	if ((rv = host_arch_prctl(ARCH_SET_FS, base)) != 0)
		td_panic("posix: arch_prctl(ARCH_SET_FS, %#lx): %s",
		    (unsigned long)base, posix_strerror(rv));
}

void
posix_warn(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = td_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	(void)host_write(HOST_STDERR, buf, (size_t)n);
}

const char *
posix_strerror(int e)
{
	static char other[24];

	switch (-e) {
	case EPERM:	return "Operation not permitted";
	case ENOENT:	return "No such file or directory";
	case EIO:	return "Input/output error";
	case EBADF:	return "Bad file descriptor";
	case ENOMEM:	return "Out of memory";
	case EACCES:	return "Permission denied";
	case EBUSY:	return "Device or resource busy";
	case ENODEV:	return "No such device";
	case ENOTDIR:	return "Not a directory";
	case EISDIR:	return "Is a directory";
	case EINVAL:	return "Invalid argument";
	case ENOSPC:	return "No space left on device";
	case EROFS:	return "Read-only file system";
	case ENAMETOOLONG: return "File name too long";
	case ELOOP:	return "Too many levels of symbolic links";
	default:
		td_snprintf(other, sizeof(other), "error %d", -e);
		return other;
	}
}

/* For libos's hostfs in app mode (td_plat.host_syscall). */
long
host_syscall(long nr, long a, long b, long c, long d, long e, long f)
{

	return sc6(nr, a, b, c, d, e, f);
}
