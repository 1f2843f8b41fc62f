/* fs_links: symlinks (readlink, lstat, loops, 40-link limit, dangling
 * targets made by O_CREAT, relative and absolute targets, links to
 * directories with a trailing slash), hard links and unlinked open files. */
#include "fs_util.h"

int
main(void)
{
	struct stat st;
	char buf[256], a[16], b[16];
	ssize_t n;
	int fd, i;

	scratch("fs_links");
	putfile("f", "file data");
	CHK("symlink", symlink("f", "l"));
	CHK("symlink exists", symlink("f", "l"));
	CHK("symlink empty", symlink("", "e"));
	n = readlink("l", buf, sizeof(buf));
	printf("readlink %zd %.*s\n", n, (int)n, buf);
	n = readlink("l", buf, 1);
	printf("readlink short %zd %.*s\n", n, (int)n, buf);
	CHK("readlink file", readlink("f", buf, sizeof(buf)));
	CHK("readlink size 0", readlink("l", buf, 0));
	CHK("readlink missing", readlink("zz", buf, sizeof(buf)));
	lstat("l", &st);
	printf("lstat: link %d size %ld\n", S_ISLNK(st.st_mode), (long)st.st_size);
	stat("l", &st);
	printf("stat: reg %d size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
	printf("through link: %s\n", getfile("l"));
	/* loops and chains */
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	CHK("loop open", open("loop1", O_RDONLY));
	CHK("loop lstat", lstat("loop1", &st));
	CHK("loop stat", stat("loop1", &st));
	for (i = 0; i < 45; i++) {
		snprintf(a, sizeof(a), "c%d", i);
		snprintf(b, sizeof(b), "c%d", i + 1);
		symlink(b, a);
	}
	putfile("c45", "end of chain");
	printf("c5 (40 links): %s\n", getfile("c5"));
	printf("c4 (41 links): %s\n", getfile("c4"));
	/* dangling: O_CREAT makes the target, O_EXCL refuses */
	symlink("target", "dangle");
	CHK("stat dangling", stat("dangle", &st));
	CHK("excl dangling", open("dangle", O_CREAT | O_EXCL | O_WRONLY, 0644));
	fd = open("dangle", O_CREAT | O_WRONLY, 0644);
	CHK("creat through dangling", fd);
	close(fd);
	CHK("target made", stat("target", &st));
	/* directories */
	mkdir("dir", 0755);
	putfile("dir/in", "inside");
	symlink("dir", "ld");
	symlink("/tmp/fs_links.d/dir/in", "abs");
	symlink("../fs_links.d/./dir/../f", "rel");
	printf("ld/in: %s\n", getfile("ld/in"));
	printf("abs: %s\n", getfile("abs"));
	printf("rel: %s\n", getfile("rel"));
	CHK("lstat ld/", lstat("ld/", &st));
	printf("ld/ is dir: %d\n", S_ISDIR(st.st_mode));
	CHK("rmdir ld", rmdir("ld"));
	CHK("unlink ld/", unlink("ld/"));
	CHK("l/ (link to file)", stat("l/", &st));
	symlink("f/", "lslash");
	CHK("link to file/", stat("lslash", &st));
	CHK("unlink ld", unlink("ld"));
	/* hard links */
	CHK("link", link("f", "h"));
	stat("f", &st);
	printf("nlink %ld\n", (long)st.st_nlink);
	CHK("link exists", link("f", "h"));
	CHK("link dir", link("dir", "hd"));
	CHK("link missing", link("nope", "x"));
	CHK("link to link (no follow)", link("l", "hl"));
	lstat("hl", &st);
	printf("hl is link: %d\n", S_ISLNK(st.st_mode));
	fd = open("h", O_RDWR);
	unlink("f");
	unlink("h");
	fstat(fd, &st);
	printf("unlinked open: nlink %ld\n", (long)st.st_nlink);
	write(fd, " more", 5);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf));
	printf("unlinked reads %.*s\n", (int)n, buf);
	close(fd);
	CHK("dangling now", stat("l", &st));
	scratch_done("fs_links");
	return 0;
}
