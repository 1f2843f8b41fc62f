/* ev_poll: poll/ppoll on pipes: exact revents as Linux reports them
 * (IN, OUT, HUP, ERR, NVAL, the *NORM bits), timeouts, ppoll's signal
 * mask (EINTR with the handler run), bad arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *
evs(int m)
{
	static char buf[128];
	static const struct { int bit; const char *name; } n[] = {
		{ POLLIN, "IN" }, { POLLPRI, "PRI" }, { POLLOUT, "OUT" },
		{ POLLERR, "ERR" }, { POLLHUP, "HUP" }, { POLLNVAL, "NVAL" },
		{ POLLRDNORM, "RDNORM" }, { POLLRDBAND, "RDBAND" },
		{ POLLWRNORM, "WRNORM" }, { POLLWRBAND, "WRBAND" },
		{ POLLRDHUP, "RDHUP" },
	};
	unsigned i;

	buf[0] = 0;
	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if (m & n[i].bit) {
			if (buf[0])
				strcat(buf, "|");
			strcat(buf, n[i].name);
		}
	return buf[0] ? buf : "0";
}

static void
poll1(const char *what, int fd, int events, int timeout)
{
	struct pollfd pf = { fd, (short)events, 0x7777 };
	int r = poll(&pf, 1, timeout);

	printf("%-40s -> %d %s revents %s\n", what, r,
	    r < 0 ? strerror(errno) : "", evs(pf.revents));
}

static volatile int caught;

static void
on_usr1(int sig)
{

	caught++;
}

int
main(void)
{
	int p[2], q[2], r, i;
	struct pollfd pf[4];
	struct timespec ts;
	sigset_t block, empty;

	pipe(p);
	poll1("empty read end, timeout 0", p[0], POLLIN, 0);
	poll1("empty read end, timeout 30ms", p[0], POLLIN, 30);
	poll1("write end", p[1], POLLOUT, -1);
	poll1("write end asking WRNORM too", p[1], POLLOUT | POLLWRNORM, 0);
	poll1("write end asking IN", p[1], POLLIN, 0);
	write(p[1], "abc", 3);
	poll1("read end with data", p[0], POLLIN, -1);
	poll1("read end asking RDNORM|PRI", p[0], POLLIN | POLLRDNORM |
	    POLLPRI, 0);
	poll1("read end asking nothing", p[0], 0, 0);
	close(p[1]);
	poll1("data, writer gone", p[0], POLLIN, 0);
	poll1("data, writer gone, asking nothing", p[0], 0, 0);
	read(p[0], pf, 3);
	poll1("drained, writer gone", p[0], POLLIN, -1);
	poll1("closed fd", p[1], POLLIN, 0);
	poll1("negative fd", -1, POLLIN, 0);
	close(p[0]);

	pipe(p);
	close(p[0]);
	poll1("reader gone", p[1], POLLOUT, 0);
	poll1("reader gone, asking nothing", p[1], 0, 0);
	close(p[1]);
	pipe2(p, O_NONBLOCK);
	while (write(p[1], "0123456789", 10) > 0)
		;
	poll1("full pipe", p[1], POLLOUT, 0);
	close(p[0]);
	poll1("full pipe, reader gone", p[1], POLLOUT, 0);
	close(p[1]);

	/* several at once: the count is of entries with revents */
	pipe(p);
	pipe(q);
	write(q[1], "x", 1);
	pf[0].fd = p[0]; pf[0].events = POLLIN;
	pf[1].fd = p[1]; pf[1].events = POLLOUT;
	pf[2].fd = q[0]; pf[2].events = POLLIN | POLLOUT;
	pf[3].fd = 99; pf[3].events = POLLIN;
	r = poll(pf, 4, 1000);
	printf("four entries -> %d:", r);
	for (i = 0; i < 4; i++)
		printf(" %s", evs(pf[i].revents));
	printf("\n");

	/* a sleep with nothing to watch */
	printf("poll(NULL, 0, 20) -> %d\n", poll(NULL, 0, 20));

	/* ppoll: timeout as a timespec, the signal mask */
	ts.tv_sec = 0;
	ts.tv_nsec = 20000000;
	pf[0].fd = p[0]; pf[0].events = POLLIN;
	r = ppoll(pf, 1, &ts, NULL);
	printf("ppoll 20ms -> %d\n", r);
	ts.tv_nsec = 1000000000;
	r = ppoll(pf, 1, &ts, NULL);
	printf("ppoll bad timespec -> %d %s\n", r, strerror(errno));
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR1);
	printf("raised while blocked: handler ran %d\n", caught);
	ts.tv_sec = 0;
	ts.tv_nsec = 20000000;
	r = ppoll(pf, 1, &ts, NULL);
	printf("ppoll, signal stays blocked -> %d, handler ran %d\n", r,
	    caught);
	sigemptyset(&empty);
	ts.tv_sec = 5;
	r = ppoll(pf, 1, &ts, &empty);
	printf("ppoll unblocking it -> %d %s, handler ran %d\n", r,
	    r < 0 ? strerror(errno) : "", caught);
	ts.tv_sec = 0;
	r = ppoll(pf, 1, &ts, &block);
	printf("ppoll with SIGUSR1 blocked -> %d\n", r);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("handler ran %d\n", caught);

	r = poll(pf, 70000, 0);
	printf("nfds 70000 -> %d %s\n", r, strerror(errno));
	r = poll(NULL, 1, 0);
	printf("NULL fds -> %d %s\n", r, strerror(errno));
	return 0;
}
