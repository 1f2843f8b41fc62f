/* th_uname: uname fields, host name, sysinfo. */
/* STATUS: 0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

int
main(void)
{
	struct utsname u;
	struct sysinfo si;
	char host[256], big[100];
	int r;

	r = uname(&u);
	printf("uname: %d\n", r);
	printf("sysname=%s\n", u.sysname);
	printf("machine=%s\n", u.machine);
	printf("release starts with a digit: %s\n",
	    u.release[0] >= '0' && u.release[0] <= '9' ? "yes" : "no");
	printf("nodename not empty: %s\n", u.nodename[0] ? "yes" : "no");
	gethostname(host, sizeof(host));
	printf("gethostname matches nodename: %s\n",
	    strcmp(host, u.nodename) == 0 ? "yes" : "no");
	memset(big, 'x', sizeof(big));
	printf("sethostname too long: %s\n",
	    sethostname(big, sizeof(big)) ? strerror(errno) : "ok");
	r = sysinfo(&si);
	printf("sysinfo: %d\n", r);
	printf("totalram > 16 MiB: %s\n",
	    (unsigned long long)si.totalram * si.mem_unit > (16ULL << 20) ?
	    "yes" : "no");
	printf("freeram <= totalram: %s\n", si.freeram <= si.totalram ? "yes" : "no");
	printf("freeram > 0: %s\n", si.freeram > 0 ? "yes" : "no");
	printf("procs >= 1: %s\n", si.procs >= 1 ? "yes" : "no");
	printf("mem_unit >= 1: %s\n", si.mem_unit >= 1 ? "yes" : "no");
	printf("sysconf pagesize=%ld\n", sysconf(_SC_PAGESIZE));
	printf("sysconf nprocessors >= 1: %s\n",
	    sysconf(_SC_NPROCESSORS_ONLN) >= 1 ? "yes" : "no");
	return 0;
}
