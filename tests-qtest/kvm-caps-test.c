/*
 * QTest: the table of optional KVM capabilities (patches/kvm/)
 *
 * query-kvm-caps must agree with KVM_CHECK_EXTENSION probes this test makes
 * itself on /dev/kvm; cap-NAME=on|off|auto must act as documented; unknown
 * names and values must be rejected with the valid ones listed.  A vendor
 * capability the host kernel lacks (KVM_CAP_PPIN) is provided by an
 * LD_PRELOAD shim (kvm-cap-shim.c) on top of the real /dev/kvm, which also
 * records the KVM_ENABLE_CAP call QEMU makes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

#define VENDOR_CAP_PPIN 250

static char *shim_path;

/* Run QEMU with ARGS (and ENV) to completion; returns its wait status. */
static int run_qemu(const char *const *env, const char *args, char **err)
{
    g_autofree char *cmd = g_strdup_printf(
        "timeout 20 %s -M none -display none -monitor none -serial none %s",
        g_getenv("QTEST_QEMU_BINARY"), args);
    g_auto(GStrv) argv = NULL;
    g_auto(GStrv) envp = g_get_environ();
    int status = -1;

    for (; env && *env; env += 2) {
        envp = g_environ_setenv(envp, env[0], env[1], TRUE);
    }
    g_assert(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert(g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                          NULL, err, &status, NULL));
    g_test_message("%s -> status %d, stderr: %s", cmd, status, *err);
    return status;
}

static QList *query_caps(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-kvm-caps' }");
    QList *list;

    g_assert(qdict_haskey(resp, "return"));
    list = qdict_get_qlist(resp, "return");
    qobject_ref(list);
    qobject_unref(resp);
    return list;
}

static QDict *find_cap(QList *caps, const char *name)
{
    const QListEntry *e;

    QLIST_FOREACH_ENTRY(caps, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (g_str_equal(qdict_get_str(c, "name"), name)) {
            return c;
        }
    }
    return NULL;
}

static void assert_kvm_in_use(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-kvm' }");

    g_assert_true(qdict_get_bool(qdict_get_qdict(resp, "return"), "enabled"));
    qobject_unref(resp);
}

/* The same probe QEMU makes: KVM_CHECK_EXTENSION on /dev/kvm or the VM. */
static int probe(int sys_fd, int vm_fd, unsigned int cap, const char *level)
{
    int ret;

    if (g_str_equal(level, "vm") &&
        ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_CHECK_EXTENSION_VM) > 0) {
        ret = ioctl(vm_fd, KVM_CHECK_EXTENSION, cap);
        return ret < 0 ? 0 : ret;
    }
    return ioctl(sys_fd, KVM_CHECK_EXTENSION, cap);
}

static void test_matches_kernel(void)
{
    QTestState *qts = qtest_init("-accel kvm");
    QList *caps = query_caps(qts);
    const QListEntry *e;
    int sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vm_fd;

    assert_kvm_in_use(qts);
    g_assert_cmpint(sys_fd, >=, 0);
    vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
    g_assert_cmpint(vm_fd, >=, 0);

    g_assert_nonnull(find_cap(caps, "coalesced-mmio"));
    g_assert_nonnull(find_cap(caps, "readonly-mem"));
    if (g_str_equal(qtest_get_arch(), "x86_64")) {
        g_assert_nonnull(find_cap(caps, "user-space-msr"));
        g_assert_nonnull(find_cap(caps, "exception-payload"));
        g_assert_nonnull(find_cap(caps, "ppin"));
    }
    QLIST_FOREACH_ENTRY(caps, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));
        const char *name = qdict_get_str(c, "name");
        int number = qdict_get_int(c, "number");
        int supported = qdict_get_int(c, "supported");
        int kernel = probe(sys_fd, vm_fd, number, qdict_get_str(c, "probe"));

        g_test_message("%s (%d): QEMU says %d, the kernel says %d", name,
                       number, supported, kernel);
        g_assert_cmpint(supported, ==, kernel);
        g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "auto");
        if (g_str_equal(name, "coalesced-pio")) {
            continue;   /* also needs coalesced-mmio */
        }
        g_assert_cmpint(qdict_get_bool(c, "enabled"), ==, kernel > 0);
    }
    close(vm_fd);
    close(sys_fd);
    qobject_unref(caps);
    qtest_quit(qts);
}

