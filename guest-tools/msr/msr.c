/*
 * Shared part of rdmsr/wrmsr: register names, number parsing, device path,
 * option parsing and the messages of msr-tools 1.3 (Debian 1.3-5).
 *
 * Output, messages and exit codes are those of Debian's msr-tools 1.3-5
 * (glibc build: getopt and perror texts are glibc's, also in this static
 * musl build), except for these deliberate differences:
 *
 *  1. Registers can be given by name, case-insensitive (`rdmsr efer`,
 *     `wrmsr TSC_AUX 1`); `--list` prints the names, numbers and a short
 *     description and exits 0. `--help` (and the usage printed on errors)
 *     has two more lines: `--list` and MSR_CPU_DIR; `--list` also shows up
 *     in glibc-style "option '--=x' is ambiguous" lists.
 *  2. A register that is neither a number nor a known name exits 127 with
 *     "rdmsr: unknown register 'X' (a number, or a name from --list)" on
 *     stderr (Debian: "Failed to parse register number." on stdout). An
 *     empty register is rejected the same way (Debian reads MSR 0), and so
 *     is a number above 0xffffffff: "rdmsr: register 'X' is out of range
 *     (0..0xffffffff)" (Debian silently truncates it to 32 bits).
 *  3. wrmsr rejects a value that is not a number below 2^64, before writing
 *     anything: "wrmsr: invalid value 'X' (a number below 2^64)", exit 127
 *     (Debian writes 0 for garbage and all-ones on overflow).
 *  4. -a goes through the CPUs in ascending numeric order (Debian: reverse
 *     directory order) and skips CPUs whose node gives ENXIO, as upstream
 *     msr-tools after 1.3 does (Debian 1.3-5 stops: "No CPU N", exit 2).
 *  5. -p accepts CPUs up to 5119 like upstream git (Debian 1.3-5: 255).
 *  6. A missing node: if <dir>/N/msr does not exist while <dir>/0/msr does,
 *     "rdmsr: No CPU N", exit 2. If CPU 0's node is missing too (msr driver
 *     not loaded), msr-tools' "rdmsr: open: No such file or directory" is
 *     followed by "rdmsr: <dir>/N/msr is missing: load the msr driver
 *     (modprobe msr)", exit 127.
 *  7. The device directory is /dev/cpu unless the environment variable
 *     MSR_CPU_DIR names another one (tests, chroots).
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "msr.h"

const char *msr_tool;
const char *msr_argv0;

static const struct {
	const char *name;
	uint32_t reg;
	const char *desc;
} regs[] = {
	{ "tsc", 0x10, "time-stamp counter" },
	{ "apic_base", 0x1b, "local APIC base, enable, x2APIC mode, BSP (bit 8)" },
	{ "core_thread_count", 0x35, "cores (31:16) and threads (15:0), Intel" },
	{ "feature_control", 0x3a, "lock, VMX, SGX enables" },
	{ "spec_ctrl", 0x48, "speculation control (IBRS, STIBP, SSBD)" },
	{ "ppin_ctl", 0x4e, "protected processor inventory number control, Intel" },
	{ "ppin", 0x4f, "protected processor inventory number, Intel" },
	{ "platform_info", 0xce, "platform information (ratios), Intel" },
	{ "mperf", 0xe7, "maximum-frequency clock count" },
	{ "aperf", 0xe8, "actual-frequency clock count" },
	{ "arch_capabilities", 0x10a, "architectural capabilities (vulnerabilities)" },
	{ "misc_enable", 0x1a0, "miscellaneous feature enables, Intel" },
	{ "pat", 0x277, "page attribute table" },
	{ "tsc_deadline", 0x6e0, "local APIC TSC deadline" },
	{ "x2apic_id", 0x802, "x2APIC ID (x2APIC mode only)" },
	{ "efer", 0xc0000080, "extended feature enables (SCE, LME, LMA, NXE, SVME)" },
	{ "star", 0xc0000081, "SYSCALL target, legacy mode" },
	{ "lstar", 0xc0000082, "SYSCALL target, 64-bit mode" },
	{ "fs_base", 0xc0000100, "FS base" },
	{ "gs_base", 0xc0000101, "GS base" },
	{ "kernel_gs_base", 0xc0000102, "SWAPGS value" },
	{ "tsc_aux", 0xc0000103, "TSC auxiliary value (RDTSCP, RDPID)" },
	{ "amd_ppin_ctl", 0xc00102f0, "protected processor inventory number control, AMD" },
	{ "amd_ppin", 0xc00102f1, "protected processor inventory number, AMD" },
};
#define NREGS (sizeof(regs) / sizeof(regs[0]))

void msr_list(void)
{
	unsigned i;

	for (i = 0; i < NREGS; i++)
		printf("%-18s 0x%08x  %s\n", regs[i].name, (unsigned)regs[i].reg,
		       regs[i].desc);
	exit(0);
}

void msr_version(void)
{
	fprintf(stderr, "%s: version %s\n", msr_argv0, MSR_VERSION);
	exit(0);
}

uint32_t msr_parse_reg(const char *s)
{
	unsigned long v;
	char *end;
	unsigned i;

	for (i = 0; i < NREGS; i++)
		if (!strcasecmp(s, regs[i].name))
			return regs[i].reg;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (end == s || *end) {
		fprintf(stderr, "%s: unknown register '%s' (a number, or a name from --list)\n",
			msr_tool, s);
		exit(127);
	}
	if (errno || v > 0xffffffffUL) {
		fprintf(stderr, "%s: register '%s' is out of range (0..0xffffffff)\n",
			msr_tool, s);
		exit(127);
	}
	return (uint32_t)v;
}

int msr_parse_cpu(const char *s)
{
	unsigned long v;
	char *end;

	/* as msr-tools: strtoul base 0, "" is CPU 0 */
	v = strtoul(s, &end, 0);
	if (*end || v > MSR_MAX_CPU)
		return -1;
	return (int)v;
}

