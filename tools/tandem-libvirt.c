/*
 * tandem-libvirt.c -- `tandem run libvirt`: boots a Tandem image as a
 * transient libvirt domain, streams its serial console to stdout and
 * exits with the app's status, like the other targets of tools/tandem.
 *
 *	tandem-libvirt [-c URI] [-t SECONDS] [-q] DOMAIN.xml
 *
 * The XML is what `tandem config IMAGE --libvirt` prints.  The domain is
 * created paused (so no console output is lost before we attach), with
 * AUTODESTROY (libvirt removes it if this process dies), its console
 * opened as a stream, then resumed.  The status is the last
 * "tandem: exit N" console line ("tandem: panic" is 255); 124 when the
 * time limit killed it, 125 when libvirt or the guest failed otherwise.
 * SIGINT/SIGTERM destroy the domain (130/143).  Whatever happens, the
 * domain is gone when this returns.
 *
 * Everything runs on libvirt's default event loop in one thread: console
 * data, lifecycle events, the deadline and signal polling are callbacks.
 *
 * The console stream is closed as soon as the result line arrived (the
 * guest powers off right after it) or the domain is shutting down, and
 * before any destroy: libvirt 9.0's daemon can deadlock tearing down a
 * domain whose console stream is still open (virChrdevFree against the
 * stream's lock; seen here once in ~40 boots).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static virConnectPtr conn;
static virDomainPtr dom;
static virStreamPtr st;
static int stopped;		/* lifecycle: the domain has ended */
static int hangup;		/* console stream: EOF or error */
static int timed_out;
static int quiet;
static volatile sig_atomic_t got_signal;
static char line[4096];		/* the console line being assembled */
static size_t linelen;
static int result = -1;		/* from the last result line */
static int closing;		/* close the console stream now */
static int draining;		/* ... after this many more loop turns */

static void
say(const char *msg, const char *detail)
{
	fprintf(stderr, "tandem: libvirt: %s%s%s\n", msg,
	    detail ? ": " : "", detail ? detail : "");
}

static const char *
lverr(void)
{
	virErrorPtr e = virGetLastError();

	return e != NULL && e->message != NULL ? e->message : "unknown error";
}

/* A complete console line: remember the app's result if it is one. */
static void
console_line(void)
{
	line[linelen] = 0;
	if (strncmp(line, "tandem: exit ", 13) == 0) {
		char *end;
		long n = strtol(line + 13, &end, 10);

		while (*end == ' ' || *end == '\t')
			end++;
		if (end != line + 13 && *end == 0) {
			result = (int)(n & 255);
			closing = 1;
		}
	} else if (strncmp(line, "tandem: panic", 13) == 0)
		result = 255;	/* the backtrace follows: keep reading */
	linelen = 0;
}

/* Console bytes: CRs dropped, copied to stdout, split into lines. */
static void
console_data(const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		putchar(buf[i]);
		if (buf[i] == '\n')
			console_line();
		else if (linelen < sizeof(line) - 1)
			line[linelen++] = buf[i];
	}
	fflush(stdout);
}

static void
stream_cb(virStreamPtr s, int events, void *opaque)
{
	char buf[4096];
	int n;

	if (events & VIR_STREAM_EVENT_READABLE) {
		for (;;) {
			n = virStreamRecv(s, buf, sizeof(buf));
			if (n > 0) {
				console_data(buf, (size_t)n);
				continue;
			}
			if (n == -2)		/* nothing more for now */
				return;
			hangup = 1;		/* 0: EOF, -1: error */
			break;
		}
	}
	if (events & (VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR))
		hangup = 1;
	if (hangup)
		virStreamEventRemoveCallback(s);
}

static int
lifecycle_cb(virConnectPtr c, virDomainPtr d, int event, int detail,
    void *opaque)
{
	if (event == VIR_DOMAIN_EVENT_STOPPED ||
	    (event == VIR_DOMAIN_EVENT_SHUTDOWN &&
	    detail == VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED))
		stopped = 1;
	/* a panic's backtrace may still be on its way: a few turns more */
	if ((event == VIR_DOMAIN_EVENT_SHUTDOWN || stopped) && !draining)
		draining = 3;
	return 0;
}

