/*
 * ppin.elf: the PPIN semantic matrix (see /work/shared/notes/ppin.md).
 *
 * Parameters (-append):
 *   ppin=intel|amd|off  which PPIN the vCPU has (decides the MSR pair checked, not the
 *                       vendor: an AMD-vendor vCPU with ppin=intel is allowed)
 *   value=<u64>         the expected PPIN (required unless ppin=off)
 *   cpuid=check|skip    skip the two CPUID checks (default check): for hosts whose KVM
 *                       shows the guest the host's CPUID instead of QEMU's (the harness
 *                       probes this with cpuid.elf)
 *
 * CPUID: intel -> 7.1:EBX[0]=1, 0x80000008:EBX[23]=0; amd -> the reverse; off -> both 0.
 * The pair with the feature, in order (one check each): PPIN_CTL is 0 after reset; PPIN
 * read while disabled #GPs; PPIN_CTL writes with reserved bits (bit 2, bit 63) #GP;
 * PPIN_CTL=2 (enable) is accepted and reads back 2; PPIN == value; writing PPIN #GPs;
 * PPIN_CTL=3 (lock|enable) is accepted and reads back 3; after the lock PPIN_CTL=2 and =3
 * #GP (read-only until reset); PPIN still == value.
 * Each pair without the feature: rdmsr ctl, rdmsr ppin, wrmsr ctl=2, wrmsr ppin all #GP.
 */
#include "bm.h"

struct ppin_msrs {
	const char *name;
	uint32_t ctl, ppin;
};

static const struct ppin_msrs intel_msrs = { "intel", 0x4e, 0x4f };
static const struct ppin_msrs amd_msrs = { "amd", 0xc00102f0, 0xc00102f1 };

#define CTL_LOCK 1ull
#define CTL_ENABLE 2ull

static char name_buf[64];

static const char *nm(const struct ppin_msrs *p, const char *what)
{
	snprintf(name_buf, sizeof(name_buf), "%s.%s", p->name, what);
	return name_buf;
}

static void rd_gp(const char *name, uint32_t msr)
{
	uint64_t v;
	int vec = rdmsr_safe(msr, &v);

	if (vec)
		check(name, vec == GP_VECTOR, "rdmsr 0x%x vector=%d want=%d", msr, vec, GP_VECTOR);
	else
		check(name, false, "rdmsr 0x%x got=0x%llx want=#GP", msr, v);
}

static void wr_gp(const char *name, uint32_t msr, uint64_t val)
{
	int vec = wrmsr_safe(msr, val);

	if (vec)
		check(name, vec == GP_VECTOR, "wrmsr 0x%x=0x%llx vector=%d want=%d", msr, val, vec,
		      GP_VECTOR);
	else
		check(name, false, "wrmsr 0x%x=0x%llx accepted, want=#GP", msr, val);
}

static void rd_eq(const char *name, uint32_t msr, uint64_t want)
{
	uint64_t v;
	int vec = rdmsr_safe(msr, &v);

	if (vec)
		check(name, false, "rdmsr 0x%x vector=%d want=0x%llx", msr, vec, want);
	else
		check(name, v == want, "rdmsr 0x%x got=0x%llx want=0x%llx", msr, v, want);
}

static void wr_rd(const char *name, uint32_t msr, uint64_t val)
{
	uint64_t v;
	int vec = wrmsr_safe(msr, val);

	if (vec) {
		check(name, false, "wrmsr 0x%x=0x%llx vector=%d", msr, val, vec);
		return;
	}
	vec = rdmsr_safe(msr, &v);
	if (vec)
		check(name, false, "wrmsr 0x%x=0x%llx ok, read back vector=%d", msr, val, vec);
	else
		check(name, v == val, "wrmsr 0x%x=0x%llx read back got=0x%llx want=0x%llx", msr,
		      val, v, val);
}

