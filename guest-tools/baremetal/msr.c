/*
 * msr.elf: MSR 0x35 (MSR_CORE_THREAD_COUNT) and expected-#GP / no-#GP MSRs.
 *
 * Parameters (-append):
 *   expect35=<n>        required: the value of MSR 0x35, cores << 16 | threads, where
 *                       cores are the cores per package and threads the logical processors
 *                       per package (cores * threads per core).  QEMU computes
 *                       nr_cores << 16 | nr_cores * nr_threads, so -smp 2 gives 0x20002 and
 *                       -smp 4,cores=2,threads=2 gives 0x20004, not 0x40004 (measured: TCG
 *                       and KVM agree).
 *   gp=<msr,msr,...>    MSRs whose rdmsr must raise #GP (vector 13); one check each
 *   nogp=<msr,...>      MSRs whose rdmsr must not fault; one check each
 *
 * Choosing gp= per accelerator:
 *   Upstream TCG (helper_rdmsr) returns 0 for every MSR it does not know instead of
 *   raising #GP ("XXX: exception?"); it faults only for the x2APIC range 0x800-0x8ff
 *   while the vCPU is not in x2APIC mode.  KVM injects #GP for every MSR it does not
 *   handle (with the default kvm.ignore_msrs=N; with ignore_msrs=Y it reads 0 as well).
 *   So a harness passes
 *     both accelerators:  gp=0x802            x2APIC ID register, x2APIC mode off
 *     KVM only:           gp=0x802,0x1234     0x1234 is no MSR at all: #GP under KVM,
 *                                             0 under TCG (and stays so)
 *     both:               nogp=0x1b,0x10      APIC base, TSC (TCG reads 0x10 as 0)
 *   i.e. derive gp= from the accelerator, never from what the guest saw.
 *   Measured here (AMD EPYC host, kvm-pvm, QEMU 10.0.2 + this stack): 0x1234, 0x4e, 0x4f,
 *   0xc00102f0, 0xc00102f1 #GP under KVM; under upstream TCG all of them read 0.  With the
 *   PPIN patch TCG #GPs the PPIN MSRs of a vCPU without the feature (and 0x4f/0xc00102f1
 *   while PPIN_CTL is disabled), so those belong to ppin.elf, not to gp= here.
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
