/*
 * ppin.elf: the PPIN semantic matrix (docs/ppin.md).
 *
 * Parameters (-append):
 *   ppin=intel|amd|both|off  which PPIN the vCPU has (decides the MSR pairs checked, not
 *                       the vendor: an AMD-vendor vCPU with ppin=intel is allowed; both:
 *                       e.g. -cpu max,vendor=GenuineIntel,amd-ppin=on)
 *   value=<u64>         the expected PPIN (required unless ppin=off)
 *   cpuid=check|skip    skip the two CPUID checks (default check): for hosts whose KVM
 *                       shows the guest the host's CPUID instead of QEMU's (the harness
 *                       probes this with cpuid.elf)
 *   init=check          the INIT checks on the AP instead of the matrix (needs -smp 2 or
 *                       more: the AP is APIC ID 1)
 *
 * PPIN_CTL (Intel SDM, MSR 0x4E; the AMD pair alike): bit 0 LockOut (write-once), bit 1
 * Enable_PPIN, bits 63:2 reserved (#GP). Writing 1 to bit 0 is permitted only if bit 1 is
 * clear, so a write of 3 is #GP and 11b is never reached: the flow is 10b (enable), read
 * PPIN, 01b (disable and lock). After the lock every write is #GP; reading PPIN while
 * Enable is clear is #GP (so also after the lock); writing PPIN is #GP. Each pair has its
 * own PPIN_CTL. Reset sets it to 0, INIT leaves it alone.
 *
 * CPUID: intel -> 7.1:EBX[0]=1, 0x80000008:EBX[23]=0; amd -> the reverse; both -> both 1;
 * off -> both 0.
 * The matrix, per pair with the feature, in order (one check each): PPIN_CTL is 0 after
 * reset; PPIN read while disabled #GPs; PPIN_CTL writes with reserved bits (bit 2, bit 63)
 * #GP; PPIN_CTL=3 #GPs and leaves 0; PPIN_CTL=2 (enable) reads back 2; PPIN == value;
 * writing PPIN #GPs; PPIN_CTL=3 while enabled #GPs and leaves 2; PPIN_CTL=1 (disable and
 * lock) reads back 1; PPIN read #GPs; PPIN_CTL=0, =1, =2, =3 each #GP; PPIN_CTL still 1.
 * A QEMU that accepts the write of 3 locks the pair with it: the later checks that need it
 * unlocked then fail too (the guest says so in a comment line).
 * With both, Intel first, then AMD; 3 more checks per pair: after its enable the other
 * pair's PPIN_CTL is unchanged (AMD 0, Intel 1) and the other PPIN read still #GPs, after
 * its lock the other PPIN_CTL is still unchanged.
 * Each pair without the feature: rdmsr ctl, rdmsr ppin, wrmsr ctl=2, wrmsr ppin all #GP.
 *
 * init=check, per pair with the feature instead of the matrix (5 checks): the BSP starts
 * the AP with INIT-SIPI in ppin_ap.S, four times: the AP writes PPIN_CTL=2 (it read 0,
 * reads back 2); after INIT it reads PPIN_CTL 2 (init-ctl-kept) and PPIN == value; it
 * writes 1 (reads back 1); after INIT it reads PPIN_CTL 1 and its PPIN read #GPs. (That a
 * reset clears PPIN_CTL is ctl-reset above.) The pairs without the feature: as above.
 */
#include "bm.h"
#include "ppin_ap.h"

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

/* "<p>.<other>-<what>", e.g. intel.amd-ctl-after-enable */
static const char *nm2(const struct ppin_msrs *p, const struct ppin_msrs *o, const char *what)
{
	snprintf(name_buf, sizeof(name_buf), "%s.%s-%s", p->name, o->name, what);
	return name_buf;
}

/* The write must #GP and leave the MSR at @keep; returns true if it was accepted. */
static bool wr_gp_kept(const char *name, uint32_t msr, uint64_t val, uint64_t keep)
{
	uint64_t v;
	int vec = wrmsr_safe(msr, val), rvec = rdmsr_safe(msr, &v);

	if (rvec)
		check(name, false, "wrmsr 0x%x=0x%llx vector=%d, read back vector=%d", msr, val,
		      vec, rvec);
	else if (!vec)
		check(name, false, "wrmsr 0x%x=0x%llx accepted, want=#GP; read back got=0x%llx "
		      "want=0x%llx", msr, val, v, keep);
	else
		check(name, vec == GP_VECTOR && v == keep,
		      "wrmsr 0x%x=0x%llx vector=%d want=%d, read back got=0x%llx want=0x%llx",
		      msr, val, vec, GP_VECTOR, v, keep);
	return !vec;
}

