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
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "handled") == 0)
			signal(SIGTERM, term);
	printf("armed\n");
	fflush(stdout);
	/* "wait": SIGTERM comes from outside (xl shutdown, the power
	 * button; tests/libos/extra-thr.sh) */
	if (argc > 1 && strcmp(argv[argc - 1], "wait") == 0)
		for (;;)
			pause();
	kill(getpid(), SIGTERM);
	printf("not reached\n");
	return 1;
}
