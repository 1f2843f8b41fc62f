/*
 * cmdline.c -- "[KEY=VALUE ...] [--] [app args...]".
 *
 * The line is split once into words (double quotes group, and are
 * removed); leading KEY=VALUE words become parameters, the rest the
 * app's argv.  A word whose key part is quoted ("A=B") is an argument:
 * that is how an app gets an argument that looks like a parameter.
 * When a key is given twice the last one wins.  argv[0] is the value of
 * TD_APP, or "app".  On platform posix in app mode the process's own
 * argv replaces all that (td_plat.host_argv).
 */
#include "core_impl.h"

struct param {
	char	*key;
	char	*val;
};

static struct param	*params;
static int		 nparams;
static char		**argv;
static int		 argc;
static int		 args_given;	/* "--" or an argument word seen */
static const char	*empty_argv[2] = { "app", NULL };

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/*
 * Copies the next word of *sp into out (unquoted, NUL terminated) and
 * advances *sp.  *keylen gets the length of an unquoted leading KEY=
 * ("0" if the word is no parameter).  Returns 0 at the end of the line.
 */
static int
next_word(const char **sp, char *out, size_t *keylen)
{
	const char *s = *sp;
	int quoted = 0, inkey = 1;
	size_t n = 0;

	while (is_space(*s))
		s++;
	if (*s == '\0')
		return 0;
	*keylen = 0;
	for (; *s != '\0' && (quoted || !is_space(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			inkey = 0;
			continue;
		}
		if (inkey && *s == '=' && n > 0) {
			*keylen = n;
			inkey = 0;
		} else if (inkey && !is_keychar(*s))
			inkey = 0;
		out[n++] = *s;
	}
	out[n] = '\0';
	*sp = s;
	return 1;
}

static void
reset(void)
{
	int i;

	for (i = 0; i < nparams; i++)
		td_free(params[i].key);
	td_free(params);
	if (argv != NULL)
		for (i = 1; i < argc; i++)
			td_free(argv[i]);
	td_free(argv);
	params = NULL;
	argv = NULL;
	nparams = argc = args_given = 0;
}

static char *
dup(const char *w)
{
	size_t n = strlen(w) + 1;

	return memcpy(td_malloc(n), w, n);
}

void
cmdline_init(const char *line)
{
	const char *s;
	size_t len, keylen;
	int args = 0;
	char *w, *tmp;

	reset();
	if (line == NULL)
		line = "";
	len = strlen(line);
	/* words never outnumber half the line (plus one) */
	params = td_malloc((len / 2 + 1) * sizeof(*params));
	argv = td_malloc((len / 2 + 3) * sizeof(*argv));
	tmp = td_malloc(len + 1);
	argc = 1;
	for (s = line; next_word(&s, tmp, &keylen);) {
		if (!args && strcmp(tmp, "--") == 0) {
			args = args_given = 1;
			continue;
		}
		w = dup(tmp);
		if (!args && keylen > 0) {
			w[keylen] = '\0';
			params[nparams].key = w;
			params[nparams++].val = w + keylen + 1;
		} else {
			args = args_given = 1;
			argv[argc++] = w;
		}
	}
	td_free(tmp);
	argv[argc] = NULL;
}

const char *
td_param(const char *key)
{
	int i;

	for (i = nparams; i-- > 0;)
		if (strcmp(params[i].key, key) == 0)
			return params[i].val;
	return NULL;
}

int
td_app_args(char ***argvp)
{
	const char *name = td_param("TD_APP");
	int n;

	/* posix app mode: the process's own argv, argv[0] included */
	if (td_plat.host_argv != NULL) {
		for (n = 0; td_plat.host_argv[n] != NULL; n++)
			;
		*argvp = td_plat.host_argv;
		return n;
	}
	if (argv == NULL) {
		*argvp = (char **)empty_argv;
		return 1;
	}
	argv[0] = (char *)(name != NULL ? name : "app");
	*argvp = argv;
	return argc;
}

const char *
td_param_at(int i, const char **keyp)
{

	if (i < 0 || i >= nparams)
		return NULL;
	*keyp = params[i].key;
	return params[i].val;
}

int
td_app_args_given(void)
{

	return args_given;
}