#define CHECKS_WITH 16
#define CHECKS_OTHER 3	/* with both pairs */
/* The matrix of @p; @o, if any, is the other pair, whose PPIN_CTL must stay @o_ctl. */
static void check_with(const struct ppin_msrs *p, uint64_t value, const struct ppin_msrs *o,
		       uint64_t o_ctl)
{
	rd_eq(nm(p, "ctl-reset"), p->ctl, 0);
	rd_gp(nm(p, "ppin-disabled-gp"), p->ppin);
	wr_gp(nm(p, "ctl-reserved-bit2-gp"), p->ctl, 1ull << 2);
	wr_gp(nm(p, "ctl-reserved-bit63-gp"), p->ctl, 1ull << 63);
	if (wr_gp_kept(nm(p, "ctl-write3-gp"), p->ctl, CTL_LOCK | CTL_ENABLE, 0))
		printf("# %s: PPIN_CTL=3 was accepted and set the lock bit: the checks below that "
		       "need an unlocked PPIN_CTL fail with it\n", p->name);
	wr_rd(nm(p, "ctl-enable"), p->ctl, CTL_ENABLE);
	if (o) {
		rd_eq(nm2(p, o, "ctl-after-enable"), o->ctl, o_ctl);
		rd_gp(nm2(p, o, "ppin-gp-after-enable"), o->ppin);
	}
	rd_eq(nm(p, "ppin-value"), p->ppin, value);
	wr_gp(nm(p, "ppin-write-gp"), p->ppin, value ^ 1);
	wr_gp_kept(nm(p, "ctl-enabled-write3-gp"), p->ctl, CTL_LOCK | CTL_ENABLE, CTL_ENABLE);
	wr_rd(nm(p, "ctl-lock"), p->ctl, CTL_LOCK);
	if (o)
		rd_eq(nm2(p, o, "ctl-after-lock"), o->ctl, o_ctl);
	rd_gp(nm(p, "ppin-locked-gp"), p->ppin);
	wr_gp(nm(p, "ctl-locked-write0-gp"), p->ctl, 0);
	wr_gp(nm(p, "ctl-locked-write1-gp"), p->ctl, CTL_LOCK);
	wr_gp(nm(p, "ctl-locked-write2-gp"), p->ctl, CTL_ENABLE);
	wr_gp(nm(p, "ctl-locked-write3-gp"), p->ctl, CTL_LOCK | CTL_ENABLE);
	rd_eq(nm(p, "ctl-locked-kept"), p->ctl, CTL_LOCK);
}

#define CHECKS_WITHOUT 4
static void check_without(const struct ppin_msrs *p)
{
	rd_gp(nm(p, "absent-ctl-read-gp"), p->ctl);
	rd_gp(nm(p, "absent-ppin-read-gp"), p->ppin);
	wr_gp(nm(p, "absent-ctl-write-gp"), p->ctl, CTL_ENABLE);
	wr_gp(nm(p, "absent-ppin-write-gp"), p->ppin, 0);
}

/* ---- init=check: the AP through INIT-SIPI (xAPIC ICR) ---- */
#define MSR_APIC_BASE 0x1b
#define APIC_SVR 0x0f0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SVR_ENABLE (1u << 8)
#define ICR_BUSY (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_INIT (5u << 8)
#define ICR_SIPI (6u << 8)
#define AP_ID 1			/* -smp 2 and up: the BSP is APIC ID 0 */
#define INIT_DELAY 10000000ull	/* TSC ticks (the MP protocol's 10 ms, roughly) */
#define AP_TIMEOUT (1ull << 34)	/* TSC ticks: seconds at any host frequency */

static volatile uint32_t *apic;
static volatile struct ap_data *const ap = (struct ap_data *)(AP_TRAMP + AP_DATA);

static void delay(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		asm volatile("pause");
}

static void send_ipi(uint32_t icr)
{
	apic[APIC_ICR_HI / 4] = AP_ID << 24;
	apic[APIC_ICR_LO / 4] = icr;
	while (apic[APIC_ICR_LO / 4] & ICR_BUSY)
		asm volatile("pause");
}

static void ap_setup(void)
{
	apic = (uint32_t *)(uint32_t)(rdmsr(MSR_APIC_BASE) & 0xfffff000);
	apic[APIC_SVR / 4] |= APIC_SVR_ENABLE;
	memcpy((void *)AP_TRAMP, ppin_ap_start, ppin_ap_end - ppin_ap_start);
}

/*
 * INIT the AP, then start it in ppin_ap.S with one SIPI (QEMU and KVM need no second one);
 * the check @name fails and ends the test if it does not answer.
 */
static void ap_run(const char *name, uint32_t mode, const struct ppin_msrs *p, uint32_t wval)
{
	uint64_t t0;

	ap->mode = mode;
	ap->ctl_msr = p->ctl;
	ap->ppin_msr = p->ppin;
	ap->wval = wval;
	ap->ctl = ap->ctl_after = ap->ppin = 0xdeadbeefdeadbeefull;
	ap->status = 0;
	send_ipi(ICR_INIT | ICR_ASSERT);
	delay(INIT_DELAY);
	send_ipi(ICR_SIPI | ICR_ASSERT | (AP_TRAMP >> 12));
	t0 = rdtsc();
	while (!ap->status) {
		if (rdtsc() - t0 > AP_TIMEOUT)
			fatal(name, "no answer from the AP (APIC ID %u) after INIT-SIPI: "
			      "init=check needs -smp 2 or more", AP_ID);
		asm volatile("pause");
	}
}