static void test_on_unsupported(void)
{
    QTestState *qts = qtest_init("-accel kvm");
    QList *caps = query_caps(qts);
    const QListEntry *e;
    const char *name = NULL;
    int number = 0;

    QLIST_FOREACH_ENTRY(caps, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(c, "supported") <= 0) {
            name = qdict_get_str(c, "name");
            number = qdict_get_int(c, "number");
            break;
        }
    }
    if (!name) {
        g_test_skip("this kernel supports every capability in the table");
    } else {
        g_autofree char *args = g_strdup_printf("-accel kvm,cap-%s=on", name);
        g_autofree char *err = NULL;
        g_autofree char *want = g_strdup_printf(
            "cap-%s=on, but the kernel does not support KVM capability %d "
            "(KVM_CHECK_EXTENSION returned 0)", name, number);
        int status = run_qemu(NULL, args, &err);

        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 1);
        g_assert_nonnull(strstr(err, want));
    }
    qobject_unref(caps);
    qtest_quit(qts);
}

static void test_off(void)
{
    QTestState *qts = qtest_init("-accel kvm,cap-readonly-mem=off");
    QList *caps = query_caps(qts);
    QDict *c = find_cap(caps, "readonly-mem");

    assert_kvm_in_use(qts);
    g_assert_nonnull(c);
    g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "off");
    g_assert_false(qdict_get_bool(c, "enabled"));
    c = find_cap(caps, "coalesced-mmio");
    g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "auto");
    qobject_unref(caps);
    qtest_quit(qts);
}

static void test_unknown_name(void)
{
    g_autofree char *err = NULL;
    int status = run_qemu(NULL, "-accel kvm,cap-no-such-cap=on", &err);

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "Property 'kvm-accel.cap-no-such-cap' "
                                 "not found"));
    g_assert_nonnull(strstr(err, "Valid properties: "));
    g_assert_nonnull(strstr(err, "cap-coalesced-mmio"));
    g_assert_nonnull(strstr(err, "cap-readonly-mem"));
}

static void test_unknown_value(void)
{
    g_autofree char *err = NULL;
    int status = run_qemu(NULL, "-accel kvm,cap-readonly-mem=maybe", &err);

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "Invalid value 'maybe' for "
                                 "cap-readonly-mem: use on, off or auto"));
}

static void test_not_kvm(void)
{
    QTestState *qts = qtest_init("-M none -accel tcg");
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-kvm-caps' }");
    const char *desc;

    g_assert(qdict_haskey(resp, "error"));
    desc = qdict_get_str(qdict_get_qdict(resp, "error"), "desc");
    g_assert_nonnull(strstr(desc, "needs the kvm accelerator"));
    qobject_unref(resp);
    qtest_quit(qts);
}

static char *shim_log_path(void)
{
    char *path;
    int fd = g_file_open_tmp("qtest-kvm-caps-shim-XXXXXX", &path, NULL);

    g_assert(fd >= 0);
    close(fd);
    return path;
}

/*
 * Start QEMU with ARGS and the shim logging to LOG; with CAP (a number)
 * the shim offers that capability, with MSRS (a list) it serves those MSRs.
 */
static QTestState *shim_start(const char *args, const char *log,
                              const char *cap, const char *msrs)
{
    QTestState *qts;

    g_assert_true(g_file_test(shim_path, G_FILE_TEST_EXISTS));
    g_setenv("LD_PRELOAD", shim_path, TRUE);
    g_setenv("KVMPORT_SHIM_LOG", log, TRUE);
    if (cap) {
        g_setenv("KVMPORT_SHIM_CAP", cap, TRUE);
    }
    if (msrs) {
        g_setenv("KVMPORT_SHIM_MSRS", msrs, TRUE);
    }
    qts = qtest_init(args);
    g_unsetenv("LD_PRELOAD");
    g_unsetenv("KVMPORT_SHIM_LOG");
    g_unsetenv("KVMPORT_SHIM_CAP");
    g_unsetenv("KVMPORT_SHIM_MSRS");
    assert_kvm_in_use(qts);
    return qts;
}

/*
 * shim_start() with the shim offering KVM_CAP_PPIN.  Returns QEMU; *CAPS
 * is its query-kvm-caps answer and *PPIN the entry for "ppin" in it.
 */
