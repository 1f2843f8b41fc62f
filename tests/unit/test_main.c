/*
 * test_main.c -- core_main() end to end on the fake platform: boot
 * order, the init link set, TD_VERBOSE stats, argv, and the exit line.
 * Built with -Dmain=app_main, so core/main.c calls app_main() below.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core_impl.h"
#include "test.h"

static int hook_ran;

static void
hook(void)
{
	hook_ran++;
	/* hooks run in the main thread and may sleep */
	td_sleep_ns(1000);
}

static void (*const hook_entry)(void)
    __attribute__((section("link_set_tandem_init"), used)) = hook;

int
app_main(int argc, char **argv)
{
	CHECK(hook_ran == 1);
	CHECK(argc == 3);
	CHECK(strcmp(argv[0], "hello") == 0);
	CHECK(strcmp(argv[1], "x y") == 0 && strcmp(argv[2], "z") == 0);
	CHECK(argv[3] == NULL);
	CHECK(strcmp(td_param("FOO"), "bar") == 0);
	CHECK(strcmp(td_thread_name(td_thread_self()), "main") == 0);
	CHECK(fake_cons_has("tandem: pages "));
	return 300;
}

static void
on_exit_check(int status)
{
	CHECK(status == (300 & 255));
	CHECK(fake_cons_has("tandem: exit 300\n"));
	CHECK(fake_cons[fake_cons_len - 1] == '\n' &&
	    strstr(fake_cons, "tandem: exit 300\n") + 17 ==
	    fake_cons + fake_cons_len);
	printf("%s test_core_main\n", t_cur_failed ? "FAIL" : "PASS");
	fflush(stdout);
	_exit(t_cur_failed ? 1 : 0);
}

#undef main
int
main(void)
{
	fake_init("TD_VERBOSE=1 FOO=bar TD_APP=hello -- \"x y\" z", 16UL << 20);
	fake_exit_hook = on_exit_check;
	core_main();
}
