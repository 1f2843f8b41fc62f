/*
 * xapp-client.c -- the load generator of bench/xen-apps.sh, run in the
 * nested Xen dom0 (busybox, no Python, no wrk, no redis-benchmark), so
 * built static on the host.  The same client for both guests: what
 * differs between two rows is only the guest behind the bridge.
 *
 *   xapp-client arp IP MAC DEV
 *       a permanent neighbour entry: the launch -> first answer poll must
 *       not wait for ARP retries (the guest's MAC is fixed by its vif)
 *   xapp-client first echo|http|redis IP PORT START TIMEOUT
 *       polls (a fresh connection every ~20 ms, 200 ms each) until one
 *       request is answered; START is the CLOCK_REALTIME second the
 *       domain was made (libxl's /vm/UUID/start_time):
 *       "first N.NNN s (M.MMM s after the poll began)" (answer - START;
 *       the poll begins when xl create has returned: the domain runs)
 *   xapp-client rr IP PORT SECS CONNS
 *       1-byte request/response through echo (PORT), CONNS connections
 *       each with one byte in flight: "rr CONNS conns: N transactions/s"
 *   xapp-client tput IP PORT SECS
 *       SECS of writing into discard (PORT+2), then SECS of reading from
 *       source (PORT+12): "tput host->guest A MB/s guest->host B MB/s"
 *   xapp-client setup IP PORT SECS
 *       connection setup rate: connect to echo (PORT), one byte there and
 *       back (the server has accepted), close; one after the other:
 *       "setup N connections/s (E errors)"
 *   xapp-client http IP PORT PATH SECS CONNS
 *       keep-alive GET PATH, one in flight per connection (as wrk):
 *       "http N requests/s (M answers, E errors)"
 *   xapp-client redis IP PORT SECS CONNS PIPE get|set
 *       redis-benchmark's SET/GET (key "key:__rand_int__", value "xxx"),
 *       PIPE in flight per connection, the next batch once all are
 *       answered (as redis-benchmark -P): "redis set|get -P PIPE N
 *       requests/s (E errors)"
 * Errors (refused, reset, a bad answer) are counted and printed; the
 * exit status is 0 iff the run had none.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAXC	256
#define BUFSZ	65536

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "xapp-client: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* tcp_open IP PORT TIMEOUT: a connected blocking socket, or -1 */
static int
tcp_open(const char *ip, int port, double timeout)
{
	struct sockaddr_in sa;
	struct pollfd p;
	struct timeval tmo = { 5, 0 };
	int fd, one = 1, err = 0;
	socklen_t el = sizeof(err);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		fprintf(stderr, "xapp-client: bad IPv4 address %s\n", ip);
		exit(2);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (void *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
		goto bad;
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, (int)(timeout * 1000)) != 1)
		goto bad;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err != 0)
		goto bad;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* a guest that stops answering ends a bulk run, not the benchmark */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	return fd;
bad:
	close(fd);
	return -1;
}

/* ---- arp ---------------------------------------------------------------- */

static int
do_arp(char **av)
{
	struct arpreq r;
	struct sockaddr_in *sa = (void *)&r.arp_pa;
	unsigned m[6];
	int fd, i;

	memset(&r, 0, sizeof(r));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, av[0], &sa->sin_addr) != 1 ||
	    sscanf(av[1], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
	    &m[4], &m[5]) != 6) {
		fprintf(stderr, "xapp-client: arp IP MAC DEV\n");
		return 2;
	}
	r.arp_ha.sa_family = ARPHRD_ETHER;
	for (i = 0; i < 6; i++)
		r.arp_ha.sa_data[i] = (char)m[i];
	r.arp_flags = ATF_PERM | ATF_COM;
	snprintf(r.arp_dev, sizeof(r.arp_dev), "%s", av[2]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ioctl(fd, SIOCSARP, &r) < 0)
		die("SIOCSARP");
	close(fd);
	return 0;
}

/* ---- first answer ------------------------------------------------------- */

