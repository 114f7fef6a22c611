/* Library shared by the bare-metal test guests: serial, printf, exceptions, parameters,
 * result protocol, x86 helpers.  Freestanding, 32-bit, no libc. */
#ifndef BM_H
#define BM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))

#define GP_VECTOR 13
#define UD_VECTOR 6

/* ---- port I/O ---- */
static inline void outb(uint8_t v, uint16_t port)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outl(uint32_t v, uint16_t port)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* ---- x86 ---- */
struct cpuid {
	uint32_t a, b, c, d;
};

static inline struct cpuid cpuid_indexed(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid r;
	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "0"(leaf), "2"(subleaf));
	return r;
}
static inline struct cpuid cpuid(uint32_t leaf)
{
	return cpuid_indexed(leaf, 0);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* rdmsr/wrmsr that must not fault: an unexpected #GP ends the test as a failure. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

/* Return 0, or the vector of the exception the access raised (13 for #GP). */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

/* ---- exceptions (desc.c) ---- */
/*
 * Recovery points, as kvm-unit-tests' exception tables: an instruction at label 1 that may
 * fault resumes at label 2, and the vector is left in exception_vector().  Use
 *	asm volatile(EX_TRY("rdmsr") ...);
 * after calling exception_clear().
 */
#define EX_TRY(insn)                                  \
	"1: " insn "\n\t"                             \
	"2:\n\t"                                      \
	".pushsection .ex_table, \"a\"\n\t"           \
	".long 1b, 2b\n\t"                            \
	".popsection\n\t"

void exception_clear(void);
int exception_vector(void);
uint32_t exception_error_code(void);
void setup_idt(void);

/* ---- serial (serial.c) ---- */
void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
bool serial_rx_ready(void);
int serial_getc(void);		/* blocks until a byte arrives */
void serial_drain(void);	/* discard pending input */

/* ---- printf (printf.c): %s %c %d %u %x %lx %llx %llu %lld %p, flags 0 and widths ---- */
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ---- string helpers (param.c) ---- */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* ---- parameters from the multiboot command line (param.c) ---- */
void params_init(uint32_t mb_magic, const void *mb_info);
const char *cmdline(void);
/* Parse a u64 (0x-prefixed hex or decimal); true on success. */
bool parse_u64(const char *s, size_t len, uint64_t *val);
/* key=value lookups; false when the key is absent. */
bool param_str(const char *key, char *buf, size_t size);
bool param_u64(const char *key, uint64_t *val);
/* Absent: report a FAIL check "param.<key>" and end the test. Malformed: likewise. */
uint64_t param_u64_required(const char *key);
void param_str_required(const char *key, char *buf, size_t size);
/* Comma-separated u64 list; returns the count (0 when absent), fails the test if malformed. */
int param_u64_list(const char *key, uint64_t *vals, int max);

/* ---- result protocol (report.c) ---- */
/*
 *	KVMPORT-PLAN <n>
 *	KVMPORT-CHECK <name> PASS|FAIL|SKIP <detail>
 *	KVMPORT-END
 * names are [a-z0-9._-]+; the exit status (isa-debug-exit) is fail if any check failed
 * or the number of checks differs from the plan.
 */
void plan(int n);
bool check(const char *name, bool pass, const char *fmt, ...) __printf(3, 4);

/* lib/msrcheck.c: one check() each */
void rd_eq(const char *name, uint32_t msr, uint64_t want);
void rd_gp(const char *name, uint32_t msr);
void wr_gp(const char *name, uint32_t msr, uint64_t val);
void wr_rd(const char *name, uint32_t msr, uint64_t val);
void skip(const char *name, const char *fmt, ...) __printf(2, 3);
void bench(const char *fmt, ...) __printf(1, 2);	/* KVMPORT-BENCH <text> */
void ready(const char *fmt, ...) __printf(1, 2);	/* KVMPORT-READY <text> */
void __noreturn report_end(void);			/* KVMPORT-END and exit */
void __noreturn fatal(const char *name, const char *fmt, ...) __printf(2, 3);
void __noreturn exit_guest(int fail);

/* Provided by each guest. */
int main(const char *cmdline);

#endif
