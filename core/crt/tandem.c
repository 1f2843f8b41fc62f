/*
 * tandem.c -- the app-facing Tandem calls of the internal C runtime.
 */
#include <tandem.h>
#include <tandem/core.h>
#include <tandem/platform.h>

const char *
tandem_platform(void)
{
	return td_plat.name;
}

const char *
tandem_cpuid_signature(void)
{
	return td_plat.cpuid_sig ? td_plat.cpuid_sig : "none";
}

void *
tandem_thread_create(const char *name, void (*fn)(void *), void *arg)
{
	return td_thread_create(name, fn, arg, TD_STACK_DEFAULT,
	    TD_THREAD_JOINABLE);
}

int
tandem_thread_join(void *t)
{
	return td_thread_join(t);
}

void
tandem_yield(void)
{
	td_yield();
}

void
tandem_sleep_until(long long ns)
{
	td_sleep_until(ns < 0 ? 0 : (uint64_t)ns);
}
