/*
 * hw.h -- PC hardware the QEMU/KVM platform drives directly.
 */
#ifndef PLATFORM_VIRTIO_HW_H
#define PLATFORM_VIRTIO_HW_H

#include <stdint.h>

#define COM1		0x3f8

/* Sets td_plat.mono_ns, wall_base_ns and block: kvmclock when KVM
 * offers it, else a TSC calibrated against the PIT; one-shot timer from
 * the LAPIC, or the PIT when there is no LAPIC. */
void	hw_clock_init(int kvm);
/* The TSC rate measured (or given by kvmclock) at init. */
uint64_t hw_tsc_hz(void);

#endif
