/*
 * irq.c -- td_irq_save/td_irq_restore for the three interrupt models.
 * In ring 0 this is RFLAGS.IF; in a Xen PV guest it is the per-vCPU
 * evtchn_upcall_mask byte, and unmasking must check for events that
 * arrived meanwhile (Xen does not re-deliver them by itself).
 */
#include <tandem/arch.h>
#include <tandem/core.h>

int		 arch_irq_mode = ARCH_IRQ_NONE;
volatile uint8_t *arch_xen_upcall_mask;
volatile uint8_t *arch_xen_upcall_pending;
void		(*arch_xen_force_upcall)(void);

td_irqflags_t
td_irq_save(void)
{
	td_irqflags_t f;

	switch (arch_irq_mode) {
	case ARCH_IRQ_CLI:
		return arch_cli_save();
	case ARCH_IRQ_XENPV:
		f = *arch_xen_upcall_mask;
		*arch_xen_upcall_mask = 1;
		barrier();
		return f ? 0 : 0x200;
	default:
		return 0;
	}
}

void
td_irq_restore(td_irqflags_t f)
{
	if (!(f & 0x200))
		return;
	switch (arch_irq_mode) {
	case ARCH_IRQ_CLI:
		arch_sti();
		break;
	case ARCH_IRQ_XENPV:
		barrier();
		*arch_xen_upcall_mask = 0;
		barrier();
		/* an event that came while masked is only flagged: take it */
		if (*arch_xen_upcall_pending && arch_xen_force_upcall)
			arch_xen_force_upcall();
		break;
	default:
		break;
	}
}
