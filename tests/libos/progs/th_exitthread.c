/* th_exitthread: exit() from another thread ends the whole process with
 * its status, while main is blocked. */
/* STATUS: 7 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *
worker(void *arg)
{
	usleep(20000);
	printf("worker exits with 7\n");
	exit(7);
}

int
main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, worker, NULL);
	printf("main waits\n");
	fflush(stdout);
	pthread_join(t, NULL);
	printf("not reached\n");
	return 0;
}
