/*
 * xnet.c -- dom0 side of the Xen network tests (built static on the
 * host, copied into the job's directory, run by its hook script):
 *
 *   xnet ping IP COUNT       ICMP echo one after the other, each waits
 *                            1 s at most for its reply (none of the
 *                            first 10 answered: give up); "sent N received
 *                            M lost K in T s (R round trips/s)"; exit 0
 *                            iff nothing was lost or corrupted
 *   xnet l2echo IF MAC MIN MAX
 *                            one frame of each size MIN..MAX (EtherType
 *                            0x88b5, random payload) to MAC on IF; each
 *                            must come back intact (pingd mode=l2echo)
 *   xnet tcpecho IP PORT BYTES
 *                            BYTES through a TCP echo server (netecho),
 *                            written and read back concurrently; "tcpecho:
 *                            N bytes echoed intact|CORRUPT in T s"
 *   xnet tcpsay IP PORT TEXT one line to a TCP server, prints the reply line
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t
cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)random();
}

/* waits up to `left` s for something to read on fd */
static int
readable(int fd, double left)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	return left > 0 && poll(&pf, 1, (int)(left * 1000) + 1) == 1;
}

static int
ping(const char *ip, int count)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t pkt[64 + 8], rx[2048];
	int s, seq, got = 0, bad = 0, ident = getpid() & 0xffff;
	double t0, end;
	ssize_t n;

	if ((s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) < 0 ||
	    inet_pton(AF_INET, ip, &to.sin_addr) != 1)
		return perror("ping"), 2;
	t0 = now();
	for (seq = 0; seq < count; seq++) {
		if (seq >= 10 && got == 0) {
			printf("no reply to the first 10: giving up\n");
			count = seq;
			break;
		}
		memset(pkt, 0, 8);
		pkt[0] = 8;
		pkt[4] = ident >> 8; pkt[5] = ident & 255;
		pkt[6] = seq >> 8; pkt[7] = seq & 255;
		fill(pkt + 8, 56);
		uint16_t c = cksum(pkt, 64);
		pkt[2] = c >> 8; pkt[3] = c & 255;
		sendto(s, pkt, 64, 0, (struct sockaddr *)&to, sizeof(to));
		for (end = now() + 1.0; readable(s, end - now());) {
			if ((n = recv(s, rx, sizeof(rx), 0)) < 28)
				continue;
			int ihl = (rx[0] & 15) * 4;
			uint8_t *ic = rx + ihl;
			if (n < ihl + 64 || ic[0] != 0 ||
			    (ic[4] << 8 | ic[5]) != ident ||
			    (ic[6] << 8 | ic[7]) != seq)
				continue;
			if (memcmp(ic + 8, pkt + 8, 56) == 0 &&
			    cksum(ic, n - ihl) == 0)
				got++;
			else
				bad++;
			break;
		}
	}
	double dt = now() - t0;
	printf("sent %d received %d lost %d corrupt %d in %.2f s (%.0f round trips/s)\n",
	    count, got, count - got, bad, dt, dt > 0 ? got / dt : 0);
	return got == count && bad == 0 ? 0 : 1;
}

static int
l2echo(const char *ifn, const char *mac, int lo, int hi)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET,
	    .sll_protocol = htons(0x88b5) };
	struct ifreq ifr;
	uint8_t dst[6], me[6], f[2048], r[2048];
	int s, n, bad = 0, ok;
	ssize_t k;
	double end;

	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst[0], &dst[1],
	    &dst[2], &dst[3], &dst[4], &dst[5]) != 6)
		return fprintf(stderr, "bad mac\n"), 2;
	if ((s = socket(AF_PACKET, SOCK_RAW, htons(0x88b5))) < 0)
		return perror("socket"), 2;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifn);
	if (ioctl(s, SIOCGIFINDEX, &ifr) != 0)
		return perror(ifn), 2;
	sa.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(s, SIOCGIFHWADDR, &ifr) != 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return perror(ifn), 2;
	memcpy(me, ifr.ifr_hwaddr.sa_data, 6);
	for (n = lo; n <= hi; n++) {
		memcpy(f, dst, 6);
		memcpy(f + 6, me, 6);
		f[12] = 0x88; f[13] = 0xb5;
		fill(f + 14, n - 14);
		send(s, f, n, 0);
		ok = 0;
		for (end = now() + 2.0; readable(s, end - now());) {
			k = recv(s, r, sizeof(r), 0);
			if (k < 14 || memcmp(r + 6, dst, 6) != 0)
				continue;
			ok = k == n && memcmp(r, me, 6) == 0 &&
			    memcmp(r + 12, f + 12, n - 12) == 0;
			break;
		}
		if (!ok && ++bad <= 5)
			printf("frame of %d bytes: bad or no echo\n", n);
	}
	printf("l2echo: %d frames %d..%d, %d bad\n", hi - lo + 1, lo, hi, bad);
	return bad == 0 ? 0 : 1;
}

