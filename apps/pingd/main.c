/*
 * pingd -- answers ARP and ICMP echo by itself over the NIC contract (no
 * TCP/IP stack), to test virtio-net and the NIC registry from outside.
 *
 *   pingd [ip=ADDR/PREFIX] [count=N] [mode=icmp|l2echo] [dev=N]
 *
 * icmp (default): replies to ARP requests for ADDR and ICMP echo
 * requests to it; exits 0 after N replies (0 = never).  l2echo: sends
 * every frame of EtherType 0x88b5 back to its sender unchanged but for
 * the swapped addresses; exits 0 after N echoes.  The words may also be
 * boot parameters (before the app's arguments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#define ETH_ARP		0x0806
#define ETH_IP		0x0800
#define ETH_L2ECHO	0x88b5

static struct td_netdev *nd;
static uint8_t mymac[6];
static uint32_t myip;			/* host order */
static unsigned long want, replies, dropped;
static int l2echo;
static struct td_thread *mainthr;

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static uint16_t
cksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
send(uint8_t *f, size_t len)
{
	struct td_iovec iov = { f, len };

	memcpy(f, f + 6, 6);		/* back to the sender */
	memcpy(f + 6, mymac, 6);
	if (td_netdev_xmit(nd, &iov, 1) != 0)
		dropped++;
}

static void
counted(void)
{
	if (++replies == want)
		td_thread_wake(mainthr);
}

static void
arp(uint8_t *f, size_t len)
{
	uint8_t *a = f + 14;

	if (len < 42 || get16(a) != 1 || get16(a + 2) != ETH_IP ||
	    get16(a + 6) != 1 || get32(a + 24) != myip)
		return;
	put16(a + 6, 2);			/* reply */
	memcpy(a + 18, a + 8, 10);		/* target = the asker */
	memcpy(a + 8, mymac, 6);
	put16(a + 14, (uint16_t)(myip >> 16));
	put16(a + 16, (uint16_t)myip);
	send(f, len);
}

static void
icmp(uint8_t *f, size_t len)
{
	uint8_t *ip = f + 14, *ic, tmp[4];
	size_t ihl, tot;

	if (len < 34 || (ip[0] >> 4) != 4 || ip[9] != 1 ||
	    get32(ip + 16) != myip)
		return;
	ihl = (size_t)(ip[0] & 15) * 4;
	tot = get16(ip + 2);
	if (ihl < 20 || tot < ihl + 8 || 14 + tot > len ||
	    cksum(ip, ihl) != 0)
		return;
	ic = ip + ihl;
	if (ic[0] != 8 || cksum(ic, tot - ihl) != 0)
		return;
	ic[0] = 0;				/* echo reply */
	put16(ic + 2, 0);
	put16(ic + 2, cksum(ic, tot - ihl));
	memcpy(tmp, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, tmp, 4);
	ip[8] = 64;
	put16(ip + 10, 0);
	put16(ip + 10, cksum(ip, ihl));
	send(f, 14 + tot);
	counted();
}

/* Receive thread: one frame at a time, copied so we may rewrite it. */
static void
input(void *arg, const struct td_iovec *iov, size_t niov)
{
	static uint8_t f[1536];
	size_t len = 0, i;

	for (i = 0; i < niov; i++) {
		if (len + iov[i].iov_len > sizeof(f))
			return;
		memcpy(f + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (len < 14)
		return;
	if (l2echo) {
		if (get16(f + 12) == ETH_L2ECHO) {
			send(f, len);
			counted();
		}
	} else if (get16(f + 12) == ETH_ARP) {
		arp(f, len);
	} else if (get16(f + 12) == ETH_IP) {
		icmp(f, len);
	}
}

static const char *
opt(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return td_param(key);
}

static int
parse_ip(const char *s, uint32_t *ip, int *prefix)
{
	unsigned long v[4];
	char *e;
	int i;

	for (i = 0; i < 4; i++) {
		v[i] = strtoul(s, &e, 10);
		if (e == s || v[i] > 255 || (i < 3 && *e != '.'))
			return -1;
		s = e + 1;
	}
	*ip = (uint32_t)(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);
	*prefix = *e == '/' ? atoi(e + 1) : 32;
	return 0;
}

int
main(int argc, char **argv)
{
	struct td_netclient c = { .input = input };
	const char *s;
	int prefix = 24, n;

	mainthr = td_thread_self();
	s = opt(argc, argv, "ip");
	if (parse_ip(s != NULL ? s : "192.0.2.2/24", &myip, &prefix) != 0) {
		printf("pingd: bad ip=%s\n", s);
		return 2;
	}
	want = (s = opt(argc, argv, "count")) != NULL ? strtoul(s, NULL, 10) : 0;
	s = opt(argc, argv, "mode");
	l2echo = s != NULL && strcmp(s, "l2echo") == 0;
	n = (s = opt(argc, argv, "dev")) != NULL ? atoi(s) : 0;
	if ((nd = td_netdev_byindex(n)) == NULL) {
		printf("pingd: no network device %d\n", n);
		return 1;
	}
	memcpy(mymac, td_netdev_info(nd)->mac, 6);
	if (td_netdev_attach(nd, &c) != 0) {
		printf("pingd: cannot attach to the device\n");
		return 1;
	}
	printf("pingd: ready, %s on %02x:%02x:%02x:%02x:%02x:%02x, ip %u.%u.%u.%u/%d, count %lu\n",
	    l2echo ? "l2echo" : "icmp", mymac[0], mymac[1], mymac[2],
	    mymac[3], mymac[4], mymac[5], myip >> 24, (myip >> 16) & 255,
	    (myip >> 8) & 255, myip & 255, prefix, want);
	while (want == 0 || replies < want) {
		td_thread_prepare_block();
		if (want == 0 || replies < want)
			td_thread_block(UINT64_MAX);
	}
	/* the NIC contract has no "transmit done": give the device a moment
	 * to send the last reply before the VM goes away */
	td_sleep_ns(200 * 1000 * 1000);
	td_netdev_detach(nd);
	printf("pingd: %lu %s sent, %lu dropped\n", replies,
	    l2echo ? "echoes" : "replies", dropped);
	return 0;
}
