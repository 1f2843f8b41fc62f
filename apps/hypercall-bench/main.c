/*
 * hypercall-bench -- bench/hypercall_bench.c as an image: the rumpuser
 * hot paths timed in guest TSC cycles (bench/hypercall.sh runs it under
 * QEMU -icount shift=0, where a cycle is an instruction).
 */
#define TD_BENCH_TSC
#include "../../bench/hypercall_bench.c"
