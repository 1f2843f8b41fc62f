/*
 * ring_check.h -- bounds for consuming responses from a Xen shared ring
 * (io/ring.h) that the other side writes.  A backend can put any value
 * in rsp_prod; before we look at a single response we check that it
 * names no more responses than we have requests outstanding.
 * Host-compilable: tests/unit fuzzes it.
 */
#ifndef PLATFORM_XEN_RING_CHECK_H
#define PLATFORM_XEN_RING_CHECK_H

#include <stdint.h>

/* rsp_prod as read from the shared page, our rsp_cons, our
 * req_prod_pvt: 1 if rsp_prod is possible, 0 if the backend lies. */
static inline int
xen_ring_rsp_ok(uint32_t rsp_prod, uint32_t rsp_cons, uint32_t req_prod,
    uint32_t size)
{
	uint32_t avail = rsp_prod - rsp_cons;

	return avail <= size && avail <= req_prod - rsp_cons;
}

/* A response id names a slot we own: id < nslots and the slot is busy
 * (busy[] as kept by the driver, never shared). */
static inline int
xen_ring_id_ok(uint64_t id, unsigned nslots, const uint8_t *busy)
{
	return id < nslots && busy[id];
}

#endif
