/* Shared part of rdmsr/wrmsr: see msr.c for what differs from msr-tools 1.3. */
#ifndef MSR_H
#define MSR_H

#include <stdint.h>

#define MSR_VERSION "msr-tools-1.3"
#define MSR_MAX_CPU 5119

extern const char *msr_tool;	/* "rdmsr" or "wrmsr": prefix of messages */
extern const char *msr_argv0;	/* argv[0]: usage and --version, as msr-tools */

struct msr_lopt {
	const char *name;
	char has_arg;
	char val;
};

/* glibc-compatible getopt_long (same permutation, abbreviations, messages) */
struct msr_getopt {
	int argc, i, npos, dashdash;
	char **argv;		/* non-options end up in argv[1..npos] */
	const char *cluster;	/* rest of a "-abc" cluster */
	const char *arg;	/* argument of the option returned */
};
void msr_getopt_init(struct msr_getopt *g, int argc, char **argv);
int msr_getopt_next(struct msr_getopt *g, const char *shortopts,
		    const struct msr_lopt *lopts);

int msr_parse_cpu(const char *s);	/* -p N; -1 when invalid */
uint32_t msr_parse_reg(const char *s);	/* number or name; exits 127 */
void msr_list(void);			/* --list */
void msr_version(void);			/* -V: exits 0 */

/* Opens CPU cpu's node; in all-CPU mode returns -1 for a CPU to skip
 * (ENXIO). Other failures print msr-tools' message and exit. */
int msr_open_cpu(int cpu, int flags, int all);
/* Calls fn(cpu, 0, ctx) for CPU cpu or, for cpu -1 (-a), fn(N, 1, ctx) for every CPU
 * under the device directory in ascending order; with no CPU there at all, fn(0, 0, ctx)
 * so that CPU 0's open prints msr-tools' message. */
void msr_for_each_cpu(int cpu, void (*fn)(int cpu, int all, void *ctx), void *ctx);
void msr_perror(const char *what, int err);	/* "<tool>: what: <glibc text>" */

#endif
