/* ev_eventfd: the counter (read takes all), EFD_SEMAPHORE (read takes
 * one), 8-byte rules, overflow (EAGAIN, never wraps), poll masks,
 * flags, epoll on it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

static void
rd(const char *what, int fd)
{
	uint64_t v = 0;
	long r = read(fd, &v, 8);

	printf("%-28s read -> %ld %s value %llu\n", what, r,
	    r < 0 ? strerror(errno) : "", (unsigned long long)v);
}

static void
wr(const char *what, int fd, uint64_t v)
{
	long r = write(fd, &v, 8);

	printf("%-28s write %llu -> %ld %s\n", what, (unsigned long long)v, r,
	    r < 0 ? strerror(errno) : "");
}

static void
pl(const char *what, int fd)
{
	struct pollfd pf = { fd, POLLIN | POLLOUT, 0 };

	poll(&pf, 1, 0);
	printf("%-28s poll: %s%s%s\n", what, pf.revents & POLLIN ? "IN " : "",
	    pf.revents & POLLOUT ? "OUT " : "",
	    pf.revents & POLLERR ? "ERR" : "");
}

int
main(void)
{
	int fd, ep, r;
	uint64_t v;
	unsigned char big[16];
	struct iovec iov[2];
	uint32_t lo, hi;
	eventfd_t ev;
	struct epoll_event e;

	fd = eventfd(3, EFD_NONBLOCK);
	pl("initial 3", fd);
	rd("counter", fd);
	rd("empty", fd);
	pl("empty", fd);
	wr("add", fd, 1);
	wr("add", fd, 2);
	wr("add zero", fd, 0);
	pl("3 again", fd);
	memset(big, 0xff, sizeof(big));
	r = (int)read(fd, big, sizeof(big));
	memcpy(&v, big, 8);
	printf("16-byte read -> %d value %llu, byte 8 untouched %d\n", r,
	    (unsigned long long)v, big[8] == 0xff);
	r = (int)read(fd, big, 4);
	printf("4-byte read -> %d %s\n", r, strerror(errno));
	r = (int)write(fd, big, 7);
	printf("7-byte write -> %d %s\n", r, strerror(errno));
	wr("all ones", fd, UINT64_MAX);
	wr("max", fd, UINT64_MAX - 1);
	pl("at max", fd);
	wr("one more", fd, 1);
	wr("zero at max", fd, 0);
	/* readv across two iovecs */
	iov[0].iov_base = &lo; iov[0].iov_len = 4;
	iov[1].iov_base = &hi; iov[1].iov_len = 4;
	r = (int)readv(fd, iov, 2);
	printf("readv 4+4 -> %d lo %x hi %x\n", r, lo, hi);
	close(fd);

	/* semaphore mode */
	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	wr("sem add", fd, 1);
	rd("sem", fd);
	rd("sem", fd);
	rd("sem", fd);
	rd("sem empty", fd);
	close(fd);

	/* flags */
	fd = eventfd(0, EFD_CLOEXEC);
	printf("EFD_CLOEXEC: FD_CLOEXEC %d, O_NONBLOCK %d, accmode %d\n",
	    fcntl(fd, F_GETFD), !!(fcntl(fd, F_GETFL) & O_NONBLOCK),
	    fcntl(fd, F_GETFL) & O_ACCMODE);
	r = eventfd(0, 0x4000);
	printf("bad flags -> %d %s\n", r, strerror(errno));
	/* musl's helpers */
	printf("eventfd_write -> %d\n", eventfd_write(fd, 41));
	printf("eventfd_write -> %d\n", eventfd_write(fd, 1));
	printf("eventfd_read -> %d ", eventfd_read(fd, &ev));
	printf("value %llu\n", (unsigned long long)ev);

	/* epoll: level-triggered, data back */
	ep = epoll_create1(0);
	e.events = EPOLLIN | EPOLLOUT;
	e.data.u64 = 77;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	r = epoll_wait(ep, &e, 1, 0);
	printf("epoll empty -> %d events %x data %llu\n", r, e.events,
	    (unsigned long long)e.data.u64);
	eventfd_write(fd, 5);
	r = epoll_wait(ep, &e, 1, 0);
	printf("epoll 5 -> %d events %x\n", r, e.events);
	eventfd_read(fd, &ev);
	e.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
	r = epoll_wait(ep, &e, 1, 20);
	printf("epoll IN after reading -> %d\n", r);
	return 0;
}
