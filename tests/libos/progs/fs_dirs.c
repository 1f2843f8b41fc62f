/* fs_dirs: mkdir/rmdir and their errno values, ".", ".." and "/",
 * trailing slashes, nlink of directories. */
#include "fs_util.h"

int
main(void)
{
	struct stat st;

	scratch("fs_dirs");
	CHK("mkdir d", mkdir("d", 0755));
	CHK("mkdir d again", mkdir("d", 0755));
	CHK("mkdir e/", mkdir("e/", 0755));
	CHK("mkdir d/sub//", mkdir("d/sub//", 0700));
	CHK("mkdir x/y", mkdir("x/y", 0755));
	CHK("mkdir .", mkdir(".", 0755));
	CHK("mkdir ..", mkdir("..", 0755));
	CHK("mkdir /", mkdir("/", 0755));
	putfile("f", "data");
	CHK("mkdir f", mkdir("f", 0755));
	CHK("mkdir f/x", mkdir("f/x", 0755));
	CHK("stat d", stat("d", &st));
	printf("d: dir %d nlink %ld perm %o\n", S_ISDIR(st.st_mode),
	    (long)st.st_nlink, st.st_mode & 07777);
	stat("d/sub", &st);
	printf("d/sub: perm %o\n", st.st_mode & 07777);
	CHK("rmdir d", rmdir("d"));
	CHK("rmdir d/sub/.", rmdir("d/sub/."));
	CHK("rmdir d/sub/..", rmdir("d/sub/.."));
	CHK("rmdir f", rmdir("f"));
	CHK("rmdir f/", rmdir("f/"));
	CHK("rmdir nope", rmdir("nope"));
	CHK("rmdir /", rmdir("/"));
	CHK("rmdir d/sub/", rmdir("d/sub/"));
	stat("d", &st);
	printf("d: nlink %ld\n", (long)st.st_nlink);
	CHK("rmdir d", rmdir("d"));
	CHK("stat d", stat("d", &st));
	CHK("unlink e", unlink("e"));
	CHK("unlink .", unlink("."));
	CHK("unlink f/", unlink("f/"));
	CHK("unlink f", unlink("f"));
	CHK("unlink f", unlink("f"));
	/* a directory removed while it is the cwd */
	mkdir("gone", 0755);
	CHK("chdir gone", chdir("gone"));
	CHK("rmdir ../gone", rmdir("../gone"));
	CHK("create in removed", open("x", O_CREAT | O_RDWR, 0644));
	CHK("mkdir in removed", mkdir("y", 0755));
	{
		char cwd[256];
		CHK("getcwd in removed", getcwd(cwd, sizeof(cwd)) ? 0 : -1);
	}
	CHK("chdir ..", chdir(".."));
	CHK("stat gone", stat("gone", &st));
	/* deep */
	{
		char p[512] = "t";
		int i;
		for (i = 0; i < 30; i++) {
			if (mkdir(p, 0755) < 0)
				printf("deep mkdir %d: %s\n", i, ename(errno));
			strcat(p, "/t");
		}
		CHK("deep stat", stat("t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t", &st));
		CHK("deep dots", stat("t/t/t/../t/./t/../../t/t/./t", &st));
		CHK("dots past file", stat("t/../f/..", &st));
	}
	/* mknod of a regular file is a create */
	CHK("mknod reg", mknod("node", S_IFREG | 0640, 0));
	CHK("stat node", stat("node", &st));
	printf("node: reg %d perm %o size %ld\n", S_ISREG(st.st_mode),
	    st.st_mode & 07777, (long)st.st_size);
	CHK("mknod exists", mknod("node", S_IFREG | 0640, 0));
	CHK("mknod bad type", mknod("bad", 0170000, 0));
	scratch_done("fs_dirs");
	return 0;
}