#define CHECKS_WITH 11
static void check_with(const struct ppin_msrs *p, uint64_t value)
{
	rd_eq(nm(p, "ctl-reset"), p->ctl, 0);
	rd_gp(nm(p, "ppin-disabled-gp"), p->ppin);
	wr_gp(nm(p, "ctl-reserved-bit2-gp"), p->ctl, 1ull << 2);
	wr_gp(nm(p, "ctl-reserved-bit63-gp"), p->ctl, 1ull << 63);
	wr_rd(nm(p, "ctl-enable"), p->ctl, CTL_ENABLE);
	rd_eq(nm(p, "ppin-value"), p->ppin, value);
	wr_gp(nm(p, "ppin-write-gp"), p->ppin, value ^ 1);
	wr_rd(nm(p, "ctl-lock"), p->ctl, CTL_LOCK | CTL_ENABLE);
	wr_gp(nm(p, "ctl-locked-write2-gp"), p->ctl, CTL_ENABLE);
	wr_gp(nm(p, "ctl-locked-write3-gp"), p->ctl, CTL_LOCK | CTL_ENABLE);
	rd_eq(nm(p, "ppin-value-locked"), p->ppin, value);
}

#define CHECKS_WITHOUT 4
static void check_without(const struct ppin_msrs *p)
{
	rd_gp(nm(p, "absent-ctl-read-gp"), p->ctl);
	rd_gp(nm(p, "absent-ppin-read-gp"), p->ppin);
	wr_gp(nm(p, "absent-ctl-write-gp"), p->ctl, CTL_ENABLE);
	wr_gp(nm(p, "absent-ppin-write-gp"), p->ppin, 0);
}

int main(const char *cmdline)
{
	char mode[16], vendor[13], cpuid_mode[8] = "check";
	uint64_t value = 0;
	uint32_t max_basic, max_ext, bit_intel = 0, bit_amd = 0;
	bool want_intel, want_amd;
	struct cpuid r;

	(void)cmdline;
	param_str_required("ppin", mode, sizeof(mode));
	want_intel = !strcmp(mode, "intel");
	want_amd = !strcmp(mode, "amd");
	if (!want_intel && !want_amd && strcmp(mode, "off"))
		fatal("param.ppin", "ppin=%s, want intel|amd|off", mode);
	if (want_intel || want_amd)
		value = param_u64_required("value");
	if (param_str("cpuid", cpuid_mode, sizeof(cpuid_mode)) && strcmp(cpuid_mode, "skip") &&
	    strcmp(cpuid_mode, "check"))
		fatal("param.cpuid", "cpuid=%s, want check|skip", cpuid_mode);

	r = cpuid(0);
	max_basic = r.a;
	memcpy(vendor, &r.b, 4);
	memcpy(vendor + 4, &r.d, 4);
	memcpy(vendor + 8, &r.c, 4);
	vendor[12] = '\0';
	max_ext = cpuid(0x80000000).a;
	if (max_basic >= 7 && cpuid_indexed(7, 0).a >= 1)
		bit_intel = cpuid_indexed(7, 1).b & 1;
	if (max_ext >= 0x80000008)
		bit_amd = (cpuid(0x80000008).b >> 23) & 1;

	plan(2 + (want_intel ? CHECKS_WITH : CHECKS_WITHOUT) +
	     (want_amd ? CHECKS_WITH : CHECKS_WITHOUT));

	if (!strcmp(cpuid_mode, "skip")) {
		skip("cpuid.7-1-ebx0", "cpuid=skip (got=%u want=%u): the host does not "
		     "virtualize CPUID", bit_intel, want_intel);
		skip("cpuid.80000008-ebx23", "cpuid=skip (got=%u want=%u): the host does not "
		     "virtualize CPUID", bit_amd, want_amd);
	} else {
		check("cpuid.7-1-ebx0", bit_intel == want_intel,
		      "got=%u want=%u ppin=%s vendor=%s max_leaf=0x%x", bit_intel, want_intel,
		      mode, vendor, max_basic);
		check("cpuid.80000008-ebx23", bit_amd == want_amd,
		      "got=%u want=%u ppin=%s vendor=%s max_ext_leaf=0x%x", bit_amd, want_amd,
		      mode, vendor, max_ext);
	}

	if (want_intel)
		check_with(&intel_msrs, value);
	else
		check_without(&intel_msrs);
	if (want_amd)
		check_with(&amd_msrs, value);
	else
		check_without(&amd_msrs);

	report_end();
}
