/* fs_rename: rename/renameat2 -- replacing files and empty directories,
 * the errno cases, RENAME_NOREPLACE, an open file across a replace. */
#define _GNU_SOURCE
#include "fs_util.h"
#include <sys/syscall.h>

static long
rn2(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

int
main(void)
{
	struct stat st;
	char buf[16];
	int fd;

	scratch("fs_rename");
	putfile("a", "A");
	putfile("b", "B");
	CHK("rename a c", rename("a", "c"));
	printf("c=%s a=%s\n", getfile("c"), getfile("a"));
	fd = open("b", O_RDONLY);
	CHK("rename c b (replace)", rename("c", "b"));
	printf("b=%s\n", getfile("b"));
	buf[read(fd, buf, sizeof(buf))] = '\0';
	printf("old b still open: %s\n", buf);
	close(fd);
	CHK("rename missing", rename("nope", "x"));
	CHK("rename to missing dir", rename("b", "nodir/x"));
	mkdir("d1", 0755);
	mkdir("d2", 0755);
	putfile("d2/f", "f");
	CHK("file over dir", rename("b", "d1"));
	CHK("dir over file", rename("d1", "b"));
	CHK("dir over nonempty", rename("d1", "d2"));
	CHK("dir into itself", rename("d1", "d1/x"));
	CHK("dir into own child", rename("d2", "d2/f/x"));
	mkdir("d3", 0755);
	CHK("dir over empty dir", rename("d2", "d3"));
	printf("d3/f=%s\n", getfile("d3/f"));
	CHK("stat d2", stat("d2", &st));
	CHK("rename dot", rename(".", "x"));
	CHK("rename to dot", rename("d1", "d3/."));
	CHK("rename dotdot", rename("d3/..", "x"));
	CHK("same name", rename("b", "b"));
	link("b", "b2");
	CHK("hard links of one file", rename("b", "b2"));
	CHK("both still", stat("b", &st) == 0 && stat("b2", &st) == 0 ? 0 : -1);
	CHK("file slash", rename("b/", "x"));
	CHK("to slash", rename("b", "x/"));
	CHK("dir with slashes", rename("d1/", "d4/"));
	CHK("noreplace existing", rn2("b", "b2", 1));
	CHK("noreplace new", rn2("b", "b3", 1));
	CHK("bad flags", rn2("b3", "b4", 8));
	/* rename across directories keeps nlink right */
	mkdir("p", 0755);
	mkdir("q", 0755);
	mkdir("p/c", 0755);
	CHK("move dir", rename("p/c", "q/c"));
	stat("p", &st);
	printf("p nlink %ld\n", (long)st.st_nlink);
	stat("q", &st);
	printf("q nlink %ld\n", (long)st.st_nlink);
	CHK("move back via ..", rename("q/c", "q/../p/c"));
	CHK("stat p/c", stat("p/c", &st));
	/* EXDEV: /tmp and the scratch dir's parent mount differ on Tandem
	 * and (usually) on Linux too -- not printed; just must not crash */
	rename("/tmp/fs_rename.d/b3", "/fs_rename_x");
	rename("/fs_rename_x", "/tmp/fs_rename.d/b3");
	scratch_done("fs_rename");
	return 0;
}
