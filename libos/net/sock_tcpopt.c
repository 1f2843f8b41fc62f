/*
 * sock_tcpopt.c -- TCP socket options and ioctls: the values live in the
 * socket (so a listener passes them on to accepted sockets) and are
 * pushed into the lwIP PCB when there is one.
 */
#include "lwip/opt.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "inet.h"
#include "net_int.h"
#include "tcp_int.h"

void
ltcp_apply_opts(struct tsock *t)
{
	struct tcp_pcb *pcb = t->pcb;

	if (pcb == NULL || t->state == T_LISTEN)
		return;
	if (t->nodelay)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
	if (t->s.keepalive)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	pcb->keep_idle = (u32_t)t->keepidle * 1000;
	pcb->keep_intvl = (u32_t)t->keepintvl * 1000;
	pcb->keep_cnt = (u32_t)t->keepcnt;
}

int
ltcp_setopt(struct lsock *s, int level, int name, const void *val,
    unsigned len)
{
	struct tsock *t = (struct tsock *)s;
	int v = *(const int *)val;

	if (level == LX_SOL_SOCKET) {
		if (t->pcb != NULL && t->state != T_LISTEN) {
			if (name == LX_SO_KEEPALIVE)
				ltcp_apply_opts(t);
		}
		if (t->pcb != NULL && (name == LX_SO_REUSEADDR ||
		    name == LX_SO_REUSEPORT) && v)
			ip_set_option(t->pcb, SOF_REUSEADDR);
		return -LX_ENOPROTOOPT;
	}
	if (level == LX_IPPROTO_TCP) {
		switch (name) {
		case LX_TCP_NODELAY:	t->nodelay = v != 0; break;
		case LX_TCP_KEEPIDLE:
		case LX_TCP_KEEPINTVL:
		case LX_TCP_KEEPCNT:
			if (v < 1 || v > (name == LX_TCP_KEEPCNT ? 127 : 32767))
				return -LX_EINVAL;
			if (name == LX_TCP_KEEPIDLE)
				t->keepidle = v;
			else if (name == LX_TCP_KEEPINTVL)
				t->keepintvl = v;
			else
				t->keepcnt = v;
			break;
		case LX_TCP_MAXSEG:	return 0;	/* accepted, ignored */
		case LX_TCP_CORK:
			/* uncorking sends what was held (nginx's
			 * tcp_nopush sets it around a response) */
			t->cork = v != 0;
			if (!t->cork && t->pcb != NULL && t->state != T_LISTEN)
				tcp_output(t->pcb);
			return 0;
		default:		return -LX_ENOPROTOOPT;
		}
		ltcp_apply_opts(t);
		return 0;
	}
	if (level == LX_IPPROTO_IPV6 && name == LX_IPV6_V6ONLY) {
		if (s->domain != LX_AF_INET6)
			return -LX_ENOPROTOOPT;
		if (t->state != T_NEW || (t->pcb != NULL &&
		    t->pcb->local_port != 0))
			return -LX_EINVAL;
		s->v6only = v != 0;
		if (t->pcb != NULL)
			IP_SET_TYPE_VAL(t->pcb->local_ip, lnet_pcbtype(s));
		return 0;
	}
	if (level == LX_IPPROTO_IP && (name == LX_IP_TOS || name == LX_IP_TTL)) {
		if (t->pcb != NULL && name == LX_IP_TOS)
			t->pcb->tos = (u8_t)v;
		else if (t->pcb != NULL)
			t->pcb->ttl = (u8_t)v;
		return 0;
	}
	return -LX_ENOPROTOOPT;
}

int
ltcp_getopt(struct lsock *s, int level, int name, int *v)
{
	struct tsock *t = (struct tsock *)s;

	if (level == LX_SOL_SOCKET && name == LX_SO_ACCEPTCONN) {
		*v = t->state == T_LISTEN;
		return 0;
	}
	if (level == LX_IPPROTO_TCP) {
		switch (name) {
		case LX_TCP_NODELAY:	*v = t->nodelay; return 0;
		case LX_TCP_CORK:	*v = t->cork; return 0;
		case LX_TCP_KEEPIDLE:	*v = t->keepidle; return 0;
		case LX_TCP_KEEPINTVL:	*v = t->keepintvl; return 0;
		case LX_TCP_KEEPCNT:	*v = t->keepcnt; return 0;
		case LX_TCP_MAXSEG:
			*v = t->pcb != NULL && t->state == T_CONNECTED ?
			    tcp_mss(t->pcb) : TCP_MSS;
			return 0;
		}
	}
	if (level == LX_IPPROTO_IPV6 && name == LX_IPV6_V6ONLY &&
	    s->domain == LX_AF_INET6) {
		*v = s->v6only;
		return 0;
	}
	if (level == LX_IPPROTO_IP && (name == LX_IP_TOS || name == LX_IP_TTL)) {
		*v = t->pcb == NULL ? 64 : name == LX_IP_TOS ? t->pcb->tos :
		    t->pcb->ttl;
		return 0;
	}
	return -LX_ENOPROTOOPT;
}

int
ltcp_ioctl(struct lsock *s, unsigned long req, void *arg)
{
	struct tsock *t = (struct tsock *)s;

	if (t->state == T_LISTEN)
		return -LX_EINVAL;
	if (req == LX_FIONREAD)
		*(int *)arg = t->rxbytes > 0x7fffffff ? 0x7fffffff :
		    (int)t->rxbytes;
	else
		*(int *)arg = t->pcb == NULL ? 0 :
		    (int)(TCP_SND_BUF - tcp_sndbuf(t->pcb));
	return 0;
}
