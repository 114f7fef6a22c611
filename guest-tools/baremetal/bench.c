/*
 * bench.elf: cycles per rdmsr, e.g. an MSR QEMU serves through KVM's user-space MSR exit
 * (0x35) against ones KVM serves in the kernel (0x1b APIC base, 0x10 TSC).
 *
 * Parameters (-append):
 *   iters=<n>        rdmsr per round (default 10000); 1 warm-up round, then the timed
 *                    rounds, cycles measured with rdtsc around the loop; each round times
 *                    every MSR in turn
 *   rounds=<n>       timed rounds (default 5, at most 1000)
 *   msrs=<list>      MSRs to time (default 0x35,0x1b,0x10); the second is the base of the
 *                    ratios
 *   ppin_ctl=<msr>   first write 2 (enable) to this PPIN_CTL (0x4e or 0xc00102f0), so that
 *                    the PPIN MSR can be timed
 *
 * Output: one check per MSR (PASS: it reads without fault; an MSR that faults is reported
 * as FAIL with its vector and not timed), then
 *   KVMPORT-BENCH msr=0x35 cycles=NNNN iters=N rounds=N   (the fastest round)
 *   KVMPORT-BENCH ratio msr=0x35 base=0x1b x100=NNN min=NNN max=NNN
 * x100 is the median over the rounds of cycles(msr) * 100 / cycles(base) within the same
 * round (min and max its spread): the two loops of a round run back to back, so a host
 * that slows down for a while slows both, where the fastest rounds of the two MSRs may
 * come from different moments (a nested guest under TCG drifts by 10% and more).
 * Under TCG rdtsc counts host ticks, so the numbers are only comparable within one run.
 */
#include "bm.h"

#define MAX_MSRS 16
#define ROUNDS 5
#define MAX_ROUNDS 1000

static uint64_t cycles[MAX_ROUNDS][MAX_MSRS];

static uint64_t time_rdmsr(uint32_t msr, uint32_t iters)
{
	uint64_t t0, t1;

	t0 = rdtsc();
	for (uint32_t i = 0; i < iters; i++) {
		uint32_t lo, hi;

		asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	}
	t1 = rdtsc();
	return t1 - t0;
}

static void sort_u64(uint64_t *v, uint64_t n)
{
	for (uint64_t i = 1; i < n; i++) {
		uint64_t x = v[i], j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* the median of sorted v[0..n-1]; the mean of the middle two for an even n */
static uint64_t median_u64(const uint64_t *v, uint64_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(const char *cmdline)
{
	uint64_t msrs[MAX_MSRS] = { 0x35, 0x1b, 0x10 }, best[MAX_MSRS], iters = 10000, v;
	uint64_t rounds = ROUNDS;
	bool ok[MAX_MSRS];
	int n = 3, vec;
	char name[48];

	(void)cmdline;
	param_u64("iters", &iters);
	if (!iters || iters > 0xffffffffull)
		fatal("param.iters", "iters=%llu out of range", iters);
	param_u64("rounds", &rounds);
	if (!rounds || rounds > MAX_ROUNDS)
		fatal("param.rounds", "rounds=%llu out of range (1-%d)", rounds, MAX_ROUNDS);
	if (param_str("msrs", name, sizeof(name)))
		n = param_u64_list("msrs", msrs, MAX_MSRS);
	if (!n)
		fatal("param.msrs", "empty msrs=");

	if (param_u64("ppin_ctl", &v) && (vec = wrmsr_safe(v, 2)))
		fatal("param.ppin_ctl", "enabling PPIN: wrmsr 0x%llx=2 vector=%d", v, vec);
	plan(n);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench.rdmsr.0x%llx", msrs[i]);
		vec = rdmsr_safe(msrs[i], &v);
		ok[i] = !vec;
		best[i] = ~0ull;
		if (vec)
			check(name, false, "rdmsr 0x%llx vector=%d, not timed", msrs[i], vec);
		else
			check(name, true, "rdmsr 0x%llx = 0x%llx", msrs[i], v);
	}
	/* rounds interleave the MSRs, so that drift of the host hits them alike */
	for (uint64_t r = 0; r <= rounds; r++) {
		for (int i = 0; i < n; i++) {
			uint64_t c;

			if (!ok[i])
				continue;
			c = time_rdmsr(msrs[i], iters);
			if (!r)		/* round 0 warms up */
				continue;
			cycles[r - 1][i] = c;
			if (c < best[i])
				best[i] = c;
		}
	}
	for (int i = 0; i < n; i++) {
		if (ok[i])
			bench("msr=0x%llx cycles=%llu iters=%llu rounds=%llu", msrs[i],
			      best[i] / iters, iters, rounds);
	}
	if (n >= 2 && ok[1]) {
		for (int i = 0; i < n; i++) {
			uint64_t x100[MAX_ROUNDS];

			if (i == 1 || !ok[i])
				continue;
			for (uint64_t r = 0; r < rounds; r++)
				x100[r] = cycles[r][i] * 100 / (cycles[r][1] ? cycles[r][1] : 1);
			sort_u64(x100, rounds);
			bench("ratio msr=0x%llx base=0x%llx x100=%llu min=%llu max=%llu", msrs[i],
			      msrs[1], median_u64(x100, rounds), x100[0], x100[rounds - 1]);
		}
	}
	report_end();
}
