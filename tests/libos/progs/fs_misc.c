/* fs_misc: fsync/fdatasync/sync/syncfs, posix_fadvise, fallocate,
 * readahead, access modes, statfs's portable fields, umask. */
#define _GNU_SOURCE
#include "fs_util.h"
#include <sys/statfs.h>
#include <sys/syscall.h>

int
main(void)
{
	struct statfs sf;
	struct stat st;
	int fd, dfd;

	scratch("fs_misc");
	fd = open("f", O_RDWR | O_CREAT, 0644);
	write(fd, "abc", 3);
	CHK("fsync", fsync(fd));
	CHK("fdatasync", fdatasync(fd));
	sync();
	CHK("syncfs", syscall(SYS_syncfs, fd));
	CHK("syncfs bad", syscall(SYS_syncfs, 66));
	dfd = open(".", O_RDONLY);
	CHK("fsync dir", fsync(dfd));
	printf("fadvise: %s\n", ename(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)));
	printf("fadvise bad: %s\n", ename(posix_fadvise(fd, 0, 0, 99)));
	printf("fadvise badfd: %s\n", ename(posix_fadvise(66, 0, 0, 0)));
	CHK("fallocate", fallocate(fd, 0, 0, 10000));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	CHK("fallocate inside", fallocate(fd, 0, 10, 10));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	CHK("fallocate len 0", fallocate(fd, 0, 0, 0));
	CHK("fallocate punch w/o keep", fallocate(fd, 2, 0, 10));
	CHK("fallocate dir", fallocate(dfd, 0, 0, 10));
	CHK("readahead", readahead(fd, 0, 100));
	CHK("readahead dir", readahead(dfd, 0, 100));
	CHK("access F", access("f", F_OK));
	CHK("access RW", access("f", R_OK | W_OK));
	CHK("access X", access("f", X_OK));
	chmod("f", 0744);
	CHK("access X now", access("f", X_OK));
	CHK("access dir X", access(".", X_OK));
	CHK("statfs", statfs(".", &sf));
	printf("namelen %ld bsize>0 %d\n", (long)sf.f_namelen, sf.f_bsize > 0);
	CHK("fstatfs", fstatfs(fd, &sf));
	CHK("fstatfs bad", fstatfs(66, &sf));
	printf("umask %o\n", umask(0));
	close(fd);
	fd = open("g", O_RDWR | O_CREAT, 0777);
	fstat(fd, &st);
	printf("no umask: %o\n", st.st_mode & 0777);
	close(fd);
	close(dfd);
	scratch_done("fs_misc");
	return 0;
}
