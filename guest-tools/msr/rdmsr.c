/*
 * rdmsr: read a model-specific register through /dev/cpu/N/msr.
 * Same options, output and exit codes as msr-tools 1.3; see msr.c for the
 * deliberate differences.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "msr.h"

enum { HEX = 1, DEC, OCT, RAW, UNS, CHX, MASK = 0x0f, FILL = 0x40, CLANG = 0x80 };

/* decimal digits of the largest n-bit number */
static const unsigned char decdigits[65] = {
	1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7,
	7, 8, 8, 8, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 12, 12, 12, 13, 13,
	13, 13, 14, 14, 14, 15, 15, 15, 16, 16, 16, 16, 17, 17, 17, 18, 18,
	18, 19, 19, 19, 19, 20
};

static const struct msr_lopt lopts[] = {
	{ "help", 0, 'h' },
	{ "version", 0, 'V' },
	{ "hexadecimal", 0, 'x' },
	{ "capital-hexadecimal", 0, 'X' },
	{ "decimal", 0, 'd' },
	{ "signed-decimal", 0, 'd' },
	{ "unsigned-decimal", 0, 'u' },
	{ "octal", 0, 'o' },
	{ "c-language", 0, 'c' },
	{ "zero-fill", 0, '0' },
	{ "zero-pad", 0, '0' },
	{ "raw", 0, 'r' },
	{ "all", 0, 'a' },
	{ "processor", 1, 'p' },
	{ "cpu", 1, 'p' },
	{ "bitfield", 1, 'f' },
	{ "list", 0, 'L' },
	{ NULL, 0, 0 }
};

static int mode = HEX;
static unsigned highbit = 63, lowbit;

static void usage(int status)
{
	fprintf(stderr,
		"Usage: %s [options] regno\n"
		"  --help         -h  Print this help\n"
		"  --version      -V  Print current version\n"
		"  --hexadecimal  -x  Hexadecimal output (lower case)\n"
		"  --capital-hex  -X  Hexadecimal output (upper case)\n"
		"  --decimal      -d  Signed decimal output\n"
		"  --unsigned     -u  Unsigned decimal output\n"
		"  --octal        -o  Octal output\n"
		"  --c-language   -c  Format output as a C language constant\n"
		"  --zero-pad     -0  Output leading zeroes\n"
		"  --raw          -r  Raw binary output\n"
		"  --all          -a  all processors\n"
		"  --processor #  -p  Select processor number (default 0)\n"
		"  --bitfield h:l -f  Output bits [h:l] only\n"
		"  --list             List the register names (regno: number or name)\n"
		"Environment: MSR_CPU_DIR  device directory (default /dev/cpu)\n",
		msr_argv0);
	exit(status);
}

/* sscanf(s, "%u:%u", h, l) == 2, without pulling in musl's scanf */
static int parse_u(const char **s, unsigned *v)
{
	const char *p = *s;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)p[*p == '+' || *p == '-']))
		return 0;
	*v = (unsigned)strtoul(p, &end, 10);
	*s = end;
	return 1;
}

static int parse_bitfield(const char *s, unsigned *h, unsigned *l)
{
	return parse_u(&s, h) && *s++ == ':' && parse_u(&s, l);
}

