/*
 * hypercall.h -- the device side of the hypercall layer: how block
 * devices, network devices and entropy sources register, and the errno
 * numbering every layer above core uses.
 *
 * Drivers (virtio-blk/net, Xen blkfront/netfront, the posix host files
 * and taps) register here and include nothing else of hypercall/.  The
 * hypercall layer exports them upward as rumpuser's open/bio/syncfd name
 * space and as the if_virt hypercalls.
 *
 * Registration uses fixed tables and no heap, so a platform may register
 * before core_main() runs.  Everything the registry calls back into a
 * driver runs in thread context, never in an interrupt handler.
 */
#ifndef TANDEM_HYPERCALL_H
#define TANDEM_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

/* ---- errno: NetBSD numbering (what rumpuser returns to a rump kernel).
 * Drivers report errors with these too, so nothing needs translating. */
#define TD_EPERM	1
#define TD_ENOENT	2
#define TD_ESRCH	3
#define TD_EINTR	4
#define TD_EIO		5
#define TD_ENXIO	6
#define TD_E2BIG	7
#define TD_EBADF	9
#define TD_ENOMEM	12
#define TD_EACCES	13
#define TD_EFAULT	14
#define TD_EBUSY	16
#define TD_EEXIST	17
#define TD_ENODEV	19
#define TD_EINVAL	22
#define TD_ENFILE	23
#define TD_EMFILE	24
#define TD_EFBIG	27
#define TD_ENOSPC	28
#define TD_ESPIPE	29
#define TD_EROFS	30
#define TD_ERANGE	34
#define TD_EAGAIN	35
#define TD_EINPROGRESS	36
#define TD_EOPNOTSUPP	45
#define TD_ENOBUFS	55
#define TD_ETIMEDOUT	60
#define TD_ENAMETOOLONG	63
#define TD_ENOSYS	78

/* ---- errno of the calling thread (rumpuser_seterrno) ----------------
 * Optional, defined by the layer that runs apps (libos; weak): called by
 * rumpuser_seterrno(error) on the calling thread with the NetBSD number
 * above.  It stores the app's number for it where that thread's app code
 * reads errno (musl's per-thread errno), as NetBSD's librumpuser sets
 * the host thread's; threads that run no app code are left alone.
 * Thread context; never blocks. */
void	td_app_seterrno(int error) __attribute__((weak));

/* Scatter/gather element (layout of struct iovec). */
struct td_iovec {
	void	*iov_base;
	size_t	 iov_len;
};

/* ==== block devices ==================================================
 * Model: many requests in flight.  The registry calls ops->submit() in
 * thread context; submit must not block.  It returns 0 once the request
 * is the driver's, or TD_EAGAIN when the device queue is full: the
 * registry then keeps the request and submits it again after the next
 * completion on that device.  The driver finishes each request, in any
 * order, with td_blkreq_done() -- from an interrupt handler if it likes;
 * the registry defers the completion to its own thread. */
#define TD_BLK_READ	1
#define TD_BLK_WRITE	2
#define TD_BLK_FLUSH	3	/* make every completed write durable */

#define TD_BLKREQ_FUA	0x1	/* write: durable when it completes */

struct td_blkreq {
	int		 op;		/* TD_BLK_* */
	int		 flags;		/* TD_BLKREQ_* */
	uint64_t	 sector;	/* first sector (device sector size) */
	void		*buf;		/* len bytes; ignored by FLUSH */
	size_t		 len;		/* multiple of the sector size */
	/* Owned by the driver between submit and td_blkreq_done(): */
	void		*drv_priv;
	uint64_t	 drv_data;
	/* Owned by the registry/submitter: */
	struct td_blkreq *next;
	int		 error;
	void		(*done)(struct td_blkreq *);	/* thread context */
	void		*cookie;
	struct td_blkdev *dev;
};

struct td_blkdev_ops {
	int	(*submit)(void *softc, struct td_blkreq *);
};

#define TD_BLKDEV_RDONLY	0x1	/* writes fail with TD_EROFS */
#define TD_BLKDEV_WCACHE	0x2	/* volatile write cache: FLUSH matters */
#define TD_BLKDEV_FUA		0x4	/* honours TD_BLKREQ_FUA */

struct td_blkdev_info {
	uint64_t	nsectors;
	uint32_t	sector_size;	/* power of two, >= 512 */
	uint32_t	max_xfer;	/* bytes per request, 0 = no limit */
	uint32_t	flags;		/* TD_BLKDEV_* */
};

#define TD_BLKDEV_MAX	16
#define TD_DEVNAME_MAX	16

