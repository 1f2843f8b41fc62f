/* net_loop: sockets over loopback as Linux has them -- TCP echo between
 * threads (blocking accept/connect/read/write), a non-blocking connect
 * with poll and SO_ERROR, epoll on a listener, UDP, socketpair, and the
 * errno values of common mistakes. */
/* CONFIG: net */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT	47013

static const char *
en(int e)
{
	switch (e) {
	case 0: return "0";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EADDRINUSE: return "EADDRINUSE";
	case EAGAIN: return "EAGAIN";
	case EINPROGRESS: return "EINPROGRESS";
	case ENOTCONN: return "ENOTCONN";
	case ENOTSOCK: return "ENOTSOCK";
	case EBADF: return "EBADF";
	case EPIPE: return "EPIPE";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EISCONN: return "EISCONN";
	default: return "other";
	}
}

static struct sockaddr_in
addr(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int lfd;

static void *
server(void *arg)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int c;

	c = accept(lfd, NULL, NULL);
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		total += n;
		if (write(c, buf, n) != n)
			break;
	}
	close(c);
	return (void *)total;
}

static void
tcp_echo(void)
{
	struct sockaddr_in a = addr(PORT), got;
	socklen_t gl = sizeof(got);
	char out[100000], in[100000];
	pthread_t th;
	void *ret;
	long n = 0;
	int one = 1, s, i;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	printf("bind: %d\n", bind(lfd, (void *)&a, sizeof(a)));
	printf("listen: %d\n", listen(lfd, 16));
	pthread_create(&th, NULL, server, NULL);
	s = socket(AF_INET, SOCK_STREAM, 0);
	printf("connect: %d\n", connect(s, (void *)&a, sizeof(a)));
	getpeername(s, (void *)&got, &gl);
	printf("peer port %d family %d\n", ntohs(got.sin_port), got.sin_family);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (char)(i * 7);
	if (write(s, out, sizeof(out)) != sizeof(out))
		printf("short write\n");
	while (n < (long)sizeof(in)) {
		ssize_t r = read(s, in + n, sizeof(in) - n);
		if (r <= 0)
			break;
		n += r;
	}
	printf("echoed %ld bytes, same: %s\n", n,
	    memcmp(in, out, sizeof(in)) == 0 ? "yes" : "no");
	shutdown(s, SHUT_WR);
	pthread_join(th, &ret);
	printf("server saw %ld bytes\n", (long)ret);
	printf("read after peer close: %zd\n", read(s, in, 1));
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	printf("second bind: %s\n", bind(s, (void *)&a, sizeof(a)) < 0 ?
	    en(errno) : "0");
	close(s);
	close(lfd);
}

static void
nonblocking(void)
{
	struct sockaddr_in a = addr(PORT + 1);
	struct pollfd p;
	struct epoll_event ev, evs[4];
	socklen_t el = sizeof(int);
	int l, s, c, err = -1, ep, n, one = 1;

	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	printf("connect refused: %s\n",
	    connect(s, (void *)&a, sizeof(a)) < 0 ? en(errno) : "0");
	p.fd = s; p.events = POLLOUT;
	poll(&p, 1, 2000);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("SO_ERROR: %s\n", en(err));
	close(s);

	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(l, (void *)&a, sizeof(a));
	listen(l, 4);
	printf("accept empty: %s\n", accept(l, NULL, NULL) < 0 ? en(errno) : "0");
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = l;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	printf("epoll idle: %d\n", epoll_wait(ep, evs, 4, 0));
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	n = connect(s, (void *)&a, sizeof(a));
	printf("connect: %s\n", n < 0 ? en(errno) : "0");
	n = epoll_wait(ep, evs, 4, 2000);
	printf("epoll: %d fd=%s events=%x\n", n,
	    n == 1 && evs[0].data.fd == l ? "listener" : "?", n == 1 ? evs[0].events : 0);
	c = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	printf("accepted: %s\n", c >= 0 ? "yes" : en(errno));
	p.fd = s; p.events = POLLOUT;
	printf("poll out: %d revents=%x\n", poll(&p, 1, 2000), p.revents);
	printf("read empty: %s\n", read(c, &n, 1) < 0 ? en(errno) : "data");
	printf("send: %zd\n", send(s, "ping", 4, 0));
	p.fd = c; p.events = POLLIN;
	poll(&p, 1, 2000);
	char b[8] = { 0 };
	printf("recv peek: %zd\n", recv(c, b, sizeof(b), MSG_PEEK));
	printf("recv: %zd %s\n", recv(c, b, sizeof(b), 0), b);
	close(c);
	p.fd = s; p.events = POLLIN;
	poll(&p, 1, 2000);
	printf("peer closed: revents has IN %d HUP %d\n", !!(p.revents & POLLIN),
	    !!(p.revents & POLLHUP));
	signal(SIGPIPE, SIG_IGN);
	usleep(100000);
	send(s, "x", 1, 0);
	usleep(100000);
	printf("send after reset: %s\n", send(s, "x", 1, 0) < 0 ? en(errno) : "ok");
	close(s);
	close(l);
	close(ep);
}

static void
udp(void)
{
	struct sockaddr_in a = addr(PORT + 2), from;
	socklen_t fl = sizeof(from);
	char b[64];
	int u1, u2;
	ssize_t n;

	u1 = socket(AF_INET, SOCK_DGRAM, 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	printf("udp bind: %d\n", bind(u1, (void *)&a, sizeof(a)));
	printf("udp sendto: %zd\n", sendto(u2, "datagram", 8, 0, (void *)&a, sizeof(a)));
	n = recvfrom(u1, b, sizeof(b), 0, (void *)&from, &fl);
	printf("udp recvfrom: %zd from loopback %s\n", n,
	    from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no");
	printf("udp nothing: %s\n",
	    recv(u1, b, sizeof(b), MSG_DONTWAIT) < 0 ? en(errno) : "data");
	close(u1);
	close(u2);
}

static void
pairs(void)
{
	int sv[2];
	char b[16] = { 0 };

	printf("socketpair: %d\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	write(sv[0], "unix", 4);
	printf("read: %zd %s\n", read(sv[1], b, sizeof(b)), b);
	close(sv[0]);
	printf("eof: %zd\n", read(sv[1], b, sizeof(b)));
	close(sv[1]);
	printf("bad family: %s\n", socket(12345, SOCK_STREAM, 0) < 0 ? en(errno) : "ok");
	printf("not a socket: %s\n", listen(1, 1) < 0 ? en(errno) : "ok");
	printf("bad fd: %s\n", listen(999, 1) < 0 ? en(errno) : "ok");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	tcp_echo();
	nonblocking();
	udp();
	pairs();
	return 0;
}