/* --- the device directory ---------------------------------------------- */

static const char *cpu_dir(void)
{
	const char *d = getenv("MSR_CPU_DIR");

	return d && *d ? d : "/dev/cpu";
}

static char *node(int cpu)
{
	static char path[2][4096];
	static int k;
	char *p = path[k ^= 1];

	if ((size_t)snprintf(p, sizeof path[0], "%s/%d/msr", cpu_dir(), cpu) >=
	    sizeof path[0]) {
		msr_perror("open", ENAMETOOLONG);
		exit(127);
	}
	return p;
}

/* glibc's texts where musl's differ, so messages match msr-tools' */
void msr_perror(const char *what, int err)
{
	static const struct { int err; const char *text; } glibc[] = {
		{ 0, "Success" },
		{ EIO, "Input/output error" },
		{ ELOOP, "Too many levels of symbolic links" },
		{ ENOMEM, "Cannot allocate memory" },
		{ EBUSY, "Device or resource busy" },
		{ EOVERFLOW, "Value too large for defined data type" },
		{ EMFILE, "Too many open files" },
		{ ENAMETOOLONG, "File name too long" },
	};
	const char *text = strerror(err);
	unsigned i;

	for (i = 0; i < sizeof glibc / sizeof glibc[0]; i++)
		if (glibc[i].err == err)
			text = glibc[i].text;
	fprintf(stderr, "%s: %s: %s\n", msr_tool, what, text);
}

