/*
 * cfg.c -- bringing the stack up: boot parameters to addresses (static,
 * DHCP, SLAAC), the bounded wait for DHCP, the "net" thread that runs
 * lwIP's timers and loopback, and the counters.
 */
#include <rump/rumpuser.h>

#include "lwip/opt.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "lwip/sys.h"
#include "lx.h"
#include "net_int.h"
#include "cfg.h"

static struct rumpuser_mtx *net_mtx;
static struct rumpuser_cv *net_cv;
/* The net thread: awake (NET_AWAKE), asleep until net_deadline (ms of
 * sys_now()) with a check wanted after each call into lwIP
 * (NET_SLEEP_WATCH), or asleep for so short a time that no timeout lwIP
 * can add meanwhile comes earlier (NET_SLEEP_SHORT; see lnet_after). */
#define NET_AWAKE		0
#define NET_SLEEP_WATCH		1
#define NET_SLEEP_SHORT		2
static int net_sleeping;
static u32_t net_deadline;
static int net_state;			/* 0 not yet, 1 up, <0 failed */
static struct netif *dhcp_nifs[8];
static int ndhcp;

static const char *
param(const char *key, int unit, char *buf, size_t len)
{
	char name[32];
	size_t n;

	n = strlen(key);
	if (n + 4 > sizeof(name))
		return NULL;
	memcpy(name, key, n + 1);
	if (unit > 0) {
		name[n] = '.';
		name[n + 1] = (char)('0' + unit);
		name[n + 2] = '\0';
	}
	if (rumpuser_getparam(name, buf, len) != 0)
		return NULL;
	return buf;
}

/* "A.B.C.D/P" or "X::Y/P" -> address text (in buf) and prefix */
static int
split_prefix(const char *s, char *buf, size_t len, int *prefix, int max)
{
	const char *slash = NULL, *p;
	size_t n;
	int v = 0;

	for (p = s; *p != '\0'; p++)
		if (*p == '/')
			slash = p;
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n + 1 > len)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*prefix = max;
	if (slash != NULL) {
		if (slash[1] == '\0')
			return -1;
		for (p = slash + 1; *p != '\0'; p++) {
			if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > max)
				return -1;
		}
		*prefix = v;
	}
	return 0;
}

static int
cfg_ip4(struct netif *nif, const char *ip4, const char *gw)
{
	ip4_addr_t a, m, g;
	char buf[48];
	int prefix;

	if (split_prefix(ip4, buf, sizeof(buf), &prefix, 32) != 0 ||
	    !ip4addr_aton(buf, &a))
		return -1;
	ip4_addr_set_u32(&m, prefix == 0 ? 0 :
	    lwip_htonl(0xffffffffu << (32 - prefix)));
	ip4_addr_set_zero(&g);
	if (gw != NULL && !ip4addr_aton(gw, &g))
		return -2;
	netif_set_addr(nif, &a, &m, &g);
	return 0;
}

static int
cfg_ip6(struct netif *nif, const char *ip6)
{
	ip6_addr_t a;
	char buf[64];
	int prefix;
	s8_t idx;

	/* lwIP treats a static address's prefix as on-link /64 */
	if (split_prefix(ip6, buf, sizeof(buf), &prefix, 128) != 0 ||
	    !ip6addr_aton(buf, &a))
		return -1;
	if (netif_add_ip6_address(nif, &a, &idx) != ERR_OK)
		return -1;
	netif_ip6_addr_set_state(nif, idx, IP6_ADDR_PREFERRED);
	return 0;
}

static void
nif_up(struct netif *nif, int v6)
{

	if (v6) {
		netif_create_ip6_linklocal_address(nif, 1);
		netif_set_ip6_autoconfig_enabled(nif, 1);
	}
	netif_set_up(nif);
	netif_set_link_up(nif);
	if (netif_default == NULL)
		netif_set_default(nif);
}

int
lnet_cfg_static(struct netif *nif, const char *ip4, const char *gw,
    const char *ip6)
{

	if (ip4 != NULL && cfg_ip4(nif, ip4, gw) != 0)
		return -1;
	nif_up(nif, 1);
	if (ip6 != NULL && cfg_ip6(nif, ip6) != 0)
		return -1;
	return 0;
}

