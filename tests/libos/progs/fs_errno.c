/* fs_errno: the errno values of file system calls on bad input -- NULL
 * and low pointers (EFAULT), paths at and past PATH_MAX and NAME_MAX
 * (ENAMETOOLONG), empty paths, bad fds, a file used as a directory. */
#define _GNU_SOURCE
#include "fs_util.h"
#include <sys/syscall.h>
#include <sys/statfs.h>

int
main(void)
{
	static char longp[5000], name[300];
	struct stat st;
	struct statfs sf;
	char buf[16];
	int fd, i;

	scratch("fs_errno");
	putfile("f", "x");
	/* EFAULT: the calls straight, so libc does not look first */
	VAL("open NULL", syscall(SYS_open, NULL, O_RDONLY));
	VAL("open low", syscall(SYS_open, (char *)16, O_RDONLY));
	VAL("stat NULL path", syscall(SYS_stat, NULL, &st));
	VAL("stat NULL buf", syscall(SYS_stat, "f", NULL));
	VAL("fstat NULL buf", syscall(SYS_fstat, 0, NULL));
	VAL("mkdir NULL", syscall(SYS_mkdir, NULL, 0755));
	VAL("unlink NULL", syscall(SYS_unlink, NULL));
	VAL("rename NULL", syscall(SYS_rename, "f", NULL));
	VAL("readlink NULL", syscall(SYS_readlink, NULL, buf, sizeof(buf)));
	VAL("chdir NULL", syscall(SYS_chdir, NULL));
	VAL("getcwd NULL", syscall(SYS_getcwd, NULL, 100));
	VAL("statfs NULL", syscall(SYS_statfs, "/", NULL));
	VAL("access NULL", syscall(SYS_access, NULL, F_OK));
	VAL("symlink NULL target", syscall(SYS_symlink, NULL, "x"));
	/* empty */
	VAL("open empty", syscall(SYS_open, "", O_RDONLY));
	VAL("stat empty", syscall(SYS_stat, "", &st));
	VAL("mkdir empty", syscall(SYS_mkdir, "", 0755));
	VAL("symlink empty target", syscall(SYS_symlink, "", "x"));
	/* lengths: a component of 255 is fine, 256 is not */
	memset(name, 'n', 255);
	name[255] = '\0';
	fd = open(name, O_CREAT | O_RDWR, 0644);
	CHK("create 255", fd);
	close(fd);
	CHK("unlink 255", unlink(name));
	name[255] = 'n';
	name[256] = '\0';
	CHK("create 256", open(name, O_CREAT | O_RDWR, 0644));
	CHK("stat 256", stat(name, &st));
	/* a path of 4095 bytes is looked up, 4096 is too long */
	for (i = 0; i < 4094; i += 2)
		memcpy(longp + i, "./", 2);
	longp[4094] = 'f';
	longp[4095] = '\0';
	CHK("stat 4095", stat(longp, &st));
	longp[4095] = 'f';
	longp[4096] = '\0';
	CHK("stat 4096", stat(longp, &st));
	CHK("open 4096", open(longp, O_RDONLY));
	/* fds */
	CHK("fstat bad", fstat(-1, &st));
	CHK("fstat big", fstat(100000, &st));
	CHK("fchdir bad", fchdir(55));
	CHK("fsync bad", fsync(55));
	CHK("fchmod bad", fchmod(55, 0644));
	CHK("read bad", read(55, buf, 1));
	/* file used as a directory */
	CHK("stat f/x", stat("f/x", &st));
	CHK("mkdir f/x", mkdir("f/x", 0755));
	CHK("chdir f", chdir("f"));
	fd = open("f", O_RDONLY);
	CHK("fchdir file", fchdir(fd));
	close(fd);
	CHK("statfs missing", statfs("nope", &sf));
	CHK("open bad accmode", open("f", O_WRONLY | O_RDWR));
	CHK("access bad mode", access("f", 0x10));
	scratch_done("fs_errno");
	return 0;
}
