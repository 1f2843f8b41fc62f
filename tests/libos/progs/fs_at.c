/* fs_at: the *at calls relative to a directory fd -- openat, mkdirat,
 * fstatat (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH), unlinkat (AT_REMOVEDIR),
 * renameat, linkat, symlinkat/readlinkat, faccessat, fchmodat -- and a
 * dirfd that is a file (ENOTDIR) or bad (EBADF). */
#define _GNU_SOURCE
#include "fs_util.h"
#include <sys/syscall.h>

/* musl's faccessat() links its AT_EACCESS child-process helper (clone),
 * which no Tandem image has yet: the call by number */
#define faccessat(d, p, m, f)	syscall(SYS_faccessat, d, p, m)

int
main(void)
{
	struct stat st;
	char buf[64];
	int dfd, fd, ffd;
	ssize_t n;

	scratch("fs_at");
	mkdir("base", 0755);
	dfd = open("base", O_RDONLY | O_DIRECTORY);
	CHK("mkdirat", mkdirat(dfd, "sub", 0755));
	fd = openat(dfd, "sub/file", O_CREAT | O_RDWR, 0644);
	CHK("openat create", fd);
	write(fd, "at data", 7);
	close(fd);
	printf("via path: %s\n", getfile("base/sub/file"));
	CHK("fstatat", fstatat(dfd, "sub/file", &st, 0));
	printf("size %ld\n", (long)st.st_size);
	CHK("symlinkat", symlinkat("sub/file", dfd, "ln"));
	CHK("fstatat nofollow", fstatat(dfd, "ln", &st, AT_SYMLINK_NOFOLLOW));
	printf("is link %d\n", S_ISLNK(st.st_mode));
	n = readlinkat(dfd, "ln", buf, sizeof(buf));
	printf("readlinkat %.*s\n", (int)n, buf);
	CHK("fstatat follow", fstatat(dfd, "ln", &st, 0));
	printf("is reg %d\n", S_ISREG(st.st_mode));
	CHK("fstatat bad flag", fstatat(dfd, "ln", &st, 0x1));
	CHK("fstatat empty no flag", fstatat(dfd, "", &st, 0));
	CHK("fstatat empty path", fstatat(dfd, "", &st, AT_EMPTY_PATH));
	printf("dirfd is dir %d\n", S_ISDIR(st.st_mode));
	CHK("linkat", linkat(dfd, "sub/file", dfd, "hard", 0));
	CHK("linkat follow", linkat(dfd, "ln", dfd, "hard2", AT_SYMLINK_FOLLOW));
	fstatat(dfd, "hard2", &st, AT_SYMLINK_NOFOLLOW);
	printf("hard2 reg %d nlink %ld\n", S_ISREG(st.st_mode), (long)st.st_nlink);
	CHK("renameat", renameat(dfd, "hard", AT_FDCWD, "moved"));
	printf("moved: %s\n", getfile("moved"));
	CHK("faccessat", faccessat(dfd, "sub/file", R_OK | W_OK, 0));
	CHK("faccessat X", faccessat(dfd, "sub/file", X_OK, 0));
	CHK("faccessat missing", faccessat(dfd, "zz", F_OK, 0));
	CHK("fchmodat", fchmodat(dfd, "sub/file", 0600, 0));
	fstatat(dfd, "sub/file", &st, 0);
	printf("perm %o\n", st.st_mode & 0777);
	CHK("unlinkat dir w/o flag", unlinkat(dfd, "sub", 0));
	CHK("unlinkat file w/ flag", unlinkat(dfd, "ln", AT_REMOVEDIR));
	CHK("unlinkat bad flag", unlinkat(dfd, "ln", 0x1));
	CHK("unlinkat ln", unlinkat(dfd, "ln", 0));
	CHK("unlinkat nonempty", unlinkat(dfd, "sub", AT_REMOVEDIR));
	CHK("unlinkat file", unlinkat(dfd, "sub/file", 0));
	CHK("unlinkat rmdir", unlinkat(dfd, "sub", AT_REMOVEDIR));
	/* absolute paths ignore dirfd, even a bad one */
	CHK("abs with bad dirfd", fstatat(999, "/tmp", &st, 0));
	CHK("rel with bad dirfd", fstatat(999, "x", &st, 0));
	ffd = open("moved", O_RDONLY);
	CHK("rel with file dirfd", fstatat(ffd, "x", &st, 0));
	CHK("openat file dirfd", openat(ffd, "x", O_RDONLY));
	CHK("empty path on file fd", fstatat(ffd, "", &st, AT_EMPTY_PATH));
	printf("size %ld\n", (long)st.st_size);
	close(ffd);
	/* dirfd keeps naming its directory after a rename */
	CHK("rename base", rename("base", "base2"));
	fd = openat(dfd, "after", O_CREAT | O_RDWR, 0644);
	CHK("openat after rename", fd);
	close(fd);
	CHK("stat base2/after", stat("base2/after", &st));
	/* .. from a dirfd */
	CHK("dirfd ..", fstatat(dfd, "../moved", &st, 0));
	close(dfd);
	CHK("closed dirfd", mkdirat(dfd, "x", 0755));
	scratch_done("fs_at");
	return 0;
}