static void
bad(const char *key, int unit, const char *val)
{

	rumpuser_dprintf("tandem: net: bad %s%s%c=%s\n", key, unit ? "." : "",
	    unit ? '0' + unit : ' ', val);
}

int
lnet_cfg_nic(struct netif *nif, int unit)
{
	char ip4[64], gw[64], ip6[80], host[64];
	const char *s4, *sg, *s6;
	int dhcp, v6, rv;

	s4 = param("ip", unit, ip4, sizeof(ip4));
	sg = param("gw", unit, gw, sizeof(gw));
	s6 = param("ip6", unit, ip6, sizeof(ip6));
	dhcp = s4 == NULL || strcmp(s4, "dhcp") == 0;
	v6 = s6 == NULL || strcmp(s6, "none") != 0;
	if (s4 != NULL && (dhcp || strcmp(s4, "none") == 0))
		s4 = NULL;
	if (s4 != NULL && (rv = cfg_ip4(nif, s4, sg)) != 0) {
		if (rv == -2)
			bad("gw", unit, sg);
		else
			bad("ip", unit, s4);
		return -1;
	}
	if (rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, host,
	    sizeof(host)) == 0) {
		static char names[8][64];

		memcpy(names[unit & 7], host, sizeof(host));
		netif_set_hostname(nif, names[unit & 7]);
	}
	nif_up(nif, v6);
	if (v6 && s6 != NULL && cfg_ip6(nif, s6) != 0) {
		bad("ip6", unit, s6);
		return -1;
	}
	if (dhcp && ndhcp < 8 && dhcp_start(nif) == ERR_OK)
		dhcp_nifs[ndhcp++] = nif;
	return 0;
}

static int
cfg_dns(void)
{
	char buf[64];
	const char *keys[2] = { "dns", "dns2" };
	ip_addr_t a;
	int i;

	for (i = 0; i < 2; i++) {
		if (rumpuser_getparam(keys[i], buf, sizeof(buf)) != 0)
			continue;
		if (!ipaddr_aton(buf, &a)) {
			rumpuser_dprintf("tandem: net: bad %s=%s\n", keys[i], buf);
			return -1;
		}
		dns_setserver((u8_t)i, &a);
	}
	return 0;
}

/* ---- the net thread ---- */

/* Loopback frames wait on their interface until polled; delivering
 * one may queue another (a SYN's answer), hence the loop. */
static void
poll_loops(void)
{
	struct netif *nif;
	int again, rounds = 0;

	do {
		again = 0;
		NETIF_FOREACH(nif)
			if (nif->loop_first != NULL) {
				netif_poll(nif);
				again = 1;
			}
	} while (again && ++rounds < 64);
}

void
lnet_after(void)
{
	u32_t ms;

	poll_loops();
	/* The common case costs no clock read: every call runs while the
	 * net thread sleeps until a cyclic timer (MLD's, every 100 ms) */
	if (net_sleeping != NET_SLEEP_WATCH)
		return;
	ms = sys_timeouts_sleeptime();
	if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
	    (s32_t)(sys_now() + ms - net_deadline) < 0) {
		net_sleeping = NET_AWAKE;
		rumpuser_cv_signal(net_cv);
	}
}

static void *
net_thread(void *arg)
{
	u32_t ms;

	rumpuser_mutex_enter(net_mtx);
	for (;;) {
		sys_check_timeouts();
		poll_loops();
		ms = sys_timeouts_sleeptime();
		if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || ms > 1000)
			ms = 1000;
		net_deadline = sys_now() + ms;
		/*
		 * The only timeout lwIP adds outside this thread's own
		 * sys_check_timeouts() is the TCP timer (tcp_timer_needed(),
		 * TCP_TMR_INTERVAL from the moment it is added): it cannot
		 * come before a deadline at most that far away.  Longer
		 * sleeps are watched by lnet_after().
		 */
		net_sleeping = ms <= TCP_TMR_INTERVAL ? NET_SLEEP_SHORT :
		    NET_SLEEP_WATCH;
		(void)rumpuser_cv_timedwait(net_cv, net_mtx, ms / 1000,
		    (int64_t)(ms % 1000) * 1000000);
		net_sleeping = NET_AWAKE;
	}
	return NULL;
}

