/* fs_path: name resolution -- repeated slashes, "." and "..", ".." at
 * the root and across the /tmp mount, ".." after a symlinked directory
 * (the physical parent), symlinks in the middle of a path, absolute
 * targets, ELOOP in a middle component, ENOTDIR through a file,
 * trailing slashes with lstat. */
#include "fs_util.h"

static void
st(const char *p)
{
	struct stat s;

	if (stat(p, &s) < 0)
		printf("%s: %s\n", p, ename(errno));
	else
		printf("%s: %s\n", p, S_ISDIR(s.st_mode) ? "dir" :
		    S_ISREG(s.st_mode) ? getfile(p) : "other");
}

int
main(void)
{
	struct stat s;

	scratch("fs_path");
	mkdir("a", 0755);
	mkdir("a/b", 0755);
	mkdir("a/b/c", 0755);
	putfile("a/b/c/f", "f in c");
	putfile("a/g", "g in a");
	putfile("top", "top file");
	symlink("a/b/c", "lc");
	symlink("/tmp/fs_path.d/a/b", "labs");
	symlink("lc", "lc2");
	symlink("../..", "a/b/c/up2");
	symlink("self", "self");
	symlink("top", "ltop");
	st("a//b///c////f");
	st("./a/./b/./c/./f");
	st("a/b/../b/c/../../g");
	st("lc/f");
	st("lc/..");
	st("lc/../../g");
	st("lc2/f");
	st("labs/c/f");
	st("labs/../g");
	st("a/b/c/up2/g");
	st("a/b/c/up2/b/c/up2/g");
	st("self/x");
	st("ltop/x");
	st("top/..");
	st("top/.");
	st("nope/..");
	st("/tmp/fs_path.d/../fs_path.d/top");
	st("/../../../tmp/fs_path.d/top");
	st("/tmp/..");
	st("//tmp//fs_path.d//top");
	CHK("lstat lc/", lstat("lc/", &s));
	printf("lc/ is dir %d\n", S_ISDIR(s.st_mode));
	CHK("lstat lc", lstat("lc", &s));
	printf("lc is link %d\n", S_ISLNK(s.st_mode));
	CHK("lstat ltop/", lstat("ltop/", &s));
	CHK("lstat self", lstat("self", &s));
	CHK("stat self", stat("self", &s));
	CHK("chdir lc", chdir("lc"));
	st("f");
	st("..");
	st("../../g");
	CHK("chdir ../../..", chdir("../../.."));
	st("top");
	scratch_done("fs_path");
	return 0;
}
