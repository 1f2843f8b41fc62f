# autotools.sh -- sourced by tests/libos/run.sh (whole-suite runs): a real,
# unmodified autotools package from Debian's sources, GNU hello, built with
# `./configure CC=tandem-cc && make` (its configure compiles and runs test
# programs: they run on Linux as tandem-cc programs, with Tandem's
# semantics), run as that Linux program, baked, and booted under QEMU.
# The Xen tier boots the same image (tests/xen/libos.sh).
gh_src=$(tools/srcpkg.sh hello "$B/src" 2>/dev/null)
gh=$B/tests/libos/gnu-hello
if [ -z "$gh_src" ]; then
	fail "GNU hello: no source package"
else
	rm -rf "$gh"; mkdir -p "$gh"
	tcc=$(readlink -f "$B/bin/tandem-cc")
	if (cd "$gh" && "$gh_src/configure" CC="$tcc" \
	    > configure.log 2>&1); then
		pass "GNU hello: ./configure CC=tandem-cc"
	else
		fail "GNU hello: ./configure CC=tandem-cc" "" "$gh/configure.log"
	fi
	if make -C "$gh" -j2 > "$gh/make.log" 2>&1 && [ -x "$gh/hello" ]; then
		pass "GNU hello: make"
	else
		fail "GNU hello: make" "" "$gh/make.log"
	fi
	out=$("$gh/hello" --greeting=Bonjour 2>&1 | grep -vE '^(tandem|virtio|acpi|blkfront|netfront|xenbus): ')
	check "GNU hello runs on Linux as a tandem-cc program" [ "$out" = Bonjour ]
	if "$B/bin/tandem" bake "$gh/hello" -o "$B/img/gnu-hello.img" \
	    2> "$gh/bake.err"; then
		pass "GNU hello: tandem bake"
		for m in pc microvm; do
			boot "gnu-hello-$m" "$m" "$B/img/gnu-hello.img"
			expect_rc "GNU hello $m status" 0
			expect_line "GNU hello $m greets" "$LOG" '^Hello, world!'
		done
	else
		fail "GNU hello: tandem bake" "" "$gh/bake.err"
	fi
fi
