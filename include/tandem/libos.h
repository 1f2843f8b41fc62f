/*
 * libos.h -- the contract of libos/, Tandem's Linux system-call
 * personality, towards the two sides that meet it:
 *
 *  - apps: musl (with Tandem's overlay of its x86_64 system-call layer)
 *    calls __tandem_syscall() where Linux would trap.  Numbers, argument
 *    layouts, return values and errno values are Linux x86_64's.
 *  - plug-ins: file systems (baked root, tmpfs, devfs, ext2/3/4 on a
 *    block device) and socket families register here and are reached
 *    through the fd table.  A plug-in never sees a user pointer it has
 *    not been handed by libos, and never blocks except through lo_wait().
 *
 * libos itself reaches the machine only through rumpuser(3) v17 (threads,
 * locks, memory, clocks, devices), plus the documented core calls in
 * lo_core_* below where rumpuser has no word.
 *
 * Execution model: one CPU, cooperative threads.  libos code runs in
 * thread context only, never in an interrupt handler; nothing here
 * yields except lo_wait() and what is documented as blocking, so state
 * checked before lo_wait() cannot change until the caller blocks.
 *
 * Errors: every int/ssize_t call returns >= 0 on success or a NEGATIVE
 * Linux errno value (-ENOENT ...).
 */
#ifndef TANDEM_LIBOS_H
#define TANDEM_LIBOS_H

#include <stddef.h>
#include <stdint.h>

/* ssize_t as every x86_64 C library has it (a repeated identical typedef
 * is fine in C11, so plug-ins built against a libc may include this). */
typedef long ssize_t;

/* ==== the app side ================================================== */

/* One Linux x86_64 system call.  Unknown numbers return -ENOSYS and are
 * counted; at exit the image prints "tandem: unimplemented syscalls:"
 * with each number, name and count. */
long	__tandem_syscall(long nr, long a1, long a2, long a3, long a4,
	    long a5, long a6);
/* The same call with fewer arguments and the number LAST, so that the
 * arguments arrive where the handler takes them (the fast path of
 * musl's __syscall0..5; a handful of instructions).  Identical results,
 * errno values and signal behaviour. */
long	__tandem_syscall0(long nr);
long	__tandem_syscall1(long a1, long nr);
long	__tandem_syscall2(long a1, long a2, long nr);
long	__tandem_syscall3(long a1, long a2, long a3, long nr);
long	__tandem_syscall4(long a1, long a2, long a3, long a4, long nr);
long	__tandem_syscall5(long a1, long a2, long a3, long a4, long a5,
	    long nr);

/* Posts SIGTERM to the app (its default action ends the guest with 143;
 * a handler may exit cleanly).  Thread context, never an interrupt
 * handler; returns at once.  For platform paths that ask the app to stop
 * (the ACPI power button); a waiting, bounded version for hypervisor
 * requests is core's td_app_shutdown(), which libos defines. */
void	lo_shutdown_request(void);

/* ==== waiting ========================================================
 * A wait queue is where things that change readiness (a pipe gaining
 * data, a socket's peer closing, a timer expiring) announce it.  Waiters
 * are either threads (lo_wait) or callbacks (epoll, poll). */
struct lo_waiter;
typedef void (*lo_wakefn)(struct lo_waiter *, int events);

struct lo_waiter {
	struct lo_waiter	*next, *prev;	/* on the queue */
	lo_wakefn		 fn;		/* runs in the waker's thread */
	void			*arg;
};

struct lo_waitq {
	struct lo_waiter	*head;
};

void	lo_waitq_init(struct lo_waitq *);
/* Adds/removes a callback waiter (a waiter is on at most one queue). */
void	lo_waitq_add(struct lo_waitq *, struct lo_waiter *);
void	lo_waitq_del(struct lo_waitq *, struct lo_waiter *);
/* Tells every waiter that `events` (POLLIN|POLLOUT|... bits, or ~0 when
 * unknown) may have changed.  Thread context; never blocks.
 * Readiness contract (poll, select and epoll rely on it): a file calls
 * lo_wakeup(f->wq, bits) whenever one of `bits` becomes true, and a
 * stream also on every arrival of new data or room even when it was
 * already readable/writable: edge-triggered epoll reports one event per
 * such wakeup (the "event happened"), then asks ops->poll for the state
 * now.  A waiter whose interest does not meet `bits` is not disturbed. */
void	lo_wakeup(struct lo_waitq *, int events);
/* Blocks the calling thread until lo_wakeup() on wq, the absolute
 * monotonic deadline (ns, UINT64_MAX = none) or a signal for it.
 * Returns 0 (woken: re-check the condition), -ETIMEDOUT or -EINTR. */
int	lo_wait(struct lo_waitq *wq, uint64_t deadline);
/* Monotonic ns, the clock every deadline above uses. */
uint64_t lo_now(void);

/* ==== files ========================================================== */
struct lo_file;
struct lo_vnode;
struct iovec;
struct stat;

