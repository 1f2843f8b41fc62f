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
	# 32-bit entries: every image lives below 4 GiB (at 1 MiB), and
	# names are offsets into one string blob -- half the size of
	# pointers, which matters next to a 200 KiB app image
	echo 'td_symtab_addr:'
	awk '{ printf "\t.long 0x%s\n", $1 }' "$out.list"
	echo 'td_symtab_name:'
	awk '{ printf "\t.long .Ls%d - td_symtab_str\n", NR }' "$out.list"
	echo 'td_symtab_str:'
	awk '{ printf ".Ls%d: .asciz \"%s\"\n", NR, $2 }' "$out.list"
	echo '	.section .note.GNU-stack, "", @progbits'
} > "$out"
rm -f "$out.list"