static const char *
probe_req(const char *kind)
{
	if (strcmp(kind, "http") == 0)
		return "GET / HTTP/1.0\r\n\r\n";
	if (strcmp(kind, "redis") == 0)
		return "PING\r\n";
	return "x";
}

/* answered KIND BUF N: does BUF hold the start of a good answer? */
static int
answered(const char *kind, const char *b, ssize_t n)
{
	if (strcmp(kind, "http") == 0)
		return n >= 12 && memcmp(b, "HTTP/1.", 7) == 0 &&
		    memcmp(b + 9, "200", 3) == 0;
	if (strcmp(kind, "redis") == 0)
		return n >= 5 && memcmp(b, "+PONG", 5) == 0;
	return n >= 1 && b[0] == 'x';
}

static int
do_first(char **av)
{
	const char *kind = av[0], *req = probe_req(kind);
	double start = atof(av[3]), t0 = now(), end = t0 + atof(av[4]), t;
	char b[256];
	struct pollfd p;
	ssize_t n;
	int fd;

	while (now() < end) {
		t = now();
		fd = tcp_open(av[1], atoi(av[2]), 0.2);
		if (fd >= 0) {
			p.fd = fd;
			p.events = POLLIN;
			if (write(fd, req, strlen(req)) == (ssize_t)strlen(req) &&
			    poll(&p, 1, 2000) == 1 &&
			    (n = read(fd, b, sizeof(b))) > 0 && answered(kind, b, n)) {
				printf("first %.3f s (%.3f s after the poll began)\n",
				    wall() - start, now() - t0);
				close(fd);
				return 0;
			}
			close(fd);
		}
		t = 0.02 - (now() - t);
		if (t > 0)
			usleep((useconds_t)(t * 1e6));
	}
	printf("first none within %s s\n", av[4]);
	return 1;
}

/* ---- the load loops ----------------------------------------------------- */

/*
 * One connection of a load run.  "want" is how many answers are owed;
 * the protocol's parser consumes whole answers from in[] and says how
 * many it found.
 */
struct lconn {
	int	 fd;
	int	 want;
	char	 in[BUFSZ];
	size_t	 ilen;
};

static struct lconn *lc;
static int nlc;
static long errors;
static const char *peer_ip;
static int peer_port;

static void
open_all(const char *ip, int port, int n)
{
	int i;

	nlc = n;
	peer_ip = ip;
	peer_port = port;
	lc = calloc(n, sizeof(*lc));
	if (lc == NULL)
		die("calloc");
	for (i = 0; i < n; i++) {
		lc[i].fd = tcp_open(ip, port, 10);
		if (lc[i].fd < 0) {
			fprintf(stderr, "xapp-client: connect %d of %d failed\n", i, n);
			exit(1);
		}
	}
}

static int
send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* reopen C: a fresh connection in place of one the server closed */
static int
reopen(struct lconn *c, const char *ip, int port, int ep)
{
	struct epoll_event ev;

	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->ilen = 0;
	c->fd = tcp_open(ip, port, 5);
	if (c->fd < 0)
		return -1;
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/*
 * run_load SECS REQ REQLEN PIPE PARSE: every connection sends PIPE
 * requests, waits for PIPE answers, again, for SECS.  A connection the
 * server closes is reopened when RECONNECT (HTTP keep-alive limits, as
 * wrk does), else it is an error.  Returns answers/s.
 */
static double
run_load(double secs, const char *req, size_t rl, int pipe_,
    int (*parse)(struct lconn *), int reconnect)
{
	struct epoll_event ev, evs[MAXC];
	struct lconn *c;
	char *batch;
	double t0, end;
	long done = 0;
	int i, k, ep, nev;
	ssize_t n;

	batch = malloc(rl * pipe_);
	ep = epoll_create1(0);
	if (batch == NULL || ep < 0)
		die("setup");
	for (k = 0; k < pipe_; k++)
		memcpy(batch + k * rl, req, rl);
	for (i = 0; i < nlc; i++) {
		if (send_all(lc[i].fd, batch, rl * pipe_) < 0)
			die("write");
		lc[i].want = pipe_;
		ev.events = EPOLLIN;
		ev.data.ptr = &lc[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, lc[i].fd, &ev) < 0)
			die("epoll_ctl");
	}
	t0 = now();
	end = t0 + secs;
	while (now() < end) {
		nev = epoll_wait(ep, evs, MAXC, 1000);
		if (nev < 0)
			die("epoll_wait");
		for (i = 0; i < nev; i++) {
			c = evs[i].data.ptr;
			n = read(c->fd, c->in + c->ilen, sizeof(c->in) - c->ilen);
			if (n <= 0) {
				if (reconnect && reopen(c, peer_ip, peer_port, ep) == 0 &&
				    send_all(c->fd, batch, rl * pipe_) == 0) {
					c->want = pipe_;
					continue;
				}
				fprintf(stderr, "xapp-client: a connection closed\n");
				errors++;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				continue;
			}
			c->ilen += (size_t)n;
			k = parse(c);
			done += k;
			c->want -= k;
			if (c->want <= 0) {
				c->want = pipe_;
				if (send_all(c->fd, batch, rl * pipe_) < 0)
					die("write");
			}
		}
	}
	free(batch);
	close(ep);
	return done / (now() - t0);
}

