/* ev_thr_atomic: four writer threads share one pipe with a reader
 * thread; every write of up to PIPE_BUF bytes arrives whole (never torn
 * by another writer's data) and each writer's records keep their order,
 * with the pipe full most of the time (blocked writers, woken readers). */
/* TIMEOUT: 120 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define WRITERS	4
#define RECORDS	300

static int p[2];
static size_t recsize;

static void *
writer(void *arg)
{
	unsigned char rec[PIPE_BUF];
	int id = (int)(long)arg, i;

	for (i = 0; i < RECORDS; i++) {
		memset(rec, id, recsize);
		rec[1] = (unsigned char)i;
		rec[2] = (unsigned char)(i >> 8);
		if (write(p[1], rec, recsize) != (ssize_t)recsize) {
			printf("writer %d: short write\n", id);
			break;
		}
	}
	return NULL;
}

static void
run(size_t size)
{
	pthread_t t[WRITERS];
	unsigned char rec[PIPE_BUF];
	int next[WRITERS] = { 0 }, torn = 0, order = 0, n = 0, i;
	size_t have;
	ssize_t r;

	recsize = size;
	pipe(p);
	for (i = 0; i < WRITERS; i++)
		pthread_create(&t[i], NULL, writer, (void *)(long)(i + 1));
	while (n < WRITERS * RECORDS) {
		for (have = 0; have < size; have += (size_t)r)
			if ((r = read(p[0], rec + have, size - have)) <= 0)
				break;
		if (have < size)
			break;
		n++;
		for (i = 3; i < (int)size; i++)
			if (rec[i] != rec[0])
				break;
		if (i < (int)size || rec[0] < 1 || rec[0] > WRITERS) {
			torn++;
			continue;
		}
		if (rec[1] + 256 * rec[2] != next[rec[0] - 1])
			order++;
		next[rec[0] - 1] = rec[1] + 256 * rec[2] + 1;
	}
	for (i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	close(p[1]);
	r = read(p[0], rec, 1);
	printf("records of %zu bytes: %d read, %d torn, %d out of order, "
	    "then EOF %d\n", size, n, torn, order, r == 0);
	close(p[0]);
}

int
main(void)
{

	run(PIPE_BUF);
	run(1000);
	run(100);
	return 0;
}
