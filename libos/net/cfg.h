/*
 * cfg.h -- private to libos/net: per-NIC configuration (cfg.c) used by
 * the interface code (netif.c).
 */
#ifndef TANDEM_LIBOS_NET_CFG_H
#define TANDEM_LIBOS_NET_CFG_H

struct netif;

/* Configures NIC `unit' from the boot parameters (net.h) and brings it
 * up; 0 or -1 after naming the bad parameter. */
int	lnet_cfg_nic(struct netif *, int unit);
/* Static configuration from strings (NULL = none); 0 or -1. */
int	lnet_cfg_static(struct netif *, const char *ip4, const char *gw,
	    const char *ip6);
/* netif.c */
int	lnet_nics_attach(void);
int	lnet_nic_unit(struct netif *);
void	lnet_nic_counters(unsigned long *rx, unsigned long *tx,
	    unsigned long *drop);

#endif
