/*
 * LD_PRELOAD shim for kvm-caps-test: pretend the kernel has one more KVM
 * capability, on top of the real /dev/kvm.
 *
 * KVMPORT_SHIM_CAP=N        the capability number to answer for
 * KVMPORT_SHIM_VALUE=V      KVM_CHECK_EXTENSION answer for it (default 1)
 * KVMPORT_SHIM_ENABLE_ERRNO=E  make KVM_ENABLE_CAP of it fail with E
 * KVMPORT_SHIM_LOG=FILE     append one line per intercepted call
 *
 * Every other ioctl goes to the real one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/kvm.h>

int ioctl(int fd, unsigned long request, ...);

static void __attribute__((format(printf, 1, 2)))
shim_log(const char *fmt, ...)
{
    const char *path = getenv("KVMPORT_SHIM_LOG");
    FILE *f;
    va_list ap;

    if (!path || !(f = fopen(path, "a"))) {
        return;
    }
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

int ioctl(int fd, unsigned long request, ...)
{
    static int (*real_ioctl)(int, unsigned long, ...);
    const char *cap_env = getenv("KVMPORT_SHIM_CAP");
    unsigned long cap = cap_env ? strtoul(cap_env, NULL, 0) : 0;
    va_list ap;
    void *arg;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);

    if (!real_ioctl) {
        real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    }
    if (cap_env && request == KVM_CHECK_EXTENSION && (uintptr_t)arg == cap) {
        const char *v = getenv("KVMPORT_SHIM_VALUE");

        shim_log("check cap=%lu\n", cap);
        return v ? atoi(v) : 1;
    }
    if (cap_env && request == KVM_ENABLE_CAP &&
        ((struct kvm_enable_cap *)arg)->cap == cap) {
        struct kvm_enable_cap *e = arg;
        const char *err = getenv("KVMPORT_SHIM_ENABLE_ERRNO");

        shim_log("enable cap=%u flags=%u args=%" PRIu64 ",%" PRIu64 ",%"
                 PRIu64 ",%" PRIu64 "\n", e->cap, e->flags, (uint64_t)e->args[0],
                 (uint64_t)e->args[1], (uint64_t)e->args[2],
                 (uint64_t)e->args[3]);
        if (err) {
            errno = atoi(err);
            return -1;
        }
        return 0;
    }
    return real_ioctl(fd, request, arg);
}
