/*
 * migrate.elf: state that must survive a migration (save to file, restore in a new QEMU).
 *
 * Parameters (-append):
 *   ppin=intel|amd|none  which PPIN MSR pair to lock before the migration (default none)
 *   value=<u64>          the expected PPIN (required with intel|amd)
 *
 * Phase 1: fill a 1 MiB memory pattern, read MSR 0x35, with ppin enable and lock
 * PPIN_CTL (write 3) and read the PPIN; print "KVMPORT-READY ..." and poll COM1 until one
 * byte arrives.  The harness migrates the VM meanwhile (QMP migrate to file:, then
 * -incoming file: in a new process, "cont" if it was started with -S) and then sends the
 * byte.  Phase 2: the pattern is intact, 0x35 is unchanged, and with ppin PPIN_CTL still
 * reads 3 (the lock survived), PPIN == value, and PPIN_CTL=2 #GPs.
 */
#include "bm.h"

#define MSR_CORE_THREAD_COUNT 0x35
#define PATTERN_WORDS (256 * 1024)	/* 1 MiB */

static uint32_t pattern[PATTERN_WORDS];

static uint32_t pattern_word(uint32_t i)
{
	uint32_t x = i * 0x9e3779b1u + 0x7f4a7c15u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return x ^ (x >> 12);
}

int main(const char *cmdline)
{
	uint32_t ctl = 0, ppin_msr = 0, bad = 0, first_bad = 0;
	uint64_t value = 0, msr35, msr35_after, v;
	char mode[16] = "none";
	int vec, c;
	bool ppin;

	(void)cmdline;
	param_str("ppin", mode, sizeof(mode));
	if (!strcmp(mode, "intel")) {
		ctl = 0x4e;
		ppin_msr = 0x4f;
	} else if (!strcmp(mode, "amd")) {
		ctl = 0xc00102f0;
		ppin_msr = 0xc00102f1;
	} else if (strcmp(mode, "none")) {
		fatal("param.ppin", "ppin=%s, want intel|amd|none", mode);
	}
	ppin = ctl != 0;
	if (ppin)
		value = param_u64_required("value");

	plan(ppin ? 8 : 3);

	/* Phase 1 */
	for (uint32_t i = 0; i < PATTERN_WORDS; i++)
		pattern[i] = pattern_word(i);
	vec = rdmsr_safe(MSR_CORE_THREAD_COUNT, &msr35);
	check("phase1.msr35-read", !vec, "rdmsr 0x35 vector=%d got=0x%llx", vec, msr35);
	if (ppin) {
		vec = wrmsr_safe(ctl, 3);
		if (!vec)
			vec = rdmsr_safe(ctl, &v);
		if (vec)
			check("phase1.ppin-lock", false, "wrmsr/rdmsr 0x%x vector=%d", ctl, vec);
		else
			check("phase1.ppin-lock", v == 3, "wrmsr 0x%x=3 read back got=0x%llx want=0x3",
			      ctl, v);
		vec = rdmsr_safe(ppin_msr, &v);
		if (vec)
			check("phase1.ppin-value", false, "rdmsr 0x%x vector=%d", ppin_msr, vec);
		else
			check("phase1.ppin-value", v == value, "got=0x%llx want=0x%llx", v, value);
	}

	serial_drain();
	ready("waiting for one byte on COM1 (msr35=0x%llx ppin=%s)", msr35, mode);
	c = serial_getc();
	printf("# resumed: received byte 0x%02x\n", c);

	/* Phase 2 */
	for (uint32_t i = 0; i < PATTERN_WORDS; i++) {
		if (pattern[i] != pattern_word(i)) {
			if (!bad++)
				first_bad = i;
		}
	}
	if (bad)
		check("mem-pattern", false, "%u of %u words differ, first at 0x%x got=0x%x want=0x%x",
		      bad, PATTERN_WORDS, (uint32_t)&pattern[first_bad], pattern[first_bad],
		      pattern_word(first_bad));
	else
		check("mem-pattern", true, "%u words intact", PATTERN_WORDS);

	vec = rdmsr_safe(MSR_CORE_THREAD_COUNT, &msr35_after);
	if (vec)
		check("msr35-unchanged", false, "rdmsr 0x35 vector=%d", vec);
	else
		check("msr35-unchanged", msr35_after == msr35, "got=0x%llx want=0x%llx",
		      msr35_after, msr35);

	if (ppin) {
		vec = rdmsr_safe(ctl, &v);
		if (vec)
			check("ppin-ctl-locked", false, "rdmsr 0x%x vector=%d", ctl, vec);
		else
			check("ppin-ctl-locked", v == 3, "rdmsr 0x%x got=0x%llx want=0x3", ctl, v);
		vec = rdmsr_safe(ppin_msr, &v);
		if (vec)
			check("ppin-value", false, "rdmsr 0x%x vector=%d", ppin_msr, vec);
		else
			check("ppin-value", v == value, "got=0x%llx want=0x%llx", v, value);
		vec = wrmsr_safe(ctl, 2);
		check("ppin-ctl-write-gp", vec == GP_VECTOR, "wrmsr 0x%x=0x2 vector=%d want=%d",
		      ctl, vec, GP_VECTOR);
	}
	report_end();
}
