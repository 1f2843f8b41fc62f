#!/usr/bin/env python3
"""client.py -- the host side of tests/net: talks to the echo appliances
(apps/netecho on lsock, apps/epecho an ordinary epoll program) from inside
the test's network namespace, or to a guest behind forwarded ports.

  client.py [-p PORT] HOST CMD...   services at PORT, PORT+1 (control),
                                    PORT+2 (discard), PORT+12 (source);
                                    default 7

  client.py HOST conns N            N concurrent TCP echo connections
  client.py HOST bulk MB            MB through echo, both ways, sha256-checked
  client.py HOST udp N              N datagrams of varied sizes echoed
  client.py HOST ctl CMD...         one control command, prints the reply
  client.py HOST outbound SRVIP     serves one connection on SRVIP:9999 and
                                    asks the guest to connect to it
  client.py HOST abort N            N connections reset mid-transfer
  client.py HOST hog N              N connections that never read (memory)
  client.py HOST synflood N PORT    N spoofed SYNs (raw socket)
  client.py HOST tput SECS          discard/source throughput (MB/s)
  client.py HOST rr SECS [CONNS]    request/response rate (1-byte echo)
Prints one result line; exit status 0 on success.
"""
import hashlib, os, random, selectors, socket, struct, sys, time

PORT = 7

