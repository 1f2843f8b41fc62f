#!/usr/bin/env python3
# tree.py -- host side of the tests/fs tree checks (same rules as
# fsutil.c): byte k of a file of n bytes is (k*131 + (n*7+3)%251) % 251.
#   tree.py gen DIR    make a tree in DIR (for mke2fs -d)
#   tree.py gensmall DIR  a small one for the fuzzer
#   tree.py gentiny DIR   a tiny one for Xen guests (tests/fs/guest.c
#                      gentiny writes the same)
#   tree.py walk DIR   print its "M ..." manifest as fstest's walk does,
#                      "BAD ..." for content not following the rule
#                      (files under a directory named raw are not checked)
import os
import stat
import sys


def content(n, off=0, length=None):
    h = (n * 7 + 3) % 251
    length = n - off if length is None else length
    return bytes(((k * 131 + h) % 251) for k in range(off, off + length))


def walk(top, rel, out):
    bad = 0
    for name in sorted(os.listdir(os.path.join(top, rel.lstrip('/')) or top),
                       key=lambda s: s.encode()):
        p = rel + '/' + name
        full = os.path.join(top, p.lstrip('/'))
        st = os.lstat(full)
        if stat.S_ISDIR(st.st_mode):
            out.append('M D %s %o' % (p, st.st_mode & 0o7777))
            bad += walk(top, p, out)
        elif stat.S_ISREG(st.st_mode):
            out.append('M F %s %d %o' % (p, st.st_size, st.st_mode & 0o7777))
            if '/raw/' not in p:
                with open(full, 'rb') as f:
                    if f.read() != content(st.st_size):
                        out.append('BAD %s: content' % p)
                        bad += 1
        elif stat.S_ISLNK(st.st_mode):
            out.append('M L %s %s' % (p, os.readlink(full)))
        else:
            out.append('M O %s %o' % (p, st.st_mode))
    return bad


def gen(top):
    os.makedirs(top, exist_ok=True)
    sizes = [0, 1, 100, 4095, 4096, 4097, 12289, 70000, 1048576 + 3,
             2 * 1048576 + 4097]
    os.makedirs(os.path.join(top, 'x/y/z'))
    for i, n in enumerate(sizes):
        d = ['', 'x', 'x/y', 'x/y/z'][i % 4]
        with open(os.path.join(top, d, 'file%d' % i), 'wb') as f:
            f.write(content(n))
        os.chmod(os.path.join(top, d, 'file%d' % i), [0o644, 0o600, 0o755][i % 3])
    os.makedirs(os.path.join(top, 'big'))
    for i in range(300):
        with open(os.path.join(top, 'big', 'name-%03d-%s' % (i, 'q' * (i % 40))),
                  'wb') as f:
            f.write(content(i * 7))
    os.symlink('x/file1', os.path.join(top, 'fastlink'))
    os.symlink('/' + 'long/' * 30 + 'target', os.path.join(top, 'slowlink'))
    os.chmod(os.path.join(top, 'x'), 0o711)


def gentiny(top):
    """Nested Xen under TCG is slow: a few files, dirs, a symlink."""
    os.makedirs(os.path.join(top, 'x/y'))
    for d, name, n, mode in [('', 'file0', 0, 0o644), ('x', 'file1', 1, 0o600),
                             ('x/y', 'file2', 4097, 0o755),
                             ('', 'file3', 70000, 0o644)]:
        with open(os.path.join(top, d, name), 'wb') as f:
            f.write(content(n))
        os.chmod(os.path.join(top, d, name), mode)
    os.makedirs(os.path.join(top, 'big'))
    for i in range(20):
        with open(os.path.join(top, 'big', 'name-%03d' % i), 'wb') as f:
            f.write(content(i * 7))
    os.symlink('x/file1', os.path.join(top, 'fastlink'))


def gensmall(top):
    """A small tree for the fuzzer: a multi-block directory, a sparse file
    with many extents, symlinks, nested dirs."""
    os.makedirs(os.path.join(top, 'x/y'))
    os.makedirs(os.path.join(top, 'raw'))
    for i, n in enumerate([0, 10, 1500, 5000, 30000]):
        with open(os.path.join(top, ['', 'x', 'x/y'][i % 3], 'file%d' % i), 'wb') as f:
            f.write(content(n))
    os.makedirs(os.path.join(top, 'big'))
    for i in range(90):
        open(os.path.join(top, 'big', 'n%02d-%s' % (i, 'e' * (i % 30))), 'wb').close()
    with open(os.path.join(top, 'raw', 'sparse'), 'wb') as f:
        for i in range(12):
            f.seek(i * 8192)
            f.write(content(1024))
    os.symlink('x/file1', os.path.join(top, 'fast'))
    os.symlink('/' + 'l/' * 40 + 't', os.path.join(top, 'slow'))


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2])
    elif sys.argv[1] == 'gentiny':
        gentiny(sys.argv[2])
    elif sys.argv[1] == 'gensmall':
        gensmall(sys.argv[2])
    else:
        out = []
        bad = walk(sys.argv[2], '', out)
        print('\n'.join(out))
        sys.exit(1 if bad else 0)
