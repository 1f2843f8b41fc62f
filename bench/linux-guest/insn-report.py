#!/usr/bin/env python3
"""insn-report.py -- reads insn-plugin.so's counter file (bench/app-cycles.sh).

  insn-report.py snap COUNTERS OUT          copy the live counters to OUT
  insn-report.py diff A B N [SYMS] [TOP]    instructions between snapshots
      A and B, divided by N (requests); with SYMS (`nm -n` output of the
      image's .dbg) also the TOP functions by instructions per request
      (a block is charged to the function its start address falls in).
Prints "total <insns per request> kernel <..> user <..>" first (kernel =
addresses in the upper half, the Linux guest's kernel; Tandem runs
everything there too).
"""
import array, bisect, shutil, sys


def load(path):
    a = array.array("Q")
    with open(path, "rb") as f:
        a.frombytes(f.read())
    total = a[0]
    slots = a[2:]
    d = {}
    for i in range(0, len(slots), 2):
        pc = slots[i]
        if pc:
            d[pc] = slots[i + 1]
    return total, d


def syms(path):
    addrs, names = [], []
    for line in open(path):
        w = line.split()
        if len(w) == 3 and w[1] in "tTwW":
            addrs.append(int(w[0], 16))
            names.append(w[2])
    return addrs, names


def main():
    if sys.argv[1] == "snap":
        shutil.copyfile(sys.argv[2], sys.argv[3])
        return
    ta, a = load(sys.argv[2])
    tb, b = load(sys.argv[3])
    n = float(sys.argv[4])
    kern = user = 0
    delta = {}
    for pc, v in b.items():
        d = v - a.get(pc, 0)
        if d:
            delta[pc] = d
            if pc >= 0xffff800000000000:
                kern += d
            else:
                user += d
    print("total %.0f kernel %.0f user %.0f" % ((tb - ta) / n, kern / n, user / n))
    if len(sys.argv) > 5 and sys.argv[5]:
        top = int(sys.argv[6]) if len(sys.argv) > 6 else 25
        addrs, names = syms(sys.argv[5])
        fn = {}
        for pc, d in delta.items():
            i = bisect.bisect_right(addrs, pc) - 1
            name = names[i] if i >= 0 else "?"
            fn[name] = fn.get(name, 0) + d
        for name, d in sorted(fn.items(), key=lambda x: -x[1])[:top]:
            print("  %10.0f  %5.1f%%  %s" % (d / n, 100.0 * d / max(1, tb - ta), name))


main()
