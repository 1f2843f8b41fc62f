/*
 * tandem.h -- the few Tandem-specific calls apps of the internal C
 * runtime may use (private; libos replaces this runtime).
 */
#ifndef CRT_TANDEM_H
#define CRT_TANDEM_H

/* "kvm", "tcg", "xen-pv", "xen-pvh", "posix" */
const char *tandem_platform(void);
/* CPUID 0x40000000 signature; in a Xen PV guest, the outer hypervisor's */
const char *tandem_cpuid_signature(void);
/* A joinable thread running fn(arg); NULL when out of memory. */
void	*tandem_thread_create(const char *name, void (*fn)(void *), void *arg);
int	 tandem_thread_join(void *thread);
void	 tandem_yield(void);
/* Sleep until CLOCK_MONOTONIC reaches ns. */
void	 tandem_sleep_until(long long ns);

#endif
