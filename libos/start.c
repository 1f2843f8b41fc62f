/*
 * start.c -- from core's main thread to the app's main(): libos comes
 * up (rumpuser, the syscall table, init hooks, fds 0-2), then the
 * initial process stack Linux would build -- argv, envp, auxv -- is laid
 * out and musl's __libc_start_main runs the program.
 *
 * Where things come from: argv from the command line after "--" (or the
 * bake manifest's args when the line gave none), or the host's argv on
 * posix; the environment from the manifest's env= lines, then the
 * command line's env.NAME=VALUE words, or the host's on posix; auxv from
 * what libos knows (page size, AT_RANDOM from rumpuser_getrandom, the
 * TLS program header).
 */
#include "lo.h"
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <tandem/core.h>

int	main(int, char **, char **);
int	__libc_start_main(int (*)(int, char **, char **), int, char **,
	    void (*)(void), void (*)(void), void (*)(void));
void	lo_syscall_init(void);
void	lo_thread_init(void);

extern const struct lo_initent *const __start_link_set_libos_init[]
    __attribute__((weak));
extern const struct lo_initent *const __stop_link_set_libos_init[]
    __attribute__((weak));

/* The bake manifest, "key=value\n" lines (absent: weak NULL). */
extern const char __tandem_manifest_start[] __attribute__((weak));
extern const char __tandem_manifest_end[] __attribute__((weak));

/* The TLS image as the linker script describes it (images), or the ELF
 * header a standard static link maps (posix). */
extern const char __tandem_tls_start[] __attribute__((weak));
extern const char __tandem_tls_filesz[] __attribute__((weak));
extern const char __tandem_tls_memsz[] __attribute__((weak));
extern const char __tandem_tls_align[] __attribute__((weak));
extern const Elf64_Ehdr __ehdr_start __attribute__((weak));

static void
run_inits(void)
{
	const struct lo_initent *const *e, *const *best;
	int last = -1, prio;

	/* few entries: pick them in priority order without sorting */
	for (;;) {
		best = NULL;
		prio = 0x7fffffff;
		for (e = __start_link_set_libos_init;
		    e < __stop_link_set_libos_init; e++)
			if ((*e)->prio > last && (*e)->prio < prio) {
				prio = (*e)->prio;
				best = e;
			}
		if (best == NULL)
			break;
		for (e = best; e < __stop_link_set_libos_init; e++)
			if ((*e)->prio == prio)
				(*e)->fn();
		last = prio;
	}
}

extern void (*const __start_link_set_libos_late[])(void)
    __attribute__((weak));
extern void (*const __stop_link_set_libos_late[])(void)
    __attribute__((weak));

/* musl runs constructors in priority order after its own set-up; 101
 * is the first a program may use, so these precede the app's. */
static void __attribute__((constructor(101)))
run_late(void)
{
	void (*const *fn)(void);

	for (fn = __start_link_set_libos_late; fn < __stop_link_set_libos_late;
	    fn++)
		(*fn)();
}

/* ---- the manifest ---------------------------------------------------- */

/* Calls fn(value, len) for every line "key=value" of the manifest. */
static int
manifest_each(const char *key, void (*fn)(const char *, size_t, void *),
    void *arg)
{
	const char *p = __tandem_manifest_start, *end = __tandem_manifest_end;
	const char *nl;
	size_t kl = strlen(key);
	int n = 0;

	if (p == NULL || end == NULL)
		return 0;
	for (; p < end; p = nl + 1) {
		for (nl = p; nl < end && *nl != '\n'; nl++)
			;
		if ((size_t)(nl - p) > kl && memcmp(p, key, kl) == 0 &&
		    p[kl] == '=') {
			if (fn != NULL)
				fn(p + kl + 1, (size_t)(nl - p) - kl - 1, arg);
			n++;
		}
	}
	return n;
}

int
lo_manifest_each(const char *key, void (*fn)(const char *, size_t, void *),
    void *arg)
{

	return manifest_each(key, fn, arg);
}

struct strv {
	char	**v;
	int	  n, cap;
};

