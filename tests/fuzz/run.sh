#!/bin/bash
# tests/fuzz/run.sh BUILD [CASES] -- builds the virtqueue fuzzer with
# ASan+UBSan and runs it (default 10^6 cases); its last line says
# "N cases".
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
mkdir -p "$B/fuzz"
gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all \
    -o "$B/fuzz/fuzz_virtq" tests/fuzz/fuzz_virtq.c platform/virtio/virtq.c || exit 1
"$B/fuzz/fuzz_virtq" "${2:-1000000}" 1