/* What an open file can do.  NULL members mean "not supported" and
 * libos answers as Linux does for such a file (EINVAL, ESPIPE, ENOTTY..).
 * read/write are NON-BLOCKING: they return -EAGAIN when they would
 * block, and libos waits on f->wq unless the file is O_NONBLOCK.  A
 * file may wait itself instead when not O_NONBLOCK (a pipe's read
 * does: one read per wait), returning -EINTR when a signal ends it.
 * off is the file offset to use, or -1 for a stream (pipe, socket, tty). */
struct lo_fileops {
	ssize_t	(*read)(struct lo_file *, const struct iovec *, int iovcnt,
		    int64_t off);
	ssize_t	(*write)(struct lo_file *, const struct iovec *, int iovcnt,
		    int64_t off);
	/* Current readiness: POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP
	 * (the *NORM/PRI bits as Linux sets them).  NULL: not pollable, as
	 * a regular file: poll/select see it always readable and writable,
	 * epoll_ctl refuses it with EPERM. */
	int	(*poll)(struct lo_file *);
	int	(*ioctl)(struct lo_file *, unsigned long req, void *arg);
	int	(*stat)(struct lo_file *, struct stat *);
	/* Last reference gone: release everything. */
	void	(*close)(struct lo_file *);
};

struct lo_file {
	const struct lo_fileops	*ops;
	unsigned		 refs;
	int			 flags;		/* O_ACCMODE|O_APPEND|O_NONBLOCK|... */
	int64_t			 off;		/* seekable files */
	struct lo_vnode		*vn;		/* files of a file system, else NULL */
	struct lo_waitq		*wq;		/* readiness changes; NULL: always ready;
						 * lives as long as the file */
	void			*priv;		/* the implementation's */
	/* epoll (libos/epoll.c): the epoll items watching this file; they
	 * go with the last reference, as on Linux (not at close(fd)). */
	struct lo_epitem	*epitems;
};

/* A new file with one reference; NULL when memory is exhausted. */
struct lo_file *lo_file_new(const struct lo_fileops *, int flags, void *priv);
void	lo_file_ref(struct lo_file *);
void	lo_file_rele(struct lo_file *);
/* Installs f in the lowest free fd (>= minfd); takes over the caller's
 * reference.  -EMFILE when the table is full. */
int	lo_fd_install(struct lo_file *f, int minfd, int cloexec);
/* The file behind fd with a new reference, or NULL (EBADF). */
struct lo_file *lo_fd_get(int fd);

/* ==== file systems =================================================== */
/* Attributes, filled by getattr (st_dev, st_blksize are set by libos if
 * left 0). */
struct lo_attr {
	uint32_t	mode;		/* S_IFMT | permissions */
	uint32_t	nlink;
	uint32_t	uid, gid;
	uint64_t	ino;
	int64_t		size;
	int64_t		blocks;		/* 512-byte units */
	uint32_t	blksize;
	uint64_t	rdev;
	int64_t		atime_ns, mtime_ns, ctime_ns;
};

#define LO_SETATTR_MODE		0x01
#define LO_SETATTR_OWNER	0x02
#define LO_SETATTR_SIZE		0x04	/* truncate or extend with zeros */
#define LO_SETATTR_ATIME	0x08
#define LO_SETATTR_MTIME	0x10

/* readdir callback: returns 0 to go on, non-zero to stop (buffer full;
 * the entry was not taken and is offered again at the same pos). */
typedef int (*lo_filldir)(void *ctx, const char *name, size_t namelen,
	    uint64_t ino, int dtype, int64_t nextpos);

/* Names passed to vnode ops are single components: NUL-terminated, not
 * empty, no '/', never "." or ".." (libos resolves those). */
struct lo_vnops {
	int	(*lookup)(struct lo_vnode *dir, const char *name,
		    struct lo_vnode **out);
	int	(*create)(struct lo_vnode *dir, const char *name,
		    uint32_t mode, struct lo_vnode **out);	/* -EEXIST */
	int	(*mkdir)(struct lo_vnode *dir, const char *name, uint32_t mode);
	int	(*unlink)(struct lo_vnode *dir, const char *name);
	int	(*rmdir)(struct lo_vnode *dir, const char *name);
	/* Both dirs on this mount; replaces an existing target atomically
	 * (file over file, empty dir over dir), as rename(2). */
	int	(*rename)(struct lo_vnode *odir, const char *oname,
		    struct lo_vnode *ndir, const char *nname);
	int	(*symlink)(struct lo_vnode *dir, const char *name,
		    const char *target);
	int	(*link)(struct lo_vnode *dir, const char *name,
		    struct lo_vnode *vn);
	/* Returns the length copied (no NUL added). */
	int	(*readlink)(struct lo_vnode *, char *buf, size_t len);
	int	(*getattr)(struct lo_vnode *, struct lo_attr *);
	int	(*setattr)(struct lo_vnode *, const struct lo_attr *, int mask);
	ssize_t	(*read)(struct lo_vnode *, void *buf, size_t len, int64_t off);
	ssize_t	(*write)(struct lo_vnode *, const void *buf, size_t len,
		    int64_t off);
	/* Data (and with !datasync, all metadata) durable on the device
	 * before it returns: ends in rumpuser_syncfd(BARRIER|SYNC). */
	int	(*fsync)(struct lo_vnode *, int datasync);
	/* Entries from *pos on, "." and ".." included; sets *pos past the
	 * last entry taken. */
	int	(*readdir)(struct lo_vnode *, int64_t *pos, lo_filldir,
		    void *ctx);
	/* Optional: a pointer to len bytes of the file at off that stay
	 * valid while the vnode lives (baked root: zero-copy mmap and
	 * sendfile).  NULL when not possible. */
	const void *(*map)(struct lo_vnode *, int64_t off, size_t len);
	/* The last reference is gone. */
	void	(*inactive)(struct lo_vnode *);
};

