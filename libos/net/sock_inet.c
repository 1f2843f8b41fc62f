/*
 * sock_inet.c -- Linux sockaddr_in/in6 <-> lwIP ip_addr_t, for TCP and
 * UDP sockets of both families (AF_INET6 sockets are dual-stack unless
 * IPV6_V6ONLY, IPv4 peers appearing as ::ffff:a.b.c.d, as on Linux).
 */
#include "lwip/netif.h"
#include "lwip/err.h"
#include "inet.h"

u8_t
lnet_pcbtype(const struct lsock *s)
{

	if (s->domain == LX_AF_INET)
		return IPADDR_TYPE_V4;
	return s->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

static int
is_v4mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	return memcmp(a, pfx, 12) == 0;
}

int
lnet_from_lx(const struct lsock *s, const struct lx_sockaddr *sa,
    unsigned len, ip_addr_t *ip, u16_t *port)
{
	const struct lx_sockaddr_in *sin = (const void *)sa;
	const struct lx_sockaddr_in6 *sin6 = (const void *)sa;
	uint32_t a4;
	int i;

	if (s->domain == LX_AF_INET) {
		if (sa->sa_family != LX_AF_INET)
			return -LX_EAFNOSUPPORT;
		if (len < sizeof(*sin))
			return -LX_EINVAL;
		ip_addr_set_ip4_u32_val(*ip, sin->sin_addr);
		*port = lwip_ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family != LX_AF_INET6)
		return -LX_EAFNOSUPPORT;
	if (len < 24)			/* SIN6_LEN_RFC2133 */
		return -LX_EINVAL;
	*port = lwip_ntohs(sin6->sin6_port);
	if (is_v4mapped(sin6->sin6_addr)) {
		if (s->v6only)
			return -LX_EINVAL;
		memcpy(&a4, sin6->sin6_addr + 12, 4);
		ip_addr_set_ip4_u32_val(*ip, a4);
		return 0;
	}
	for (i = 0; i < 16 && sin6->sin6_addr[i] == 0; i++)
		;
	if (i == 16) {
		/* "::": both families unless V6ONLY */
		if (s->v6only)
			ip_addr_set_any(1, ip);
		else
			ip_addr_copy(*ip, *IP_ANY_TYPE);
		return 0;
	}
	IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
	memcpy(ip_2_ip6(ip)->addr, sin6->sin6_addr, 16);
	ip6_addr_clear_zone(ip_2_ip6(ip));
	if (ip6_addr_islinklocal(ip_2_ip6(ip))) {
		/* scope id = interface index; lwIP numbers from 0, Linux
		 * from 1 (lo is 1 there); default to the first NIC */
		if (len >= sizeof(*sin6) && sin6->sin6_scope_id != 0)
			ip6_addr_set_zone(ip_2_ip6(ip),
			    (u8_t)sin6->sin6_scope_id);
		else if (netif_default != NULL)
			ip6_addr_set_zone(ip_2_ip6(ip),
			    netif_get_index(netif_default));
	}
	return 0;
}

int
lnet_to_lx(const struct lsock *s, const ip_addr_t *ip, u16_t port,
    struct lx_sockaddr_storage *ss)
{
	struct lx_sockaddr_in *sin = (void *)ss;
	struct lx_sockaddr_in6 *sin6 = (void *)ss;
	uint32_t a4;

	memset(ss, 0, sizeof(*ss));
	if (s->domain == LX_AF_INET) {
		sin->sin_family = LX_AF_INET;
		sin->sin_port = lwip_htons(port);
		sin->sin_addr = IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip))
		    : 0;
		return sizeof(*sin);
	}
	sin6->sin6_family = LX_AF_INET6;
	sin6->sin6_port = lwip_htons(port);
	if (IP_IS_ANY_TYPE_VAL(*ip)) {
		/* "::" */
	} else if (IP_IS_V4(ip)) {
		a4 = ip4_addr_get_u32(ip_2_ip4(ip));
		if (a4 != 0) {
			sin6->sin6_addr[10] = 0xff;
			sin6->sin6_addr[11] = 0xff;
			memcpy(sin6->sin6_addr + 12, &a4, 4);
		}
	} else {
		memcpy(sin6->sin6_addr, ip_2_ip6(ip)->addr, 16);
		if (ip6_addr_has_zone(ip_2_ip6(ip)))
			sin6->sin6_scope_id = ip6_addr_zone(ip_2_ip6(ip));
	}
	return sizeof(*sin6);
}

int
lnet_is_local(const ip_addr_t *ip)
{
	struct netif *nif;

	if (ip_addr_isany(ip))
		return 0;
	if (IP_IS_V4(ip)) {
		if (ip4_addr_isloopback(ip_2_ip4(ip)))
			return 0;
		NETIF_FOREACH(nif)
			if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(nif)))
				return 0;
		return -LX_EADDRNOTAVAIL;
	}
	NETIF_FOREACH(nif)
		if (netif_get_ip6_addr_match(nif, ip_2_ip6(ip)) >= 0)
			return 0;
	return -LX_EADDRNOTAVAIL;
}

int
lnet_err(int err)
{

	switch (err) {
	case ERR_OK:		return 0;
	case ERR_MEM:		return -LX_ENOBUFS;
	case ERR_BUF:		return -LX_ENOBUFS;
	case ERR_TIMEOUT:	return -LX_ETIMEDOUT;
	case ERR_RTE:		return -LX_ENETUNREACH;
	case ERR_INPROGRESS:	return -LX_EINPROGRESS;
	case ERR_VAL:		return -LX_EINVAL;
	case ERR_WOULDBLOCK:	return -LX_EAGAIN;
	case ERR_USE:		return -LX_EADDRINUSE;
	case ERR_ALREADY:	return -LX_EALREADY;
	case ERR_ISCONN:	return -LX_EISCONN;
	case ERR_CONN:		return -LX_ENOTCONN;
	case ERR_IF:		return -LX_ENETDOWN;
	case ERR_ABRT:		return -LX_ECONNABORTED;
	case ERR_RST:		return -LX_ECONNRESET;
	case ERR_CLSD:		return -LX_ENOTCONN;
	case ERR_ARG:		return -LX_EINVAL;
	default:		return -LX_EINVAL;
	}
}