/* Appends to a bounded string (no C library here). */
static void
cat(char *buf, size_t len, size_t *at, const char *s)
{

	while (*s != '\0' && *at + 1 < len)
		buf[(*at)++] = *s++;
	buf[*at < len ? *at : len - 1] = '\0';
}

static void
describe_nif(struct netif *nif, char *buf, size_t len, size_t *at)
{
	char a[48], unit[4];
	int i, p;

	unit[0] = (char)('0' + lnet_nic_unit(nif));
	unit[1] = '\0';
	cat(buf, len, at, "virt");
	cat(buf, len, at, unit);
	if (!ip4_addr_isany_val(*netif_ip4_addr(nif))) {
		cat(buf, len, at, " inet ");
		cat(buf, len, at, ip4addr_ntoa_r(netif_ip4_addr(nif), a,
		    sizeof(a)));
		p = 0;
		for (i = 0; i < 32; i++)
			if (lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(nif))) &
			    (1u << i))
				p++;
		unit[0] = (char)('0' + p / 10);
		unit[1] = (char)('0' + p % 10);
		unit[2] = '\0';
		cat(buf, len, at, "/");
		cat(buf, len, at, p >= 10 ? unit : unit + 1);
	}
	if (!ip4_addr_isany_val(*netif_ip4_gw(nif))) {
		cat(buf, len, at, " gw ");
		cat(buf, len, at, ip4addr_ntoa_r(netif_ip4_gw(nif), a,
		    sizeof(a)));
	}
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (ip6_addr_isvalid(netif_ip6_addr_state(nif, i))) {
			cat(buf, len, at, " inet6 ");
			cat(buf, len, at, ip6addr_ntoa_r(netif_ip6_addr(nif, i),
			    a, sizeof(a)));
		}
}

int
lnet_describe(char *buf, size_t len)
{
	struct netif *nif;
	const ip_addr_t *d;
	char a[48];
	size_t at = 0;
	int i;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	NETIF_FOREACH(nif) {
		if (nif->name[0] != 'v')
			continue;
		describe_nif(nif, buf, len, &at);
		cat(buf, len, &at, "\n");
	}
	for (i = 0; i < DNS_MAX_SERVERS; i++)
		if ((d = dns_getserver((u8_t)i)) != NULL && !ip_addr_isany(d)) {
			cat(buf, len, &at, "dns ");
			cat(buf, len, &at, ipaddr_ntoa_r(d, a, sizeof(a)));
			cat(buf, len, &at, "\n");
		}
	return (int)at;
}

static void
print_nif(struct netif *nif)
{
	char buf[512];
	size_t at = 0;

	describe_nif(nif, buf, sizeof(buf), &at);
	rumpuser_dprintf("tandem: net: %s (%02x:%02x:%02x:%02x:%02x:%02x)\n", buf,
	    nif->hwaddr[0], nif->hwaddr[1], nif->hwaddr[2], nif->hwaddr[3],
	    nif->hwaddr[4], nif->hwaddr[5]);
}

static int
dhcp_pending(void)
{
	int i, n = 0;

	for (i = 0; i < ndhcp; i++)
		if (!dhcp_supplied_address(dhcp_nifs[i]))
			n++;
	return n;
}

static void
wait_dhcp(void)
{
	char buf[16];
	int64_t waitms = 10000, t;
	const char *p;

	if (rumpuser_getparam("net_wait", buf, sizeof(buf)) == 0) {
		waitms = 0;
		for (p = buf; *p >= '0' && *p <= '9'; p++)
			waitms = waitms * 10 + (*p - '0');
		waitms *= 1000;
	}
	for (t = 0; t < waitms && dhcp_pending() > 0; t += 20)
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 20000000);
	if (dhcp_pending() > 0)
		rumpuser_dprintf("tandem: net: no DHCP answer after %lld s; still "
		    "trying in the background\n", (long long)(waitms / 1000));
}