static void
strv_add(struct strv *s, char *str)
{
	char **nv;

	if (s->n + 1 >= s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		nv = lo_zalloc((size_t)s->cap * sizeof(char *));
		if (nv == NULL)
			lo_panic("no memory for the environment");
		if (s->v != NULL) {
			memcpy(nv, s->v, (size_t)s->n * sizeof(char *));
			lo_free(s->v, (size_t)(s->cap / 2) * sizeof(char *));
		}
		s->v = nv;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

static char *
strndup_(const char *p, size_t n)
{
	char *s = lo_malloc(n + 1);

	if (s == NULL)
		lo_panic("no memory for the environment");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void
env_line(const char *v, size_t n, void *arg)
{

	strv_add(arg, strndup_(v, n));
}

/* Default args "a b 'c d'": words split at blanks, double quotes group. */
static void
args_line(const char *v, size_t n, void *arg)
{
	struct strv *s = arg;
	size_t i = 0, j;
	char *w;
	int q;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (i >= n)
			break;
		w = lo_zalloc(n + 1);
		if (w == NULL)
			lo_panic("no memory for the arguments");
		for (j = 0, q = 0; i < n && (q || (v[i] != ' ' &&
		    v[i] != '\t')); i++) {
			if (v[i] == '"')
				q = !q;
			else
				w[j++] = v[i];
		}
		strv_add(s, w);
	}
}

/* ---- auxv ------------------------------------------------------------- */

static Elf64_Phdr tls_phdr;

static void
tls_phdrs(const Elf64_Phdr **php, long *np)
{
	const Elf64_Ehdr *eh = &__ehdr_start;

	if (eh != NULL && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0) {
		*php = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
		*np = eh->e_phnum;
		return;
	}
	/* the image does not map its headers: describe PT_TLS ourselves */
	tls_phdr.p_type = PT_TLS;
	tls_phdr.p_vaddr = (uint64_t)(uintptr_t)__tandem_tls_start;
	tls_phdr.p_filesz = (uint64_t)(uintptr_t)__tandem_tls_filesz;
	tls_phdr.p_memsz = (uint64_t)(uintptr_t)__tandem_tls_memsz;
	tls_phdr.p_align = (uint64_t)(uintptr_t)__tandem_tls_align;
	if (tls_phdr.p_align == 0)
		tls_phdr.p_align = 1;
	*php = &tls_phdr;
	*np = tls_phdr.p_memsz != 0 ? 1 : 0;
}

static unsigned char at_random[16];

static void
random_bytes(void)
{
	size_t got = 0;
	int rv;

	/* blocking: a virtio-rng answers within its first request, and
	 * with no source at all the hypercall gives up after a short grace
	 * period (ENXIO) rather than hang */
	rv = rumpuser_getrandom(at_random, sizeof(at_random),
	    RUMPUSER_RANDOM_HARD, &got);
	if (rv == 0 && got == sizeof(at_random))
		return;
	rv = rumpuser_getrandom(at_random, sizeof(at_random),
	    RUMPUSER_RANDOM_NOWAIT, &got);
	if (rv == 0 && got == sizeof(at_random))
		return;
	/* Nothing to be had: say so; the canary is then guessable. */
	lo_printf("tandem: libos: no entropy for AT_RANDOM: the stack "
	    "protector canary is predictable (attach virtio-rng)\n");
	memset(at_random, 0x5a, sizeof(at_random));
	at_random[0] = (unsigned char)lo_now();
}

/* ---- the app ---------------------------------------------------------- */

int
td_app_main(int argc, char **argv)
{
	struct strv av = { 0 }, env = { 0 };
	const struct td_host *host;
	const Elf64_Phdr *ph;
	const char *k, *v;
	uint64_t *vec;
	long nph;
	int i, n;

	host = td_host();
	lo_thread_init();
	lo_syscall_init();
	lo_fd_init();
	run_inits();

	if (host != NULL) {
		for (i = 0; host->argv[i] != NULL; i++)
			strv_add(&av, host->argv[i]);
	} else {
		/* argv[0]: TD_APP=, else the name the image was baked as */
		if (td_param("TD_APP") == NULL &&
		    manifest_each("name", NULL, NULL) > 0)
			manifest_each("name", env_line, &av);
		else
			strv_add(&av, argv[0]);
		for (i = 1; i < argc; i++)
			strv_add(&av, argv[i]);
		if (!td_app_args_given())
			manifest_each("args", args_line, &av);
	}
	if (host != NULL) {
		for (i = 0; host->envp[i] != NULL; i++)
			strv_add(&env, host->envp[i]);
	} else {
		manifest_each("env", env_line, &env);
		for (i = 0; (v = td_param_at(i, &k)) != NULL; i++)
			if (strncmp(k, "env.", 4) == 0 && k[4] != '\0') {
				char *e = lo_malloc(strlen(k) + strlen(v) + 1);
				if (e == NULL)
					lo_panic("no memory for the environment");
				memcpy(e, k + 4, strlen(k) - 4);
				e[strlen(k) - 4] = '=';
				memcpy(e + strlen(k) - 3, v, strlen(v) + 1);
				strv_add(&env, e);
			}
	}

	random_bytes();
	/* the main thread's name, as Linux's comm: argv[0]'s basename */
	lo_thread_setname(lo_thread_main(), av.n > 0 ? av.v[0] : "app");
	tls_phdrs(&ph, &nph);
	/* argv, NULL, envp, NULL, auxv: the layout musl walks */
	n = av.n + 1 + env.n + 1 + 2 * 16;
	if ((vec = lo_zalloc((size_t)n * sizeof(uint64_t))) == NULL)
		lo_panic("no memory for the initial stack");
	i = 0;
	for (int j = 0; j < av.n; j++)
		vec[i++] = (uint64_t)(uintptr_t)av.v[j];
	vec[i++] = 0;
	for (int j = 0; j < env.n; j++)
		vec[i++] = (uint64_t)(uintptr_t)env.v[j];
	vec[i++] = 0;
#define AUX(t, v) do { vec[i++] = (t); vec[i++] = (uint64_t)(v); } while (0)
	AUX(AT_PHDR, (uintptr_t)ph);
	AUX(AT_PHNUM, nph);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PAGESZ, 4096);
	AUX(AT_CLKTCK, 100);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, (uintptr_t)at_random);
	AUX(AT_EXECFN, (uintptr_t)(av.n > 0 ? av.v[0] : "app"));
	AUX(AT_PLATFORM, (uintptr_t)"x86_64");
	AUX(AT_SYSINFO_EHDR, (uintptr_t)lo_vdso());	/* vdso.c */
	AUX(AT_NULL, 0);
#undef AUX
	return __libc_start_main(main, av.n, (char **)vec, NULL, NULL, NULL);
}
