#!/usr/bin/env python3
# first-answer.py HOST PORT http|redis T0_NS LIMIT_S PID
# first-answer.py HOST PORT http|redis -
# Polls a guest that is booting until the app answers: an HTTP GET / whose
# reply starts "HTTP/1.1 200", or a redis PING answered "+PONG".  Prints
# the seconds from T0_NS (CLOCK_REALTIME ns, the launch) to the answer, or
# "fail" when LIMIT_S passed or process PID (the launcher) is gone.
# Attempts are 10 ms apart (connect timeout 50 ms): an attempt before the
# app listens costs one SYN and its RST (or nothing while the guest's NIC
# is down), little CPU for the booting guest on a 2-core host, and the
# answer is seen within ~10 ms of the app being ready (20 ms before:
# 10 ms of a ~0.5 s launch on average).
# With "-": prints "ready" once Python is up, then reads "T0_NS LIMIT_S
# PID" from stdin and starts polling: the poller's own start (0.1-0.5 s of
# Python on a loaded host) is then neither in the launch time nor taking
# CPU from the guest while it boots (bench/linux-guest/apps-lib.sh).
import os, socket, sys, time
host, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if sys.argv[4] == "-":
    print("ready", flush=True)
    sys.argv[4:] = sys.stdin.readline().split()
t0, limit, pid = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
req, want = {"http": (b"GET / HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n", b"HTTP/1.1 200"),
             "redis": (b"PING\r\n", b"+PONG")}[kind]
while True:
    s = socket.socket()
    s.settimeout(0.05)
    try:
        s.connect((host, port))
        s.settimeout(2.0)
        s.sendall(req)
        got = b""
        while len(got) < len(want):
            d = s.recv(64)
            if not d:
                break
            got += d
        if got.startswith(want):
            print("%.3f" % ((time.time_ns() - t0) / 1e9))
            sys.exit(0)
    except OSError:
        pass
    finally:
        s.close()
    if (time.time_ns() - t0) / 1e9 > limit:
        break
    try:
        os.kill(pid, 0)
    except OSError:
        break
    time.sleep(0.01)
print("fail")
sys.exit(1)
