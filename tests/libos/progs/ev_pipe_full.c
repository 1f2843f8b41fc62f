/* ev_pipe_full: how much a non-blocking pipe takes before EAGAIN for
 * several write sizes (Linux's page-slot ring), PIPE_BUF atomicity,
 * partial large writes, packet mode (O_DIRECT), data integrity,
 * F_SETPIPE_SZ. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

static char wbuf[200000], rbuf[200000];

static void
fill(size_t chunk)
{
	int p[2], avail;
	long total = 0, r, writes = 0;

	if (pipe2(p, O_NONBLOCK) != 0) {
		perror("pipe2");
		exit(1);
	}
	for (;;) {
		r = write(p[1], wbuf + total % 1000, chunk);
		if (r < 0)
			break;
		total += r;
		writes++;
		if ((size_t)r != chunk)
			printf("  chunk %zu: partial write %ld\n", chunk, r);
	}
	ioctl(p[0], FIONREAD, &avail);
	printf("chunk %zu: %ld writes, %ld bytes, then %s; FIONREAD %d\n",
	    chunk, writes, total, strerror(errno), avail);
	/* a one-byte read of a full pipe frees no slot: still EAGAIN */
	r = read(p[0], rbuf, 1);
	r = write(p[1], "x", 1);
	printf("  after reading 1 byte: write 1 -> %ld %s\n", r,
	    r < 0 ? strerror(errno) : "");
	close(p[0]);
	close(p[1]);
}

static void
sz(const char *what, int fd, long arg)
{
	int r = fcntl(fd, F_SETPIPE_SZ, arg);

	printf("F_SETPIPE_SZ %s (%ld) -> %d %s, F_GETPIPE_SZ %d\n", what, arg,
	    r, r < 0 ? strerror(errno) : "", fcntl(fd, F_GETPIPE_SZ));
}

/* F_SETPIPE_SZ: rounded up to a power-of-2 number of pages, EBUSY when
 * the data would not fit, the data kept in order */
static void
setsize(void)
{
	int p[2], e, i, r;
	long n;

	pipe2(p, O_NONBLOCK);
	sz("0", p[0], 0);
	sz("1", p[1], 1);
	sz("4097", p[0], 4097);
	sz("65536", p[0], 65536);
	sz("100000", p[0], 100000);
	sz("1 MiB", p[0], 1 << 20);
	for (i = 0; write(p[1], wbuf + i, 4096) == 4096; i++)
		;
	printf("1 MiB pipe takes %d pages\n", i);
	sz("64 KiB while full", p[0], 65536);
	for (n = 0; n < (long)i * 4096; n += r)
		if ((r = read(p[0], rbuf, 4096 * 3)) <= 0)
			break;
	write(p[1], wbuf, 4096);
	write(p[1], wbuf + 4096, 100);
	sz("4096 with 2 pages in", p[0], 4096);
	sz("8192 with 2 pages in", p[0], 8192);
	r = write(p[1], wbuf, 4096);
	printf("a page into the full 2-page pipe -> %d %s\n", r,
	    r < 0 ? strerror(errno) : "");
	r = read(p[0], rbuf, 8192);
	printf("read back %d, same %d\n", r, memcmp(rbuf, wbuf, 4196) == 0);
	r = write(p[1], wbuf, 4096);
	printf("a page into the empty 2-page pipe -> %d\n", r);
	sz("negative", p[0], -1);
	close(p[0]);
	close(p[1]);
	e = eventfd(0, 0);
	r = fcntl(e, F_GETPIPE_SZ);
	printf("F_GETPIPE_SZ on an eventfd -> %d %s\n", r, strerror(errno));
	r = fcntl(e, F_SETPIPE_SZ, 4096);
	printf("F_SETPIPE_SZ on an eventfd -> %d %s\n", r, strerror(errno));
}

int
main(void)
{
	int p[2], i, ok;
	long r, got;

	for (i = 0; i < (int)sizeof(wbuf); i++)
		wbuf[i] = (char)(i * 7 + i / 251);
	fill(1);
	fill(100);
	fill(1000);
	fill(4096);
	fill(4097);
	fill(5000);
	fill(65536);
	fill(100000);

	/* mixed sizes: a write of <= 4096 bytes never splits */
	pipe2(p, O_NONBLOCK);
	write(p[1], wbuf, 100);
	r = write(p[1], wbuf, 4096);
	printf("100 then 4096: %ld\n", r);
	for (i = 0; i < 14; i++)
		write(p[1], wbuf, 4096);
	r = write(p[1], wbuf, 4000);
	printf("4000 into a pipe with 16 slots used: %ld %s\n", r,
	    r < 0 ? strerror(errno) : "");
	r = write(p[1], wbuf, 3996);
	printf("3996 (the last page is full): %ld\n", r);
	r = write(p[1], wbuf, 1);
	printf("1 more: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	close(p[0]);
	close(p[1]);

	/* integrity of a large partial write, read back in odd pieces */
	pipe2(p, O_NONBLOCK);
	r = write(p[1], wbuf, 150000);
	printf("150000 non-blocking: %ld\n", r);
	got = 0;
	ok = 1;
	while (got < r) {
		long n = read(p[0], rbuf + got, 777);
		if (n <= 0)
			break;
		got += n;
	}
	ok = got == r && memcmp(rbuf, wbuf, (size_t)r) == 0;
	printf("read back %ld, same %d\n", got, ok);
	close(p[0]);
	close(p[1]);

	/* O_DIRECT: packets; a short read drops the rest of a packet */
	pipe2(p, O_NONBLOCK | O_DIRECT);
	write(p[1], "first packet", 12);
	write(p[1], "second", 6);
	write(p[1], "3", 1);
	memset(rbuf, 0, 64);
	r = read(p[0], rbuf, 5);
	printf("packet read 5: %ld \"%s\"\n", r, rbuf);
	memset(rbuf, 0, 64);
	r = read(p[0], rbuf, 64);
	printf("packet read 64: %ld \"%s\"\n", r, rbuf);
	memset(rbuf, 0, 64);
	r = read(p[0], rbuf, 64);
	printf("packet read 64: %ld \"%s\"\n", r, rbuf);
	for (i = 0; i < 20; i++)
		if (write(p[1], "y", 1) < 0)
			break;
	printf("1-byte packets before EAGAIN: %d\n", i);
	close(p[0]);
	close(p[1]);
	setsize();
	return 0;
}