def fam(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET

def connect(host, port, timeout=10):
    s = socket.socket(fam(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s

def ctl(host, *words):
    s = connect(host, PORT + 1)
    s.sendall((' '.join(words) + '\n').encode())
    buf = b''
    while not buf.endswith(b'\n'):
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()
    return buf.decode().strip()

def stats(host):
    # a guest whose stack memory is used up (hog) may reset the control
    # connection itself for a moment: that is the refusal under test, so
    # ask again before calling it an error
    for i in range(10):
        try:
            r = ctl(host, 'stats').split()
            break
        except OSError:
            if i == 9:
                raise
            time.sleep(0.5)
    st = {k: int(v) for k, v in (w.split('=') for w in r[1:])}
    # epecho knows only its own connections and fds, not the stack's
    # pcbs: its count of open connections stands in for both
    st.setdefault('socks', st.get('fds', 0))
    st.setdefault('active', st.get('conns', 0))
    return st

def stack_stats(host, st):
    if 'mem' in st:
        return '%d sockets, %d active pcbs, stack memory %d bytes' % (
            st['socks'], st['active'], st['mem'])
    return '%d connections, %d fds' % (st['conns'], st['fds'])

def conns(host, n):
    sel = selectors.DefaultSelector()
    socks = []
    # open all first, so they are concurrent in the guest
    for i in range(n):
        s = socket.socket(fam(host), socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, PORT))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, i)
    want = {i: ('conn %d says hello\n' % i).encode() for i in range(n)}
    got = {i: b'' for i in range(n)}
    sent = set()
    deadline = time.time() + 120
    while len([i for i in got if got[i] == want[i]]) < n:
        if time.time() > deadline:
            print('conns: timeout, %d of %d echoed' %
                  (len([i for i in got if got[i] == want[i]]), n))
            return 1
        for key, ev in sel.select(1):
            i = key.data
            s = key.fileobj
            if ev & selectors.EVENT_WRITE and i not in sent:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    print('conns: connect %d failed: %s' % (i, os.strerror(err)))
                    return 1
                s.send(want[i])
                sent.add(i)
                sel.modify(s, selectors.EVENT_READ, i)
            elif ev & selectors.EVENT_READ:
                d = s.recv(4096)
                if not d:
                    print('conns: %d closed early' % i)
                    return 1
                got[i] += d
    st = stats(host)
    for s in socks:
        s.close()
    ok = st['active'] >= n
    print('conns %s %d concurrent (guest: %s)' % ('ok' if ok else 'FAIL', n,
          stack_stats(host, st)))
    return 0 if ok else 1

def bulk(host, mb):
    total = mb << 20
    s = connect(host, PORT, 60)
    s.setblocking(False)
    rnd = random.Random(42)
    block = bytes(rnd.getrandbits(8) for _ in range(1 << 16))
    hs, hr = hashlib.sha256(), hashlib.sha256()
    sent = got = 0
    t0 = time.time()
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    last = time.time()
    while got < total:
        if time.time() - last > 30:
            print('bulk: stalled at sent %d got %d' % (sent, got))
            return 1
        for key, ev in sel.select(1):
            if ev & selectors.EVENT_WRITE and sent < total:
                off = sent % len(block)
                chunk = block[off:off + min(len(block) - off, total - sent)]
                try:
                    n = s.send(chunk)
                except BlockingIOError:
                    n = 0
                hs.update(chunk[:n])
                sent += n
                if sent == total:
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(1 << 20)
                except BlockingIOError:
                    continue
                if not d:
                    print('bulk: EOF after %d bytes' % got)
                    return 1
                hr.update(d)
                got += len(d)
                last = time.time()
    dt = time.time() - t0
    s.close()
    ok = hs.digest() == hr.digest()
    print('bulk %s %d MB each way in %.1f s (%.1f MB/s each way) sha256 %s' %
          ('ok' if ok else 'MISMATCH', mb, dt, mb / dt, hr.hexdigest()[:16]))
    return 0 if ok else 1

def udp(host, n):
    s = socket.socket(fam(host), socket.SOCK_DGRAM)
    s.settimeout(2)
    sizes = [1, 64, 512, 1472, 1400, 4000, 8000, 30000]
    okc = 0
    for i in range(n):
        size = sizes[i % len(sizes)]
        msg = bytes([(i + j) & 255 for j in range(size)])
        for attempt in range(3):
            s.sendto(msg, (host, PORT))
            try:
                d, a = s.recvfrom(65536)
                if d == msg:
                    okc += 1
                    break
            except socket.timeout:
                pass
    print('udp %s %d/%d datagrams echoed (sizes up to %d)' %
          ('ok' if okc == n else 'FAIL', okc, n, max(sizes)))
    return 0 if okc == n else 1

def outbound(host, srvip):
    ls = socket.socket(fam(srvip), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((srvip, 9999))
    ls.listen(1)
    c = connect(host, PORT + 1)
    c.sendall(('connect %s 9999\n' % srvip).encode())
    ls.settimeout(10)
    a, peer = ls.accept()
    a.settimeout(10)
    line = b''
    while not line.endswith(b'\n'):
        d = a.recv(100)
        if not d:
            break
        line += d
    a.sendall(b'welcome ' + line)
    a.close()
    r = b''
    c.settimeout(10)
    while not r.endswith(b'\n'):
        d = c.recv(400)
        if not d:
            break
        r += d
    r = r.decode().strip()
    ok = r.startswith('connect ok') and 'welcome hello tandem' in r
    print('outbound %s: guest %s connected; guest says "%s"' %
          ('ok' if ok else 'FAIL', peer[0], r))
    return 0 if ok else 1

def abort(host, n, batch=200):
    base = stats(host)
    done = 0
    linger = struct.pack('ii', 1, 0)
    while done < n:
        k = min(batch, n - done)
        ss = []
        for i in range(k):
            s = socket.socket(fam(host), socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((host, PORT))
            ss.append(s)
        time.sleep(0.05)
        for s in ss:
            try:
                s.send(b'x' * 3000)
            except OSError:
                pass
        time.sleep(0.05)
        for s in ss:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            s.close()
        done += k
    # give the guest time to see the resets (and retransmit timeouts)
    for _ in range(60):
        time.sleep(1)
        st = stats(host)
        if st['socks'] <= base['socks'] + 1 and st['active'] <= base['active'] + 1:
            break
    leak = st.get('mem', 0) - base.get('mem', 0)
    ok = (st['socks'] <= base['socks'] + 1 and st['active'] <= base['active'] + 1
          and leak < 64 * 1024)
    print('abort %s %d reset connections: before %s; after %s' % (
          'ok' if ok else 'LEAK', n, stack_stats(host, base),
          stack_stats(host, st)))
    return 0 if ok else 1

def hog(host, n):
    base = stats(host)
    ss = []
    junk = b'h' * 65536
    for i in range(n):
        s = socket.socket(fam(host), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.setblocking(False)
        s.connect_ex((host, PORT))
        ss.append(s)
    # keep pushing until the guest stops taking data; a slow
    # (TCG) guest may still be finishing handshakes during the first rounds
    t0 = time.time()
    total = idle = 0
    while time.time() - t0 < 30:
        moved = 0
        for s in ss:
            try:
                moved += s.send(junk)
            except OSError:
                pass
        # a slow guest (ASan, a loaded host) stalls for a moment while
        # it still has room: give up only after 2 s without progress
        total += moved
        idle = idle + 1 if total and not moved else 0
        if idle >= 40:
            break
        time.sleep(0.05)
    st = stats(host)
    # the stack stayed within its budget and refused what did not fit
    within = st['mem'] <= st['budget']
    # a new connection: refused or served, but the guest stays up
    try:
        c = connect(host, PORT, 3)
        c.close()
        during = 'served'
    except OSError as e:
        during = 'refused (%s)' % e.__class__.__name__
    for s in ss:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.close()
    time.sleep(2)
    # recovered: echo works again and memory went back
    ok2 = False
    for _ in range(30):
        try:
            c = connect(host, PORT, 3)
            c.sendall(b'again\n')
            ok2 = c.recv(10) == b'again\n'
            c.close()
            if ok2:
                break
        except OSError:
            time.sleep(1)
    # the resets free the hogs' buffers as the guest gets to them (an
    # ASan build on a loaded host can take a while)
    for _ in range(30):
        after = stats(host)
        if after['mem'] < base['mem'] + 64 * 1024:
            break
        time.sleep(1)
    ok = within and st['fails'] > base['fails'] and ok2 and \
        after['mem'] < base['mem'] + 64 * 1024
    print('hog %s %d hogs: stack memory peaked at %d of %d budget, %d allocations '
          'refused; a new connection was %s; after: echo %s, memory %d -> %d' % (
          'ok' if ok else 'FAIL', n, st['peak'], st['budget'], st['fails'] - base['fails'],
          during, 'works' if ok2 else 'BROKEN', base['mem'], after['mem']))
    return 0 if ok else 1

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def synflood(host, n, port):
    base = stats(host)
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    dst = socket.inet_aton(host)
    t0 = time.time()
    for i in range(n):
        # spoofed sources on the test net that do not exist: the guest's
        # SYN-ACKs go unanswered and its half-open PCBs stay until timeout
        src = socket.inet_aton('192.0.2.%d' % (100 + i % 150))
        sport = 1024 + (i * 7919) % 60000
        tcp = struct.pack('!HHIIBBHHH', sport, port, random.getrandbits(32), 0,
                          5 << 4, 0x02, 65535, 0, 0)
        ph = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack('!H', csum(ph + tcp)) + tcp[18:]
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), i & 0xffff, 0,
                         64, 6, 0, src, dst)
        r.sendto(ip + tcp, (host, 0))
    dt = time.time() - t0
    st = stats(host)
    # during the flood: bounded half-open connections, the guest answers
    try:
        c = connect(host, PORT + 1, 3)
        c.close()
        ctlok = True
    except OSError:
        ctlok = False
    # recovery: half-open PCBs time out (20 s), echo works again
    ok2 = False
    for _ in range(60):
        try:
            c = connect(host, port, 2)
            c.sendall(b'ping\n')
            ok2 = c.recv(10) == b'ping\n'
            c.close()
            if ok2:
                break
        except OSError:
            time.sleep(1)
    after = stats(host)
    for _ in range(40):
        if after['active'] <= base['active'] + 1:
            break
        time.sleep(1)
        after = stats(host)
    # 255 half-open (the backlog) plus a few closing control connections
    ok = ctlok and ok2 and st['active'] <= base['active'] + 264 and \
        after['active'] <= base['active'] + 1
    print('synflood %s %d SYNs in %.1f s: half-open pcbs %d (backlog bound 255), '
          'control port %s, echo after: %s, pcbs after %d' % (
          'ok' if ok else 'FAIL', n, dt, st['active'] - base['active'],
          'answered' if ctlok else 'DEAD', 'works' if ok2 else 'BROKEN',
          after['active']))
    return 0 if ok else 1

def tput(host, secs):
    res = []
    s = connect(host, PORT + 2)
    buf = b'\x5a' * (1 << 16)
    n = 0
    t0 = time.time()
    while time.time() - t0 < secs:
        s.sendall(buf)
        n += len(buf)
    s.close()
    res.append(n / (time.time() - t0) / 1e6)
    s = connect(host, PORT + 12)
    s.send(b'go')
    n = 0
    t0 = time.time()
    while time.time() - t0 < secs:
        d = s.recv(1 << 20)
        if not d:
            break
        n += len(d)
    s.close()
    res.append(n / (time.time() - t0) / 1e6)
    print('tput host->guest %.1f MB/s guest->host %.1f MB/s' % tuple(res))
    return 0

def rr(host, secs, nconn=1):
    sel = selectors.DefaultSelector()
    ss = []
    for i in range(nconn):
        s = connect(host, PORT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        s.send(b'x')
        ss.append(s)
    n = 0
    t0 = time.time()
    while time.time() - t0 < secs:
        for key, ev in sel.select(1):
            d = key.fileobj.recv(64)
            n += len(d)
            key.fileobj.send(b'x' * len(d))
    dt = time.time() - t0
    for s in ss:
        s.close()
    print('rr %d conns: %.0f transactions/s' % (nconn, n / dt))
    return 0

def main():
    global PORT
    if sys.argv[1] == '-p':
        PORT = int(sys.argv[2])
        del sys.argv[1:3]
    host, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == 'ctl':
        print(ctl(host, *args))
        return 0
    f = {'conns': conns, 'bulk': bulk, 'udp': udp, 'abort': abort,
         'hog': hog, 'tput': tput, 'rr': rr}.get(cmd)
    if cmd == 'outbound':
        return outbound(host, args[0])
    if cmd == 'synflood':
        return synflood(host, int(args[0]), int(args[1]))
    if f is None:
        print('unknown command', cmd)
        return 2
    if cmd in ('tput', 'rr'):
        return f(host, *[float(args[0])] + [int(a) for a in args[1:]])
    return f(host, int(args[0]))

if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as e:
        print('%s: error: %r' % (sys.argv[2], e))
        sys.exit(1)
