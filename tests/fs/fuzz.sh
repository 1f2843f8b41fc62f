# fuzz.sh -- part of tests/fs/run.sh: FS_FUZZ_N (default 100000)
# corrupted images (random bit flips in the metadata of small ext4 and
# ext2 images) mounted and walked by fsfuzz under ASan+UBSan: 0 crashes.
fuzz_test() {
	local t=$1 n=${FS_FUZZ_N:-100000} rc
	rm -rf "$t/fz"
	python3 tests/fs/tree.py gensmall "$t/fz"
	mke2fs -q -F -t ext4 -b 1024 -O ^has_journal -d "$t/fz" "$t/fz4.img" 1M > /dev/null 2>&1 &&
	    mke2fs -q -F -t ext2 -b 1024 -d "$t/fz" "$t/fz2.img" 1M > /dev/null 2>&1 &&
	    mke2fs -q -F -t ext4 -b 1024 -O ^has_journal,^metadata_csum -d "$t/fz" \
		"$t/fz4n.img" 1M > /dev/null 2>&1 ||
	    { bad "fuzz: making the images"; return; }
	# multi-block directories get an htree index
	e2fsck -fyD "$t/fz4.img" > /dev/null 2>&1
	e2fsck -fyD "$t/fz2.img" > /dev/null 2>&1
	e2fsck -fyD "$t/fz4n.img" > /dev/null 2>&1
	timeout 3000 "$B/fs/fsfuzz" "$n" "${FS_FUZZ_SEED:-1}" "$t/fz4.img" \
	    "$t/fz2.img" "$t/fz4n.img" > "$t/fuzz.log" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q "^fsfuzz: $n corrupted images, .* 0 crashes$" "$t/fuzz.log"; then
		ok "fuzz: $(tail -1 "$t/fuzz.log" | sed 's/^fsfuzz: //')"
	else
		bad "fuzz: $n corrupted images (exit $rc)" "" "$t/fuzz.log"
	fi
}
