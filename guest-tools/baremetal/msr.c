/*
 * msr.elf: MSR 0x35 (MSR_CORE_THREAD_COUNT) and expected-#GP / no-#GP MSRs.
 *
 * Parameters (-append):
 *   expect35=<n>        required: the value of MSR 0x35, cores << 16 | threads, where
 *                       "cores" are the cores per package and "threads" the logical
 *                       processors per package (cores * threads-per-core).  QEMU computes
 *                       nr_cores << 16 | nr_cores * nr_threads, e.g. -smp 2 gives 0x10002?
 *                       no: -smp 2 is 2 cores of 1 thread = 0x20002, and
 *                       -smp 4,cores=2,threads=2 is 0x20004 (measured, TCG and KVM).
 *   gp=<msr,msr,...>    MSRs whose rdmsr must raise #GP (vector 13)
 *   nogp=<msr,...>      MSRs whose rdmsr must not fault
 *
 * Choosing gp= per accelerator.  Upstream TCG (helper_rdmsr) returns 0 for every MSR it
 * does not know instead of raising #GP; it faults only for the x2APIC range 0x800-0x8ff
 * while the vCPU is not in x2APIC mode.  KVM injects #GP for every MSR it does not
 * handle (with the default kvm.ignore_msrs=N; with ignore_msrs=Y it returns 0 too).
 * So a harness should pass:
 *   both accelerators:  gp=0x802        (x2APIC ID register, x2APIC not enabled)
 *   KVM only:           gp=0x802,0x4f   (MSR_PPIN, unknown to KVM and, before the PPIN
 *                                        patch, to QEMU: TCG reads it as 0)
 *   nogp=0x1b,0x10 works for both (APIC base, TSC).
 * Measured here (AMD EPYC host, QEMU 10.0.2 + stack): 0x4f and 0x4e #GP under KVM and
 * read as 0 under TCG.  Once QEMU implements PPIN, 0x4f still #GPs while PPIN_CTL is
 * disabled, and 0x4e #GPs when the vCPU has no PPIN; 0x1234 (no such MSR) stays a KVM-only
 * #GP forever.
 */
#include "bm.h"

#define MSR_CORE_THREAD_COUNT 0x35
#define MAX_MSRS 32

int main(const char *cmdline)
{
	uint64_t expect35, gp[MAX_MSRS], nogp[MAX_MSRS], val;
	int ngp, nnogp, vec;
	char name[48];

	(void)cmdline;
	expect35 = param_u64_required("expect35");
	ngp = param_u64_list("gp", gp, MAX_MSRS);
	nnogp = param_u64_list("nogp", nogp, MAX_MSRS);

	plan(1 + ngp + nnogp);

	vec = rdmsr_safe(MSR_CORE_THREAD_COUNT, &val);
	if (vec)
		check("msr35", false, "rdmsr 0x35 raised vector=%d want=0x%llx", vec, expect35);
	else
		check("msr35", val == expect35, "got=0x%llx want=0x%llx (cores=%u threads=%u)",
		      val, expect35, (unsigned)(val >> 16) & 0xffff, (unsigned)val & 0xffff);

	for (int i = 0; i < ngp; i++) {
		snprintf(name, sizeof(name), "gp.0x%llx", gp[i]);
		vec = rdmsr_safe(gp[i], &val);
		if (vec)
			check(name, vec == GP_VECTOR, "rdmsr 0x%llx vector=%d want=%d", gp[i], vec,
			      GP_VECTOR);
		else
			check(name, false, "rdmsr 0x%llx did not fault, read 0x%llx want vector=%d",
			      gp[i], val, GP_VECTOR);
	}

	for (int i = 0; i < nnogp; i++) {
		snprintf(name, sizeof(name), "nogp.0x%llx", nogp[i]);
		vec = rdmsr_safe(nogp[i], &val);
		if (vec)
			check(name, false, "rdmsr 0x%llx raised vector=%d", nogp[i], vec);
		else
			check(name, true, "rdmsr 0x%llx = 0x%llx", nogp[i], val);
	}
	report_end();
}
