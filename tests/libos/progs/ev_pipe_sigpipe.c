/* ev_pipe_sigpipe: SIGPIPE's default action ends the program. */
/* STATUS: 141 */
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	int p[2];

	pipe(p);
	close(p[0]);
	printf("writing to a pipe without readers\n");
	fflush(stdout);
	write(p[1], "x", 1);
	printf("still alive?\n");
	return 0;
}
