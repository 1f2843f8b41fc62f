#!/bin/bash
# link-image.sh OUT.img WORKPREFIX APPOBJ LIBS...
# Links a Tandem image three times: the symbol table embedded in .tdsyms
# must describe the final addresses, and its own size moves what follows
# it.  Pass 2 has a table of the final size, so pass 3's addresses equal
# pass 2's and the table is exact.
# The linker script is found next to this script once installed
# (BUILD/lib/tandem/, for tandem bake) or in the source tree.
set -euo pipefail
out=$1; work=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
lds=$here/image.lds
[ -f "$lds" ] || lds=$here/../arch/x86_64/image.lds
# --wrap: apps' stack-protector failures reach core's report
# (panic.c) instead of musl's __stack_chk_fail, which halts.  That
# leaves nothing pulling musl's __stack_chk_fail.o, whose __init_ssp
# sets the canary from AT_RANDOM (otherwise a weak no-op: canary 0):
# -u pulls it in by its __stack_chk_guard.
LDFLAGS=(-T "$lds" -nostdlib -static -z max-page-size=4096
	--build-id=none --no-warn-rwx-segments --wrap=__stack_chk_fail
	-u __stack_chk_guard)
lnk() {
	ld "${LDFLAGS[@]}" -o "$2" "$1" "${objs[@]}"
}
objs=("$@")
# --whole-archive for libtandem so that every platform is always in.
objs=("${objs[@]:0:$((${#objs[@]}-1))}" --whole-archive "${objs[-1]}" --no-whole-archive)
printf '\t.section .tdsyms, "a"\n\t.balign 8\n\t.globl td_symtab_n, td_symtab_addr, td_symtab_name, td_symtab_str\ntd_symtab_n: .quad 0\ntd_symtab_addr:\ntd_symtab_name:\ntd_symtab_str:\n\t.section .note.GNU-stack, "", @progbits\n' > "$work.0.S"
gcc -c "$work.0.S" -o "$work.0.o"
lnk "$work.0.o" "$work.1.elf"
for pass in 1 2; do
	"$here/mksyms.sh" "$work.$pass.elf" "$work.$pass.S"
	gcc -c "$work.$pass.S" -o "$work.$pass.o"
	lnk "$work.$pass.o" "$work.$((pass + 1)).elf"
done
"$here/mksyms.sh" "$work.3.elf" "$work.3.S"
cmp -s "$work.2.S" "$work.3.S" || { echo "link-image: symbol table did not converge" >&2; exit 1; }
# the image carries no DWARF (gdb gets it from OUT.dbg): smaller for
# every loader, same code
cp "$work.3.elf" "${out%.img}.dbg"
objcopy --strip-debug --strip-unneeded "$work.3.elf" "$out"
