/*
 * pattern.c -- host side of the blkcheck pattern (apps/blkcheck/pattern.h):
 *
 *   pattern write SEED FILE      fill FILE (its current size) and fsync
 *   pattern verify SEED FILE     exit 0 iff every byte matches, else print
 *                                the first mismatch and exit 1
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../apps/blkcheck/pattern.h"

#define CHUNK	(1024 * 1024)

int
main(int argc, char **argv)
{
	static uint64_t buf[CHUNK / 8];
	uint64_t seed, off, size;
	struct stat st;
	size_t at, n;
	int fd, wr;

	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "verify"))) {
		fprintf(stderr, "usage: pattern write|verify SEED FILE\n");
		return 2;
	}
	wr = strcmp(argv[1], "write") == 0;
	seed = strtoull(argv[2], NULL, 0);
	if ((fd = open(argv[3], wr ? O_RDWR : O_RDONLY)) < 0 ||
	    fstat(fd, &st) != 0) {
		perror(argv[3]);
		return 2;
	}
	size = (uint64_t)st.st_size & ~511ULL;
	for (off = 0; off < size; off += n) {
		n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		if (wr) {
			pattern_fill(seed, off, buf, n);
			if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
				return perror("pwrite"), 2;
			continue;
		}
		if (pread(fd, buf, n, (off_t)off) != (ssize_t)n)
			return perror("pread"), 2;
		if ((at = pattern_check(seed, off, buf, n)) < n) {
			printf("pattern: mismatch at byte %llu: got 0x%02x want 0x%02x\n",
			    (unsigned long long)(off + at), ((uint8_t *)buf)[at],
			    pattern_byte(seed, off + at));
			return 1;
		}
	}
	if (wr && fsync(fd) != 0)
		return perror("fsync"), 2;
	printf("pattern: %s %llu bytes, seed %llu\n", wr ? "wrote" : "verified",
	    (unsigned long long)size, (unsigned long long)seed);
	return 0;
}
