/*
 * tcp_int.h -- private to libos/net's TCP sockets (sock_tcp.c, the
 * socket calls; sock_tcpopt.c, their options).
 */
#ifndef TANDEM_LIBOS_TCP_INT_H
#define TANDEM_LIBOS_TCP_INT_H

#include "lwip/opt.h"
#include "lwip/tcp.h"
#include "inet.h"

enum { T_NEW, T_LISTEN, T_CONNECTING, T_CONNECTED, T_FAILED };

struct tsock {
	struct lsock	 s;
	struct tcp_pcb	*pcb;		/* NULL once lwIP freed it */
	int		 state;
	int		 eof;		/* FIN received */
	int		 wblocked;	/* a write found no memory */
	int		 nodelay;
	int		 cork;		/* TCP_CORK: hold partial segments */
	struct pbuf	*rxh, *rxt;	/* queue of pbufs, by ->next */
	size_t		 rxoff, rxbytes;
	ip_addr_t	 peer;
	u16_t		 peer_port;
	/* listening */
	struct tsock	*aqh, *aqt, *next;
	int		 aqn;
	int		 keepidle, keepintvl, keepcnt;	/* seconds, count */
};

/* Pushes the socket's options (Nagle, keepalive) into its PCB. */
void	ltcp_apply_opts(struct tsock *);
int	ltcp_setopt(struct lsock *, int, int, const void *, unsigned);
int	ltcp_getopt(struct lsock *, int, int, int *);
int	ltcp_ioctl(struct lsock *, unsigned long, void *);

#endif