static void
set_budget(void)
{
	char buf[32];
	uint64_t ram = 0;
	const char *p;

	/* RUMP_MEMLIMIT is all of RAM here: the stack may use a quarter,
	 * at least 16 MiB (so a small guest still gets full windows). */
	if (rumpuser_getparam("RUMP_MEMLIMIT", buf, sizeof(buf)) == 0)
		for (p = buf; *p >= '0' && *p <= '9'; p++)
			ram = ram * 10 + (uint64_t)(*p - '0');
	ram /= 4;
	if (ram < (16u << 20))
		ram = 16u << 20;
	lnet_mem_setbudget((size_t)ram);
}

void
lnet_test_init(void)
{

	set_budget();
	lwip_init();
	net_state = 1;		/* sockets must not start the real thing */
}

void
lnet_test_timers(void)
{

	sys_check_timeouts();
	poll_loops();
}

int
lnet_init(void)
{
	struct netif *nif;
	void *cookie;
	int n;

	if (net_state != 0)
		return net_state > 0 ? 0 : net_state;
	net_state = -LX_EINVAL;
	set_budget();
	lwip_init();
	if (cfg_dns() != 0 || (n = lnet_nics_attach()) < 0)
		return net_state;
	rumpuser_mutex_init(&net_mtx, 0);
	rumpuser_cv_init(&net_cv);
	if (rumpuser_thread_create(net_thread, NULL, "net", 0, 0, -1,
	    &cookie) != 0)
		return net_state = -LX_ENOMEM;
	net_state = 1;
	if (ndhcp > 0)
		wait_dhcp();
	NETIF_FOREACH(nif)
		if (nif->name[0] == 'v')
			print_nif(nif);
	if (n == 0)
		rumpuser_dprintf("tandem: net: no NIC; loopback only\n");
	for (n = 0; n < DNS_MAX_SERVERS; n++) {
		const ip_addr_t *d = dns_getserver((u8_t)n);
		char a[48];

		if (d != NULL && !ip_addr_isany(d))
			rumpuser_dprintf("tandem: net: dns %s\n", ipaddr_ntoa_r(d, a,
			    sizeof(a)));
	}
	return 0;
}

int
lnet_dns_server(int i, struct sockaddr *sa, unsigned int *len)
{
	const ip_addr_t *a;
	struct lx_sockaddr_in *sin = (void *)sa;
	struct lx_sockaddr_in6 *sin6 = (void *)sa;

	if (i < 0 || i >= DNS_MAX_SERVERS)
		return -LX_ENOENT;
	a = dns_getserver((u8_t)i);
	if (a == NULL || ip_addr_isany(a))
		return -LX_ENOENT;
	if (IP_IS_V4(a)) {
		if (*len < sizeof(*sin))
			return -LX_EINVAL;
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = LX_AF_INET;
		sin->sin_addr = ip4_addr_get_u32(ip_2_ip4(a));
		*len = sizeof(*sin);
	} else {
		if (*len < sizeof(*sin6))
			return -LX_EINVAL;
		memset(sin6, 0, sizeof(*sin6));
		sin6->sin6_family = LX_AF_INET6;
		memcpy(sin6->sin6_addr, ip_2_ip6(a)->addr, 16);
		*len = sizeof(*sin6);
	}
	return 0;
}

static unsigned
count_tcp(struct tcp_pcb *p)
{
	unsigned n = 0;

	for (; p != NULL; p = p->next)
		n++;
	return n;
}

void
lnet_stats(struct lnet_stats *st)
{
	struct lnet_memstats ms;
	struct udp_pcb *u;

	lnet_mem_stats(&ms);
	st->mem_inuse = ms.inuse;
	st->mem_peak = ms.peak;
	st->mem_budget = ms.budget;
	st->mem_fails = ms.fails;
	st->socks = lnet_nsocks;
	st->tcp_active = count_tcp(tcp_active_pcbs);
	st->tcp_tw = count_tcp(tcp_tw_pcbs);
	st->tcp_listen = count_tcp((struct tcp_pcb *)tcp_listen_pcbs.pcbs);
	st->udp = 0;
	for (u = udp_pcbs; u != NULL; u = u->next)
		st->udp++;
	lnet_nic_counters(&st->rx_frames, &st->tx_frames, &st->rx_dropped);
}
