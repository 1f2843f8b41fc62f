/*
 * insn-plugin.c -- a QEMU TCG plugin for bench/app-cycles.sh: counts the
 * guest instructions each translated block's start address executes, in
 * a file the host reads while the guest runs.  Perf counters do not exist
 * here, and under -icount the guest's TSC also advances while it halts
 * (to the next timer): this counts executed instructions only, the same
 * way for Tandem and for the Linux guest.
 *
 *   qemu ... -plugin PATH/insn-plugin.so,out=COUNTERS
 *
 * COUNTERS (created, 16 MiB + 16 bytes, little-endian u64):
 *   [0] total instructions executed   [1] number of slots in use
 *   then NSLOT slots of { block start address, instructions } in an
 *   open-addressed table (a block retranslated at the same address adds
 *   to the same slot).  A reader takes two snapshots and subtracts.
 * The counters are plain adds from the one vCPU thread (run with -smp 1).
 *
 * The plugin API is declared here from QEMU's documented interface
 * (API version 1, QEMU 7.2): Debian packages no qemu-plugin.h.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb_t);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *,
    enum qemu_plugin_op, void *, uint64_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

#define NSLOT	(1u << 20)

struct slot {
	uint64_t pc;
	uint64_t n;
};
static uint64_t *hdr;
static struct slot *slots;
static uint64_t overflow;	/* blocks that found no slot: counted in [0] only */

static uint64_t *
counter_for(uint64_t pc)
{
	uint32_t h = (uint32_t)((pc * 0x9e3779b97f4a7c15ull) >> 44) & (NSLOT - 1);
	uint32_t i;

	for (i = 0; i < 64; i++, h = (h + 1) & (NSLOT - 1)) {
		if (slots[h].pc == pc)
			return &slots[h].n;
		if (slots[h].pc == 0) {
			slots[h].pc = pc;
			hdr[1]++;
			return &slots[h].n;
		}
	}
	return &overflow;
}

static void
tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
	    QEMU_PLUGIN_INLINE_ADD_U64, &hdr[0], n);
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
	    QEMU_PLUGIN_INLINE_ADD_U64, counter_for(qemu_plugin_tb_vaddr(tb)), n);
}

EXPORT int
qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
    char **argv)
{
	const char *file = NULL;
	size_t len = 16 + (size_t)NSLOT * sizeof(struct slot);
	void *p;
	int fd, i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], "out=", 4) == 0)
			file = argv[i] + 4;
	if (file == NULL) {
		fprintf(stderr, "insn-plugin: needs out=PATH\n");
		return -1;
	}
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)len) != 0) {
		perror(file);
		return -1;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("insn-plugin: mmap");
		return -1;
	}
	hdr = p;
	slots = (struct slot *)(hdr + 2);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	return 0;
}
