/*
 * stdlib.h -- for lwIP's freestanding build: netif_find() calls atoi,
 * which we route to our own (sys_arch.c) so no C library is needed.
 */
#ifndef TANDEM_LWIP_STDLIB_H
#define TANDEM_LWIP_STDLIB_H
int	lnet_atoi(const char *);
#define atoi(s)	lnet_atoi(s)
#endif
