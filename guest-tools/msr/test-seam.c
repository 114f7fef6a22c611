/*
 * Link seam for the host tests only: linked into $(O)/test/rdmsr and
 * $(O)/test/wrmsr with -Wl,--wrap=open,--wrap=pread,--wrap=pwrite, never into
 * the shipped binaries. It makes regular files behave like the msr driver's
 * error cases, which a regular file cannot produce:
 *
 *   MSR_FAKE_EIO=0x4f,0x4e    pread/pwrite at these offsets fail with EIO
 *                             (the MSR raised #GP)
 *   MSR_FAKE_ENXIO=5,9        opening CPU 5's or 9's node fails with ENXIO
 *   MSR_FAKE_OPEN_EIO=2       opening CPU 2's node fails with EIO (no MSRs)
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int __real_open(const char *path, int flags, ...);
ssize_t __real_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);

/* is v in the comma-separated list of numbers in environment variable var? */
static int listed(const char *var, unsigned long long v)
{
	const char *s = getenv(var);
	char *end;

	while (s && *s) {
		if (strtoull(s, &end, 0) == v && end != s)
			return 1;
		if (end == s)
			break;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

int __wrap_open(const char *path, int flags, ...)
{
	size_t len = strlen(path);
	const char *p;
	va_list ap;
	int mode;

	/* ".../N/msr": N is the CPU */
	if (len > 5 && !strcmp(path + len - 4, "/msr")) {
		for (p = path + len - 4; p > path && p[-1] != '/'; p--)
			;
		if (p < path + len - 4) {
			unsigned long cpu = strtoul(p, NULL, 10);

			if (listed("MSR_FAKE_ENXIO", cpu)) {
				errno = ENXIO;
				return -1;
			}
			if (listed("MSR_FAKE_OPEN_EIO", cpu)) {
				errno = EIO;
				return -1;
			}
		}
	}
	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	return __real_open(path, flags, mode);
}

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
	if (listed("MSR_FAKE_EIO", (unsigned long long)off)) {
		errno = EIO;
		return -1;
	}
	return __real_pread(fd, buf, n, off);
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (listed("MSR_FAKE_EIO", (unsigned long long)off)) {
		errno = EIO;
		return -1;
	}
	return __real_pwrite(fd, buf, n, off);
}
