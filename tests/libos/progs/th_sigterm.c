/* th_sigterm: SIGTERM's default action ends the process (status 143 as
 * a shell reports it), also when it arrives at a blocked thread; a
 * handler that exits cleanly makes the status its own. */
/* ARGS: default */
/* STATUS: 143 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
term(int sig)
{
	printf("SIGTERM handled, exiting cleanly\n");
	exit(0);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "handled") == 0)
		signal(SIGTERM, term);
	printf("armed\n");
	fflush(stdout);
	kill(getpid(), SIGTERM);
	printf("not reached\n");
	return 1;
}