struct lo_mount;

struct lo_vnode {
	const struct lo_vnops	*ops;
	struct lo_mount		*mnt;
	unsigned		 refs;
	uint32_t		 mode;		/* S_IFMT bits at least */
	uint64_t		 ino;		/* unique within the mount */
	void			*priv;
};

/* Makes a vnode with one reference (ops->inactive runs at the last
 * lo_vn_rele).  NULL when memory is exhausted. */
struct lo_vnode *lo_vn_new(struct lo_mount *, const struct lo_vnops *,
	    uint32_t mode, uint64_t ino, void *priv);
void	lo_vn_ref(struct lo_vnode *);
void	lo_vn_rele(struct lo_vnode *);

#define LO_MNT_RDONLY	0x1

/* A file system type.  mount() builds the root vnode of a new instance
 * from `source` (a rumpuser device name such as "blk0", or NULL); sync()
 * makes everything durable; unmount() syncs and releases the device
 * (called at exit, on xl shutdown and on the power button). */
struct lo_fstype {
	const char	*name;
	int	(*mount)(struct lo_mount *, const char *source, int flags,
		    const char *opts, struct lo_vnode **root);
	int	(*sync)(struct lo_mount *);
	int	(*unmount)(struct lo_mount *);
};

struct lo_mount {
	const struct lo_fstype	*fs;
	int			 flags;		/* LO_MNT_* */
	uint64_t		 dev;		/* st_dev */
	void			*priv;		/* the file system's */
};

/* Mounts a file system of type fstype at the directory `path`.
 * Registered types: "rootfs", "tmpfs", "devfs" (libos), "ext4" (one
 * type for ext2/3/4).  The command-line words mount=blkN:/path[:ro] and
 * the bake manifest end here. */
int	lo_mount(const char *fstype, const char *source, const char *path,
	    int flags, const char *opts);
int	lo_fstype_register(const struct lo_fstype *);
/* Syncs and unmounts everything (exit paths). */
void	lo_unmount_all(void);

/* ==== core calls where rumpuser has no word ==========================
 * (declared in <tandem/core.h>; these are the only ones libos uses)
 *   td_thread_set_fsbase/get_fsbase  the TLS pointer of app threads
 *   td_cons_write                    console output of a whole buffer
 *                                    (rumpuser_putchar is per byte)
 *   td_page_nfree                    free memory for sysinfo(2)
 *   td_app_shutdown (libos, weak)    xl shutdown: SIGTERM to the app, its
 *                                    exit status ends the guest (sigwait.c)
 *   td_app_main (defined by libos)   core's hook to start the app
 *   td_param, td_param_at,           the command line: TD_APP=, the
 *   td_app_args_given                env.K=V words and whether it gave
 *                                    app arguments
 *   td_page_protect                  mmap/mprotect protections (hardening)
 *   td_lazy_alloc/free/discard/stack demand-zero memory for big anonymous
 *                                    mappings, brk and thread stacks
 *   td_thread_stack_bottom           Xen PV: an app thread's own stack
 *                                    watched for overflow (clone.c)
 *   td_host                          posix app mode: the host's argv,
 *                                    environment, stdio and files (NULL
 *                                    on machines)
 *   td_now, td_wall_ns               the clocks (clock_gettime, every
 *                                    deadline): rumpuser_clock_gettime
 *                                    reads the same ones, split in sec
 *                                    and nsec
 *   td_app_seterrno (libos, weak)    rumpuser_seterrno sets the calling
 *                                    thread's errno (<tandem/hypercall.h>)
 *   td_thread_self, td_thread_block, lo_wait blocks a thread and wakes it
 *   td_thread_wake                   (wait.c): a rumpuser cv wait on an
 *                                    uncontended giant mutex is the same
 *                                    thing at ~4x the instructions per
 *                                    pipe/futex wait (bench/syscall.sh)
 *   td_thread_getspecific            the word rumpuser_curlwp returns,
 *                                    read inline on those wait paths
 *                                    (lo_curthread_hot, lo.h)
 *   td_thread_cpu_ns                 the CPU-time clocks (rumpuser has
 *                                    no per-thread run time)
 * libos never reads td_plat (<tandem/platform.h>) itself.
 */

#endif /* TANDEM_LIBOS_H */
