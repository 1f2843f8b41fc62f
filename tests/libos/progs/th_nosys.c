/* th_nosys: unknown system calls fail with ENOSYS and the process goes
 * on.  With the argument "tandem" (tests/libos/extra-thr.sh, Tandem
 * only) also the calls that need another process. */
/* STATUS: 0 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static const char *
ename(int e)
{
	switch (e) {
	case ENOSYS: return "ENOSYS";
	case ECHILD: return "ECHILD";
	case ENOENT: return "ENOENT";
	case EAGAIN: return "EAGAIN";
	default: return strerror(e);
	}
}

int
main(int argc, char **argv)
{
	char *av[] = { "true", NULL };
	pid_t pid;
	int i, r;

	for (i = 0; i < 2; i++) {
		r = (int)syscall(999, 1, 2, 3);
		printf("syscall(999): %d %s\n", r, ename(errno));
	}
	for (i = 0; i < 3; i++) {
		r = (int)syscall(500);
		printf("syscall(500): %d %s\n", r, ename(errno));
	}
	if (argc > 1 && strcmp(argv[1], "tandem") == 0) {
		errno = 0;
		pid = fork();
		printf("fork: %d %s\n", (int)pid, ename(errno));
		errno = 0;
		r = execve("/bin/true", av, environ);
		printf("execve: %d %s\n", r, ename(errno));
		r = posix_spawn(&pid, "/bin/true", NULL, NULL, av, environ);
		printf("posix_spawn: %s\n", ename(r));
		r = (int)syscall(SYS_clone, 0x11, 0, 0, 0, 0);
		printf("clone (fork-like): %d %s\n", r, ename(errno));
		/* the host name is the guest's own to set */
		struct utsname u;
		r = sethostname("th-nosys", 8);
		uname(&u);
		printf("sethostname: %d, nodename=%s\n", r, u.nodename);
	}
	printf("still alive\n");
	return 0;
}
