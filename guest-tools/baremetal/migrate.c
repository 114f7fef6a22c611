/*
 * migrate.elf: state that must survive a migration (save to file, restore in a new QEMU).
 *
 * Parameters (-append):
 *   ppin=intel|amd|both|none  the PPIN MSR pairs whose state is carried (default none)
 *   value=<u64>          the expected PPIN (required unless none)
 *
 * Phase 1: fill a 1 MiB memory pattern, read MSR 0x35, and set up PPIN_CTL (bit 0 lock,
 * bit 1 enable; a write of 3 is #GP, so the reachable states are 0, 2 and 1, see ppin.c):
 *   intel|amd  enable the pair (PPIN_CTL=2, reads back 2) and read PPIN == value;
 *   both       enable AMD and read its PPIN, enable Intel and read its PPIN, lock Intel
 *              (PPIN_CTL=1, reads back 1); AMD's PPIN_CTL still reads 2 (the pairs have
 *              their own state).
 * Then print "KVMPORT-READY ..." and poll COM1 until one byte arrives.  The harness
 * migrates the VM meanwhile (QMP migrate to file:, then -incoming file: in a new process,
 * "cont" if it was started with -S) and then sends the byte.
 * Phase 2: the pattern is intact and 0x35 unchanged; an enabled pair (intel|amd, or AMD
 * with both) still reads PPIN_CTL 2 and PPIN == value, then locks (PPIN_CTL=1 reads back
 * 1) and a further PPIN_CTL=2 #GPs; the locked pair (Intel with both) still reads
 * PPIN_CTL 1, PPIN_CTL=2 #GPs and its PPIN read #GPs.
 */
#include "bm.h"

#define MSR_CORE_THREAD_COUNT 0x35
#define PATTERN_WORDS (256 * 1024)	/* 1 MiB */

#define CTL_LOCK 1ull
#define CTL_ENABLE 2ull

struct ppin_msrs {
	const char *name;
	uint32_t ctl, ppin;
};

static const struct ppin_msrs intel_msrs = { "intel", 0x4e, 0x4f };
static const struct ppin_msrs amd_msrs = { "amd", 0xc00102f0, 0xc00102f1 };

static uint32_t pattern[PATTERN_WORDS];
static char name_buf[64];

static uint32_t pattern_word(uint32_t i)
{
	uint32_t x = i * 0x9e3779b1u + 0x7f4a7c15u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return x ^ (x >> 12);
}

/* "[phase1.]<pair>.<what>" */
static const char *nm(const char *phase, const struct ppin_msrs *p, const char *what)
{
	snprintf(name_buf, sizeof(name_buf), "%s%s.%s", phase, p->name, what);
	return name_buf;
}

/* Phase 1: enable @p and read its PPIN (2 checks) */
static void enable(const struct ppin_msrs *p, uint64_t value)
{
	wr_rd(nm("phase1.", p, "ppin-enable"), p->ctl, CTL_ENABLE);
	rd_eq(nm("phase1.", p, "ppin-value"), p->ppin, value);
}

/* Phase 2, @p enabled before the migration: still enabled, then the lock (4 checks) */
static void after_enabled(const struct ppin_msrs *p, uint64_t value)
{
	rd_eq(nm("", p, "ppin-ctl-enabled"), p->ctl, CTL_ENABLE);
	rd_eq(nm("", p, "ppin-value"), p->ppin, value);
	wr_rd(nm("", p, "ppin-ctl-lock"), p->ctl, CTL_LOCK);
	wr_gp(nm("", p, "ppin-ctl-locked-write-gp"), p->ctl, CTL_ENABLE);
}

/* Phase 2, @p locked before the migration: still locked (3 checks) */
static void after_locked(const struct ppin_msrs *p)
{
	rd_eq(nm("", p, "ppin-ctl-locked"), p->ctl, CTL_LOCK);
	wr_gp(nm("", p, "ppin-ctl-locked-write-gp"), p->ctl, CTL_ENABLE);
	rd_gp(nm("", p, "ppin-locked-gp"), p->ppin);
}

int main(const char *cmdline)
{
	const struct ppin_msrs *pair = NULL;
	uint32_t bad = 0, first_bad = 0;
	uint64_t value = 0, msr35, msr35_after;
	char mode[16] = "none";
	int vec, c;
	bool both;

	(void)cmdline;
	param_str("ppin", mode, sizeof(mode));
	both = !strcmp(mode, "both");
	if (!strcmp(mode, "intel"))
		pair = &intel_msrs;
	else if (!strcmp(mode, "amd"))
		pair = &amd_msrs;
	else if (!both && strcmp(mode, "none"))
		fatal("param.ppin", "ppin=%s, want intel|amd|both|none", mode);
	if (pair || both)
		value = param_u64_required("value");

	plan(3 + (pair ? 2 + 4 : 0) + (both ? 6 + 3 + 4 : 0));

	/* Phase 1 */
	for (uint32_t i = 0; i < PATTERN_WORDS; i++)
		pattern[i] = pattern_word(i);
	vec = rdmsr_safe(MSR_CORE_THREAD_COUNT, &msr35);
	check("phase1.msr35-read", !vec, "rdmsr 0x35 vector=%d got=0x%llx", vec, msr35);
	if (pair)
		enable(pair, value);
	if (both) {
		enable(&amd_msrs, value);
		enable(&intel_msrs, value);
		wr_rd("phase1.intel.ppin-ctl-lock", intel_msrs.ctl, CTL_LOCK);
		rd_eq("phase1.amd.ppin-ctl-kept", amd_msrs.ctl, CTL_ENABLE);
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

	if (pair)
		after_enabled(pair, value);
	if (both) {
		after_locked(&intel_msrs);
		after_enabled(&amd_msrs, value);
	}
	report_end();
}
