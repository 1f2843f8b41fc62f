/* fs_sendfile: sendfile from a file to a file and to stdout, with and
 * without an offset pointer (which leaves the file offset alone);
 * bad fds and directions. */
#include "fs_util.h"
#include <sys/sendfile.h>

int
main(void)
{
	char big[100000];
	off_t off;
	int in, out, i;

	scratch("fs_sendfile");
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = 'a' + i % 26;
	in = open("in", O_RDWR | O_CREAT, 0644);
	write(in, big, sizeof(big));
	lseek(in, 0, SEEK_SET);
	out = open("out", O_RDWR | O_CREAT, 0644);
	VAL("sendfile all", sendfile(out, in, NULL, sizeof(big) + 10));
	VAL("in offset", lseek(in, 0, SEEK_CUR));
	VAL("out offset", lseek(out, 0, SEEK_CUR));
	VAL("at eof", sendfile(out, in, NULL, 10));
	off = 5;
	VAL("with offset", sendfile(out, in, &off, 10));
	printf("off now %ld, in offset %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
	{
		char t[16] = "";
		pread(out, t, 15, 99995);
		printf("out tail: %s\n", t);
	}
	fflush(stdout);
	off = 0;
	VAL("to stdout", sendfile(1, in, &off, 26));
	printf("\n");
	VAL("bad in", sendfile(out, 77, NULL, 1));
	VAL("bad out", sendfile(77, in, NULL, 1));
	VAL("out read-only", sendfile(in, open("out", O_RDONLY), NULL, 1));
	mkdir("d", 0755);
	VAL("in dir", sendfile(out, open("d", O_RDONLY), NULL, 1));
	close(in);
	close(out);
	scratch_done("fs_sendfile");
	return 0;
}
