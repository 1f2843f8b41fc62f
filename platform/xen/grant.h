/*
 * grant.h -- grant tables v1 for the split drivers.
 *
 * A grant lets one other domain (the backend) map or copy one of our
 * frames.  References are handed out from a free list and come back to
 * it when revoked, so a driver that grants and revokes per request
 * never runs out.  Setting the table up is the only part PV and PVH do
 * differently (GNTTABOP_setup_table + machine frames mapped into our
 * address space vs XENMEM_add_to_physmap into our own pfns).
 */
#ifndef PLATFORM_XEN_GRANT_H
#define PLATFORM_XEN_GRANT_H

#include <stdint.h>

#include "hypercall.h"

#define XEN_GREF_INVALID	((grant_ref_t)-1)

/* Maps the table; 0 or a negative Xen errno (also printed). */
int	xen_grant_init(void);
/* Lets `dom` access the frame holding va (page aligned or not; the whole
 * frame is granted), read-only if ro.  Returns the reference or
 * XEN_GREF_INVALID when the table is full.  IRQ-safe. */
grant_ref_t xen_grant_va(domid_t dom, const void *va, int ro);
/* Same for a frame number (gfn: mfn on PV, pfn on PVH). */
grant_ref_t xen_grant_frame(domid_t dom, uint64_t gfn, int ro);
/* Revokes and frees ref.  Returns 0, or -1 while the backend still has
 * the frame mapped (the ref then stays granted; try again later). */
int	xen_grant_end(grant_ref_t ref);
/* References in use / in the table (diagnostics and tests). */
unsigned xen_grant_inuse(void);
unsigned xen_grant_nrefs(void);

/* The frame number Xen wants for our address va. */
uint64_t xen_va_to_gfn(const void *va);

#endif
