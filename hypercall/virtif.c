/*
 * virtif.c -- NetBSD if_virt's hypercalls over the netdev registry.
 *
 * Received frames reach the kernel through rump_virtif_virt_deliverpkt()
 * on the device's receive thread, which first gets an lwp of its own and
 * holds a rump CPU around each burst, as the kernel expects of a
 * hypervisor thread calling in.  The upcall is a weak reference: images
 * without a rump kernel link this file too.
 */
#include "hyp_int.h"
#include <rump/virtif.h>

extern void rump_virtif_virt_deliverpkt(struct virtif_sc *, struct iovec *,
    size_t) __attribute__((weak));

struct virtif_user {
	struct td_netdev *nd;
	struct virtif_sc *sc;
	int		  dying;
};

static void
vif_input(void *arg, const struct td_iovec *iov, size_t niov)
{
	struct virtif_user *viu = arg;

	/* The kernel's struct iovec has the layout of struct td_iovec. */
	if (rump_virtif_virt_deliverpkt != NULL)
		rump_virtif_virt_deliverpkt(viu->sc, (struct iovec *)(void *)
		    (uintptr_t)iov, niov);
}

static void
vif_thread_init(void *arg)
{

	hyp_kthread_enter();
}

static void
vif_batch(void *arg, int begin)
{
	int nlocks;

	/* Bursts start from a thread holding no locks: nothing to carry. */
	if (begin)
		hyp_sched(0, NULL);
	else
		hyp_unsched(&nlocks, NULL);
}

/* devstr names a netdev ("net0", "vioif0") or is a unit number that
 * picks the n-th registered device. */
static struct td_netdev *
vif_find(const char *devstr)
{
	struct td_netdev *nd;
	int n = 0;
	const char *p;

	if ((nd = td_netdev_lookup(devstr)) != NULL)
		return nd;
	for (p = devstr; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (*p - '0');
	if (p == devstr || *p != '\0')
		return NULL;
	return td_netdev_byindex(n);
}

int
rumpcomp_virt_create(const char *devstr, struct virtif_sc *sc,
    uint8_t *enaddr, struct virtif_user **viup)
{
	struct td_netclient c;
	struct virtif_user *viu;
	struct td_netdev *nd;
	int error;

	if ((nd = vif_find(devstr)) == NULL)
		return TD_ENXIO;
	if ((viu = td_malloc_try(sizeof(*viu))) == NULL)
		return TD_ENOMEM;
	viu->nd = nd;
	viu->sc = sc;
	viu->dying = 0;
	c.input = vif_input;
	c.thread_init = vif_thread_init;
	c.batch = vif_batch;
	c.arg = viu;
	if ((error = td_netdev_attach(nd, &c)) != 0) {
		td_free(viu);
		return error;
	}
	hyp_memcpy(enaddr, td_netdev_info(nd)->mac, 6);
	*viup = viu;
	return 0;
}

void
rumpcomp_virt_send(struct virtif_user *viu, struct iovec *iov,
    size_t iovlen)
{

	/* A full ring drops the frame, as a wire would. */
	if (!viu->dying)
		(void)td_netdev_xmit(viu->nd, (const struct td_iovec *)(void *)
		    iov, iovlen);
}

int
rumpcomp_virt_dying(struct virtif_user *viu)
{
	int nlocks;

	if (!viu->dying) {
		viu->dying = 1;
		hyp_unsched(&nlocks, NULL);	/* joins the rx thread */
		td_netdev_detach(viu->nd);
		hyp_sched(nlocks, NULL);
	}
	return 0;
}

void
rumpcomp_virt_destroy(struct virtif_user *viu)
{

	rumpcomp_virt_dying(viu);
	td_free(viu);
}
