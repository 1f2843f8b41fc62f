/* ev_pipe_stat: fstat of pipe ends: a FIFO, rw for the owner, distinct
 * from other pipes, the same inode for both ends; eventfd, epoll and
 * timerfd as Linux's anonymous inode. */
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

int
main(void)
{
	int p[2], q[2];
	struct stat a, b, c;

	pipe(p);
	pipe(q);
	write(p[1], "abc", 3);
	fstat(p[0], &a);
	fstat(p[1], &b);
	fstat(q[0], &c);
	printf("fifo %d %d, mode %o, nlink %d, size %lld, blksize %ld\n",
	    S_ISFIFO(a.st_mode), S_ISFIFO(b.st_mode), a.st_mode & 07777,
	    (int)a.st_nlink, (long long)a.st_size, (long)a.st_blksize);
	printf("same inode for both ends %d, other pipe differs %d\n",
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	    a.st_ino != c.st_ino);
	/* anon inodes: mode 0600 without a type, one inode for all */
	fstat(eventfd(0, 0), &a);
	fstat(epoll_create1(0), &b);
	fstat(timerfd_create(CLOCK_MONOTONIC, 0), &c);
	printf("anon: mode %o %o %o, nlink %d, blksize %ld, one inode %d\n",
	    a.st_mode, b.st_mode, c.st_mode, (int)a.st_nlink,
	    (long)a.st_blksize, a.st_ino == b.st_ino && b.st_ino == c.st_ino);
	return 0;
}
