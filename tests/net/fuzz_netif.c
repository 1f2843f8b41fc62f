/*
 * fuzz_netif.c -- feeds generated and mutated Ethernet frames into the
 * netif input path of libos/net (lwIP included), built with ASan+UBSan:
 *   fuzz_netif CASES [SEED]
 * Frames come from templates (ARP, ICMP, UDP, TCP to a listening port and
 * to connections the stack really accepted, IPv4/IPv6 fragments, ND, RA,
 * MLD, extension headers), then get random mutations; most have their
 * checksums fixed afterwards so the mutations reach the parsers behind
 * the checksum checks.  Time is faked and timers run as frames flow; the
 * socket layer accepts, reads, writes and closes on the side.  Any crash
 * or sanitizer report fails; the last line is "N cases, ...".
 * rumpuser is stubbed here: only libos/net and lwIP are under test.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>
#include <rump/virtif.h>

#include "lx.h"
#include "net.h"
#include "net_int.h"
#include "sock.h"

/* ---- rumpuser stubs ---- */
static int64_t fake_ms = 1000;
static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}
static uint32_t rn(uint32_t n) { return n == 0 ? 0 : rnd() % n; }

void *rumpuser_libc_malloc(size_t n) { return malloc(n); }
void rumpuser_libc_free(void *p) { free(p); }
int
rumpuser_clock_gettime(int c, int64_t *sec, long *nsec)
{
	*sec = fake_ms / 1000;
	*nsec = (long)(fake_ms % 1000) * 1000000;
	return 0;
}
int
rumpuser_getrandom(void *b, size_t len, int f, size_t *got)
{
	size_t i;

	for (i = 0; i < len; i++)
		((uint8_t *)b)[i] = (uint8_t)rnd();
	*got = len;
	return 0;
}
void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
void rumpuser_exit(int c) { fflush(stdout); abort(); }
int rumpuser_getparam(const char *n, void *b, size_t l) { return 2; }
int rumpcomp_virt_create(const char *d, struct virtif_sc *sc, uint8_t *e,
    struct virtif_user **v) { return 6; }
void rumpcomp_virt_send(struct virtif_user *v, struct iovec *i, size_t n) {}
void rumpcomp_virt_destroy(struct virtif_user *v) {}
void rumpuser_mutex_init(struct rumpuser_mtx **m, int f) { *m = NULL; }
void rumpuser_mutex_enter(struct rumpuser_mtx *m) {}
void rumpuser_cv_init(struct rumpuser_cv **c) { *c = NULL; }
void rumpuser_cv_signal(struct rumpuser_cv *c) {}
int rumpuser_cv_timedwait(struct rumpuser_cv *c, struct rumpuser_mtx *m,
    int64_t s, int64_t n) { return 0; }
int rumpuser_thread_create(void *(*f)(void *), void *a, const char *n,
    int j, int p, int c, void **k) { return 0; }
int rumpuser_clock_sleep(int c, int64_t s, long n) { return 0; }

/* ---- frame building ---- */
static const uint8_t ourmac[6] = { 2, 0, 0, 0, 0, 0x42 };
static const uint8_t peermac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t our4[4] = { 192, 0, 2, 2 }, peer4[4] = { 192, 0, 2, 1 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static uint8_t f[2048];

struct conn { uint16_t port; uint32_t seq, ack; int v6, live; };
static struct conn conns[16];

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static uint32_t
sum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}
static unsigned
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static size_t
eth(uint16_t type)
{
	memcpy(f, rn(8) ? ourmac : (const uint8_t[6]){ 255, 255, 255, 255, 255, 255 }, 6);
	memcpy(f + 6, peermac, 6);
	put16(f + 12, type);
	return 14;
}

/* IPv4 header at f+14 with payload length plen; returns header size */
static size_t
ip4(uint8_t proto, size_t plen)
{
	uint8_t *h = f + 14;
	size_t hl = rn(8) ? 20 : 20 + 4 * (1 + rn(10));

	memset(h, 0, hl);
	h[0] = (uint8_t)(0x40 | hl / 4);
	put16(h + 2, (unsigned)(hl + plen));
	put16(h + 4, rnd());
	if (rn(10) == 0)
		put16(h + 6, (rn(2) ? 0x2000 : 0) | rn(200));	/* fragment */
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, rn(16) ? peer4 : (const uint8_t[4]){ 192, 0, 2, (uint8_t)rnd() }, 4);
	memcpy(h + 16, rn(16) ? our4 : (const uint8_t[4]){ 255, 255, 255, 255 }, 4);
	if (hl > 20)
		h[20] = (uint8_t)rn(8);		/* options */
	return hl;
}

