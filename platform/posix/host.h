/*
 * host.h -- private to platform/posix: the Linux system calls the
 * platform makes, as typed wrappers around the raw `syscall`
 * instruction (host.c is the only file that issues it).
 *
 * No C library is involved: in an app linked with tandem-cc, musl's
 * system calls are plain calls into Tandem's libos, so a libc function
 * here would loop back into Tandem.  Every wrapper returns what the
 * kernel returned: >= 0 on success, -errno (the Linux value, from
 * <asm-generic/errno.h>) on failure.  None retries on EINTR: nothing
 * in this process installs a signal handler, and callers that may see
 * a short count loop themselves.
 *
 * Constants and structs come from linux-libc-dev's uapi headers; the
 * few those hide behind glibc's back are defined below.
 */
#ifndef POSIX_HOST_H
#define POSIX_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <asm-generic/errno.h>	/* Linux errno values */
#include <asm/stat.h>		/* struct stat (x86_64 kernel layout) */
#include <linux/fcntl.h>	/* O_*, AT_FDCWD */
#include <linux/mman.h>		/* PROT_*, MAP_* */
#include <linux/poll.h>		/* struct pollfd, POLLIN */
#include <linux/time.h>		/* CLOCK_MONOTONIC, CLOCK_REALTIME */
#include <linux/time_types.h>	/* struct __kernel_timespec */
#include <linux/uio.h>		/* struct iovec */

/* inode(7): <linux/stat.h> defines these only without glibc's
 * headers, and a hosted build's <stdint.h> pulls those in. */
#define HOST_S_IFMT	0170000
#define HOST_S_IFREG	0100000
#define HOST_S_IFBLK	0060000
#define HOST_S_IFDIR	0040000

/* lseek(2) whence */
#define HOST_SEEK_SET	0
#define HOST_SEEK_END	2

#define HOST_STDOUT	1
#define HOST_STDERR	2

long	host_read(int fd, void *buf, size_t len);
long	host_write(int fd, const void *buf, size_t len);
long	host_writev(int fd, const struct iovec *iov, int niov);
long	host_pread(int fd, void *buf, size_t len, int64_t off);
long	host_pwrite(int fd, const void *buf, size_t len, int64_t off);
int	host_openat(int dirfd, const char *path, int flags, int mode);
int	host_close(int fd);
int	host_fstat(int fd, struct stat *st);
int64_t	host_lseek(int fd, int64_t off, int whence);
int	host_ftruncate(int fd, int64_t len);
int	host_fsync(int fd);
int	host_fdatasync(int fd);
int	host_ioctl(int fd, unsigned long req, void *arg);
/* ppoll with no signal mask change; ts NULL waits forever.  Returns
 * the number of ready fds, 0 on timeout. */
int	host_ppoll(struct pollfd *fds, unsigned nfds,
	    const struct __kernel_timespec *ts);
long	host_readlink(const char *path, char *buf, size_t len);
/* mmap returns the address, or -errno cast to a pointer: test the
 * result with host_mmap_failed(). */
void	*host_mmap(void *addr, size_t len, int prot, int flags, int fd,
	    int64_t off);
int	host_munmap(void *addr, size_t len);
int	host_clock_gettime(int clock, struct __kernel_timespec *ts);
/* flags: GRND_NONBLOCK etc. from <linux/random.h> */
long	host_getrandom(void *buf, size_t len, unsigned flags);
int	host_arch_prctl(int code, uint64_t addr);
void	host_exit_group(int status) __attribute__((noreturn));

static inline int
host_mmap_failed(const void *p)
{

	/* the kernel's -errno: the top 4095 addresses */
	return (uintptr_t)p >= (uintptr_t)-4095;
}

/* Sets the calling (only) host thread's FS base -- the TLS pointer of
 * x86_64 -- with arch_prctl(ARCH_SET_FS).  For the layer above, which
 * switches the TLS of its threads; panics if the kernel refuses. */
void	posix_set_fsbase(uint64_t base);
long	host_syscall(long nr, long a, long b, long c, long d, long e, long f);

/* Tiny helpers over the calls above, for the platform's own messages
 * (stderr through host_write) before and after core is up. */
void	posix_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text of a Linux -errno value (a few common ones; else "error N"). */
const char *posix_strerror(int neg_errno);

#endif /* POSIX_HOST_H */
