/*
 * LD_PRELOAD shim for kvm-caps-test: pretend the kernel has one more KVM
 * capability, on top of the real /dev/kvm.
 *
 * KVMPORT_SHIM_CAP=N        the capability number to answer for
 * KVMPORT_SHIM_VALUE=V      KVM_CHECK_EXTENSION answer for it (default 1)
 * KVMPORT_SHIM_ENABLE_ERRNO=E  make KVM_ENABLE_CAP of it fail with E
 * KVMPORT_SHIM_MSRS=M,M,... MSR indices the pretended kernel serves:
 *                           KVM_SET_MSRS/KVM_GET_MSRS entries for them are
 *                           stored/answered here, the rest go to the kernel,
 *                           and KVM_GET_MSR_INDEX_LIST lists them too;
 *                           M=V: the pretended guest writes V to M when
 *                           it first runs (KVM_RUN)
 * KVMPORT_SHIM_HIDE_MSRS=M,M,...  MSR indices dropped from the real kernel's
 *                           KVM_GET_MSR_INDEX_LIST (a kernel with
 *                           KVM_CAP_PPIN, patches/linux, lists the PPIN
 *                           MSRs; the pretended kernel may not)
 * KVMPORT_SHIM_MSR_LIST_ERRNO=E  make KVM_GET_MSR_INDEX_LIST fail with E
 * KVMPORT_SHIM_LOG=FILE     append one line per intercepted call, per
 *                           KVM_ENABLE_CAP (any capability), per shim MSR
 *                           set or get, per write of the pretended guest,
 *                           and per KVM_X86_SET_MSR_FILTER (the base of
 *                           each range)
 *
 * Every other ioctl goes to the real one.  The shim is a plain preloaded
 * library, not linked with QEMU's utilities: it parses with libc's strtoul
 * and declares the ioctl it interposes (checkpatch.pl flags both).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

int ioctl(int fd, unsigned long request, ...);

static void __attribute__((format(printf, 1, 2)))
shim_log(const char *fmt, ...)
{
    const char *path = getenv("KVMPORT_SHIM_LOG");
    FILE *f;
    va_list ap;

    f = path ? fopen(path, "a") : NULL;
    if (!f) {
        return;
    }
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

#define SHIM_MAX_MSRS 8

static struct {
    uint32_t index;
    uint64_t data;
    bool guest_writes;
    uint64_t guest_data;
} shim_msrs[SHIM_MAX_MSRS];
static int shim_nmsrs = -1;

/* KVMPORT_SHIM_MSRS into shim_msrs[], once */
static void shim_msrs_parse(void)
{
    const char *list = getenv("KVMPORT_SHIM_MSRS");
    char *end;

    if (shim_nmsrs >= 0) {
        return;
    }
    shim_nmsrs = 0;
    while (list && *list && shim_nmsrs < SHIM_MAX_MSRS) {
        shim_msrs[shim_nmsrs].index = strtoul(list, &end, 0);
        if (*end == '=') {
            shim_msrs[shim_nmsrs].guest_writes = true;
            shim_msrs[shim_nmsrs].guest_data = strtoull(end + 1, &end, 0);
        }
        shim_nmsrs++;
        list = *end == ',' ? end + 1 : end;
    }
}

static int shim_msr(uint32_t index)
{
    int i;

    shim_msrs_parse();
    for (i = 0; i < shim_nmsrs; i++) {
        if (shim_msrs[i].index == index) {
            return i;
        }
    }
    return -1;
}

/* INDEX is in KVMPORT_SHIM_HIDE_MSRS */
static bool shim_hidden(uint32_t index)
{
    const char *list = getenv("KVMPORT_SHIM_HIDE_MSRS");
    char *end;

    while (list && *list) {
        if (strtoul(list, &end, 0) == index) {
            return true;
        }
        if (end == list) {
            break;
        }
        list = *end == ',' ? end + 1 : end;
    }
    return false;
}

/* KVM_RUN: the pretended guest makes the writes it was given, once */
static void shim_guest_runs(void)
{
    int i;

    shim_msrs_parse();
    for (i = 0; i < shim_nmsrs; i++) {
        if (shim_msrs[i].guest_writes) {
            shim_msrs[i].guest_writes = false;
            shim_msrs[i].data = shim_msrs[i].guest_data;
            shim_log("guest wrmsr=0x%x data=0x%" PRIx64 "\n",
                     shim_msrs[i].index, shim_msrs[i].data);
        }
    }
}

/*
 * KVM_SET_MSRS/KVM_GET_MSRS: serve the shim's MSRs, pass the others to the
 * kernel. Returns the number of entries processed, like the kernel.
 */