static size_t
ip6(uint8_t nh, size_t plen)
{
	uint8_t *h = f + 14;

	memset(h, 0, 40);
	h[0] = 0x60;
	put16(h + 4, (unsigned)plen);
	h[6] = nh;
	h[7] = 255;
	memcpy(h + 8, peer6, 16);
	if (rn(4) == 0) {		/* link-local source */
		memset(h + 8, 0, 16);
		h[8] = 0xfe;
		h[9] = 0x80;
		h[23] = 1;
	}
	memcpy(h + 24, our6, 16);
	if (rn(6) == 0) {		/* all-nodes / solicited-node */
		memset(h + 24, 0, 16);
		h[24] = 0xff;
		h[25] = 2;
		h[39] = 1;
	}
	return 40;
}

static size_t
payload(uint8_t *p, size_t max)
{
	size_t n = rn(4) == 0 ? rn((uint32_t)max) : rn(64);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
	return n;
}

static size_t
tcp(uint8_t *t, struct conn *c)
{
	static const uint8_t flags[] = { 0x02, 0x10, 0x18, 0x11, 0x04, 0x14,
	    0x12, 0x19, 0x01, 0x3f };
	size_t hl = rn(4) == 0 ? 20 + 4 * rn(11) : 20, n, i;

	memset(t, 0, hl);
	put16(t, c != NULL ? c->port : 1024 + rn(1000));
	put16(t + 2, rn(8) ? 7 : rn(65536));
	put32(t + 4, c != NULL ? c->seq + (rn(4) ? 0 : rnd()) : rnd());
	put32(t + 8, c != NULL ? c->ack : rnd());
	t[12] = (uint8_t)(hl / 4) << 4;
	t[13] = c == NULL ? (rn(4) ? 0x02 : flags[rn(sizeof(flags))]) :
	    flags[rn(sizeof(flags))];
	put16(t + 14, rn(4) ? 65535 : rnd());
	for (i = 20; i < hl; i++)	/* options: MSS, WS, SACK, junk */
		t[i] = (uint8_t)(rn(3) ? rn(9) : rnd());
	n = payload(t + hl, 1400);
	if (c != NULL && !(t[13] & 0x06))
		c->seq += (uint32_t)n + (t[13] & 1);
	return hl + n;
}

/* Builds one frame from a template; returns its length. */
static size_t
build(void)
{
	size_t o = 14, h, n;
	uint8_t *p;
	struct conn *c;

	switch (rn(12)) {
	case 0:			/* ARP */
		eth(0x0806);
		p = f + 14;
		put16(p, 1); put16(p + 2, 0x800); p[4] = 6; p[5] = 4;
		put16(p + 6, 1 + rn(2));
		memcpy(p + 8, peermac, 6);
		memcpy(p + 14, peer4, 4);
		memset(p + 18, 0, 6);
		memcpy(p + 24, our4, 4);
		return 42;
	case 1:			/* ICMP echo (or other types) */
		eth(0x800);
		p = f + 14 + 20;
		memset(p, 0, 8);
		p[0] = rn(4) ? 8 : (uint8_t)rn(20);
		n = 8 + payload(p + 8, 1400);
		h = ip4(1, n);
		if (h != 20) memmove(f + 14 + h, p, n);
		return 14 + h + n;
	case 2: case 3:		/* UDP */
		eth(0x800);
		p = f + 14 + 60;
		put16(p, 1000 + rn(100)); put16(p + 2, rn(4) ? 7 : (rn(2) ? 68 : rn(65536)));
		n = 8 + payload(p + 8, 1400);
		put16(p + 4, (unsigned)n); put16(p + 6, 0);
		h = ip4(17, n);
		memmove(f + 14 + h, p, n);
		return 14 + h + n;
	case 4: case 5: case 6:	/* TCP: new or known connection */
		c = &conns[rn(16)];
		if (!c->live || c->v6 || rn(3) == 0)
			c = NULL;
		eth(0x800);
		p = f + 14 + 60;
		n = tcp(p, c);
		h = ip4(6, n);
		memmove(f + 14 + h, p, n);
		return 14 + h + n;
	case 7: case 8:		/* ICMPv6: echo, RS/RA/NS/NA/redirect, MLD */
		eth(0x86dd);
		p = f + 14 + 40;
		memset(p, 0, 32);
		p[0] = (uint8_t)(rn(3) ? 128 + rn(10) : rn(256));
		n = 8 + payload(p + 8, 1200);
		if (p[0] == 134 && n < 32) {		/* RA with a prefix */
			n = 48;
			p[16] = 3; p[17] = 4; p[18] = 64; p[19] = 0xc0;
			put32(p + 20, 3600); put32(p + 24, 1800);
			memcpy(p + 32, our6, 8);
		}
		ip6(58, n);
		return o + 40 + n;
	case 9:			/* IPv6 TCP/UDP */
		c = &conns[rn(16)];
		if (!c->live || !c->v6 || rn(3) == 0)
			c = NULL;
		eth(0x86dd);
		p = f + 14 + 40;
		if (rn(2)) {
			n = tcp(p, c);
			ip6(6, n);
		} else {
			put16(p, 1000); put16(p + 2, 7);
			n = 8 + payload(p + 8, 1200);
			put16(p + 4, (unsigned)n); put16(p + 6, 0);
			ip6(17, n);
		}
		return o + 40 + n;
	case 10:		/* IPv6 extension headers / fragments */
		eth(0x86dd);
		p = f + 14 + 40;
		n = 8 + payload(p + 8, 1200);
		p[0] = (uint8_t)(rn(2) ? 17 : 58);
		p[1] = 0;
		if (rn(2)) {			/* fragment header */
			put16(p + 2, (unsigned)(rn(100) << 3 | rn(2)));
			put32(p + 4, rn(4));
			ip6(44, n);
		} else {			/* hop-by-hop / dest opts */
			p[1] = (uint8_t)rn(3);
			ip6(rn(2) ? 0 : 60, n);
		}
		return o + 40 + n;
	default:		/* random EtherType and bytes */
		eth(rn(2) ? 0x800 : (uint16_t)rnd());
		return 14 + payload(f + 14, 1500);
	}
}

