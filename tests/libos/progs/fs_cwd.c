/* fs_cwd: getcwd/chdir/fchdir, relative names after chdir, ".." at the
 * root and across the /tmp mount, ERANGE. */
#include "fs_util.h"

static void
pwd(const char *what)
{
	char buf[512];

	if (getcwd(buf, sizeof(buf)) == NULL)
		printf("%s: getcwd %s\n", what, ename(errno));
	else
		printf("%s: %s\n", what, buf);
}

int
main(void)
{
	char small[4];
	int fd;

	scratch("fs_cwd");
	pwd("scratch");
	mkdir("a", 0755);
	mkdir("a/b", 0755);
	putfile("a/b/f", "in b");
	CHK("chdir a/b", chdir("a/b"));
	pwd("in b");
	printf("f: %s\n", getfile("f"));
	printf("../b/f: %s\n", getfile("../b/f"));
	CHK("chdir ../..", chdir("../.."));
	pwd("back");
	fd = open("a", O_RDONLY | O_DIRECTORY);
	CHK("chdir /", chdir("/"));
	pwd("root");
	CHK("chdir ..", chdir(".."));
	pwd("root/..");
	CHK("chdir /../../tmp", chdir("/../../tmp"));
	pwd("tmp");
	CHK("chdir ..", chdir(".."));
	pwd("tmp/..");
	CHK("fchdir", fchdir(fd));
	pwd("fchdir a");
	close(fd);
	CHK("chdir b/", chdir("b/"));
	pwd("b");
	CHK("chdir f", chdir("f"));
	CHK("chdir nope", chdir("nope"));
	symlink("/tmp/fs_cwd.d/a", "/tmp/fs_cwd.d/la");
	CHK("chdir la", chdir("/tmp/fs_cwd.d/la"));
	pwd("through link");
	CHK("getcwd small", getcwd(small, sizeof(small)) == NULL ? -1 : 0);
	CHK("chdir //tmp//fs_cwd.d/./a/b/..", chdir("//tmp//fs_cwd.d/./a/b/.."));
	pwd("normalised");
	/* the cwd's directory renamed: getcwd names it by its new name */
	CHK("chdir a/b", chdir("/tmp/fs_cwd.d/a/b"));
	CHK("rename a", rename("/tmp/fs_cwd.d/a", "/tmp/fs_cwd.d/z"));
	pwd("after rename");
	printf("f: %s\n", getfile("f"));
	CHK("chdir ..", chdir(".."));
	pwd("up");
	scratch_done("fs_cwd");
	return 0;
}
