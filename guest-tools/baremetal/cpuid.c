/*
 * cpuid.elf: one CPUID register against an expected value. The harness uses it to find
 * out whether a host's KVM shows the guest QEMU's CPUID (e.g. leaf 7 EBX of -cpu qemu64
 * is 0) or the host's own.
 *
 * Parameters (-append):
 *   leaf=<n>         the CPUID leaf (required)
 *   subleaf=<n>      the subleaf (default 0)
 *   reg=a|b|c|d      the register (required)
 *   want=<n>         its expected value (required)
 */
#include "bm.h"

int main(const char *cmdline)
{
	uint64_t leaf, subleaf = 0, want;
	char reg[4];
	struct cpuid r;
	uint32_t got;

	(void)cmdline;
	leaf = param_u64_required("leaf");
	param_u64("subleaf", &subleaf);
	param_str_required("reg", reg, sizeof(reg));
	want = param_u64_required("want");
	r = cpuid_indexed(leaf, subleaf);
	switch (reg[0]) {
	case 'a': got = r.a; break;
	case 'b': got = r.b; break;
	case 'c': got = r.c; break;
	case 'd': got = r.d; break;
	default: fatal("param.reg", "reg=%s, want a|b|c|d", reg);
	}
	plan(1);
	check("cpuid", got == want, "leaf=0x%llx subleaf=0x%llx e%sx got=0x%x want=0x%llx", leaf,
	      subleaf, reg, got, want);
	report_end();
}