/* Recomputes IPv4/TCP/UDP/ICMP(v6) checksums where the headers allow. */
static void
fix(size_t len)
{
	uint8_t *h = f + 14, *t;
	size_t hl, tot, pl;
	uint32_t s;
	unsigned nh, off;

	if (len < 14 + 20)
		return;
	if (get16(f + 12) == 0x800 && (h[0] >> 4) == 4) {
		hl = (size_t)(h[0] & 15) * 4;
		tot = get16(h + 2);
		if (hl < 20 || 14 + hl > len)
			return;
		put16(h + 10, 0);
		put16(h + 10, fold(sum(h, hl, 0)));
		if (tot < hl || 14 + tot > len || (get16(h + 6) & 0x3fff))
			return;
		t = h + hl;
		pl = tot - hl;
		off = h[9] == 6 ? 16 : h[9] == 17 ? 6 : h[9] == 1 ? 2 : 0;
		if (off == 0 || pl < off + 2u)
			return;
		put16(t + off, 0);
		s = h[9] == 1 ? 0 : sum(h + 12, 8, (uint32_t)h[9] + (uint32_t)pl);
		put16(t + off, fold(sum(t, pl, s)));
	} else if (get16(f + 12) == 0x86dd && len >= 14 + 40) {
		pl = get16(h + 4);
		nh = h[6];
		t = h + 40;
		if (14 + 40 + pl > len)
			return;
		off = nh == 6 ? 16 : nh == 17 ? 6 : nh == 58 ? 2 : 0;
		if (off == 0 || pl < off + 2u)
			return;
		put16(t + off, 0);
		s = sum(h + 8, 32, (uint32_t)nh + (uint32_t)pl);
		put16(t + off, fold(sum(t, pl, s)));
	}
}

static void
mutate(size_t *len)
{
	unsigned k = 1 + rn(8), i, at;

	for (i = 0; i < k; i++) {
		at = rn((uint32_t)*len);
		switch (rn(4)) {
		case 0: f[at] ^= (uint8_t)(1 << rn(8)); break;
		case 1: f[at] = (uint8_t)rnd(); break;
		case 2: f[at] = (uint8_t)(rn(2) ? 0 : 0xff); break;
		default: f[at] = (uint8_t)(f[at] + 1 - 2 * rn(2)); break;
		}
	}
	if (rn(8) == 0)
		*len = rn((uint32_t)*len + 1);
	else if (rn(16) == 0 && *len < sizeof(f) - 64)
		*len += rn(64);
}

