/* Start-up, the KVMPORT result protocol and the isa-debug-exit convention. */
#include "bm.h"

#define DEBUG_EXIT_PORT 0xf4

static int planned = -1, checks, failures;

void __noreturn exit_guest(int fail)
{
	/* isa-debug-exit: QEMU exits with (code << 1) | 1, so 1 = pass, 3 = fail. */
	outl(fail ? 1 : 0, DEBUG_EXIT_PORT);
	for (;;)
		asm volatile("cli; hlt");
}

void plan(int n)
{
	planned = n;
	printf("KVMPORT-PLAN %d\n", n);
}

static void vline(const char *prefix, const char *name, const char *status,
		  const char *fmt, va_list ap)
{
	printf("%s", prefix);
	if (name)
		printf(" %s %s", name, status);
	if (fmt && *fmt) {
		serial_putc(' ');
		vprintf(fmt, ap);
	}
	serial_putc('\n');
}

bool check(const char *name, bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("KVMPORT-CHECK", name, pass ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
	checks++;
	failures += !pass;
	return pass;
}

void skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("KVMPORT-CHECK", name, "SKIP", fmt, ap);
	va_end(ap);
	checks++;
}

void bench(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("KVMPORT-BENCH", NULL, NULL, fmt, ap);
	va_end(ap);
}

void ready(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("KVMPORT-READY", NULL, NULL, fmt, ap);
	va_end(ap);
}

void __noreturn report_end(void)
{
	bool bad_plan = planned >= 0 && checks != planned;

	if (bad_plan)
		printf("# plan mismatch: planned %d, ran %d\n", planned, checks);
	printf("# %d checks, %d failed\n", checks, failures);
	printf("KVMPORT-END\n");
	exit_guest(failures || bad_plan || planned < 0);
}

/* A check that cannot continue (e.g. a missing parameter): FAIL it and end the test. */
void __noreturn fatal(const char *name, const char *fmt, ...)
{
	va_list ap;

	if (planned < 0)
		plan(1);
	va_start(ap, fmt);
	vline("KVMPORT-CHECK", name, "FAIL", fmt, ap);
	va_end(ap);
	checks++;
	failures++;
	planned = checks;	/* the remaining checks never run; the FAIL says why */
	report_end();
}

void bm_start(uint32_t mb_magic, const void *mb_info);
void __noreturn bm_start(uint32_t mb_magic, const void *mb_info)
{
	serial_init();
	serial_putc('\n');	/* the firmware leaves a partial line */
	setup_idt();
	params_init(mb_magic, mb_info);
	main(cmdline());
	report_end();
}