static QTestState *shim_qtest_init(const char *args, const char *log,
                                   const char *msrs, QList **caps,
                                   QDict **ppin)
{
    QTestState *qts = shim_start(args, log, G_STRINGIFY(VENDOR_CAP_PPIN),
                                 msrs);

    *caps = query_caps(qts);
    *ppin = find_cap(*caps, "ppin");
    g_assert_nonnull(*ppin);
    g_assert_cmpint(qdict_get_int(*ppin, "number"), ==, VENDOR_CAP_PPIN);
    g_assert_cmpint(qdict_get_int(*ppin, "supported"), ==, 1);
    return qts;
}

static char *shim_calls(const char *log)
{
    char *calls = NULL;

    g_assert(g_file_get_contents(log, &calls, NULL, NULL));
    g_test_message("shim log:\n%s", calls);
    return calls;
}

/* A vendor cap the kernel offers (through the shim) is enabled under auto */
static void test_vendor_cap_enabled(void)
{
    g_autofree char *log = shim_log_path();
    g_autofree char *calls = NULL;
    QList *caps;
    QDict *c;
    QTestState *qts = shim_qtest_init("-accel kvm", log, NULL, &caps, &c);

    g_assert_true(qdict_get_bool(c, "enabled"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "check cap=250\n"));
    g_assert_nonnull(strstr(calls, "enable cap=250 flags=0 args=1,0,0,0\n"));
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/* ... and never enabled under off, though reported as supported */
static void test_vendor_cap_off(void)
{
    g_autofree char *log = shim_log_path();
    g_autofree char *calls = NULL;
    QList *caps;
    QDict *c;
    QTestState *qts = shim_qtest_init("-accel kvm,cap-ppin=off", log,
                                      NULL, &caps, &c);

    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "off");
    calls = shim_calls(log);
    g_assert_null(strstr(calls, "enable cap=250"));
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/* A kernel that claims the cap but refuses to enable it stops startup */
static void test_vendor_cap_enable_fails(void)
{
    g_autofree char *log = shim_log_path();
    g_autofree char *err = NULL;
    const char *env[] = {
        "LD_PRELOAD", shim_path, "KVMPORT_SHIM_CAP", "250",
        "KVMPORT_SHIM_LOG", log, "KVMPORT_SHIM_ENABLE_ERRNO", "22", NULL,
    };
    int status = run_qemu(env, "-accel kvm", &err);

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "failed to enable KVM capability 250 "
                                 "(ppin, policy auto): Invalid argument"));
    unlink(log);
}

/* Where QEMU serves PPIN: "ppin" entry of query-kvm-caps, shim log */
static const char ppin_msrs[] = "0x4e,0x4f,0xc00102f0,0xc00102f1";

/* Without KVM_CAP_PPIN, QEMU serves the PPIN MSRs through the MSR filter */
static void test_ppin_filter_path(void)
{
    g_autofree char *log = shim_log_path();
    g_autofree char *calls = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    qts = shim_start("-accel kvm -cpu qemu64,amd-ppin=on", log, NULL, NULL);
    caps = query_caps(qts);
    c = find_cap(caps, "ppin");
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_try_str(c, "fallback"), ==, "user-space-msr");
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    g_assert_nonnull(strstr(calls, "filter msr=0x4e\n"));
    g_assert_nonnull(strstr(calls, "filter msr=0x4f\n"));
    g_assert_nonnull(strstr(calls, "filter msr=0xc00102f0\n"));
    g_assert_nonnull(strstr(calls, "filter msr=0xc00102f1\n"));
    qobject_unref(caps);
    qtest_quit(qts);

    /* neither KVM_CAP_PPIN nor user-space MSRs: no way to serve PPIN */
    qts = qtest_init("-accel kvm,cap-user-space-msr=off -cpu qemu64");
    caps = query_caps(qts);
    c = find_cap(caps, "ppin");
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_false(qdict_haskey(c, "fallback"));
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/*
 * With KVM_CAP_PPIN (the shim), QEMU enables it, hands the value and
 * PPIN_CTL to the kernel with KVM_SET_MSRS and filters no PPIN MSR.
 */
