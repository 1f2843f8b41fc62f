/*
 * lifecycle.c -- the toolstack's requests to the guest: `xl shutdown`
 * and `xl reboot` write "poweroff" / "reboot" into control/shutdown; a
 * watch on it lets us end gracefully:
 *
 *   1. the app is told: if it defines
 *          int td_app_shutdown(const char *reason);
 *      (a weak symbol: no header needed) it runs on the "xenctl" thread
 *      and its return value becomes the exit status; otherwise the
 *      status is 0;
 *   2. the shutdown hooks run -- blkfront flushes every disk, so what
 *      the app wrote before is durable;
 *   3. td_exit(status): "tandem: exit N" on the console, then
 *      SCHEDOP_shutdown with poweroff (or reboot for `xl reboot`).
 *
 * `xl destroy` needs nothing from us.  `xl pause` stops the vCPU; the
 * one-shot timer's VIRQ stays pending in Xen and is delivered on unpause,
 * so sleepers are late but none is lost (tests/xen checks this).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "xen.h"
#include "xenbus.h"

#define MAXHOOKS	8

int	td_app_shutdown(const char *reason) __attribute__((weak));

static struct xs_watch ctlw;
static void (*hooks[MAXHOOKS])(void);
static int nhooks;

void
xen_shutdown_hook_add(void (*fn)(void))
{
	if (nhooks < MAXHOOKS)
		hooks[nhooks++] = fn;
}

static void
shut_down(const char *reason, unsigned xreason)
{
	int status = 0, i;

	td_printf("tandem: shutdown requested by the toolstack (%s)\n",
	    reason);
	/* first: the app's own exit may end the guest from here on */
	xen_exit_reason = xreason;
	if (td_app_shutdown != NULL)
		status = td_app_shutdown(reason);
	for (i = 0; i < nhooks; i++)
		hooks[i]();
	td_exit(status);
}

/* Acknowledge by clearing the key, as the toolstack expects; then act. */
static void
request(const char *v)
{
	if (strcmp(v, "poweroff") == 0 || strcmp(v, "halt") == 0) {
		xs_write(0, "control/shutdown", "");
		shut_down(v, SHUTDOWN_poweroff);
	} else if (strcmp(v, "reboot") == 0) {
		xs_write(0, "control/shutdown", "");
		shut_down(v, SHUTDOWN_reboot);
	} else if (v[0] != '\0') {
		/* suspend (no save/restore here) or garbage: refuse
		 * visibly and leave the key for the toolstack to time out */
		td_printf("xen: control/shutdown \"%s\" not supported\n", v);
	}
}

static void
ctl_thread(void *arg)
{
	char v[32];

	for (;;) {
		xs_watch_wait(&ctlw, UINT64_MAX);
		if (xs_read(0, "control/shutdown", v, sizeof(v)) == 0)
			request(v);
	}
}

void
xen_lifecycle_init(void)
{
	int err;

	/* tell the toolstack we handle these without ACPI or a PV
	 * shutdown-by-signal fallback */
	xs_write(0, "control/feature-poweroff", "1");
	xs_write(0, "control/feature-reboot", "1");
	if ((err = xs_watch_add(&ctlw, "control/shutdown")) != 0) {
		td_printf("xen: no control/shutdown watch (%d)\n", err);
		return;
	}
	if (td_thread_create("xenctl", ctl_thread, NULL, TD_STACK_DEFAULT,
	    0) == NULL)
		td_printf("xen: cannot start the control thread\n");
}