static int
tcp_to(const char *ip, int port)
{
	struct sockaddr_in sa;
	int s, err, tries;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	/*
	 * dom0's neighbour entry for the guest may be re-probed here (it
	 * went stale while the pings ran); under TCG its three probes can
	 * all go unanswered while the nested guest is descheduled, which
	 * connect reports as EHOSTUNREACH: try again a few times.
	 */
	for (tries = 0; ; tries++) {
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return -1;
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return s;
		err = errno;
		close(s);
		if (err != EHOSTUNREACH || tries == 4) {
			errno = err;
			perror("connect");
			return -1;
		}
		sleep(1);
	}
}

static int
tcpecho(const char *ip, int port, long total)
{
	static unsigned char out[65536], in[65536];
	long sent = 0, got = 0, bad = 0, i;
	struct pollfd p;
	double t0 = now();
	ssize_t n;
	int s;

	if ((s = tcp_to(ip, port)) < 0)
		return 1;
	for (i = 0; i < (long)sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	p.fd = s;
	while (got < total) {
		p.events = POLLIN | (sent < total ? POLLOUT : 0);
		if (poll(&p, 1, 20000) <= 0) {
			printf("tcpecho: stalled at %ld of %ld\n", got, total);
			return 1;
		}
		if ((p.revents & POLLOUT) && sent < total) {
			long off = sent % (long)sizeof(out), c = (long)sizeof(out) - off;
			if (c > total - sent)
				c = total - sent;
			if ((n = send(s, out + off, (size_t)c, MSG_DONTWAIT)) > 0)
				sent += n;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(s, in, sizeof(in), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && p.revents & (POLLHUP | POLLERR))) {
				printf("tcpecho: closed at %ld of %ld\n", got, total);
				return 1;
			}
			for (i = 0; i < n; i++)
				if (in[i] != out[(got + i) % (long)sizeof(out)])
					bad++;
			if (n > 0)
				got += n;
		}
	}
	close(s);
	printf("tcpecho: %ld bytes echoed %s in %.1f s\n", got,
	    bad ? "CORRUPT" : "intact", now() - t0);
	return bad != 0;
}

static int
tcpsay(const char *ip, int port, const char *text)
{
	char buf[512];
	size_t len = 0;
	ssize_t n;
	int s;

	if ((s = tcp_to(ip, port)) < 0)
		return 1;
	snprintf(buf, sizeof(buf), "%s\n", text);
	if (send(s, buf, strlen(buf), 0) < 0)
		return 1;
	while (len < sizeof(buf) - 1 && (n = recv(s, buf + len,
	    sizeof(buf) - 1 - len, 0)) > 0) {
		len += (size_t)n;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	buf[len] = '\0';
	printf("tcpsay: %s", buf);
	close(s);
	return len == 0;
}

int
main(int argc, char **argv)
{
	srandom(getpid());
	if (argc == 4 && strcmp(argv[1], "ping") == 0)
		return ping(argv[2], atoi(argv[3]));
	if (argc == 6 && strcmp(argv[1], "l2echo") == 0)
		return l2echo(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 5 && strcmp(argv[1], "tcpecho") == 0)
		return tcpecho(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 5 && strcmp(argv[1], "tcpsay") == 0)
		return tcpsay(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: xnet ping IP COUNT | l2echo IF MAC MIN MAX |"
	    " tcpecho IP PORT BYTES | tcpsay IP PORT TEXT\n");
	return 2;
}
