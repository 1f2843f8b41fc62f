/* fs_stat: the portable stat fields (type, permissions, nlink, size,
 * uid/gid after chown), chmod/fchmod, umask, utimensat/futimens/utimes
 * setting times that read back, statx agreeing with stat. */
#define _GNU_SOURCE
#include "fs_util.h"
#include <sys/time.h>
#include <utime.h>
#include <stdint.h>
#include <sys/syscall.h>

/* musl 1.2.3 has no statx(): the call by number, fields by offset */
struct sx {
	unsigned char b[256];
};
#define SX32(x, o)	(*(uint32_t *)((x).b + (o)))
#define SX16(x, o)	(*(uint16_t *)((x).b + (o)))
#define SX64(x, o)	(*(uint64_t *)((x).b + (o)))
#define statx(d, p, f, m, x)	syscall(SYS_statx, d, p, f, m, x)
#define STATX_BASIC_STATS	0x7ffU

int
main(void)
{
	struct stat st, st2;
	struct timespec ts[2];
	struct timeval tv[2];
	struct sx sx;
	int fd;

	scratch("fs_stat");
	printf("umask was %o\n", umask(027));
	fd = open("f", O_RDWR | O_CREAT, 0777);
	write(fd, "12345", 5);
	fstat(fd, &st);
	printf("f: reg %d perm %o nlink %ld size %ld uid %d gid %d\n",
	    S_ISREG(st.st_mode), st.st_mode & 07777, (long)st.st_nlink,
	    (long)st.st_size, st.st_uid, st.st_gid);
	mkdir("d", 0777);
	stat("d", &st);
	printf("d: dir %d perm %o\n", S_ISDIR(st.st_mode), st.st_mode & 07777);
	umask(022);
	CHK("chmod", chmod("f", 04751));
	stat("f", &st);
	printf("perm %o\n", st.st_mode & 07777);
	CHK("fchmod", fchmod(fd, 0600));
	fstat(fd, &st);
	printf("perm %o\n", st.st_mode & 07777);
	CHK("chmod missing", chmod("nope", 0644));
	CHK("chown", chown("f", 123, 456));
	stat("f", &st);
	printf("owner %d %d\n", st.st_uid, st.st_gid);
	CHK("fchown keep uid", fchown(fd, -1, 789));
	fstat(fd, &st);
	printf("owner %d %d\n", st.st_uid, st.st_gid);
	symlink("f", "l");
	CHK("lchown", lchown("l", 5, 6));
	lstat("l", &st);
	printf("link owner %d %d\n", st.st_uid, st.st_gid);
	stat("l", &st);
	printf("file owner %d %d\n", st.st_uid, st.st_gid);
	/* times */
	ts[0].tv_sec = 1000000000; ts[0].tv_nsec = 123456789;
	ts[1].tv_sec = 1200000000; ts[1].tv_nsec = 5;
	CHK("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
	stat("f", &st);
	printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec,
	    st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1300000000; ts[1].tv_nsec = 0;
	CHK("futimens omit atime", futimens(fd, ts));
	fstat(fd, &st);
	printf("atime %ld mtime %ld\n", (long)st.st_atim.tv_sec,
	    (long)st.st_mtim.tv_sec);
	ts[0].tv_nsec = 1000000000;
	CHK("utimensat bad nsec", utimensat(AT_FDCWD, "f", ts, 0));
	tv[0].tv_sec = 1400000000; tv[0].tv_usec = 7;
	tv[1].tv_sec = 1500000000; tv[1].tv_usec = 8;
	CHK("utimes", utimes("f", tv));
	stat("f", &st);
	printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec,
	    st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	CHK("utime now", utime("f", NULL));
	stat("f", &st);
	printf("recent: %d\n", st.st_mtim.tv_sec > 1600000000);
	ts[0].tv_sec = 1; ts[0].tv_nsec = 0;
	ts[1].tv_sec = 2; ts[1].tv_nsec = 0;
	CHK("utimensat nofollow", utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW));
	lstat("l", &st);
	printf("link mtime %ld\n", (long)st.st_mtim.tv_sec);
	CHK("utimensat missing", utimensat(AT_FDCWD, "nope", NULL, 0));
	/* mtime moves on write */
	ts[0].tv_sec = ts[1].tv_sec = 1000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	futimens(fd, ts);
	write(fd, "x", 1);
	fstat(fd, &st);
	printf("mtime moved by write: %d\n", st.st_mtim.tv_sec > 1000);
	/* statx agrees */
	CHK("statx", statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx));
	stat("f", &st2);
	printf("statx: mode %d size %d nlink %d ino %d mtime %d\n",
	    SX16(sx, 0x1c) == st2.st_mode,
	    (long)SX64(sx, 0x28) == (long)st2.st_size,
	    SX32(sx, 0x10) == st2.st_nlink, SX64(sx, 0x20) == st2.st_ino,
	    (long)SX64(sx, 0x70) == (long)st2.st_mtim.tv_sec);
	printf("statx mask basic: %d\n",
	    (SX32(sx, 0) & STATX_BASIC_STATS) == STATX_BASIC_STATS);
	CHK("statx bad mask", statx(AT_FDCWD, "f", 0, 0x80000000U, &sx));
	CHK("statx empty path", statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	printf("size via fd: %ld\n", (long)SX64(sx, 0x28));
	/* ino: the same file has one, two files differ */
	stat("f", &st);
	stat("d", &st2);
	printf("ino differ %d, dev same %d\n", st.st_ino != st2.st_ino,
	    st.st_dev == st2.st_dev);
	close(fd);
	scratch_done("fs_stat");
	return 0;
}
