/*
 * blkfront.h -- Xen virtual block device frontend: internal interface
 * between the xenbus side (blkfront.c) and the ring side (blkring.c).
 */
#ifndef BLKFRONT_BLKFRONT_H
#define BLKFRONT_BLKFRONT_H

#include <stdint.h>

#include <tandem/hypercall.h>

#include "../platform/xen/xen.h"
#include "../platform/xen/xenbus.h"

#include <xen/io/blkif.h>
#include <xen/io/protocols.h>

#define BLK_RING	__CONST_RING_SIZE(blkif, XEN_PAGE_SIZE)	/* 32 */
#define BLK_INDIRECT	32		/* segments per indirect request */
#define BLK_SEG_MAX	BLK_INDIRECT
#define BLK_MAXXFER	(1024 * 1024)	/* per td_blkreq; split into slots */

struct blkslot {
	struct td_blkreq *req;
	uint32_t	 off, len;	/* byte range of req this slot does */
	uint8_t		 op;		/* BLKIF_OP_* as sent */
	uint8_t		*page[BLK_SEG_MAX];	/* bounce pages, granted */
	grant_ref_t	 gref[BLK_SEG_MAX];
	struct blkif_request_segment *ind;	/* indirect page */
	grant_ref_t	 ind_ref;
	struct blkslot	*nextfree;
};

struct vbd {
	struct xenbus_dev xb;
	unsigned	 vdev;		/* xenstore id, blkif handle */
	char		 name[TD_DEVNAME_MAX];	/* xvda */
	char		 gname[TD_DEVNAME_MAX];	/* blk0 */
	int		 registered, connected, broken, gone;
	/* ring */
	blkif_front_ring_t ring;
	struct blkif_sring *sring;
	grant_ref_t	 ring_ref;
	evtchn_port_t	 port;
	/* what the backend offers */
	uint64_t	 sectors;	/* in 512-byte units */
	uint32_t	 sector_size;
	int		 ro, flush_op;	/* flush_op < 0: none */
	unsigned	 segs;		/* per ring request */
	int		 indirect;
	unsigned	 bufsegs;	/* bounce pages per slot (allocated) */
	/* requests */
	struct blkslot	 slot[BLK_RING];
	uint8_t		 busy[BLK_RING];
	struct blkslot	*free;
	struct td_blkreq *qhead, *qtail;	/* waiting for a slot */
	uint64_t	 nreq, nflush;
	unsigned	 nerr;		/* errors reported */
	struct td_thread *thr;
	int		 ready;		/* probe may go on */
};

/* blkring.c */
int	blkring_setup(struct vbd *v);		/* ring page, evtchn, grants */
void	blkring_teardown(struct vbd *v);	/* after the backend left */
int	blkring_buffers(struct vbd *v);		/* slots' bounce pages */
int	blkring_submit(void *softc, struct td_blkreq *r);
void	blkring_fail(struct vbd *v, const char *why);
void	blkring_kick(struct vbd *v);		/* issue queued requests */
void	blkring_abort_inflight(struct vbd *v);	/* backend went away */
int	blkring_idle(struct vbd *v);		/* nothing queued or busy */

#endif