static int shim_msrs_ioctl(int (*real_ioctl)(int, unsigned long, ...),
                           int fd, unsigned long request, struct kvm_msrs *msrs)
{
    size_t size = sizeof(*msrs) + msrs->nmsrs * sizeof(msrs->entries[0]);
    struct kvm_msrs *rest = calloc(1, size);
    int *map = calloc(msrs->nmsrs + 1, sizeof(*map));
    uint32_t i, n = 0;
    int ret;

    for (i = 0; i < msrs->nmsrs; i++) {
        int m = shim_msr(msrs->entries[i].index);

        if (m < 0) {
            map[n] = i;
            rest->entries[n++] = msrs->entries[i];
        } else if (request == KVM_SET_MSRS) {
            shim_msrs[m].data = msrs->entries[i].data;
            shim_log("set msr=0x%x data=0x%" PRIx64 "\n",
                     msrs->entries[i].index, (uint64_t)msrs->entries[i].data);
        } else {
            msrs->entries[i].data = shim_msrs[m].data;
            shim_log("get msr=0x%x data=0x%" PRIx64 "\n",
                     msrs->entries[i].index, (uint64_t)msrs->entries[i].data);
        }
    }
    rest->nmsrs = n;
    ret = n ? real_ioctl(fd, request, rest) : 0;
    if (ret >= 0) {
        for (i = 0; i < (uint32_t)ret; i++) {
            msrs->entries[map[i]] = rest->entries[i];
        }
        /* the kernel stopped early: report the first entry it refused */
        ret = (uint32_t)ret < n ? map[ret] : (int)msrs->nmsrs;
    }
    free(map);
    free(rest);
    return ret;
}

/*
 * KVM_GET_MSR_INDEX_LIST: the kernel's list without KVMPORT_SHIM_HIDE_MSRS,
 * then the shim's MSRs. Like the
 * kernel, E2BIG with the needed count when the caller's list is too short.
 */
static int shim_msr_list(int (*real_ioctl)(int, unsigned long, ...),
                         int fd, struct kvm_msr_list *list)
{
    uint32_t room = list->nmsrs, all_n, n, j;
    struct kvm_msr_list probe = { .nmsrs = 0 };
    struct kvm_msr_list *all;
    int i, ret;

    ret = real_ioctl(fd, KVM_GET_MSR_INDEX_LIST, &probe);
    if (ret < 0 && errno != E2BIG) {
        return ret;
    }
    shim_msrs_parse();
    all = calloc(1, sizeof(*all) + (probe.nmsrs + shim_nmsrs) *
                 sizeof(all->indices[0]));
    all->nmsrs = probe.nmsrs;
    ret = real_ioctl(fd, KVM_GET_MSR_INDEX_LIST, all);
    if (ret < 0) {
        free(all);
        return ret;
    }
    all_n = all->nmsrs;
    n = 0;
    for (j = 0; j < all_n; j++) {
        if (!shim_hidden(all->indices[j])) {
            all->indices[n++] = all->indices[j];
        }
    }
    for (i = 0; i < shim_nmsrs; i++) {
        all->indices[n++] = shim_msrs[i].index;
    }
    list->nmsrs = n;
    if (room < n) {
        free(all);
        errno = E2BIG;
        return -1;
    }
    memcpy(list->indices, all->indices, n * sizeof(all->indices[0]));
    free(all);
    shim_log("msr index list: %u entries, %d from the shim, %u hidden\n", n,
             shim_nmsrs, all_n - (n - shim_nmsrs));
    return 0;
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
        real_ioctl = (int (*)(int, unsigned long, ...))
                     dlsym(RTLD_NEXT, "ioctl");
    }
    if (cap_env && request == KVM_CHECK_EXTENSION && (uintptr_t)arg == cap) {
        const char *v = getenv("KVMPORT_SHIM_VALUE");

        shim_log("check cap=%lu\n", cap);
        return v ? atoi(v) : 1;
    }
    if (request == KVM_ENABLE_CAP) {
        struct kvm_enable_cap *e = arg;
        const char *err = getenv("KVMPORT_SHIM_ENABLE_ERRNO");

        shim_log("enable cap=%u flags=%u args=%" PRIu64 ",%" PRIu64 ",%"
                 PRIu64 ",%" PRIu64 "\n", e->cap, e->flags,
                 (uint64_t)e->args[0], (uint64_t)e->args[1],
                 (uint64_t)e->args[2], (uint64_t)e->args[3]);
        if (cap_env && e->cap == cap) {
            if (err) {
                errno = atoi(err);
                return -1;
            }
            return 0;
        }
    }
    if (request == KVM_RUN && getenv("KVMPORT_SHIM_MSRS")) {
        shim_guest_runs();
    }
    if (request == KVM_GET_MSR_INDEX_LIST &&
        getenv("KVMPORT_SHIM_MSR_LIST_ERRNO")) {
        errno = atoi(getenv("KVMPORT_SHIM_MSR_LIST_ERRNO"));
        shim_log("msr index list: failing with errno %d\n", errno);
        return -1;
    }
    if (request == KVM_GET_MSR_INDEX_LIST &&
        (getenv("KVMPORT_SHIM_MSRS") || getenv("KVMPORT_SHIM_HIDE_MSRS"))) {
        return shim_msr_list(real_ioctl, fd, arg);
    }
    if ((request == KVM_SET_MSRS || request == KVM_GET_MSRS) &&
        getenv("KVMPORT_SHIM_MSRS")) {
        return shim_msrs_ioctl(real_ioctl, fd, request, arg);
    }
    if (request == KVM_X86_SET_MSR_FILTER) {
        struct kvm_msr_filter *f = arg;
        int i;

        for (i = 0; i < KVM_MSR_FILTER_MAX_RANGES; i++) {
            if (f->ranges[i].nmsrs) {
                shim_log("filter msr=0x%x\n", f->ranges[i].base);
            }
        }
    }
    return real_ioctl(fd, request, arg);
}