static void
consume(struct lconn *c, size_t n)
{
	memmove(c->in, c->in + n, c->ilen - n);
	c->ilen -= n;
}

static int
parse_echo(struct lconn *c)
{
	int n = (int)c->ilen;

	c->ilen = 0;
	return n;
}

/* one HTTP/1.1 answer with Content-Length per call, as many as there are */
static int
parse_http(struct lconn *c)
{
	char *e, *cl;
	size_t hl, bl;
	int got = 0;

	for (;;) {
		e = memmem(c->in, c->ilen, "\r\n\r\n", 4);
		if (e == NULL)
			return got;
		hl = (size_t)(e - c->in) + 4;
		*e = 0;
		cl = strcasestr(c->in, "\r\nContent-Length:");
		bl = cl ? strtoul(cl + 17, NULL, 10) : 0;
		if (c->ilen < hl + bl) {
			*e = '\r';
			return got;
		}
		if (c->ilen < 12 || memcmp(c->in + 9, "200", 3) != 0)
			errors++;
		consume(c, hl + bl);
		got++;
	}
}

/* RESP: +simple, -error, :int, $bulk (or $-1) */
static int
parse_redis(struct lconn *c)
{
	char *e;
	size_t l;
	long bl;
	int got = 0;

	while (c->ilen > 0) {
		e = memmem(c->in, c->ilen, "\r\n", 2);
		if (e == NULL)
			return got;
		l = (size_t)(e - c->in) + 2;
		if (c->in[0] == '$') {
			bl = strtol(c->in + 1, NULL, 10);
			if (bl >= 0) {
				if (c->ilen < l + (size_t)bl + 2)
					return got;
				l += (size_t)bl + 2;
			}
		} else if (c->in[0] == '-') {
			errors++;
		} else if (c->in[0] != '+' && c->in[0] != ':') {
			fprintf(stderr, "xapp-client: bad redis answer\n");
			errors++;
		}
		consume(c, l);
		got++;
	}
	return got;
}

static int
do_rr(char **av)
{
	double r;

	open_all(av[0], atoi(av[1]), atoi(av[3]));
	r = run_load(atof(av[2]), "x", 1, 1, parse_echo, 0);
	printf("rr %d conns: %.0f transactions/s\n", nlc, r);
	return errors != 0;
}

static int
do_http(char **av)
{
	char req[512];
	double r;

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
	    av[2], av[0]);
	open_all(av[0], atoi(av[1]), atoi(av[4]));
	r = run_load(atof(av[3]), req, strlen(req), 1, parse_http, 1);
	printf("http %.0f requests/s (%d conns, %ld errors)\n", r, nlc, errors);
	return errors != 0;
}

