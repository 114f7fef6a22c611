/* IDT for the 32 exceptions, and recovery points for instructions expected to fault. */
#include "bm.h"

struct ex_regs {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	uint32_t vector, error_code;
	uint32_t eip, cs, eflags;
};

struct ex_entry {
	uint32_t fault_eip, resume_eip;
};

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

extern const uint32_t exc_stubs[32];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static struct idt_gate idt[32] __attribute__((aligned(8)));
static volatile int last_vector;
static volatile uint32_t last_error_code;

void setup_idt(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint32_t)idt };

	for (int i = 0; i < 32; i++) {
		idt[i].off_lo = exc_stubs[i] & 0xffff;
		idt[i].off_hi = exc_stubs[i] >> 16;
		idt[i].sel = 0x08;
		idt[i].zero = 0;
		idt[i].type = 0x8e;	/* present, DPL 0, 32-bit interrupt gate */
	}
	asm volatile("lidt %0" : : "m"(desc));
}

void exception_clear(void)
{
	last_vector = 0;
	last_error_code = 0;
}

int exception_vector(void)
{
	return last_vector;
}

uint32_t exception_error_code(void)
{
	return last_error_code;
}

void exception_handler(struct ex_regs *regs);
void exception_handler(struct ex_regs *regs)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->fault_eip == regs->eip) {
			last_vector = regs->vector;
			last_error_code = regs->error_code;
			regs->eip = e->resume_eip;
			return;
		}
	}
	printf("\nKVMPORT-CHECK unexpected-exception FAIL vector=%u eip=0x%08x error=0x%x\n",
	       regs->vector, regs->eip, regs->error_code);
	exit_guest(1);
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	exception_clear();
	asm volatile(EX_TRY("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return exception_vector();
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	exception_clear();
	asm volatile(EX_TRY("wrmsr")
		     : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
	return exception_vector();
}
