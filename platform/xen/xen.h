/*
 * xen.h -- state and helpers shared by the Xen PV and PVH platforms.
 *
 * PV and PVH differ only in how they find things (start_info vs HVM
 * params, mmu_update vs an identity map) and how they mask events
 * (vcpu_info->evtchn_upcall_mask vs RFLAGS.IF).  Once shared_info, the
 * console ring and the event upcall are in place, everything else --
 * event demux, console, clock, timer, block, exit -- is common code.
 */
#ifndef PLATFORM_XEN_XEN_H
#define PLATFORM_XEN_XEN_H

#include <stdint.h>

#include <tandem/platform.h>

#include "hypercall.h"
#include "evtchn.h"

/* io/ring.h leaves its barriers to the guest (x86: stores are not
 * reordered with stores, loads not with loads). */
#define xen_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb()	__asm__ volatile("" ::: "memory")
#define xen_wmb()	__asm__ volatile("" ::: "memory")

#define XEN_PAGE_SHIFT	12
#define XEN_PAGE_SIZE	4096UL

extern shared_info_t	*xen_shinfo;	/* mapped shared_info page */
extern vcpu_info_t	*xen_vcpu;	/* vcpu_info[0] inside it */
extern int		 xen_is_pv;	/* 1: PV, 0: PVH */

/* Where the xenstore ring is; for the xenstore client to come. */
extern void		*xen_store_ring;
extern evtchn_port_t	 xen_store_port;

/* A page-aligned page inside the image, for shared_info. */
extern char		 xen_shinfo_page[4096];

/* console.c: ring at va, kicked through port. */
void	xen_cons_init(void *ring, evtchn_port_t port);
void	xen_cons_write(const char *, size_t);
void	xen_cons_flush(void);

/* time.c: clock from vcpu_info time, wall clock, VIRQ_TIMER, and the
 * platform hooks that use them.  xen_time_init needs the event system. */
void	xen_time_init(void);
uint64_t xen_mono_ns(void);
void	xen_block(uint64_t deadline);
void	xen_exit(int status) __attribute__((noreturn));
/* Bounded wait helper: Xen system-time based, usable before and after
 * xen_time_init (needs only xen_vcpu). */
uint64_t xen_system_ns(void);
/* ns spent per RUNSTATE_* (running, runnable, blocked, offline). */
int	xen_runstate(uint64_t t[4]);
extern uint64_t xen_timer_events;
extern uint64_t xen_timer_late_max;

/* evtchn.c: the upcall handler for arch_irq_set_handler. */
void	xen_evtchn_init(void);
void	xen_evtchn_upcall(void *);
/* A hypercall whose return path delivers pending events (PV). */
void	xen_force_upcall(void);

/* mem.c: building td_plat.ram from usable ranges minus reserved ones. */
void	xen_ram_add(uint64_t start, uint64_t end);
/* PV page protection (pvmem.c): td_plat.page_protect / protect_init. */
int	xen_pv_protect(uintptr_t va, size_t len, int prot);
void	xen_pv_protect_init(void);
/* demand paging in a PV guest (td_plat.lazy_get/lazy_set/lazy_next) */
uint64_t xen_pv_lazy_get(uintptr_t va);
uintptr_t xen_pv_lazy_next(uintptr_t va, uintptr_t end);
int	xen_pv_lazy_set(uintptr_t va, uint64_t ent, int batch);
void	xen_ram_reserve(uint64_t start, uint64_t end);
uint64_t xen_ram_total(void);

/* Boot-time text output before the console exists is impossible on
 * Xen; once it does, this prints and ends the guest. */
void	xen_boot_fail(const char *msg, long rc) __attribute__((noreturn));

/* Copies the loader's command line into storage that stays valid. */
const char *xen_save_cmdline(const char *src, size_t max);

/* Fills the td_plat hooks common to PV and PVH. */
void	xen_plat_common(const char *name, const char *sig);

/* pvmem.c (PV only): maps RAM 1:1 and reports it. */
void	xen_pv_mem_init(start_info_t *si);
uint64_t xen_pv_pfn_to_mfn(uint64_t pfn);

/* time.c: the shutdown reason xen_exit() hands Xen (SHUTDOWN_poweroff
 * unless lifecycle.c was asked to reboot). */
extern unsigned xen_exit_reason;

/* defined by the image link */
extern char _image_start[], _image_end[];

#endif