static void print(uint64_t data)
{
	unsigned bits = highbit - lowbit + 1;
	const char *pat = NULL;
	int width = 1;
	unsigned i;

	if (bits < 64) {
		data >>= lowbit;
		data &= (1ULL << bits) - 1;
	}
	switch (mode & MASK) {
	case DEC:	/* msr-tools' sign handling, kept as is */
		if (data & (1ULL << (bits - 1))) {
			data &= ~(1ULL << (bits - 1));
			data = -data;
		}
		break;
	case RAW:
		if (!(mode & CLANG)) {
			fwrite(&data, sizeof data, 1, stdout);
			return;
		}
		for (i = 0; i < sizeof data; i++)
			printf("%s0x%02x", i ? "," : "{",
			       (unsigned)((data >> (8 * i)) & 0xff));
		printf("}\n");
		return;
	}
	switch (mode) {
	case HEX: pat = "%*llx\n"; break;
	case CHX: pat = "%*llX\n"; break;
	case DEC:
	case DEC | CLANG:
	case DEC | FILL | CLANG: pat = "%*lld\n"; break;
	case UNS: pat = "%*llu\n"; break;
	case OCT: pat = "%*llo\n"; break;
	case HEX | CLANG: pat = "0x%*llx\n"; break;
	case CHX | CLANG: pat = "0x%*llX\n"; break;
	case OCT | CLANG: pat = "0%*llo\n"; break;
	case UNS | CLANG:
	case UNS | FILL | CLANG: pat = "%*lluU\n"; break;
	case HEX | FILL: pat = "%0*llx\n"; width = (bits + 3) / 4; break;
	case CHX | FILL: pat = "%0*llX\n"; width = (bits + 3) / 4; break;
	case DEC | FILL: pat = "%0*lld\n"; width = decdigits[bits - 1] + 1; break;
	case UNS | FILL: pat = "%0*llu\n"; width = decdigits[bits]; break;
	case OCT | FILL: pat = "%0*llo\n"; width = (bits + 2) / 3; break;
	case HEX | FILL | CLANG: pat = "0x%0*llx\n"; width = (bits + 3) / 4; break;
	case CHX | FILL | CLANG: pat = "0x%0*llX\n"; width = (bits + 3) / 4; break;
	case OCT | FILL | CLANG: pat = "0%0*llo\n"; width = (bits + 2) / 3; break;
	}
	if (pat)
		printf(pat, width, (unsigned long long)data);
}

static void rdmsr_on_cpu(int cpu, int all, void *ctx)
{
	uint32_t reg = *(const uint32_t *)ctx;
	uint64_t data;
	int fd = msr_open_cpu(cpu, O_RDONLY, all);

	if (fd < 0)
		return;
	if (pread(fd, &data, sizeof data, reg) != sizeof data) {
		if (errno == EIO) {
			fprintf(stderr, "rdmsr: CPU %d cannot read MSR 0x%08x\n",
				cpu, (unsigned)reg);
			exit(4);
		}
		msr_perror("pread", errno);
		exit(127);
	}
	close(fd);
	print(data);
}

int main(int argc, char *argv[])
{
	struct msr_getopt g;
	uint32_t reg;
	int c, cpu = 0;

	msr_tool = "rdmsr";
	msr_argv0 = argv[0];
	msr_getopt_init(&g, argc, argv);
	while ((c = msr_getopt_next(&g, "hVxXdoruc0ap:f:", lopts)) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 'V': msr_version(); break;
		case 'L': msr_list(); break;
		case 'x': mode = (mode & ~MASK) | HEX; break;
		case 'X': mode = (mode & ~MASK) | CHX; break;
		case 'o': mode = (mode & ~MASK) | OCT; break;
		case 'd': mode = (mode & ~MASK) | DEC; break;
		case 'r': mode = (mode & ~MASK) | RAW; break;
		case 'u': mode = (mode & ~MASK) | UNS; break;
		case 'c': mode |= CLANG; break;
		case '0': mode |= FILL; break;
		case 'a': cpu = -1; break;
		case 'p':
			cpu = msr_parse_cpu(g.arg);
			if (cpu < 0)
				usage(127);
			break;
		case 'f':
			if (!parse_bitfield(g.arg, &highbit, &lowbit) ||
			    highbit > 63 || lowbit > highbit)
				usage(127);
			break;
		default:
			usage(127);
		}
	}
	if (g.npos != 1)
		usage(127);
	reg = msr_parse_reg(argv[1]);

	msr_for_each_cpu(cpu, rdmsr_on_cpu, &reg);
	return 0;
}
