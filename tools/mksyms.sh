#!/bin/bash
# mksyms.sh ELF OUT.S -- writes the function symbol table of ELF as an
# assembler file for section .tdsyms: sorted addresses, then names.
# Used by link-image.sh; arch/x86_64/symbols.c reads the table.
set -euo pipefail
elf=$1; out=$2
nm -n --defined-only "$elf" | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }' > "$out.list"
n=$(wc -l < "$out.list")
{
	echo '	.section .tdsyms, "a"'
	echo '	.balign 8'
	echo '	.globl td_symtab_n, td_symtab_addr, td_symtab_name, td_symtab_str'
	echo "td_symtab_n: .quad $n"
	# 32-bit addresses (every image lives below 4 GiB, at 1 MiB) and
	# the names one after the other in the same order: a backtrace
	# walks to the i-th name, which costs nothing next to a panic and
	# saves a table of offsets in every (200 KiB) app image
	echo 'td_symtab_addr:'
	awk '{ printf "\t.long 0x%s\n", $1 }' "$out.list"
	echo 'td_symtab_name:'
	echo 'td_symtab_str:'
	awk '{ printf "\t.asciz \"%s\"\n", $2 }' "$out.list"
	echo '	.section .note.GNU-stack, "", @progbits'
} > "$out"
rm -f "$out.list"
