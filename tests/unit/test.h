/*
 * test.h -- the unit-test harness and the fake platform (fake.c) the
 * host builds of core/ run on.  Each test binary prints "PASS name" or
 * "FAIL name" per test; run.sh adds them up.
 */
#ifndef TANDEM_TEST_H
#define TANDEM_TEST_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

extern int	t_cur_failed;

void	t_fail(const char *file, int line, const char *what);
void	t_run(const char *name, void (*fn)(void));
int	t_done(void);		/* exit status: 0 if all passed */

#define CHECK(c) do {							\
	if (!(c))							\
		t_fail(__FILE__, __LINE__, #c);				\
} while (0)
#define RUN(fn)	t_run(#fn, fn)

/* ---- fake platform -------------------------------------------------- */
extern uint64_t	 fake_now;		/* virtual ns, advanced by block() */
extern int	 fake_masked;		/* td_irq_save() nesting state */
extern int	 fake_nblock;
extern char	 fake_cons[];		/* console output, NUL terminated */
extern size_t	 fake_cons_len;
/* Called by td_plat.block() instead of advancing the clock: a test's
 * "interrupt".  NULL: jump to the deadline (none: deadlock, abort). */
extern void	(*fake_block_hook)(uint64_t deadline);
/* td_plat.exit() longjmps here when set, else calls fake_exit_hook, else
 * _exit()s with the status. */
extern jmp_buf	*fake_exit_jmp;
extern void	(*fake_exit_hook)(int status);
extern int	 fake_exit_status;

/* Fills td_plat: cmdline, one RAM range of ram_bytes (page aligned). */
void	*fake_init(const char *cmdline, size_t ram_bytes);
void	 fake_cons_clear(void);
int	 fake_cons_has(const char *s);

/* Runs stmt expecting a panic whose output contains msg. */
#define EXPECT_PANIC(stmt, msg) do {					\
	jmp_buf jb_;							\
	fake_cons_clear();						\
	fake_exit_status = -1;						\
	if (setjmp(jb_) == 0) {						\
		fake_exit_jmp = &jb_;					\
		stmt;							\
	}								\
	fake_exit_jmp = NULL;						\
	CHECK(fake_exit_status == 255);					\
	CHECK(fake_cons_has("tandem: panic: "));			\
	CHECK(fake_cons_has(msg));					\
} while (0)

#endif