static void
deadline_cb(int timer, void *opaque)
{
	timed_out = 1;
}

/* Signals are only noted; this periodic tick acts on them. */
static void
tick_cb(int timer, void *opaque)
{
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > (1 << 20) || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Ignore libvirt's default error printing: we report what matters. */
static void
quiet_errors(void *opaque, virErrorPtr e)
{
}

static void
usage(void)
{
	fprintf(stderr, "usage: tandem-libvirt [-c URI] [-t SECONDS] [-q] "
	    "DOMAIN.xml\n");
	exit(125);
}

/* Closes the console stream (see the top of the file). */
static void
console_close(void)
{
	if (st == NULL)
		return;
	if (!hangup)
		virStreamEventRemoveCallback(st);
	virStreamAbort(st);
	virStreamFree(st);
	st = NULL;
	hangup = 1;
}

/* Runs the event loop until the domain ended or something must end it. */
static void
run_loop(void)
{
	while (!got_signal && !timed_out && !stopped) {
		if (virEventRunDefaultImpl() < 0) {
			say("event loop failed", lverr());
			break;
		}
		if (draining > 0 && --draining == 0)
			closing = 1;
		if (closing)
			console_close();
	}
}

int
main(int argc, char **argv)
{
	const char *uri = "qemu:///system";
	char *xml;
	long tmo = 60;
	int c, rc, flags;

	while ((c = getopt(argc, argv, "c:t:q")) != -1) {
		switch (c) {
		case 'c': uri = optarg; break;
		case 't': tmo = strtol(optarg, NULL, 10); break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || tmo <= 0 || tmo > 86400)
		usage();
	if ((xml = read_file(argv[optind])) == NULL) {
		say("cannot read", argv[optind]);
		return 125;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	virSetErrorFunc(NULL, quiet_errors);
	if (virEventRegisterDefaultImpl() < 0 ||
	    (conn = virConnectOpen(uri)) == NULL) {
		say("cannot connect", lverr());
		return 125;
	}
	flags = VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY;
	if ((dom = virDomainCreateXML(conn, xml, flags)) == NULL) {
		say("cannot create the domain", lverr());
		virConnectClose(conn);
		return 125;
	}
	free(xml);
	if (virConnectDomainEventRegisterAny(conn, dom,
	    VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(lifecycle_cb), NULL, NULL) < 0 ||
	    (st = virStreamNew(conn, VIR_STREAM_NONBLOCK)) == NULL ||
	    virDomainOpenConsole(dom, NULL, st, VIR_DOMAIN_CONSOLE_FORCE) < 0 ||
	    virStreamEventAddCallback(st, VIR_STREAM_EVENT_READABLE |
	    VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR, stream_cb,
	    NULL, NULL) < 0 ||
	    virEventAddTimeout((int)(tmo * 1000), deadline_cb, NULL, NULL) < 0 ||
	    virEventAddTimeout(100, tick_cb, NULL, NULL) < 0 ||
	    virDomainResume(dom) < 0) {
		say("cannot start the domain", lverr());
		virDomainDestroy(dom);
		virConnectClose(conn);
		return 125;
	}
	run_loop();
	if (linelen > 0)
		console_line();
	console_close();
	/* gone afterwards, whatever happened */
	if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0)
		say("cannot destroy the domain", lverr());
	virDomainFree(dom);
	virConnectClose(conn);
	if (got_signal) {
		say("interrupted: domain destroyed", NULL);
		return got_signal == SIGINT ? 130 : 143;
	}
	if (timed_out && result < 0) {
		fprintf(stderr, "tandem: timeout: no result after %ld s "
		    "(domain destroyed)\n", tmo);
		return 124;
	}
	if (result < 0) {
		fprintf(stderr, "tandem: no 'tandem: exit N' line on the "
		    "console (the domain %s)\n", stopped ? "ended" :
		    "was destroyed");
		return 125;
	}
	rc = result;
	return rc;
}