int msr_open_cpu(int cpu, int flags, int all)
{
	char *path = node(cpu);
	int fd = open(path, flags), err = errno;

	if (fd >= 0)
		return fd;
	if (err == ENXIO) {
		if (all)
			return -1;
		fprintf(stderr, "%s: No CPU %d\n", msr_tool, cpu);
		exit(2);
	}
	if (err == EIO) {
		fprintf(stderr, "%s: CPU %d doesn't support MSRs\n", msr_tool, cpu);
		exit(3);
	}
	if (err == ENOENT && cpu != 0 && access(node(0), F_OK) == 0) {
		fprintf(stderr, "%s: No CPU %d\n", msr_tool, cpu);
		exit(2);
	}
	msr_perror("open", err);
	if (err == ENOENT)
		fprintf(stderr, "%s: %s is missing: load the msr driver (modprobe msr)\n",
			msr_tool, path);
	exit(127);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* CPU numbers under the device directory in ascending order, count in *n */
static int *msr_cpus(int *n)
{
	DIR *d = opendir(cpu_dir());
	struct dirent *e;
	int *cpus = NULL, max = 0;
	const char *c;

	*n = 0;
	while (d && (e = readdir(d))) {
		for (c = e->d_name; isdigit((unsigned char)*c); c++)
			;
		if (c == e->d_name || *c || c - e->d_name > 6)
			continue;
		if (*n == max) {
			max = max ? 2 * max : 64;
			cpus = realloc(cpus, max * sizeof *cpus);
			if (!cpus) {
				msr_perror("scandir", ENOMEM);
				exit(127);
			}
		}
		cpus[(*n)++] = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(cpus, *n, sizeof *cpus, cmp_int);
	return cpus;
}

void msr_for_each_cpu(int cpu, void (*fn)(int cpu, int all, void *ctx), void *ctx)
{
	int *cpus, n, i;

	if (cpu >= 0) {
		fn(cpu, 0, ctx);
		return;
	}
	cpus = msr_cpus(&n);
	if (!n)
		fn(0, 0, ctx);
	for (i = 0; i < n; i++)
		fn(cpus[i], 1, ctx);
	free(cpus);
}

/* --- options ----------------------------------------------------------- */

void msr_getopt_init(struct msr_getopt *g, int argc, char **argv)
{
	memset(g, 0, sizeof *g);
	g->argc = argc;
	g->argv = argv;
	g->i = 1;
}

static int long_opt(struct msr_getopt *g, const char *text,
		    const struct msr_lopt *lo)
{
	const char *eq = strchr(text, '=');
	size_t len = eq ? (size_t)(eq - text) : strlen(text);
	int i, found = -1, ambig = 0;
	char mark[32] = { 0 };

	for (i = 0; lo[i].name; i++)
		if (!strncmp(lo[i].name, text, len) && !lo[i].name[len]) {
			found = i;
			break;
		}
	if (found < 0)
		for (i = 0; lo[i].name; i++) {
			if (strncmp(lo[i].name, text, len))
				continue;
			if (found < 0)
				found = i;
			else if (lo[i].has_arg != lo[found].has_arg ||
				 lo[i].val != lo[found].val)
				ambig = mark[found] = mark[i] = 1;
		}
	if (ambig) {
		fprintf(stderr, "%s: option '--%s' is ambiguous; possibilities:",
			msr_argv0, text);
		for (i = 0; lo[i].name; i++)
			if (mark[i])
				fprintf(stderr, " '--%s'", lo[i].name);
		fputc('\n', stderr);
		return '?';
	}
	if (found < 0) {
		fprintf(stderr, "%s: unrecognized option '--%s'\n", msr_argv0, text);
		return '?';
	}
	if (eq && !lo[found].has_arg) {
		fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n",
			msr_argv0, lo[found].name);
		return '?';
	}
	if (lo[found].has_arg) {
		if (eq)
			g->arg = eq + 1;
		else if (g->i < g->argc)
			g->arg = g->argv[g->i++];
		else {
			fprintf(stderr, "%s: option '--%s' requires an argument\n",
				msr_argv0, lo[found].name);
			return '?';
		}
	}
	return lo[found].val;
}

int msr_getopt_next(struct msr_getopt *g, const char *shortopts,
		    const struct msr_lopt *lopts)
{
	const char *a, *p;
	char c;

	while (!g->cluster || !*g->cluster) {
		g->cluster = NULL;
		if (g->i >= g->argc)
			return -1;
		a = g->argv[g->i++];
		if (g->dashdash || a[0] != '-' || !a[1]) {
			g->argv[1 + g->npos++] = (char *)a;
		} else if (a[1] != '-') {
			g->cluster = a + 1;
		} else if (!a[2]) {
			g->dashdash = 1;
		} else {
			return long_opt(g, a + 2, lopts);
		}
	}
	c = *g->cluster++;
	p = c == ':' ? NULL : strchr(shortopts, c);
	if (!p) {
		fprintf(stderr, "%s: invalid option -- '%c'\n", msr_argv0, c);
		return '?';
	}
	if (p[1] == ':') {
		if (*g->cluster)
			g->arg = g->cluster;
		else if (g->i < g->argc)
			g->arg = g->argv[g->i++];
		else {
			fprintf(stderr, "%s: option requires an argument -- '%c'\n",
				msr_argv0, c);
			return '?';
		}
		g->cluster = NULL;
	}
	return c;
}
