/*
 * xenstore.h -- xenstore client over the shared ring (start_info on PV,
 * HVM params on PVH).  Thread context only; calls block their thread
 * until xenstored answers (10 s at most: TD_ETIMEDOUT).  Errors are
 * TD_E* values; 0 is success.  Paths are relative to our domain's home
 * (/local/domain/ID) unless they begin with '/'.
 */
#ifndef PLATFORM_XEN_XENSTORE_H
#define PLATFORM_XEN_XENSTORE_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t xs_tx_t;		/* 0: no transaction */

/* A watch.  Events are counted, not queued: a waker re-reads what it
 * watches (the split-driver protocols are state based). */
struct xs_watch {
	char		 path[128];
	char		 token[16];
	unsigned	 pending;	/* events since the last wait */
	struct td_thread *waiter;
	struct xs_watch	*next;
};

/* Starts the client (reader thread, event handler).  0 or TD_E*. */
int	xs_init(void);

/* Value of path, NUL-terminated, in buf (TD_E2BIG if it does not fit). */
int	xs_read(xs_tx_t tx, const char *path, char *buf, size_t len);
/* Decimal value of path (strict). */
int	xs_read_u64(xs_tx_t tx, const char *path, uint64_t *v);
int	xs_write(xs_tx_t tx, const char *path, const char *val);
int	xs_printf(xs_tx_t tx, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	xs_rm(xs_tx_t tx, const char *path);
/* Children of path as NUL-separated names in buf; *lenp bytes.  Walk
 * them with xs_dir_next() (xs_proto.h). */
int	xs_directory(xs_tx_t tx, const char *path, char *buf, size_t len,
	    uint32_t *lenp);

int	xs_tx_start(xs_tx_t *txp);
/* Commits (abort = 0) or drops a transaction.  TD_EAGAIN: somebody else
 * changed what it read; start over. */
int	xs_tx_end(xs_tx_t tx, int abort);

/* Registers w on path; xenstored fires it once at once.  The watch is
 * the caller's and must stay alive until xs_watch_del(). */
int	xs_watch_add(struct xs_watch *w, const char *path);
int	xs_watch_del(struct xs_watch *w);
/* Waits for an event on w (one the caller has not seen yet).  0: there
 * was one, 1: deadline (absolute ns, UINT64_MAX = none). */
int	xs_watch_wait(struct xs_watch *w, uint64_t deadline);

/* Makes w's waiter return as if an event came (IRQ-safe): a driver's
 * interrupt handler uses it to hand work to the thread that waits on
 * the backend's state. */
void	xs_watch_poke(struct xs_watch *w);

/* Counters for tests: replies dropped as stale or malformed. */
extern unsigned xs_dropped, xs_malformed;

#endif
