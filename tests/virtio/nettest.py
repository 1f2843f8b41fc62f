#!/usr/bin/env python3
"""nettest.py -- host side of the virtio-net tests; runs inside the test's
own network namespace, next to the tap device the guest's NIC is on.

  nettest.py ping GUEST_IP COUNT [INTERVAL]
      ICMP echo requests one after the other (each waits for its reply,
      1 s at most, then INTERVAL seconds); prints "sent N received M"
      and exits 0 iff nothing was lost.
  nettest.py l2echo TAP GUEST_MAC MIN MAX
      one frame of each size MIN..MAX (EtherType 0x88b5, random payload)
      to GUEST_MAC on TAP; each must come back intact.
"""
import os, select, socket, struct, sys, time


def csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ping(ip, count, interval):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xffff
    got = lost_said = 0
    t0 = time.time()
    for seq in range(count):
        payload = os.urandom(56)
        h = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        h = struct.pack("!BBHHH", 8, 0, csum(h + payload), ident, seq)
        s.sendto(h + payload, (ip, 0))
        end = time.time() + 1.0
        while True:
            left = end - time.time()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            pkt, addr = s.recvfrom(2048)
            ihl = (pkt[0] & 15) * 4
            t, _, _, i, q = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
            if t == 0 and i == ident and q == seq and addr[0] == ip:
                if pkt[ihl + 8:] == payload and csum(pkt[ihl:]) == 0:
                    got += 1
                else:
                    print("seq %d: corrupt reply" % seq)
                break
        if got < seq + 1 and lost_said < 5:
            lost_said = seq + 1 - got
            print("seq %d: no good reply within 1 s" % seq)
        if interval:
            time.sleep(interval)
    dt = time.time() - t0
    print("sent %d received %d lost %d in %.2f s (%.0f round trips/s)" %
          (count, got, count - got, dt, got / dt if dt else 0))
    return got == count


def l2echo(tap, gmac, lo, hi):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
    s.bind((tap, 0))
    mine = s.getsockname()[4][:6]
    dst = bytes.fromhex(gmac.replace(":", ""))
    bad = 0
    for n in range(lo, hi + 1):
        body = os.urandom(n - 14)
        s.send(dst + mine + b"\x88\xb5" + body)
        end = time.time() + 2.0
        ok = False
        while time.time() < end:
            if not select.select([s], [], [], end - time.time())[0]:
                break
            f = s.recv(4096)
            if f[6:12] != dst or f[12:14] != b"\x88\xb5":
                continue
            ok = f[:6] == mine and f[14:] == body and len(f) == n
            break
        if not ok:
            bad += 1
            if bad <= 5:
                print("frame of %d bytes: %s" % (n, "corrupt" if
                      time.time() < end else "no echo"))
    print("l2echo: %d frames %d..%d, %d bad" % (hi - lo + 1, lo, hi, bad))
    return bad == 0


if __name__ == "__main__":
    a = sys.argv
    if len(a) >= 4 and a[1] == "ping":
        ok = ping(a[2], int(a[3]), float(a[4]) if len(a) > 4 else 0)
    elif len(a) == 6 and a[1] == "l2echo":
        ok = l2echo(a[2], a[3], int(a[4]), int(a[5]))
    else:
        print(__doc__)
        sys.exit(2)
    sys.exit(0 if ok else 1)
