/*
 * pvclock.h -- reading a pvclock time record (Xen vcpu_time_info and KVM
 * kvmclock share this layout, 32 bytes).
 */
#ifndef TANDEM_PVCLOCK_H
#define TANDEM_PVCLOCK_H

#include <stdint.h>

struct pvclock_time {
	uint32_t	version;
	uint32_t	pad0;
	uint64_t	tsc_timestamp;
	uint64_t	system_time;
	uint32_t	tsc_to_system_mul;
	int8_t		tsc_shift;
	uint8_t		flags;
	uint8_t		pad[2];
};

/* Nanoseconds of the record's clock now.  Retries while the hypervisor
 * updates the record. */
uint64_t pvclock_read(volatile struct pvclock_time *);
/* TSC ticks -> ns with a record's mul/shift. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);
/* mul/shift that convert ticks of a hz-frequency TSC to ns. */
void	 pvclock_scale_for_hz(uint64_t hz, uint32_t *mul, int8_t *shift);

#endif
