/*
 * MSR checks shared by the guests: each reports one check() named @name.
 */
#include "bm.h"

/* rdmsr @msr gives @want */
void rd_eq(const char *name, uint32_t msr, uint64_t want)
{
	uint64_t v;
	int vec = rdmsr_safe(msr, &v);

	if (vec)
		check(name, false, "rdmsr 0x%x vector=%d want=0x%llx", msr, vec, want);
	else
		check(name, v == want, "rdmsr 0x%x got=0x%llx want=0x%llx", msr, v, want);
}

/* rdmsr @msr raises #GP */
void rd_gp(const char *name, uint32_t msr)
{
	uint64_t v;
	int vec = rdmsr_safe(msr, &v);

	if (vec)
		check(name, vec == GP_VECTOR, "rdmsr 0x%x vector=%d want=%d", msr, vec, GP_VECTOR);
	else
		check(name, false, "rdmsr 0x%x got=0x%llx want=#GP", msr, v);
}

/* wrmsr @msr=@val raises #GP */
void wr_gp(const char *name, uint32_t msr, uint64_t val)
{
	int vec = wrmsr_safe(msr, val);

	if (vec)
		check(name, vec == GP_VECTOR, "wrmsr 0x%x=0x%llx vector=%d want=%d", msr, val, vec,
		      GP_VECTOR);
	else
		check(name, false, "wrmsr 0x%x=0x%llx accepted, want=#GP", msr, val);
}

/* wrmsr @msr=@val is accepted and reads back @val */
void wr_rd(const char *name, uint32_t msr, uint64_t val)
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
