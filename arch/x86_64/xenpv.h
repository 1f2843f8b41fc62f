/*
 * xenpv.h -- the few things the arch trap code needs from platform/xen
 * when it runs as a Xen PV guest (ring 3 kernel mode: no IDT, no CR2).
 */
#ifndef ARCH_XENPV_H
#define ARCH_XENPV_H

#include <stdint.h>

/* Registers the exception stubs (32, 32 bytes apart), the event upcall
 * and the failsafe callback with Xen. */
void	 xenpv_traps_init(char *stubs, char *event_cb, char *failsafe_cb);
/* The faulting address of the last page fault (vcpu_info->arch.cr2). */
uint64_t xenpv_fault_cr2(void);

#endif