static void test_ppin_kernel_path(void)
{
    g_autofree char *log = shim_log_path();
    g_autofree char *calls = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    qts = shim_qtest_init("-accel kvm "
                          "-cpu qemu64,amd-ppin=on,ppin-value=0x1234abcd",
                          log, ppin_msrs, &caps, &c);
    g_assert_true(qdict_get_bool(c, "enabled"));
    g_assert_false(qdict_haskey(c, "fallback"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "enable cap=250 flags=0 args=1,0,0,0\n"));
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f1 data=0x1234abcd\n"));
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f0 data=0x0\n"));
    /* the Intel pair is not advertised: not handed over */
    g_assert_null(strstr(calls, "set msr=0x4f "));
    /* the filter is still installed (0x35), without PPIN MSRs */
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    g_assert_null(strstr(calls, "filter msr=0x4"));
    g_assert_null(strstr(calls, "filter msr=0xc00102f"));
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/* The shim's log once it contains WANT (waits 10 s at most) */
static char *shim_wait_for(const char *log, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    char *calls = NULL;

    for (;;) {
        g_assert(g_file_get_contents(log, &calls, NULL, NULL));
        if (strstr(calls, want) || g_get_monotonic_time() > deadline) {
            break;
        }
        g_free(calls);
        g_usleep(20 * 1000);
    }
    g_test_message("shim log, waiting for '%s':\n%s", want, calls);
    g_assert_nonnull(strstr(calls, want));
    return calls;
}

/*
 * ... and reads them back with KVM_GET_MSRS: what the guest wrote to
 * PPIN_CTL (the shim's pretended guest locks and enables it when it runs)
 * is the state QEMU keeps (and migrates) and hands back to the kernel.
 */
static void test_ppin_kernel_readback(void)
{
    g_autofree char *log = shim_log_path();
    QTestState *qts;
    char *calls;

    qts = shim_start("-S -accel kvm -cpu qemu64,amd-ppin=on",
                     log, G_STRINGIFY(VENDOR_CAP_PPIN),
                     "0xc00102f0=0x3,0xc00102f1");
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f0 data=0x0\n"));
    g_assert_null(strstr(calls, "data=0x3"));
    g_free(calls);

    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");
    g_free(shim_wait_for(log, "guest wrmsr=0xc00102f0 data=0x3\n"));

    /* synchronize the vCPU state from KVM: KVM_GET_MSRS */
    g_free(qtest_hmp(qts, "info registers"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "get msr=0xc00102f0 data=0x3\n"));
    g_free(calls);

    /* QEMU puts back the PPIN_CTL it read when the vCPU runs again */
    g_free(shim_wait_for(log, "set msr=0xc00102f0 data=0x3\n"));
    qtest_quit(qts);
    unlink(log);
}

int main(int argc, char **argv)
{
    g_autofree char *dir = g_path_get_dirname(argv[0]);
    bool kvm = qtest_has_accel("kvm");

    g_test_init(&argc, &argv, NULL);
    shim_path = g_build_filename(dir, "stack", "kvmport-cap-shim.so", NULL);

    qtest_add_func("/kvm-caps/tcg-error", test_not_kvm);
    qtest_add_func("/kvm-caps/unknown-name", test_unknown_name);
    qtest_add_func("/kvm-caps/unknown-value", test_unknown_value);
    if (!kvm) {
        g_test_message("skipping the /kvm-caps/kvm/ tests: the kvm "
                       "accelerator is not usable here (no usable /dev/kvm "
                       "for this target)");
    } else {
        qtest_add_func("/kvm-caps/kvm/matches-kernel", test_matches_kernel);
        qtest_add_func("/kvm-caps/kvm/on-unsupported", test_on_unsupported);
        qtest_add_func("/kvm-caps/kvm/off", test_off);
        if (g_str_equal(qtest_get_arch(), "x86_64")) {
            qtest_add_func("/kvm-caps/kvm/vendor-cap-enabled",
                           test_vendor_cap_enabled);
            qtest_add_func("/kvm-caps/kvm/vendor-cap-off",
                           test_vendor_cap_off);
            qtest_add_func("/kvm-caps/kvm/vendor-cap-enable-fails",
                           test_vendor_cap_enable_fails);
            qtest_add_func("/kvm-caps/kvm/ppin-filter-path",
                           test_ppin_filter_path);
            qtest_add_func("/kvm-caps/kvm/ppin-kernel-path",
                           test_ppin_kernel_path);
            qtest_add_func("/kvm-caps/kvm/ppin-kernel-readback",
                           test_ppin_kernel_readback);
        }
    }
    return g_test_run();
}
