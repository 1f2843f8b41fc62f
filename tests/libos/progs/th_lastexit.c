/* th_lastexit: main leaves with pthread_exit; the process lives on with
 * its other thread and ends (status 0, atexit handlers run) when that
 * one is the last. */
/* STATUS: 0 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
bye(void)
{
	printf("atexit handler ran\n");
}

static void *
worker(void *arg)
{
	usleep(50000);
	printf("worker outlived main\n");
	return NULL;
}

int
main(void)
{
	pthread_t t;

	atexit(bye);
	pthread_create(&t, NULL, worker, NULL);
	printf("main leaves\n");
	fflush(stdout);
	pthread_exit(NULL);
	return 3;
}
