/*
 * wrmsr: write a model-specific register through /dev/cpu/N/msr; several
 * values are written in turn. Same options, messages and exit codes as
 * msr-tools 1.3; see msr.c for the deliberate differences.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "msr.h"

static const struct msr_lopt lopts[] = {
	{ "help", 0, 'h' },
	{ "version", 0, 'V' },
	{ "all", 0, 'a' },
	{ "processor", 1, 'p' },
	{ "cpu", 1, 'p' },
	{ "list", 0, 'L' },
	{ NULL, 0, 0 }
};

static void usage(int status)
{
	fprintf(stderr,
		"Usage: %s [options] regno value...\n"
		"  --help         -h  Print this help\n"
		"  --version      -V  Print current version\n"
		"  --all          -a  all processors\n"
		"  --processor #  -p  Select processor number (default 0)\n"
		"  --list             List the register names (regno: number or name)\n"
		"Environment: MSR_CPU_DIR  device directory (default /dev/cpu)\n",
		msr_argv0);
	exit(status);
}

struct wrmsr_args {
	uint32_t reg;
	int n;			/* values, written in turn */
	const uint64_t *val;
};

static void wrmsr_on_cpu(int cpu, int all, void *ctx)
{
	const struct wrmsr_args *a = ctx;
	uint32_t reg = a->reg;
	int n = a->n, fd = msr_open_cpu(cpu, O_WRONLY, all), i;
	const uint64_t *val = a->val;

	if (fd < 0)
		return;
	for (i = 0; i < n; i++) {
		if (pwrite(fd, &val[i], sizeof val[i], reg) == sizeof val[i])
			continue;
		if (errno == EIO) {
			fprintf(stderr, "wrmsr: CPU %d cannot set MSR 0x%08x to 0x%016llx\n",
				cpu, (unsigned)reg, (unsigned long long)val[i]);
			exit(4);
		}
		msr_perror("pwrite", errno);
		exit(127);
	}
	close(fd);
}

int main(int argc, char *argv[])
{
	struct msr_getopt g;
	uint32_t reg;
	uint64_t *val;
	char *end;
	int c, cpu = 0, n, i;

	msr_tool = "wrmsr";
	msr_argv0 = argv[0];
	msr_getopt_init(&g, argc, argv);
	while ((c = msr_getopt_next(&g, "hVap:", lopts)) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 'V': msr_version(); break;
		case 'L': msr_list(); break;
		case 'a': cpu = -1; break;
		case 'p':
			cpu = msr_parse_cpu(g.arg);
			if (cpu < 0)
				usage(127);
			break;
		default:
			usage(127);
		}
	}
	if (g.npos < 2)
		usage(127);
	reg = msr_parse_reg(argv[1]);
	n = g.npos - 1;
	val = malloc(n * sizeof *val);
	if (!val) {
		msr_perror("malloc", ENOMEM);
		return 127;
	}
	for (i = 0; i < n; i++) {
		errno = 0;
		val[i] = strtoull(argv[2 + i], &end, 0);
		if (end == argv[2 + i] || *end || errno) {
			fprintf(stderr, "wrmsr: invalid value '%s' (a number below 2^64)\n",
				argv[2 + i]);
			return 127;
		}
	}

	msr_for_each_cpu(cpu, wrmsr_on_cpu,
			 &(struct wrmsr_args){ .reg = reg, .n = n, .val = val });
	return 0;
}