/* "wrmsr MSR=VAL ok, read back got=..." or "wrmsr MSR=VAL #GP" after an AP_WRITE round */
static const char *ap_write_result(void)
{
	static char buf[96];

	if (ap->status == AP_DONE)
		snprintf(buf, sizeof(buf), "wrmsr 0x%x=0x%x ok, read back got=0x%llx", ap->ctl_msr,
			 ap->wval, ap->ctl_after);
	else
		snprintf(buf, sizeof(buf), "wrmsr 0x%x=0x%x #GP", ap->ctl_msr, ap->wval);
	return buf;
}

#define CHECKS_INIT 5
static void check_init(const struct ppin_msrs *p, uint64_t value)
{
	const char *name;

	name = nm(p, "init-ap-enable");
	ap_run(name, AP_WRITE, p, CTL_ENABLE);
	check(name, ap->status == AP_DONE && ap->ctl == 0 && ap->ctl_after == CTL_ENABLE,
	      "AP: rdmsr 0x%x got=0x%llx want=0x0, %s want=0x2", p->ctl, ap->ctl,
	      ap_write_result());

	name = nm(p, "init-ctl-kept");
	ap_run(name, AP_READ, p, 0);
	check(name, ap->ctl == CTL_ENABLE, "AP after INIT: rdmsr 0x%x got=0x%llx want=0x2",
	      p->ctl, ap->ctl);
	if (ap->status == AP_DONE)
		check(nm(p, "init-ppin-value"), ap->ppin == value,
		      "AP after INIT: rdmsr 0x%x got=0x%llx want=0x%llx", p->ppin, ap->ppin, value);
	else
		check(nm(p, "init-ppin-value"), false, "AP after INIT: rdmsr 0x%x #GP want=0x%llx",
		      p->ppin, value);

	name = nm(p, "init-ap-lock");
	ap_run(name, AP_WRITE, p, CTL_LOCK);
	check(name, ap->status == AP_DONE && ap->ctl_after == CTL_LOCK,
	      "AP: rdmsr 0x%x got=0x%llx, %s want=0x1", p->ctl, ap->ctl, ap_write_result());

	name = nm(p, "init-lock-kept");
	ap_run(name, AP_READ, p, 0);
	if (ap->status == AP_GP)
		check(name, ap->ctl == CTL_LOCK, "AP after INIT: rdmsr 0x%x got=0x%llx want=0x1, "
		      "rdmsr 0x%x #GP want=#GP", p->ctl, ap->ctl, p->ppin);
	else
		check(name, false, "AP after INIT: rdmsr 0x%x got=0x%llx want=0x1, rdmsr 0x%x "
		      "got=0x%llx want=#GP", p->ctl, ap->ctl, p->ppin, ap->ppin);
}

int main(const char *cmdline)
{
	char mode[16], vendor[13], cpuid_mode[8] = "check", init_mode[8] = "";
	uint64_t value = 0;
	uint32_t max_basic, max_ext, bit_intel = 0, bit_amd = 0;
	bool want_intel, want_amd, both, init;
	int with;
	struct cpuid r;

	(void)cmdline;
	param_str_required("ppin", mode, sizeof(mode));
	both = !strcmp(mode, "both");
	want_intel = both || !strcmp(mode, "intel");
	want_amd = both || !strcmp(mode, "amd");
	if (!want_intel && !want_amd && strcmp(mode, "off"))
		fatal("param.ppin", "ppin=%s, want intel|amd|both|off", mode);
	if (want_intel || want_amd)
		value = param_u64_required("value");
	if (param_str("cpuid", cpuid_mode, sizeof(cpuid_mode)) && strcmp(cpuid_mode, "skip") &&
	    strcmp(cpuid_mode, "check"))
		fatal("param.cpuid", "cpuid=%s, want check|skip", cpuid_mode);
	init = param_str("init", init_mode, sizeof(init_mode));
	if (init && strcmp(init_mode, "check"))
		fatal("param.init", "init=%s, want check", init_mode);
	if (init && !want_intel && !want_amd)
		fatal("param.init", "init=check needs ppin=intel|amd|both");

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

	with = init ? CHECKS_INIT : CHECKS_WITH + (both ? CHECKS_OTHER : 0);
	plan(2 + (want_intel ? with : CHECKS_WITHOUT) + (want_amd ? with : CHECKS_WITHOUT));

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

	if (init)
		ap_setup();
	if (!want_intel)
		check_without(&intel_msrs);
	else if (init)
		check_init(&intel_msrs, value);
	else	/* with both, AMD's PPIN_CTL is still 0 */
		check_with(&intel_msrs, value, both ? &amd_msrs : NULL, 0);
	if (!want_amd)
		check_without(&amd_msrs);
	else if (init)
		check_init(&amd_msrs, value);
	else	/* with both, Intel's PPIN_CTL is locked: 1 */
		check_with(&amd_msrs, value, both ? &intel_msrs : NULL, CTL_LOCK);

	report_end();
}
