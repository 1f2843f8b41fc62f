/*
 * nclient -- tests/net/client.py's tests in C, for places without Python:
 * the Xen tier's dom0 (busybox) talks to the epecho appliance with it
 * (tests/xen/net.sh).  Built static.  PORT is epecho's base port (echo;
 * PORT+1 is the control port).
 *
 *   nclient conns HOST PORT N          N concurrent echo connections
 *   nclient bulk HOST PORT MB          MB each way through echo, both
 *                                      directions checksummed (FNV-1a 64)
 *   nclient udp HOST PORT N            N datagrams of varied sizes echoed
 *   nclient outbound HOST PORT SRVIP   serves SRVIP:9999 and has the guest
 *                                      connect there (control "connect")
 *   nclient http HOST PORT             GET /, prints the body's first line
 *   nclient ctl HOST PORT CMD...       one control command, prints reply
 * Prints one result line; exit status 0 on success.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* numeric addresses only: a static binary without NSS */
static int
addr(const char *host, int port, int type, struct sockaddr_storage *ss,
    socklen_t *sl)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;

	(void)type;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*sl = sizeof(*s6);
	} else {
		fprintf(stderr, "nclient: bad address %s\n", host);
		exit(2);
	}
	return ss->ss_family;
}

/* A connected (blocking, or non-blocking and maybe in progress) socket. */
static int
dial(const char *host, int port, int nonblock)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, fam = addr(host, port, SOCK_STREAM, &ss, &sl);

	fd = socket(fam, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 &&
	    !(nonblock && errno == EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads one line (without the newline) within 20 s. */
static int
getline_fd(int fd, char *b, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;

	while (n < len - 1) {
		if (poll(&p, 1, 20000) <= 0)
			break;
		if ((r = recv(fd, b + n, 1, 0)) <= 0)
			break;
		if (b[n] == '\n')
			break;
		n++;
	}
	b[n] = '\0';
	return (int)n;
}

static int
ctl(const char *host, int port, const char *cmd, char *rep, size_t len)
{
	int fd = dial(host, port + 1, 0);

	if (fd < 0) {
		snprintf(rep, len, "cannot connect: %s", strerror(errno));
		return -1;
	}
	dprintf(fd, "%s\n", cmd);
	getline_fd(fd, rep, len);
	close(fd);
	return 0;
}

static int
conns(const char *host, int port, int n)
{
	struct rlimit rl = { n + 64, n + 64 };
	struct pollfd *p = calloc(n, sizeof(*p));
	char *got = calloc(n, 64), want[64], rep[256];
	int *st = calloc(n, sizeof(int)), done = 0, i, k;
	double t0 = now();
	ssize_t r;

	setrlimit(RLIMIT_NOFILE, &rl);
	for (i = 0; i < n; i++) {
		if ((p[i].fd = dial(host, port, 1)) < 0) {
			printf("conns FAIL: socket %d: %s\n", i, strerror(errno));
			return 1;
		}
		p[i].events = POLLOUT;
	}
	while (done < n) {
		if (now() - t0 > 120) {
			printf("conns FAIL: timeout, %d of %d echoed\n", done, n);
			return 1;
		}
		if (poll(p, n, 1000) < 0)
			return 1;
		for (i = 0; i < n; i++) {
			if (p[i].revents == 0 || p[i].fd < 0)
				continue;
			snprintf(want, sizeof(want), "conn %d says hello\n", i);
			if (st[i] == 0) {
				if (send(p[i].fd, want, strlen(want), 0) !=
				    (ssize_t)strlen(want)) {
					printf("conns FAIL: connect %d: %s\n", i,
					    strerror(errno));
					return 1;
				}
				st[i] = 1;
				p[i].events = POLLIN;
				continue;
			}
			k = (int)strlen(got + 64 * i);
			r = recv(p[i].fd, got + 64 * i + k, 63 - k, 0);
			if (r <= 0) {
				printf("conns FAIL: %d closed early\n", i);
				return 1;
			}
			if (strcmp(got + 64 * i, want) == 0) {
				done++;
				p[i].events = 0;
			}
		}
	}
	ctl(host, port, "stats", rep, sizeof(rep));
	for (i = 0; i < n; i++)
		close(p[i].fd);
	printf("conns ok %d concurrent in %.1f s (guest: %s)\n", n,
	    now() - t0, rep);
	return 0;
}

static uint64_t
fnv(uint64_t h, const unsigned char *b, size_t n)
{

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static int
bulk(const char *host, int port, long mb)
{
	static unsigned char blk[65536], in[1 << 17];
	long total = mb << 20, sent = 0, got = 0;
	uint64_t hs = 0xcbf29ce484222325ULL, hr = hs, x = 42;
	struct pollfd p;
	double t0 = now(), last = t0;
	ssize_t r;
	size_t i;

	for (i = 0; i < sizeof(blk); i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		blk[i] = (unsigned char)(x >> 56);
	}
	if ((p.fd = dial(host, port, 0)) < 0) {
		printf("bulk FAIL: connect: %s\n", strerror(errno));
		return 1;
	}
	fcntl(p.fd, F_SETFL, O_NONBLOCK);
	while (got < total) {
		if (now() - last > 30) {
			printf("bulk FAIL: stalled at sent %ld got %ld\n", sent, got);
			return 1;
		}
		p.events = POLLIN | (sent < total ? POLLOUT : 0);
		if (poll(&p, 1, 1000) <= 0)
			continue;
		if ((p.revents & POLLOUT) && sent < total) {
			long off = sent % (long)sizeof(blk), k = sizeof(blk) - off;
			if (k > total - sent)
				k = total - sent;
			r = send(p.fd, blk + off, (size_t)k, MSG_NOSIGNAL);
			if (r > 0) {
				hs = fnv(hs, blk + off, (size_t)r);
				sent += r;
			}
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			r = recv(p.fd, in, sizeof(in), 0);
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				printf("bulk FAIL: EOF after %ld bytes\n", got);
				return 1;
			}
			if (r > 0) {
				hr = fnv(hr, in, (size_t)r);
				got += r;
				last = now();
			}
		}
	}
	close(p.fd);
	printf("bulk %s %ld MB each way in %.1f s (%.2f MB/s each way) "
	    "fnv %016llx\n", hs == hr ? "ok" : "MISMATCH", mb, now() - t0,
	    mb / (now() - t0), (unsigned long long)hr);
	return hs == hr ? 0 : 1;
}

static int
udp(const char *host, int port, int n)
{
	static const int sizes[] = { 1, 64, 512, 1472, 1400, 4000, 8000, 30000 };
	static unsigned char msg[30000], in[65536];
	struct sockaddr_storage ss;
	struct timeval tv = { 2, 0 };
	socklen_t sl;
	int fd, i, j, a, okc = 0, sz;

	fd = socket(addr(host, port, SOCK_DGRAM, &ss, &sl), SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < n; i++) {
		sz = sizes[i % 8];
		for (j = 0; j < sz; j++)
			msg[j] = (unsigned char)(i + j);
		for (a = 0; a < 3; a++) {
			sendto(fd, msg, sz, 0, (struct sockaddr *)&ss, sl);
			if (recv(fd, in, sizeof(in), 0) == sz &&
			    memcmp(in, msg, sz) == 0) {
				okc++;
				break;
			}
		}
	}
	printf("udp %s %d/%d datagrams echoed (sizes up to 30000)\n",
	    okc == n ? "ok" : "FAIL", okc, n);
	return okc == n ? 0 : 1;
}

static int
outbound(const char *host, int port, const char *srv)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct pollfd p;
	char line[256], msg[300], rep[400];
	int ls, c, a, one = 1;

	ls = socket(addr(srv, 9999, SOCK_STREAM, &ss, &sl), SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&ss, sl) != 0 || listen(ls, 1) != 0) {
		printf("outbound FAIL: listen on %s:9999: %s\n", srv,
		    strerror(errno));
		return 1;
	}
	if ((c = dial(host, port + 1, 0)) < 0) {
		printf("outbound FAIL: control: %s\n", strerror(errno));
		return 1;
	}
	dprintf(c, "connect %s 9999\n", srv);
	p.fd = ls;
	p.events = POLLIN;
	if (poll(&p, 1, 20000) <= 0 || (a = accept(ls, NULL, NULL)) < 0) {
		getline_fd(c, rep, sizeof(rep));
		printf("outbound FAIL: no connection from the guest (%s)\n", rep);
		return 1;
	}
	getline_fd(a, line, sizeof(line));
	snprintf(msg, sizeof(msg), "welcome %s\n", line);
	send(a, msg, strlen(msg), 0);
	close(a);
	getline_fd(c, rep, sizeof(rep));
	a = strncmp(rep, "connect ok", 10) == 0 &&
	    strstr(rep, "welcome hello tandem") != NULL;
	printf("outbound %s: guest says \"%s\"\n", a ? "ok" : "FAIL", rep);
	return a ? 0 : 1;
}

