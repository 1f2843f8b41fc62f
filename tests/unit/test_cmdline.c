/*
 * test_cmdline.c -- splitting "[KEY=VALUE ...] [--] [app args...]".
 */
#include <string.h>

#include "core_impl.h"
#include "test.h"

static char **av;
static int ac;

static void
parse(const char *line)
{
	cmdline_init(line);
	ac = td_app_args(&av);
}

static void
test_empty(void)
{
	parse("");
	CHECK(ac == 1 && strcmp(av[0], "app") == 0 && av[1] == NULL);
	CHECK(td_param("X") == NULL);
	parse("   \t ");
	CHECK(ac == 1);
	parse(NULL);
	CHECK(ac == 1);
}

static void
test_params_and_args(void)
{
	parse("TD_VERBOSE=1 net.ip=10.0.0.2 A_B=  hello world -x");
	CHECK(strcmp(td_param("TD_VERBOSE"), "1") == 0);
	CHECK(strcmp(td_param("net.ip"), "10.0.0.2") == 0);
	CHECK(strcmp(td_param("A_B"), "") == 0);
	CHECK(td_param("hello") == NULL);
	CHECK(ac == 4);
	CHECK(strcmp(av[1], "hello") == 0 && strcmp(av[2], "world") == 0 &&
	    strcmp(av[3], "-x") == 0 && av[4] == NULL);
}

static void
test_words_after_args_are_args(void)
{
	parse("K=1 prog X=2");
	CHECK(td_param("X") == NULL && ac == 3);
	CHECK(strcmp(av[1], "prog") == 0 && strcmp(av[2], "X=2") == 0);
}

static void
test_dashdash(void)
{
	parse("K=v -- A=1 -- b");
	CHECK(strcmp(td_param("K"), "v") == 0 && td_param("A") == NULL);
	CHECK(ac == 4 && strcmp(av[1], "A=1") == 0 &&
	    strcmp(av[2], "--") == 0 && strcmp(av[3], "b") == 0);
	parse("--");
	CHECK(ac == 1);
}

static void
test_quotes(void)
{
	parse("MSG=\"hello big world\" \"two words\" x\"y z\"w \"\" \"A=B\"");
	CHECK(strcmp(td_param("MSG"), "hello big world") == 0);
	CHECK(ac == 5);
	CHECK(strcmp(av[1], "two words") == 0);
	CHECK(strcmp(av[2], "xy zw") == 0);
	CHECK(strcmp(av[3], "") == 0);
	CHECK(strcmp(av[4], "A=B") == 0);
	CHECK(td_param("A") == NULL);
}

static void
test_not_params(void)
{
	parse("=x a-b=1 K=2");
	CHECK(ac == 4 && strcmp(av[1], "=x") == 0 &&
	    strcmp(av[2], "a-b=1") == 0 && td_param("K") == NULL);
}

static void
test_last_wins_and_app_name(void)
{
	parse("K=1 K=2 TD_APP=hello a");
	CHECK(strcmp(td_param("K"), "2") == 0);
	CHECK(ac == 2 && strcmp(av[0], "hello") == 0 &&
	    strcmp(av[1], "a") == 0);
}

static void
test_no_leaks(void)
{
	size_t before;

	parse("A=1 B=2 x y z");
	before = td_heap_inuse();
	parse("A=1 B=2 x y z");
	CHECK(td_heap_inuse() == before);
}

int
main(void)
{
	fake_init("", 8UL << 20);
	page_init(td_plat.ram, td_plat.nram);
	heap_init();
	RUN(test_empty);
	RUN(test_params_and_args);
	RUN(test_words_after_args_are_args);
	RUN(test_dashdash);
	RUN(test_quotes);
	RUN(test_not_params);
	RUN(test_last_wins_and_app_name);
	RUN(test_no_leaks);
	return t_done();
}