/* Learns the connections the stack accepted from its SYN-ACKs. */
static void
tx(const void *frame, size_t len)
{
	const uint8_t *e = frame, *h = e + 14, *t;
	struct conn *c;
	int v6;

	if (len < 14 + 40 + 20)
		return;
	v6 = get16(e + 12) == 0x86dd;
	if (!v6 && (get16(e + 12) != 0x800 || h[9] != 6))
		return;
	if (v6 && h[6] != 6)
		return;
	t = v6 ? h + 40 : h + (h[0] & 15) * 4;
	if (t + 20 > e + len || t[13] != 0x12)
		return;
	c = &conns[rn(16)];
	c->port = (uint16_t)get16(t + 2);
	c->seq = get32(t + 8);
	c->ack = get32(t + 4) + 1;
	c->v6 = v6;
	c->live = 1;
}

static struct lsock *lis[2], *acc[64];

static long
xrecv_any(struct lsock *s, char *buf, size_t len)
{
	struct lx_iovec iov = { buf, len };
	struct lx_msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	return lsock_recvmsg(s, (void *)&m, rn(4) == 0 ? LX_MSG_PEEK : 0);
}

static void
sockets(void)
{
	struct lx_sockaddr_in6 sa;
	char buf[4096];
	struct lsock *n;
	int i, zero = 0;

	if (lis[0] == NULL) {
		memset(&sa, 0, sizeof(sa));
		sa.sin6_family = LX_AF_INET6;
		sa.sin6_port = (uint16_t)(7 << 8);
		lsock_socket(LX_AF_INET6, LX_SOCK_STREAM, 0, &lis[0]);
		lsock_setsockopt(lis[0], LX_IPPROTO_IPV6, LX_IPV6_V6ONLY, &zero,
		    sizeof(zero));
		lsock_bind(lis[0], (void *)&sa, sizeof(sa));
		lsock_listen(lis[0], 32);
		lsock_socket(LX_AF_INET6, LX_SOCK_DGRAM, 0, &lis[1]);
		lsock_bind(lis[1], (void *)&sa, sizeof(sa));
	}
	while (lsock_accept(lis[0], &n, NULL, NULL) == 0) {
		i = (int)rn(64);
		if (acc[i] != NULL)
			lsock_close(acc[i]);
		acc[i] = n;
	}
	for (i = 0; i < 64; i++) {
		if (acc[i] == NULL)
			continue;
		(void)xrecv_any(acc[i], buf, sizeof(buf));
		if (rn(4) == 0) {
			struct lx_iovec iov = { buf, rn(sizeof(buf)) };
			struct lx_msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
			lsock_sendmsg(acc[i], (void *)&m, 0);
		}
		if (rn(32) == 0) {
			if (rn(2)) {
				struct lx_linger l = { 1, 0 };
				lsock_setsockopt(acc[i], LX_SOL_SOCKET,
				    LX_SO_LINGER, &l, sizeof(l));
			}
			lsock_close(acc[i]);
			acc[i] = NULL;
		}
	}
	{
		struct lx_sockaddr_storage ss;
		struct lx_iovec iov = { buf, sizeof(buf) };
		struct lx_msghdr m = { .msg_name = &ss, .msg_namelen = sizeof(ss),
		    .msg_iov = &iov, .msg_iovlen = 1 };
		while (lsock_recvmsg(lis[1], (void *)&m, 0) >= 0)
			m.msg_namelen = sizeof(ss);
	}
}

int
main(int argc, char **argv)
{
	unsigned long cases = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned long i, fixed = 0, accepted;
	struct lnet_stats st;
	struct netif *nif;
	size_t len;

	if (argc > 2)
		rng ^= strtoull(argv[2], NULL, 10) * 0x9e3779b97f4a7c15ULL;
	lnet_test_init();
	if ((nif = lnet_test_netif("192.0.2.2/24", "2001:db8::2/64")) == NULL) {
		printf("fuzz: no test interface\n");
		return 1;
	}
	lnet_test_tx = tx;
	sockets();
	for (i = 0; i < cases; i++) {
		len = build();
		if (rn(2))
			mutate(&len);
		if (rn(4)) {
			fix(len);
			fixed++;
		}
		lnet_test_input(nif, f, len);
		if ((i & 63) == 0) {
			fake_ms += rn(700);
			lnet_test_timers();
			sockets();
		}
	}
	lnet_stats(&st);
	accepted = st.tcp_active;
	printf("%lu cases, %lu with fixed checksums, 0 crashes (tcp pcbs %lu, "
	    "stack memory %zu, peak %zu)\n", cases, fixed, accepted,
	    st.mem_inuse, st.mem_peak);
	return 0;
}
