/*
 * netdev.c -- the network device registry: one receive thread per
 * attached device turns td_netdev_rx_kick() (often from an interrupt
 * handler) into rx_poll() calls in thread context, and frames go up to
 * the device's single client.
 */
#include "hyp_int.h"

#define RX_BUDGET	64

struct td_netdev {
	char			 name[TD_DEVNAME_MAX];
	const struct td_netdev_ops *ops;
	void			*softc;
	struct td_netdev_info	 info;
	struct td_netclient	 client;
	int			 attached;
	volatile int		 kicked;	/* set under td_irq_save */
	volatile int		 stopping;
	struct td_thread	*rxthread;
};

static struct td_netdev netdevs[TD_NETDEV_MAX];
static int nnetdev;

TD_COLD int
td_netdev_register(const char *name, const struct td_netdev_ops *ops,
    void *softc, const struct td_netdev_info *info, struct td_netdev **ndp)
{
	struct td_netdev *nd;

	if (td_netdev_lookup(name) != NULL)
		return TD_EEXIST;
	if (nnetdev == TD_NETDEV_MAX)
		return TD_ENOSPC;
	if (hyp_strlen(name) >= TD_DEVNAME_MAX)
		return TD_EINVAL;
	nd = &netdevs[nnetdev++];
	hyp_strlcpy(nd->name, name, sizeof(nd->name));
	nd->ops = ops;
	nd->softc = softc;
	nd->info = *info;
	if (ndp != NULL)
		*ndp = nd;
	return 0;
}

struct td_netdev *
td_netdev_lookup(const char *name)
{
	int i;

	for (i = 0; i < nnetdev; i++)
		if (hyp_strcmp(netdevs[i].name, name) == 0)
			return &netdevs[i];
	return NULL;
}

struct td_netdev *
td_netdev_byindex(int n)
{

	return n >= 0 && n < nnetdev ? &netdevs[n] : NULL;
}

const struct td_netdev_info *
td_netdev_info(const struct td_netdev *nd)
{

	return &nd->info;
}

void
td_netdev_rx_kick(struct td_netdev *nd)
{
	td_irqflags_t s;
	struct td_thread *t;

	s = td_irq_save();
	nd->kicked = 1;
	t = nd->rxthread;
	td_irq_restore(s);
	if (t != NULL)
		td_thread_wake(t);
}

void
td_netdev_input(struct td_netdev *nd, const struct td_iovec *iov,
    size_t niov)
{

	if (nd->attached && !nd->stopping)
		nd->client.input(nd->client.arg, iov, niov);
}

int
td_netdev_xmit(struct td_netdev *nd, const struct td_iovec *iov,
    size_t niov)
{

	return nd->ops->xmit(nd->softc, iov, niov);
}

/* Sleeps until kicked or told to stop; returns 0 to stop. */
static int
rx_wait(struct td_netdev *nd)
{
	td_irqflags_t s;
	int go;

	s = td_irq_save();
	while (!nd->kicked && !nd->stopping) {
		td_thread_prepare_block();
		td_irq_restore(s);
		td_thread_block(UINT64_MAX);
		s = td_irq_save();
	}
	nd->kicked = 0;
	go = !nd->stopping;
	td_irq_restore(s);
	return go;
}

static void
rx_thread(void *arg)
{
	struct td_netdev *nd = arg;
	const struct td_netclient *c = &nd->client;

	if (c->thread_init != NULL)
		c->thread_init(c->arg);
	while (rx_wait(nd)) {
		if (c->batch != NULL)
			c->batch(c->arg, 1);
		while (nd->ops->rx_poll(nd->softc, RX_BUDGET) >= RX_BUDGET &&
		    !nd->stopping)
			;
		if (c->batch != NULL)
			c->batch(c->arg, 0);
	}
	td_thread_exit();
}

int
td_netdev_attach(struct td_netdev *nd, const struct td_netclient *c)
{
	char name[32];

	if (nd->attached)
		return TD_EBUSY;
	nd->client = *c;
	nd->stopping = 0;
	nd->kicked = 1;		/* frames may be waiting already */
	nd->attached = 1;
	td_snprintf(name, sizeof(name), "rx-%s", nd->name);
	nd->rxthread = td_thread_create(name, rx_thread, nd, TD_STACK_DEFAULT,
	    TD_THREAD_JOINABLE);
	if (nd->rxthread == NULL) {
		nd->attached = 0;
		return TD_ENOMEM;
	}
	return 0;
}

void
td_netdev_detach(struct td_netdev *nd)
{
	struct td_thread *t;

	if (!nd->attached)
		return;
	nd->stopping = 1;
	t = nd->rxthread;
	td_thread_wake(t);
	td_thread_join(t);
	nd->rxthread = NULL;
	nd->attached = 0;
}
