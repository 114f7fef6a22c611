/*
 * intloop.elf: the x86 side of the TCG benchmark (build-scripts/bench.sh, which
 * compares it with the same loop on qemu-system-sw64): per iteration an add, a compare,
 * a store, a load, a decrement and a conditional branch, 6 instructions.
 *
 * Parameters (-append):
 *   iters=<n>        iterations (required, 1 to 2^32 - 1)
 *
 * When the loop ends it writes INTLOOP_DONE (0x600dd00e) to physical INTLOOP_DONE_ADDR
 * (0x7000), where the benchmark polls for it, then reports its one check.
 */
#include "bm.h"

#define INTLOOP_DONE_ADDR 0x7000
#define INTLOOP_DONE 0x600dd00eu

int main(const char *cmdline)
{
	static uint32_t buf[2];
	uint64_t iters = 0;
	uint32_t n, acc = 0, tmp;

	(void)cmdline;
	plan(1);
	if (!param_u64("iters", &iters) || !iters || iters > 0xffffffffull)
		fatal("param.iters", "iters=%llu: 1 to 2^32 - 1 needed", iters);
	n = iters;
	asm volatile("1:\n\t"
		     "add %%ebx, %%eax\n\t"
		     "cmp %%ecx, %%eax\n\t"
		     "mov %%eax, (%%esi)\n\t"
		     "mov 4(%%esi), %%edx\n\t"
		     "dec %%edi\n\t"
		     "jnz 1b"
		     : "+a"(acc), "+D"(n), "=d"(tmp)
		     : "b"(3), "c"(0x1000), "S"(buf)
		     : "memory", "cc");
	*(volatile uint32_t *)INTLOOP_DONE_ADDR = INTLOOP_DONE;
	check("intloop", acc == (uint32_t)(iters * 3), "iters=%llu sum=%u", iters, acc);
	return 0;
}
