/*
 * tandem-inspect IMAGE -- what the launcher needs to know about an image
 * before a VM starts, in one pass and one process (the shell version ran
 * readelf, objcopy, awk and grep a dozen times: 0.2-0.4 s of every launch
 * on a loaded 2-core host).  Installed as $BUILD/bin/tandem-inspect.
 *
 * Output on stdout, status 0:
 *	linux			a Linux bzImage ("HdrS" at 0x202): the
 *				benchmarks boot one through the launcher
 *	tandem IMG_END		a Tandem image; IMG_END = first byte above
 *				the highest PT_LOAD (physical, decimal)
 *	...			then the .tandem.manifest section's text as
 *				it is (NULs dropped), when there is one,
 *				after a line "manifest"
 * Refusal, status 1: one line "error REASON" on stdout (the launcher
 * prefixes the file name): not ELF64 x86-64, truncated (a segment or the
 * section table past the end of the file), nothing to load, or no Xen
 * notes for both entry paths (XEN_ELFNOTE_ENTRY = 1 for PV,
 * XEN_ELFNOTE_PHYS32_ENTRY = 18 for PVH and QEMU).  Status 2: usage or
 * an I/O error.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XEN_NOTE_ENTRY		1
#define XEN_NOTE_PHYS32_ENTRY	18
#define MANIFEST		".tandem.manifest"
#define MAX_MANIFEST		(1 << 20)

static unsigned char *img;
static size_t size;

static void
refuse(const char *why)
{
	printf("error %s\n", why);
	exit(1);
}

/* in_file: OFF + LEN lies inside the file (no overflow). */
static int
in_file(uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* Xen notes in one PT_NOTE segment: sets bit 0 for ENTRY, 1 for PHYS32. */
static int
xen_notes(uint64_t off, uint64_t len)
{
	uint64_t p = off, end = off + len, nsz, dsz;
	const Elf64_Nhdr *n;
	int found = 0;

	while (p + sizeof(*n) <= end) {
		n = (const Elf64_Nhdr *)(img + p);
		nsz = (n->n_namesz + 3) & ~3ULL;
		dsz = (n->n_descsz + 3) & ~3ULL;
		if (nsz + dsz > end - p - sizeof(*n))
			break;
		if (n->n_namesz == 4 && memcmp(img + p + sizeof(*n), "Xen", 4) == 0) {
			if (n->n_type == XEN_NOTE_ENTRY)
				found |= 1;
			if (n->n_type == XEN_NOTE_PHYS32_ENTRY)
				found |= 2;
		}
		p += sizeof(*n) + nsz + dsz;
	}
	return found;
}

/* The manifest section, printed after "manifest"; nothing without one. */
static void
manifest(const Elf64_Ehdr *eh)
{
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff), *str;
	uint64_t i, name;

	if (eh->e_shnum == 0 || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shentsize != sizeof(*sh))
		return;
	str = &sh[eh->e_shstrndx];
	if (!in_file(str->sh_offset, str->sh_size))
		refuse("not a Tandem image (bad section name table)");
	for (i = 0; i < eh->e_shnum; i++) {
		name = sh[i].sh_name;
		if (name + sizeof(MANIFEST) > str->sh_size ||
		    memcmp(img + str->sh_offset + name, MANIFEST,
		    sizeof(MANIFEST)) != 0)
			continue;
		if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_size > MAX_MANIFEST ||
		    !in_file(sh[i].sh_offset, sh[i].sh_size))
			refuse("bad " MANIFEST " section");
		printf("manifest\n");
		for (uint64_t j = 0; j < sh[i].sh_size; j++)
			if (img[sh[i].sh_offset + j] != 0)
				putchar(img[sh[i].sh_offset + j]);
		putchar('\n');
		return;
	}
}

static void
inspect(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Phdr *ph;
	uint64_t need, end, img_end = 0;
	int notes = 0, i;
	char why[128];

	if (size >= 0x206 && memcmp(img + 0x202, "HdrS", 4) == 0 &&
	    (size < 4 || memcmp(img, ELFMAG, SELFMAG) != 0)) {
		printf("linux\n");
		return;
	}
	if (size < SELFMAG || memcmp(img, ELFMAG, SELFMAG) != 0)
		refuse("not a Tandem image (not an ELF file)");
	if (size < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		refuse("not a Tandem image (not an x86-64 ELF64 file)");
	if (eh->e_phentsize != sizeof(*ph) && eh->e_phnum != 0)
		refuse("not a Tandem image (bad program headers)");
	/* (offsets past the file fail before any sum can wrap) */
	need = eh->e_shoff > size ? eh->e_shoff :
	    eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	end = eh->e_phoff > size ? eh->e_phoff :
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph);
	if (end > need)
		need = end;
	if (need > size) {
		snprintf(why, sizeof(why), "truncated (%zu bytes, its headers "
		    "describe %llu)", size, (unsigned long long)need);
		refuse(why);
	}
	ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD && ph[i].p_type != PT_NOTE)
			continue;
		end = ph[i].p_offset + ph[i].p_filesz;
		if (end < ph[i].p_offset)
			end = UINT64_MAX;
		if (end > need)
			need = end;
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_paddr + ph[i].p_memsz > img_end)
			img_end = ph[i].p_paddr + ph[i].p_memsz;
	}
	if (need > size) {
		snprintf(why, sizeof(why), "truncated (%zu bytes, its headers "
		    "describe %llu)", size, (unsigned long long)need);
		refuse(why);
	}
	if (img_end == 0)
		refuse("not a Tandem image (nothing to load)");
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_NOTE)
			notes |= xen_notes(ph[i].p_offset, ph[i].p_filesz);
	if (notes != 3)
		refuse("not a Tandem image (no Xen ELF notes with PV and PVH "
		    "entry points)");
	printf("tandem %llu\n", (unsigned long long)img_end);
	manifest(eh);
}

/*
 * load: the file mapped (only the pages looked at are read: a Linux
 * kernel is recognised from its first page); a file smaller than a page
 * is copied into a zeroed one, so the header checks never read past it.
 */
static int
load(const char *path)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) != 0)
		return -1;
	size = (size_t)st.st_size;
	if (size >= 4096) {
		img = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (img == MAP_FAILED)
			return -1;
	} else if ((img = calloc(1, 4096)) == NULL ||
	    read(fd, img, size) != (ssize_t)size)
		return -1;
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: tandem-inspect IMAGE\n");
		return 2;
	}
	if (load(argv[1]) != 0) {
		printf("error cannot read it\n");
		return 2;
	}
	inspect();
	return fflush(stdout) == 0 ? 0 : 2;
}