static int
do_redis(char **av)
{
	static const char set[] = "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__"
	    "\r\n$3\r\nxxx\r\n";
	static const char get[] = "*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n";
	int isset = strcmp(av[5], "set") == 0, p = atoi(av[4]);
	double r;

	open_all(av[0], atoi(av[1]), atoi(av[3]));
	r = run_load(atof(av[2]), isset ? set : get,
	    isset ? sizeof(set) - 1 : sizeof(get) - 1, p, parse_redis, 0);
	printf("redis %s -P %d %.0f requests/s (%d conns, %ld errors)\n",
	    av[5], p, r, nlc, errors);
	return errors != 0;
}

/* ---- bulk --------------------------------------------------------------- */

static double
bulk(const char *ip, int port, double secs, int out)
{
	static char b[BUFSZ];
	double t0, end;
	long long n = 0;
	ssize_t k;
	int fd;

	fd = tcp_open(ip, port, 10);
	if (fd < 0) {
		fprintf(stderr, "xapp-client: connect port %d failed\n", port);
		errors++;
		return 0;
	}
	memset(b, 'b', sizeof(b));
	t0 = now();
	end = t0 + secs;
	while (now() < end) {
		k = out ? write(fd, b, sizeof(b)) : read(fd, b, sizeof(b));
		if (k <= 0) {
			errors++;
			break;
		}
		n += k;
	}
	t0 = now() - t0;
	close(fd);
	return n / t0 / 1e6;
}

static int
do_tput(char **av)
{
	int port = atoi(av[1]);
	double s = atof(av[2]), up, down;

	up = bulk(av[0], port + 2, s, 1);
	down = bulk(av[0], port + 12, s, 0);
	printf("tput host->guest %.2f MB/s guest->host %.2f MB/s\n", up, down);
	return errors != 0;
}

static int
do_setup(char **av)
{
	double t0 = now(), end = t0 + atof(av[2]);
	long n = 0;
	char c;
	int fd;

	while (now() < end) {
		fd = tcp_open(av[0], atoi(av[1]), 5);
		if (fd < 0 || write(fd, "x", 1) != 1 || read(fd, &c, 1) != 1)
			errors++;
		else
			n++;
		if (fd >= 0)
			close(fd);
	}
	printf("setup %.0f connections/s (%ld errors)\n", n / (now() - t0),
	    errors);
	return errors != 0;
}

/* args_ok CMD AV: the numbers in range (conns, pipeline depth, seconds) */
static int
args_ok(const char *cmd, char **av)
{
	int conns = 1, pipe_ = 1;
	double secs = 1;

	if (strcmp(cmd, "rr") == 0) {
		secs = atof(av[2]);
		conns = atoi(av[3]);
	} else if (strcmp(cmd, "http") == 0) {
		secs = atof(av[3]);
		conns = atoi(av[4]);
	} else if (strcmp(cmd, "redis") == 0) {
		secs = atof(av[2]);
		conns = atoi(av[3]);
		pipe_ = atoi(av[4]);
		if (strcmp(av[5], "get") != 0 && strcmp(av[5], "set") != 0)
			conns = 0;
	} else if (strcmp(cmd, "tput") == 0 || strcmp(cmd, "setup") == 0) {
		secs = atof(av[2]);
	}
	if (conns < 1 || conns > MAXC || pipe_ < 1 || pipe_ > 1024 ||
	    !(secs > 0 && secs < 3600)) {
		fprintf(stderr, "xapp-client: %s: want 1..%d connections, "
		    "pipeline 1..1024, 0 < seconds < 3600, get|set\n", cmd, MAXC);
		return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		 nargs;
		int		 (*fn)(char **);
	} cmds[] = {
		{ "arp", 3, do_arp }, { "first", 5, do_first },
		{ "rr", 4, do_rr }, { "tput", 3, do_tput }, { "setup", 3, do_setup },
		{ "http", 5, do_http }, { "redis", 6, do_redis },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		if (argc != cmds[i].nargs + 2)
			break;
		if (!args_ok(argv[1], argv + 2))
			return 2;
		return cmds[i].fn(argv + 2);
	}
	fprintf(stderr, "usage: xapp-client arp|first|rr|tput|setup|http|redis ... "
	    "(see bench/xapp-client.c)\n");
	return 2;
}