/* Registers a block device under name ("blk0", "xvda", ...; at most
 * TD_DEVNAME_MAX-1 chars).  The ops and softc must live forever.  Returns
 * 0, TD_EEXIST for a taken name or TD_ENOSPC when the table is full. */
int	td_blkdev_register(const char *name, const struct td_blkdev_ops *ops,
	    void *softc, const struct td_blkdev_info *info);
/* Finishes a request with error (0 or TD_E*).  IRQ-safe. */
void	td_blkreq_done(struct td_blkreq *req, int error);

/* For the layers above (hypercall/ itself, tests). */
struct td_blkdev *td_blkdev_lookup(const char *name);
const struct td_blkdev_info *td_blkdev_info(const struct td_blkdev *);
const char *td_blkdev_name(const struct td_blkdev *);
/* Starts req (op, sector, buf, len, done, cookie filled in) on dev.
 * done runs later on the registry's completion thread.  Invalid
 * requests complete with TD_EINVAL / TD_EROFS / TD_ENOSPC. */
void	td_blkdev_start(struct td_blkdev *dev, struct td_blkreq *req);
/* Requests started and not yet done on dev. */
unsigned td_blkdev_inflight(const struct td_blkdev *dev);

/* ==== network devices ================================================
 * Transmit: ops->xmit(softc, iov, niov) sends one frame; it copies or
 * otherwise finishes with the data before returning and never blocks
 * (TD_ENOBUFS when the ring is full: the frame is dropped, as a wire
 * would).  Receive: the driver calls td_netdev_rx_kick() (IRQ-safe) when
 * frames are waiting; the registry's receive thread for the device then
 * calls ops->rx_poll(softc, budget), which hands each frame to
 * td_netdev_input() and returns how many it handed; the thread calls it
 * again while it returns budget.  The driver re-arms its interrupt
 * inside rx_poll when it runs dry. */
struct td_netdev;

struct td_netdev_ops {
	int	(*xmit)(void *softc, const struct td_iovec *iov, size_t niov);
	int	(*rx_poll)(void *softc, int budget);
};

struct td_netdev_info {
	uint8_t		mac[6];
	uint16_t	mtu;		/* payload bytes, 1500 typically */
};

#define TD_NETDEV_MAX	8

int	td_netdev_register(const char *name, const struct td_netdev_ops *ops,
	    void *softc, const struct td_netdev_info *info,
	    struct td_netdev **ndp);
void	td_netdev_rx_kick(struct td_netdev *nd);
/* From rx_poll only: delivers one received frame to the client.  The
 * data is the driver's again when this returns. */
void	td_netdev_input(struct td_netdev *nd, const struct td_iovec *iov,
	    size_t niov);

/* The client side (the if_virt glue, tests).  A device has at most one
 * client.  thread_init runs once on the receive thread before the first
 * poll; batch(arg, 1) / batch(arg, 0) bracket each burst of input()
 * calls (the if_virt glue takes a rump CPU there). */
struct td_netclient {
	void	(*input)(void *arg, const struct td_iovec *iov, size_t niov);
	void	(*thread_init)(void *arg);
	void	(*batch)(void *arg, int begin);
	void	*arg;
};

struct td_netdev *td_netdev_lookup(const char *name);
/* n-th registered device (0-based), NULL past the end. */
struct td_netdev *td_netdev_byindex(int n);
const struct td_netdev_info *td_netdev_info(const struct td_netdev *);
int	td_netdev_attach(struct td_netdev *nd, const struct td_netclient *c);
/* Stops input and waits until the receive thread is idle. */
void	td_netdev_detach(struct td_netdev *nd);
int	td_netdev_xmit(struct td_netdev *nd, const struct td_iovec *iov,
	    size_t niov);

/* ==== entropy sources ================================================
 * read() fills up to len bytes of real entropy (or output of a
 * generator the source itself seeds from real entropy, e.g. a
 * virtio-rng or the host's getrandom(2)) and returns how many; with
 * nowait it must not block, otherwise it may block its thread.  The
 * built-in RDSEED/RDRAND source registers itself when CPUID has it. */
#define TD_RNG_MAX	4
int	td_rng_register(const char *name, int quality,
	    size_t (*read)(void *buf, size_t len, int nowait));
/* Name of the best source, NULL when there is none. */
const char *td_rng_source(void);
/* Fills buf from the best source; returns the bytes written. */
size_t	td_rng_read(void *buf, size_t len, int nowait);

#endif /* TANDEM_HYPERCALL_H */