static int
http(const char *host, int port)
{
	char buf[2048], *body;
	size_t n = 0;
	ssize_t r;
	int fd = dial(host, port, 0);

	if (fd < 0) {
		printf("http FAIL: connect: %s\n", strerror(errno));
		return 1;
	}
	dprintf(fd, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", host);
	while (n < sizeof(buf) - 1 && (r = recv(fd, buf + n,
	    sizeof(buf) - 1 - n, 0)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	body = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.0 200 ", 13) != 0 || body == NULL) {
		printf("http FAIL: %.60s\n", buf);
		return 1;
	}
	body[strcspn(body + 4, "\n") + 4] = '\0';
	printf("http ok 200: %s\n", body + 4);
	return 0;
}

int
main(int argc, char **argv)
{
	char rep[512], cmd[256] = "";
	int i, port;

	if (argc < 4)
		goto usage;
	port = atoi(argv[3]);
	if (strcmp(argv[1], "conns") == 0 && argc == 5)
		return conns(argv[2], port, atoi(argv[4]));
	if (strcmp(argv[1], "bulk") == 0 && argc == 5)
		return bulk(argv[2], port, atol(argv[4]));
	if (strcmp(argv[1], "udp") == 0 && argc == 5)
		return udp(argv[2], port, atoi(argv[4]));
	if (strcmp(argv[1], "outbound") == 0 && argc == 5)
		return outbound(argv[2], port, argv[4]);
	if (strcmp(argv[1], "http") == 0 && argc == 4)
		return http(argv[2], port);
	if (strcmp(argv[1], "ctl") == 0 && argc >= 5) {
		for (i = 4; i < argc; i++)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
			    "%s%s", i > 4 ? " " : "", argv[i]);
		i = ctl(argv[2], port, cmd, rep, sizeof(rep));
		printf("%s\n", rep);
		return i == 0 ? 0 : 1;
	}
usage:
	fprintf(stderr, "usage: nclient conns|bulk|udp|outbound|http|ctl "
	    "HOST PORT [ARG...]\n");
	return 2;
}
