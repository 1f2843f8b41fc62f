/* hello: argv, the environment, stdio buffering and the exit status. */
/* ARGS: a b=c -- fail */
/* ENV: GREETING=hi */
/* STATUS: 3 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	const char *g = getenv("GREETING");
	int i;

	printf("hello, %d args\n", argc - 1);
	for (i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	printf("GREETING=%s\n", g != NULL ? g : "(unset)");
	fprintf(stderr, "to stderr\n");
	return argc > 1 && strcmp(argv[argc - 1], "fail") == 0 ? 3 : 0;
}
