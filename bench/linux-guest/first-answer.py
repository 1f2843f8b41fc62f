#!/usr/bin/env python3
# first-answer.py HOST PORT http|redis T0_NS LIMIT_S PID
# first-answer.py HOST PORT http|redis -
# Polls a guest that is booting until the app answers: an HTTP GET / whose
# reply starts "HTTP/1.1 200", or a redis PING answered "+PONG".  Prints
# the seconds from T0_NS (CLOCK_REALTIME ns, the launch) to the answer, or
# "fail" when LIMIT_S passed or process PID (the launcher) is gone.
#
# A new non-blocking connect starts every 5 ms while earlier ones are
# still pending (each is given up after 0.5 s): a SYN sent before the
# guest's NIC is up is simply lost, and a poller that waits for it (the
# old one: one connect at a time, 50 ms timeout, 10 ms apart) saw a ready
# app up to 60 ms late -- a third of a Tandem launch, nothing of a Linux
# one.  Now the answer is seen within ~5 ms of the app being ready, on
# both sides.  A refused connect (NIC up, app not listening yet) costs
# one SYN and its RST.
# With "-": prints "ready" once Python is up, then reads "T0_NS LIMIT_S
# PID" from stdin and starts polling: the poller's own start (0.1-0.5 s of
# Python on a loaded host) is then neither in the launch time nor taking
# CPU from the guest while it boots (bench/linux-guest/apps-lib.sh).
import errno, os, selectors, socket, sys, time
host, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if sys.argv[4] == "-":
    print("ready", flush=True)
    sys.argv[4:] = sys.stdin.readline().split()
t0, limit, pid = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
req, want = {"http": (b"GET / HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n", b"HTTP/1.1 200"),
             "redis": (b"PING\r\n", b"+PONG")}[kind]
EVERY, GIVEUP = 0.005, 0.5


def now():
    return time.time_ns() / 1e9


def answered(s):
    """The request on connected socket s; True when the answer is right."""
    try:
        s.setblocking(True)
        s.settimeout(2.0)
        s.sendall(req)
        got = b""
        while len(got) < len(want):
            d = s.recv(64)
            if not d:
                break
            got += d
        return got.startswith(want)
    except OSError:
        return False


def main():
    sel = selectors.DefaultSelector()
    pending = {}		# socket -> start time
    last = 0.0
    while True:
        t = now()
        if t - last >= EVERY:
            last = t
            s = socket.socket()
            s.setblocking(False)
            e = s.connect_ex((host, port))
            if e in (0, errno.EINPROGRESS):
                pending[s] = t
                sel.register(s, selectors.EVENT_WRITE)
            else:
                s.close()
        for key, _ in sel.select(timeout=EVERY):
            s = key.fileobj
            sel.unregister(s)
            del pending[s]
            ok = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0 and answered(s)
            s.close()
            if ok:
                print("%.3f" % ((time.time_ns() - t0) / 1e9))
                return 0
        for s, st in list(pending.items()):
            if now() - st > GIVEUP:
                sel.unregister(s)
                del pending[s]
                s.close()
        if (time.time_ns() - t0) / 1e9 > limit:
            break
        try:
            os.kill(pid, 0)
        except OSError:
            break
    print("fail")
    return 1


sys.exit(main())
